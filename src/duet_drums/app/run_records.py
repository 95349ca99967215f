"""Keeping a finished song: scores and the replay go into the database once, when the
song completes, before any results are shown.

Round one saved from the results screen's constructor, so building that screen had a
side effect (and a second results screen for the same run would have saved twice).
Here the play scene hands the finished session to `RunRecords.finish` exactly once, and
the route to the results screen carries the outcome (new best, previous best, or why the
save failed); the results screen only shows it. AI players' scores are not stored.
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass

from duet_drums.app.play_setup import PlaySetup
from duet_drums.core.replay import replay_from_session, replay_to_json
from duet_drums.core.result import Result
from duet_drums.core.session import DuetSession
from duet_drums.settings import Calibration
from duet_drums.storage.scores import SaveOutcome, ScoreDB, ScoreEntry


@dataclass(frozen=True, slots=True)
class SaveReport:
    """Per player: what saving their score did (None: not saved, e.g. the AI partner or
    an unranked run); `error` says why nothing could be saved."""

    saved: tuple[SaveOutcome | None, SaveOutcome | None] = (None, None)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FinishedRun:
    setup: PlaySetup
    result: Result
    report: SaveReport


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


class RunRecords:
    """The service the play scene reports a finished song to; `last` is what scripts
    (`play --headless`, `--result-out`) read."""

    def __init__(self, scores: ScoreDB) -> None:
        self.scores = scores
        self.last: FinishedRun | None = None

    def finish(self, setup: PlaySetup, session: DuetSession, result: Result,
               calibration: Calibration) -> SaveReport:
        report = save_run(self.scores, setup, session, result, calibration,
                          created=time.strftime("%Y-%m-%dT%H:%M:%S"))
        self.last = FinishedRun(setup, result, report)
        return report
