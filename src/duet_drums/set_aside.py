"""Setting a damaged file aside, under a name no other set-aside file has.

A corrupt settings file or score database is never deleted (the player may want it
back, or a bug report may need it): it is renamed to ``<name>.corrupt-<date>-<time>``.
Three damaged files in one second used to get the same name, and each rename replaced
the one before; now a taken name gets a counter (``...-120301-2``), and the name is
claimed with `os.link` or an exclusive create, which fail instead of overwriting.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path


def _names(path: Path, tag: str) -> Iterator[Path]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in itertools.count(1):
        suffix = "" if n == 1 else f"-{n}"
        yield path.with_name(f"{path.name}.{tag}-{stamp}{suffix}")


def set_aside(path: Path, tag: str = "corrupt") -> Path:
    """Rename `path` to a fresh ``<name>.<tag>-<date>-<time>[-n]`` and return the new
    path; raises OSError when the folder does not allow it (the file is then untouched)."""
    for aside in _names(path, tag):
        try:
            os.link(path, aside, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError:
            # No hard links here (some file systems, or `path` is a folder): rename, having
            # checked the name is free. Another process could take it in between; that
            # window is as small as a folder listing.
            if aside.exists() or aside.is_symlink():
                continue
            os.rename(path, aside)
            return aside
        try:
            os.unlink(path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(aside)
            raise
        return aside
    raise AssertionError("unreachable")


def keep_copy(path: Path, data: bytes, tag: str = "corrupt") -> Path:
    """Write `data` (a file's old contents) to a fresh set-aside name beside `path` and
    fsync it, leaving `path` itself alone; raises OSError when that is not possible."""
    for aside in _names(path, tag):
        try:
            fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(aside)
            raise
        return aside
    raise AssertionError("unreachable")
