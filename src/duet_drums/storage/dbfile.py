"""Opening an SQLite database whatever state its file is in, without ever raising.

The score database is the one file the game both reads and writes on every song, so
every way it can go wrong must end in a game that still plays, with a message:

- **Damaged** (random bytes, a truncated copy, a flipped page; SQLite says NOTADB or
  CORRUPT, or `PRAGMA integrity_check` finds a fault), or not a regular file (a pipe, a
  link to a device): the file and its -wal/-shm are set aside under a unique
  ``.corrupt-<time>`` name and a new, empty database is created.
- **Not writable** (a read-only data folder or file, no permission, a full disk): the
  database is copied into memory (read through `immutable=1`, which needs no -shm) so the
  tables still show, and `persistent` is False: nothing this session plays reaches disk.
- **Locked** by another program: nothing to repair. In WAL mode readers never wait for a
  writer, and opening writes nothing when the schema is already there, so the game
  starts; saves retry and fall back to a pending file (see `storage.pending`).

New databases are put in WAL mode with `synchronous=FULL`: a score is written once per
song, so an fsync per commit costs nothing and a power cut loses nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duet_drums.set_aside import set_aside

# Each attempt waits at most this long inside SQLite; callers retry with their own backoff.
BUSY_TIMEOUT_S = 0.1
_HEADER = b"SQLite format 3\x00"


@dataclass
class OpenedDB:
    conn: sqlite3.Connection
    # False: an in-memory copy; nothing written this session reaches the file.
    persistent: bool
    notices: list[str] = field(default_factory=list)


class _Damaged(Exception):
    pass


def error_kind(exc: sqlite3.Error) -> str:
    """'damaged', 'busy' or 'unwritable' (everything else: read-only, no permission,
    cannot open, I/O error, disk full)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return "damaged"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "busy"
    return "unwritable"


def rows_or_notice(conn: sqlite3.Connection, sql: str, params: Sequence[object], notices: list[str],
                   what: str) -> list[tuple[Any, ...]]:
    """The rows, or none and a notice (once) naming `what` could not be read: a database
    that breaks mid-session shows empty tables instead of closing the game."""
    try:
        return list(conn.execute(sql, params).fetchall())
    except sqlite3.Error as exc:
        message = f"cannot read {what} ({exc})"
        if message not in notices:
            notices.append(message)
        return []


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit: transactions are explicit (BEGIN IMMEDIATE), so a failed one is rolled
    # back by the code that started it and never lingers.
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _checked(path: Path, init: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise _Damaged("not a regular file")
    if st is not None and st.st_size:
        # Checked before SQLite opens it: SQLite would discard the -wal of a file that is
        # not a database, and the -wal belongs with what is set aside.
        with open(path, "rb") as fh:
            if fh.read(len(_HEADER)) != _HEADER:
                raise _Damaged("file is not a database")
    conn = _connect(path)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            raise _Damaged(f"integrity check: {str(rows[0][0]).splitlines()[-1][:120]}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        init(conn)
        _probe_write(conn)
    except sqlite3.DatabaseError as exc:
        conn.close()
        if error_kind(exc) == "damaged":
            raise _Damaged(str(exc)) from None
        raise
    except BaseException:
        conn.close()
        raise
    return conn


def _probe_write(conn: sqlite3.Connection) -> None:
    """Write a page and roll it back: a read-only file or folder fails here, at start, and
    not at the end of the first song (taking a lock alone succeeds on a read-only file).
    Another program holding the lock is not a failure."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if error_kind(exc) == "busy":
            return
        raise
    try:
        conn.execute(f"PRAGMA user_version={version}")
    finally:
        conn.execute("ROLLBACK")


def _set_aside_database(path: Path) -> Path:
    aside = set_aside(path)
    for suffix in ("-wal", "-shm"):
        part = Path(f"{path}{suffix}")
        if part.exists():
            try:
                os.rename(part, f"{aside}{suffix}")
            except OSError:
                # A stale -wal would be replayed into the new database: it must go.
                with contextlib.suppress(OSError):
                    part.unlink()
    return aside


def _in_memory(path: Path, init: Callable[[sqlite3.Connection], None], notices: list[str]) -> OpenedDB:
    mem = sqlite3.connect(":memory:", isolation_level=None)
    try:
        uri = f"file:{urllib.parse.quote(str(path))}?immutable=1"
        src = sqlite3.connect(uri, uri=True, isolation_level=None)
        try:
            if src.execute("PRAGMA quick_check").fetchall() == [("ok",)]:
                src.backup(mem)
        finally:
            src.close()
    except sqlite3.Error:
        pass  # nothing readable there: an empty table is all we can show
    try:
        init(mem)
    except sqlite3.Error:  # a copy with a foreign schema: start empty instead
        mem.close()
        mem = sqlite3.connect(":memory:", isolation_level=None)
        init(mem)
    return OpenedDB(mem, False, notices)


_UNSAVED = "what is played now is kept until the game closes, but not saved"
_LOCKED = "scores wait in a pending file until it is free"


def open_database(path: Path, init: Callable[[sqlite3.Connection], None], what: str = "database", *,
                  unsaved: str = _UNSAVED, locked: str = _LOCKED) -> OpenedDB:
    """Open (creating if needed) the database at `path` and run `init` (the schema:
    idempotent, writing only when something is missing). Never raises sqlite3 errors;
    `notices` says what was done about a damaged or unwritable file (`unsaved` and
    `locked` say what that means for the player)."""
    notices: list[str] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        notices.append(f"cannot create {path.parent} ({exc.strerror or exc}): {unsaved}")
        return _in_memory(path, init, notices)
    for _ in range(3):
        try:
            return OpenedDB(_checked(path, init), True, notices)
        except _Damaged as exc:
            try:
                aside = _set_aside_database(path)
            except OSError as move:
                notices.append(f"{path}: the {what} is damaged ({exc}) and cannot be moved aside "
                               f"({move.strerror or move}): {unsaved}")
                return _in_memory(path, init, notices)
            notices.append(f"{path}: the {what} was damaged ({exc}); moved it to {aside} and "
                           f"started a new one")
        except sqlite3.Error as exc:
            if error_kind(exc) == "busy":
                notices.append(f"{path}: the {what} is locked by another program ({exc}); {locked}")
                return OpenedDB(_connect(path), True, notices)
            notices.append(f"cannot write {path} ({exc}): {unsaved}")
            return _in_memory(path, init, notices)
    notices.append(f"{path}: the {what} keeps coming back damaged: {unsaved}")
    return _in_memory(path, init, notices)
