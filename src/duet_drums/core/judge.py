"""Matching one player's hits to notes, lane by lane.

A hit judges the nearest still-open note of its lane within the miss window (ties go to
the earlier note, which the player is more likely aiming at). Each lane keeps its note
times as a sorted Python list, so finding a hit's note is one `bisect` plus a step over
the few already-judged neighbours inside the window — never a scan over the song.
Notes whose window has closed are swept by a single pointer over the time-sorted track.

The judge only decides *which* note a hit belongs to and its judgement; points, combo
and sync are the scorer's business.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from duet_drums.core.notes import NoteTrack
from duet_drums.core.rules import JUDGEMENT_ORDER, MISS_INDEX, Judgement, Rules

_INDEX = {j: i for i, j in enumerate(JUDGEMENT_ORDER)}


@dataclass(frozen=True, slots=True)
class Match:
    index: int
    judgement: Judgement
    error: float


class LaneJudge:
    """Judging state for one player's track (mutates the track's arrays in place)."""

    def __init__(self, track: NoteTrack, rules: Rules):
        self.track = track
        self.rules = rules
        self._times: list[float] = track.times.tolist()
        self._open: list[bool] = [j < 0 for j in track.judgement.tolist()]
        self._lane_times: list[list[float]] = [track.times[ix].tolist() for ix in track.lane_notes]
        self._lane_index: list[list[int]] = [ix.tolist() for ix in track.lane_notes]
        self._sweep = 0  # every note before this index is judged or expired
        self.horizon = -math.inf  # latest time this judge has been advanced to

    def expire(self, t: float) -> list[int]:
        """Close notes whose window ended before `t`; returns the indices newly missed."""
        if t > self.horizon:
            self.horizon = t
        cut = t - self.rules.miss
        times = self._times
        i = self._sweep
        n = len(times)
        if i >= n or times[i] >= cut:
            return []
        missed: list[int] = []
        is_open = self._open
        judgement = self.track.judgement
        while i < n and times[i] < cut:
            if is_open[i]:
                is_open[i] = False
                judgement[i] = MISS_INDEX
                missed.append(i)
            i += 1
        self._sweep = i
        return missed

    def judge(self, t: float, lane: int) -> Match | None:
        """Judge a hit at `t` on `lane`; None means an overhit (no open note in reach)."""
        if not 0 <= lane < len(self._lane_times):
            return None
        lt = self._lane_times[lane]
        lix = self._lane_index[lane]
        is_open = self._open
        window = self.rules.miss
        lo_cut = t - window
        pos = bisect.bisect_left(lt, t)
        left = pos - 1
        while left >= 0 and lt[left] >= lo_cut and not is_open[lix[left]]:
            left -= 1
        if left >= 0 and lt[left] < lo_cut:
            left = -1
        right = pos
        n = len(lt)
        while right < n and lt[right] - t <= window and not is_open[lix[right]]:
            right += 1
        if right < n and lt[right] - t > window:
            right = n
        if left < 0 and right >= n:
            return None
        k = left if right >= n or (left >= 0 and t - lt[left] <= lt[right] - t) else right
        index = lix[k]
        error = t - lt[k]
        judgement = self.rules.judgement_for(error)
        is_open[index] = False
        track = self.track
        track.judgement[index] = _INDEX[judgement]
        track.errors[index] = error
        track.hit_times[index] = t
        return Match(index, judgement, error)
