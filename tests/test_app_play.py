"""Play scene details: whose input counts, the kit-unplugged pause, practice speed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from duet_drums.app.catalog import resolve
from duet_drums.app.main import App
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import Play
from duet_drums.app.scenes.play import PlayScene
from duet_drums.core.kit import Piece
from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.raw import RawHit
from duet_drums.settings import InputKind
from tests.support.app_driver import close, make_app


@pytest.fixture
def app() -> Iterator[App]:
    app = make_app(render=False)
    yield app
    close(app)


def _setup(inputs: tuple[InputKind, InputKind], speed: float = 1.0) -> PlaySetup:
    entry = resolve("summit-medley")
    return PlaySetup(entry, (PlayerChoice("Ann", "lead", "expert", inputs[0]),
                             PlayerChoice("Bob", "partner", "easy", inputs[1])), speed=speed)


def _play(app: App, setup: PlaySetup) -> PlayScene:
    app.nav.push(Play(setup))
    scene = app.scene
    assert isinstance(scene, PlayScene)
    return scene


def _raw(player: int, source: str, device: str = "keyboard") -> RawHit:
    return RawHit(player, Piece.SNARE, time.perf_counter_ns(), 100, source, device)  # type: ignore[arg-type]


def test_kit_unplugged_pauses_that_players_input_until_replugged(app: App) -> None:
    scene = _play(app, _setup(("keyboard", "midi")))
    app.step(0.05)
    kit = _raw(1, "midi", "TD-17")
    assert scene.accepts(kit) and scene.accepts(_raw(0, "keyboard"))
    assert not scene.accepts(_raw(1, "keyboard"))  # a kit player's keyboard half is not theirs
    assert not scene.accepts(_raw(0, "midi"))

    scene.on_midi_status([PortEvent("disconnected", "TD-17", 1)])
    assert scene.state.kit_unplugged == [None, "TD-17"]
    assert not scene.accepts(kit) and scene.accepts(_raw(0, "keyboard"))
    scene.on_raw_hits([kit])
    assert scene.pending == []
    app.render_enabled = True
    app.step(0.05)  # the banner draws
    scene.on_midi_status([PortEvent("connected", "TD-17", 1)])
    assert scene.state.kit_unplugged == [None, None] and scene.accepts(kit)
    scene.on_raw_hits([kit])
    assert len(scene.pending) == 1 and scene.pending[0].player == 1 and scene.pending[0].source == "midi"


def test_ai_partner_ignores_keys_and_plays_its_part(app: App) -> None:
    scene = _play(app, _setup(("keyboard", "ai")))
    assert not scene.accepts(_raw(1, "keyboard"))
    app.run_steps(100_000, 0.05, until=lambda: scene.song_time > 20.0)
    assert scene.session.stats[1].score > 0  # the bot is playing P2's part
    assert scene.session.stats[0].score == 0  # nobody pressed P1's keys
    assert set(scene.bots) == {1}


def test_practice_speed_keeps_song_time_in_chart_seconds(app: App) -> None:
    scene = _play(app, _setup(("ai", "ai"), speed=0.5))
    start = scene.song_time
    for _ in range(20):
        app.step(0.1)
    assert scene.song_time == pytest.approx(start + 20 * 0.1 * 0.5)


def test_kit_unplugged_while_paused_shows_on_the_play_screen(app: App) -> None:
    """The unplug notice reaches the play scene even when the pause menu is on top."""
    import pygame

    from tests.support.app_driver import press

    scene = _play(app, _setup(("keyboard", "midi")))
    app.step(0.05)
    press(app, pygame.K_ESCAPE)
    assert app.scene is not scene  # paused: the pause menu is the top scene
    app.ctx.midi_queue.put(PortEvent("disconnected", "TD-17", 1))
    app.step(0.05)
    assert scene.state.kit_unplugged == [None, "TD-17"]
