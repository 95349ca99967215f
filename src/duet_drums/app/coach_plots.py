"""The duo coach's plots, drawn with pygame from the coach's report only.

Three kinds, each answering one question a pair asks:
- `piece_timing`: where does each of my drums land (mean with its 95 % interval), and
  how many hits were early or late?
- `tempo_curve`: did I (did we) run ahead of the click or behind it, and where?
- `pairing_leans`: on which drum is one of us ahead of the other, and is it certain?

As on the rest of the results screen, axes are labelled in words ("early", "Ben
ahead", "faster") and units; anything the coach would not claim is drawn dim, and a
pairing with too few unisons says so instead of drawing a dot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from duet_drums.app.coach_view import OffsetRow
from duet_drums.app.plots import AXIS_SIZE, frame
from duet_drums.app.theme import RGB, Theme
from duet_drums.app.widgets import fit, text
from duet_drums.core.coach_models import PieceTiming, TempoWindow
from duet_drums.core.rules import Rules

SMALL_TITLE = 15
PIECE_NAMES = {"kick": "kick", "kick2": "kick 2", "snare": "snare", "hihat": "hi-hat",
               "hihat_open": "open hat", "hihat_pedal": "hat pedal", "tom1": "tom 1", "tom2": "tom 2",
               "tom3": "tom 3", "crash": "crash",
               "ride": "ride", "china": "china", "splash": "splash"}
CURVE_MARKERS_BELOW = 40  # points: draw a marker on each when there are this few


def _nice_limit(values: Sequence[float], floor: float, cap: float, step: float) -> float:
    """A symmetric axis half-range: at least `floor`, rounded up to `step`, at most `cap`."""
    peak = max((abs(v) for v in values if math.isfinite(v)), default=0.0)
    return min(cap, max(floor, math.ceil(peak / step) * step))


def _x_of(area: pygame.Rect, value: float, limit: float) -> int:
    f = max(-1.0, min(1.0, value / limit))
    return round(area.centerx + f * (area.width / 2 - 3))


def _whisker(surface: pygame.Surface, color: RGB, y: int, x_lo: int, x: int, x_hi: int, r: int = 4) -> None:
    pygame.draw.line(surface, color, (x_lo, y), (x_hi, y), 2)
    for xe in (x_lo, x_hi):
        pygame.draw.line(surface, color, (xe, y - r + 1), (xe, y + r - 1), 2)
    pygame.draw.circle(surface, color, (x, y), r)


def piece_timing(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, pieces: Sequence[PieceTiming],
                 rules: Rules) -> None:
    """Per drum: mean timing error with its 95 % interval on an early/late axis (the
    Perfect window shaded), and the count of hits outside it on each side."""
    area = frame(surface, theme, rect, "Per drum: mean error (95 %), early / late hits", SMALL_TITLE)
    if not pieces:
        text(surface, theme, "no hits", area.center, 18, theme.text_dim, anchor="center")
        return
    row_h = 18
    fits = max(1, area.height // row_h)
    shown = sorted(sorted(pieces, key=lambda p: -p.n)[:fits], key=lambda p: list(PIECE_NAMES).index(p.piece)
                   if p.piece in PIECE_NAMES else 99)
    name_w = 66
    count_w = 104 if area.width >= 300 else 0  # a narrow plot keeps the dots, drops the counts
    axis = pygame.Rect(area.left + name_w, area.top, area.width - name_w - count_w, len(shown) * row_h)
    perfect = rules.perfect * 1000.0
    # Wide enough that the Perfect window (shaded) sits inside the axis.
    bounds = [x for p in shown for x in (p.mean_ms.low, p.mean_ms.high)]
    limit = _nice_limit(bounds, perfect + 5.0, 60.0, 10.0)
    band = pygame.Surface((max(1, _x_of(axis, perfect, limit) - _x_of(axis, -perfect, limit)), axis.height),
                          pygame.SRCALPHA)
    band.fill((*theme.judgement_color("perfect"), 16))
    surface.blit(band, (_x_of(axis, -perfect, limit), axis.top))
    pygame.draw.line(surface, theme.hit_line, (axis.centerx, axis.top), (axis.centerx, axis.bottom))
    for i, p in enumerate(shown):
        y = axis.top + i * row_h + row_h // 2
        text(surface, theme, PIECE_NAMES.get(p.piece, p.piece), (area.left, y), AXIS_SIZE, theme.text,
             anchor="midleft")
        m = p.mean_ms
        lean = m.excludes_zero and abs(m.value) >= 5.0
        color = theme.accent if lean else theme.text_dim
        _whisker(surface, color, y, _x_of(axis, m.low, limit), _x_of(axis, m.value, limit),
                 _x_of(axis, m.high, limit))
        if count_w:
            text(surface, theme, f"{p.early} early, {p.late} late", (area.right, y), AXIS_SIZE,
                 theme.text_dim, anchor="midright")
    y = axis.bottom + 3
    text(surface, theme, f"early -{limit:.0f} ms", (axis.left, y), AXIS_SIZE - 1, theme.text_dim)
    text(surface, theme, "0", (axis.centerx, y), AXIS_SIZE - 1, theme.text_dim, anchor="midtop")
    text(surface, theme, f"+{limit:.0f} ms late", (axis.right, y), AXIS_SIZE - 1, theme.text_dim,
         anchor="topright")


def _clock(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


def tempo_curve(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, title: str,
                curves: Sequence[tuple[str, RGB, Sequence[tuple[float, float]]]],
                windows: Sequence[TempoWindow], duration: float) -> None:
    """Tempo against the click over the song, one line per curve (BPM over the two bars
    from each bar line); the windows the coach names are shaded and labelled with their
    drift, so the plot points at the words."""
    area = frame(surface, theme, rect, title, SMALL_TITLE)
    span = max(duration, 1e-6)
    values = [b for _, _, c in curves for _, b in c] + [w.drift.value for w in windows if w.drift]
    limit = _nice_limit(values, 6.0, 24.0, 2.0)

    def x_of(t: float) -> int:
        return area.left + round(min(max(t / span, 0.0), 1.0) * (area.width - 1))

    def y_of(bpm: float) -> int:
        return round(area.centery - max(-1.0, min(1.0, bpm / limit)) * (area.height / 2 - 2))

    free_x = area.left
    for w in windows:
        if w.drift is None or w.kind == "song":
            continue
        x0, x1 = x_of(w.start), max(x_of(w.start) + 2, x_of(w.end))
        shade = pygame.Surface((x1 - x0, area.height), pygame.SRCALPHA)
        shade.fill((*theme.accent, 40))
        surface.blit(shade, (x0, area.top))
        if x0 >= free_x:
            lab = text(surface, theme, f"{w.drift.value:+.0f}", (x0 + 2, area.top + 1), AXIS_SIZE - 1,
                       theme.accent, bold=True)
            free_x = lab.right + 4
    pygame.draw.line(surface, theme.hit_line, (area.left, area.centery), (area.right, area.centery))
    for k in (-0.5, 0.5):
        y = y_of(k * limit)
        pygame.draw.line(surface, theme.beat_line, (area.left, y), (area.right, y))
    for _label, color, curve in curves:
        pts = [(x_of(t), y_of(b)) for t, b in curve]
        if len(pts) >= 2:
            pygame.draw.lines(surface, color, False, pts, 2)
        if len(pts) < CURVE_MARKERS_BELOW:
            for pt in pts:
                pygame.draw.circle(surface, color, pt, 2)
    small = AXIS_SIZE - 1
    text(surface, theme, f"+{limit:.0f} BPM faster", (area.left + 2, area.top + 1), small, theme.text_dim)
    text(surface, theme, f"-{limit:.0f} slower", (area.left + 2, area.bottom - 1), small, theme.text_dim,
         anchor="bottomleft")
    text(surface, theme, "click", (area.right - 2, area.centery - 1), AXIS_SIZE - 1, theme.text_dim,
         anchor="bottomright")
    if len(curves) > 1:
        x = area.right - 4
        for label, color, _ in reversed(curves):
            r = text(surface, theme, label, (x, area.top + 1), small, color, bold=True, anchor="topright")
            x = r.left - 10
    y = area.bottom + 2
    text(surface, theme, "0:00", (area.left, y), AXIS_SIZE - 1, theme.text_dim)
    text(surface, theme, _clock(duration), (area.right, y), AXIS_SIZE - 1, theme.text_dim, anchor="topright")
    if not any(len(c) for _, _, c in curves):
        text(surface, theme, "too few notes for a tempo line", area.center, 16, theme.text_dim,
             anchor="center")


def pairing_leans(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, rows: Sequence[OffsetRow],
                  names: tuple[str, str], full_ms: float) -> None:
    """Who is ahead on each drum pairing: the mean gap between the two players' strokes
    with its 95 % interval, on an axis with P1 ahead to the left and P2 ahead to the
    right (as on the sync meter); the full-credit window is shaded green."""
    area = frame(surface, theme, rect, "Who is ahead, per drum (mean gap, 95 %; green: full credit)",
                 SMALL_TITLE)
    p1, p2 = theme.player_colors
    name_w, value_w = (100, 118) if area.width >= 360 else (70, 90)
    row_h = max(16, min(26, area.height // max(1, len(rows))))
    axis = pygame.Rect(area.left + name_w, area.top, area.width - name_w - value_w, row_h * len(rows))
    limit = _nice_limit([x for r in rows if r.interval for x in (r.interval.low, r.interval.high)],
                        20.0, 60.0, 10.0)
    x0, x1 = _x_of(axis, -full_ms, limit), _x_of(axis, full_ms, limit)
    band = pygame.Surface((max(1, x1 - x0), axis.height), pygame.SRCALPHA)
    band.fill((*theme.good, 36))
    surface.blit(band, (x0, axis.top))
    pygame.draw.line(surface, theme.hit_line, (axis.centerx, axis.top), (axis.centerx, axis.bottom))
    for i, row in enumerate(rows):
        y = axis.top + i * row_h + row_h // 2
        text(surface, theme, row.label, (area.left, y), AXIS_SIZE, theme.text, anchor="midleft")
        m = row.interval
        if m is None:
            text(surface, theme, "too few unisons", (axis.centerx, y), AXIS_SIZE - 1, theme.text_dim,
                 anchor="center")
            continue
        color = (p2 if m.value > 0 else p1) if row.significant else theme.text_dim
        _whisker(surface, color, y, _x_of(axis, m.low, limit), _x_of(axis, m.value, limit),
                 _x_of(axis, m.high, limit))
        who = names[1] if m.value > 0 else names[0]
        value = f"{who} +{abs(m.value):.1f} ms" if row.significant else f"even ({m.value:+.1f})"
        text(surface, theme, fit(theme, value, AXIS_SIZE, value_w - 6), (area.right, y), AXIS_SIZE,
             color if row.significant else theme.text_dim, anchor="midright")
    y = axis.bottom + 3
    small = AXIS_SIZE - 1
    text(surface, theme, fit(theme, f"{names[0]} ahead", small, name_w - 4), (area.left, y), small, p1,
         bold=True)
    text(surface, theme, f"{limit:.0f} ms", (axis.left, y), small, theme.text_dim, anchor="midtop")
    text(surface, theme, "0", (axis.centerx, y), small, theme.text_dim, anchor="midtop")
    text(surface, theme, f"{limit:.0f} ms", (axis.right, y), small, theme.text_dim, anchor="midtop")
    text(surface, theme, fit(theme, f"{names[1]} ahead", small, value_w - 4), (area.right, y), small, p2,
         bold=True, anchor="topright")


def share_bars(surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
               shares: Sequence[tuple[str, float | None]]) -> None:
    """Horizontal bars of the share of unisons within each gap ("within 20 ms: 86 %")."""
    row_h = rect.height // max(1, len(shares))
    for i, (label, share) in enumerate(shares):
        y = rect.top + i * row_h
        mid = y + row_h // 2
        text(surface, theme, label, (rect.left, mid), AXIS_SIZE, theme.text_dim, anchor="midleft")
        bar = pygame.Rect(rect.left + 110, y + 3, rect.width - 160, row_h - 6)
        pygame.draw.rect(surface, theme.beat_line, bar)
        if share is not None:
            pygame.draw.rect(surface, theme.good, (bar.left, bar.top, round(bar.width * share), bar.height))
            text(surface, theme, f"{100 * share:.0f}%", (rect.right, mid), AXIS_SIZE, theme.text,
                 anchor="midright")
