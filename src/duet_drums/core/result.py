"""The end-of-song result: what the results screen shows, the score store keeps and a
replay re-scores to. A plain pydantic model so it serialises to JSON and compares with
`==` (a re-score must be *identical*, not merely close).

Every number here is derived from the final note arrays and the tick-ordered unison
list, never from the order events happened to arrive in, except score and max combo,
which the session makes order-independent by its determinism contract.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from duet_drums.core.chart import Chart
from duet_drums.core.notes import NoteTrack
from duet_drums.core.rules import JUDGEMENT_ORDER, MISS_INDEX, Judgement, Rules
from duet_drums.core.score import PlayerStats
from duet_drums.core.sync import SyncState, Unisons
from duet_drums.core.tempo import TempoMap

RESULT_VERSION = 1
INTRO_SECTION = "Intro"
MIN_UNISONS_FOR_WEAKEST = 4


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlayerResult(_Model):
    name: str
    part: str
    difficulty: str
    layout: str
    score: int
    accuracy: float
    counts: dict[Judgement, int]
    max_combo: int
    overhits: int
    notes: int
    mean_error_ms: float | None
    std_error_ms: float | None
    early: int
    late: int
    longest_perfect_streak: int
    dynamics_bonus_points: int
    duet_bonus_points: int
    # (note time s, error ms or None when not hit, judgement), in note order.
    timeline: list[tuple[float, float | None, Judgement]]


class SectionSync(_Model):
    name: str
    tick: int
    t: float
    sync_percent: float | None  # None: no unison in this section
    mean_asynchrony_ms: float | None
    unisons: int


class SyncResult(_Model):
    """`sync_percent` is mean credit over *all* unisons (0 for a chart without any);
    asynchronies are P1 minus P2 (positive = P2 leads)."""

    sync_percent: float
    unisons: int
    missed_unisons: int
    mean_asynchrony_ms: float | None
    std_asynchrony_ms: float | None
    leader: str
    # (unison time s, asynchrony ms or None when either missed, credit 0..1)
    timeline: list[tuple[float, float | None, float]]
    sections: list[SectionSync]
    weakest_section: str | None
    duet_bonus_points: int


class Result(_Model):
    version: int = RESULT_VERSION
    chart_title: str
    strictness: str
    players: list[PlayerResult]
    sync: SyncResult


def _mean_std_ms(values: Sequence[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    arr = np.asarray(values, dtype=np.float64) * 1000.0
    return float(arr.mean()), float(arr.std())


def player_result(name: str, track: NoteTrack, stats: PlayerStats, layout: str) -> PlayerResult:
    judgement = track.judgement
    counts = {j: int(np.count_nonzero(judgement == i)) for i, j in enumerate(JUDGEMENT_ORDER)}
    good_hits = (judgement >= 0) & (judgement < MISS_INDEX)
    mean, std = _mean_std_ms(track.errors[good_hits].tolist())
    errors = track.errors.tolist()
    timeline = [
        (t, None if math.isnan(e) else e * 1000.0, JUDGEMENT_ORDER[j] if j >= 0 else Judgement.MISS)
        for t, e, j in zip(track.times.tolist(), errors, judgement.tolist(), strict=True)
    ]
    return PlayerResult(
        name=name, part=track.part, difficulty=track.difficulty, layout=layout,
        score=stats.score, accuracy=stats.rules.accuracy_percent(counts), counts=counts,
        max_combo=stats.max_combo, overhits=stats.overhits, notes=len(track),
        mean_error_ms=mean, std_error_ms=std, early=stats.early, late=stats.late,
        longest_perfect_streak=stats.longest_perfect_streak,
        dynamics_bonus_points=stats.dynamics_bonus_points,
        duet_bonus_points=stats.duet_bonus_points, timeline=timeline,
    )


def section_breakdown(chart: Chart, tempo_map: TempoMap, unisons: Unisons,
                      credits: Sequence[float], asynchronies: Sequence[float | None]
                      ) -> list[SectionSync]:
    """Sync per chart section; unisons before the first section (or in a chart without
    sections) go to an "Intro" entry, listed only when it holds any unison."""
    starts: list[tuple[str, int]] = [(s.name, s.tick) for s in chart.sections]
    ticks = unisons.ticks.tolist()
    first = starts[0][1] if starts else None
    if first is None or (first > 0 and ticks and ticks[0] < first):
        starts.insert(0, (INTRO_SECTION, 0))
    section_ticks = [tick for _, tick in starts]
    members: list[list[int]] = [[] for _ in starts]
    for u, tick in enumerate(ticks):
        members[max(0, bisect.bisect_right(section_ticks, tick) - 1)].append(u)
    out: list[SectionSync] = []
    for (name, tick), us in zip(starts, members, strict=True):
        asyncs = [a for u in us if (a := asynchronies[u]) is not None]
        mean, _ = _mean_std_ms(asyncs)
        out.append(SectionSync(
            name=name, tick=tick, t=tempo_map.seconds(tick),
            sync_percent=100.0 * math.fsum(credits[u] for u in us) / len(us) if us else None,
            mean_asynchrony_ms=mean, unisons=len(us),
        ))
    return out


def weakest_section(sections: Sequence[SectionSync]) -> str | None:
    """Lowest sync % among sections with enough unisons to mean something; ties go to
    the earlier section (the one practice mode would reach first)."""
    best: SectionSync | None = None
    for s in sections:
        if s.unisons >= MIN_UNISONS_FOR_WEAKEST and s.sync_percent is not None and (
                best is None or best.sync_percent is None or s.sync_percent < best.sync_percent):
            best = s
    return best.name if best else None


def sync_result(chart: Chart, tempo_map: TempoMap, unisons: Unisons, state: SyncState,
                rules: Rules) -> SyncResult:
    credits, asynchronies = state.credits, state.asynchronies
    n = len(unisons)
    asyncs = [a for a in asynchronies if a is not None]
    mean, std = _mean_std_ms(asyncs)
    sections = section_breakdown(chart, tempo_map, unisons, credits, asynchronies)
    return SyncResult(
        sync_percent=100.0 * math.fsum(credits) / n if n else 0.0,
        unisons=n,
        missed_unisons=sum(1 for a in asynchronies if a is None),
        mean_asynchrony_ms=mean, std_asynchrony_ms=std,
        leader=rules.leader_of(mean),
        timeline=[(t, None if a is None else a * 1000.0, c)
                  for t, a, c in zip(unisons.times.tolist(), asynchronies, credits, strict=True)],
        sections=sections,
        weakest_section=weakest_section(sections),
        duet_bonus_points=state.duet_bonus_points,
    )
