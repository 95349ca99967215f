"""The score database on disk: bests, tables, replays, practice runs."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from duet_drums.storage.scores import ScoreDB, ScoreEntry, scores_path


def _entry(name: str, score: int, **kw: object) -> ScoreEntry:
    base: dict[str, object] = dict(chart_id="song", part="lead", difficulty="expert",
                                   player_name=name, score=score, accuracy=90.0)
    base.update(kw)
    return ScoreEntry(**base)  # type: ignore[arg-type]


def test_new_best_and_table_survive_reopen(tmp_path: Path) -> None:
    db = ScoreDB()
    assert db.path == scores_path() and str(tmp_path) in str(db.path)
    first = db.save(_entry("Ann", 1000), replay=b"{}")
    assert first.new_best and first.previous_best is None and first.rank == 1
    worse = db.save(_entry("Ann", 900))
    assert not worse.new_best and worse.previous_best == 1000
    better = db.save(_entry("Ann", 1500, counts={"perfect": 3}))
    assert better.new_best and better.previous_best == 1000
    db.save(_entry("Bob", 1200))
    db.save(_entry("Cid", 5000, difficulty="easy"))
    db.close()

    db = ScoreDB()
    top = db.top("song", "lead", "expert")
    assert [(r.player_name, r.score) for r in top] == [("Ann", 1500), ("Bob", 1200)]
    assert top[0].counts == {"perfect": 3}
    assert db.replay(first.row_id) == b"{}" and db.replay(worse.row_id) is None
    assert db.count() == 5
    mode = sqlite3.connect(db.path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_practice_runs_never_count_as_best() -> None:
    db = ScoreDB()
    db.save(_entry("Ann", 100))
    slow = db.save(_entry("Ann", 99999, speed=0.5))
    assert not slow.new_best
    assert db.best("song", "lead", "expert") == 100
    assert [r.score for r in db.top("song", "lead", "expert")] == [100]
