"""Opening a community song: a progress bar while its chart is read and its stems are
decoded in the background (`song_loader`), then the song itself.

The frame loop never waits here: each frame looks at the job and draws. When the job is
done the screen is replaced by Play (or Practice), so Esc from there returns to song
select, not here. Esc while loading cancels; a chart that cannot be read stays on screen
with the reader's message until the player goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.play_setup import PlaySetup
from duet_drums.app.progress import progress_bar
from duet_drums.app.routes import LoadSong, Play, Practice
from duet_drums.app.scenes.base import Scene
from duet_drums.app.song_loader import SongLoad
from duet_drums.audio.audio_cache import AudioCache

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator


class LoadSongScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: LoadSong) -> None:
        super().__init__(nav, ctx)
        self.route = route
        self.time = 0.0
        engine = ctx.audio()  # None in stepped runs, with audio off, or no device: no stems
        rate = ctx.settings.audio.sample_rate if engine is not None else None
        cache = AudioCache(cap_bytes=ctx.settings.library.audio_cache_mb << 20)
        self.job = SongLoad(route.folder, rate, cache, route.entry).start()
        self.error: str | None = None

    def leave(self) -> None:
        if not self.job.done:
            self.job.cancel()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key == pygame.K_ESCAPE or (self.error and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER)):
            self.job.cancel()
            self.nav.pop()

    def update(self, dt: float) -> None:
        self.time += dt
        outcome = self.job.outcome
        if outcome is None or self.error is not None:
            return
        if outcome.entry is None:
            self.error = outcome.error or "the song could not be opened"
            return
        r = self.route
        setup = PlaySetup(outcome.entry, r.players, speed=r.speed, seed=r.seed, stems=outcome.stems)
        self.nav.replace(Practice(setup) if r.practice else Play(setup))

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, w.fit(theme, self.route.title, 40, width - 60), (30, 18), 40, theme.accent,
               bold=True)
        box = pygame.Rect(60, height // 2 - 40, width - 120, 36)
        if self.error is not None:
            w.text(surface, theme, "This song cannot be played", (60, box.top - 60), 30, theme.bad, bold=True)
            w.text_block(surface, theme, self.error, pygame.Rect(60, box.top - 16, width - 120, height // 2),
                         20, theme.text)
            w.hint_bar(surface, theme, "Enter/Esc: back to the songs")
            return
        progress_bar(surface, theme, box, self.job.progress, self.job.detail, 20)
        w.text(surface, theme, str(self.route.folder), (60, box.bottom + 14), 16, theme.text_dim)
        w.hint_bar(surface, theme, "Esc: cancel")
