"""The sync meter between the highways: how tightly the pair plays together.

Convention: the needle points to the player who is *ahead*. P1's highway is on the
left, so when P1 leads (plays earlier, negative asynchrony) the needle swings left;
when P2 leads it swings right; centred means together. The gauge sits at the height of
the hit lines, where both players are already looking; above it a trail of the recent
unisons scrolls upwards (newest at the gauge), so a drifting pair sees the drift.

All numbers come from the engine's `SyncState` (running asynchrony in ms, leader,
percent, duet bonus); the meter only scales them to pixels. The gauge's zones follow the
session's sync thresholds (full credit / no credit), so a stricter setting shows a
narrower green zone.

Under the percentage, the live coach (`core.coach_live.LiveReading`) adds what the
needle cannot say: who has *really* been ahead over the last unisons (only once it is
beyond noise) and whether the pair is rushing or dragging against the click together.
Both lines stay empty until their statistic is significant, so they never flicker on a
stray stroke.
"""

from __future__ import annotations

import math

import pygame

from duet_drums.app.theme import RGB, Theme
from duet_drums.app.widgets import fit
from duet_drums.core.coach_live import LEAD_WINDOW, LiveReading
from duet_drums.core.rules import Rules
from duet_drums.core.sync import SyncState

TRAIL = 14  # recent unisons shown above the gauge


class SyncMeter:
    def __init__(self, rect: pygame.Rect, theme: Theme, rules: Rules, scale: float, gauge_y: int,
                 bonus_y: int, player_colors: tuple[RGB, RGB], player_names: tuple[str, str]):
        self.rect = pygame.Rect(rect)
        self.theme = theme
        self.s = scale
        self.full_ms = rules.sync_full * 1000.0
        self.none_ms = rules.sync_none * 1000.0
        self.range_ms = self.none_ms * 1.5  # the gauge's half-width in ms
        self.colors = player_colors
        self.names = player_names
        pad = round(16 * scale)
        self.gauge = pygame.Rect(self.rect.x + pad, gauge_y - round(9 * scale), self.rect.w - 2 * pad,
                                 round(18 * scale))
        self.bonus_rect = pygame.Rect(self.rect.x + round(8 * scale), bonus_y,
                                      self.rect.w - round(16 * scale), round(52 * scale))
        self.static = self._render_static()
        self.bonus = self._render_bonus()
        self._dots = {c: self._dot(c) for c in ("good", "ok", "bad", "miss")}

    # -- geometry ------------------------------------------------------------------------------
    def x_of_ms(self, ms: float) -> int:
        """Gauge x for an asynchrony in ms (P1 minus P2; positive = P2 leads = right)."""
        f = max(-1.0, min(1.0, ms / self.range_ms))
        return round(self.gauge.centerx + f * (self.gauge.w / 2 - 2))

    # -- static layers ---------------------------------------------------------------------------
    def _render_static(self) -> pygame.Surface:
        th, s = self.theme, self.s
        surf = pygame.Surface(self.rect.size, pygame.SRCALPHA)
        local = surf.get_rect()
        pygame.draw.rect(surf, (*th.panel, 170), local, border_radius=round(12 * s))
        pygame.draw.rect(surf, (*th.panel_border, 255), local, width=1, border_radius=round(12 * s))
        head = th.label("SYNC", round(18 * s), th.text_dim, bold=True)
        surf.blit(head, head.get_rect(midtop=(local.centerx, round(10 * s))))
        g = self.gauge.move(-self.rect.x, -self.rect.y)
        # zones: red beyond "no credit", amber between, green inside "full credit"
        pygame.draw.rect(surf, (*th.bad, 150), g, border_radius=g.h // 2)
        for ms, color in ((self.none_ms, (230, 180, 60)), (self.full_ms, th.good)):
            x0, x1 = self.x_of_ms(-ms) - self.rect.x, self.x_of_ms(ms) - self.rect.x
            surf.fill((*color, 220), (x0, g.y + 2, max(2, x1 - x0), g.h - 4))
        pygame.draw.rect(surf, (*th.text, 255), g, width=1, border_radius=g.h // 2)
        surf.fill((*th.text, 255), (g.centerx, g.y - round(4 * s), 1, g.h + round(8 * s)))
        # which side is whose
        y = g.bottom + round(6 * s)
        for side, (name, color) in enumerate(zip(self.names, self.colors, strict=True)):
            lab = th.label(f"{name} ahead", round(15 * s), color, bold=True)
            rect = lab.get_rect(topleft=(g.x, y)) if side == 0 else lab.get_rect(topright=(g.right, y))
            surf.blit(lab, rect)
        # the trail's lane above the gauge
        trail_y = self._trail_top() - self.rect.y
        trail = pygame.Rect(g.x, trail_y, g.w, g.y - trail_y)
        trail_bg = pygame.Surface(trail.size, pygame.SRCALPHA)
        for y in range(trail.h):
            trail_bg.fill((255, 255, 255, round(14 * y / trail.h)), (0, y, trail.w, 1))
        surf.blit(trail_bg, trail)
        for ms in (-self.none_ms, -self.full_ms, self.full_ms, self.none_ms):
            x = self.x_of_ms(ms) - self.rect.x
            surf.fill((255, 255, 255, 28), (x, trail.y, 1, trail.h))
        surf.fill((255, 255, 255, 50), (g.centerx, trail.y, 1, trail.h))
        return surf

    def _trail_top(self) -> int:
        return self.rect.y + round(150 * self.s)

    def _dot(self, kind: str) -> pygame.Surface:
        th = self.theme
        color = {"good": th.good, "ok": (230, 180, 60), "bad": th.bad, "miss": (120, 120, 130)}[kind]
        r = max(3, round(5 * self.s))
        surf = pygame.Surface((2 * r + 2, 2 * r + 2), pygame.SRCALPHA)
        pygame.draw.circle(surf, (*color, 255), (r + 1, r + 1), r)
        if kind == "miss":
            surf.fill((0, 0, 0, 0))
            pygame.draw.line(surf, (*color, 255), (1, 1), (2 * r, 2 * r), 2)
            pygame.draw.line(surf, (*color, 255), (1, 2 * r), (2 * r, 1), 2)
        return surf

    def _render_bonus(self) -> pygame.Surface:
        th, s = self.theme, self.s
        glow = round(10 * s)
        w, h = self.bonus_rect.size
        surf = pygame.Surface((w + 2 * glow, h + 2 * glow), pygame.SRCALPHA)
        body = pygame.Rect(glow, glow, w, h)
        for k in range(glow, 0, -1):
            a = round(110 * (1 - k / (glow + 1)) ** 1.5)
            pygame.draw.rect(surf, (*th.accent, a), body.inflate(2 * k, 2 * k), border_radius=h // 2 + k)
        pygame.draw.rect(surf, (70, 52, 10, 255), body, border_radius=h // 2)
        pygame.draw.rect(surf, (*th.accent, 255), body, width=max(2, round(3 * s)), border_radius=h // 2)
        lab = th.font(round(24 * s), bold=True).render("DUET BONUS", True, th.accent)
        surf.blit(lab, lab.get_rect(center=body.center))
        return surf

    def bake(self, surface: pygame.Surface) -> None:
        """Draw the panel, gauge and labels into the play screen's static layer."""
        surface.blit(self.static, self.rect)

    # -- per frame -------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface, sync: SyncState, song_time: float) -> None:
        th, s = self.theme, self.s
        cx = self.rect.centerx
        pct = f"{sync.percent:.0f}%" if sync.unisons_judged else "--"
        big = th.label(pct, round(54 * s), th.text, bold=True)
        surface.blit(big, big.get_rect(midtop=(cx, self.rect.y + round(32 * s))))
        count = th.label(f"{sync.unisons_judged} / {sync.unisons_total} unisons", round(15 * s), th.text_dim)
        surface.blit(count, count.get_rect(midtop=(cx, self.rect.y + round(90 * s))))
        self._draw_trail(surface, sync)
        self._draw_needle(surface, sync)
        self._draw_leader(surface, sync)
        if sync.duet_active:
            pulse = 0.5 + 0.5 * math.sin(song_time * math.tau * 1.5)
            self.bonus.set_alpha(round(190 + 65 * pulse))
            surface.blit(self.bonus, self.bonus.get_rect(center=self.bonus_rect.center))
            self.bonus.set_alpha(None)

    def coach_lines(self, reading: LiveReading) -> list[tuple[str, RGB]]:
        """The live coach's lines (text, colour): the steady leader, then the tempo."""
        th = self.theme
        out: list[tuple[str, RGB]] = []
        if reading.leader and reading.lead_ms is not None:
            side = 1 if reading.lead_ms > 0 else 0
            out.append((f"{reading.leader} ahead lately ({abs(reading.lead_ms):.0f} ms)", self.colors[side]))
        elif reading.unisons >= LEAD_WINDOW:
            out.append(("nobody ahead lately", th.text_dim))
        if reading.tempo and reading.tempo_bpm is not None:
            out.append((f"{reading.tempo.upper()} {reading.tempo_bpm:+.0f} BPM vs click", (240, 170, 60)))
        return out

    def draw_coach(self, surface: pygame.Surface, reading: LiveReading) -> None:
        """The live coach's lines, between the percentage and the trail."""
        s = self.s
        size = round(15 * s)
        y = self.rect.y + round(110 * s)
        width = self.rect.w - round(12 * s)
        for line, color in self.coach_lines(reading):
            lab = self.theme.label(fit(self.theme, line, size, width), size, color, bold=True)
            surface.blit(lab, lab.get_rect(midtop=(self.rect.centerx, y)))
            y += round(18 * s)

    def _draw_trail(self, surface: pygame.Surface, sync: SyncState) -> None:
        recent = sync.asynchronies[-TRAIL:]
        if not recent:
            return
        top, bottom = self._trail_top() + round(6 * self.s), self.gauge.y - round(8 * self.s)
        step = (bottom - top) / max(1, TRAIL - 1)
        blits = []
        for age, a in enumerate(reversed(recent)):
            y = round(bottom - age * step)
            if a is None:
                kind, x = "miss", self.gauge.centerx
            else:
                ms = a * 1000.0
                kind = "good" if abs(ms) <= self.full_ms else "ok" if abs(ms) < self.none_ms else "bad"
                x = self.x_of_ms(ms)
            dot = self._dots[kind]
            blits.append((dot, dot.get_rect(center=(x, y))))
        surface.blits(blits, doreturn=False)

    def _draw_needle(self, surface: pygame.Surface, sync: SyncState) -> None:
        if sync.running_ms is None:
            return
        g, s = self.gauge, self.s
        x = self.x_of_ms(sync.running_ms)
        h = round(9 * s)
        color = self.theme.text
        top, bot = g.y, g.bottom
        pygame.draw.polygon(surface, color, [(x - h, top - h - 2), (x + h, top - h - 2), (x, top + 2)])
        pygame.draw.polygon(surface, color, [(x - h, bot + h + 2), (x + h, bot + h + 2), (x, bot - 2)])
        surface.fill(color, (x - 1, g.y, 3, g.h))

    def _draw_leader(self, surface: pygame.Surface, sync: SyncState) -> None:
        th, s = self.theme, self.s
        y = self.gauge.bottom + round(36 * s)
        if sync.running_ms is None:
            text, color = "waiting for a unison", th.text_dim
        elif sync.leader == "together":
            text, color = "TOGETHER", th.good
        else:
            leader = 0 if sync.running_ms < 0 else 1
            text = f"{self.names[leader]} leads by {abs(sync.running_ms):.0f} ms"
            color = self.colors[leader]
        lab = th.label(text, round(18 * s), color, bold=True)
        surface.blit(lab, lab.get_rect(midtop=(self.rect.centerx, y)))
