"""Tempo against the click, read from timing errors rather than from intervals.

A player whose tempo runs a fraction r faster than the chart lands each note earlier
than the last by r of the time between them, so the *slope* of their timing error over
time is their tempo excess: tempo = chart BPM × 1/(1 + de/dt). Fitting errors (white
motor noise) instead of intervals (whose noise is differenced, and where one long
interval across a section change wrecks a fit) gives a steadier estimate at the same n,
and a window never needs an interval that crosses its edge.

Windows: the whole song (a line: the mean tempo), each section and the two bars right
after each fill (a parabola when there are enough points: its slope at the middle is the
mean tempo there, its slope at the last note the tempo the window ended on, and its
curvature how far the tempo moved from start to end).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal

import numpy as np

from duet_drums.core.coach_input import CoachInput, FloatArray
from duet_drums.core.coach_models import Interval, TempoReport, TempoWindow, WindowKind
from duet_drums.core.coach_stats import Z95, parabola_fit, serial_factor
from duet_drums.core.tempo import TempoMap

MIN_DRIFT_BPM = 2.5        # ~2 % at 120 BPM; ears detect ~3 % over a few beats
MIN_LINE_POINTS = 6
MIN_PARABOLA_POINTS = 12
FILL_AFTER_BARS = 2
CURVE_BARS = 2


@dataclass(frozen=True, slots=True)
class WindowSpec:
    kind: WindowKind
    name: str
    section: str
    start: float
    end: float
    bpm: float  # the chart's tempo in the middle of the window


def _bar_ticks(tempo_map: TempoMap, tick: int) -> int:
    _, num, _ = tempo_map.signature_at(tick)
    return num * tempo_map.beat_ticks(tick)


def _bpm_mid(tempo_map: TempoMap, start: float, end: float) -> float:
    return tempo_map.bpm_at(tempo_map.tick_at(0.5 * (start + end)))


def window_specs(inp: CoachInput, song_end: float) -> list[WindowSpec]:
    tm = inp.tempo_map
    specs = [WindowSpec("song", "the whole song", "", 0.0, song_end, _bpm_mid(tm, 0.0, song_end))]
    for i, sec in enumerate(inp.sections):
        end = inp.sections[i + 1].t if i + 1 < len(inp.sections) else song_end
        if end > sec.t:
            specs.append(WindowSpec("section", sec.name, sec.name, sec.t, end, _bpm_mid(tm, sec.t, end)))
    for i, fill in enumerate(inp.fills):
        end = tm.seconds(fill.end_tick + FILL_AFTER_BARS * _bar_ticks(tm, fill.end_tick))
        if i + 1 < len(inp.fills):
            end = min(end, inp.fills[i + 1].t)
        if end > fill.end_t:
            specs.append(WindowSpec("after_fill", f"after the fill in {fill.section}", fill.section,
                                    fill.end_t, end, _bpm_mid(tm, fill.end_t, end)))
    return specs


def bar_starts(tempo_map: TempoMap, last_tick: int) -> FloatArray:
    lines = tempo_map.grid(0, last_tick + _bar_ticks(tempo_map, last_tick) * (CURVE_BARS + 1))
    return np.asarray([g.seconds for g in lines if g.measure is not None], dtype=np.float64)


def bpm_delta(rate: float, bpm: float) -> float:
    """BPM against the chart for an error slope `rate` (s per s; negative = rushing)."""
    return bpm * (1.0 / (1.0 + rate) - 1.0)


def rate_interval(rate: float, se: float, bpm: float, n: int) -> Interval:
    # bpm_delta falls as the rate rises, so the interval's ends swap.
    lo, hi = bpm_delta(rate + Z95 * se, bpm), bpm_delta(rate - Z95 * se, bpm)
    return Interval(value=bpm_delta(rate, bpm), low=lo, high=hi, n=n)


def line_fit(t: FloatArray, e: FloatArray) -> tuple[float, float] | None:
    """Slope of e over t and its standard error."""
    n = t.size
    if n < MIN_LINE_POINTS:
        return None
    tc = t - t.mean()
    stt = float(np.dot(tc, tc))
    if stt <= 0.0:
        return None
    slope = float(np.dot(tc, e - e.mean())) / stt
    resid = e - e.mean() - slope * tc
    return slope, math.sqrt(float(np.dot(resid, resid)) / (n - 2) / stt) * serial_factor(resid)


def _window(spec: WindowSpec, t: FloatArray, e: FloatArray, z: float) -> TempoWindow:
    n = int(t.size)
    mean: Interval | None = None
    end: Interval | None = None
    change: Interval | None = None
    if spec.kind != "song" and n >= MIN_PARABOLA_POINTS:
        mid = 0.5 * (float(t[0]) + float(t[-1]))
        span = float(t[-1]) - float(t[0])
        fit = parabola_fit(t - mid, e)
        if fit is not None:
            # e'(τ) = b + 2cτ: b at the middle, b + c·span at the last note.
            mean = rate_interval(float(fit.coef[1]), fit.se(1), spec.bpm, n)
            end = rate_interval(*fit.combination((0.0, 1.0, span)), spec.bpm, n)
            # ... so the tempo moves by about -BPM × 2c × span from first note to last.
            k = -2.0 * spec.bpm * span
            c, se = float(fit.coef[2]) * k, fit.se(2) * abs(k)
            change = Interval(value=c, low=c - Z95 * se, high=c + Z95 * se, n=n)
    elif n >= MIN_LINE_POINTS:
        line = line_fit(t, e)
        if line is not None:
            mean = rate_interval(line[0], line[1], spec.bpm, n)
    drift = drift_of(mean, end, z)
    return TempoWindow(kind=spec.kind, name=spec.name, section=spec.section, start=spec.start,
                       end=spec.end, n=n, mean_bpm=mean, end_bpm=end, change_bpm=change,
                       drift=drift[0] if drift else None, drift_kind=drift[1] if drift else None,
                       significant=drift is not None)


def family_z(windows: int) -> float:
    """The two-sided z that keeps a 5 % chance of any false drift over `windows` tests."""
    return NormalDist().inv_cdf(1.0 - 0.025 / max(1, windows))


def drift_of(mean: Interval | None, end: Interval | None, z: float = Z95
             ) -> tuple[Interval, Literal["mean", "end"]] | None:
    """The larger of a window's mean tempo and tempo at its end that is worth saying: at
    least MIN_DRIFT_BPM and beyond `z` standard errors (read off its 95 % interval). The
    end, not the change from the start, because "you sped up 4 BPM" means "you ended
    4 BPM fast", and it is the better determined of the two."""
    best: tuple[Interval, Literal["mean", "end"]] | None = None
    candidates: tuple[tuple[Interval | None, Literal["mean", "end"]], ...] = ((mean, "mean"), (end, "end"))
    for x, kind in candidates:
        if x is None or abs(x.value) < MIN_DRIFT_BPM:
            continue
        se = (x.high - x.low) / (2.0 * Z95)
        if abs(x.value) > z * se and (best is None or abs(x.value) > abs(best[0].value)):
            best = (x, kind)
    return best


def _curve(t: FloatArray, e: FloatArray, bars: FloatArray, tempo_map: TempoMap
           ) -> list[tuple[float, float]]:
    """Tempo over the two bars from each bar line, all windows at once by prefix sums."""
    if t.size < MIN_LINE_POINTS or bars.size <= CURVE_BARS:
        return []
    t0 = float(t.mean())
    x = t - t0
    cs = [np.concatenate(([0.0], np.cumsum(v))) for v in (np.ones_like(x), x, e, x * x, x * e)]
    lo = np.searchsorted(t, bars[:-CURVE_BARS], side="left")
    hi = np.searchsorted(t, bars[CURVE_BARS:], side="left")
    n, sx, se, sxx, sxe = (c[hi] - c[lo] for c in cs)
    den = n * sxx - sx * sx
    ok = (n >= MIN_LINE_POINTS) & (den > 1e-12)
    slope = np.where(ok, (n * sxe - sx * se) / np.where(ok, den, 1.0), 0.0)
    out = []
    for i in np.flatnonzero(ok).tolist():
        start, end = float(bars[i]), float(bars[i + CURVE_BARS])
        out.append((start, bpm_delta(float(slope[i]), _bpm_mid(tempo_map, start, end))))
    return out


def tempo_report(times: FloatArray, errors: FloatArray, specs: Sequence[WindowSpec],
                 bars: FloatArray, tempo_map: TempoMap) -> TempoReport:
    """`times` (sorted) and `errors` (s, all finite) of one player or of the pair."""
    windows = []
    z = family_z(len(specs))
    for spec in specs:
        i0, i1 = np.searchsorted(times, (spec.start, spec.end), side="left").tolist()
        windows.append(_window(spec, times[i0:i1], errors[i0:i1], z))
    return TempoReport(curve=_curve(times, errors, bars, tempo_map), windows=windows)
