"""One duet performance: two players' tracks judged live, scored, and synced.

The game loop feeds it calibrated hits (`hit`) and the song clock (`advance`), and draws
from `tracks`, `stats` and `sync`; `finish` gives the Result.

Determinism contract: the Result is a pure function of (chart, players, rules, each
player's hit stream). It does not depend on how `advance(t)` calls are interleaved with
hits, nor on how the two players' streams are interleaved with each other, as long as
each player's hits arrive in time order and no `advance(t)` passes a hit still to come
(t <= the time of every hit delivered after it). To keep that true, each hit first
sweeps its own player's expired notes up to its own time, and unisons are finalised in
tick order.

When input does arrive late (a hit earlier than the last advance, e.g. a MIDI stamp that
reached the game after the frame that advanced past it), the hit still judges against
the notes not yet missed, and the session notes the horizon it had reached in
`late_horizons`, so a replay re-scores to the identical result anyway.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from duet_drums.core.chart import Chart
from duet_drums.core.events import ComboBroken, Event, NoteJudged, Overhit
from duet_drums.core.hits import Hit
from duet_drums.core.judge import LaneJudge
from duet_drums.core.notes import NoteTrack
from duet_drums.core.result import Result, player_result, sync_result
from duet_drums.core.rules import Judgement, Rules, rules_for
from duet_drums.core.score import PlayerStats
from duet_drums.core.sync import SyncState, SyncTracker
from duet_drums.core.tempo import TempoMap

STANDARD_RULES = rules_for("standard")


@dataclass(frozen=True, slots=True)
class PlayerSetup:
    part: str
    difficulty: str
    layout: str = "5-lane"
    name: str = ""


class DuetSession:
    def __init__(self, chart: Chart, players: Sequence[PlayerSetup],
                 rules: Rules = STANDARD_RULES, tempo_map: TempoMap | None = None):
        if len(players) != 2:
            raise ValueError(f"a duet needs exactly two players, got {len(players)}")
        self.chart = chart
        self.tempo_map = tempo_map or TempoMap.from_chart(chart)
        self.rules = rules
        self.players: tuple[PlayerSetup, PlayerSetup] = (players[0], players[1])
        built = [NoteTrack.build(chart, p.part, p.difficulty, p.layout, self.tempo_map) for p in players]
        self.tracks: tuple[NoteTrack, NoteTrack] = (built[0], built[1])
        self.stats: tuple[PlayerStats, PlayerStats] = (
            PlayerStats(notes=len(built[0]), rules=rules), PlayerStats(notes=len(built[1]), rules=rules))
        self._judges = (LaneJudge(built[0], rules), LaneJudge(built[1], rules))
        self._sync = SyncTracker(self.tracks, rules)
        self.sync: SyncState = self._sync.state
        last = max((float(tr.times[-1]) for tr in self.tracks if len(tr)), default=0.0)
        self.end_time: float = last + rules.miss
        # The input log a replay is made from, in arrival order.
        self.hits: list[Hit] = []
        # (index into `hits`, that player's horizon) for hits that arrived late.
        self.late_horizons: list[tuple[int, float]] = []
        self._result: Result | None = None

    @property
    def finished(self) -> bool:
        return self._result is not None

    def hit(self, hit: Hit) -> list[Event]:
        if self._result is not None:
            return []
        p = hit.player
        if p not in (0, 1):
            raise ValueError(f"hit for player {p}: players are 0 (P1) and 1 (P2)")
        if not math.isfinite(hit.t):
            raise ValueError(f"hit at time {hit.t}: hit times must be finite song seconds")
        judge = self._judges[p]
        if hit.t < judge.horizon:
            self.late_horizons.append((len(self.hits), judge.horizon))
        self.hits.append(hit)
        events = self._expire(p, hit.t)
        track = self.tracks[p]
        stats = self.stats[p]
        lane = track.layout.lane_of(hit.piece)
        match = judge.judge(hit.t, lane)
        if match is None:
            events.append(Overhit(p, hit.t, lane, hit.piece))
            broken = stats.record_overhit()
            if broken is not None:
                events.append(ComboBroken(p, broken))
            return events
        i = match.index
        note_velocity = int(track.velocities[i]) or None
        points, broken = stats.record_note(match.judgement, match.error, note_velocity, hit.velocity)
        events.append(NoteJudged(p, i, match.judgement, match.error, hit.t, lane, track.pieces[i], points))
        if broken is not None:
            events.append(ComboBroken(p, broken))
        self._unisons(p, i, match.judgement is Judgement.MISS, hit.t, events)
        return events

    def advance(self, t: float) -> list[Event]:
        """Pass every note whose window closed before `t` (note time < t - miss)."""
        if self._result is not None:
            return []
        return self._expire(0, t) + self._expire(1, t)

    def advance_player(self, player: int, t: float) -> list[Event]:
        """Like `advance` for one player only (replays restore late-hit horizons)."""
        return self._expire(player, t)

    def finish(self) -> Result:
        if self._result is None:
            self.advance(math.inf)
            self._result = Result(
                chart_title=self.chart.metadata.title,
                strictness=self.rules.strictness,
                players=[
                    player_result(setup.name or f"Player {p + 1}", self.tracks[p], self.stats[p],
                                  setup.layout)
                    for p, setup in enumerate(self.players)
                ],
                sync=sync_result(self.chart, self.tempo_map, self._sync.unisons, self.sync, self.rules),
            )
        return self._result

    # -- internals ------------------------------------------------------------------
    def _expire(self, p: int, t: float) -> list[Event]:
        missed = self._judges[p].expire(t)
        if not missed:
            return []
        events: list[Event] = []
        track = self.tracks[p]
        stats = self.stats[p]
        times = track.times
        lanes = track.lanes
        for i in missed:
            _, broken = stats.record_note(Judgement.MISS, None, None, None)
            events.append(NoteJudged(p, i, Judgement.MISS, None, float(times[i]), int(lanes[i]),
                                     track.pieces[i], 0))
            if broken is not None:
                events.append(ComboBroken(p, broken))
            self._unisons(p, i, True, None, events)
        return events

    def _unisons(self, p: int, i: int, missed: bool, hit_time: float | None, events: list[Event]) -> None:
        for ev in self._sync.note_judged(p, i, missed, hit_time):
            if ev.duet_active:
                bonus = self.rules.duet_bonus_points(ev.credit)
                self.stats[0].add_duet_bonus(bonus)
                self.stats[1].add_duet_bonus(bonus)
            events.append(ev)
