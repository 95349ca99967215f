"""The few statistics the duo coach rests on, kept apart so they can be tested by property.

The coach speaks to two people about their playing, so every claim it makes must survive
the sizes a song gives (100–600 unisons, a few dozen per drum pairing). That is why the
helpers return an interval or a threshold with every estimate, never a bare number:
the caller decides what is large enough to say.

Bootstraps draw from a seeded generator, so a report re-computed from a replay carries
the very same intervals. Nothing here knows about drums.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Z95 = 1.959963984540054          # two-sided 95 % normal quantile
BOOTSTRAP_RESAMPLES = 1000       # enough for stable 2.5/97.5 % percentiles at our sizes
_BOOTSTRAP_SEED = 20240916

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Estimate:
    """`value` with its 95 % interval [`low`, `high`] from `n` observations."""

    value: float
    low: float
    high: float
    n: int

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0.0 or self.high < 0.0

    def scaled(self, factor: float) -> Estimate:
        """The same estimate in other units (a negative factor swaps the bounds)."""
        lo, hi = sorted((self.low * factor, self.high * factor))
        return Estimate(self.value * factor, lo, hi, self.n)


def as_array(values: Sequence[float] | FloatArray) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def mean_sd(values: Sequence[float] | FloatArray) -> tuple[float, float] | None:
    """Mean and population SD (as the results screen reports a player's spread)."""
    x = as_array(values)
    if x.size == 0:
        return None
    mean = float(x.mean())
    return mean, float(np.sqrt(np.mean((x - mean) ** 2)))


def bootstrap_mean(values: Sequence[float] | FloatArray, *, seed: int = 0,
                   resamples: int = BOOTSTRAP_RESAMPLES) -> Estimate | None:
    """Mean with a 95 % percentile-bootstrap interval.

    Percentile bootstrap rather than mean ± 1.96 SE because asynchronies are not normal
    (a flam or a late recovery makes a long tail), and it is what the ensemble literature
    reports. `seed` picks an independent but fixed stream, so the same data always gets
    the same interval.
    """
    x = as_array(values)
    n = int(x.size)
    if n == 0:
        return None
    mean = float(x.mean())
    if n == 1 or float(x.min()) == float(x.max()):
        return Estimate(mean, mean, mean, n)
    rng = np.random.default_rng((_BOOTSTRAP_SEED, seed))
    idx = rng.integers(0, n, size=(resamples, n), dtype=np.uint16 if n <= 0xFFFF else np.int64)
    means = np.sort(x[idx].mean(axis=1))
    lo, hi = _quantile_sorted(means, 0.025), _quantile_sorted(means, 0.975)
    # A percentile interval is centred on the sample mean but float round-off may put a
    # bound a hair across it; the interval always holds the estimate it belongs to.
    return Estimate(mean, min(float(lo), mean), max(float(hi), mean), n)


def _quantile_sorted(x: FloatArray, q: float) -> float:
    """Linear-interpolated quantile of sorted values (numpy's default method)."""
    pos = q * (x.size - 1)
    i = int(pos)
    j = min(i + 1, x.size - 1)
    return float(x[i] + (x[j] - x[i]) * (pos - i))


def share_within(values: Sequence[float] | FloatArray, limit: float) -> float | None:
    """Share (0..1) of values whose magnitude is at most `limit`."""
    x = as_array(values)
    if x.size == 0:
        return None
    return float(np.count_nonzero(np.abs(x) <= limit)) / x.size


def correlation(x: Sequence[float] | FloatArray, y: Sequence[float] | FloatArray) -> float | None:
    """Pearson correlation; None when fewer than 3 pairs or either side is constant."""
    a, b = as_array(x), as_array(y)
    if a.size != b.size:
        raise ValueError(f"correlation of {a.size} values with {b.size}")
    if a.size < 3:
        return None
    a = a - a.mean()
    b = b - b.mean()
    den = math.sqrt(float(np.dot(a, a)) * float(np.dot(b, b)))
    if den == 0.0 or not math.isfinite(den):
        return None
    return max(-1.0, min(1.0, float(np.dot(a, b)) / den))


def lagged_pairs(x: FloatArray, y: FloatArray, lag: int) -> tuple[FloatArray, FloatArray]:
    """(x[k], y[k + lag]) for every k where both exist and are finite."""
    if x.size != y.size:
        raise ValueError(f"series of {x.size} and {y.size} values")
    n = x.size
    if lag >= 0:
        a, b = x[:max(0, n - lag)], y[lag:]
    else:
        a, b = x[-lag:], y[:max(0, n + lag)]
    ok = np.isfinite(a) & np.isfinite(b)
    return a[ok], b[ok]


def lagged_correlation(x: FloatArray, y: FloatArray, lag: int) -> tuple[float | None, int]:
    """corr(x[k], y[k + lag]) over the finite pairs, and how many pairs there were."""
    a, b = lagged_pairs(x, y, lag)
    return correlation(a, b), int(a.size)


def correlation_threshold(n: int) -> float:
    """The smallest |r| distinguishable from zero at 95 % with `n` pairs (1.96/√n)."""
    return math.inf if n <= 0 else Z95 / math.sqrt(n)


def serial_factor(resid: FloatArray) -> float:
    """How much wider a standard error must be when residuals in time order are
    positively autocorrelated: √((1 + ρ)/(1 − ρ)) for their lag-1 correlation ρ (an AR(1)
    effective sample size). A drummer's timing wanders for a few strokes at a time, and
    treating those strokes as independent would find tempo changes in the wander."""
    if resid.size < 4:
        return 1.0
    r = resid - resid.mean()
    energy = float(np.dot(r, r))
    if energy <= 0.0:
        return 1.0
    rho = min(float(np.dot(r[:-1], r[1:])) / energy, 0.9)  # the usual ACF estimate
    if rho <= 0.0:
        return 1.0
    return math.sqrt((1.0 + rho) / (1.0 - rho))


@dataclass(frozen=True, slots=True)
class Fit:
    """Least-squares coefficients with their covariance (residual variance × (XᵀX)⁻¹,
    widened by `serial_factor`² for rows in time order)."""

    coef: FloatArray
    cov: FloatArray
    n: int

    def se(self, i: int) -> float:
        return math.sqrt(max(0.0, float(self.cov[i, i])))

    def combination(self, weights: Sequence[float]) -> tuple[float, float]:
        """Value and standard error of Σ wᵢ·coefᵢ."""
        w = as_array(weights)
        value = float(np.dot(w, self.coef))
        return value, math.sqrt(max(0.0, float(w @ self.cov @ w)))


def least_squares(design: FloatArray, y: FloatArray) -> Fit | None:
    """OLS of `y` on the columns of `design`; None when it is not identifiable (fewer
    rows than columns + 2, or columns too close to collinear to tell apart)."""
    n, k = design.shape
    if n < k + 2:
        return None
    xtx = design.T @ design
    diag = np.diag(xtx)
    # Hadamard's ratio det / Π diag is 1 for orthogonal columns and 0 for collinear ones.
    if not np.all(np.isfinite(xtx)) or np.any(diag <= 0.0) or (
            np.linalg.det(xtx) <= 1e-12 * float(np.prod(diag))):
        return None
    inv = np.linalg.inv(xtx)
    coef = inv @ (design.T @ y)
    resid = y - design @ coef
    sigma2 = float(np.dot(resid, resid)) / (n - k) * serial_factor(resid) ** 2
    return Fit(coef, inv * sigma2, n)


def parabola_fit(tau: FloatArray, y: FloatArray) -> Fit | None:
    """OLS of y on (1, τ, τ²), the same as `least_squares` on those columns, from the
    moments of τ: a song has a hundred such windows per player and this is the hot spot
    of the coach, so it avoids building the design matrix and calling LAPACK."""
    n = int(tau.size)
    if n < 5:
        return None
    t2 = tau * tau
    s1, s2 = float(tau.sum()), float(t2.sum())
    s3, s4 = float(np.dot(t2, tau)), float(np.dot(t2, t2))
    m = ((float(n), s1, s2), (s1, s2, s3), (s2, s3, s4))
    inv = _inverse3(m)
    if inv is None:
        return None
    r = (float(y.sum()), float(np.dot(tau, y)), float(np.dot(t2, y)))
    coef = np.array([sum(inv[i][j] * r[j] for j in range(3)) for i in range(3)])
    resid = y - coef[0] - coef[1] * tau - coef[2] * t2
    sigma2 = float(np.dot(resid, resid)) / (n - 3) * serial_factor(resid) ** 2
    return Fit(coef, np.array(inv) * sigma2, n)


def _inverse3(m: tuple[tuple[float, float, float], ...]) -> list[list[float]] | None:
    """Inverse of a symmetric 3×3 matrix by its adjugate; None when (near) singular
    (Hadamard's ratio det / Π diag is 1 for orthogonal columns, 0 for collinear)."""
    (a, b, c), (_, d, e), (_, _, f) = m
    c00, c01, c02 = d * f - e * e, c * e - b * f, b * e - c * d
    det = a * c00 + b * c01 + c * c02
    if not math.isfinite(det) or a <= 0 or d <= 0 or f <= 0 or det <= 1e-12 * a * d * f:
        return None
    c11, c12, c22 = a * f - c * c, b * c - a * e, a * d - b * b
    return [[c00 / det, c01 / det, c02 / det], [c01 / det, c11 / det, c12 / det],
            [c02 / det, c12 / det, c22 / det]]
