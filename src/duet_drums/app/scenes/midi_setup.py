"""MIDI kits: every input port, whose it is, which note map it uses, and a learn mode.

The list follows the MIDI layer's status every frame, so plugging a kit in while this
screen is open makes it appear. Changes go through `MidiInputs` (which updates the
readers at once) and are saved to the settings file immediately.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.protocols import MidiControl
from duet_drums.app.routes import MidiSetup
from duet_drums.app.scenes.base import Scene
from duet_drums.core.kit import PIECES, Piece
from duet_drums.inputs.midi_inputs import MidiStatus
from duet_drums.inputs.notemaps import PRESET_LABELS, PRESETS

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

OWNERS: tuple[int | None, ...] = (None, 0, 1)


def owner_label(player: int | None) -> str:
    return "nobody" if player is None else f"Player {player + 1}"


class MidiSetupScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: MidiSetup) -> None:
        super().__init__(nav, ctx)
        self.midi: MidiControl | None = self.ctx.midi()
        self.ports: list[str] = []
        self.menu = w.Menu([], size=22, row_height=34)
        self.row_keys: list[tuple[str, str]] = []  # (port, setting) of each menu row
        self.learning: str | None = None
        self.learn_piece: Piece = Piece.SNARE
        self.message = ""
        self._refresh()

    def _status(self) -> MidiStatus | None:
        return None if self.midi is None else self.midi.status()

    def _refresh(self) -> None:
        status = self._status()
        ports = [] if status is None else sorted(p.name for p in status.ports)
        if ports == self.ports and self.menu.items:
            return
        self.ports = ports
        # The cursor stays on the row it was on (same port, same setting), not on the
        # same row number: a kit appearing above it would otherwise move it onto another
        # port's rows, and the next Enter would start learning on the wrong kit.
        was = self.row_keys[self.menu.selected] if self.menu.items else None
        items: list[w.MenuItem] = []
        keys: list[tuple[str, str]] = []
        for port in ports:
            items += self._port_items(port)
            keys += [(port, "player"), (port, "map"), (port, "learn")]
        items += [w.MenuItem("Rescan ports", self._rescan), w.MenuItem("Back", self.nav.pop)]
        keys += [("", "rescan"), ("", "back")]
        selected = keys.index(was) if was in keys else min(self.menu.selected, len(items) - 1)
        self.row_keys = keys
        self.menu = w.Menu(items, selected=selected, size=22, row_height=34)

    def _port_items(self, port: str) -> list[w.MenuItem]:
        def on(action: Callable[[str, int], None]) -> Callable[[int], None]:
            return lambda step: action(port, step)

        return [
            w.MenuItem(f"{port[:28]}: player", value=lambda: owner_label(self._owner(port)),
                       change=on(self._assign)),
            w.MenuItem("    note map", value=lambda: self._preset_label(port), change=on(self._preset)),
            w.MenuItem("    learn pads...", lambda: self._learn(port)),
        ]

    def status_lines(self) -> tuple[list[str], bool]:
        """The header as drawn: the MIDI system and port count, or (False) why there is
        no MIDI at all, in the MIDI layer's own words. Tests read what the player reads."""
        status = self._status()
        if status is None or status.api is None:
            reason = "MIDI is not available" if status is None else (status.reason or "no MIDI system")
            return [reason], False
        lines = [f"MIDI system: {status.api}   ports: {len(status.ports)}"]
        if not status.ports:
            lines.append("No MIDI input ports. Plug a kit in (USB) and choose Rescan.")
        return lines, True

    def _owner(self, port: str) -> int | None:
        return self.ctx.settings.midi.assignments.get(port)

    def _maps(self) -> list[str]:
        return [*PRESETS, *self.ctx.settings.midi.custom_maps]

    def _preset_label(self, port: str) -> str:
        name = self.midi.preset_of(port) if self.midi is not None else "gm"
        return PRESET_LABELS.get(name, f"custom: {name}")

    # Port rows exist only while the MIDI layer runs (they come from its status), so these
    # actions always have `self.midi`; the guards keep that explicit.
    def _assign(self, port: str, step: int) -> None:
        if self.midi is None:
            return
        owner = w.cycle(OWNERS, self._owner(port), step)
        self.midi.assign(port, owner)
        self.ctx.save_settings()

    def _preset(self, port: str, step: int) -> None:
        if self.midi is None:
            return
        self.midi.set_preset(port, w.cycle(self._maps(), self.midi.preset_of(port), step))
        self.ctx.save_settings()

    def _learn(self, port: str) -> None:
        if self.midi is None:
            return
        self.learning = port
        self.midi.start_learn(port)
        self.message = f"Hit a pad on {port}, choose its drum with Left/Right, Enter to save, Esc when done"

    def _rescan(self) -> None:
        """Re-list the ports; with no MIDI system yet, look for one again first.

        The MIDI system is detected once, when MIDI starts; a JACK server started after
        the game (or one too busy to answer that moment) used to leave MIDI off until a
        restart, with "Rescan" doing nothing. `MidiInputs.start` detects again when the
        first attempt found nothing.
        """
        if self.midi is not None:
            if self.midi.status().api is None:
                self.midi.start()
            else:
                self.midi.poll_ports()
        self._refresh()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        midi = self.midi
        if self.learning is not None and midi is not None:
            learned = midi.learned()
            if event.key == pygame.K_ESCAPE:
                midi.stop_learn()
                self.learning = None
                self.message = "Learn mode finished"
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                step = -1 if event.key == pygame.K_LEFT else 1
                self.learn_piece = w.cycle(PIECES, self.learn_piece, step)
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and learned is not None:
                note = learned[0]
                name = midi.save_learned(self.learn_piece)
                self.ctx.save_settings()
                self.message = f"note {note} = {self.learn_piece.value} (map {name!r}); hit the next pad"
            return
        if event.key == pygame.K_ESCAPE:
            self.nav.pop()
        else:
            self.menu.handle_key(event.key)

    def update(self, dt: float) -> None:
        self._refresh()

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "MIDI kits", (30, 16), 40, theme.accent, bold=True)
        status = self._status()
        lines, ok = self.status_lines()
        if not ok:
            w.text_block(surface, theme, lines[0], pygame.Rect(30, 70, width - 60, 80), 22, theme.bad)
        else:
            w.text(surface, theme, lines[0], (30, 70), 20, theme.text_dim)
            if len(lines) > 1:
                w.text(surface, theme, lines[1], (30, 100), 22, theme.text)
        self.menu.draw(surface, theme, pygame.Rect(30, 130, min(900, width - 60), height - 230), value_x=420)
        if status is not None:
            for i, port in enumerate(p for p in status.ports if not p.connected):
                w.text(surface, theme, f"{port.name}: not connected", (width - 30, 70 + 20 * i), 18,
                       theme.bad,
                       anchor="topright")
        if self.learning is not None and self.midi is not None:
            learned = self.midi.learned()
            got = "waiting for a pad..." if learned is None else f"note {learned[0]} (velocity {learned[1]})"
            w.text(surface, theme, f"Learning {self.learning}: {got}  ->  {self.learn_piece.value}",
                   (30, height - 96), 24, theme.accent)
        if self.message:
            w.text(surface, theme, self.message, (30, height - 66), 18, theme.text_dim)
        w.hint_bar(surface, theme, "Up/Down: row   Left/Right: change   Enter: select   Esc: back")
