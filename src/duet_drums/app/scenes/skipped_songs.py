"""The song folders the last library scan could not read, each with its reason (the
reader's message names the file and, where it can, the track and tick or the line), so a
player can fix or report the song instead of wondering where it went."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import SkippedSongs
from duet_drums.app.scenes.base import Scene
from duet_drums.library import SkippedFolder

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

ROW_H = 64


class SkippedSongsScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: SkippedSongs) -> None:
        super().__init__(nav, ctx)
        self.top = 0
        self._visible = 8

    @property
    def skipped(self) -> list[SkippedFolder]:
        scan = self.ctx.library.scan
        return list(scan.skipped) if scan is not None else []

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        n = len(self.skipped)
        last = max(0, n - self._visible)
        steps = {
            pygame.K_UP: -1,
            pygame.K_DOWN: 1,
            pygame.K_PAGEUP: -self._visible,
            pygame.K_PAGEDOWN: self._visible,
        }
        if event.key in (pygame.K_ESCAPE, pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_LEFT):
            self.nav.pop()
        elif event.key in steps:
            self.top = max(0, min(last, self.top + steps[event.key]))
        elif event.key == pygame.K_HOME:
            self.top = 0
        elif event.key == pygame.K_END:
            self.top = last

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        rows = self.skipped
        w.text(surface, theme, "Skipped song folders", (30, 14), 40, theme.accent, bold=True)
        w.text(
            surface,
            theme,
            f"{len(rows):,} folder(s) could not be read; the others are in the list",
            (width - 30, 26),
            20,
            theme.text_dim,
            anchor="topright",
        )
        rect = pygame.Rect(24, 70, width - 48, height - 116)
        w.panel(surface, theme, rect)
        self._visible = max(1, (rect.height - 12) // ROW_H)
        if not rows:
            w.text(surface, theme, "Nothing was skipped.", (rect.left + 16, rect.top + 14), 24, theme.good)
        y = rect.top + 8
        for row in rows[self.top : self.top + self._visible]:
            where = str(row.root) if row.folder == "." else f"{row.root}/{row.folder}"
            w.text(
                surface,
                theme,
                w.fit(theme, where, 20, rect.width - 32),
                (rect.left + 16, y),
                20,
                theme.text,
                bold=True,
            )
            w.text_block(
                surface,
                theme,
                row.reason,
                pygame.Rect(rect.left + 28, y + 24, rect.width - 48, 40),
                17,
                theme.bad,
                max_lines=2,
            )
            y += ROW_H
        w.hint_bar(surface, theme, "Up/Down PgUp/PgDn: scroll   Esc: back")
