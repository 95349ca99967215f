"""A pair's coaching history in SQLite on disk: songs over sessions, the series a
progress plot draws, the same history whichever side each player sat on."""

from __future__ import annotations

import sqlite3

import pytest

from duet_drums.core.coach import coach_session
from duet_drums.core.ensemble import Musician, TempoDrift
from duet_drums.core.kit import Piece
from duet_drums.storage.pair_history import SESSION_GAP_S, PairHistoryDB
from duet_drums.storage.scores import ScoreDB, ScoreEntry, scores_path
from tests.coach_support import bar_time, drift_chart, medley, play


@pytest.fixture(scope="module")
def reports():
    chart = medley()

    def snare_late(s: float) -> tuple[Musician, Musician]:
        return Musician(), Musician(piece_offsets={Piece.SNARE: s})

    late_snare = coach_session(play(chart, snare_late(0.015), seed=1))
    tighter = coach_session(play(chart, snare_late(0.006), seed=2))
    both = Musician(drifts=(TempoDrift(bar_time(8), bar_time(10), 4.0),))
    drifting = coach_session(play(drift_chart(), (both, both), seed=1))
    return late_snare, tighter, drifting


def test_progress_over_sessions_in_the_callers_order(tmp_path, reports):
    late_snare, tighter, drifting = reports
    path = tmp_path / "scores.sqlite3"
    db = PairHistoryDB(path)
    t0 = 1_700_000_000.0
    db.record(("Bob", "Alice"), "summit-medley", late_snare, played_at=t0)        # Bob was P1
    db.record(("Alice", "Bob"), "drift", drifting, played_at=t0 + 300)
    db.record(("Alice", "Bob"), "summit-medley", tighter, played_at=t0 + SESSION_GAP_S + 7200)
    db.record(("Alice", "Cleo"), "summit-medley", tighter, played_at=t0)
    db.close()

    db = PairHistoryDB(path)  # what was written is on disk
    prog = db.progress("Bob", "Alice")
    assert prog.names == ("Bob", "Alice") and len(prog) == 3
    assert prog.chart_ids == ["summit-medley", "drift", "summit-medley"]
    assert prog.session == [0, 0, 1]
    assert prog.sync_percent[0] == pytest.approx(late_snare.pair.sync_percent)
    snare0 = next(o for o in late_snare.pair.offsets if o.pairing == "snare").mean_ms
    assert snare0 is not None and prog.offsets_ms["snare"][0] == pytest.approx(snare0.value)  # Bob − Alice
    assert prog.drift_bpm[0] is None and prog.drift_where[1] == "Part 5"
    assert prog.drift_bpm[1] is not None and prog.drift_bpm[1] > 2.5

    flipped = db.progress("Alice", "Bob", chart_id="summit-medley")
    assert len(flipped) == 2 and flipped.session == [0, 1]
    assert flipped.offsets_ms["snare"][0] == pytest.approx(-snare0.value)  # Alice − Bob
    # the lean shrank from one session to the next: what a progress plot shows
    assert abs(flipped.offsets_ms["snare"][1]) < abs(flipped.offsets_ms["snare"][0])
    assert db.pairs() == [("Alice", "Bob"), ("Alice", "Cleo")]
    assert db.report("Alice", "Bob", 1) == drifting
    db.close()


def test_coupling_verdicts_turn_with_the_pair(tmp_path, reports):
    follow = coach_session(play(medley(), (Musician(click_gain=0.3, timer_sigma=0.006),
                                           Musician(partner_gain=0.5, timer_sigma=0.006)), seed=1))
    assert follow.pair.coupling.verdict == "p2_follows_p1"
    db = PairHistoryDB(tmp_path / "h.sqlite3")
    db.record(("Zed", "Amy"), "summit-medley", follow, played_at=1.0)  # Amy (P2) follows Zed
    assert db.progress("Zed", "Amy").coupling == ["p2_follows_p1"]
    assert db.progress("Amy", "Zed").coupling == ["p1_follows_p2"]
    db.close()


def test_history_shares_the_score_file_without_touching_scores(reports):
    db = PairHistoryDB()
    assert db.path == scores_path()
    db.record(("A", "B"), "summit-medley", reports[0], played_at=5.0)
    db.close()
    scores = ScoreDB()
    scores.save(ScoreEntry("summit-medley", "lead", "expert", "A", 1000, 90.0))
    assert scores.count() == 1
    scores.close()
    with sqlite3.connect(scores_path()) as conn:
        assert conn.execute("SELECT COUNT(*) FROM pair_history").fetchone()[0] == 1


def test_a_pair_needs_two_names(tmp_path, reports):
    db = PairHistoryDB(tmp_path / "h.sqlite3")
    with pytest.raises(ValueError, match="two names"):
        db.record(("Ana", ""), "x", reports[0])
    db.close()
