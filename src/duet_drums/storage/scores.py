"""High scores and replays in SQLite (WAL) under the user data dir.

A score is keyed by (chart id, part, difficulty, player name): the same pair of friends
playing lead/expert and partner/easy get one table each, which is what a player expects
from a high-score list. The chart hash is stored too so an edited chart's old scores can
be told apart, but it is not part of the key (a typo fix in a chart should not wipe the
table). Replays are stored as blobs next to the score: one file to back up, and a score
can never point at a replay that was deleted.

Nothing here raises at the game. Opening repairs what it can (`storage.dbfile`: a damaged
file is set aside, an unwritable one is read into memory) and says so in `notices`.
A save that finds the database locked retries with backoff for `SAVE_PATIENCE_S`, then
keeps the run in a pending file (`storage.pending`) that the next start merges in; each
`SaveOutcome` says where the run went and, when it is not in the database, why.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from duet_drums.set_aside import set_aside
from duet_drums.settings import data_dir
from duet_drums.storage.dbfile import error_kind, open_database, rows_or_notice
from duet_drums.storage.pending import (
    PendingError,
    PendingRun,
    ScoreEntry,
    pending_dir,
    pending_files,
    read_pending,
    write_pending,
)

__all__ = ["SAVE_PATIENCE_S", "SaveOutcome", "ScoreDB", "ScoreEntry", "ScoreRow", "scores_path"]

# How long a save keeps retrying a locked database before it writes a pending file:
# long enough for another program's short transaction, short enough that the results
# screen is not held up for long.
SAVE_PATIENCE_S = 2.0
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


Stored = Literal["database", "pending", "memory"]


@dataclass(frozen=True, slots=True)
class SaveOutcome:
    row_id: int | None  # None unless stored == "database"
    # True when this run beats every earlier run by the same player on the same key
    # (the first run on a key is a new best too: there was nothing to beat).
    new_best: bool
    previous_best: int | None
    rank: int  # 1-based place in the table for this chart/part/difficulty
    # "database": saved. "pending": in a pending file, added to the database at the next
    # start. "memory": only in this session's tables (read-only folder, full disk).
    stored: Stored = "database"
    notice: str | None = None  # for the player when stored != "database"


_COLUMNS = ("chart_id, chart_hash, part, difficulty, player_name, player_index, score, accuracy,"
            " max_combo, counts, sync_percent, partner, speed, played_at, replay")


def _init(conn: sqlite3.Connection) -> None:
    """Create what is missing, and write nothing when all is there: a database another
    program holds locked can still be opened and read."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='scores'").fetchone() is None:
        conn.executescript(_SCHEMA)
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


class ScoreDB:
    """A small, explicit wrapper: every method opens nothing new and commits at once.

    Practice runs (speed < 1) are stored but never count as bests nor appear in the
    high-score table: slowing a song down must not buy a record.

    `notices` collects what the player should be told (a database set aside, scores
    kept in memory only, pending runs merged); `persistent` is False when nothing this
    session saves can reach the disk.
    """

    def __init__(self, path: Path | None = None, *, patience_s: float = SAVE_PATIENCE_S):
        self.path = path or scores_path()
        self.patience_s = patience_s
        opened = open_database(self.path, _init, "score database")
        self._conn = opened.conn
        self.persistent = opened.persistent
        self.notices: list[str] = list(opened.notices)
        self._unsaved: list[PendingRun] = []
        if self.persistent:
            self.merge_pending()

    def close(self) -> None:
        self._keep_unsaved()
        self._conn.close()

    # -- reading ----------------------------------------------------------------------
    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return rows_or_notice(self._conn, sql, params, self.notices, f"the score database {self.path}")

    def best(self, chart_id: str, part: str, difficulty: str, player_name: str | None = None) -> int | None:
        sql = ("SELECT MAX(score) FROM scores WHERE chart_id=? AND part=? AND difficulty=? "
               "AND speed >= 1.0")
        params: list[object] = [chart_id, part, difficulty]
        if player_name is not None:
            sql += " AND player_name=?"
            params.append(player_name)
        rows = self._read(sql, params)
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    def _rank(self, entry: ScoreEntry) -> int:
        rows = self._read(
            "SELECT COUNT(*) FROM scores WHERE chart_id=? AND part=? AND difficulty=? AND speed >= 1.0"
            " AND score > ?", (entry.chart_id, entry.part, entry.difficulty, int(entry.score)))
        return int(rows[0][0]) + 1 if rows else 1

    # -- saving -----------------------------------------------------------------------
    def save(self, entry: ScoreEntry, replay: bytes | None = None) -> SaveOutcome:
        return self.save_all([entry], replay)[0]

    def save_all(self, entries: Sequence[ScoreEntry], replay: bytes | None = None) -> list[SaveOutcome]:
        """Save one run's entries (both players) together, with the replay on each row.

        Never raises. A locked database is retried with backoff for `patience_s`; then
        (or on any other write failure) the run goes to a pending file, and only when
        that fails too does it stay in memory (retried on the next save and on close).
        """
        if not entries:
            return []
        played_at = time.time()
        previous = [self.best(e.chart_id, e.part, e.difficulty, e.player_name) for e in entries]
        run = PendingRun(played_at, tuple(entries), replay)
        self._keep_unsaved()
        stored: Stored
        row_ids: list[int | None]
        notice = None
        if self.persistent:
            ids, reason = self._insert_patiently(run)
            if ids is not None:
                stored, row_ids = "database", list(ids)
            else:
                stored, notice = self._keep(run, reason)
                row_ids = [None] * len(entries)
        else:
            with contextlib.suppress(sqlite3.Error):
                self._insert(run)  # this session's tables show it
            stored, notice = self._keep(run, f"{self.path} cannot be written")
            row_ids = [None] * len(entries)
        return [SaveOutcome(row_id, e.speed >= 1.0 and (prev is None or e.score > prev), prev,
                            self._rank(e), stored, notice)
                for e, prev, row_id in zip(entries, previous, row_ids, strict=True)]

    def _insert(self, run: PendingRun) -> list[int]:
        """One transaction for the whole run; a run already stored (same players, same
        `played_at`) is not stored twice, so merging a pending file can be repeated."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            ids: list[int] = []
            for e in run.entries:
                row = conn.execute(
                    "SELECT id FROM scores WHERE chart_id=? AND part=? AND difficulty=? AND player_name=?"
                    " AND player_index=? AND played_at=?",
                    (e.chart_id, e.part, e.difficulty, e.player_name, e.player_index, run.played_at),
                ).fetchone()
                if row is not None:
                    ids.append(int(row[0]))
                    continue
                cur = conn.execute(
                    f"INSERT INTO scores ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (e.chart_id, e.chart_hash, e.part, e.difficulty, e.player_name, e.player_index,
                     int(e.score), float(e.accuracy), int(e.max_combo), json.dumps(e.counts, sort_keys=True),
                     e.sync_percent, e.partner, float(e.speed), run.played_at, run.replay))
                ids.append(int(cur.lastrowid or 0))
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        return ids

    def _insert_patiently(self, run: PendingRun) -> tuple[list[int] | None, str]:
        deadline = time.monotonic() + self.patience_s
        delay = 0.05
        while True:
            try:
                return self._insert(run), ""
            except sqlite3.Error as exc:
                if error_kind(exc) != "busy":
                    return None, str(exc)
                if time.monotonic() + delay > deadline:
                    return None, f"locked by another program for {self.patience_s:g} s"
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _keep(self, run: PendingRun, reason: str) -> tuple[Stored, str]:
        try:
            where = write_pending(pending_dir(self.path), run.entries, run.replay, run.played_at)
        except OSError as exc:
            self._unsaved.append(run)
            return "memory", (f"score not saved: {reason}, nor {pending_dir(self.path)} "
                              f"({exc.strerror or exc}); it shows in the tables until the game closes")
        return "pending", (f"score not saved yet: {reason}; kept in {where}, added to the table "
                           "when the game next starts")

    def _keep_unsaved(self) -> None:
        """Runs held in memory get another chance at a pending file."""
        still: list[PendingRun] = []
        for run in self._unsaved:
            try:
                write_pending(pending_dir(self.path), run.entries, run.replay, run.played_at)
            except OSError:
                still.append(run)
        self._unsaved = still

    def merge_pending(self) -> int:
        """Add runs kept in pending files; returns how many were added. A file that is
        not a pending run is set aside; a database still locked leaves the rest for
        the next time."""
        merged = 0
        for path in pending_files(pending_dir(self.path)):
            try:
                run = read_pending(path)
            except PendingError as exc:
                try:
                    self.notices.append(f"{exc}; moved to {set_aside(path)}")
                except OSError:
                    self.notices.append(f"{exc}; left in place")
                continue
            try:
                self._insert(run)
            except sqlite3.Error as exc:
                self.notices.append(f"{path}: a run waiting to be saved could not be added yet ({exc})")
                break
            with contextlib.suppress(OSError):
                path.unlink()
            merged += 1
        if merged:
            self.notices.append(f"added {merged} run(s) kept from when the score database could not be "
                                "written")
        return merged

    # -- tables -----------------------------------------------------------------------
    def top(self, chart_id: str, part: str, difficulty: str, limit: int = 10) -> list[ScoreRow]:
        """Best runs first; each player appears once, with their best run."""
        rows = self._read(
            "SELECT id, chart_id, part, difficulty, player_name, score, accuracy, max_combo, counts,"
            " sync_percent, partner, speed, played_at, replay IS NOT NULL FROM scores s"
            " WHERE chart_id=? AND part=? AND difficulty=? AND speed >= 1.0 AND id = ("
            "   SELECT id FROM scores t WHERE t.chart_id=s.chart_id AND t.part=s.part"
            "   AND t.difficulty=s.difficulty AND t.player_name=s.player_name AND t.speed >= 1.0"
            "   ORDER BY score DESC, played_at ASC LIMIT 1)"
            " ORDER BY score DESC, played_at ASC LIMIT ?",
            (chart_id, part, difficulty, limit),
        )
        return [_row(r) for r in rows]

    def replay(self, row_id: int) -> bytes | None:
        rows = self._read("SELECT replay FROM scores WHERE id=?", (row_id,))
        return None if not rows or rows[0][0] is None else bytes(rows[0][0])

    def keys(self) -> list[tuple[str, str, str]]:
        """Every (chart id, part, difficulty) with at least one ranked run."""
        rows = self._read("SELECT DISTINCT chart_id, part, difficulty FROM scores WHERE speed >= 1.0"
                          " ORDER BY chart_id, part, difficulty")
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def count(self) -> int:
        rows = self._read("SELECT COUNT(*) FROM scores")
        return int(rows[0][0]) if rows else 0


def _row(r: tuple[object, ...]) -> ScoreRow:
    return ScoreRow(
        id=int(r[0]),  # type: ignore[call-overload]
        chart_id=str(r[1]), part=str(r[2]), difficulty=str(r[3]), player_name=str(r[4]),
        score=int(r[5]), accuracy=float(r[6]), max_combo=int(r[7]),  # type: ignore[call-overload,arg-type]
        counts=json.loads(str(r[8])), sync_percent=None if r[9] is None else float(r[9]),  # type: ignore[arg-type]
        partner=str(r[10]), speed=float(r[11]), played_at=float(r[12]),  # type: ignore[arg-type]
        has_replay=bool(r[13]),
    )
