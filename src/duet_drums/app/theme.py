"""Colours and fonts shared by every screen.

One place for the look of the game so the menus, the play screen and the results screen
agree. Fonts come from pygame's bundled default font (``pygame.font.Font(None, size)``,
freesansbold) so the game renders the same on a machine with no system fonts at all;
text surfaces are expensive to create, so fonts are cached per (size, bold) and
:meth:`Theme.label` caches rendered strings that are drawn every frame.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import pygame

RGB = tuple[int, int, int]

# Judgement names in the engine's order (core.judge.JUDGEMENT_ORDER); kept here as plain
# strings so the theme does not import the engine.
JUDGEMENT_NAMES: tuple[str, ...] = ("perfect", "great", "good", "miss")

# Pixels the label cache may hold (a screen's labels are well under 1 MB).
TEXT_CACHE_BYTES = 4 * 2**20


def _pixel_bytes(surface: pygame.Surface) -> int:
    return surface.get_width() * surface.get_height() * surface.get_bytesize()


@dataclass
class Theme:
    """The palette and typography of the game.

    Colours are plain RGB tuples so they can be used with any pygame drawing call and
    tweaked in one place. ``judgement`` maps a judgement name (``"perfect"``, ...) to
    the colour of its popup and counters.
    """

    background: RGB = (12, 12, 20)
    background_top: RGB = (26, 22, 44)
    panel: RGB = (28, 30, 44)
    panel_border: RGB = (70, 74, 100)
    text: RGB = (235, 238, 245)
    text_dim: RGB = (150, 155, 175)
    accent: RGB = (255, 196, 60)
    accent2: RGB = (90, 200, 255)
    good: RGB = (90, 220, 120)
    bad: RGB = (240, 80, 80)
    highway: RGB = (22, 22, 32)
    highway_edge: RGB = (120, 125, 160)
    beat_line: RGB = (60, 62, 84)
    measure_line: RGB = (140, 142, 175)
    hit_line: RGB = (230, 230, 240)
    player_colors: tuple[RGB, RGB] = ((255, 120, 90), (90, 170, 255))
    judgement: dict[str, RGB] = field(default_factory=lambda: {
        "perfect": (255, 220, 70),
        "great": (90, 230, 130),
        "good": (90, 180, 255),
        "miss": (240, 70, 70),
    })
    font_path: str | None = None  # None = pygame's bundled default font

    def __post_init__(self) -> None:
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._texts: OrderedDict[tuple[str, int, bool, RGB], pygame.Surface] = OrderedDict()
        self._text_bytes = 0

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        """A cached font; creating a Font reads the TTF file, so never do it per frame."""
        key = (int(size), bool(bold))
        f = self._fonts.get(key)
        if f is None:
            if not pygame.font.get_init():
                pygame.font.init()
            f = pygame.font.Font(self.font_path, key[0])
            f.bold = key[1]
            self._fonts[key] = f
        return f

    def label(self, string: str, size: int, color: RGB | None = None, bold: bool = False) -> pygame.Surface:
        """A rendered, anti-aliased string, cached: for labels that repeat frame after frame.

        Scores and timers make an endless stream of distinct strings, so the cache keeps
        the most recently drawn ones up to `TEXT_CACHE_BYTES` of pixels. (It used to hold
        2,048 strings and then clear: up to 15 MB of surfaces, allocated and freed over
        and over, and the process grew by some 60 MB over half an hour of songs.)
        """
        rgb: RGB = self.text if color is None else color
        key = (string, int(size), bool(bold), rgb)
        texts = self._texts
        surf = texts.get(key)
        if surf is not None:
            texts.move_to_end(key)
            return surf
        surf = self.font(size, bold).render(string, True, rgb)
        texts[key] = surf
        self._text_bytes += _pixel_bytes(surf)
        while self._text_bytes > TEXT_CACHE_BYTES and len(texts) > 1:
            _, old = texts.popitem(last=False)
            self._text_bytes -= _pixel_bytes(old)
        return surf

    def judgement_color(self, name: str) -> RGB:
        """Colour of a judgement popup/counter; unknown names fall back to the text colour."""
        return self.judgement.get(name, self.text)


DEFAULT_THEME = Theme()
