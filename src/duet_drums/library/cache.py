"""The library cache: one SQLite file in the user data dir.

One row per song folder: its root, its folder under the root, the fingerprint it had when
read, and what reading it gave (a song summary, or the reason it was skipped, so a bad
folder is not read again until it changes). Each update is one transaction (WAL, so a
reader never waits for it), so a crash mid-scan leaves the previous cache whole.

A cache never stops a scan. It is opened as the score database is (`storage.dbfile`):
a damaged file (not a database, a failed `integrity_check`, a pipe) is set aside under a
unique ``.corrupt-<time>`` name and a new one started; a read-only folder or file gives
an in-memory cache for this scan; a cache locked by another instance is waited for a
moment, then left alone. Each of these is a line in `notices`, which the scan reports.
A row that does not decode (a hand edit, another version) is read again from its folder.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from duet_drums.settings import data_dir
from duet_drums.storage.dbfile import open_database

SCHEMA_VERSION = 1
_UNSAVED = "the scan goes on without it, and songs are read again next time"
_LOCKED = "the scan goes on, and saves what it read if the lock is gone in time"
# A second game instance scanning at the same time holds the lock for one transaction.
BUSY_TIMEOUT_MS = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS folders (
    root TEXT NOT NULL,
    folder TEXT NOT NULL,
    signature TEXT NOT NULL,
    entry TEXT NOT NULL,
    PRIMARY KEY (root, folder)
);
"""

# What one folder gave: {"song": summary dict} or {"skipped": reason}.
Entry = dict[str, Any]


def cache_path() -> Path:
    return data_dir() / "library.sqlite3"


def _init(conn: sqlite3.Connection) -> None:
    """The table, created when missing or of another version; writes nothing when all is
    there, so a cache another scan holds locked can still be read."""
    have = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='folders'").fetchone()
    if have is not None and conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DROP TABLE IF EXISTS folders")
        conn.execute(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


class LibraryCache:
    """Opened per call: a scan may run in a thread other than the one that made this.
    Never raises: what went wrong is added to `notices` (each line once)."""

    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()
        self.notices: list[str] = []

    def _note(self, message: str) -> None:
        if message not in self.notices:
            self.notices.append(message)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        opened = open_database(self.path, _init, "library cache", unsaved=_UNSAVED, locked=_LOCKED)
        for notice in opened.notices:
            self._note(notice)
        conn = opened.conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            yield conn
        finally:
            conn.close()

    def load(self, root: str) -> dict[str, tuple[str, Entry]]:
        """folder -> (signature, entry) for every folder cached under `root`."""
        try:
            with self._connect() as conn:
                rows = conn.execute("SELECT folder, signature, entry FROM folders WHERE root = ?",
                                    (root,)).fetchall()
        except sqlite3.Error as exc:
            self._note(f"{self.path}: cannot read the library cache ({exc}); every song is read again")
            return {}
        out: dict[str, tuple[str, Entry]] = {}
        for folder, signature, entry in rows:
            try:
                decoded = json.loads(entry)
            except (ValueError, TypeError, RecursionError):
                continue
            if isinstance(folder, str) and isinstance(signature, str) and isinstance(decoded, dict):
                out[folder] = (signature, decoded)
        return out

    def update(self, root: str, changed: dict[str, tuple[str, Entry]], removed: list[str]) -> None:
        """Write the folders read this scan and forget the ones that are gone, in one
        transaction: all of it reaches the file, or none."""
        if not changed and not removed:
            return
        rows = [(root, folder, sig, json.dumps(entry)) for folder, (sig, entry) in changed.items()]
        try:
            with self._connect() as conn:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany("DELETE FROM folders WHERE root = ? AND folder = ?",
                                     [(root, folder) for folder in removed])
                    conn.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?)", rows)
                    conn.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
        except sqlite3.Error as exc:
            self._note(f"{self.path}: the library cache was not updated ({exc}); the songs are read "
                       "again at the next scan")
