"""A progress bar, and the line that says what the library scan is doing.

Shared by song select (a thin bar above the list while a scan runs), the song folders
page and the loading screen, so the three read the same.
"""

from __future__ import annotations

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.theme import Theme
from duet_drums.library import ScanProgress


def progress_bar(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, fraction: float | None,
                 label: str = "", size: int = 18, busy_phase: float = 0.0) -> None:
    """A filled bar; `fraction` None is "busy, amount unknown": a block that moves with
    `busy_phase` (the scene's own seconds, so stepped runs draw the same frames)."""
    pygame.draw.rect(surface, theme.panel, rect, border_radius=4)
    inner = rect.inflate(-4, -4)
    if fraction is None:
        width = max(8, inner.width // 6)
        x = inner.left + int(busy_phase * 250) % max(1, inner.width - width)
        pygame.draw.rect(surface, theme.accent2, (x, inner.top, width, inner.height), border_radius=3)
    else:
        filled = int(inner.width * max(0.0, min(1.0, fraction)))
        if filled:
            pygame.draw.rect(surface, theme.accent2, (inner.left, inner.top, filled, inner.height),
                             border_radius=3)
    pygame.draw.rect(surface, theme.panel_border, rect, width=1, border_radius=4)
    if label:
        shown = w.fit(theme, label, size, rect.width - 16)
        w.text(surface, theme, shown, (rect.left + 8, rect.centery), size, theme.text, anchor="midleft")


def scan_text(progress: ScanProgress | None) -> tuple[str, float | None]:
    """The scan's state in words, and the fraction done (None while folders are listed)."""
    if progress is None or progress.phase == "listing":
        return "Scanning song folders: looking for songs...", None
    if progress.total == 0:
        return "Scanning song folders...", None
    return (f"Scanning song folders: {progress.done:,} of {progress.total:,} read",
            progress.done / progress.total)
