"""The title screen: the game's name, a short menu (play, the pairs' coaching history,
settings, key test, calibration), and any warning worth reading first
(a corrupt settings file that was set aside, broken charts, audio trouble)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Calibration, KeyTest, PairHistory, SettingsMenu, SongSelect, Title
from duet_drums.app.scenes.base import MenuScene

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator


class TitleScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Title) -> None:
        super().__init__(nav, ctx)
        self.time = 0.0
        self.menu = w.Menu([
            w.MenuItem("Play", self.opens(SongSelect())),
            w.MenuItem("Pair history", self.opens(PairHistory())),
            w.MenuItem("Settings", self.opens(SettingsMenu())),
            w.MenuItem("Key test", self.opens(KeyTest())),
            w.MenuItem("Calibrate", self.opens(Calibration())),
            w.MenuItem("Quit", self.nav.quit),
        ], size=32, row_height=48)

    def back(self) -> None:
        self.nav.quit()

    def update(self, dt: float) -> None:
        self.time += dt

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        cx = width // 2
        # Two highways' worth of colour: the players' colours either side of the title.
        p1, p2 = theme.player_colors
        for i in range(5):
            phase = self.time * 2.0 + i * 0.7
            r = 10 + int(4 * (1 + math.sin(phase)))
            pygame.draw.circle(surface, p1, (cx - 330 - i * 34, 110), r)
            pygame.draw.circle(surface, p2, (cx + 330 + i * 34, 110), r)
        w.text(surface, theme, "DUET DRUMS", (cx, 110), 96, theme.accent, bold=True, anchor="center")
        w.text(surface, theme, "two drummers, one groove - play together, score together",
               (cx, 172), 26, theme.text_dim, anchor="center")
        menu_rect = pygame.Rect(cx - 170, 222, 340, len(self.menu.items) * 48)
        self.menu.draw(surface, theme, menu_rect)
        msgs = list(self.ctx.warnings)
        broken = len(self.ctx.catalog.broken)
        if broken:
            msgs.append(f"{broken} chart file(s) could not be loaded - see Play for details")
        if msgs:
            box = pygame.Rect(60, menu_rect.bottom + 20, width - 120, height - menu_rect.bottom - 70)
            w.panel(surface, theme, box, border=theme.bad)
            y = box.top + 8
            for msg in msgs[-4:]:
                y = w.text_block(surface, theme, msg, pygame.Rect(box.left + 12, y, box.width - 24,
                                                                   box.bottom - y), 18, theme.bad,
                                 max_lines=3) + 4
        w.hint_bar(surface, theme, "Up/Down: choose   Enter: select   Esc: quit")
