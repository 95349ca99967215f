"""Property tests for the coach's statistics helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.coach_input import CoachInput
from duet_drums.core.coach_messages import credits
from duet_drums.core.coach_models import Interval
from duet_drums.core.coach_stats import (
    Z95,
    bootstrap_mean,
    correlation,
    correlation_threshold,
    lagged_correlation,
    least_squares,
    parabola_fit,
    serial_factor,
    share_within,
)
from duet_drums.core.coach_tempo import bpm_delta, drift_of, family_z
from duet_drums.core.rules import STRICTNESS_NAMES, rules_for

ms = st.floats(-200.0, 200.0, allow_nan=False)
samples = st.lists(ms, min_size=1, max_size=60).map(lambda v: np.asarray(v) / 1000.0)


@settings(max_examples=60, deadline=None)
@given(samples, st.integers(0, 5))
def test_bootstrap_interval_holds_the_mean_and_repeats(x, seed):
    est = bootstrap_mean(x, seed=seed)
    assert est is not None and est.n == x.size
    assert est.low <= est.value <= est.high
    assert est.value == pytest.approx(float(x.mean()))
    assert est.low >= x.min() - 1e-12 and est.high <= x.max() + 1e-12
    assert bootstrap_mean(x, seed=seed) == est


@settings(max_examples=40, deadline=None)
@given(samples, st.floats(-0.1, 0.1), st.floats(0.1, 10.0))
def test_bootstrap_moves_and_scales_with_the_data(x, shift, scale):
    base = bootstrap_mean(x, seed=1)
    moved = bootstrap_mean(x * scale + shift, seed=1)
    assert base is not None and moved is not None
    assert moved.low == pytest.approx(base.low * scale + shift, abs=1e-9)
    assert moved.high == pytest.approx(base.high * scale + shift, abs=1e-9)


def test_bootstrap_of_a_constant_and_of_nothing():
    est = bootstrap_mean(np.full(30, 0.012))
    assert est is not None and est.low == est.value == est.high == pytest.approx(0.012)
    assert bootstrap_mean(np.zeros(0)) is None


def test_bootstrap_interval_narrows_like_one_over_root_n():
    rng = np.random.default_rng(0)
    small = bootstrap_mean(rng.normal(0, 0.02, 100))
    large = bootstrap_mean(rng.normal(0, 0.02, 1600))
    assert small is not None and large is not None
    ratio = (small.high - small.low) / (large.high - large.low)
    assert 3.0 < ratio < 5.3  # √16 = 4


series = st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=3, max_size=40)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_correlation_is_bounded_symmetric_and_affine_invariant(data):
    x = np.asarray(data.draw(series))
    y = np.asarray(data.draw(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=x.size,
                                      max_size=x.size)))
    r = correlation(x, y)
    if r is None:
        return
    assert -1.0 <= r <= 1.0
    assert correlation(y, x) == pytest.approx(r, abs=1e-9)
    r2 = correlation(3.0 * x + 1.0, y)
    if r2 is not None and np.std(x) > 1e-6 and np.std(y) > 1e-6:
        assert r2 == pytest.approx(r, abs=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1.0, 1.0, allow_nan=False) | st.just(math.nan), min_size=2, max_size=40),
       st.integers(-2, 2), st.randoms(use_true_random=False))
def test_lagged_correlation_swaps_with_its_arguments(xs, lag, rnd):
    x = np.asarray(xs)
    y = np.asarray([rnd.uniform(-1, 1) for _ in xs])
    r, n = lagged_correlation(x, y, lag)
    r_swapped, n_swapped = lagged_correlation(y, x, -lag)
    assert n == n_swapped
    assert (r is None) == (r_swapped is None)
    if r is not None and r_swapped is not None:
        assert r == pytest.approx(r_swapped, abs=1e-9)


def test_lag_one_finds_a_follower():
    rng = np.random.default_rng(2)
    lead = rng.normal(size=400)
    follow = np.concatenate(([0.0], 0.8 * lead[:-1])) + rng.normal(0, 0.5, 400)
    r, n = lagged_correlation(lead, follow, 1)
    assert r is not None and r > 0.6 and r > correlation_threshold(n)
    r_back, _ = lagged_correlation(lead, follow, -1)
    assert r_back is not None and abs(r_back) < correlation_threshold(n)


def test_correlation_threshold_is_one_ninety_six_over_root_n():
    assert correlation_threshold(100) == pytest.approx(0.196, abs=1e-3)
    assert correlation_threshold(600) == pytest.approx(0.08, abs=1e-3)
    assert correlation_threshold(0) == math.inf


@settings(max_examples=40, deadline=None)
@given(st.floats(-0.01, 0.01), st.floats(-0.05, 0.05), st.floats(-0.01, 0.01),
       st.integers(8, 60), st.floats(0.5, 10.0))
def test_fits_recover_an_exact_parabola(a, b, c, n, span):
    tau = np.linspace(-span / 2, span / 2, n)
    y = a + b * tau + c * tau * tau
    fit = parabola_fit(tau, y)
    reference = least_squares(np.column_stack((np.ones(n), tau, tau * tau)), y)
    assert fit is not None and reference is not None
    assert np.allclose(fit.coef, (a, b, c), atol=1e-9)
    assert np.allclose(fit.coef, reference.coef, atol=1e-9)


def test_fits_refuse_what_they_cannot_identify():
    tau = np.zeros(10)
    assert parabola_fit(tau, np.ones(10)) is None
    x = np.arange(10.0)
    assert least_squares(np.column_stack((np.ones(10), x, 2 * x)), x) is None
    assert least_squares(np.column_stack((np.ones(3), np.arange(3.0))), np.arange(3.0)) is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1.0, 1.0, allow_nan=False), min_size=0, max_size=40))
def test_serial_factor_only_ever_widens(values):
    assert serial_factor(np.asarray(values)) >= 1.0


def test_serial_factor_widens_for_wandering_residuals():
    rng = np.random.default_rng(1)
    white = rng.normal(size=500)
    wander = np.convolve(white, np.ones(5) / 5, mode="same")
    assert serial_factor(white) < 1.15 < 1.8 < serial_factor(wander)


@settings(max_examples=40, deadline=None)
@given(st.lists(ms, min_size=1, max_size=40), st.floats(0.0, 100.0), st.floats(0.0, 100.0))
def test_share_within_is_a_monotone_share(values, a, b):
    lo, hi = sorted((a, b))
    s_lo, s_hi = share_within(values, lo), share_within(values, hi)
    assert s_lo is not None and s_hi is not None
    assert 0.0 <= s_lo <= s_hi <= 1.0
    assert share_within(values, 1e9) == 1.0
    assert share_within([], 10.0) is None


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(STRICTNESS_NAMES), st.lists(st.floats(-0.2, 0.2) | st.just(math.nan), max_size=30))
def test_array_credits_match_the_rules(strictness, values):
    rules = rules_for(strictness)
    inp = CoachInput.__new__(CoachInput)
    object.__setattr__(inp, "rules", rules)
    got = credits(inp, np.asarray(values, dtype=np.float64))
    want = [0.0 if math.isnan(v) else rules.sync_credit(v) for v in values]
    assert np.allclose(got, want, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.floats(1e-6, 0.1), st.floats(40.0, 250.0))
def test_faster_means_earlier_and_earlier_means_faster(rate, bpm):
    # errors shrinking over time (negative slope) = playing faster than the chart
    assert bpm_delta(-rate, bpm) > 0 > bpm_delta(rate, bpm)
    assert bpm_delta(0.0, bpm) == 0.0
    assert bpm_delta(-rate, bpm) == pytest.approx(bpm * rate / (1 - rate))


def test_drift_needs_size_and_certainty():
    big = Interval(value=4.0, low=3.0, high=5.0, n=20)
    small = Interval(value=1.0, low=0.5, high=1.5, n=20)
    vague = Interval(value=4.0, low=-1.0, high=9.0, n=20)
    assert drift_of(big, None) == (big, "mean")
    assert drift_of(small, vague) is None
    assert drift_of(small, big) == (big, "end")
    # many windows tested: a drift must be further from zero
    half = Z95 * 4.0 / 2.5  # 2.5 standard errors from zero
    borderline = Interval(value=4.0, low=4.0 - half, high=4.0 + half, n=20)
    assert drift_of(borderline, None) is not None
    assert drift_of(borderline, None, family_z(40)) is None
    assert family_z(1) == pytest.approx(Z95)
