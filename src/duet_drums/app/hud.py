"""Text around the highways: each player's numbers, the song bar, the count-in.

Everything here reads engine state (`PlayerStats`, chart sections, song time) and turns
it into labels; no number is computed that the engine does not already provide, except
for presentation (the section at a time, the beat of the count-in). Panels are
pre-rendered per size; label surfaces come from the theme's text cache, so a score that
did not change costs one dictionary lookup.
"""

from __future__ import annotations

import bisect
import math

import pygame

from duet_drums.app.theme import RGB, Theme
from duet_drums.core.chart import Chart
from duet_drums.core.score import PlayerStats
from duet_drums.core.tempo import TempoMap

MULTIPLIER_COLORS: dict[int, RGB] = {
    1: (170, 170, 190), 2: (90, 220, 120), 3: (90, 170, 255), 4: (255, 200, 60),
}
COMBO_BREAK_S = 0.5


def _panel(size: tuple[int, int], theme: Theme, edge: RGB, radius: int) -> pygame.Surface:
    surf = pygame.Surface(size, pygame.SRCALPHA)
    rect = surf.get_rect()
    pygame.draw.rect(surf, (*theme.panel, 225), rect, border_radius=radius)
    pygame.draw.rect(surf, (*edge, 255), rect, width=2, border_radius=radius)
    return surf


class PlayerHud:
    """Name, score, combo, multiplier badge and accuracy under one highway."""

    def __init__(self, rect: pygame.Rect, theme: Theme, name: str, color: RGB, scale: float,
                 max_multiplier: int):
        self.rect = pygame.Rect(rect)
        self.theme = theme
        self.name = name
        self.color = color
        self.s = scale
        edge = (round(color[0] * 0.6), round(color[1] * 0.6), round(color[2] * 0.6))
        self.panel = _panel(self.rect.size, theme, edge, round(10 * scale))
        self.combo_broken_at = -math.inf
        self._badges = {m: self._badge(m) for m in range(1, max_multiplier + 1)}

    def _badge(self, mult: int) -> pygame.Surface:
        d = round(self.rect.h * 0.62)
        surf = pygame.Surface((d, d), pygame.SRCALPHA)
        c = MULTIPLIER_COLORS.get(mult, MULTIPLIER_COLORS[max(MULTIPLIER_COLORS)])
        pygame.draw.circle(surf, (*c, 60), (d // 2, d // 2), d // 2)
        pygame.draw.circle(surf, (*c, 255), (d // 2, d // 2), d // 2 - 2, width=max(2, round(3 * self.s)))
        label = self.theme.font(round(d * 0.5), bold=True).render(f"×{mult}", True, c)
        surf.blit(label, label.get_rect(center=(d // 2, d // 2 + 1)))
        return surf

    def bake(self, surface: pygame.Surface) -> None:
        """Draw the parts that never change (into the play screen's static layer)."""
        surface.blit(self.panel, self.rect)

    def draw(self, surface: pygame.Surface, stats: PlayerStats, song_time: float) -> None:
        th, r, s = self.theme, self.rect, self.s
        pad = round(12 * s)
        badge = self._badges.get(stats.multiplier) or self._badge(stats.multiplier)
        self._badges[stats.multiplier] = badge
        surface.blit(badge, badge.get_rect(midright=(r.right - pad, r.centery)))
        text_right = r.right - pad - badge.get_width() - pad
        name = th.label(self.name, round(20 * s), self.color, bold=True)
        surface.blit(name, (r.x + pad, r.y + round(9 * s)))
        score = th.label(f"{stats.score:,}", round(34 * s), th.text, bold=True)
        surface.blit(score, score.get_rect(topright=(text_right, r.y + round(7 * s))))
        broken = 0 <= song_time - self.combo_broken_at < COMBO_BREAK_S
        combo_c = th.bad if broken else (th.accent if stats.combo >= 10 else th.text)
        combo = th.label(f"{stats.combo} combo", round(20 * s), combo_c, bold=stats.combo >= 10)
        surface.blit(combo, (r.x + pad, r.bottom - combo.get_height() - round(10 * s)))
        acc = th.label(f"{stats.accuracy:.1f}%", round(22 * s), th.text_dim)
        surface.blit(acc, acc.get_rect(bottomright=(text_right, r.bottom - round(10 * s))))


class TopBar:
    """Song title, current section, elapsed/total time and the progress bar."""

    def __init__(self, rect: pygame.Rect, progress: pygame.Rect, theme: Theme, chart: Chart,
                 tempo: TempoMap, title: str, end_time: float, scale: float):
        self.rect, self.progress, self.theme, self.s = pygame.Rect(rect), pygame.Rect(progress), theme, scale
        self.end_time = max(1e-6, end_time)
        self.section_times = [tempo.seconds(sec.tick) for sec in chart.sections]
        self.section_names = [sec.name for sec in chart.sections]
        artist = chart.metadata.artist
        self.static = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        # the left ~third belongs to title and artist; the centre to the section name
        room = round(self.rect.w * 0.32)
        t = _fit(theme, title or chart.metadata.title, round(26 * scale), theme.text, room, bold=True)
        self.static.blit(t, (0, round(4 * scale)))
        left = room - t.get_width() - round(12 * scale)
        if artist and left > 40 * scale:
            a = _fit(theme, artist, round(17 * scale), theme.text_dim, left)
            self.static.blit(a, (t.get_width() + round(12 * scale), round(4 * scale) + t.get_height()
                                 - a.get_height() - 1))
        room = round(self.rect.w * 0.34)
        self.section_labels = [_fit(theme, n.upper(), round(22 * scale), theme.accent, room, bold=True)
                               for n in self.section_names]
        # progress track with a tick at every section start
        bar = self.progress.move(-self.rect.x, -self.rect.y)
        pygame.draw.rect(self.static, (*theme.panel, 255), bar, border_radius=bar.h // 2)
        for st in self.section_times:
            x = bar.x + round(bar.w * min(1.0, max(0.0, st / self.end_time)))
            tick = (x, bar.y - round(3 * scale), 1, bar.h + round(6 * scale))
            self.static.fill((*theme.text_dim, 255), tick)

    def bake(self, surface: pygame.Surface) -> None:
        surface.blit(self.static, self.rect)

    def section_at(self, song_time: float) -> str:
        i = bisect.bisect_right(self.section_times, song_time) - 1
        return self.section_names[i] if i >= 0 else ""

    def draw(self, surface: pygame.Surface, song_time: float) -> None:
        th, s = self.theme, self.s
        frac = min(1.0, max(0.0, song_time / self.end_time))
        if frac > 0:
            bar = self.progress
            fill = pygame.Rect(bar.x, bar.y, max(bar.h, round(bar.w * frac)), bar.h)
            pygame.draw.rect(surface, th.accent, fill, border_radius=bar.h // 2)
        i = bisect.bisect_right(self.section_times, song_time) - 1
        if i >= 0:
            lab = self.section_labels[i]
            surface.blit(lab, lab.get_rect(midtop=(self.rect.centerx, self.rect.y + round(6 * s))))
        clock = th.label(f"{_mmss(song_time)} / {_mmss(self.end_time)}", round(20 * s), th.text_dim)
        surface.blit(clock, clock.get_rect(topright=(self.rect.right, self.rect.y + round(8 * s))))


def _fit(theme: Theme, text: str, size: int, color: RGB, width: int, bold: bool = False) -> pygame.Surface:
    """A label cut with an ellipsis to fit `width` pixels (long titles must not collide)."""
    lab = theme.label(text, size, color, bold)
    while lab.get_width() > width and len(text) > 1:
        text = text[:-1].rstrip()
        lab = theme.label(text + "...", size, color, bold)
    return lab


def _mmss(t: float) -> str:
    t = max(0.0, t)
    return f"{int(t // 60)}:{int(t % 60):02d}"


class CountIn:
    """'4, 3, 2, 1' over the highways while the song clock is still negative.

    The beats are counted back from time 0 at the opening tempo, so the numbers land on
    the backing's clicks; earlier than the count, a calm 'Get ready'.
    """

    def __init__(self, theme: Theme, tempo: TempoMap, beats: int, scale: float):
        self.theme = theme
        self.beat_s = tempo.seconds(tempo.beat_ticks(0))
        self.beats = max(1, beats)
        self.s = scale

    def label_at(self, song_time: float) -> str:
        if song_time >= 0:
            return ""
        n = math.ceil(-song_time / self.beat_s - 1e-9)
        return str(n) if n <= self.beats else "Get ready"

    def draw(self, surface: pygame.Surface, centers: list[tuple[int, int]], song_time: float) -> None:
        text = self.label_at(song_time)
        if not text:
            return
        size = round((120 if text.isdigit() else 44) * self.s)
        phase = (-song_time / self.beat_s) % 1.0  # 1 right after the beat, falling to 0
        lab = self.theme.label(text, size, self.theme.accent, bold=True)
        lab.set_alpha(round(120 + 135 * phase) if text.isdigit() else 230)
        for c in centers:
            surface.blit(lab, lab.get_rect(center=c))
        lab.set_alpha(None)
