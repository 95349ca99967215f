"""The settings screen: every change is saved at once (atomic write), so quitting from
anywhere never loses a change, and the play scene reads the new values next song.

Player names are typed here (Enter to edit, type, Enter to confirm, Esc to cancel): the
high-score table and the results key on them, so two people sharing the game keep
their own scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Calibration, Keybind, KeyTest, MidiSetup, SettingsMenu, SongFolders
from duet_drums.app.scenes.base import MenuScene
from duet_drums.settings import Settings

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

NOTE_SPEEDS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
STRICTNESS = ("relaxed", "standard", "strict")
BUFFERS = (128, 256, 512, 1024, 2048)
VOLUMES = tuple(round(i / 10, 1) for i in range(11))
AUDIO_OFFSETS = tuple(float(ms) for ms in range(-50, 305, 5))
FPS_LIMITS = (0, 60, 120, 144, 240, 360)
LAYOUTS = ("5-lane", "full-kit")
HIT_SOUNDS: tuple[bool | None, ...] = (None, True, False)
NAME_MAX = 16  # the score table shows 12 characters; a little slack for the results screen


def _nearest_step(options: Sequence[float], current: float, step: int) -> float:
    i = min(range(len(options)), key=lambda k: abs(options[k] - current))
    return options[max(0, min(len(options) - 1, i + step))]


def _sounds_label(value: bool | None) -> str:
    return {None: "auto (keyboard on, kit off)", True: "on", False: "off"}[value]


class SettingsScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: SettingsMenu) -> None:
        super().__init__(nav, ctx)
        self.name_entry = w.TextEntry(max_length=NAME_MAX)
        self.editing_player: int | None = None
        # Why the last change could not be written (read-only config folder, full disk).
        self.save_notice: str | None = None
        self.menu = w.Menu(self._items(), size=24, row_height=36)

    # -- player names --------------------------------------------------------------------
    def _name_item(self, player: int) -> w.MenuItem:
        def value() -> str:
            if self.editing_player == player:
                return self.name_entry.shown()
            return self.s.players[player].name

        return w.MenuItem(f"Player {player + 1} name", lambda: self._edit_name(player), value=value)

    def _edit_name(self, player: int) -> None:
        self.editing_player = player
        self.name_entry.begin(self.s.players[player].name)

    def handle_event(self, event: pygame.event.Event) -> None:
        if self.editing_player is None or event.type != pygame.KEYDOWN:
            super().handle_event(event)
            return
        player = self.editing_player
        name = self.name_entry.handle_key(event)
        if name is not None:
            self._set(lambda: setattr(self.s.players[player], "name", name))
        if not self.name_entry.editing:
            self.editing_player = None

    @property
    def s(self) -> Settings:
        return self.ctx.settings

    def _set(self, apply: Callable[[], None], audio: bool = False) -> None:
        apply()
        self.save_notice = self.ctx.save_settings()
        if audio:
            self.ctx.apply_audio_settings()

    def _numeric(self, label: str, obj: Callable[[], Any], attr: str, options: Sequence[float],
                 fmt: Callable[[float], str], audio: bool = False) -> w.MenuItem:
        def change(step: int) -> None:
            target = obj()
            new = _nearest_step(options, getattr(target, attr), step)
            self._set(lambda: setattr(target, attr, new), audio)

        return w.MenuItem(label, value=lambda: fmt(getattr(obj(), attr)), change=change)

    def _choice(self, label: str, obj: Callable[[], Any], attr: str, options: Sequence[Any],
                fmt: Callable[[Any], str] = str) -> w.MenuItem:
        def change(step: int) -> None:
            target = obj()
            current = getattr(target, attr)
            i = list(options).index(current) if current in options else 0
            self._set(lambda: setattr(target, attr, options[(i + step) % len(options)]))

        return w.MenuItem(label, value=lambda: fmt(getattr(obj(), attr)), change=change)

    def _items(self) -> list[w.MenuItem]:
        s = lambda: self.s  # noqa: E731 - the settings object may be replaced; read it late
        audio = lambda: self.s.audio  # noqa: E731
        pct = lambda v: f"{round(v * 100)}%"  # noqa: E731
        items = [
            w.MenuItem("Player 1 keys...", self.opens(Keybind(player=0))),
            w.MenuItem("Player 2 keys...", self.opens(Keybind(player=1))),
            w.MenuItem("MIDI kits...", self.opens(MidiSetup())),
            w.MenuItem("Key test...", self.opens(KeyTest())),
            w.MenuItem("Calibration...", self.opens(Calibration())),
            w.MenuItem("Song folders...", self.opens(SongFolders())),
        ]
        for p in (0, 1):
            pl = lambda p=p: self.s.players[p]  # noqa: E731
            items.append(self._name_item(p))
            items.append(self._choice(f"Player {p + 1} lanes", pl, "layout", LAYOUTS))
            items.append(self._choice(f"Player {p + 1} hit sounds", pl, "hit_sounds", HIT_SOUNDS,
                                      _sounds_label))
        items += [
            # P2 on a tuned-up kit when both players' hits come from the game (see settings.py).
            self._choice("Distinct hit sounds", s, "distinct_hit_sounds", (True, False),
                         lambda v: "on (P2 on a tuned-up kit)" if v else "off"),
            self._numeric("Note speed", s, "note_speed", NOTE_SPEEDS, lambda v: f"{v:g}x"),
            self._choice("Strictness", s, "strictness", STRICTNESS),
            self._choice("Lefty flip", s, "lefty_flip", (False, True), lambda v: "on" if v else "off"),
            self._buffer_item(),
            self._numeric("Master volume", audio, "master_volume", VOLUMES, pct, audio=True),
            self._numeric("Backing volume", audio, "backing_volume", VOLUMES, pct, audio=True),
            self._numeric("Hit sounds volume", audio, "hits_volume", VOLUMES, pct, audio=True),
            self._numeric("Click volume", audio, "click_volume", VOLUMES, pct, audio=True),
            # Sound output latency (e.g. Bluetooth headphones): shifts the song clock so notes
            # reach the hit line when they are heard. Tap calibration is per input device.
            self._numeric("Audio latency", lambda: self.s.calibration, "audio_offset_ms", AUDIO_OFFSETS,
                          lambda v: f"{v:+.0f} ms", audio=True),
            self._numeric("FPS limit", s, "fps_limit", FPS_LIMITS,
                          lambda v: "display refresh" if not v else f"{int(v)}"),
            self._choice("Fullscreen (next start)", s, "fullscreen", (False, True),
                         lambda v: "on" if v else "off"),
            w.MenuItem("Back", self.nav.pop),
        ]
        return items

    def _buffer_item(self) -> w.MenuItem:
        """The device must be reopened for a new buffer size (at the next song)."""
        def change(step: int) -> None:
            audio = self.s.audio
            self._set(lambda: setattr(audio, "buffer_frames",
                                      int(_nearest_step(BUFFERS, audio.buffer_frames, step))))
            self.ctx.reopen_audio()

        return w.MenuItem("Audio buffer", value=lambda: f"{self.s.audio.buffer_frames} frames", change=change)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Settings", (30, 16), 40, theme.accent, bold=True)
        if self.save_notice:
            w.text(surface, theme, w.fit(theme, self.save_notice, 18, width - 300), (width - 30, 30), 18,
                   theme.bad, anchor="topright")
        else:
            w.text(surface, theme, "changes are saved as you make them", (width - 30, 30), 18,
                   theme.text_dim, anchor="topright")
        self.menu.draw(surface, theme, pygame.Rect(30, 70, min(900, width - 60), height - 120), value_x=420)
        hint = ("Type the name   Enter: confirm   Esc: cancel" if self.editing_player is not None
                else "Up/Down: row   Left/Right: change   Enter: open   Esc: back")
        w.hint_bar(surface, theme, hint)
