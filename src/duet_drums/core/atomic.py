"""Atomic file writes: a crash mid-save must never leave a half-written file behind.

Each save writes a temp file in the target's own folder (a rename is atomic only within
one file system), fsyncs it, renames it over the target and fsyncs the folder, so after a
kill or a power cut the target is the old version or the new one, never a mix.

Three details a plain `mkstemp` + `os.replace` gets wrong:

- **Mode.** `mkstemp` creates 0600 files, so every save used to turn a 0644 settings
  file private. The temp file is created with 0666 minus the umask, as any new file, and
  takes the old file's permission bits when there is one.
- **Symlinks.** A settings file that is a symlink (a dotfiles repository) is written
  through: the link's target is replaced, the link stays.
- **Orphans.** A process killed between creating and renaming its temp file leaves it
  behind. Temp names carry the writer's host and process id
  (``.settings.toml.<host>-<pid>-<random>.tmp``), and each save removes the temps of its
  target whose writer on this host is gone; a live writer's temp (another instance of
  the game saving at this moment) is never touched. Names of the old form
  (``.settings.toml.<random>.tmp``, written by earlier versions) are removed too.
  Folders whose files get a new name each time (pending runs, audio cache entries) are
  cleaned whole (`remove_orphaned_temps_in`), since no later save has the same target.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
import stat
from pathlib import Path

_HOST = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]
_ANY_TEMP = re.compile(r"^\..+\.([0-9a-f]{6})-(\d+)-[0-9a-f]+\.tmp$")
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def _temp_pattern(name: str) -> re.Pattern[str]:
    # New form: <host>-<pid>-<random>; old form (mkstemp): 8 characters of [a-z0-9_].
    return re.compile(rf"^\.{re.escape(name)}\.(?:([0-9a-f]{{6}})-(\d+)-[0-9a-f]+|[a-z0-9_]{{8}})\.tmp$")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but belongs to someone else
        return True
    return True


def orphaned_temps(target: str | os.PathLike[str]) -> list[Path]:
    """Temp files of `target` left by writers that are no longer running."""
    path = Path(target)
    pattern = _temp_pattern(path.name)
    out: list[Path] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return out
    for name in names:
        m = pattern.match(name)
        if m is None:
            continue
        host, pid = m.group(1), m.group(2)
        if host is None or (host == _HOST and not _alive(int(pid))):
            out.append(path.parent / name)
    return out


def orphaned_temps_in(folder: str | os.PathLike[str]) -> list[Path]:
    """Temp files of any target in `folder` left by writers that are no longer running:
    for folders whose files get new names each time (pending runs, audio cache entries),
    where no later save of the same name would ever clean them."""
    out: list[Path] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return out
    for name in names:
        m = _ANY_TEMP.match(name)
        if m is not None and m.group(1) == _HOST and not _alive(int(m.group(2))):
            out.append(Path(folder) / name)
    return out


def _remove(temps: list[Path]) -> int:
    removed = 0
    for tmp in temps:
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed


def remove_orphaned_temps(target: str | os.PathLike[str]) -> int:
    """Remove what `orphaned_temps` finds; returns how many were removed. Never raises:
    a folder we cannot clean is still one we can read."""
    return _remove(orphaned_temps(target))


def remove_orphaned_temps_in(folder: str | os.PathLike[str]) -> int:
    """Remove what `orphaned_temps_in` finds; never raises."""
    return _remove(orphaned_temps_in(folder))


def _resolve(path: str | os.PathLike[str]) -> Path:
    target = Path(path)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write to a temp file in the same folder, fsync it, rename it over the target and
    fsync the folder. Raises OSError when the folder is not writable; the old file is
    then untouched."""
    target = _resolve(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_orphaned_temps(target)
    try:
        old_mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        old_mode = None
    tmp = target.parent / f".{target.name}.{_HOST}-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, _OPEN_FLAGS, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            if old_mode is not None and hasattr(os, "fchmod"):
                with contextlib.suppress(OSError):
                    os.fchmod(fh.fileno(), old_mode)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
