"""Snap: 1/1 to 1/64 of a beat, triplets, free; the grid restarts at a time signature."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duet_drums.core.tempo import TempoMap
from duet_drums.editor import snap

TM = TempoMap(((0, 120.0), (1000, 90.0)), 480)
ODD = TempoMap(((0, 120.0),), 480, ((0, 4, 4), (1920, 7, 8), (1920 + 1680, 4, 4)))


@pytest.mark.parametrize(("division", "step"), [(1, 480), (2, 240), (3, 160), (4, 120), (6, 80), (8, 60),
                                                (12, 40), (16, 30), (24, 20), (32, 15), (48, 10)])
def test_divisions_are_per_beat(division: int, step: int) -> None:
    assert snap.grid_points(TM, 0, 480, division) == list(range(0, 481, step))
    assert snap.snap_tick(TM, step * 5 + step * 0.4, division) == step * 5
    assert snap.snap_tick(TM, step * 5 + step * 0.6, division) == step * 6


def test_a_64th_at_480_ticks_rounds_each_line_from_the_beat() -> None:
    points = snap.grid_points(TM, 0, 480, 64)
    assert len(points) == 65 and points[0] == 0 and points[-1] == 480
    assert all(abs(p - float(Fraction(480, 64) * i)) <= 0.5 for i, p in enumerate(points))


def test_grid_restarts_at_a_time_signature_and_counts_its_beat() -> None:
    # 7/8 from tick 1920: the beat is an eighth (240 ticks); a quarter-beat grid is 60.
    assert snap.grid_points(ODD, 1920, 2160, 4) == [1920, 1980, 2040, 2100, 2160]
    # 4/4 resumes at 3600, which is on the 7/8 grid too; a triplet grid restarts there.
    assert snap.grid_points(ODD, 3500, 3760, 3) == [3520, 3600, 3760]


def test_free_snap_and_the_cursor_keys() -> None:
    assert snap.snap_tick(TM, 123.6, None) == 124
    assert snap.snap_tick(TM, -40.0, 4) == 0
    assert snap.step_tick(TM, 120, 4, +1) == 240
    assert snap.step_tick(TM, 130, 4, +1) == 240
    assert snap.step_tick(TM, 130, 4, -1) == 120
    assert snap.step_tick(TM, 0, 4, -1) == 0
    assert snap.step_tick(TM, 7, None, -1) == 6
    assert snap.step_tick(ODD, 1900, 1, +1) == 1920


def test_labels_and_finer_coarser() -> None:
    assert snap.label(None) == "free"
    assert snap.label(12) == "1/12 beat (triplet)"
    assert snap.label(16) == "1/16 beat"
    assert snap.finer(4) == 6 and snap.coarser(4) == 3
    assert snap.finer(64) == 64 and snap.coarser(1) == 1 and snap.finer(None) is None
    with pytest.raises(ValueError, match="1/5 is not offered"):
        snap.snap_tick(TM, 0, 5)


@given(st.floats(0, 20000), st.sampled_from(snap.DIVISIONS))
def test_a_snapped_tick_is_on_the_grid_and_nearest(tick: float, division: int) -> None:
    for tm in (TM, ODD):
        snapped = snap.snap_tick(tm, tick, division)
        assert snap.on_grid(tm, snapped, division)
        before = snap.step_tick(tm, snapped, division, -1)
        after = snap.step_tick(tm, snapped, division, +1)
        assert abs(snapped - tick) <= min(abs(before - tick), abs(after - tick)) + 1e-9
