"""Progress over songs for the pair history screen, drawn with pygame.

The x axis is the songs in the order they were played, one slot each (sittings can be
days apart, so wall time would squeeze a whole evening into a pixel); sittings are
shaded bands labelled with their date. It must read with two songs and with three
hundred:
- few songs: every song is a marker joined by lines, and the last value is written;
- many songs (more than `MANY`): each song is a faint dot and a rolling mean over
  `ROLLING` songs is the line, so the trend shows through the song-to-song noise.
A song where a series has no value (a lean the coach would not show) leaves a gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

from duet_drums.app.plots import AXIS_SIZE, frame
from duet_drums.app.theme import RGB, Theme
from duet_drums.app.widgets import text

MANY = 40
ROLLING = 8
TITLE = 16


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    color: RGB
    values: Sequence[float | None]


def rolling_mean(values: Sequence[float | None], window: int = ROLLING) -> list[float | None]:
    """Mean of the last `window` songs' values (gaps skipped); None until one is seen."""
    out: list[float | None] = []
    for i in range(len(values)):
        seen = [v for v in values[max(0, i - window + 1):i + 1] if v is not None]
        out.append(sum(seen) / len(seen) if seen else None)
    return out


def session_bands(sessions: Sequence[int]) -> list[tuple[int, int, int]]:
    """(session, first song index, last song index) of each sitting."""
    bands: list[tuple[int, int, int]] = []
    for i, s in enumerate(sessions):
        if bands and bands[-1][0] == s:
            bands[-1] = (s, bands[-1][1], i)
        else:
            bands.append((s, i, i))
    return bands


class ProgressAxes:
    """The song axis shared by the history's charts (so a column lines up across them)."""

    def __init__(self, n: int, sessions: Sequence[int], played_at: Sequence[float]):
        self.n = n
        self.sessions = list(sessions)
        self.played_at = list(played_at)

    def x_of(self, area: pygame.Rect, i: int) -> int:
        if self.n <= 1:
            return area.centerx
        pad = min(24, area.width // (2 * self.n))
        return area.left + pad + round(i * (area.width - 2 * pad) / (self.n - 1))

    def draw_sessions(self, surface: pygame.Surface, theme: Theme, area: pygame.Rect, labels: bool) -> None:
        free_x = area.left
        for k, (session, first, last) in enumerate(session_bands(self.sessions)):
            x0 = area.left if first == 0 else (self.x_of(area, first - 1) + self.x_of(area, first)) // 2
            x1 = (area.right if last == self.n - 1
                  else (self.x_of(area, last) + self.x_of(area, last + 1)) // 2)
            if k % 2:
                band = pygame.Surface((max(1, x1 - x0), area.height), pygame.SRCALPHA)
                band.fill((255, 255, 255, 14))
                surface.blit(band, (x0, area.top))
            if labels:
                day = time.strftime("%d %b", time.localtime(self.played_at[first]))
                label = f"{day}" if x1 - x0 < 70 else f"sitting {session + 1}, {day}"
                width = theme.font(AXIS_SIZE - 2).size(label)[0]
                x = (x0 + x1) // 2 - width // 2
                if x >= free_x and x + width <= area.right:
                    text(surface, theme, label, (x, area.bottom + 2), AXIS_SIZE - 2, theme.text_dim)
                    free_x = x + width + 8


def progress_chart(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, title: str, axes: ProgressAxes,
                   series: Sequence[Series], lo: float, hi: float, ticks: Sequence[float],
                   fmt: Callable[[float], str], *, stems: bool = False, labels: bool = True,
                   notes: tuple[str, str] = ("", "")) -> pygame.Rect:
    """One chart of values per song between `lo` and `hi` (ticks labelled with `fmt`);
    `stems` draws each value as a bar from 0 (drift); `notes` label the top and bottom
    edges in words ("Ben ahead" / "Ann ahead"). Returns the plotting area."""
    area = frame(surface, theme, rect, title, TITLE)
    area.left += 44
    area.width -= 44
    axes.draw_sessions(surface, theme, area, labels)

    def y_of(v: float) -> int:
        f = (min(max(v, lo), hi) - lo) / (hi - lo) if hi > lo else 0.5
        return round(area.bottom - f * (area.height - 1))

    for tick in ticks:
        y = y_of(tick)
        pygame.draw.line(surface, theme.hit_line if tick == 0 and lo < 0 else theme.beat_line,
                         (area.left, y), (area.right, y))
        text(surface, theme, fmt(tick), (area.left - 4, y), AXIS_SIZE - 1, theme.text_dim, anchor="midright")
    if notes[0]:
        text(surface, theme, notes[0], (area.right - 2, area.top + 1), AXIS_SIZE - 1, theme.text_dim,
             anchor="topright")
    if notes[1]:
        text(surface, theme, notes[1], (area.right - 2, area.bottom - 1), AXIS_SIZE - 1, theme.text_dim,
             anchor="bottomright")
    many = axes.n > MANY
    for s in series:
        if stems:
            _stems(surface, area, axes, s, y_of, many)
        else:
            _line(surface, area, axes, s, y_of, many)
    _legend(surface, theme, area, series)
    if axes.n == 0:
        text(surface, theme, "no songs yet", area.center, 18, theme.text_dim, anchor="center")
    return area


def _segments(points: Sequence[tuple[int, int] | None]) -> list[list[tuple[int, int]]]:
    out: list[list[tuple[int, int]]] = [[]]
    for pt in points:
        if pt is None:
            if out[-1]:
                out.append([])
        else:
            out[-1].append(pt)
    return [seg for seg in out if seg]


def _line(surface: pygame.Surface, area: pygame.Rect, axes: ProgressAxes, s: Series,
          y_of: Callable[[float], int], many: bool) -> None:
    raw = [None if v is None else (axes.x_of(area, i), y_of(v)) for i, v in enumerate(s.values)]
    if many:
        faint = tuple(round(c * 0.55) for c in s.color)
        for pt in raw:
            if pt is not None:
                surface.fill(faint, (pt[0] - 1, pt[1] - 1, 2, 2))
        trend = rolling_mean(s.values)
        pts = [None if v is None else (axes.x_of(area, i), y_of(v)) for i, v in enumerate(trend)]
        for seg in _segments(pts):
            if len(seg) > 1:
                pygame.draw.lines(surface, s.color, False, seg, 3)
        return
    for seg in _segments(raw):
        if len(seg) > 1:
            pygame.draw.lines(surface, s.color, False, seg, 2)
    for pt in raw:
        if pt is not None:
            pygame.draw.circle(surface, s.color, pt, 4)


def _stems(surface: pygame.Surface, area: pygame.Rect, axes: ProgressAxes, s: Series,
           y_of: Callable[[float], int], many: bool) -> None:
    zero = y_of(0.0)
    width = 2 if many else max(3, min(14, area.width // max(1, 3 * axes.n)))
    for i, v in enumerate(s.values):
        if v is None:
            continue
        x, y = axes.x_of(area, i), y_of(v)
        top, bottom = min(y, zero), max(y, zero)
        pygame.draw.rect(surface, s.color, (x - width // 2, top, width, max(2, bottom - top)))


def _legend(surface: pygame.Surface, theme: Theme, area: pygame.Rect, series: Sequence[Series]) -> None:
    if len(series) < 2:
        return
    x = area.left + 6
    for s in series:
        pygame.draw.line(surface, s.color, (x, area.top + 8), (x + 14, area.top + 8), 3)
        r = text(surface, theme, s.label, (x + 18, area.top + 1), AXIS_SIZE, s.color, bold=True)
        x = r.right + 14


def verdict_strip(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, axes: ProgressAxes,
                  verdicts: Sequence[str], names: tuple[str, str]) -> None:
    """Who adapted to whom in each song, as a row of coloured marks under the charts:
    the colour of the player who led (the other followed), green for mutual, grey for
    unclear; with its legend."""
    p1, p2 = theme.player_colors
    colors = {"p2_follows_p1": p1, "p1_follows_p2": p2, "mutual": theme.good, "unclear": theme.beat_line}
    area = pygame.Rect(rect.left + 52, rect.top, rect.width - 60, rect.height)
    small = AXIS_SIZE - 1
    text(surface, theme, "who led", (rect.left + 8, rect.centery), small, theme.text_dim, anchor="midleft")
    size = max(3, min(9, area.width // max(1, 2 * axes.n)))
    for i, v in enumerate(verdicts):
        x = axes.x_of(area, i)
        mark = (x - size // 2, rect.top + 3, size, rect.height - 8)
        pygame.draw.rect(surface, colors.get(v, theme.beat_line), mark)
    x = rect.right - 8
    legend = ((f"{names[0]} led", p1), (f"{names[1]} led", p2), ("both adapted", theme.good),
              ("unclear", theme.beat_line))
    for label, color in reversed(legend):
        r = text(surface, theme, label, (x, rect.bottom + 2), small, color, bold=True, anchor="topright")
        pygame.draw.rect(surface, color, (r.left - 12, r.top + 3, 8, 8))
        x = r.left - 22
