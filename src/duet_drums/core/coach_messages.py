"""At most three sentences per song, each naming a cause, ranked by the sync it would win.

Every candidate rests on a statistic the report already flags as significant; no
statistic, no sentence. Each is ranked by `recovers_percent`, the sync points the pair
would have earned had that one thing been fixed, computed by re-crediting the song's own
unisons with the fault taken out:
- a lean on a drum pairing: those unisons' asynchronies shifted by the lean;
- one player scattering more: their deviations shrunk to their partner's spread;
- one player following: the sync lost to scatter, times the share of the follower's
  timing the lag-one correlation explains (r² beyond the reverse direction's);
- a joint drift: the sync the pair lost inside that stretch against the rest of the song
  (two players rushing *together* lose little sync, so this ranks last unless it did).
"""

from __future__ import annotations

import math

import numpy as np

from duet_drums.core.coach_input import (
    ANY,
    PAIRINGS,
    CoachInput,
    FloatArray,
    pairing_asynchronies,
    pairing_share,
    unison_errors,
)
from duet_drums.core.coach_models import (
    Interval,
    Message,
    PairCoach,
    PairingOffset,
    TempoWindow,
)
from duet_drums.core.coach_stats import Z95, Estimate

MAX_MESSAGES = 3
STEADINESS_RATIO = 1.5   # one player's scatter this many times the other's is worth naming


def credits(inp: CoachInput, a: FloatArray) -> FloatArray:
    """`Rules.sync_credit` over an array (NaN, a missed unison, earns 0): full credit up
    to `sync_full`, none from `sync_none`, linear between, as np.interp clamps it."""
    r = inp.rules
    out: FloatArray = np.interp(np.abs(a), (r.sync_full, r.sync_none), (1.0, 0.0))
    out[np.isnan(a)] = 0.0
    return out


def _gain(inp: CoachInput, ids: np.ndarray, new_a: FloatArray) -> float:
    """Sync points won by replacing the asynchronies at unisons `ids` with `new_a`."""
    if inp.n_unisons == 0 or ids.size == 0:
        return 0.0
    before = float(inp.credits[ids].sum())
    return 100.0 * max(0.0, float(credits(inp, new_a).sum()) - before) / inp.n_unisons


LATENCY_HINT_MS = 15.0   # a steady lean this large on every drum smells of an uncalibrated input


def _offset_message(inp: CoachInput, off: PairingOffset) -> Message:
    assert off.mean_ms is not None and off.sd_ms is not None
    ids, _ = pairing_asynchronies(inp, off.pairing)
    v = off.mean_ms.value
    any_a = inp.asynchronies[ids]
    keep = np.isfinite(any_a)
    moved = any_a[keep] - v / 1000.0 * pairing_share(inp, off.pairing)[ids[keep]]
    recovers = _gain(inp, ids[keep], moved)
    p1, p2 = inp.players[0].label, inp.players[1].label
    ahead, behind = (p2, p1) if v > 0 else (p1, p2)
    ms = round(abs(v))
    steady = off.sd_ms <= abs(v)
    manner = "steadily" if steady else f"on average, though it scatters (SD {off.sd_ms:.0f} ms)"
    feel = "that is feel, not sloppiness" if steady else "tighten it before you move it"
    # Who is off the click there: tell that one what to change.
    group = PAIRINGS.get(off.pairing)
    e = [unison_errors(pl, inp.n_unisons, group)[ids] for pl in inp.players]
    lean = [abs(float(np.nanmean(x))) if np.isfinite(x).any() else 0.0 for x in e]
    late_behind = lean[0 if behind == p1 else 1] > lean[0 if ahead == p1 else 1]
    what = "the " + off.label if group is not None else "it"
    if late_behind:
        advice = f"{behind} is late against the click there too: {behind}, push {what} forward."
    else:
        advice = f"{ahead} is early against the click: {ahead}, try laying back."
    if group is None:
        where, statistic = "On every drum", f"mean asynchrony, all unisons ({p1} − {p2})"
        if steady and abs(v) >= LATENCY_HINT_MS:
            feel = "a lag on every drum is often an input that is not calibrated"
            advice = "Calibrate both inputs, then play again."
    else:
        where, statistic = f"On {off.label} unisons", f"mean asynchrony on {off.label} unisons ({p1} − {p2})"
    text = f"{where} {ahead} lands ~{ms} ms ahead of {behind}, {manner}: {feel}. {advice}"
    return Message(kind="offset", text=text, statistic=statistic, unit="ms", estimate=off.mean_ms,
                   recovers_percent=recovers, section=None, drill="loop_section")


def _offset_messages(inp: CoachInput, pair: PairCoach) -> list[Message]:
    """A drum that leans on its own gets its sentence; a lean shared by every drum is
    one sentence about the pair, not three about the drums."""
    distinct = [o for o in pair.offsets if o.distinct]
    if distinct:
        return [_offset_message(inp, o) for o in distinct]
    overall = next(o for o in pair.offsets if o.pairing == ANY)
    return [_offset_message(inp, overall)] if overall.significant else []


def _lost_to_scatter(inp: CoachInput) -> float:
    """Sync points lost because asynchronies scatter around their mean."""
    a = inp.asynchronies[np.isfinite(inp.asynchronies)]
    if a.size == 0 or inp.n_unisons == 0:
        return 0.0
    at_mean = inp.rules.sync_credit(float(a.mean())) * a.size
    return 100.0 * max(0.0, at_mean - float(credits(inp, a).sum())) / inp.n_unisons


def _fisher(r: float, n: int) -> Interval:
    half = Z95 / math.sqrt(n - 3) if n > 3 else math.inf
    z = math.atanh(max(-0.999999, min(0.999999, r)))
    return Interval(value=r, low=math.tanh(z - half), high=math.tanh(z + half), n=n)


def _coupling_message(inp: CoachInput, pair: PairCoach) -> list[Message]:
    c = pair.coupling
    if c.verdict not in ("p2_follows_p1", "p1_follows_p2"):
        return []
    p1, p2 = inp.players[0].label, inp.players[1].label
    if c.verdict == "p2_follows_p1":
        follower, leader, r_f, r_l = p2, p1, c.r_lag_plus1, c.r_lag_minus1
    else:
        follower, leader, r_f, r_l = p1, p2, c.r_lag_minus1, c.r_lag_plus1
    rf, rl = r_f or 0.0, r_l or 0.0
    text = (f"{follower} follows {leader}; {leader} rarely listens back (interval correlation "
            f"{rf:.2f} one way, {rl:.2f} the other). Swap who leads.")
    return [Message(kind="coupling", text=text,
                    statistic=f"correlation of {leader}'s interval with {follower}'s next one",
                    unit="r", estimate=_fisher(rf, c.n),
                    recovers_percent=_lost_to_scatter(inp) * max(0.0, rf * rf - rl * rl),
                    section=None, drill="swap_lead")]


def _steadiness_message(inp: CoachInput, pair: PairCoach) -> list[Message]:
    e1 = unison_errors(inp.players[0], inp.n_unisons)
    e2 = unison_errors(inp.players[1], inp.n_unisons)
    ids = np.flatnonzero(np.isfinite(e1) & np.isfinite(e2) & np.isfinite(inp.asynchronies))
    n = int(ids.size)
    if n < 10:
        return []
    es = [e1[ids], e2[ids]]
    sds = [float(x.std()) for x in es]
    wide = 0 if sds[0] > sds[1] else 1
    if sds[1 - wide] <= 0.0:
        return []
    ratio = sds[wide] / sds[1 - wide]
    half = Z95 * math.sqrt(1.0 / (n - 1))  # SE of a log ratio of two SDs, n each
    low = ratio * math.exp(-half)
    if low <= 1.0 or ratio < STEADINESS_RATIO:
        return []
    shrunk = [x.copy() for x in es]
    w = shrunk[wide]
    shrunk[wide] = w.mean() + (w - w.mean()) / ratio
    recovers = _gain(inp, ids, shrunk[0] - shrunk[1])
    labels = (inp.players[0].label, inp.players[1].label)
    wl, sl = labels[wide], labels[1 - wide]
    where = f"loop {pair.weakest_section or 'your weakest section'} slower"
    text = (f"Most of your spread is {wl}'s: {wl}'s strokes scatter {ratio:.1f}× as widely as {sl}'s at "
            f"the unisons (SD {sds[wide] * 1000:.0f} vs {sds[1 - wide] * 1000:.0f} ms). "
            f"{wl}, {where} until it sits.")
    return [Message(kind="steadiness", text=text, statistic=f"ratio of timing SDs at unisons ({wl} / {sl})",
                    unit="ratio", estimate=Interval.of(Estimate(ratio, low, ratio * math.exp(half), n)),
                    recovers_percent=recovers, section=pair.weakest_section, drill="loop_section")]


def _drift_text(w: TempoWindow, stat: Interval) -> str:
    bpm = round(abs(stat.value))
    faster = stat.value > 0
    if w.kind == "after_fill" or w.drift_kind == "end":
        verb = "sped up" if faster else "slowed down"
        where = w.name if w.kind == "after_fill" else f"over {w.name}"
        return f"You both {verb} ~{bpm} BPM {where}"
    pace = "fast" if faster else "slow"
    where = "through the whole song" if w.kind == "song" else f"through {w.name}"
    return f"You both ran ~{bpm} BPM {pace} {where}"


def _drift_messages(inp: CoachInput, pair: PairCoach) -> list[Message]:
    chosen: list[tuple[TempoWindow, Interval]] = []
    ranked = []
    for w in pair.drift.windows:
        stat = w.drift
        if w.significant and stat is not None:
            width = max(stat.high - stat.low, 1e-9)
            ranked.append((abs(stat.value) / width, w, stat))
    ranked.sort(key=lambda x: -x[0])
    for _, w, stat in ranked:
        if all(w.end <= c.start or w.start >= c.end for c, _ in chosen):
            chosen.append((w, stat))
    out = []
    for w, stat in chosen:
        inside = (inp.unison_times >= w.start) & (inp.unison_times < w.end)
        n_in, n_out = int(inside.sum()), int((~inside).sum())
        recovers = 0.0
        if n_in and n_out and inp.n_unisons:
            gap = float(inp.credits[~inside].mean()) - float(inp.credits[inside].mean())
            recovers = 100.0 * max(0.0, gap) * n_in / inp.n_unisons
        section = w.section or None
        practise = f" Keep the click in your heads there: try the quiet count on {section}." if section else (
            " Keep the click in your heads: try the quiet count.")
        out.append(Message(kind="drift", text=_drift_text(w, stat) + "." + practise,
                           statistic=("tempo against the click at its end" if w.drift_kind == "end"
                                      else "mean tempo against the click") + f", {w.name} (both players)",
                           unit="BPM", estimate=stat, recovers_percent=recovers, section=section,
                           drill="quiet_count"))
    return out


def messages(inp: CoachInput, pair: PairCoach) -> list[Message]:
    candidates = (_offset_messages(inp, pair) + _steadiness_message(inp, pair)
                  + _coupling_message(inp, pair) + _drift_messages(inp, pair))
    candidates.sort(key=lambda m: -m.recovers_percent)
    return candidates[:MAX_MESSAGES]
