"""Results plots drawn with pygame: no plotting library, so they render in the game window.

Each function draws one plot into a rect from the engine's `Result` data only (never
from live session state), so the picture is exactly what a replay re-scores to. Axes are
labelled in words a player reads at a glance ("early", "late", "P1 ahead") rather than
in signs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pygame

from duet_drums.app.theme import RGB, Theme
from duet_drums.app.widgets import fit, text
from duet_drums.core.result import SectionSync
from duet_drums.core.rules import Judgement, Rules

TITLE_SIZE = 18
AXIS_SIZE = 14
ROLLING_UNISONS = 8


def frame(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, title: str,
          title_size: int = TITLE_SIZE) -> pygame.Rect:
    """Background, border and title; returns the inner plotting area (room left below
    it for the x axis' labels)."""
    pygame.draw.rect(surface, theme.highway, rect, border_radius=4)
    pygame.draw.rect(surface, theme.panel_border, rect, width=1, border_radius=4)
    shown = fit(theme, title, title_size, rect.width - 16)
    text(surface, theme, shown, (rect.left + 8, rect.top + 4), title_size, theme.text_dim)
    top = title_size + 6
    return pygame.Rect(rect.left + 8, rect.top + top, rect.width - 16, rect.height - top - 18)


def _band_color(theme: Theme, err_ms: float, rules: Rules) -> RGB:
    e = abs(err_ms) / 1000.0
    if e <= rules.perfect:
        return theme.judgement_color(Judgement.PERFECT)
    if e <= rules.great:
        return theme.judgement_color(Judgement.GREAT)
    if e <= rules.good:
        return theme.judgement_color(Judgement.GOOD)
    return theme.judgement_color(Judgement.MISS)


def error_histogram(surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
                    errors_ms: Sequence[float], rules: Rules, bin_ms: float = 5.0) -> None:
    """How far from the note each hit landed: a narrow peak at 0 is a steady player; a
    peak left of centre is a player who rushes."""
    area = frame(surface, theme, rect, "Timing errors")
    limit = rules.miss * 1000.0
    edges = np.arange(-limit, limit + bin_ms, bin_ms)
    counts, _ = np.histogram(np.clip(np.asarray(errors_ms, dtype=float), -limit, limit), bins=edges)
    peak = max(1, int(counts.max()) if counts.size else 1)
    n = len(counts)
    bar_w = area.width / max(1, n)
    for i, c in enumerate(counts.tolist()):
        if not c:
            continue
        h = max(1, int(area.height * c / peak))
        centre = (edges[i] + edges[i + 1]) / 2
        x = area.left + int(i * bar_w)
        pygame.draw.rect(surface, _band_color(theme, centre, rules),
                         (x, area.bottom - h, max(1, int(bar_w) - 1), h))
    zero_x = area.left + area.width // 2
    pygame.draw.line(surface, theme.hit_line, (zero_x, area.top), (zero_x, area.bottom))
    for w in (rules.perfect, rules.good):
        for sign in (-1, 1):
            x = zero_x + int(sign * w * 1000.0 / limit * area.width / 2)
            pygame.draw.line(surface, theme.beat_line, (x, area.top), (x, area.bottom))
    y = area.bottom + 2
    text(surface, theme, f"early -{limit:.0f} ms", (area.left, y), AXIS_SIZE, theme.text_dim)
    text(surface, theme, "0", (zero_x, y), AXIS_SIZE, theme.text_dim, anchor="midtop")
    text(surface, theme, f"+{limit:.0f} ms late", (area.right, y), AXIS_SIZE, theme.text_dim,
         anchor="topright")
    if not errors_ms:
        text(surface, theme, "no hits", area.center, 20, theme.text_dim, anchor="center")


def error_over_song(surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
                    timeline: Sequence[tuple[float, float | None, str]], duration: float,
                    rules: Rules) -> None:
    """Timing error of every note against song time: drift (rushing in the chorus,
    dragging in the fill) shows up as a slope; misses are red marks along the bottom."""
    area = frame(surface, theme, rect, "Timing over the song")
    limit = rules.miss * 1000.0
    mid = area.centery
    half = area.height / 2 - 3
    band = pygame.Surface((area.width, max(1, int(2 * half * rules.good * 1000 / limit))), pygame.SRCALPHA)
    band.fill((*theme.beat_line, 90))
    surface.blit(band, band.get_rect(midleft=(area.left, mid)))
    pygame.draw.line(surface, theme.hit_line, (area.left, mid), (area.right, mid))
    span = max(duration, 1e-6)
    miss_color = theme.judgement_color(Judgement.MISS)
    for t, err, _judgement in timeline:
        x = area.left + int(min(max(t / span, 0.0), 1.0) * (area.width - 1))
        if err is None:
            pygame.draw.line(surface, miss_color, (x, area.bottom - 5), (x, area.bottom))
            continue
        e = max(-limit, min(limit, err))
        y = int(mid + e / limit * half)  # late below the line, early above
        surface.fill(_band_color(theme, err, rules), (x - 1, y - 1, 3, 3))
    text(surface, theme, "early", (area.right - 2, area.top), AXIS_SIZE, theme.text_dim, anchor="topright")
    text(surface, theme, "late", (area.right - 2, area.bottom - 16), AXIS_SIZE, theme.text_dim,
         anchor="topright")
    y = area.bottom + 2
    text(surface, theme, "0:00", (area.left, y), AXIS_SIZE, theme.text_dim)
    total = round(duration)
    text(surface, theme, f"{total // 60}:{total % 60:02d}", (area.right, y), AXIS_SIZE, theme.text_dim,
         anchor="topright")


def rolling_sync(credits: Sequence[float], window: int = ROLLING_UNISONS) -> list[float]:
    """Mean credit (in %) over the last `window` unisons at each unison."""
    out: list[float] = []
    acc = 0.0
    for i, c in enumerate(credits):
        acc += c
        if i >= window:
            acc -= credits[i - window]
        out.append(100.0 * acc / min(i + 1, window))
    return out


def sync_over_song(surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
                   timeline: Sequence[tuple[float, float | None, float]], duration: float,
                   sections: Sequence[SectionSync], weakest: str | None) -> None:
    """How together the pair played, along the song: the line is the rolling sync %, the
    dots each unison's asynchrony (above the centre = P2 ahead, below = P1 ahead), red
    marks unisons someone missed."""
    area = frame(surface, theme, rect, f"Sync over the song (line: last {ROLLING_UNISONS} unisons)")
    span = max(duration, 1e-6)

    def x_of(t: float) -> int:
        return area.left + int(min(max(t / span, 0.0), 1.0) * (area.width - 1))

    for i, s in enumerate(sections):
        x0 = x_of(s.t)
        x1 = x_of(sections[i + 1].t) if i + 1 < len(sections) else area.right
        if s.name == weakest:
            shade = pygame.Surface((max(1, x1 - x0), area.height), pygame.SRCALPHA)
            shade.fill((*theme.bad, 50))
            surface.blit(shade, (x0, area.top))
        pygame.draw.line(surface, theme.beat_line, (x0, area.top), (x0, area.bottom))
    mid = area.centery
    pygame.draw.line(surface, theme.beat_line, (area.left, mid), (area.right, mid))
    scale_ms = 60.0
    p1, p2 = theme.player_colors
    miss_color = theme.judgement_color(Judgement.MISS)
    for t, a, _credit in timeline:
        x = x_of(t)
        if a is None:
            pygame.draw.line(surface, miss_color, (x, area.bottom - 6), (x, area.bottom))
            continue
        y = int(mid + max(-1.0, min(1.0, -a / scale_ms)) * (area.height / 2 - 2))
        # a = t1 - t2: positive means P2 hit first.
        surface.fill(p2 if a > 0 else p1, (x - 1, y - 1, 3, 3))
    rolling = rolling_sync([c for _, _, c in timeline])
    points = [(x_of(t), area.bottom - int(r / 100.0 * (area.height - 1)))
              for (t, _, _), r in zip(timeline, rolling, strict=True)]
    if len(points) >= 2:
        pygame.draw.lines(surface, theme.good, False, points, 2)
    text(surface, theme, "100%", (area.left + 2, area.top), AXIS_SIZE, theme.good)
    text(surface, theme, "P2 ahead", (area.right - 2, area.top), AXIS_SIZE, p2, anchor="topright")
    text(surface, theme, "P1 ahead", (area.right - 2, area.bottom - 14), AXIS_SIZE, p1, anchor="topright")
    y = area.bottom + 2
    free_x = area.left
    for s in sections:
        # Label a section only where the previous label left room; the bars beside
        # this plot name every section anyway.
        x = x_of(s.t) + 2
        if x >= free_x:
            free_x = text(surface, theme, s.name, (x, y), AXIS_SIZE - 2, theme.text_dim).right + 6
    if not timeline:
        text(surface, theme, "no unisons in this chart", area.center, 20, theme.text_dim, anchor="center")


def _fit(theme: Theme, label: str, size: int, width: int) -> str:
    """The label, shortened with an ellipsis to fit `width` pixels ("Golden — Pre-Ch…")."""
    font = theme.font(size)
    if font.size(label)[0] <= width:
        return label
    while label and font.size(label + "…")[0] > width:
        label = label[:-1]
    return label.rstrip() + "…"


def section_bars(surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
                 sections: Sequence[SectionSync], weakest: str | None) -> None:
    """Sync % per section, the weakest one marked: where to practise together."""
    area = frame(surface, theme, rect, "Sync per section")
    shown = [s for s in sections if s.unisons > 0] or list(sections)
    if not shown:
        text(surface, theme, "no sections", area.center, 20, theme.text_dim, anchor="center")
        return
    row = min(26, max(12, (area.height + 16) // len(shown)))
    size = max(11, min(16, row - 4))
    name_w = min(170, area.width // 2)
    bar_x = area.left + name_w
    bar_w = area.width - name_w - 50
    y = area.top
    for s in shown:
        if y + row > rect.bottom:
            break
        is_weak = s.name == weakest
        color = theme.accent if is_weak else theme.text
        text(surface, theme, _fit(theme, s.name, size, name_w - 6), (area.left, y + row // 2), size, color,
             anchor="midleft")
        pygame.draw.rect(surface, theme.beat_line, (bar_x, y + 2, bar_w, row - 5))
        if s.sync_percent is None:
            text(surface, theme, "-", (bar_x + bar_w + 6, y + row // 2), size, theme.text_dim,
                 anchor="midleft")
        else:
            frac = max(0.0, min(1.0, s.sync_percent / 100.0))
            fill = theme.bad if is_weak else theme.good
            pygame.draw.rect(surface, fill, (bar_x, y + 2, int(bar_w * frac), row - 5))
            text(surface, theme, f"{s.sync_percent:.0f}%", (bar_x + bar_w + 6, y + row // 2), size,
                 color, anchor="midleft")
        if is_weak:
            pygame.draw.rect(surface, theme.accent, (area.left - 4, y, area.width + 4, row - 1), width=2,
                             border_radius=3)
        y += row
