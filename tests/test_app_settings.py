"""Settings changed in the real settings scenes are saved and survive a restart."""

from __future__ import annotations

from pathlib import Path

import pygame

from duet_drums.app.scenes.keybind import KeybindScene
from duet_drums.app.scenes.settings import SettingsScene
from duet_drums.app.scenes.title import TitleScene
from duet_drums.core.kit import Piece
from duet_drums.settings import load_settings, settings_path
from tests.support.app_driver import close, make_app, press, press_down_to


def _labels(menu_owner: SettingsScene | KeybindScene) -> list[str]:
    return [i.label for i in menu_owner.menu.items]


def test_settings_scene_changes_are_persisted_and_reloaded() -> None:
    app = make_app()
    try:
        app.push(TitleScene(app))
        title = app.scene
        assert isinstance(title, TitleScene)
        press_down_to(app, lambda: [i.label for i in title.menu.items], lambda: title.menu.selected,
                      "Settings")
        press(app, pygame.K_RETURN)
        scene = app.scene
        assert isinstance(scene, SettingsScene)
        for label, key in (("Note speed", pygame.K_RIGHT), ("Strictness", pygame.K_RIGHT),
                           ("Lefty flip", pygame.K_RETURN), ("Audio buffer", pygame.K_RIGHT),
                           ("Master volume", pygame.K_LEFT), ("Player 2 lanes", pygame.K_RIGHT)):
            press_down_to(app, lambda: _labels(scene), lambda: scene.menu.selected, label)
            press(app, key)
        press(app, pygame.K_ESCAPE)
        assert isinstance(app.scene, TitleScene)
    finally:
        close(app)

    assert settings_path().exists()
    reloaded, warning = load_settings()
    assert warning is None
    assert reloaded.note_speed == 1.25
    assert reloaded.strictness == "strict"
    assert reloaded.lefty_flip is True
    assert reloaded.audio.buffer_frames == 512
    assert reloaded.audio.master_volume == 0.7
    assert reloaded.players[1].layout == "full-kit"

    # A new game session starts from the saved file.
    app = make_app()
    try:
        assert app.ctx.settings.note_speed == 1.25 and app.ctx.settings.strictness == "strict"
    finally:
        close(app)


def test_rebinding_a_key_by_pressing_it() -> None:
    app = make_app()
    try:
        app.push(KeybindScene(app, 0))
        scene = app.scene
        assert isinstance(scene, KeybindScene)
        press_down_to(app, lambda: _labels(scene), lambda: scene.menu.selected, "snare")
        press(app, pygame.K_RETURN)
        assert scene.waiting_for == Piece.SNARE
        press(app, pygame.K_j)  # player 2's snare key by default: the two swap
        assert scene.waiting_for is None
        keys = app.ctx.settings.players
        assert keys[0].keys["j"] == Piece.SNARE and "a" not in keys[0].keys
        assert keys[1].keys["a"] == Piece.SNARE and "j" not in keys[1].keys
        assert "moved to a" in scene.message
        assert app.poller.keymap.lookup(pygame.K_j) is not None  # the live key map follows
        # The menus' keys cannot be taken.
        press(app, pygame.K_RETURN)
        press(app, pygame.K_UP)
        assert "needed by the menus" in scene.message
    finally:
        close(app)
    reloaded, _ = load_settings()
    assert reloaded.players[0].keys["j"] == Piece.SNARE and "j" not in reloaded.players[1].keys


def test_corrupt_settings_file_shows_a_warning_on_the_title(tmp_path: Path) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("note_speed = [broken")
    app = make_app()
    try:
        app.push(TitleScene(app))
        app.step()
        assert any(str(path) in w and "unreadable settings" in w for w in app.ctx.warnings)
    finally:
        close(app)
