"""One player's highway: geometry, the pre-rendered background, beat lines and pads.

The highway is flat (a straight scroll reads timing most honestly and costs nothing per
frame) with a gradient that darkens towards the far end to suggest depth. Everything
that does not move is rendered once per size into ``background``; per frame only the
beat lines, the lit pads and a fade at the far edge are drawn.

Time maps to height linearly: a note ``dt`` seconds in the future sits ``dt * pps``
pixels above the hit line, where ``pps`` follows from the note speed (1.0 shows
``LOOKAHEAD_S`` seconds between the far edge and the hit line).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pygame

from duet_drums.app.theme import RGB, Theme
from duet_drums.core.kit import Layout

LOOKAHEAD_S = 1.6  # seconds of notes above the hit line at note speed 1.0
PAD_LIGHT_S = 0.12  # how long a struck pad stays lit


def _mix(a: RGB, b: RGB, f: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * f), round(a[1] + (b[1] - a[1]) * f),
            round(a[2] + (b[2] - a[2]) * f))


def _scaled(c: RGB, f: float) -> RGB:
    return (min(255, round(c[0] * f)), min(255, round(c[1] * f)), min(255, round(c[2] * f)))


class HighwayGeometry:
    """Pixel positions of lanes and times for one highway rectangle."""

    def __init__(self, rect: pygame.Rect, layout: Layout, *, note_speed: float, lefty: bool, scale: float):
        self.rect = pygame.Rect(rect)
        self.layout = layout
        self.scale = scale
        self.rail = max(3, round(5 * scale))
        self.inner = self.rect.inflate(-2 * self.rail, 0)
        pads = [i for i, lane in enumerate(layout.lanes) if not lane.is_kick]
        self.n_cols = max(1, len(pads))
        self.lane_w = self.inner.w / self.n_cols
        # column of each lane index (-1 for a kick lane: it spans the whole highway)
        self.column: list[int] = [-1] * len(layout.lanes)
        for col, lane_index in enumerate(pads):
            self.column[lane_index] = self.n_cols - 1 - col if lefty else col
        # A fixed distance from the bottom, not one that depends on the lane count: both
        # players' hit lines (and so their unison notes) must line up across the screen.
        self.hit_y = self.rect.bottom - round(72 * scale)
        self.pps = (self.hit_y - self.rect.top) / (LOOKAHEAD_S / note_speed)
        self.ahead_s = (self.hit_y - self.rect.top) / self.pps
        self.behind_s = (self.rect.bottom - self.hit_y) / self.pps

    def lane_center_x(self, lane: int) -> int:
        col = self.column[lane]
        if col < 0:
            return self.inner.centerx
        return round(self.inner.x + (col + 0.5) * self.lane_w)

    def lane_rect(self, lane: int) -> pygame.Rect:
        """The full-height column of a pad lane (the whole inner highway for a kick)."""
        col = self.column[lane]
        if col < 0:
            return pygame.Rect(self.inner)
        x0 = round(self.inner.x + col * self.lane_w)
        x1 = round(self.inner.x + (col + 1) * self.lane_w)
        return pygame.Rect(x0, self.rect.y, x1 - x0, self.rect.h)

    def y_of(self, note_time: float, song_time: float) -> float:
        return self.hit_y - (note_time - song_time) * self.pps

    def ys_of(self, note_times: npt.NDArray[np.float64], song_time: float) -> npt.NDArray[np.float64]:
        out: npt.NDArray[np.float64] = self.hit_y - (note_times - song_time) * self.pps
        return out


class HighwayView:
    """Draws the parts of a highway that are not notes."""

    def __init__(self, geo: HighwayGeometry, theme: Theme, player_color: RGB):
        self.geo = geo
        self.theme = theme
        self.player_color = player_color
        self.background = self._render_background()
        self._fade = self._render_far_fade()
        self._pads_lit = [self._render_pad(i, lit=True) for i in range(len(geo.layout.lanes))]

    # -- static layers -------------------------------------------------------------------
    def _render_background(self) -> pygame.Surface:
        g, th = self.geo, self.theme
        r = g.rect
        surf = pygame.Surface(r.size, pygame.SRCALPHA)
        far, near = _scaled(th.highway, 0.55), _mix(th.highway, (60, 60, 80), 0.35)
        for y in range(r.h):
            f = min(1.0, y / max(1, g.hit_y - r.y))
            surf.fill((*_mix(far, near, f ** 1.5), 245), (0, y, r.w, 1))
        # alternate lane shading and lane-colour tint near the hit line
        tint_h = round(110 * g.scale)
        for lane_index, lane in enumerate(g.layout.lanes):
            if lane.is_kick:
                continue
            lr = g.lane_rect(lane_index).move(-r.x, -r.y)
            if g.column[lane_index] % 2:
                shade = pygame.Surface(lr.size, pygame.SRCALPHA)
                shade.fill((255, 255, 255, 7))
                surf.blit(shade, lr)
            for k in range(tint_h):
                a = round(38 * (k / tint_h) ** 2)
                y = g.hit_y - r.y - tint_h + k
                line = pygame.Surface((lr.w, 1), pygame.SRCALPHA)
                line.fill((*lane.color, a))
                surf.blit(line, (lr.x, y))
        # lane separators
        sep = _mix(th.highway, th.highway_edge, 0.35)
        for col in range(1, g.n_cols):
            x = round(g.inner.x - r.x + col * g.lane_w)
            surf.fill((*sep, 200), (x, 0, 1, r.h))
        # rails in the player's colour, brighter near the hit line
        for y in range(r.h):
            f = min(1.0, y / max(1, g.hit_y - r.y))
            c = _mix(_scaled(self.player_color, 0.35), self.player_color, f)
            surf.fill((*c, 255), (0, y, g.rail - 1, 1))
            surf.fill((*c, 255), (r.w - g.rail + 1, y, g.rail - 1, 1))
        # hit line and the unlit target pads
        hy = g.hit_y - r.y
        kick = next((lane for lane in g.layout.lanes if lane.is_kick), None)
        kick_c = kick.color if kick else th.hit_line
        surf.fill((*_scaled(kick_c, 0.55), 255), (g.rail, hy - 2, r.w - 2 * g.rail, 5))
        surf.fill((*th.hit_line, 255), (g.rail, hy, r.w - 2 * g.rail, 1))
        for lane_index in range(len(g.layout.lanes)):
            if g.column[lane_index] >= 0:
                pad = self._render_pad(lane_index, lit=False)
                cx = g.lane_center_x(lane_index) - r.x
                surf.blit(pad, pad.get_rect(center=(cx, hy)))
        # below the hit line: darker "drum riser"
        below = pygame.Surface((r.w - 2 * g.rail, r.bottom - g.hit_y - round(18 * g.scale)), pygame.SRCALPHA)
        below.fill((0, 0, 0, 70))
        surf.blit(below, (g.rail, hy + round(18 * g.scale)))
        return surf

    def _pad_size(self) -> tuple[int, int]:
        g = self.geo
        return round(g.lane_w * 0.86), max(12, round(min(g.lane_w * 0.42, 30 * g.scale)))

    def _render_pad(self, lane_index: int, *, lit: bool) -> pygame.Surface:
        g = self.geo
        color = g.layout.lanes[lane_index].color
        if g.column[lane_index] < 0:  # kick: a glow along the hit line
            w, h = g.inner.w, round(16 * g.scale)
            surf = pygame.Surface((w, h), pygame.SRCALPHA)
            for k in range(h):
                a = round(230 * (1 - abs(k - h / 2) / (h / 2)) ** 1.5)
                surf.fill((*_mix(color, (255, 255, 255), 0.3), a), (0, k, w, 1))
            return surf
        w, h = self._pad_size()
        pad = round(6 * g.scale) if lit else 0
        surf = pygame.Surface((w + 2 * pad, h + 2 * pad), pygame.SRCALPHA)
        body = pygame.Rect(pad, pad, w, h)
        radius = h // 2
        if lit:
            for k in range(pad, 0, -1):
                a = round(90 * (1 - k / (pad + 1)))
                pygame.draw.rect(surf, (*color, a), body.inflate(2 * k, 2 * k), border_radius=radius + k)
            pygame.draw.rect(surf, (*_mix(color, (255, 255, 255), 0.55), 255), body, border_radius=radius)
            pygame.draw.rect(surf, (255, 255, 255, 255), body, width=2, border_radius=radius)
        else:
            pygame.draw.rect(surf, (*_scaled(color, 0.22), 235), body, border_radius=radius)
            pygame.draw.rect(surf, (*_scaled(color, 0.85), 255), body, width=max(2, round(2 * g.scale)),
                             border_radius=radius)
        return surf

    def _render_far_fade(self) -> pygame.Surface:
        """Notes fade in at the far edge instead of popping out of nothing."""
        g = self.geo
        h = round(60 * g.scale)
        surf = pygame.Surface((g.rect.w - 2 * g.rail, h), pygame.SRCALPHA)
        far = _scaled(self.theme.highway, 0.55)
        for y in range(h):
            surf.fill((*far, round(255 * (1 - y / h) ** 1.6)), (0, y, surf.get_width(), 1))
        return surf

    # -- per frame -------------------------------------------------------------------------
    def draw_background(self, surface: pygame.Surface) -> None:
        surface.blit(self.background, self.geo.rect)

    def draw_grid(self, surface: pygame.Surface, grid_times: npt.NDArray[np.float64],
                  grid_measure: npt.NDArray[np.bool_], song_time: float) -> None:
        """Beat lines (thin) and measure lines (brighter, thicker) in the visible window."""
        g = self.geo
        lo = int(np.searchsorted(grid_times, song_time - g.behind_s))
        hi = int(np.searchsorted(grid_times, song_time + g.ahead_s, side="right"))
        if hi <= lo:
            return
        ys = g.ys_of(grid_times[lo:hi], song_time)
        x, w = g.inner.x, g.inner.w
        beat_c, meas_c = self.theme.beat_line, self.theme.measure_line
        for y, is_measure in zip(ys.tolist(), grid_measure[lo:hi].tolist(), strict=True):
            if is_measure:
                surface.fill(meas_c, (x, round(y) - 1, w, 3))
            else:
                surface.fill(beat_c, (x, round(y), w, 1))

    def draw_far_fade(self, surface: pygame.Surface) -> None:
        g = self.geo
        surface.blit(self._fade, (g.rect.x + g.rail, g.rect.y))

    def draw_pad_lights(self, surface: pygame.Surface, last_hit: list[float], song_time: float) -> None:
        """Light each pad struck within the last PAD_LIGHT_S (alpha fades out)."""
        g = self.geo
        for lane_index, t_hit in enumerate(last_hit):
            age = song_time - t_hit
            if not 0 <= age < PAD_LIGHT_S:
                continue
            sprite = self._pads_lit[lane_index]
            sprite.set_alpha(round(255 * (1 - age / PAD_LIGHT_S)))
            surface.blit(sprite, sprite.get_rect(center=(g.lane_center_x(lane_index), g.hit_y)))
