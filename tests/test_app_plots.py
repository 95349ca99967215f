"""Results plots: they draw what the data says (pixels checked, not just "no crash")."""

from __future__ import annotations

import pygame
import pytest

from duet_drums.app import plots
from duet_drums.app.theme import Theme
from duet_drums.core.result import SectionSync
from duet_drums.core.rules import rules_for


@pytest.fixture
def surface() -> pygame.Surface:
    pygame.font.init()
    return pygame.Surface((400, 200))


def _count(surface: pygame.Surface, rect: pygame.Rect, color: tuple[int, int, int]) -> int:
    return sum(1 for x in range(rect.left, rect.right) for y in range(rect.top, rect.bottom)
               if surface.get_at((x, y))[:3] == color)


def test_rolling_sync_is_a_windowed_mean() -> None:
    assert plots.rolling_sync([1, 0, 1, 1], window=2) == [100.0, 50.0, 50.0, 100.0]
    assert plots.rolling_sync([]) == []


def test_histogram_puts_early_hits_left_and_colours_by_window(surface: pygame.Surface) -> None:
    theme, rules = Theme(), rules_for("standard")
    rect = pygame.Rect(0, 0, 400, 200)
    plots.error_histogram(surface, theme, rect, [-100.0] * 5 + [-60.0] * 3, rules)
    left, right = pygame.Rect(0, 30, 200, 150), pygame.Rect(200, 30, 200, 150)
    miss, good = theme.judgement_color("miss"), theme.judgement_color("good")
    assert _count(surface, left, miss) > 0 and _count(surface, left, good) > 0
    assert _count(surface, right, miss) == 0 and _count(surface, right, good) == 0


def test_error_over_song_places_misses_along_the_bottom(surface: pygame.Surface) -> None:
    theme, rules = Theme(), rules_for("standard")
    plots.error_over_song(surface, theme, pygame.Rect(0, 0, 400, 200),
                          [(1.0, None, "miss"), (5.0, 0.0, "perfect")], 10.0, rules)
    miss = theme.judgement_color("miss")
    assert _count(surface, pygame.Rect(0, 150, 100, 40), miss) > 0
    assert _count(surface, pygame.Rect(150, 60, 100, 60), theme.judgement_color("perfect")) > 0


def test_section_bars_mark_the_weakest(surface: pygame.Surface) -> None:
    theme = Theme()
    sections = [SectionSync(name="Verse", tick=0, t=0.0, sync_percent=95.0, mean_asynchrony_ms=2.0,
                            unisons=8),
                SectionSync(name="Chorus", tick=960, t=2.0, sync_percent=40.0, mean_asynchrony_ms=20.0,
                            unisons=8)]
    plots.section_bars(surface, theme, pygame.Rect(0, 0, 400, 200), sections, "Chorus")
    assert _count(surface, pygame.Rect(0, 0, 400, 200), theme.bad) > 0  # the weak bar
    assert _count(surface, pygame.Rect(0, 0, 400, 200), theme.good) > 0  # the fine one
    surface.fill((0, 0, 0))
    plots.section_bars(surface, theme, pygame.Rect(0, 0, 400, 200), sections, None)
    assert _count(surface, pygame.Rect(0, 0, 400, 200), theme.bad) == 0
