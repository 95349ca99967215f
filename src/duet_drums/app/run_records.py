"""Keeping a finished song: scores and the replay go into the database once, when the
song completes, before any results are shown.

Round one saved from the results screen's constructor, so building that screen had a
side effect (and a second results screen for the same run would have saved twice).
Here the play scene hands the finished session to `RunRecords.finish` exactly once, and
the route to the results screen carries the outcome (new best, previous best, or why the
save failed); the results screen only shows it. AI players' scores are not stored.

The duo coach's report is computed here too, once, from the finished session (the same
core call `duet-drums coach` makes on the saved replay, so the panel and the command
agree), with the drill each message offers; the route carries both. Two people playing a
real song (not practice, no AI partner) get it recorded in their pair's history.
"""

from __future__ import annotations

import gzip
import logging
import sqlite3
import time
from dataclasses import dataclass

from duet_drums.app.play_setup import PlaySetup
from duet_drums.core.coach import coach_report
from duet_drums.core.coach_input import coach_input
from duet_drums.core.coach_models import CoachReport
from duet_drums.core.drills import DrillOffer, drill_offers
from duet_drums.core.replay import replay_from_session, replay_to_json
from duet_drums.core.result import Result
from duet_drums.core.session import DuetSession
from duet_drums.settings import Calibration
from duet_drums.storage.pair_history import PairHistoryDB
from duet_drums.storage.scores import SaveOutcome, ScoreDB, ScoreEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SaveReport:
    """Per player: what saving their score did (None: not saved, e.g. the AI partner or
    an unranked run); `error` says why nothing could be saved."""

    saved: tuple[SaveOutcome | None, SaveOutcome | None] = (None, None)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class CoachOutcome:
    """The coach's report for the run, the drill each message offers (None for a
    message without one), and the pair's history: `pair` is the two names it was kept
    under (None: not recorded, e.g. the AI partner or practice), `history_error` why
    recording failed."""

    report: CoachReport
    offers: tuple[DrillOffer | None, ...] = ()
    pair: tuple[str, str] | None = None
    history_error: str | None = None


@dataclass(frozen=True, slots=True)
class FinishedRun:
    setup: PlaySetup
    result: Result
    report: SaveReport
    coach: CoachOutcome | None = None


def save_run(scores: ScoreDB, setup: PlaySetup, session: DuetSession, result: Result,
             calibration: Calibration, created: str) -> SaveReport:
    """Store each human player's score with the run's replay. A full disk must not cost
    the players their results screen: a failure becomes the report's error."""
    if not setup.ranked:
        return SaveReport()
    entry = setup.entry
    replay = replay_from_session(session, entry.id, created=created, calibration=calibration.model_dump())
    blob = gzip.compress(replay_to_json(replay).encode("utf-8"), mtime=0)
    humans = [p for p, choice in enumerate(setup.players) if not choice.is_ai]
    entries = [
        ScoreEntry(
            chart_id=entry.id, chart_hash=entry.hash, part=pr.part, difficulty=pr.difficulty,
            player_name=setup.players[p].name, player_index=p, score=pr.score, accuracy=pr.accuracy,
            max_combo=pr.max_combo, counts={str(k): v for k, v in pr.counts.items()},
            sync_percent=result.sync.sync_percent, partner=setup.players[1 - p].display_name,
            speed=setup.speed,
        )
        for p in humans
        for pr in (result.players[p],)
    ]
    saved: list[SaveOutcome | None] = [None, None]
    try:
        outcomes = scores.save_all(entries, replay=blob)
    except Exception as exc:  # save_all keeps runs it cannot write; this is a last resort
        return SaveReport((None, None), f"could not save the score: {exc}")
    for p, outcome in zip(humans, outcomes, strict=True):
        saved[p] = outcome
    # Kept in a pending file or in memory only: say where and why, once.
    notices = {o.notice for o in outcomes if o.notice}
    return SaveReport((saved[0], saved[1]), "; ".join(sorted(notices)) or None)


def coach_run(session: DuetSession) -> tuple[CoachReport, tuple[DrillOffer | None, ...]]:
    """The coach's report and drill offers for a finished session (one extraction)."""
    inp = coach_input(session)
    report = coach_report(inp)
    return report, drill_offers(inp, report)


class RunRecords:
    """The service the play scene reports a finished song to; `last` is what scripts
    (`play --headless`, `--result-out`) read. The pair history lives in the score
    database's file and is opened on first use."""

    def __init__(self, scores: ScoreDB) -> None:
        self.scores = scores
        self.last: FinishedRun | None = None
        self._history: PairHistoryDB | None = None

    def history(self) -> PairHistoryDB:
        """The pairs' coaching history (raises sqlite3.Error / OSError when the file
        cannot be opened; callers say so)."""
        if self._history is None:
            self._history = PairHistoryDB(self.scores.path)
        return self._history

    def finish(self, setup: PlaySetup, session: DuetSession, result: Result,
               calibration: Calibration) -> FinishedRun:
        report = save_run(self.scores, setup, session, result, calibration,
                          created=time.strftime("%Y-%m-%dT%H:%M:%S"))
        self.last = FinishedRun(setup, result, report, self._coach(setup, session))
        return self.last

    def _coach(self, setup: PlaySetup, session: DuetSession) -> CoachOutcome | None:
        try:
            report, offers = coach_run(session)
        except Exception:  # a coach bug must not cost the players their results screen
            log.exception("the duo coach failed on this run")
            return None
        pair = setup.human_pair
        if pair is None:
            return CoachOutcome(report, offers)
        try:
            self.history().record(pair, setup.entry.id, report)
        except (sqlite3.Error, OSError) as exc:
            return CoachOutcome(report, offers, None, f"pair history not saved ({exc})")
        return CoachOutcome(report, offers, pair)

    def close(self) -> None:
        if self._history is not None:
            self._history.close()
            self._history = None
