"""Difficulty reduction and playability rules for the bundled charts.

The rules themselves live in the package (`duet_drums.editor.reduce` and
`duet_drums.editor.playability`), so the game's own charts and the editor's `reduce`
command follow the same ones. What this module adds is the arranger's say: each `Hit`
carries the easiest difficulty it may appear on (``"hihat@hard"`` in a drum grid), and
a hit is offered to a reduction only from there up. That is how the arranger keeps a
newcomer's hi-hat off easy and medium without relying on the automatic reduction alone.

`cleanup` makes every difficulty physically playable: an accent cymbal replaces the
time-keeping cymbal the same hand would have played, closed and open hi-hat never
sound together, and two pieces never share a 5-lane lane on one tick.
"""

from __future__ import annotations

from collections.abc import Iterable

from charts_grid import RESOLUTION, Hit
from duet_drums.core.chart import Note
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.playability import chord_problems, playable
from duet_drums.editor.reduce import reduce_step

# The arrangements are all in 4/4 from tick 0; the tempo does not matter to a reduction.
GRID = TempoMap(((0, 120.0),), RESOLUTION)


def order(hits: Iterable[Hit]) -> list[Hit]:
    """Sorted by tick, then piece: (tick, piece) is unique after `cleanup`, so velocities
    (None or int) are never compared."""
    return sorted(hits, key=lambda h: (h.tick, h.piece))


def _notes(hits: Iterable[Hit]) -> list[Note]:
    return [Note(tick=h.tick, piece=h.piece, velocity=h.velocity) for h in hits]


def _back(notes: Iterable[Note], hits: dict[tuple[int, Piece], Hit]) -> list[Hit]:
    return order(hits[(n.tick, n.piece)] for n in notes)


def cleanup(hits: Iterable[Hit]) -> list[Hit]:
    """Merge duplicates and apply the physical rules every difficulty must obey."""
    merged: dict[tuple[int, Piece], Hit] = {}
    for h in hits:
        old = merged.get((h.tick, h.piece))
        if old is not None:
            vel = max(old.velocity or 64, h.velocity or 64)
            h = Hit(h.tick, h.piece, None if vel == 64 else vel, min(old.min_diff, h.min_diff))
        merged[(h.tick, h.piece)] = h
    return _back(playable(_notes(merged.values())), merged)


def reduce(hits: list[Hit], difficulty: str, fills: list[tuple[int, int]]) -> list[Hit]:
    """One step down: `hits` is the next harder difficulty's chart."""
    level = ("easy", "medium", "hard").index(difficulty)
    pool = {(h.tick, h.piece): h for h in hits if h.min_diff <= level}
    return _back(reduce_step(_notes(pool.values()), difficulty, GRID, fills), pool)


def playability_problems(hits: Iterable[Hit]) -> list[str]:
    """What a human could not play: more than two hands or two feet at once, closed and
    open hi-hat together, two notes in one 5-lane lane on one tick."""
    chords: dict[int, list[Hit]] = {}
    for h in order(hits):
        chords.setdefault(h.tick, []).append(h)
    return [f"tick {tick}: {problem}" for tick, group in chords.items()
            for _code, problem in chord_problems([h.piece for h in group])]
