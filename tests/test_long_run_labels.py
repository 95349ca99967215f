"""The label cache over a long session: bounded in pixels, and what is drawn every frame stays.

Scores and timers make a new string every few frames for as long as the game runs; the
cache of rendered labels must neither grow with them nor lose the labels a screen draws
each frame (re-rendering those would cost every frame).
"""

from __future__ import annotations

import pygame

from duet_drums.app.theme import TEXT_CACHE_BYTES, Theme


def test_a_session_of_scores_stays_within_the_budget_and_keeps_the_steady_labels() -> None:
    pygame.font.init()
    theme = Theme()
    title = theme.label("DUET DRUMS", 96, bold=True)
    for frame in range(20_000):  # a score, a timer and the title, frame after frame
        theme.label(f"{frame * 37:,}", 34, bold=True)
        theme.label(f"{frame // 60}:{frame % 60:02d}", 20)
        assert theme.label("DUET DRUMS", 96, bold=True) is title
    held = sum(s.get_width() * s.get_height() * s.get_bytesize() for s in theme._texts.values())
    assert held <= TEXT_CACHE_BYTES
    assert held > TEXT_CACHE_BYTES // 2  # the budget is used, not emptied
