"""The duo coach: how two drummers come apart over a song, and what to practise.

`coach_report(coach_input(session))` (or `coach_session(session)`) is the whole report
as one frozen model: per player (accuracy, precision, unstable rate, early/late per
piece, tempo against the chart), for the pair (lean per drum pairing with its interval,
spread, who follows whom, joint drift) and at most three messages. It is a pure
function of the finished session, so a replay re-scored through a fresh session gives
an equal report; screens only draw it.
"""

from __future__ import annotations

import math

import numpy as np

from duet_drums.core.coach_input import CoachInput, coach_input, unison_errors
from duet_drums.core.coach_messages import messages
from duet_drums.core.coach_models import (
    CoachReport,
    Interval,
    PairCoach,
    PieceTiming,
    PlayerCoach,
    TempoReport,
    TempoWindow,
)
from duet_drums.core.coach_pair import coupling, offsets, spread
from duet_drums.core.coach_stats import Z95, Estimate, mean_sd
from duet_drums.core.coach_tempo import WindowSpec, bar_starts, tempo_report, window_specs
from duet_drums.core.kit import PIECES
from duet_drums.core.result import weakest_section
from duet_drums.core.session import DuetSession


def _pieces(inp: CoachInput, p: int) -> list[PieceTiming]:
    player = inp.players[p]
    perfect = inp.rules.perfect
    out = []
    names = np.asarray([str(x) for x in player.pieces])
    for piece in PIECES:
        e = player.errors[(names == str(piece)) & player.hit] if names.size else np.zeros(0)
        ms = mean_sd(e)
        if ms is None:
            continue
        mean, sd = ms
        half = Z95 * sd / math.sqrt(e.size) if e.size > 1 else 0.0
        out.append(PieceTiming(
            piece=str(piece), n=int(e.size),
            mean_ms=Interval.of(Estimate(mean, mean - half, mean + half, int(e.size)), 1000.0),
            sd_ms=sd * 1000.0, early=int(np.count_nonzero(e < -perfect)),
            late=int(np.count_nonzero(e > perfect))))
    return out


def _player(inp: CoachInput, p: int, specs: list[WindowSpec], bars: np.ndarray) -> PlayerCoach:
    player = inp.players[p]
    ok = player.hit
    e = player.errors[ok]
    ms = mean_sd(e)
    return PlayerCoach(
        label=player.label, notes=int(e.size + np.count_nonzero(~ok)), hits=int(e.size),
        mean_error_ms=None if ms is None else ms[0] * 1000.0,
        sd_ms=None if ms is None else ms[1] * 1000.0,
        unstable_rate=None if ms is None else 10.0 * ms[1] * 1000.0,
        pieces=_pieces(inp, p),
        tempo=tempo_report(player.times[ok], e, specs, bars, inp.tempo_map),
    )


def _both_drift(joint: TempoWindow, one: TempoWindow, other: TempoWindow) -> bool:
    """A joint drift is the pair's only when each player drifted the same way there."""
    if joint.drift is None or joint.drift_kind is None:
        return False
    field = "mean_bpm" if joint.drift_kind == "mean" else "end_bpm"
    for w in (one, other):
        x: Interval | None = getattr(w, field)
        if x is None or not x.excludes_zero or (x.value > 0) != (joint.drift.value > 0):
            return False
    return True


def _joint_tempo(inp: CoachInput, players: list[PlayerCoach], specs: list[WindowSpec],
                 bars: np.ndarray) -> TempoReport:
    e1 = unison_errors(inp.players[0], inp.n_unisons)
    e2 = unison_errors(inp.players[1], inp.n_unisons)
    joint = 0.5 * (e1 + e2)
    ok = np.isfinite(joint)
    report = tempo_report(inp.unison_times[ok], joint[ok], specs, bars, inp.tempo_map)
    windows = [
        w if _both_drift(w, a, b) else w.model_copy(update={"significant": False})
        for w, a, b in zip(report.windows, players[0].tempo.windows, players[1].tempo.windows, strict=True)
    ]
    return TempoReport(curve=report.curve, windows=windows)


def coach_report(inp: CoachInput) -> CoachReport:
    last = max((float(p.times[-1]) for p in inp.players if p.times.size), default=0.0)
    song_end = last + inp.rules.miss
    specs = window_specs(inp, song_end)
    last_tick = max((int(p.ticks[-1]) for p in inp.players if p.ticks.size), default=0)
    bars = bar_starts(inp.tempo_map, last_tick)
    players = [_player(inp, p, specs, bars) for p in (0, 1)]
    n = inp.n_unisons
    pair = PairCoach(
        unisons=n,
        hit_unisons=int(np.count_nonzero(np.isfinite(inp.asynchronies))),
        sync_percent=100.0 * math.fsum(inp.credits.tolist()) / n if n else 0.0,
        weakest_section=weakest_section(inp.sections),
        offsets=offsets(inp),
        spread=spread(inp),
        coupling=coupling(inp),
        drift=_joint_tempo(inp, players, specs, bars),
    )
    return CoachReport(chart_title=inp.title, strictness=inp.rules.strictness, players=players,
                       pair=pair, messages=messages(inp, pair))


def coach_session(session: DuetSession) -> CoachReport:
    """The report for a finished session (the results screen's entry point)."""
    return coach_report(coach_input(session))
