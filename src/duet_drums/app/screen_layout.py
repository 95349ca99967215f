"""Where each part of the play screen goes, as a pure function of the window size.

Kept apart from drawing so the geometry can be checked without rendering (nothing
overlaps, everything is inside the window) at any resolution, and so a resize is just
"compute the rectangles again and rebuild the cached layers".

Arrangement (16:9 reference 1280x720, everything scales with the smaller axis):

    +------------------------------------------------------------+
    | title                 section                     time      |  top bar
    | ============================ progress ==================== |
    |        +----------+  +--------+  +----------+               |
    |        | highway  |  |  sync  |  | highway  |               |
    |        |   P1     |  | meter  |  |   P2     |               |
    |        +----------+  |        |  +----------+               |
    |        |  HUD P1  |  |        |  |  HUD P2  |               |
    +------------------------------------------------------------+

The highways hug the sync meter so both players' hit lines and the unison marks sit
close together, where a glance takes in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame


@dataclass(frozen=True)
class PlayLayout:
    size: tuple[int, int]
    scale: float
    top_bar: pygame.Rect
    progress: pygame.Rect
    highways: tuple[pygame.Rect, pygame.Rect]
    huds: tuple[pygame.Rect, pygame.Rect]
    sync_meter: pygame.Rect

    def all_rects(self) -> dict[str, pygame.Rect]:
        return {
            "top_bar": self.top_bar, "progress": self.progress,
            "highway1": self.highways[0], "highway2": self.highways[1],
            "hud1": self.huds[0], "hud2": self.huds[1], "sync_meter": self.sync_meter,
        }


def compute_layout(size: tuple[int, int]) -> PlayLayout:
    w, h = int(size[0]), int(size[1])
    s = max(0.5, min(w / 1280, h / 720))
    margin = round(14 * s)
    gap = round(12 * s)
    top_h = round(58 * s)
    top_bar = pygame.Rect(margin, margin // 2, w - 2 * margin, top_h)
    prog_h = max(4, round(6 * s))
    progress = pygame.Rect(top_bar.x, top_bar.bottom - prog_h - round(4 * s), top_bar.w, prog_h)

    body_top = top_bar.bottom + gap
    hud_h = round(78 * s)
    body_bottom = h - margin
    hud_top = body_bottom - hud_h
    hw_bottom = hud_top - round(6 * s)

    center_w = round(230 * s)
    hw_w = min(round(430 * s), (w - 2 * margin - center_w - 2 * gap) // 2)
    center_x = (w - center_w) // 2
    sync_meter = pygame.Rect(center_x, body_top, center_w, body_bottom - body_top)
    left = pygame.Rect(center_x - gap - hw_w, body_top, hw_w, hw_bottom - body_top)
    right = pygame.Rect(sync_meter.right + gap, body_top, hw_w, hw_bottom - body_top)
    hud_l = pygame.Rect(left.x, hud_top, hw_w, hud_h)
    hud_r = pygame.Rect(right.x, hud_top, hw_w, hud_h)
    return PlayLayout((w, h), s, top_bar, progress, (left, right), (hud_l, hud_r), sync_meter)
