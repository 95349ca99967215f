"""The pair's statistics: the lean per drum pairing, the spread, and who follows whom.

Leans are only named when they are both certain (the bootstrap interval excludes zero)
and large enough to matter (`MIN_OFFSET_MS`): at 600 unisons a 1 ms lean is "certain",
but that is a calibration residue, not a feel, and it costs no sync credit.

Who follows whom is read from the cross-correlation of the two players' inter-onset
intervals between unisons (each minus the chart's interval, so that a bar's rest and an
eighth note are comparable). A follower's next interval stretches when the leader's last
one did: corr(P1's interval k, P2's interval k+1) > 0 is P2 tracking P1. The verdict is
relative and falls back to "unclear" when the correlations are not distinguishable from
zero at that n (1.96/√n), or from each other (√2 × that).
"""

from __future__ import annotations

import math

import numpy as np

from duet_drums.core.coach_input import (
    ANY,
    PAIRING_LABELS,
    PAIRING_NAMES,
    CoachInput,
    FloatArray,
    pairing_asynchronies,
    unison_errors,
)
from duet_drums.core.coach_models import Coupling, Interval, PairingOffset, Spread, Verdict
from duet_drums.core.coach_stats import (
    Z95,
    Estimate,
    bootstrap_mean,
    correlation_threshold,
    lagged_correlation,
    least_squares,
    mean_sd,
    share_within,
)

MIN_PAIRING_N = 20     # unisons before a pairing's lean gets an interval at all
MIN_OFFSET_MS = 5.0    # a lean worth naming (a quarter of what ears resolve, ~20 ms)


def _versus_rest(inp: CoachInput, ids: np.ndarray, a: FloatArray) -> Interval | None:
    rest = np.ones(inp.n_unisons, dtype=bool)
    rest[ids] = False
    other = inp.asynchronies[rest & np.isfinite(inp.asynchronies)]
    if a.size < 2 or other.size < 2:
        return None
    d = float(a.mean() - other.mean())
    se = math.sqrt(float(a.var(ddof=1)) / a.size + float(other.var(ddof=1)) / other.size)
    return Interval.of(Estimate(d, d - Z95 * se, d + Z95 * se, int(a.size)), 1000.0)


def _worth_naming(x: Interval | None) -> bool:
    return x is not None and x.excludes_zero and abs(x.value) >= MIN_OFFSET_MS


def offsets(inp: CoachInput) -> list[PairingOffset]:
    out = []
    labels = (inp.players[0].label, inp.players[1].label)
    for k, pairing in enumerate(PAIRING_NAMES):
        ids, a = pairing_asynchronies(inp, pairing)
        n = int(a.size)
        shown = n >= MIN_PAIRING_N
        est = bootstrap_mean(a, seed=k) if shown else None
        mean = None if est is None else Interval.of(est, 1000.0)
        ms = mean_sd(a)
        significant = _worth_naming(mean)
        ahead = (labels[1] if mean.value > 0 else labels[0]) if significant and mean else ""
        rest = _versus_rest(inp, ids, a) if shown and pairing != ANY else None
        out.append(PairingOffset(pairing=pairing, label=PAIRING_LABELS[pairing], n=n, shown=shown,
                                 mean_ms=mean, sd_ms=None if ms is None or not shown else ms[1] * 1000.0,
                                 significant=significant, ahead=ahead, versus_rest_ms=rest,
                                 distinct=significant and _worth_naming(rest)))
    return out


def spread(inp: CoachInput) -> Spread:
    a = inp.asynchronies[np.isfinite(inp.asynchronies)] * 1000.0
    ms = mean_sd(a)
    return Spread(
        n=int(a.size), sd_ms=None if ms is None else ms[1],
        mean_abs_ms=float(np.abs(a).mean()) if a.size else None,
        within_10=share_within(a, 10.0), within_20=share_within(a, 20.0), within_50=share_within(a, 50.0),
    )


def _intervals(e: FloatArray) -> FloatArray:
    """Each unison-to-unison interval minus the chart's (= change of timing error)."""
    out: FloatArray = np.full(e.size, np.nan)
    out[1:] = e[1:] - e[:-1]
    return out


def _gain(own_next: FloatArray, own: FloatArray, partner: FloatArray) -> Interval | None:
    """Phase-correction gain toward the partner: next interval ~ -gain × (own − partner)
    asynchrony - click gain × own error. Biased by motor noise; only compared."""
    ok = np.isfinite(own[:-1]) & np.isfinite(partner[:-1]) & np.isfinite(own_next[1:])
    own_e, partner_e, y = own[:-1][ok], partner[:-1][ok], own_next[1:][ok]
    fit = least_squares(np.column_stack((np.ones(y.size), own_e - partner_e, own_e)), y) if y.size else None
    if fit is None:
        return None
    g, se = -float(fit.coef[1]), fit.se(1)
    return Interval.of(Estimate(g, g - Z95 * se, g + Z95 * se, fit.n))


def _verdict(r_plus: float | None, r_minus: float | None, threshold: float,
             labels: tuple[str, str]) -> tuple[Verdict, str]:
    p2f = r_plus if r_plus is not None else 0.0
    p1f = r_minus if r_minus is not None else 0.0
    apart = math.sqrt(2.0) * threshold
    p1, p2 = labels
    if p2f > threshold and p2f - p1f > apart:
        return "p2_follows_p1", f"{p2} follows {p1}: {p2} adjusts to {p1} more than the reverse"
    if p1f > threshold and p1f - p2f > apart:
        return "p1_follows_p2", f"{p1} follows {p2}: {p1} adjusts to {p2} more than the reverse"
    if p1f > threshold and p2f > threshold:
        return "mutual", "you adjust to each other about equally"
    return "unclear", "unclear: neither of you measurably follows the other at this many unisons"


def coupling(inp: CoachInput) -> Coupling:
    n_u = inp.n_unisons
    e1 = unison_errors(inp.players[0], n_u)
    e2 = unison_errors(inp.players[1], n_u)
    d1, d2 = _intervals(e1), _intervals(e2)
    r_minus, _ = lagged_correlation(d1, d2, -1)
    r0, n0 = lagged_correlation(d1, d2, 0)
    r_plus, n_plus = lagged_correlation(d1, d2, 1)
    n = min(n0, n_plus)
    threshold = correlation_threshold(n)
    labels = (inp.players[0].label, inp.players[1].label)
    verdict, text = _verdict(r_plus, r_minus, threshold, labels)
    return Coupling(n=n, r_lag_minus1=r_minus, r_lag0=r0, r_lag_plus1=r_plus,
                    threshold=threshold if math.isfinite(threshold) else None,
                    gain_p1=_gain(d1, e1, e2), gain_p2=_gain(d2, e2, e1), verdict=verdict, text=text)
