"""Tempo map: exact tick<->seconds conversion across tempo changes, and the beat grid."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.tempo import TempoMap

RES = 480

tempo_lists = st.lists(
    st.tuples(st.integers(1, 200_000), st.floats(20, 400, allow_nan=False)),
    max_size=30,
).map(lambda changes: [(0, 120.0), *sorted(dict(changes).items())])


@given(tempo_lists, st.integers(0, 400_000))
def test_tick_seconds_tick_round_trip(tempos: list[tuple[int, float]], tick: int) -> None:
    tm = TempoMap(tempos, RES)
    assert math.isclose(tm.tick_at(tm.seconds(tick)), tick, abs_tol=1e-6)


@given(tempo_lists, st.lists(st.integers(0, 400_000), min_size=2, max_size=50))
def test_monotonic(tempos: list[tuple[int, float]], ticks: list[int]) -> None:
    tm = TempoMap(tempos, RES)
    ticks.sort()
    secs = [tm.seconds(t) for t in ticks]
    assert all(b >= a for a, b in itertools.pairwise(secs))
    assert all(b > a for a, b, ta, tb in zip(secs, secs[1:], ticks, ticks[1:], strict=False) if tb > ta)


@given(tempo_lists)
def test_exact_at_tempo_changes(tempos: list[tuple[int, float]]) -> None:
    """At every change the time equals the exact rational sum of the segments before it."""
    tm = TempoMap(tempos, RES)
    exact = Fraction(0)
    for (t0, bpm), (t1, _) in zip(tm.ticks and list(zip(tm.ticks, tm.bpms, strict=True)),
                                  list(zip(tm.ticks, tm.bpms, strict=True))[1:], strict=False):
        exact += (t1 - t0) * Fraction(60) / (Fraction(bpm) * RES)
        assert tm.seconds(t1) == float(exact)
        # Continuity: approaching the change from below lands on the same time.
        assert math.isclose(tm.seconds(t1 - 1e-9), tm.seconds(t1), abs_tol=1e-9)


@given(tempo_lists, st.lists(st.integers(0, 400_000), max_size=100))
def test_vectorised_matches_scalar(tempos: list[tuple[int, float]], ticks: list[int]) -> None:
    tm = TempoMap(tempos, RES)
    arr = tm.seconds_array(np.asarray(ticks, dtype=np.int64))
    assert [float(x) for x in arr] == [tm.seconds(t) for t in ticks]
    back = tm.ticks_array(arr)
    assert np.allclose(back, ticks, atol=1e-6)


@settings(max_examples=5, deadline=None)
@given(st.randoms(use_true_random=False))
def test_agrees_with_per_tick_summation_on_long_chart(rnd: object) -> None:
    """A 10-minute chart with 200 tempo changes agrees, at every tick, with summing the
    duration of each tick one by one (in extended precision) to within 1e-9 s."""
    import random

    assert isinstance(rnd, random.Random)
    # ~10 minutes at ~120 BPM is ~576,000 ticks at 480/quarter.
    n_ticks = 600_000
    change_ticks = sorted(rnd.sample(range(1, n_ticks), 199))
    tempos = [(0, 120.0)] + [(t, rnd.uniform(60, 200)) for t in change_ticks]
    tm = TempoMap(tempos, RES)
    seg_of_tick = np.searchsorted(np.array([t for t, _ in tempos]), np.arange(n_ticks), side="right") - 1
    spt = np.array([np.longdouble(60) / (np.longdouble(b) * RES) for _, b in tempos], dtype=np.longdouble)
    per_tick = spt[seg_of_tick]
    summed = np.concatenate([[np.longdouble(0)], np.cumsum(per_tick, dtype=np.longdouble)])[:n_ticks]
    assert float(summed[-1]) > 300  # it really is a long chart
    ours = tm.seconds_array(np.arange(n_ticks))
    assert float(np.max(np.abs(ours.astype(np.longdouble) - summed))) < 1e-9
    for tick in change_ticks[::20]:
        assert abs(tm.seconds(tick) - float(summed[tick])) < 1e-9


def test_known_values_and_signatures() -> None:
    tm = TempoMap([(0, 120.0), (1920, 60.0)], RES, [(0, 4, 4), (3840, 3, 4), (5280, 6, 8)])
    assert tm.seconds(1920) == 2.0
    assert tm.seconds(2400) == 3.0
    assert tm.bpm_at(1919) == 120.0 and tm.bpm_at(1920) == 60.0
    lines = tm.grid(0, 7000)
    measures = [(line.tick, line.measure) for line in lines if line.measure is not None]
    # 4/4 measures at 0 and 1920, 3/4 from 3840 (1440 ticks), 6/8 from 5280 (1440 ticks of eighths).
    assert measures == [(0, 1), (1920, 2), (3840, 3), (5280, 4), (6720, 5)]
    eighths = [line.tick for line in lines if 5280 <= line.tick < 6720]
    assert eighths == list(range(5280, 6720, 240))
    assert tm.measure_of(4000) == 3


def test_time_before_zero_extends_first_tempo() -> None:
    tm = TempoMap([(0, 120.0)], RES)
    assert tm.tick_at(-1.0) == -960.0
