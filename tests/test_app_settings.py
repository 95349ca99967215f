"""Settings changed in the real settings scenes are saved and survive a restart."""

from __future__ import annotations

from pathlib import Path

import pygame

from duet_drums.app.main import App
from duet_drums.app.routes import Keybind, SettingsMenu, SongSelect, Title
from duet_drums.app.scenes.keybind import KeybindScene
from duet_drums.app.scenes.settings import SettingsScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.scenes.title import TitleScene
from duet_drums.core.kit import Piece
from duet_drums.settings import load_settings, settings_path
from tests.support.app_driver import close, make_app, press, press_down_to


def _labels(menu_owner: SettingsScene | KeybindScene) -> list[str]:
    return [i.label for i in menu_owner.menu.items]


def test_settings_scene_changes_are_persisted_and_reloaded() -> None:
    app = make_app()
    try:
        app.nav.push(Title())
        title = app.scene
        assert isinstance(title, TitleScene)
        press_down_to(app, lambda: [i.label for i in title.menu.items], lambda: title.menu.selected,
                      "Settings")
        press(app, pygame.K_RETURN)
        scene = app.scene
        assert isinstance(scene, SettingsScene)
        for label, key in (("Note speed", pygame.K_RIGHT), ("Strictness", pygame.K_RIGHT),
                           ("Lefty flip", pygame.K_RETURN), ("Audio buffer", pygame.K_RIGHT),
                           ("Master volume", pygame.K_LEFT), ("Player 2 lanes", pygame.K_RIGHT),
                           ("Audio latency", pygame.K_RIGHT)):
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
    assert reloaded.calibration.audio_offset_ms == 5.0

    # A new game session starts from the saved file.
    app = make_app()
    try:
        assert app.ctx.settings.note_speed == 1.25 and app.ctx.settings.strictness == "strict"
    finally:
        close(app)


def test_rebinding_a_key_by_pressing_it() -> None:
    app = make_app()
    try:
        app.nav.push(Keybind(player=0))
        scene = app.scene
        assert isinstance(scene, KeybindScene)
        press_down_to(app, lambda: _labels(scene), lambda: scene.menu.selected, "Snare (red)")
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
        app.nav.push(Title())
        app.step()
        assert any(str(path) in w and "unreadable settings" in w for w in app.ctx.warnings)
    finally:
        close(app)


def _type(app: App, text: str) -> None:
    """Real KEYDOWNs as SDL delivers typing: key code plus the character in `unicode`."""
    for char in text:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.key.key_code(char), mod=0,
                                             unicode=char, scancode=0))
    app.step()


def test_player_names_are_typed_in_settings_and_used_for_the_next_song() -> None:
    app = make_app()
    try:
        app.nav.push(SettingsMenu())
        scene = app.scene
        assert isinstance(scene, SettingsScene)
        press_down_to(app, lambda: _labels(scene), lambda: scene.menu.selected, "Player 2 name")
        row = scene.menu.current
        assert row.value is not None and row.value() == "Player 2"
        press(app, pygame.K_RETURN)  # edit
        assert row.value() == "Player 2_"
        for _ in range(len("Player 2")):
            press(app, pygame.K_BACKSPACE)
        # Letters that are drum keys and menu keys alike are text while editing: "j" is
        # P2's snare, Space would activate a row, Down would move the cursor.
        _type(app, "Jo Kim")
        press(app, pygame.K_DOWN)
        assert row.value() == "Jo Kim_" and scene.menu.current is row
        press(app, pygame.K_RETURN)
        assert row.value() == "Jo Kim" and app.ctx.settings.players[1].name == "Jo Kim"
        assert load_settings()[0].players[1].name == "Jo Kim"  # saved at once

        # Esc cancels an edit (and only the edit: the screen stays).
        press(app, pygame.K_RETURN)
        _type(app, "zz")
        press(app, pygame.K_ESCAPE)
        assert app.scene is scene and row.value() == "Jo Kim"
        assert load_settings()[0].players[1].name == "Jo Kim"

        # A blank name is refused (Enter keeps editing); names stop at 16 characters.
        press(app, pygame.K_RETURN)
        for _ in range(len("Jo Kim")):
            press(app, pygame.K_BACKSPACE)
        _type(app, "   ")
        press(app, pygame.K_RETURN)
        assert scene.editing_player == 1
        _type(app, "abcdefghijklmnopqrstuvwxyz")
        press(app, pygame.K_RETURN)
        assert app.ctx.settings.players[1].name == "abcdefghijklm"  # 3 spaces + 13, stripped
        press(app, pygame.K_ESCAPE)  # not editing: back out of the screen
        assert app.stack == []
    finally:
        close(app)

    # The next song's players carry the saved names (the score table keys on them).
    app = make_app()
    try:
        app.nav.push(SongSelect())
        select = app.scene
        assert isinstance(select, SongSelectScene)
        setup = select.setup()
        assert setup is not None
        assert [c.name for c in setup.players] == ["Player 1", "abcdefghijklm"]
    finally:
        close(app)
