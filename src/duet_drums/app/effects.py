"""Short-lived feedback on a highway: hit flashes, judgement pop-ups, overhit marks.

The engine's events say *what* happened; this module only remembers *when* so it can
animate it for a fraction of a second. All sprites (glow frames per lane, pop-up text
per judgement) are rendered once per size; animating is choosing a frame and an alpha.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from duet_drums.app.highway import HighwayGeometry
from duet_drums.app.theme import RGB, Theme

FLASH_S = 0.22
POPUP_S = 0.55
FLASH_FRAMES = 8
OVERHIT_COLOR: RGB = (255, 60, 60)


@dataclass
class _Flash:
    lane: int
    t0: float
    overhit: bool


@dataclass
class _Popup:
    text: str
    sub: str
    t0: float


def _glow_frames(w: int, h: int, beam_h: int, color: RGB, *, cross: bool = False) -> list[pygame.Surface]:
    """A burst at the pad: a beam of lane colour rising from the hit line plus a bright
    ring that widens and fades. Anchored by its bottom centre just below the hit line.
    With `cross` (an overhit) the ring stays in the colour and a cross is struck through."""
    frames = []
    light = color if cross else tuple(round(v + (255 - v) * 0.6) for v in color)
    for f in range(FLASH_FRAMES):
        p = f / (FLASH_FRAMES - 1)
        fade = (1 - p) ** 1.2
        surf = pygame.Surface((round(w * 1.25), beam_h + h), pygame.SRCALPHA)
        cx = surf.get_width() // 2
        bw = round(w * (0.9 - 0.3 * p))
        top = round(beam_h * 0.35 * p)
        for y in range(top, beam_h + h // 2):
            q = (y - top) / max(1, beam_h + h // 2 - top)
            a = round(150 * fade * q ** 1.8)
            surf.fill((*color, a), (cx - bw // 2, y, bw, 1))
        ring = pygame.Rect(0, 0, round(w * (0.8 + 0.45 * p)), round(h * (0.8 + 0.6 * p)))
        ring.center = (cx, beam_h + h // 2)
        pygame.draw.ellipse(surf, (*light, round(230 * fade)), ring, width=max(2, h // 8))
        core = ring.inflate(-ring.w // 3, -ring.h // 3)
        if cross:
            a = round(255 * fade)
            lw = max(3, h // 6)
            pygame.draw.line(surf, (*color, a), core.topleft, core.bottomright, lw)
            pygame.draw.line(surf, (*color, a), core.bottomleft, core.topright, lw)
        else:
            pygame.draw.ellipse(surf, (255, 255, 255, round(120 * fade * (1 - p))), core)
        frames.append(surf)
    return frames


class HighwayEffects:
    """Animated feedback for one player's highway."""

    def __init__(self, geo: HighwayGeometry, theme: Theme):
        self.geo = geo
        self.theme = theme
        self.flashes: list[_Flash] = []
        self.popup: _Popup | None = None
        s = geo.scale
        self._hit_frames: list[list[pygame.Surface]] = []
        self._over_frames: list[list[pygame.Surface]] = []
        self._ring_h: list[int] = []
        for lane_index, lane in enumerate(geo.layout.lanes):
            kick = geo.column[lane_index] < 0
            if kick:
                w, h, beam = round(geo.inner.w * 0.8), round(22 * s), round(30 * s)
            else:
                w, h, beam = round(geo.lane_w * 0.9), round(min(geo.lane_w * 0.5, 34 * s)), round(90 * s)
            self._ring_h.append(h)
            self._hit_frames.append(_glow_frames(w, h, beam, lane.color))
            self._over_frames.append(_glow_frames(w, h, round(beam * 0.4), OVERHIT_COLOR, cross=True))
        self._popup_cache: dict[tuple[str, int], pygame.Surface] = {}
        self._popup_size = round(30 * s)
        self._sub_size = round(17 * s)

    # -- events --------------------------------------------------------------------------------
    def note_hit(self, lane: int, judgement: str, error: float | None, song_time: float) -> None:
        if judgement != "miss":
            self.flashes.append(_Flash(lane, song_time, False))
        sub = ""
        if error is not None and judgement in ("great", "good"):
            sub = "early" if error < 0 else "late"
        self.popup = _Popup(judgement, sub, song_time)

    def overhit(self, lane: int, song_time: float) -> None:
        self.flashes.append(_Flash(lane, song_time, True))
        self.popup = _Popup("overhit", "", song_time)

    # -- drawing -------------------------------------------------------------------------------
    def _label(self, text: str, size: int, color: RGB) -> pygame.Surface:
        """Text with a dark outline so it reads over bright gems; cached per string."""
        key = (text, size)
        surf = self._popup_cache.get(key)
        if surf is None:
            font = self.theme.font(size, bold=True)
            fg = font.render(text, True, color)
            sh = font.render(text, True, (0, 0, 0))
            o = max(1, size // 14)
            surf = pygame.Surface((fg.get_width() + 2 * o, fg.get_height() + 2 * o), pygame.SRCALPHA)
            for dx in (-o, 0, o):
                for dy in (-o, 0, o):
                    surf.blit(sh, (o + dx, o + dy))
            surf.blit(fg, (o, o))
            self._popup_cache[key] = surf
        return surf

    def draw(self, surface: pygame.Surface, song_time: float) -> None:
        g = self.geo
        self.flashes = [f for f in self.flashes if 0 <= song_time - f.t0 < FLASH_S]
        for f in self.flashes:
            frames = (self._over_frames if f.overhit else self._hit_frames)[f.lane]
            k = min(FLASH_FRAMES - 1, int((song_time - f.t0) / FLASH_S * FLASH_FRAMES))
            img = frames[k]
            rect = img.get_rect(centerx=g.lane_center_x(f.lane))
            rect.bottom = g.hit_y + self._ring_h[f.lane] // 2  # ring centred on the hit line
            surface.blit(img, rect)
        p = self.popup
        if p is None:
            return
        age = song_time - p.t0
        if not 0 <= age < POPUP_S:
            if age >= POPUP_S:
                self.popup = None
            return
        th = self.theme
        color = OVERHIT_COLOR if p.text == "overhit" else th.judgement_color(p.text)
        size = round(self._popup_size * (0.6 if p.text == "overhit" else 1.0))
        # pop in slightly larger, then settle and fade while rising
        main = self._label(p.text.upper(), size, color)
        alpha = 255 if age < POPUP_S * 0.5 else round(255 * (1 - (age - POPUP_S * 0.5) / (POPUP_S * 0.5)))
        rise = round(14 * g.scale * age / POPUP_S)
        cy = g.hit_y - round(110 * g.scale) - rise
        main.set_alpha(alpha)
        surface.blit(main, main.get_rect(center=(g.inner.centerx, cy)))
        main.set_alpha(None)
        if p.sub:
            sub = self._label(p.sub, self._sub_size, th.text)
            sub.set_alpha(alpha)
            surface.blit(sub, sub.get_rect(midtop=(g.inner.centerx, cy + main.get_height() // 2)))
            sub.set_alpha(None)
