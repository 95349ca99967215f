"""The coach during the song: who leads on the last unisons, and whether the pair as a
whole is rushing or dragging against the click.

The sync meter already shows the running asynchrony; what it cannot say is whether a
lean is real or the last few strokes' noise. `LiveCoach` names a leader only when the
mean asynchrony over the last `LEAD_WINDOW` unisons is beyond its own standard error
(95 %) *and* beyond the rules' full-credit window (the one threshold the sync score
uses), and names a tempo only once the pair's joint timing error over the last
`TEMPO_BEATS` beats has a slope that is significant and at least `MIN_DRIFT_BPM`. A
bar, because with a click in their ears a pair cannot rush for long before it hears it:
the drift shows in the bar where it happens, and would be averaged away over more.

It is fed unison by unison, in the order the session finalises them (tick order), and
reads each player's error at that unison from the session's note arrays, so a replay
fed through it gives the same readings.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from duet_drums.core.coach_stats import Z95
from duet_drums.core.coach_tempo import MIN_DRIFT_BPM, line_fit, rate_interval
from duet_drums.core.events import Event, UnisonJudged
from duet_drums.core.rules import MISS_INDEX
from duet_drums.core.session import DuetSession
from duet_drums.core.sync import Unisons

LEAD_WINDOW = 16
TEMPO_BEATS = 4
MIN_LEAD_UNISONS = 6

TempoWord = Literal["rushing", "dragging", ""]


@dataclass(frozen=True, slots=True)
class LiveReading:
    """`leader`: the label of the player ahead on the last unisons, "" while not
    significant. `lead_ms`: mean asynchrony there (P1 minus P2, ms), None before any.
    `tempo`: the pair's joint tempo against the click once significant, with
    `tempo_bpm` (positive = faster than the click), else "" and None."""

    leader: str = ""
    lead_ms: float | None = None
    tempo: TempoWord = ""
    tempo_bpm: float | None = None
    unisons: int = 0


class LiveCoach:
    def __init__(self, session: DuetSession):
        self._session = session
        unisons = Unisons.build(session.tracks)
        self._index = {tick: u for u, tick in enumerate(unisons.ticks.tolist())}
        self._ranges = [list(zip(unisons.starts[p].tolist(), unisons.ends[p].tolist(), strict=True))
                        for p in (0, 1)]
        self.labels = tuple(s.name or f"P{p + 1}" for p, s in enumerate(session.players))
        self._asyncs: deque[float] = deque(maxlen=LEAD_WINDOW)
        self._times: deque[float] = deque()
        self._joint: deque[float] = deque()
        self.reading = LiveReading()

    def feed(self, events: Iterable[Event]) -> LiveReading:
        """Take what `session.hit`/`advance` returned; only unisons matter here."""
        for ev in events:
            if isinstance(ev, UnisonJudged):
                self.on_unison(ev)
        return self.reading

    def on_unison(self, ev: UnisonJudged) -> LiveReading:
        u = self._index.get(ev.tick)
        if u is None:
            return self.reading
        errors = [self._error(p, u) for p in (0, 1)]
        if ev.asynchrony is not None:
            self._asyncs.append(ev.asynchrony * 1000.0)
        e1, e2 = errors
        if e1 is not None and e2 is not None:
            self._times.append(ev.t)
            self._joint.append(0.5 * (e1 + e2))
        horizon = ev.t - TEMPO_BEATS * 60.0 / self._session.tempo_map.bpm_at(ev.tick)
        while self._times and self._times[0] < horizon:
            self._times.popleft()
            self._joint.popleft()
        self.reading = LiveReading(*self._lead(), *self._tempo(ev.tick), unisons=self.reading.unisons + 1)
        return self.reading

    def _error(self, p: int, u: int) -> float | None:
        s, e = self._ranges[p][u]
        track = self._session.tracks[p]
        judged = track.judgement[s:e]
        if np.any((judged < 0) | (judged == MISS_INDEX)):
            return None
        return float(track.errors[s:e].mean())

    def _lead(self) -> tuple[str, float | None]:
        n = len(self._asyncs)
        if n == 0:
            return "", None
        a = np.fromiter(self._asyncs, dtype=np.float64, count=n)
        mean = float(a.mean())
        if n < MIN_LEAD_UNISONS:
            return "", mean
        se = float(a.std(ddof=1)) / math.sqrt(n)
        full_ms = self._session.rules.sync_full * 1000.0
        if abs(mean) <= Z95 * se or abs(mean) < full_ms:
            return "", mean
        return (self.labels[1] if mean > 0 else self.labels[0]), mean

    def _tempo(self, tick: int) -> tuple[TempoWord, float | None]:
        fit = line_fit(np.fromiter(self._times, dtype=np.float64, count=len(self._times)),
                       np.fromiter(self._joint, dtype=np.float64, count=len(self._joint)))
        if fit is None:
            return "", None
        bpm = rate_interval(fit[0], fit[1], self._session.tempo_map.bpm_at(tick), len(self._times))
        if not bpm.excludes_zero or abs(bpm.value) < MIN_DRIFT_BPM:
            return "", None
        return ("rushing" if bpm.value > 0 else "dragging"), bpm.value
