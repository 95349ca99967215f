"""The side panel: keys, the validation problems, the duet view and the sections.

Each tab is a list the author can click to jump (a problem to its place, a section to
its start), plus, for the duet tab, the density of both parts along the song and the
unison share of every section, which is what a duet chart is built around: the newcomer
should mostly play *with* the lead, and no section should drown either of them.

The checks (`editor.validate`, `editor.duet`) are pure functions of the chart; they run
on a worker thread whenever the chart changes (charts are frozen, so sharing one is
safe), and the panel shows the last finished result, never blocking an edit.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Sequence
from dataclasses import dataclass, field

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.theme import RGB, Theme
from duet_drums.core.chart import DIFFICULTIES, Chart
from duet_drums.core.kit import Dynamic, Layout, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.duet import SectionDuet, density_curve, section_duet, song_seconds, unison_percent
from duet_drums.editor.validate import Problem, validate_chart
from duet_drums.editor.window.keys import help_groups
from duet_drums.editor.window.timeline import SELECTED, UNISON, TimelinePainter, bar_beat

TABS: tuple[tuple[str, str], ...] = (("keys", "Keys F1"), ("problems", "Problems F2"), ("duet", "Duet F3"),
                                     ("sections", "Sections F4"))
CHECKS = ("Checked: what the game refuses to load; 2x kick below expert; three or more hand gems at "
          "once; two notes of one lane 15 ms or less apart; a time signature off a bar line; a difficulty "
          "identical to the one above; a partner part with no unisons; easy and medium playability.")
TAB_H = 30
ROW_H = 22
LEGEND_H = 58
LEAD_COLOR: RGB = (255, 140, 90)
PARTNER_COLOR: RGB = (90, 170, 255)


@dataclass(frozen=True)
class DuetView:
    lead: tuple[str, str]
    partner: tuple[str, str]
    rows: list[SectionDuet]
    per_difficulty: list[tuple[str, float]]  # same-difficulty unison % of the partner part
    shown_percent: float  # unison % of the pair on screen
    lead_curve: list[tuple[float, float]]
    partner_curve: list[tuple[float, float]]
    length_s: float


@dataclass(frozen=True)
class Analysis:
    chart: Chart
    problems: list[Problem]
    duet: DuetView | None


def analyse(chart: Chart, pair: tuple[tuple[str, str], tuple[str, str]] | None) -> Analysis:
    duet = None
    if pair is not None:
        lead, partner = pair
        duet = DuetView(
            lead, partner, section_duet(chart, lead, partner),
            [(d, unison_percent(chart, (lead[0], d), (partner[0], d))) for d in DIFFICULTIES],
            unison_percent(chart, lead, partner),
            density_curve(chart, *lead), density_curve(chart, *partner), song_seconds(chart))
    return Analysis(chart, validate_chart(chart), duet)


class Analyser:
    """The latest analysis of the chart, computed off the frame loop."""

    def __init__(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="editor-checks")
        self._job: concurrent.futures.Future[Analysis] | None = None
        self._job_key: tuple[int, object] | None = None
        self.result: Analysis | None = None

    def want(self, chart: Chart, pair: tuple[tuple[str, str], tuple[str, str]] | None) -> None:
        key = (id(chart), pair)
        if key == self._job_key:
            return
        self._job_key = key
        if self._job is not None:
            self._job.cancel()  # a burst of edits checks only the latest chart
        self._job = self._pool.submit(analyse, chart, pair)

    def poll(self) -> Analysis | None:
        if self._job is not None and self._job.done():
            self.result = self._job.result()
            self._job = None
        return self.result

    def fresh(self, chart: Chart) -> bool:
        return self.result is not None and self.result.chart is chart and self._job is None

    def wait(self) -> Analysis | None:
        """Block until the latest request is done (tests and screenshots)."""
        if self._job is not None:
            self._job.result()
        return self.poll()

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class PanelItems:
    """What a click on a row of the open tab means: the index into these lists."""

    problems: list[Problem] = field(default_factory=list)
    sections: list[tuple[str, int]] = field(default_factory=list)  # (name, tick), duet rows too


class SidePanel:
    def __init__(self, theme: Theme, painter: TimelinePainter) -> None:
        self.theme = theme
        self.painter = painter
        self.tab = "keys"
        self.scroll: dict[str, int] = {}
        self.tab_rects: list[tuple[pygame.Rect, str]] = []
        self.row_rects: list[tuple[pygame.Rect, int]] = []
        self.current: dict[str, int] = {}  # the item last jumped to, per tab
        self.rect = pygame.Rect(0, 0, 0, 0)

    def click(self, pos: tuple[int, int]) -> tuple[str, int | str] | None:
        for rect, tab in self.tab_rects:
            if rect.collidepoint(pos):
                return ("tab", tab)
        for rect, index in self.row_rects:
            if rect.collidepoint(pos):
                return ("item", index)
        return None

    def wheel(self, steps: int) -> None:
        self.scroll[self.tab] = max(0, self.scroll.get(self.tab, 0) + steps)

    # -- drawing ------------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, rect: pygame.Rect, analysis: Analysis | None, fresh: bool,
             chart: Chart, tempo: TempoMap, view_t: float, kit: Layout) -> None:
        theme = self.theme
        self.rect = rect
        w.panel(surface, theme, rect, alpha=255)
        self._tabs(surface, rect, analysis)
        body = pygame.Rect(rect.x + 12, rect.y + TAB_H + 10, rect.w - 24, rect.h - TAB_H - 20 - LEGEND_H)
        self.row_rects = []
        if self.tab == "keys":
            self._keys(surface, body)
        elif self.tab == "problems":
            self._problems(surface, body, analysis, fresh, tempo)
        elif self.tab == "duet":
            self._duet(surface, body, analysis, view_t)
        else:
            self._sections(surface, body, chart, tempo, view_t)
        self._legend(surface, pygame.Rect(rect.x + 8, rect.bottom - LEGEND_H, rect.w - 16, LEGEND_H - 6), kit)

    def _tabs(self, surface: pygame.Surface, rect: pygame.Rect, analysis: Analysis | None) -> None:
        theme = self.theme
        self.tab_rects = []
        tab_w = rect.w // len(TABS)
        for i, (name, label) in enumerate(TABS):
            if name == "problems" and analysis is not None:
                label = f"Problems ({len(analysis.problems)})"
            r = pygame.Rect(rect.x + i * tab_w, rect.y, tab_w, TAB_H)
            self.tab_rects.append((r, name))
            on = name == self.tab
            surface.fill(theme.panel_border if on else theme.panel, r.inflate(-2, -2))
            w.text(surface, theme, w.fit(theme, label, 17, r.w - 8), r.center, 17,
                   theme.accent if on else theme.text_dim, bold=on, anchor="center")

    def _scrolled(self, n: int, visible: int) -> int:
        first = min(self.scroll.get(self.tab, 0), max(0, n - visible))
        self.scroll[self.tab] = first
        return first

    def _rows(self, surface: pygame.Surface, body: pygame.Rect, lines: Sequence[tuple[str, RGB]],
              top: int, current: int | None) -> None:
        """Clickable one-line rows from `top`, scrolled to keep `current` in view."""
        theme = self.theme
        visible = max(1, (body.bottom - top) // ROW_H)
        if current is not None:
            first = self.scroll.get(self.tab, 0)
            if not first <= current < first + visible:
                self.scroll[self.tab] = max(0, current - visible // 2)
        first = self._scrolled(len(lines), visible)
        y = top
        for i in range(first, min(len(lines), first + visible)):
            text, color = lines[i]
            row = pygame.Rect(body.x, y, body.w, ROW_H - 2)
            if i == current:
                pygame.draw.rect(surface, theme.panel_border, row, border_radius=4)
            w.text(surface, theme, w.fit(theme, text, 16, row.w - 8), (row.x + 4, row.centery), 16, color,
                   anchor="midleft")
            self.row_rects.append((row, i))
            y += ROW_H
        if len(lines) > visible:
            w.text(surface, theme, f"{first + 1}-{min(len(lines), first + visible)} of {len(lines)} (wheel)",
                   (body.right, top - 4), 14, theme.text_dim, anchor="bottomright")

    def _keys(self, surface: pygame.Surface, body: pygame.Rect) -> None:
        """The key table in two columns; a group may continue in the next column."""
        theme = self.theme
        col_w = (body.w - 16) // 2
        key_w = 104
        line = 17
        rows: list[tuple[str, str] | str] = []
        for group, entries in help_groups():
            rows.append(group)
            rows.extend(entries)
        per_col = (len(rows) + 1) // 2
        for i, row in enumerate(rows):
            col, k = divmod(i, per_col)
            x = body.x + col * (col_w + 16)
            y = body.y + k * line
            if isinstance(row, str):
                w.text(surface, theme, row, (x, y + 2), 15, theme.accent, bold=True)
                continue
            keys, what = row
            w.text(surface, theme, keys, (x, y), 14, theme.text, bold=True)
            w.text(surface, theme, w.fit(theme, what, 14, col_w - key_w), (x + key_w, y), 14, theme.text_dim)

    def _problems(self, surface: pygame.Surface, body: pygame.Rect, analysis: Analysis | None, fresh: bool,
                  tempo: TempoMap) -> None:
        theme = self.theme
        if analysis is None:
            w.text(surface, theme, "checking the chart...", body.topleft, 18, theme.text_dim)
            return
        problems = analysis.problems
        errors = sum(p.level == "error" for p in problems)
        head = (f"{len(problems)} problem{'s' * (len(problems) != 1)} ({errors} error{'s' * (errors != 1)})"
                if problems else "No problems found")
        w.text(surface, theme, head + ("" if fresh else "  (checking the latest edit...)"), body.topleft, 18,
               theme.text if problems else theme.good, bold=True)
        w.text(surface, theme, "Click a problem (or press J) to jump to it.", (body.x, body.y + 24), 15,
               theme.text_dim)
        lines = []
        for p in problems:
            where = [x for x in (p.part, p.difficulty) if x]
            if p.tick is not None:
                bar, beat = bar_beat(tempo, p.tick)
                where.append(f"bar {bar} beat {beat}")
            lines.append((f"{' '.join(where) or 'chart'}: {p.message}",
                          theme.bad if p.level == "error" else theme.accent))
        explain = pygame.Rect(body.x, body.bottom - 64, body.w, 64)
        self._rows(surface, pygame.Rect(body.x, body.y, body.w, explain.top - body.y - 8), lines, body.y + 50,
                   self.current.get("problems"))
        w.text_block(surface, theme, CHECKS, explain, 15, theme.text_dim, max_lines=4)

    def _sections(self, surface: pygame.Surface, body: pygame.Rect, chart: Chart, tempo: TempoMap,
                  view_t: float) -> None:
        theme = self.theme
        w.text(surface, theme, f"{len(chart.sections)} sections: click (or J) to jump", body.topleft, 18,
               theme.text, bold=True)
        now = max((i for i, s in enumerate(chart.sections) if tempo.seconds(s.tick) <= view_t + 1e-6),
                  default=None)
        lines = []
        for s in chart.sections:
            t = tempo.seconds(s.tick)
            bar, _ = bar_beat(tempo, s.tick)
            lines.append((f"bar {bar:<4}  {int(t // 60)}:{t % 60:04.1f}   {s.name}", theme.text))
        self._rows(surface, body, lines, body.y + 30, now)

    def _duet(self, surface: pygame.Surface, body: pygame.Rect, analysis: Analysis | None,
              view_t: float) -> None:
        theme = self.theme
        duet = analysis.duet if analysis is not None else None
        if duet is None:
            w.text_block(surface, theme, "This chart has one part. Ctrl+Shift+P builds a partner part "
                         "from it "
                         "(kick and snare backbone on the lead's strong beats).", body, 17, theme.text_dim)
            return
        (lp, ld), (pp, pd) = duet.lead, duet.partner
        head = f"{pp} {pd} with {lp} {ld}: {duet.shown_percent:.0f}% of {pp}'s notes are unisons"
        w.text(surface, theme, w.fit(theme, head, 17, body.w), body.topleft, 17, theme.text, bold=True)
        same = "  ".join(f"{d} {pct:.0f}%" for d, pct in duet.per_difficulty)
        w.text(surface, theme, f"same difficulty: {same}", (body.x, body.y + 22), 15, theme.text_dim)
        graph = pygame.Rect(body.x, body.y + 48, body.w, 104)
        self._density(surface, graph, duet, view_t)
        top = graph.bottom + 30
        cols = (body.x + 4, body.right - 250, body.right - 170, body.right - 88)
        for x, label in zip(cols, ("section", f"{lp} n/s", f"{pp} n/s", "unison"), strict=True):
            w.text(surface, theme, label, (x, top - 4), 15, theme.text_dim, anchor="bottomleft")
        visible = max(1, (body.bottom - top) // ROW_H)
        now = max((i for i, r in enumerate(duet.rows) if r.seconds <= view_t + 1e-6), default=None)
        if now is not None:
            first = self.scroll.get("duet", 0)
            if not first <= now < first + visible:
                self.scroll["duet"] = max(0, now - visible // 2)
        first = self._scrolled(len(duet.rows), visible)
        y = top
        for i in range(first, min(len(duet.rows), first + visible)):
            r = duet.rows[i]
            row = pygame.Rect(body.x, y, body.w, ROW_H - 2)
            if i == now:
                pygame.draw.rect(surface, theme.panel_border, row, border_radius=4)
            name = w.fit(theme, r.name, 15, cols[1] - cols[0] - 8)
            w.text(surface, theme, name, (cols[0], row.centery), 15, anchor="midleft")
            w.text(surface, theme, f"{r.lead_nps:5.2f}", (cols[1], row.centery), 15, LEAD_COLOR,
                   anchor="midleft")
            w.text(surface, theme, f"{r.partner_nps:5.2f}", (cols[2], row.centery), 15, PARTNER_COLOR,
                   anchor="midleft")
            bar = pygame.Rect(cols[3], row.y + 4, 50, row.h - 8)
            pygame.draw.rect(surface, theme.background, bar)
            pct = r.unison_percent
            filled = pygame.Rect(bar.x, bar.y, round(bar.w * pct / 100), bar.h)
            pygame.draw.rect(surface, UNISON if pct >= 60 else theme.bad, filled)
            w.text(surface, theme, f"{pct:.0f}%", (bar.right + 4, row.centery), 15, anchor="midleft")
            self.row_rects.append((row, i))
            y += ROW_H

    def _density(self, surface: pygame.Surface, rect: pygame.Rect, duet: DuetView, view_t: float) -> None:
        """Notes per second of both parts along the song; sections ticked; the view marked."""
        theme = self.theme
        pygame.draw.rect(surface, theme.background, rect)
        length = max(1e-6, duet.length_s)
        peak = max([v for _, v in duet.lead_curve + duet.partner_curve] + [1.0])
        inner = rect.inflate(-8, -22).move(0, 6)

        def pt(t: float, v: float) -> tuple[int, int]:
            return (round(inner.x + inner.w * min(1.0, t / length)), round(inner.bottom - inner.h * v / peak))

        for row in duet.rows:
            x = pt(row.seconds, 0)[0]
            surface.fill(theme.panel_border, (x, inner.y, 1, inner.h))
        for curve, color in ((duet.lead_curve, LEAD_COLOR), (duet.partner_curve, PARTNER_COLOR)):
            if len(curve) >= 2:
                pygame.draw.lines(surface, color, False, [pt(t, v) for t, v in curve], 2)
        if 0 <= view_t <= length:
            x = pt(view_t, 0)[0]
            surface.fill(theme.accent, (x - 1, inner.y - 4, 2, inner.h + 4))
        (lp, ld), (pp, pd) = duet.lead, duet.partner
        w.text(surface, theme, f"notes/s  peak {peak:.0f}", (rect.x + 4, rect.y + 2), 14, theme.text_dim)
        x = rect.right - 4
        for label, color in ((f"{pp} {pd}", PARTNER_COLOR), (f"{lp} {ld}", LEAD_COLOR)):
            r = w.text(surface, theme, label, (x, rect.y + 2), 14, color, bold=True, anchor="topright")
            x = r.left - 12

    def _legend(self, surface: pygame.Surface, rect: pygame.Rect, kit: Layout) -> None:
        """What the marks mean, drawn with the real sprites."""
        theme = self.theme
        surface.fill(theme.background, rect)
        lane_of = {p: kit.lane_of(p) for p in (Piece.CRASH, Piece.TOM3, Piece.SNARE, Piece.KICK)}
        items: list[tuple[pygame.Surface | RGB, str]] = [
            (self.painter.gem(Piece.CRASH, kit, lane_of[Piece.CRASH], 34, Dynamic.NORMAL), "cymbal"),
            (self.painter.gem(Piece.TOM3, kit, lane_of[Piece.TOM3], 34, Dynamic.NORMAL), "tom"),
            (self.painter.gem(Piece.SNARE, kit, lane_of[Piece.SNARE], 34, Dynamic.NORMAL), "snare"),
            (self.painter.gem(Piece.KICK, kit, lane_of[Piece.KICK], 34, Dynamic.NORMAL), "kick"),
            (self.painter.gem(Piece.SNARE, kit, lane_of[Piece.SNARE], 34, Dynamic.ACCENT), "accent"),
            (self.painter.gem(Piece.SNARE, kit, lane_of[Piece.SNARE], 34, Dynamic.GHOST), "ghost"),
        ]
        x, y = rect.x + 6, rect.y + 14
        for icon, label in items:
            assert isinstance(icon, pygame.Surface)
            surface.blit(icon, icon.get_rect(center=(x + 18, y)))
            r = w.text(surface, theme, label, (x + 40, y), 14, theme.text_dim, anchor="midleft")
            x = r.right + 12
        y += 26
        x = rect.x + 6
        pygame.draw.circle(surface, UNISON, (x + 8, y), 5)
        r = w.text(surface, theme, "unison (both parts play)", (x + 20, y), 14, theme.text_dim,
                   anchor="midleft")
        x = r.right + 14
        pygame.draw.rect(surface, SELECTED, (x, y - 7, 18, 14), width=2, border_radius=3)
        r = w.text(surface, theme, "selected", (x + 24, y), 14, theme.text_dim, anchor="midleft")
        x = r.right + 14
        r = w.text(surface, theme, "tags: 2x open pedal china splash", (x, y), 14, theme.text_dim,
                   anchor="midleft")
