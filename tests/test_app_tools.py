"""The calibration and key test screens, driven with posted key events."""

from __future__ import annotations

import pygame
import pytest

from duet_drums.app.routes import Calibration, KeyTest
from duet_drums.app.scenes.calibration import CalibrationScene
from duet_drums.app.scenes.keytest import KeyTestScene
from duet_drums.settings import load_settings
from tests.support.app_driver import close, make_app, press


def _post(kind: int, name: str) -> None:
    code = pygame.key.key_code(name)
    pygame.event.post(pygame.event.Event(kind, key=code, mod=0, unicode=name, scancode=0))


def test_calibration_measures_a_late_tapper_and_saves_the_offset() -> None:
    app = make_app()
    try:
        app.nav.push(Calibration())
        scene = app.scene
        assert isinstance(scene, CalibrationScene)
        press(app, pygame.K_RETURN, dt=0.01)
        assert scene.state == "running"
        for click in scene.clicks:  # tap every click 30 ms late
            app.run_steps(10_000, 0.01, until=lambda c=click: scene.song_time >= c + 0.03 - 1e-9)
            _post(pygame.KEYDOWN, "a")
            _post(pygame.KEYUP, "a")
            app.step(0.01)
        app.run_steps(10_000, 0.01, until=lambda: scene.state == "done")
        est = scene.estimates["keyboard"]
        assert est.n_used == len(scene.clicks)
        assert est.offset_ms == pytest.approx(30.0, abs=10.0)
        press(app, pygame.K_RETURN)  # save
        assert scene.saved
    finally:
        close(app)
    saved, _ = load_settings()
    assert saved.calibration.input_offsets_ms["keyboard"] == pytest.approx(30.0, abs=10.0)


def test_key_test_shows_keys_held_together() -> None:
    app = make_app()
    try:
        app.nav.push(KeyTest())
        scene = app.scene
        assert isinstance(scene, KeyTestScene)
        for name in ("c", "a", "j"):  # P1 kick + snare, P2 snare
            _post(pygame.KEYDOWN, name)
        app.step()
        assert scene.tracker.held == {"c", "a", "j"}
        _post(pygame.KEYUP, "a")
        app.step()
        assert scene.tracker.held == {"c", "j"} and scene.tracker.best == {"c", "a", "j"}
        assert scene.tracker.together("c", "j")
        _post(pygame.KEYDOWN, "1")  # not a drum key: ignored
        app.step()
        assert "1" not in scene.tracker.held
        press(app, pygame.K_ESCAPE)
        assert app.stack == [] and not app.running
    finally:
        close(app)
