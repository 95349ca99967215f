"""Ticks <-> seconds across any number of tempo changes, exactly.

Each tempo segment's start time is computed once with exact rational arithmetic and
rounded to float a single time; a tick's time is then its segment's start plus the ticks
into that segment at that segment's tempo. Nothing is accumulated note by note, so a note
ten minutes in is as exact as the first one.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import Chart


@dataclass(frozen=True, slots=True)
class GridLine:
    """A beat line for the renderer; `measure` is set on a measure's first beat."""

    tick: int
    seconds: float
    measure: int | None


class TempoMap:
    def __init__(
        self,
        tempos: Iterable[tuple[int, float]],
        resolution: int,
        time_signatures: Iterable[tuple[int, int, int]] = ((0, 4, 4),),
    ):
        pairs = sorted((int(t), float(b)) for t, b in tempos)
        if not pairs or pairs[0][0] != 0:
            pairs.insert(0, (0, pairs[0][1] if pairs else 120.0))
        if any(b <= 0 for _, b in pairs):
            raise ValueError("BPM must be > 0")
        if resolution <= 0:
            raise ValueError("resolution must be > 0")
        self.resolution = int(resolution)
        self.ticks: list[int] = [t for t, _ in pairs]
        self.bpms: list[float] = [b for _, b in pairs]
        # Seconds per tick of each segment, exact as a fraction of the float BPM.
        self._spt_exact = [Fraction(60) / (Fraction(b) * self.resolution) for b in self.bpms]
        starts = [Fraction(0)]
        for i in range(1, len(self.ticks)):
            starts.append(starts[-1] + (self.ticks[i] - self.ticks[i - 1]) * self._spt_exact[i - 1])
        self._starts_exact = starts
        self.starts: list[float] = [float(s) for s in starts]
        self._spt = [float(s) for s in self._spt_exact]
        self._np_ticks = np.asarray(self.ticks, dtype=np.float64)
        self._np_starts = np.asarray(self.starts, dtype=np.float64)
        self._np_spt = np.asarray(self._spt, dtype=np.float64)
        sigs = sorted((int(t), int(n), int(d)) for t, n, d in time_signatures)
        if not sigs or sigs[0][0] != 0:
            sigs.insert(0, (0, 4, 4))
        self.time_signatures = sigs

    @classmethod
    def from_chart(cls, chart: Chart) -> TempoMap:
        return cls(
            ((t.tick, t.bpm) for t in chart.tempo),
            chart.resolution,
            ((s.tick, s.num, s.den) for s in chart.time_signatures),
        )

    # -- scalar conversions ------------------------------------------------------------
    def _segment(self, tick: float) -> int:
        return max(0, bisect.bisect_right(self.ticks, tick) - 1)

    def seconds(self, tick: float) -> float:
        i = self._segment(tick)
        return self.starts[i] + (tick - self.ticks[i]) * self._spt[i]

    def seconds_exact(self, tick: int | Fraction) -> Fraction:
        i = max(0, bisect.bisect_right(self.ticks, tick) - 1)
        return self._starts_exact[i] + (Fraction(tick) - self.ticks[i]) * self._spt_exact[i]

    def tick_at(self, seconds: float) -> float:
        """The (fractional) tick at a time; before 0 s the first tempo extends backwards."""
        i = max(0, bisect.bisect_right(self.starts, seconds) - 1)
        return self.ticks[i] + (seconds - self.starts[i]) / self._spt[i]

    def bpm_at(self, tick: float) -> float:
        return self.bpms[self._segment(tick)]

    # -- vectorised ---------------------------------------------------------------------
    def seconds_array(self, ticks: Sequence[int] | npt.NDArray[np.integer] | npt.NDArray[np.floating]
                      ) -> npt.NDArray[np.float64]:
        arr = np.asarray(ticks, dtype=np.float64)
        idx = np.searchsorted(self._np_ticks, arr, side="right") - 1
        idx = np.clip(idx, 0, len(self.ticks) - 1)
        out: npt.NDArray[np.float64] = self._np_starts[idx] + (arr - self._np_ticks[idx]) * self._np_spt[idx]
        return out

    def ticks_array(self, seconds: Sequence[float] | npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
        arr = np.asarray(seconds, dtype=np.float64)
        idx = np.searchsorted(self._np_starts, arr, side="right") - 1
        idx = np.clip(idx, 0, len(self.ticks) - 1)
        out: npt.NDArray[np.float64] = self._np_ticks[idx] + (arr - self._np_starts[idx]) / self._np_spt[idx]
        return out

    # -- grid -------------------------------------------------------------------------
    def beat_ticks(self, tick: int) -> int:
        """Length of one beat (the time signature's denominator note) at `tick`."""
        _, _, den = self.signature_at(tick)
        return self.resolution * 4 // den

    def signature_at(self, tick: float) -> tuple[int, int, int]:
        i = max(0, bisect.bisect_right([s[0] for s in self.time_signatures], tick) - 1)
        return self.time_signatures[i]

    def grid(self, start_tick: int, end_tick: int) -> list[GridLine]:
        """Beat and measure lines in [start_tick, end_tick]. A signature change starts a
        new measure even when the previous one was cut short, as notation editors do."""
        lines: list[GridLine] = []
        measure = 0
        sigs = self.time_signatures
        for k, (sig_tick, num, den) in enumerate(sigs):
            seg_end = sigs[k + 1][0] if k + 1 < len(sigs) else None
            beat = self.resolution * 4 // den
            if beat <= 0:
                continue
            t = sig_tick
            beat_in_measure = 0
            while seg_end is None or t < seg_end:
                if t > end_tick:
                    return lines
                if beat_in_measure == 0:
                    measure += 1
                if t >= start_tick:
                    lines.append(GridLine(t, self.seconds(t), measure if beat_in_measure == 0 else None))
                t += beat
                beat_in_measure = (beat_in_measure + 1) % num
        return lines

    def measure_of(self, tick: int) -> int:
        """1-based measure number containing `tick`."""
        m = 0
        for line in self.grid(0, tick):
            if line.measure is not None:
                m = line.measure
        return m
