"""Note gems: sprites built once per size, and the per-frame blit of the visible ones.

What a drummer needs to read at a glance is encoded in the gem, not in text:
- shape says what to strike: cymbals are flat diamonds with a bell, toms are rounded
  pads with a drum-head ring, the snare is a plain rounded pad, the kick is a bar
  across the whole highway (it is played with the foot, not a hand lane);
- dynamics: an accent has a white rim and a glow, a ghost is smaller and dimmed;
- state: an open note is drawn in its lane colour, a missed one greys out and keeps
  scrolling, a hit one disappears.

Per note, the sprite index and x position are computed once (numpy); per frame the
visible window is found with ``searchsorted`` on the note times and handed to a single
``Surface.blits`` call.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from duet_drums.app.highway import HighwayGeometry
from duet_drums.app.theme import RGB
from duet_drums.core.kit import Dynamic, dynamic_of, shape_of
from duet_drums.core.notes import NOT_JUDGED, NoteTrack
from duet_drums.core.rules import MISS_INDEX

MISSED_GREY: RGB = (105, 105, 118)


def _mix(a: RGB, b: RGB, f: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * f), round(a[1] + (b[1] - a[1]) * f),
            round(a[2] + (b[2] - a[2]) * f))


def _dark(c: RGB, f: float) -> RGB:
    return (round(c[0] * f), round(c[1] * f), round(c[2] * f))


@dataclass(frozen=True)
class SpriteKey:
    lane: int
    shape: str
    dynamic: Dynamic
    missed: bool


def render_gem(shape: str, color: RGB, dynamic: Dynamic, missed: bool,
               lane_w: float, kick_w: int, scale: float) -> pygame.Surface:
    """One note sprite, centred in its surface (glow margin included)."""
    if missed:
        color = MISSED_GREY
    glow = round(7 * scale) if dynamic is Dynamic.ACCENT and not missed else 0
    size_f = 0.66 if dynamic is Dynamic.GHOST else 1.0
    if shape == "kick":
        w = kick_w
        h = max(5, round((13 if dynamic is Dynamic.ACCENT else 10) * scale * (0.6 if size_f < 1 else 1)))
    else:
        w = max(8, round(lane_w * 0.84 * size_f))
        h = max(8, round(min(lane_w * 0.36, 26 * scale) * size_f))
        if shape == "cymbal":
            h = round(h * 1.3)
    surf = pygame.Surface((w + 2 * glow, h + 2 * glow), pygame.SRCALPHA)
    body = pygame.Rect(glow, glow, w, h)
    light = _mix(color, (255, 255, 255), 0.45)
    dark = _dark(color, 0.35)
    if glow:
        for k in range(glow, 0, -1):
            a = round(150 * (1 - k / (glow + 1)) ** 1.4)
            gr = body.inflate(2 * k, 2 * k)
            if shape == "cymbal":
                pygame.draw.polygon(surf, (*light, a), _diamond(gr))
            else:
                pygame.draw.rect(surf, (*light, a), gr, border_radius=min(gr.h // 2, gr.h))
    if shape == "kick":
        pygame.draw.rect(surf, (*dark, 255), body, border_radius=h // 2)
        pygame.draw.rect(surf, (*color, 255), body.inflate(-2, -2), border_radius=h // 2)
        pygame.draw.rect(surf, (*light, 255), (body.x + h // 2, body.y + 2, w - h, max(1, h // 4)))
    elif shape == "cymbal":
        pts = _diamond(body)
        pygame.draw.polygon(surf, (*dark, 255), pts)
        pygame.draw.polygon(surf, (*color, 255), _diamond(body.inflate(-4, -3)))
        pygame.draw.polygon(surf, (*light, 255), _diamond(body.inflate(-w * 0.55, -h * 0.45)))
        pygame.draw.circle(surf, (*_dark(color, 0.6), 255), body.center, max(2, h // 6))
    else:
        radius = h // 2 if shape == "tom" else max(3, h // 3)
        pygame.draw.rect(surf, (*dark, 255), body, border_radius=radius)
        pygame.draw.rect(surf, (*color, 255), body.inflate(-4, -4), border_radius=max(1, radius - 2))
        pygame.draw.rect(surf, (*light, 255), (body.x + radius, body.y + 3, w - 2 * radius, max(1, h // 5)),
                         border_radius=2)
        if shape == "tom":
            head = body.inflate(-w * 0.45, -h * 0.35)
            pygame.draw.ellipse(surf, (*dark, 255), head, width=max(1, round(2 * scale)))
    if dynamic is Dynamic.ACCENT and not missed:
        if shape == "cymbal":
            pygame.draw.polygon(surf, (255, 255, 255, 255), _diamond(body), width=max(2, round(2 * scale)))
        else:
            pygame.draw.rect(surf, (255, 255, 255, 255), body, width=max(2, round(2 * scale)),
                             border_radius=h // 2 if shape != "pad" else max(3, h // 3))
    if dynamic is Dynamic.GHOST:
        _scale_alpha(surf, 0.6)
    if missed:
        _scale_alpha(surf, 0.65)
    return surf


def _scale_alpha(surf: pygame.Surface, factor: float) -> None:
    """Fade a per-pixel-alpha sprite in place (a surface alpha would be lost on re-blit)."""
    alpha = pygame.surfarray.pixels_alpha(surf)
    alpha[:] = (alpha * factor).astype(alpha.dtype)
    del alpha  # release the surface lock


def _diamond(r: pygame.Rect) -> list[tuple[float, float]]:
    return [(r.left, r.centery), (r.centerx, r.top), (r.right - 1, r.centery), (r.centerx, r.bottom - 1)]


class NoteLayer:
    """The notes of one track on one highway geometry."""

    def __init__(self, track: NoteTrack, geo: HighwayGeometry):
        self.track = track
        self.geo = geo
        layout = track.layout
        keys: dict[SpriteKey, int] = {}
        self.sprites: list[pygame.Surface] = []

        def sprite_index(key: SpriteKey) -> int:
            idx = keys.get(key)
            if idx is None:
                lane = layout.lanes[key.lane]
                idx = len(self.sprites)
                keys[key] = idx
                self.sprites.append(render_gem(key.shape, lane.color, key.dynamic, key.missed,
                                               geo.lane_w, geo.inner.w, geo.scale))
            return idx

        n = len(track.times)
        base = np.zeros(n, dtype=np.intp)
        missed = np.zeros(n, dtype=np.intp)
        xs = np.zeros(n, dtype=np.int32)
        for i in range(n):
            lane = int(track.lanes[i])
            shape = "kick" if layout.lanes[lane].is_kick else shape_of(track.pieces[i])
            vel = int(track.velocities[i])
            dyn = dynamic_of(vel or None)
            base[i] = sprite_index(SpriteKey(lane, shape, dyn, False))
            missed[i] = sprite_index(SpriteKey(lane, shape, dyn, True))
            xs[i] = geo.lane_center_x(lane)
        self.base_sprite = base
        self.missed_sprite = missed
        self.half_w = np.array([s.get_width() // 2 for s in self.sprites], dtype=np.int32)
        self.half_h = np.array([s.get_height() // 2 for s in self.sprites], dtype=np.int32)
        self.x_center = xs
        # Kicks first so hand gems are drawn over the bar they share a row with.
        self.is_kick = np.array([layout.lanes[int(k)].is_kick for k in track.lanes], dtype=bool)

    def visible_range(self, song_time: float) -> tuple[int, int]:
        g = self.geo
        margin = 0.05
        lo = int(np.searchsorted(self.track.times, song_time - g.behind_s - margin))
        hi = int(np.searchsorted(self.track.times, song_time + g.ahead_s + margin, side="right"))
        return lo, hi

    def draw(self, surface: pygame.Surface, song_time: float) -> int:
        """Blit open and missed notes in view; returns how many were drawn."""
        lo, hi = self.visible_range(song_time)
        if hi <= lo:
            return 0
        j = self.track.judgement[lo:hi]
        keep = (j == NOT_JUDGED) | (j == MISS_INDEX)
        if not keep.any():
            return 0
        sel: npt.NDArray[np.intp] = np.flatnonzero(keep) + lo
        is_missed = self.track.judgement[sel] == MISS_INDEX
        spr = np.where(is_missed, self.missed_sprite[sel], self.base_sprite[sel])
        ys = self.geo.ys_of(self.track.times[sel], song_time).astype(np.int32) - self.half_h[spr]
        xs = self.x_center[sel] - self.half_w[spr]
        # far notes first, kicks before hand notes at the same time
        order = np.lexsort((-sel, ~self.is_kick[sel]))
        sprites = self.sprites
        surface.blits(
            [(sprites[k], (x, y)) for k, x, y in zip(spr[order].tolist(), xs[order].tolist(),
                                                     ys[order].tolist(), strict=True)],
            doreturn=False,
        )
        return len(sel)


def unison_times(a: NoteTrack, b: NoteTrack) -> npt.NDArray[np.float64]:
    """Chart times both players share (any piece): what the sync score is measured on."""
    common = np.intersect1d(a.ticks, b.ticks)
    idx = np.searchsorted(a.ticks, common)
    out: npt.NDArray[np.float64] = a.times[idx]
    return out
