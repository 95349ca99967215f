"""The pair's sync: how tightly two players strike together where the chart has both
of them play at once (a *unison*: a tick where both tracks have a note, any piece).

A player's time at a unison is the mean of their hit times on their notes at that tick,
so a flam inside one player's chord does not count against the pair. The asynchrony is
P1 minus P2 from the calibrated hit times, never against the chart: two players who are
both 20 ms late together are in sync. A unison where either player missed any of their
notes earns nothing, so one player alone can never earn sync credit.

Unisons are finalised strictly in tick order, once every note of both players at that
tick (and at every earlier unison) is judged. That keeps the duet bonus streak and the
running meter independent of how the game loop interleaves the two players' input.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from duet_drums.core.events import UnisonJudged
from duet_drums.core.notes import NoteTrack
from duet_drums.core.rules import Leader, Rules

RUNNING_WINDOW = 8        # unisons averaged by the live asynchrony meter (display only)


@dataclass(frozen=True)
class Unisons:
    ticks: npt.NDArray[np.int64]
    times: npt.NDArray[np.float64]
    # Per player: the note index range [start, end) of each unison in that track.
    starts: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]
    ends: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]

    @classmethod
    def build(cls, tracks: tuple[NoteTrack, NoteTrack]) -> Unisons:
        a, b = tracks
        ticks = np.intersect1d(a.ticks, b.ticks).astype(np.int64)
        starts = (np.searchsorted(a.ticks, ticks, "left"), np.searchsorted(b.ticks, ticks, "left"))
        ends = (np.searchsorted(a.ticks, ticks, "right"), np.searchsorted(b.ticks, ticks, "right"))
        times = a.times[starts[0]] if len(ticks) else np.zeros(0, dtype=np.float64)
        return cls(ticks, np.asarray(times, dtype=np.float64), starts, ends)

    def __len__(self) -> int:
        return len(self.ticks)

    def note_map(self, player: int, n_notes: int) -> npt.NDArray[np.intp]:
        """Unison id of each of `player`'s notes, -1 for notes not in a unison."""
        out = np.full(n_notes, -1, dtype=np.intp)
        for u, (s, e) in enumerate(zip(self.starts[player].tolist(), self.ends[player].tolist(),
                                       strict=True)):
            out[s:e] = u
        return out


@dataclass
class SyncState:
    """Live sync numbers for the HUD. `percent` is over the unisons judged so far
    (100 before the first one, like accuracy: nothing has gone wrong yet)."""

    unisons_total: int = 0
    unisons_judged: int = 0
    percent: float = 100.0
    running_ms: float | None = None
    leader: Leader = ""
    duet_active: bool = False
    duet_bonus_points: int = 0
    credits: list[float] = field(default_factory=list)
    asynchronies: list[float | None] = field(default_factory=list)


class SyncTracker:
    """Counts down each unison's open notes and finalises unisons in tick order."""

    def __init__(self, tracks: tuple[NoteTrack, NoteTrack], rules: Rules):
        self.tracks = tracks
        self.rules = rules
        self.unisons = Unisons.build(tracks)
        n = len(self.unisons)
        self._of_note = (self.unisons.note_map(0, len(tracks[0])).tolist(),
                         self.unisons.note_map(1, len(tracks[1])).tolist())
        self._remaining: list[int] = (
            (self.unisons.ends[0] - self.unisons.starts[0]) + (self.unisons.ends[1] - self.unisons.starts[1])
        ).tolist()
        # Per player, per note: hit time (None until hit) and whether it was a Miss —
        # plain lists, as finalising reads a handful of values each time.
        self._hit_times: tuple[list[float | None], list[float | None]] = (
            [None] * len(tracks[0]), [None] * len(tracks[1]))
        self._missed: tuple[list[bool], list[bool]] = ([False] * len(tracks[0]), [False] * len(tracks[1]))
        self._ranges = [
            list(zip(self.unisons.starts[p].tolist(), self.unisons.ends[p].tolist(), strict=True))
            for p in (0, 1)
        ]
        self._next = 0
        self._recent: deque[float] = deque(maxlen=RUNNING_WINDOW)
        self._streak = 0
        self._credit_sum = 0.0
        self.state = SyncState(unisons_total=n)

    def note_judged(self, player: int, index: int, missed: bool, hit_time: float | None
                    ) -> list[UnisonJudged]:
        """Record one judged note (`missed`: judged Miss, by a hit or by passing)."""
        u = self._of_note[player][index]
        if u < 0:
            return []
        self._hit_times[player][index] = hit_time
        self._missed[player][index] = missed
        self._remaining[u] -= 1
        if u != self._next or self._remaining[u] > 0:
            return []
        out: list[UnisonJudged] = []
        n = len(self._remaining)
        while self._next < n and self._remaining[self._next] == 0:
            out.append(self._finalise(self._next))
            self._next += 1
        return out

    def asynchrony(self, u: int) -> float | None:
        """P1 minus P2 at unison `u` (seconds), None if either player missed any note.
        `fsum` makes a chord's mean independent of the order its notes were hit in."""
        t: list[float] = []
        for p in (0, 1):
            s, e = self._ranges[p][u]
            if any(self._missed[p][s:e]):
                return None
            times = self._hit_times[p][s:e]
            if any(x is None for x in times):
                return None
            t.append(math.fsum(x for x in times if x is not None) / (e - s))
        return t[0] - t[1]

    def _finalise(self, u: int) -> UnisonJudged:
        a = self.asynchrony(u)
        credit = 0.0 if a is None else self.rules.sync_credit(a)
        st = self.state
        st.credits.append(credit)
        st.asynchronies.append(a)
        st.unisons_judged += 1
        self._credit_sum += credit
        st.percent = 100.0 * self._credit_sum / st.unisons_judged
        if a is not None:
            self._recent.append(a * 1000.0)
            st.running_ms = math.fsum(self._recent) / len(self._recent)
            st.leader = self.rules.leader_of(st.running_ms)
        rules = self.rules
        self._streak = self._streak + 1 if credit >= rules.duet_min_credit else 0
        st.duet_active = self._streak >= rules.duet_streak
        if st.duet_active:
            st.duet_bonus_points += rules.duet_bonus_points(credit)
        return UnisonJudged(
            tick=int(self.unisons.ticks[u]), t=float(self.unisons.times[u]),
            asynchrony=a, credit=credit, duet_active=st.duet_active,
        )
