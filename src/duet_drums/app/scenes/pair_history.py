"""Pair history: how a pair's playing together changed over the songs they played.

Reads the pair's history (`storage.pair_history`, kept by `RunRecords` for every real
song two named people played) and draws its progress: sync per song, the lean on each
drum pairing (who is ahead, in ms), the joint drift against the click, and who led.
Left/Right on the first rows pick the pair and one song or all of them. Opened from the
title screen and from the results' coach page (with that pair selected); it only reads.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.progress_plots import ProgressAxes, Series, progress_chart, verdict_strip
from duet_drums.app.routes import PairHistory
from duet_drums.app.scenes.base import MenuScene
from duet_drums.core.coach_input import PAIRING_LABELS, PAIRING_NAMES
from duet_drums.storage.pair_history import PairHistoryDB, PairProgress

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

ALL_SONGS = "all songs"
PAIRING_COLORS = {"kick": (190, 140, 255), "snare": (255, 196, 60), "cymbal": (90, 220, 200),
                  "any": (200, 202, 215)}
NO_HISTORY = ("No pair history yet. It is kept for two players with their own names who play a whole "
              "song together (not practice, no AI partner): name them in Settings.")


def _limit(values: list[float], floor: float, step: float) -> float:
    peak = max((abs(v) for v in values), default=0.0)
    return max(floor, math.ceil(peak / step) * step)


class PairHistoryScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: PairHistory) -> None:
        super().__init__(nav, ctx)
        self.error: str | None = None
        self.pairs: list[tuple[str, str]] = []
        self.db: PairHistoryDB | None = None
        try:
            self.db = ctx.runs.history()
            self.pairs = self.db.pairs()
        except Exception as exc:  # an unreadable database: say so, show nothing
            self.error = f"cannot read the pair history: {exc}"
        self.pair: tuple[str, str] | None = None
        if route.names is not None and tuple(sorted(route.names)) in self.pairs:
            self.pair = route.names
        elif self.pairs:
            self.pair = self.pairs[0]
        self.chart: str = route.chart_id or ALL_SONGS
        self.progress = self._load()
        self.menu = w.Menu([
            w.MenuItem("Pair", value=self._pair_label, change=self._change_pair),
            w.MenuItem("Songs", value=self._chart_label, change=self._change_chart),
            w.MenuItem("Swap sides", self._swap),
            w.MenuItem("Back", self.nav.pop),
        ], size=20, row_height=28)

    # -- data ------------------------------------------------------------------------------
    def _load(self) -> PairProgress | None:
        if self.pair is None or self.db is None or self.error is not None:
            return None
        chart = None if self.chart == ALL_SONGS else self.chart
        return self.db.progress(self.pair[0], self.pair[1], chart)

    def chart_ids(self) -> list[str]:
        if self.pair is None or self.db is None or self.error is not None:
            return [ALL_SONGS]
        every = self.db.progress(self.pair[0], self.pair[1]).chart_ids
        return [ALL_SONGS, *sorted(set(every))]

    def _title_of(self, chart_id: str) -> str:
        if chart_id == ALL_SONGS:
            return ALL_SONGS
        entry = self.ctx.catalog.find(chart_id)
        return entry.title if entry is not None else chart_id

    # -- menu ------------------------------------------------------------------------------
    def _pair_label(self) -> str:
        return "none yet" if self.pair is None else f"{self.pair[0]} & {self.pair[1]}"

    def _chart_label(self) -> str:
        return self._title_of(self.chart)

    def _change_pair(self, step: int) -> None:
        if not self.pairs:
            return
        current = (min(self.pair), max(self.pair)) if self.pair else self.pairs[0]
        self.pair = w.cycle(self.pairs, current, step)
        self.chart = ALL_SONGS
        self.progress = self._load()

    def _change_chart(self, step: int) -> None:
        self.chart = w.cycle(self.chart_ids(), self.chart, step)
        self.progress = self._load()

    def _swap(self) -> None:
        if self.pair is not None:
            self.pair = (self.pair[1], self.pair[0])
            self.progress = self._load()

    # -- what is shown ------------------------------------------------------------------------
    def summary(self) -> str:
        """First song against the last, in words (tests read it)."""
        prog = self.progress
        if prog is None or not len(prog):
            return ""
        n = len(prog)
        sittings = prog.session[-1] + 1
        text = f"{n} song{'s' * (n != 1)} in {sittings} sitting{'s' * (sittings != 1)}"
        if n > 1:
            text += f"; sync {prog.sync_percent[0]:.0f} % -> {prog.sync_percent[-1]:.0f} % first to last"
        else:
            text += f"; sync {prog.sync_percent[0]:.0f} %"
        return text

    def lean_summary(self) -> str:
        """The drum pairing that leaned most in the first song, and where it is now."""
        prog = self.progress
        if prog is None or not len(prog):
            return ""
        first, second = prog.names
        shown = [(abs(v), p) for p in PAIRING_NAMES if p != "any"
                 for v in prog.offsets_ms[p][:1] if v is not None]
        if not shown:
            return ""
        pairing = max(shown)[1]
        values = [v for v in prog.offsets_ms[pairing] if v is not None]

        def lean(v: float) -> str:
            return f"{second if v > 0 else first} ahead {abs(v):.0f} ms"

        label = PAIRING_LABELS[pairing]
        if len(values) == 1:
            return f"{label}: {lean(values[0])}"
        return f"{label}: {lean(values[0])} -> {lean(values[-1])}"

    # -- drawing -----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Pair history", (20, 8), 34, theme.accent, bold=True)
        menu_rect = pygame.Rect(20, 50, min(560, width * 45 // 100), 4 * 28)
        self.menu.draw(surface, theme, menu_rect, value_x=150)
        hint = "Up/Down: row   Left/Right: change   Enter: select   Esc: back"
        prog = self.progress
        if self.error or prog is None or not len(prog):
            box = pygame.Rect(20, 180, width - 40, 120)
            w.panel(surface, theme, box, border=theme.bad if self.error else theme.panel_border)
            w.text_block(surface, theme, self.error or NO_HISTORY, box.inflate(-28, -24), 22,
                         theme.bad if self.error else theme.text)
            w.hint_bar(surface, theme, hint)
            return
        x = menu_rect.right + 30
        room = width - x - 20
        w.text(surface, theme, w.fit(theme, self.summary(), 20, room), (x, 56), 20, theme.text)
        w.text(surface, theme, w.fit(theme, self.lean_summary(), 20, room), (x, 84), 20, theme.text)
        how = "Each column is a song, oldest left; shaded bands are sittings."
        w.text(surface, theme, w.fit(theme, how, 16, room), (x, 120), 16, theme.text_dim)
        self._charts(surface, prog, pygame.Rect(20, 170, width - 40, height - 170 - 40))
        notices = self.db.notices if self.db is not None else []
        if notices:  # damaged rows left out, a song kept in memory under a lock
            hint = notices[-1]
        w.hint_bar(surface, theme, w.fit(theme, hint, 20, width - 40))

    def _charts(self, surface: pygame.Surface, prog: PairProgress, rect: pygame.Rect) -> None:
        theme = self.ctx.theme
        first, second = prog.names
        axes = ProgressAxes(len(prog), prog.session, prog.played_at)
        strip_h = 34
        h = rect.height - strip_h - 8
        sync_h, lean_h = int(h * 0.3), int(h * 0.4)
        drift_h = h - sync_h - lean_h
        low = min(prog.sync_percent)
        lo = max(0.0, math.floor((low - 5) / 10) * 10)
        progress_chart(surface, theme, pygame.Rect(rect.left, rect.top, rect.width, sync_h),
                       "Sync per song (%)", axes, [Series("sync", theme.good, prog.sync_percent)],
                       lo, 100.0, (lo, (lo + 100) / 2, 100.0), lambda v: f"{v:.0f}%", labels=False)
        leans = [Series(PAIRING_LABELS[p], PAIRING_COLORS[p], prog.offsets_ms[p]) for p in PAIRING_NAMES]
        values = [v for s in leans for v in s.values if v is not None]
        lim = _limit(values, 10.0, 10.0)
        progress_chart(surface, theme, pygame.Rect(rect.left, rect.top + sync_h + 4, rect.width, lean_h - 4),
                       "Who is ahead, per drum (mean gap in ms; a gap means too few unisons that song)", axes,
                       leans, -lim, lim, (-lim, -lim / 2, 0.0, lim / 2, lim), lambda v: f"{v:+.0f}",
                       labels=False, notes=(f"{second} ahead", f"{first} ahead"))
        drifts = [v for v in prog.drift_bpm if v is not None]
        dlim = _limit(drifts, 4.0, 2.0)
        none = len(prog) - len(drifts)
        top = rect.top + sync_h + lean_h
        progress_chart(surface, theme, pygame.Rect(rect.left, top, rect.width, drift_h),
                       f"Joint drift vs the click (BPM, strongest per song; none in {none} of {len(prog)})",
                       axes, [Series("drift", theme.accent, prog.drift_bpm)], -dlim, dlim,
                       (-dlim, 0.0, dlim), lambda v: f"{v:+.0f}", stems=True, notes=("faster", "slower"))
        verdict_strip(surface, theme, pygame.Rect(rect.left, rect.bottom - strip_h, rect.width, strip_h - 14),
                      axes, prog.coupling, (first, second))
