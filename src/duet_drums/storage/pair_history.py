"""A pair's coaching history: sync, leans and drift per song, over the sessions they play.

Kept in the score database's file (its own table, so the score store stays as it is):
one file to back up, WAL like the rest. A pair is two player names, stored in sorted
order so Alice-and-Bob is one history whichever side each sat on; the leans are turned
to match (stored as the first name's time minus the second's), and `progress` turns
them back to the order the caller names the pair in. The full report is kept too, as
JSON, so a later screen can show any song again without its replay.

A *session* is a sitting: songs less than `SESSION_GAP_S` apart belong to one.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duet_drums.core.coach_input import PAIRING_NAMES
from duet_drums.core.coach_models import CoachReport
from duet_drums.storage.dbfile import error_kind, rows_or_notice
from duet_drums.storage.scores import scores_path

SESSION_GAP_S = 3600.0
# Another program's transaction on the shared file is waited for this long, no more: the
# results screen is waiting on a write.
BUSY_TIMEOUT_S = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pair_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name_a TEXT NOT NULL,
    name_b TEXT NOT NULL,
    chart_id TEXT NOT NULL,
    played_at REAL NOT NULL,
    sync_percent REAL NOT NULL,
    offsets TEXT NOT NULL,
    spread_ms REAL,
    drift_bpm REAL,
    drift_where TEXT NOT NULL DEFAULT '',
    coupling TEXT NOT NULL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pair_history_key ON pair_history (name_a, name_b, chart_id, played_at);
"""

_FLIP_VERDICT = {"p2_follows_p1": "p1_follows_p2", "p1_follows_p2": "p2_follows_p1"}


@dataclass(frozen=True, slots=True)
class PairProgress:
    """The series a progress plot draws, oldest first, one point per song played.

    `offsets_ms[pairing][i]` is the lean on that pairing in song i, as first name's time
    minus second name's (positive = the second name ahead), None where it was not shown;
    `drift_bpm[i]` the strongest joint drift the coach found (None: none significant),
    `drift_where[i]` its window; `coupling[i]` the verdict with P1 = the first name."""

    names: tuple[str, str]
    chart_ids: list[str] = field(default_factory=list)
    played_at: list[float] = field(default_factory=list)
    session: list[int] = field(default_factory=list)
    sync_percent: list[float] = field(default_factory=list)
    offsets_ms: dict[str, list[float | None]] = field(
        default_factory=lambda: {p: [] for p in PAIRING_NAMES})
    spread_ms: list[float | None] = field(default_factory=list)
    drift_bpm: list[float | None] = field(default_factory=list)
    drift_where: list[str] = field(default_factory=list)
    coupling: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.played_at)


def _strongest_drift(report: CoachReport) -> tuple[float | None, str]:
    best: tuple[float | None, str] = (None, "")
    for w in report.pair.drift.windows:
        stat = w.drift if w.significant else None
        if stat is not None and (best[0] is None or abs(stat.value) > abs(best[0])):
            best = (stat.value, w.name)
    return best


class PairHistoryDB:
    """Writes are one transaction each (WAL, `synchronous=FULL`, as the scores). Reads
    never raise: a row that does not decode (a damaged page, a hand edit) is left out
    and counted in `skipped_rows`, and a database that cannot be read gives what was
    read so far; `notices` says so. Opening raises sqlite3.Error / OSError (the caller
    says "pair history not saved"); a lock is waited for `BUSY_TIMEOUT_S` first."""

    def __init__(self, path: Path | None = None):
        self.path = path or scores_path()
        self.notices: list[str] = []
        self.skipped_rows = 0
        self._waiting: list[tuple[object, ...]] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            if self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='pair_history'"
                                  ).fetchone() is None:
                self._conn.executescript(_SCHEMA)
                self._conn.commit()
        except BaseException:
            self._conn.close()
            raise

    def _rows(self, sql: str, params: list[object]) -> list[tuple[Any, ...]]:
        return rows_or_notice(self._conn, sql, params, self.notices, f"the pair history in {self.path}")

    def close(self) -> None:
        """Songs kept from a locked write get a last chance before the file is closed."""
        with contextlib.suppress(sqlite3.Error):
            self._write_waiting()
        self._conn.close()

    @property
    def waiting(self) -> int:
        """Songs recorded while the database was locked, not yet written."""
        return len(self._waiting)

    def _write_waiting(self) -> None:
        while self._waiting:
            self._insert(self._waiting[0])
            self._waiting.pop(0)

    def _insert(self, row: tuple[object, ...]) -> int:
        with self._conn:
            cur = self._conn.execute(
                "INSERT INTO pair_history (name_a, name_b, chart_id, played_at, sync_percent, offsets,"
                " spread_ms, drift_bpm, drift_where, coupling, report) VALUES (?,?,?,?,?,?,?,?,?,?,?)", row)
        return int(cur.lastrowid or 0)

    def record(self, names: tuple[str, str], chart_id: str, report: CoachReport,
               played_at: float | None = None) -> int:
        """Store one song's report for the pair (`names` as P1, P2); returns the row id.

        A database locked past `BUSY_TIMEOUT_S` raises sqlite3.OperationalError saying the
        song is kept: it is written before the next song's, or when the history is closed
        (the game closing), whichever finds the lock gone first."""
        if not names[0] or not names[1]:
            raise ValueError(f"a pair needs two names, got {names!r}")
        flip = names[1] < names[0]
        sign = -1.0 if flip else 1.0
        offsets = {o.pairing: (None if o.mean_ms is None else sign * o.mean_ms.value)
                   for o in report.pair.offsets}
        verdict: str = report.pair.coupling.verdict
        if flip:
            verdict = _FLIP_VERDICT.get(verdict, verdict)
        drift, where = _strongest_drift(report)
        a, b = sorted(names)
        row = (a, b, chart_id, time.time() if played_at is None else float(played_at),
               report.pair.sync_percent, json.dumps(offsets, sort_keys=True), report.pair.spread.sd_ms,
               drift, where, verdict, report.model_dump_json())
        self._waiting.append(row)  # oldest first: this song is last
        try:
            row_id = 0
            while self._waiting:
                row_id = self._insert(self._waiting[0])
                self._waiting.pop(0)
            return row_id
        except sqlite3.OperationalError as exc:
            if error_kind(exc) != "busy":
                self._waiting.pop()  # not a lock: a later try would fare no better
                raise
            raise sqlite3.OperationalError(
                f"{exc}: kept, and written after the next song or when the game closes") from None

    def progress(self, first: str, second: str, chart_id: str | None = None) -> PairProgress:
        """The pair's songs in time order (only `chart_id`'s when given), oriented with
        `first` as P1."""
        flip = second < first
        a, b = sorted((first, second))
        sql = ("SELECT chart_id, played_at, sync_percent, offsets, spread_ms, drift_bpm, drift_where,"
               " coupling FROM pair_history WHERE name_a=? AND name_b=?")
        params: list[object] = [a, b]
        if chart_id is not None:
            sql += " AND chart_id=?"
            params.append(chart_id)
        out = PairProgress(names=(first, second))
        sign = -1.0 if flip else 1.0
        last: float | None = None
        session = -1
        rows = self._rows(sql + " ORDER BY played_at, id", params)
        for row in rows:
            point = _point(row, sign, flip)
            if point is None:
                continue
            cid, at, sync, offsets, spread, drift, where, verdict = point
            if last is None or at - last > SESSION_GAP_S:
                session += 1
            last = at
            out.chart_ids.append(cid)
            out.played_at.append(at)
            out.session.append(session)
            out.sync_percent.append(sync)
            for pairing in PAIRING_NAMES:
                out.offsets_ms[pairing].append(offsets[pairing])
            out.spread_ms.append(spread)
            out.drift_bpm.append(drift)
            out.drift_where.append(where)
            out.coupling.append(verdict)
        skipped = len(out.session) < len(rows)
        if skipped:
            self.skipped_rows += len(rows) - len(out.session)
            message = f"{self.path}: some songs of the pair history are damaged and left out"
            if message not in self.notices:
                self.notices.append(message)
        return out

    def report(self, first: str, second: str, index: int, chart_id: str | None = None) -> CoachReport:
        """The stored report of the pair's song number `index` in `progress` order.
        Its P1/P2 are as the song was played."""
        a, b = sorted((first, second))
        sql = "SELECT report FROM pair_history WHERE name_a=? AND name_b=?"
        params: list[object] = [a, b]
        if chart_id is not None:
            sql += " AND chart_id=?"
            params.append(chart_id)
        rows = self._rows(sql + " ORDER BY played_at, id", params)
        return CoachReport.model_validate_json(rows[index][0])

    def pairs(self) -> list[tuple[str, str]]:
        rows = self._rows("SELECT DISTINCT name_a, name_b FROM pair_history ORDER BY name_a, name_b", [])
        return [(str(a), str(b)) for a, b in rows]


_Point = tuple[str, float, float, dict[str, float | None], float | None, float | None, str, str]


def _optional(value: object) -> float | None:
    return None if value is None else _finite(value)


def _finite(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{value!r:.40} is not a number")
    return float(value)


def _point(row: tuple[Any, ...], sign: float, flip: bool) -> _Point | None:
    """One stored song as the plot's numbers, turned to the caller's order; None for a
    row that does not hold what `record` writes."""
    cid, at, sync, offsets, spread, drift, where, verdict = row
    try:
        stored = json.loads(offsets)
        if not isinstance(stored, dict) or not isinstance(cid, str) or not isinstance(verdict, str):
            return None
        leans = {p: None if stored.get(p) is None else sign * _finite(stored.get(p)) for p in PAIRING_NAMES}
        return (cid, _finite(at), _finite(sync), leans, _optional(spread), _optional(drift), str(where),
                _FLIP_VERDICT.get(verdict, verdict) if flip else verdict)
    except (ValueError, TypeError, RecursionError):
        return None
