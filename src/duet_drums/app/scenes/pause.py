"""The pause menu, drawn over the frozen play screen.

Pausing is the play scene losing the top of the stack: its transport pauses in `leave`
and resumes in `enter`, so song time cannot move while this menu is up, whatever the
transport (audio device, wall clock or fixed steps).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.scenes.base import MenuScene

if TYPE_CHECKING:
    from duet_drums.app.main import App
    from duet_drums.app.scenes.play import PlayScene


class PauseScene(MenuScene):
    overlay = True

    def __init__(self, app: App, play: PlayScene):
        super().__init__(app)
        self.play = play
        self.menu = w.Menu([
            w.MenuItem("Resume", self.resume),
            w.MenuItem("Restart", self.restart),
            w.MenuItem("Settings", self.settings),
            w.MenuItem("Quit song", self.quit_song),
        ], size=32, row_height=52)

    def resume(self) -> None:
        self.app.pop()

    def restart(self) -> None:
        from duet_drums.app.scenes.play import PlayScene

        self.play.stop()
        self.app.pop()  # uncovers the play scene (resuming it for a moment)
        self.app.replace(PlayScene(self.app, self.play.setup))

    def settings(self) -> None:
        from duet_drums.app.scenes.settings import SettingsScene

        self.app.push(SettingsScene(self.app))

    def quit_song(self) -> None:
        from duet_drums.app.scenes.song_select import SongSelectScene

        self.play.stop()
        if any(isinstance(s, SongSelectScene) for s in self.app.stack):
            self.app.pop_to(SongSelectScene)
        else:
            self.app.quit()

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
        t = self.play.song_time
        w.text(surface, theme, f"at {int(max(t, 0)) // 60}:{int(max(t, 0)) % 60:02d}",
               (cx, box.bottom - 18), 18, theme.text_dim, anchor="center")
