"""Reading a file someone else put there: a regular file, of bounded size, never blocking.

The game reads files it did not write (charts in the user's folder, settings edited by
hand, replays from friends), and a plain `Path.read_bytes()` trusts them in ways a
hostile or merely odd file exploits:

- a FIFO named `song.json` blocks `open()` until a writer appears, which is forever;
- a symlink to `/dev/zero` (or any device) reads until memory runs out;
- a 100 MB file is read, decoded and validated whole before anything says it is absurd.

So the file is opened with `O_NONBLOCK` (a FIFO opens at once instead of waiting), then
`fstat` on the *opened* descriptor (not the name: no check-then-open race) refuses
anything that is not a regular file, and a size limit refuses big files before a byte is
read. Reading stops at the limit too, in case the file grows while it is read.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

_DRIVE = re.compile(r"^[A-Za-z]:")
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class FileReadError(Exception):
    """Why a file could not be read, in words for the user. The caller names the file
    (`str()` is only the reason); `missing` tells "not there" from "there but refused"."""

    def __init__(self, reason: str, *, missing: bool = False):
        self.reason = reason
        self.missing = missing
        super().__init__(reason)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def describe_size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n:,} bytes"


def _open_checked(path: str | os.PathLike[str], limit: int) -> int:
    """A descriptor on `path`, checked on the descriptor itself: a regular file of at most
    `limit` bytes; raises FileReadError (and closes what it opened) otherwise."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise FileReadError("file not found", missing=True) from None
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    except ValueError:  # a NUL byte in the name, or a name the file system's encoding refuses
        raise FileReadError("cannot read: no file system accepts this name") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise FileReadError(f"{_kind(st.st_mode)}, not a file; only regular files are read")
        if st.st_size > limit:
            raise FileReadError(f"too large: {describe_size(st.st_size)} (the limit is "
                                f"{describe_size(limit)})")
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The whole file, or FileReadError when it is missing, not a regular file, or over
    `limit` bytes."""
    fd = _open_checked(path, limit)
    try:
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileReadError(f"too large: grew past {describe_size(limit)} while being read")
        return b"".join(chunks)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def open_bounded(path: str | os.PathLike[str], limit: int) -> BinaryIO:
    """The file opened for reading, for readers that stream it (`np.load`), with the same
    refusals as `read_bounded`; the size is checked once, at opening."""
    fd = _open_checked(path, limit)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def leads_outside(folder: str | os.PathLike[str], name: str) -> bool:
    """Whether a file name that a chart, an ini or a chart's metadata gives (``song.ogg``,
    ``../x.ogg``, ``/home/me/x.ogg``, ``C:\\x.ogg``) leads out of `folder`, links
    followed: a file someone sent must not make the game read (or an export copy) a
    file elsewhere on the disk. A name no file system accepts counts as leading out."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or _DRIVE.match(norm) or "\0" in norm:
        return True
    # realpath, not Path.resolve: a link loop inside the name is an answer, not a RuntimeError.
    base = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(base / norm))
    return target != base and base not in target.parents
