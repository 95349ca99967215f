"""Drawing the timeline: ruler, beat grid, the edited part, the other part and unisons.

Gems are the game's own sprites (`app.notes_draw.render_gem`), so a chart looks in the
editor as it will on the highway: cymbals are diamonds, toms round pads, the snare a
plain pad, kicks a bar; an accent has a white rim, a ghost is small and dim. What the
game shows with one lane for several pieces (open and pedal hi-hat, china, splash, the
second kick pedal) gets a small tag on the gem, since an author must tell them apart.

Per frame only what is in view is drawn: note times are computed once per note list
(charts are frozen, so a list is the same object until an edit replaces it) and the
visible window is found by binary search.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from duet_drums.app import widgets as w
from duet_drums.app.notes_draw import render_gem
from duet_drums.app.theme import RGB, Theme
from duet_drums.core.chart import Chart, Note
from duet_drums.core.kit import Dynamic, Layout, Piece, shape_of
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import snap
from duet_drums.editor.rebuild import NoteKey
from duet_drums.editor.window.layout import EditorLayout, TimeView
from duet_drums.editor.window.waveform import Envelope, draw_waveform

TAGS: dict[Piece, str] = {Piece.KICK2: "2x", Piece.HIHAT_OPEN: "open", Piece.HIHAT_PEDAL: "pedal",
                          Piece.CHINA: "china", Piece.SPLASH: "splash"}
KICK2_COLOR: RGB = (190, 120, 255)
UNISON: RGB = (255, 205, 70)
SELECTED: RGB = (80, 235, 255)
SECTION: RGB = (255, 150, 200)
TEMPO: RGB = (120, 200, 255)
WAVE: RGB = (95, 150, 120)
SIGNATURE: RGB = (150, 230, 140)
MIN_GRID_PX = 7  # snap lines closer than this are not drawn (they would be a grey wash)


@dataclass(frozen=True)
class TimelineState:
    """Everything one frame of the timeline shows, gathered by the scene."""

    chart: Chart
    tempo: TempoMap
    part: str
    difficulty: str
    ghost: tuple[str, str] | None  # the other part and difficulty
    kit: Layout
    selection: frozenset[NoteKey]
    cursor: int
    division: snap.Division
    now: float | None  # playback position while playing
    hover: tuple[int, int] | None = None  # (tick, lane) a click would toggle
    box: pygame.Rect | None = None  # box selection being dragged
    anchor_drag: tuple[int, float] | None = None  # (beat tick, seconds) being dragged


class _Notes:
    """A note list with its times (seconds), kept while the list object lives."""

    def __init__(self, notes: list[Note], tempo: TempoMap) -> None:
        self.notes = notes
        self.ticks = [n.tick for n in notes]
        self.times: npt.NDArray[np.float64] = tempo.seconds_array(self.ticks) if notes else np.zeros(0)

    def visible(self, lo: float, hi: float) -> range:
        return range(int(np.searchsorted(self.times, lo)), int(np.searchsorted(self.times, hi, side="right")))


class TimelinePainter:
    def __init__(self, theme: Theme) -> None:
        self.theme = theme
        self._sprites: dict[tuple[int, str, RGB, Dynamic, int], pygame.Surface] = {}
        self._lists: dict[tuple[str, str, bool], tuple[int, _Notes]] = {}

    # -- caches ----------------------------------------------------------------------------------
    def notes(self, chart: Chart, tempo: TempoMap, part: str, difficulty: str) -> _Notes:
        notes = chart.notes(part, difficulty)
        key = (part, difficulty, False)
        cached = self._lists.get(key)
        if cached is None or cached[1].notes is not notes or cached[0] != id(tempo):
            cached = (id(tempo), _Notes(notes, tempo))
            self._lists[key] = cached
        return cached[1]

    def sprite(self, width: int, shape: str, color: RGB, dynamic: Dynamic,
               alpha: int = 255) -> pygame.Surface:
        key = (width, shape, color, dynamic, alpha)
        s = self._sprites.get(key)
        if s is None:
            s = render_gem(shape, color, dynamic, False, width, round(width * 0.84), 1.0)
            if alpha < 255:
                s = s.copy()
                s.set_alpha(alpha)
            self._sprites[key] = s
        return s

    def gem(self, piece: Piece, kit: Layout, lane: int, width: int, dynamic: Dynamic,
            alpha: int = 255) -> pygame.Surface:
        shape = "kick" if kit.lanes[lane].is_kick else shape_of(piece)
        color = KICK2_COLOR if piece is Piece.KICK2 else kit.lanes[lane].color
        return self.sprite(width, shape, color, dynamic, alpha)

    # -- the frame ---------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, st: TimelineState,
             envelope: Envelope | None, wave_note: str | None) -> None:
        theme = self.theme
        for rect in (lay.ruler, lay.wave, lay.lanes, lay.gutter, lay.ghost):
            surface.fill(theme.highway, rect)
        self._lane_backgrounds(surface, lay, st.kit)
        clip = surface.get_clip()
        surface.set_clip(lay.track)
        draw_waveform(surface, lay.wave, envelope, view, WAVE)
        if wave_note:
            for k, words in enumerate(wave_note.split("|")):
                w.text(surface, theme, words, (lay.wave.centerx, lay.wave.y + 12 + 18 * k), 15,
                       theme.text_dim, anchor="midtop")
        self._grid(surface, lay, view, st)
        self._markers(surface, lay, view, st)
        self._cursor(surface, lay, view, st)  # under the notes: a gem on the cursor stays readable
        self._part_notes(surface, lay, view, st)
        self._overlays(surface, lay, view, st)
        surface.set_clip(clip)
        self._headers(surface, lay, st)

    def _lane_backgrounds(self, surface: pygame.Surface, lay: EditorLayout, kit: Layout) -> None:
        for ghost in (False, True):
            for i, lane in enumerate(kit.lanes):
                r = lay.lane_rect(i, ghost)
                tint = 16 if ghost else 26
                base = self.theme.highway
                color = tuple(min(255, base[k] + (lane.color[k] * tint) // 255) for k in range(3))
                surface.fill(color, r)
                if i:
                    surface.fill(self.theme.beat_line, (r.x, r.y, 1, r.h))
        pygame.draw.rect(surface, self.theme.highway_edge, lay.lanes, width=1)
        pygame.draw.rect(surface, self.theme.panel_border, lay.ghost, width=1)

    def _headers(self, surface: pygame.Surface, lay: EditorLayout, st: TimelineState) -> None:
        theme = self.theme
        for ghost in (False, True):
            header = lay.ghost_header if ghost else lay.lane_header
            surface.fill(theme.panel, header)
            if ghost:
                label = f"{st.ghost[0]} {st.ghost[1]}" if st.ghost else "no other part"
                w.text(surface, theme, w.fit(theme, label, 15, header.w - 4), header.center, 15,
                       theme.text_dim, anchor="center")
                continue
            for i, lane in enumerate(st.kit.lanes):
                x = lay.lane_x(i)
                size = 15 if lay.lane_w >= 50 else 13
                w.text(surface, theme, f"{i + 1} {lane.name}", (x, header.centery), size, lane.color,
                       bold=True, anchor="center")
        ruler_head = pygame.Rect(lay.ruler.x, lay.lane_header.y, lay.ruler.w + lay.wave.w, lay.lane_header.h)
        surface.fill(theme.panel, ruler_head)
        w.text(surface, theme, "bar  tempo · sections", (ruler_head.x + 4, ruler_head.centery), 15,
               theme.text_dim, anchor="midleft")
        w.text(surface, theme, "audio", (lay.wave.centerx, ruler_head.centery), 15, theme.text_dim,
               anchor="center")

    # -- grid --------------------------------------------------------------------------------------
    def _grid(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, st: TimelineState) -> None:
        theme, tm = self.theme, st.tempo
        t_lo, t_hi = view.span()
        lo = max(0, int(tm.tick_at(max(0.0, t_lo))) - 1)
        hi = int(tm.tick_at(max(0.0, t_hi))) + 1
        x0, x1 = lay.wave.x, lay.ghost.right
        if st.division is not None:
            step_s = 60.0 / tm.bpm_at(lo) / st.division * 4 / tm.signature_at(lo)[2]
            if step_s * view.pps >= MIN_GRID_PX:
                faint = tuple(max(0, c - 18) for c in theme.beat_line)
                for tick in snap.grid_points(tm, lo, hi, st.division):
                    y = round(view.y_of(tm.seconds(tick)))
                    surface.fill(faint, (lay.lanes.x, y, lay.ghost.right - lay.lanes.x, 1))
        for line in tm.grid(lo, hi):
            y = round(view.y_of(line.seconds))
            if line.measure is not None:
                surface.fill(theme.measure_line, (x0, y - 1, x1 - x0, 2))
                surface.fill(theme.measure_line, (lay.ruler.x, y, 30, 1))
                w.text(surface, theme, str(line.measure), (lay.ruler.x + 4, y - 2), 16, theme.text,
                       bold=True, anchor="bottomleft")
            else:
                surface.fill(theme.beat_line, (x0, y, x1 - x0, 1))
        if tm.tick_at(t_lo) < 0:  # before the song: shade it
            y0 = round(view.y_of(0.0))
            shade = pygame.Surface((x1 - lay.ruler.x, max(0, view.bottom - y0)), pygame.SRCALPHA)
            shade.fill((0, 0, 0, 110))
            surface.blit(shade, (lay.ruler.x, y0))

    def _markers(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, st: TimelineState) -> None:
        """Sections, tempo changes and time signatures in the ruler, stacked upwards from
        their line so several at one tick stay readable."""
        theme, tm, chart = self.theme, st.tempo, st.chart
        t_lo, t_hi = view.span()
        rows: dict[int, list[tuple[str, RGB, bool]]] = {}
        for s in chart.sections:
            rows.setdefault(s.tick, []).append((s.name, SECTION, True))
        for change in chart.tempo:
            rows.setdefault(change.tick, []).append((f"{change.bpm:g} BPM", TEMPO, False))
        for sig in chart.time_signatures:
            rows.setdefault(sig.tick, []).append((f"{sig.num}/{sig.den}", SIGNATURE, False))
        x = lay.ruler.x + 36
        for tick in sorted(rows):
            t = tm.seconds(tick)
            if not t_lo - 2.0 <= t <= t_hi + 0.5:
                continue
            y = round(view.y_of(t))
            if any(label for label, _, is_section in rows[tick] if is_section):
                surface.fill(SECTION, (lay.ruler.x + 32, y, lay.ghost.right - lay.ruler.x - 32, 1))
            for k, (label, color, bold) in enumerate(rows[tick]):
                w.text(surface, theme, w.fit(theme, label, 15, lay.ruler.right - x - 2), (x, y - 2 - 17 * k),
                       15, color, bold=bold, anchor="bottomleft")

    # -- notes -------------------------------------------------------------------------------------
    def _part_notes(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView,
                    st: TimelineState) -> None:
        t_lo, t_hi = view.span()
        main = self.notes(st.chart, st.tempo, st.part, st.difficulty)
        ghost = self.notes(st.chart, st.tempo, *st.ghost) if st.ghost else None
        if ghost is not None:
            self._unisons(surface, lay, view, main, ghost, t_lo, t_hi)
            self._draw_notes(surface, lay, view, st, ghost, t_lo, t_hi, ghost_part=True)
        if st.hover is not None:
            tick, lane = st.hover
            y = round(view.y_of(st.tempo.seconds(tick)))
            piece = st.kit.lanes[lane].primary
            spr = self.gem(piece, st.kit, lane, round(lay.lane_w * 0.98), Dynamic.NORMAL, 90)
            surface.blit(spr, spr.get_rect(center=(lay.lane_x(lane), y)))
        self._draw_notes(surface, lay, view, st, main, t_lo, t_hi, ghost_part=False)

    def _unisons(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, main: _Notes,
                 ghost: _Notes, t_lo: float, t_hi: float) -> None:
        ghost_ticks = ghost.ticks
        last = -1
        for i in main.visible(t_lo - 0.1, t_hi + 0.1):
            tick = main.ticks[i]
            if tick == last:
                continue
            last = tick
            j = bisect.bisect_left(ghost_ticks, tick)
            if j < len(ghost_ticks) and ghost_ticks[j] == tick:
                y = round(view.y_of(float(main.times[i])))
                pygame.draw.circle(surface, UNISON, (lay.gutter.centerx, y), 5)
                surface.fill(UNISON, (lay.gutter.x, y, 4, 1))
                surface.fill(UNISON, (lay.gutter.right - 4, y, 4, 1))

    def _draw_notes(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, st: TimelineState,
                    notes: _Notes, t_lo: float, t_hi: float, ghost_part: bool) -> None:
        width = round((lay.ghost_lane_w if ghost_part else lay.lane_w) * 0.98)
        alpha = 120 if ghost_part else 255
        theme = self.theme
        # Kicks first: a hand gem of the same chord is drawn over the kick's bar.
        order = sorted(notes.visible(t_lo - 0.1, t_hi + 0.1),
                       key=lambda i: not st.kit.lanes[st.kit.lane_of(notes.notes[i].piece)].is_kick)
        for i in order:
            n = notes.notes[i]
            lane = st.kit.lane_of(n.piece)
            spr = self.gem(n.piece, st.kit, lane, width, n.dynamic, alpha)
            y = round(view.y_of(float(notes.times[i])))
            rect = spr.get_rect(center=(lay.lane_x(lane, ghost_part), y))
            surface.blit(spr, rect)
            if ghost_part:
                continue
            tag = TAGS.get(n.piece)
            if tag:  # a small dark label on the gem's lower edge
                label = theme.label(tag, 13, (240, 240, 245), bold=True)
                pill = label.get_rect(center=(rect.centerx, rect.bottom - 3)).inflate(6, 0)
                pygame.draw.rect(surface, (20, 20, 28), pill, border_radius=4)
                surface.blit(label, label.get_rect(center=pill.center))
            if (n.tick, n.piece) in st.selection:
                pygame.draw.rect(surface, SELECTED, rect.inflate(6, 6), width=3, border_radius=5)

    def _cursor(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView, st: TimelineState) -> None:
        theme = self.theme
        y = round(view.y_of(st.tempo.seconds(st.cursor)))
        x0 = lay.ruler.x + 32
        surface.fill(theme.accent, (x0, y - 1, lay.ghost.right - x0, 3))
        pygame.draw.polygon(surface, theme.accent, [(lay.lanes.x - 12, y - 8), (lay.lanes.x - 1, y),
                                                    (lay.lanes.x - 12, y + 8)])

    def _overlays(self, surface: pygame.Surface, lay: EditorLayout, view: TimeView,
                  st: TimelineState) -> None:
        """Over the notes: the playback line, the selection box, a beat being dragged."""
        theme = self.theme
        if st.now is not None:
            yp = round(view.y_of(st.now))
            surface.fill(theme.good, (lay.wave.x, yp - 1, lay.ghost.right - lay.wave.x, 3))
        if st.box is not None:
            veil = pygame.Surface(st.box.size, pygame.SRCALPHA)
            veil.fill((*SELECTED, 40))
            surface.blit(veil, st.box)
            pygame.draw.rect(surface, SELECTED, st.box, width=1)
        if st.anchor_drag is not None:
            tick, seconds = st.anchor_drag
            ya = round(view.y_of(seconds))
            surface.fill(TEMPO, (lay.wave.x, ya - 1, lay.lanes.right - lay.wave.x, 3))
            bar, beat = bar_beat(st.tempo, tick)
            w.text(surface, theme, f"bar {bar} beat {beat} -> {seconds:.3f} s", (lay.lanes.x + 6, ya - 4), 16,
                   TEMPO, bold=True, anchor="bottomleft")


def bar_beat(tm: TempoMap, tick: int) -> tuple[int, str]:
    """(bar, beat) of a tick, the beat with its fraction ("2", "2.5"): how an author says where."""
    bar_start, bar = 0, 1
    for line in tm.grid(0, tick):
        if line.measure is not None:
            bar_start, bar = line.tick, line.measure
    beat = (tick - bar_start) / tm.beat_ticks(tick) + 1
    return bar, f"{beat:g}" if beat == int(beat) else f"{beat:.3g}"
