"""Key test: which of the players' keys the keyboard really registers together.

Cheap keyboards drop the third or fourth key held at once ("rollover"), which in a duet
means one player's kick silently eats the other's snare. Both players hold their keys
down together; the screen lights every bound key the keyboard reports as held and
remembers the largest set it saw at once, so two players can find bindings that work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.drum_order import DRUM_ORDER
from duet_drums.app.routes import KeyTest
from duet_drums.app.scenes.base import Scene
from duet_drums.core.kit import PIECE_LABELS
from duet_drums.inputs.keymap import KeyMap, player_label
from duet_drums.inputs.rollover import RolloverTracker

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator


class KeyTestScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: KeyTest) -> None:
        super().__init__(nav, ctx)
        # Only bound keys count: a pair report of two keys nobody plays is noise.
        self.tracker = RolloverTracker(KeyMap.from_settings(self.ctx.settings))

    def bound_keys(self, player: int) -> list[tuple[str, str]]:
        """(key name, drum name) of a player's bindings: the 5-lane pads first, in the
        order the keybinding screen lists them, so the grid reads like the highway."""
        keys = self.ctx.settings.players[player].keys
        ranked = sorted(keys.items(), key=lambda kv: DRUM_ORDER.index(kv[1]))
        return [(k, PIECE_LABELS[v].split(" (")[0]) for k, v in ranked]

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                self.nav.pop()
                return
            if event.key == pygame.K_BACKSPACE:
                self.tracker.reset()
                return
            self.tracker.key_down(event.key)
        elif event.type == pygame.KEYUP:
            self.tracker.key_up(event.key)
        elif event.type == pygame.WINDOWFOCUSLOST:
            self.tracker.release_all()

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Key test", (30, 16), 40, theme.accent, bold=True)
        w.text(surface, theme, "Both players: hold your keys down together. Lit = the keyboard sees it.",
               (30, 70), 22, theme.text_dim)
        held = self.tracker.held
        col_w = (width - 90) // 2
        for p in (0, 1):
            x0 = 30 + p * (col_w + 30)
            w.text(surface, theme, player_label(p), (x0, 110), 28, theme.player_colors[p], bold=True)
            for i, (key, piece) in enumerate(self.bound_keys(p)):
                box = pygame.Rect(x0 + (i % 4) * (col_w // 4), 150 + (i // 4) * 90, col_w // 4 - 10, 80)
                lit = key in held
                fill = theme.player_colors[p] if lit else theme.panel
                pygame.draw.rect(surface, fill, box, border_radius=8)
                pygame.draw.rect(surface, theme.panel_border, box, width=2, border_radius=8)
                color = theme.background if lit else theme.text
                w.text(surface, theme, key.upper(), (box.centerx, box.top + 28), 30, color, bold=True,
                       anchor="center")
                w.text(surface, theme, piece, (box.centerx, box.bottom - 16), 16, color, anchor="center")
        best = self.tracker.best
        w.text(surface, theme, f"Held now: {len(held)}    Most held together: {len(best)}",
               (30, height - 110), 28, theme.text, bold=True)
        if best:
            w.text(surface, theme, "that set: " + " + ".join(sorted(best)), (30, height - 72), 22,
                   theme.text_dim)
        dropped = self.tracker.dropped_pairs()
        if dropped:
            w.text(surface, theme, f"never seen together ({len(dropped)}): "
                   + ",  ".join(r.describe() for r in dropped[:3]) + ("  ..." if len(dropped) > 3 else ""),
                   (30, height - 150), 20, theme.bad)
        w.hint_bar(surface, theme, "Hold keys to test   Backspace: reset   Esc: back")
