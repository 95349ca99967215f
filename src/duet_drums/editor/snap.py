"""Snapping to the beat grid: 1/1 to 1/64 of a beat, triplets included, or free.

A division counts grid lines per beat (the time signature's beat: a quarter in 4/4, an
eighth in 6/8), which is how drummers think ("16ths" = 4 per quarter), where Moonscraper
counts per measure. The grid restarts at every time signature change, so an odd bar
never leaves the grid off the beat. A 1/64 step at 480 ticks per quarter is 7.5 ticks:
grid points are computed exactly from the segment start and rounded once, so they never
drift. Free mode snaps to whole ticks only.
"""

from __future__ import annotations

import bisect
import math
from fractions import Fraction

from duet_drums.core.tempo import TempoMap

Division = int | None
"""Grid lines per beat; None is free placement."""

DIVISIONS: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
TRIPLETS: frozenset[int] = frozenset({3, 6, 12, 24, 48})


def label(division: Division) -> str:
    """'1/4 beat', '1/12 beat (triplet)', 'free': what the snap menu shows."""
    if division is None:
        return "free"
    return f"1/{division} beat" + (" (triplet)" if division in TRIPLETS else "")


def check_division(division: Division) -> None:
    if division is not None and division not in DIVISIONS:
        raise ValueError(f"snap 1/{division} is not offered; choose one of "
                         f"{', '.join(f'1/{d}' for d in DIVISIONS)} or free")


def finer(division: Division) -> Division:
    """The next finer snap (the window's snap-up key); free stays free."""
    if division is None or division == DIVISIONS[-1]:
        return division
    return DIVISIONS[DIVISIONS.index(division) + 1] if division in DIVISIONS else division


def coarser(division: Division) -> Division:
    if division is None or division == DIVISIONS[0]:
        return division
    return DIVISIONS[DIVISIONS.index(division) - 1] if division in DIVISIONS else division


def grid_points(tm: TempoMap, lo: int, hi: int, division: int) -> list[int]:
    """Grid ticks in [lo, hi], sorted, segment by segment of the time signatures."""
    out: list[int] = []
    sigs = tm.time_signatures
    for k, (start, _num, den) in enumerate(sigs):
        end = sigs[k + 1][0] if k + 1 < len(sigs) else None
        if end is not None and end <= lo:
            continue
        if start > hi:
            break
        step = Fraction(tm.resolution * 4, den * division)
        first = max(0, math.floor((max(lo, start) - start) / step))
        i = first
        while True:
            t = start + round(i * step)
            if t > hi or (end is not None and t >= end):
                break
            if t >= lo:
                out.append(t)
            i += 1
    return out


def _window(tm: TempoMap, tick: float) -> tuple[int, int]:
    # A beat is at most a whole note (4 quarters): two of them either side always hold
    # the neighbouring grid lines.
    reach = tm.resolution * 8
    return max(0, math.floor(tick) - reach), math.ceil(tick) + reach


def snap_tick(tm: TempoMap, tick: float, division: Division) -> int:
    """The grid line nearest to `tick` (a mouse position); never before tick 0."""
    check_division(division)
    if division is None:
        return max(0, round(tick))
    lo, hi = _window(tm, tick)
    points = grid_points(tm, lo, hi, division)
    return min(points, key=lambda p: (abs(p - tick), p))


def step_tick(tm: TempoMap, tick: int, division: Division, direction: int) -> int:
    """The next grid line after (direction > 0) or before (< 0) `tick`: the cursor keys.
    From tick 0 backwards it stays at 0."""
    check_division(division)
    if division is None:
        return max(0, tick + (1 if direction > 0 else -1))
    lo, hi = _window(tm, tick)
    points = grid_points(tm, lo, hi, division)
    if direction > 0:
        return points[bisect.bisect_right(points, tick)]
    i = bisect.bisect_left(points, tick)
    return points[i - 1] if i > 0 else 0


def on_grid(tm: TempoMap, tick: int, division: int) -> bool:
    return tick in grid_points(tm, tick, tick, division)
