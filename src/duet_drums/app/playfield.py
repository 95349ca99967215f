"""The play screen: two highways, the sync meter, HUDs and the song bar, composed.

This is the one class the play scene talks to. It reads a live `DuetSession` (note
arrays, player stats, sync state) and the song time, and draws pixels; it never decides
anything about the game. Engine events only start animations (flashes, pop-ups).

Usage by the play scene::

    field = Playfield(screen.get_size(), session, theme, note_speed=settings.note_speed,
                      lefty=(settings.lefty_flip, settings.lefty_flip), title=chart.metadata.title,
                      player_names=("Alice", "Bob"))
    ...each frame:
    events = session.hit(hit) ...; events += session.advance(t)
    field.on_hit_input(player, lane, t)   # for every key/pad struck (lane = layout lane index)
    field.on_events(events, t)
    field.draw(screen, t)
    ...on VIDEORESIZE: field.resize(new_size)

Cost model: everything static (background, highway lanes and pads, panels, labels that
never change) is baked once per size into one surface matching the target's pixel
format, so a frame starts with a single blit; after that only beat lines, visible notes
(one `blits` call per highway), effects and changed labels are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
import pygame

from duet_drums.app.effects import HighwayEffects
from duet_drums.app.highway import HighwayGeometry, HighwayView
from duet_drums.app.hud import CountIn, PlayerHud, TopBar
from duet_drums.app.notes_draw import NoteLayer
from duet_drums.app.screen_layout import PlayLayout, compute_layout
from duet_drums.app.syncmeter import SyncMeter
from duet_drums.app.theme import Theme
from duet_drums.core.events import ComboBroken, Event, NoteJudged, Overhit
from duet_drums.core.session import DuetSession
from duet_drums.core.sync import Unisons

COUNT_IN_LEAD_BEATS = 8  # beat lines drawn before time 0 so the count-in scrolls in


class Playfield:
    """Draws the whole play screen for a `DuetSession`.

    Parameters: ``size`` of the target surface; ``note_speed`` as in Settings (1.0 shows
    about 1.6 s ahead); ``lefty`` mirrors each player's pad-lane order; ``title`` overrides
    the chart title; ``player_names`` label the HUDs.
    """

    def __init__(self, size: tuple[int, int], session: DuetSession, theme: Theme, *,
                 note_speed: float = 1.0, lefty: tuple[bool, bool] = (False, False), title: str = "",
                 player_names: tuple[str, str] = ("P1", "P2")):
        self.session = session
        self.theme = theme
        self.note_speed = float(note_speed)
        self.lefty = (bool(lefty[0]), bool(lefty[1]))
        self.title = title or session.chart.metadata.title
        self.player_names = (str(player_names[0]), str(player_names[1]))
        self._grid_times, self._grid_measure = self._build_grid()
        self._unison_times = Unisons.build(session.tracks).times
        # last time each (player, lane) was struck: lights the target pad
        self._last_input = [[-1e9] * len(tr.layout.lanes) for tr in session.tracks]
        self.resize(size)

    # -- setup ---------------------------------------------------------------------------------
    def _build_grid(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """Every beat/measure line of the song once, so a frame only bisects arrays."""
        tempo = self.session.tempo_map
        last = max(self.session.chart.last_tick(), 0) + 8 * tempo.resolution
        lines = tempo.grid(0, last)
        beat = tempo.beat_ticks(0)
        num = tempo.signature_at(0)[1]
        pre = [(-k * beat, (k % num) == 0) for k in range(COUNT_IN_LEAD_BEATS, 0, -1)]
        times = [tempo.seconds(t) for t, _ in pre] + [ln.seconds for ln in lines]
        measure = [m for _, m in pre] + [ln.measure is not None for ln in lines]
        return np.asarray(times, dtype=np.float64), np.asarray(measure, dtype=bool)

    def resize(self, size: tuple[int, int]) -> None:
        """Recompute the layout and rebuild every size-dependent sprite and layer."""
        self.size = (int(size[0]), int(size[1]))
        self.layout: PlayLayout = compute_layout(self.size)
        lay, th, s = self.layout, self.theme, self.layout.scale
        sess = self.session
        self.geometry = tuple(
            HighwayGeometry(lay.highways[p], sess.tracks[p].layout, note_speed=self.note_speed,
                            lefty=self.lefty[p], scale=s)
            for p in (0, 1)
        )
        self.highways = tuple(HighwayView(self.geometry[p], th, th.player_colors[p]) for p in (0, 1))
        self.notes = tuple(NoteLayer(sess.tracks[p], self.geometry[p]) for p in (0, 1))
        self.effects = tuple(HighwayEffects(self.geometry[p], th) for p in (0, 1))
        self.huds = tuple(PlayerHud(lay.huds[p], th, self.player_names[p], th.player_colors[p], s,
                                    sess.rules.max_multiplier)
                          for p in (0, 1))
        self.sync_meter = SyncMeter(lay.sync_meter, th, sess.rules, s, self.geometry[0].hit_y,
                                    lay.huds[0].y, th.player_colors, ("P1", "P2"))
        self.top_bar = TopBar(lay.top_bar, lay.progress, th, sess.chart, sess.tempo_map, self.title,
                              sess.end_time, s)
        self.count_in = CountIn(th, sess.tempo_map, sess.chart.metadata.backing.count_in_beats or 4, s)
        self._unison_mark = self._render_unison_mark()
        self._static: pygame.Surface | None = None
        self._static_key: tuple[object, ...] | None = None

    def _render_unison_mark(self) -> pygame.Surface:
        s = self.layout.scale
        r = max(3, round(6 * s))
        surf = pygame.Surface((2 * r + 1, 2 * r + 1), pygame.SRCALPHA)
        pygame.draw.polygon(surf, (255, 255, 255, 190), [(r, 0), (2 * r, r), (r, 2 * r), (0, r)])
        return surf

    def _bake(self, target: pygame.Surface) -> pygame.Surface:
        """The static layer, in the target's pixel format so the per-frame blit is a copy."""
        w, h = self.size
        surf = pygame.Surface((w, h), 0, target)
        top, bottom = self.theme.background_top, self.theme.background
        for y in range(h):
            f = y / max(1, h - 1)
            surf.fill(tuple(round(a + (b - a) * f) for a, b in zip(top, bottom, strict=True)), (0, y, w, 1))
        self.top_bar.bake(surf)
        self.sync_meter.bake(surf)
        for p in (0, 1):
            self.highways[p].draw_background(surf)
            self.huds[p].bake(surf)
        return surf

    # -- input from the scene -------------------------------------------------------------------
    def on_hit_input(self, player: int, lane: int, song_time: float) -> None:
        """A key or pad was struck on `lane` (index into that player's layout lanes)."""
        lanes = self._last_input[player]
        if 0 <= lane < len(lanes):
            lanes[lane] = song_time

    def on_events(self, events: Iterable[Event], song_time: float) -> None:
        """Start the animations for engine events (hit flash, pop-up, overhit, combo break)."""
        for ev in events:
            if isinstance(ev, NoteJudged):
                self.effects[ev.player].note_hit(ev.lane, str(ev.judgement), ev.error, song_time)
            elif isinstance(ev, Overhit):
                self.effects[ev.player].overhit(ev.lane, song_time)
            elif isinstance(ev, ComboBroken):
                self.huds[ev.player].combo_broken_at = song_time

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, song_time: float) -> None:
        key = (surface.get_size(), surface.get_bitsize(), surface.get_masks())
        if self._static is None or self._static_key != key:
            self._static = self._bake(surface)
            self._static_key = key
        surface.blit(self._static, (0, 0))
        sess = self.session
        for p in (0, 1):
            geo = self.geometry[p]
            surface.set_clip(geo.rect)
            self.highways[p].draw_grid(surface, self._grid_times, self._grid_measure, song_time)
            self._draw_unison_marks(surface, p, song_time)
            self.notes[p].draw(surface, song_time)
            self.highways[p].draw_far_fade(surface)
            surface.set_clip(None)
            self.highways[p].draw_pad_lights(surface, self._last_input[p], song_time)
            self.effects[p].draw(surface, song_time)
            self.huds[p].draw(surface, sess.stats[p], song_time)
        self.sync_meter.draw(surface, sess.sync, song_time)
        self.top_bar.draw(surface, song_time)
        self.count_in.draw(surface, [g.rect.center for g in self.geometry], song_time)

    def _draw_unison_marks(self, surface: pygame.Surface, player: int, song_time: float) -> None:
        """A small diamond on the inner rail at every shared tick: 'play this one together'."""
        geo = self.geometry[player]
        times = self._unison_times
        lo = int(np.searchsorted(times, song_time - geo.behind_s))
        hi = int(np.searchsorted(times, song_time + geo.ahead_s, side="right"))
        if hi <= lo:
            return
        mark = self._unison_mark
        rail_x = geo.rect.right - geo.rail // 2 if player == 0 else geo.rect.x + geo.rail // 2
        x = rail_x - mark.get_width() // 2
        ys = geo.ys_of(times[lo:hi], song_time).astype(np.int32) - mark.get_height() // 2
        surface.blits([(mark, (x, y)) for y in ys.tolist()], doreturn=False)

    # -- introspection for tests and tools ---------------------------------------------------------
    def lane_x(self, player: int, lane: int) -> int:
        return self.geometry[player].lane_center_x(lane)

    def note_y(self, player: int, note_time: float, song_time: float) -> float:
        return self.geometry[player].y_of(note_time, song_time)

    def rects(self) -> dict[str, pygame.Rect]:
        return self.layout.all_rects()


