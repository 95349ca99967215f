"""The navigator: typed routes, one registry, and the stack moves scenes rely on."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import pygame
import pytest

from duet_drums.app import routes
from duet_drums.app.context import AppContext
from duet_drums.app.main import App
from duet_drums.app.navigator import Navigator, UnknownRoute
from duet_drums.app.play_setup import PlaySetup
from duet_drums.app.registry import default_registry
from duet_drums.app.routes import KeyTest, Play, Route, SettingsMenu, SongSelect, Title
from duet_drums.app.scenes.base import Scene
from duet_drums.app.scenes.pause import PauseScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.app.scenes.song_select import SongSelectScene
from tests.support.app_driver import close, make_app, press, press_down_to, run_until, top_is


@dataclass(frozen=True)
class Coach(Route):
    """A screen added the way later features add theirs: this dataclass plus one line."""

    tip: str


class CoachScene(Scene):
    log: ClassVar[list[str]] = []  # what every coach scene saw, in order

    def __init__(self, nav: Navigator, ctx: AppContext, route: Coach) -> None:
        super().__init__(nav, ctx)
        self.tip = route.tip

    def enter(self) -> None:
        self.log.append(f"enter {self.tip}")

    def leave(self) -> None:
        self.log.append(f"leave {self.tip}")


@pytest.fixture
def app() -> Iterator[App]:
    CoachScene.log = []
    ctx = AppContext.load(stepped=True)
    app = App(ctx, render=False, registry=default_registry().add(Coach, CoachScene))
    app.nav.push(Title())
    yield app
    close(app)


def test_every_route_has_exactly_one_scene() -> None:
    declared = {obj for _, obj in inspect.getmembers(routes, inspect.isclass)
                if issubclass(obj, Route) and obj is not Route}
    assert declared == set(default_registry().kinds())
    for kind in declared:
        assert dataclasses.is_dataclass(kind) and kind.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_a_new_route_is_one_dataclass_and_one_registry_line(app: App) -> None:
    app.nav.push(Coach("keep the hats light"))
    assert isinstance(app.scene, CoachScene) and app.scene.tip == "keep the hats light"
    assert app.nav.route == Coach("keep the hats light")
    app.nav.push(Coach("count in"))
    app.nav.pop()
    assert CoachScene.log == ["enter keep the hats light", "leave keep the hats light", "enter count in",
                              "leave count in", "enter keep the hats light"]


def test_an_unregistered_route_is_refused_and_nothing_moves(app: App) -> None:
    before = app.nav.routes
    with pytest.raises(UnknownRoute, match=r"no scene is registered for Coach; add one line"):
        Navigator(app.ctx, default_registry(), app).push(Coach("x"))
    assert app.nav.routes == before
    with pytest.raises(ValueError, match="already registered for Title"):
        default_registry().add(Title, SongSelectScene)  # type: ignore[arg-type]


def test_back_to_closes_screens_down_to_a_route_kind(app: App) -> None:
    for route in (SongSelect(), SettingsMenu(), KeyTest(), Coach("a")):
        app.nav.push(route)
    app.nav.back_to(SongSelect)
    assert app.nav.routes == (Title(), SongSelect())
    assert isinstance(app.scene, SongSelectScene)
    assert CoachScene.log == ["enter a", "leave a"]
    # Nothing of that kind open: `otherwise` takes the top screen's place...
    app.nav.push(Coach("b"))
    app.nav.back_to(KeyTest, otherwise=SettingsMenu())
    assert app.nav.routes == (Title(), SongSelect(), SettingsMenu())
    # ...and with no `otherwise` the game ends.
    app.nav.back_to(KeyTest)
    assert not app.running


def test_popping_the_last_screen_ends_the_game(app: App) -> None:
    app.nav.pop()
    assert len(app.nav) == 0 and app.stack == [] and not app.running


def _bots_setup(app: App) -> PlaySetup:
    select = SongSelectScene(app.nav, app.ctx, SongSelect())  # read the setup the menu would build
    for p in app.ctx.settings.players:
        p.input = "ai"
    setup = select.setup()
    assert setup is not None
    return setup


def test_quit_song_started_from_the_command_line_ends_the_game() -> None:
    app = make_app()
    try:
        app.nav.push(Play(_bots_setup(app)))
        app.step()
        press(app, pygame.K_ESCAPE)
        pause = app.scene
        assert isinstance(pause, PauseScene)
        press_down_to(app, lambda: [i.label for i in pause.menu.items], lambda: pause.menu.selected,
                      "Quit song")
        press(app, pygame.K_RETURN)
        assert not app.running
    finally:
        close(app)


def test_results_of_a_command_line_song_continue_to_song_select() -> None:
    app = make_app(render=False)
    try:
        app.nav.push(Play(_bots_setup(app)))
        run_until(app, top_is(app, ResultsScene), dt=0.25)
        assert len(app.nav) == 1
        press(app, pygame.K_ESCAPE)  # Esc on results = Continue
        assert app.nav.routes == (SongSelect(),) and isinstance(app.scene, SongSelectScene)
    finally:
        close(app)
