"""Where each part of the editor window goes, and how song time maps to pixels.

Kept apart from drawing, as the play screen's `screen_layout` is, so the geometry is a
pure function of the window size and the lane count and can be checked without
rendering: nothing overlaps, everything is inside the window, at any size.

    +------------------------------------------------------------------------------+
    | title, file, part and difficulty, snap, zoom | playback: speed, click, parts  |  header
    +--------+------+-----------------------+--+-------------+----------------------+
    | ruler  | wave | lane headers          |  | other part  | tabs                 |
    | bars,  | form |                       |  |             |                      |
    | tempo, |      |   the part being      |u |   ghosted   |  keys / problems /   |
    | time   |      |   edited, one column  |n |   beside    |  duet / sections     |
    | sig.,  |      |   per lane            |i |             |                      |
    |sections|      |                       |s |             |                      |
    +--------+------+-----------------------+--+-------------+----------------------+
    | status line: what the last action did                    cursor: bar.beat, s |
    +------------------------------------------------------------------------------+

Time runs upwards, as on the game's highway: later notes are higher. The view is
time-linear (pixels per second), not tick-linear, so beat lines sit on the waveform of
the author's recording wherever the tempo changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

HEADER_H = 40
STATUS_H = 30
LANE_HEADER_H = 26
RULER_W = 150
WAVE_W = 76
GUTTER_W = 22
MIN_PANEL_W = 300
MARGIN = 8

MIN_PPS = 30.0
MAX_PPS = 1600.0
DEFAULT_PPS = 240.0
ZOOM_STEP = 1.25
# Where the cursor sits when the view follows it: a little below the middle, so more
# of what comes next than of what went before is in view (as on the game's highway).
ANCHOR_FRACTION = 0.72


@dataclass(frozen=True)
class EditorLayout:
    size: tuple[int, int]
    header: pygame.Rect
    status: pygame.Rect
    ruler: pygame.Rect
    wave: pygame.Rect
    lanes: pygame.Rect  # the edited part's columns (below its header row)
    lane_header: pygame.Rect
    gutter: pygame.Rect  # unison marks between the two parts
    ghost: pygame.Rect  # the other part's columns
    ghost_header: pygame.Rect
    panel: pygame.Rect
    n_lanes: int

    @property
    def lane_w(self) -> float:
        return self.lanes.w / self.n_lanes

    @property
    def ghost_lane_w(self) -> float:
        return self.ghost.w / self.n_lanes

    @property
    def track(self) -> pygame.Rect:
        """The vertical band shared by everything drawn against time."""
        return pygame.Rect(self.ruler.x, self.lanes.y, self.ghost.right - self.ruler.x, self.lanes.h)

    def lane_x(self, lane: int, ghost: bool = False) -> int:
        """Centre x of a lane column."""
        rect, w = (self.ghost, self.ghost_lane_w) if ghost else (self.lanes, self.lane_w)
        return round(rect.x + (lane + 0.5) * w)

    def lane_rect(self, lane: int, ghost: bool = False) -> pygame.Rect:
        rect, w = (self.ghost, self.ghost_lane_w) if ghost else (self.lanes, self.lane_w)
        x0, x1 = round(rect.x + lane * w), round(rect.x + (lane + 1) * w)
        return pygame.Rect(x0, rect.y, x1 - x0, rect.h)

    def lane_at(self, x: int) -> int | None:
        """The edited part's lane under x, or None outside its columns."""
        if not self.lanes.left <= x < self.lanes.right:
            return None
        return min(self.n_lanes - 1, int((x - self.lanes.x) / self.lane_w))

    def lanes_between(self, x0: int, x1: int) -> list[int]:
        """Lanes a box from x0 to x1 touches (either order)."""
        lo, hi = sorted((x0, x1))
        return [i for i in range(self.n_lanes)
                if self.lane_rect(i).right > lo and self.lane_rect(i).left <= hi]

    def all_rects(self) -> dict[str, pygame.Rect]:
        return {"header": self.header, "status": self.status, "ruler": self.ruler, "wave": self.wave,
                "lane_header": self.lane_header, "lanes": self.lanes, "gutter": self.gutter,
                "ghost_header": self.ghost_header, "ghost": self.ghost, "panel": self.panel}


def editor_layout(size: tuple[int, int], n_lanes: int) -> EditorLayout:
    w, h = size
    header = pygame.Rect(0, 0, w, HEADER_H)
    status = pygame.Rect(0, h - STATUS_H, w, STATUS_H)
    top = header.bottom + MARGIN
    body_h = max(60, status.top - MARGIN - top)
    # Lanes as wide as a gem needs to be read and clicked, narrower on a small window.
    lane_w = 58 if n_lanes <= 5 else 46
    ghost_lane_w = 32 if n_lanes <= 5 else 24
    fixed = RULER_W + WAVE_W + GUTTER_W + 4 * MARGIN
    room = w - fixed - MIN_PANEL_W
    need = n_lanes * (lane_w + ghost_lane_w)
    if room < need:
        k = max(0.4, room / need)
        lane_w, ghost_lane_w = max(20, round(lane_w * k)), max(12, round(ghost_lane_w * k))
    x = MARGIN
    ruler = pygame.Rect(x, top + LANE_HEADER_H, RULER_W, body_h - LANE_HEADER_H)
    x = ruler.right
    wave = pygame.Rect(x, ruler.y, WAVE_W, ruler.h)
    x = wave.right + MARGIN
    lane_header = pygame.Rect(x, top, n_lanes * lane_w, LANE_HEADER_H)
    lanes = pygame.Rect(x, ruler.y, n_lanes * lane_w, ruler.h)
    gutter = pygame.Rect(lanes.right, ruler.y, GUTTER_W, ruler.h)
    ghost_header = pygame.Rect(gutter.right, top, n_lanes * ghost_lane_w, LANE_HEADER_H)
    ghost = pygame.Rect(gutter.right, ruler.y, n_lanes * ghost_lane_w, ruler.h)
    px = ghost.right + 2 * MARGIN
    panel = pygame.Rect(px, top, max(0, w - px - MARGIN), body_h)
    return EditorLayout(size, header, status, ruler, wave, lanes, lane_header, gutter, ghost,
                        ghost_header, panel, n_lanes)


@dataclass
class TimeView:
    """Song seconds <-> y: `view_t` sits at `anchor_y`, `pps` pixels per second."""

    top: int
    bottom: int
    pps: float = DEFAULT_PPS
    view_t: float = 0.0

    @property
    def anchor_y(self) -> float:
        return self.top + (self.bottom - self.top) * ANCHOR_FRACTION

    def y_of(self, t: float) -> float:
        return self.anchor_y - (t - self.view_t) * self.pps

    def t_of(self, y: float) -> float:
        return self.view_t + (self.anchor_y - y) / self.pps

    def span(self) -> tuple[float, float]:
        """Song seconds at the bottom and the top edge."""
        return self.t_of(self.bottom), self.t_of(self.top)

    def zoom(self, steps: int) -> None:
        self.pps = min(MAX_PPS, max(MIN_PPS, self.pps * ZOOM_STEP ** steps))

    def scroll(self, seconds: float) -> None:
        self.view_t += seconds
