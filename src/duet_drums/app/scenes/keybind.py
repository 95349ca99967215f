"""Rebind a player's drum keys: pick a drum, press a key.

The rules of a rebind (a key plays one drum of one player; taking a key from another
binding swaps it onto the old key) are `KeyMap.rebind`'s; this screen adds only the
menu keys it cannot give away, saves at once and has the App rebuild its key map.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.drum_order import DRUM_ORDER
from duet_drums.app.routes import Keybind
from duet_drums.app.scenes.base import Scene
from duet_drums.core.kit import PIECE_LABELS, Piece
from duet_drums.inputs.keymap import KeyMap, player_label
from duet_drums.settings import DEFAULT_KEYS

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

# Keys the menus need; binding them would make the game unusable.
RESERVED = frozenset({pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT,
                      pygame.K_RIGHT, pygame.K_TAB, pygame.K_KP_ENTER, pygame.K_PAUSE})


class KeybindScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Keybind) -> None:
        super().__init__(nav, ctx)
        self.player = route.player
        self.waiting_for: Piece | None = None
        self.message = ""
        items = [w.MenuItem(PIECE_LABELS[piece], self._listener(piece), value=self._keys_shown(piece))
                 for piece in DRUM_ORDER]
        items += [w.MenuItem("Reset to defaults", self.reset), w.MenuItem("Back", self.nav.pop)]
        self.menu = w.Menu(items, size=24, row_height=34)

    def keymap(self) -> KeyMap:
        return KeyMap.from_settings(self.ctx.settings)

    def _listener(self, piece: Piece) -> Callable[[], None]:
        return lambda: self._listen(piece)

    def _keys_shown(self, piece: Piece) -> Callable[[], str]:
        return lambda: self.keys_for(piece)

    def keys_for(self, piece: Piece) -> str:
        return ", ".join(self.keymap().keys_for(self.player, piece)) or "-"

    def _listen(self, piece: Piece) -> None:
        self.waiting_for = piece
        self.message = f"Press a key for {player_label(self.player)} {PIECE_LABELS[piece]} (Esc cancels)"

    def _store(self, keymap: KeyMap) -> None:
        keys = keymap.to_settings()
        players = self.ctx.settings.players
        players[0].keys, players[1].keys = keys[0], keys[1]
        self.ctx.save_settings()
        self.ctx.keys_changed()

    def reset(self) -> None:
        keymap = self.keymap()
        for key, piece in DEFAULT_KEYS[self.player].items():
            keymap.rebind(self.player, piece, key)
        self._store(keymap)
        self.message = "Defaults restored"

    def _bind(self, piece: Piece, code: int) -> None:
        if code in RESERVED:
            self.message = f"{pygame.key.name(code)} is needed by the menus; pick another key"
            return
        keymap = self.keymap()
        try:
            change = keymap.rebind(self.player, piece, code)
        except ValueError as exc:
            self.message = str(exc)
            return
        self._store(keymap)
        self.message = f"{PIECE_LABELS[piece]} = {change.key}"
        if change.displaced is not None:
            who = f"{player_label(change.displaced.player)} {PIECE_LABELS[change.displaced.piece]}"
            self.message += (f"; {who} moved to {change.displaced_key}" if change.displaced_key
                             else f"; {who} now has no key")

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if self.waiting_for is not None:
            piece, self.waiting_for = self.waiting_for, None
            if event.key == pygame.K_ESCAPE:
                self.message = "Cancelled"
            else:
                self._bind(piece, event.key)
            return
        if event.key == pygame.K_ESCAPE:
            self.nav.pop()
        else:
            self.menu.handle_key(event.key)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        color = theme.player_colors[self.player]
        w.text(surface, theme, f"Player {self.player + 1} keys", (30, 16), 40, color, bold=True)
        self.menu.draw(surface, theme, pygame.Rect(30, 70, min(700, width - 60), height - 160), value_x=300)
        if self.message:
            w.text(surface, theme, self.message, (30, height - 76), 24,
                   theme.accent if self.waiting_for else theme.text)
        w.hint_bar(surface, theme, "Enter: rebind the selected drum   Esc: back")
