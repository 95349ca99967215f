"""High scores and replays in SQLite (WAL) under the user data dir.

A score is keyed by (chart id, part, difficulty, player name): the same pair of friends
playing lead/expert and partner/easy get one table each, which is what a player expects
from a high-score list. The chart hash is stored too so an edited chart's old scores can
be told apart, but it is not part of the key (a typo fix in a chart should not wipe the
table). Replays are stored as blobs next to the score: one file to back up, and a score
can never point at a replay that was deleted.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from duet_drums.settings import data_dir

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chart_id TEXT NOT NULL,
    chart_hash TEXT NOT NULL DEFAULT '',
    part TEXT NOT NULL,
    difficulty TEXT NOT NULL,
    player_name TEXT NOT NULL,
    player_index INTEGER NOT NULL DEFAULT 0,
    score INTEGER NOT NULL,
    accuracy REAL NOT NULL,
    max_combo INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}',
    sync_percent REAL,
    partner TEXT NOT NULL DEFAULT '',
    speed REAL NOT NULL DEFAULT 1.0,
    played_at REAL NOT NULL,
    replay BLOB
);
CREATE INDEX IF NOT EXISTS scores_key ON scores (chart_id, part, difficulty, score DESC);
"""


def scores_path() -> Path:
    return data_dir() / "scores.sqlite3"


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One player's finished run, as the results screen hands it to the database."""

    chart_id: str
    part: str
    difficulty: str
    player_name: str
    score: int
    accuracy: float
    max_combo: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    chart_hash: str = ""
    player_index: int = 0
    sync_percent: float | None = None
    partner: str = ""
    speed: float = 1.0


@dataclass(frozen=True, slots=True)
class ScoreRow:
    id: int
    chart_id: str
    part: str
    difficulty: str
    player_name: str
    score: int
    accuracy: float
    max_combo: int
    counts: dict[str, int]
    sync_percent: float | None
    partner: str
    speed: float
    played_at: float
    has_replay: bool


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    row_id: int
    # True when this run beats every earlier run by the same player on the same key
    # (the first run on a key is a new best too: there was nothing to beat).
    new_best: bool
    previous_best: int | None
    rank: int  # 1-based place in the table for this chart/part/difficulty


class ScoreDB:
    """A small, explicit wrapper: every method opens nothing new and commits at once.

    Practice runs (speed < 1) are stored but never count as bests nor appear in the
    high-score table: slowing a song down must not buy a record.
    """

    def __init__(self, path: Path | None = None):
        self.path = path or scores_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        self._conn.commit()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._conn:
            yield self._conn

    def best(self, chart_id: str, part: str, difficulty: str, player_name: str | None = None) -> int | None:
        sql = ("SELECT MAX(score) FROM scores WHERE chart_id=? AND part=? AND difficulty=? "
               "AND speed >= 1.0")
        params: list[object] = [chart_id, part, difficulty]
        if player_name is not None:
            sql += " AND player_name=?"
            params.append(player_name)
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def save(self, entry: ScoreEntry, replay: bytes | None = None) -> SaveOutcome:
        practice = entry.speed < 1.0
        previous = self.best(entry.chart_id, entry.part, entry.difficulty, entry.player_name)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT INTO scores (chart_id, chart_hash, part, difficulty, player_name, player_index,"
                " score, accuracy, max_combo, counts, sync_percent, partner, speed, played_at, replay)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (entry.chart_id, entry.chart_hash, entry.part, entry.difficulty, entry.player_name,
                 entry.player_index, int(entry.score), float(entry.accuracy), int(entry.max_combo),
                 json.dumps(entry.counts, sort_keys=True), entry.sync_percent, entry.partner,
                 float(entry.speed), time.time(), replay),
            )
            row_id = int(cur.lastrowid or 0)
        new_best = not practice and (previous is None or entry.score > previous)
        rank_row = self._conn.execute(
            "SELECT COUNT(*) FROM scores WHERE chart_id=? AND part=? AND difficulty=? AND speed >= 1.0"
            " AND score > ?",
            (entry.chart_id, entry.part, entry.difficulty, int(entry.score)),
        ).fetchone()
        return SaveOutcome(row_id, new_best, previous, int(rank_row[0]) + 1)

    def top(self, chart_id: str, part: str, difficulty: str, limit: int = 10) -> list[ScoreRow]:
        """Best runs first; each player appears once, with their best run."""
        rows = self._conn.execute(
            "SELECT id, chart_id, part, difficulty, player_name, score, accuracy, max_combo, counts,"
            " sync_percent, partner, speed, played_at, replay IS NOT NULL FROM scores s"
            " WHERE chart_id=? AND part=? AND difficulty=? AND speed >= 1.0 AND id = ("
            "   SELECT id FROM scores t WHERE t.chart_id=s.chart_id AND t.part=s.part"
            "   AND t.difficulty=s.difficulty AND t.player_name=s.player_name AND t.speed >= 1.0"
            "   ORDER BY score DESC, played_at ASC LIMIT 1)"
            " ORDER BY score DESC, played_at ASC LIMIT ?",
            (chart_id, part, difficulty, limit),
        ).fetchall()
        return [_row(r) for r in rows]

    def replay(self, row_id: int) -> bytes | None:
        row = self._conn.execute("SELECT replay FROM scores WHERE id=?", (row_id,)).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

    def keys(self) -> list[tuple[str, str, str]]:
        """Every (chart id, part, difficulty) with at least one ranked run."""
        rows = self._conn.execute(
            "SELECT DISTINCT chart_id, part, difficulty FROM scores WHERE speed >= 1.0"
            " ORDER BY chart_id, part, difficulty").fetchall()
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM scores").fetchone()[0])


def _row(r: tuple[object, ...]) -> ScoreRow:
    return ScoreRow(
        id=int(r[0]),  # type: ignore[call-overload]
        chart_id=str(r[1]), part=str(r[2]), difficulty=str(r[3]), player_name=str(r[4]),
        score=int(r[5]), accuracy=float(r[6]), max_combo=int(r[7]),  # type: ignore[call-overload,arg-type]
        counts=json.loads(str(r[8])), sync_percent=None if r[9] is None else float(r[9]),  # type: ignore[arg-type]
        partner=str(r[10]), speed=float(r[11]), played_at=float(r[12]),  # type: ignore[arg-type]
        has_replay=bool(r[13]),
    )
