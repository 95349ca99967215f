"""The pause menu, drawn over the frozen play screen.

Pausing is the play scene losing the top of the stack: its transport pauses in `leave`
and resumes in `enter`, so song time cannot move while this menu is up, whatever the
transport (audio device, wall clock or fixed steps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Pause, Play, SettingsMenu, SongSelect
from duet_drums.app.scenes.base import MenuScene

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator


class PauseScene(MenuScene):
    overlay = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Pause) -> None:
        super().__init__(nav, ctx)
        self.song = route.song
        self.menu = w.Menu([
            w.MenuItem("Resume", self.resume),
            w.MenuItem("Restart", self.restart),
            w.MenuItem("Settings", self.opens(SettingsMenu())),
            w.MenuItem("Quit song", self.quit_song),
        ], size=32, row_height=52)

    def resume(self) -> None:
        self.nav.pop()

    def restart(self) -> None:
        self.song.stop()
        self.nav.pop()  # uncovers the play scene (resuming it for a moment)
        self.nav.replace(Play(self.song.setup))

    def quit_song(self) -> None:
        """Back to song select; a song started from the command line has none, and
        quitting it ends the game."""
        self.song.stop()
        self.nav.back_to(SongSelect)

    back_keys = (pygame.K_ESCAPE, pygame.K_PAUSE)

    def back(self) -> None:
        self.resume()

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.dim(surface)
        cx, cy = surface.get_width() // 2, surface.get_height() // 2
        box = pygame.Rect(0, 0, 420, 320)
        box.center = (cx, cy)
        w.panel(surface, theme, box, border=theme.accent)
        w.text(surface, theme, "Paused", (cx, box.top + 34), 44, theme.accent, bold=True, anchor="center")
        self.menu.draw(surface, theme, pygame.Rect(box.left + 30, box.top + 80, box.width - 60, 4 * 52))
        t = self.song.song_time
        w.text(surface, theme, f"at {int(max(t, 0)) // 60}:{int(max(t, 0)) % 60:02d}",
               (cx, box.bottom - 18), 18, theme.text_dim, anchor="center")
