"""The library cache: one SQLite file in the user data dir.

One row per song folder: its root, its folder under the root, the fingerprint it had when
read, and what reading it gave (a song summary, or the reason it was skipped, so a bad
folder is not read again until it changes). Writes happen in one transaction, so a crash
mid-scan leaves the previous cache whole. A cache file that is not a database (a crash of
another kind, a disk error) is moved aside and the scan starts afresh: a cache never
stops a scan.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from duet_drums.settings import data_dir

SCHEMA_VERSION = 1

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


class LibraryCache:
    """Opened per call: a scan may run in a thread other than the one that made this."""

    def __init__(self, path: Path | None = None):
        self.path = path or cache_path()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in (1, 2):
            conn = sqlite3.connect(self.path, timeout=10)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    conn.execute("DROP TABLE IF EXISTS folders")
                    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                conn.executescript(_SCHEMA)
                break
            except sqlite3.DatabaseError:
                conn.close()
                if attempt == 2:
                    raise
                self._move_aside()
        try:
            yield conn
        finally:
            conn.close()

    def _move_aside(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.replace(f"{self.path}{suffix}", f"{self.path}.corrupt{suffix}")

    def load(self, root: str) -> dict[str, tuple[str, Entry]]:
        """folder -> (signature, entry) for every folder cached under `root`."""
        try:
            with self._connect() as conn:
                rows = conn.execute("SELECT folder, signature, entry FROM folders WHERE root = ?",
                                    (root,)).fetchall()
        except sqlite3.Error:
            return {}
        out: dict[str, tuple[str, Entry]] = {}
        for folder, signature, entry in rows:
            try:
                out[folder] = (signature, json.loads(entry))
            except ValueError:
                continue
        return out

    def update(self, root: str, changed: dict[str, tuple[str, Entry]], removed: list[str]) -> None:
        """Write the folders read this scan and forget the ones that are gone, atomically."""
        if not changed and not removed:
            return
        with self._connect() as conn, conn:
            conn.executemany("DELETE FROM folders WHERE root = ? AND folder = ?",
                             [(root, folder) for folder in removed])
            rows = [(root, folder, sig, json.dumps(entry)) for folder, (sig, entry) in changed.items()]
            conn.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?, ?, ?)", rows)
