"""Drive the real game scenes headlessly: a stepped App, posted key events, fixed dt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygame

from duet_drums.app.context import AppContext
from duet_drums.app.main import App
from duet_drums.app.scenes.base import Scene
from duet_drums.core.autoplay import AI_PARTNER_PROFILES
from duet_drums.core.chart import Chart
from duet_drums.core.result import Result
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup

DT = 1 / 60


def make_app(charts_dirs: list[Path] | None = None, render: bool = True, *, stepped: bool = True,
             midi: bool | None = None, audio: bool | None = None) -> App:
    """An App on the settings in the (test's own) config dir. `midi=True` opens the real
    MIDI layer even when stepped; `stepped=False, audio=False` runs on the wall clock."""
    ctx = AppContext.load(stepped=stepped, charts_dirs=charts_dirs, midi_enabled=midi,
                          audio_enabled=audio)
    return App(ctx, render=render)


def close(app: App) -> None:
    ctx = app.ctx
    app.close()
    ctx.close()


def press(app: App, key: int, dt: float = DT) -> None:
    """One real KEYDOWN/KEYUP pair through SDL's queue, then one frame."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    app.step(dt)


def press_down_to(app: App, menu_labels: Callable[[], list[str]], selected: Callable[[], int],
                  label: str) -> None:
    """Press Down until the menu row `label` is selected (fails if it never is)."""
    for _ in range(len(menu_labels()) + 1):
        if menu_labels()[selected()] == label:
            return
        press(app, pygame.K_DOWN)
    raise AssertionError(f"menu row {label!r} never selected; rows: {menu_labels()}")


def run_until(app: App, done: Callable[[], bool], dt: float = DT, max_steps: int = 100_000) -> int:
    steps = app.run_steps(max_steps, dt, until=done)
    assert done(), f"condition not reached after {steps} steps; top scene {type(app.scene).__name__}"
    return steps


def top_is(app: App, kind: type[Scene]) -> Callable[[], bool]:
    return lambda: bool(app.stack) and isinstance(app.scene, kind)


def expected_bot_result(chart: Chart, players: list[tuple[str, str]], seed: int = 0,
                        strictness: str = "standard") -> Result:
    """The engine's Result for the two autoplay bots' hit streams, computed without the app."""
    session = DuetSession(chart, [PlayerSetup(part, diff, "5-lane", "AI partner") for part, diff in players],
                          rules_for(strictness))
    hits = []
    for p in (0, 1):
        hits += AI_PARTNER_PROFILES[p].hits(session.tracks[p], p, seed=seed + p)
    hits.sort(key=lambda h: h.t)
    for hit in hits:
        session.hit(hit)
    return session.finish()
