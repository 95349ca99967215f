"""Read-only folders that are really read-only, even when the tests run as root.

Root ignores permission bits, so `chmod 0o555` alone proves nothing in a container. As
root, `as_nobody()` switches the process's *effective* user and group to nobody for the
duration of a `with` block (the real user stays root, so switching back is allowed).
Commands are then run in-process: the interpreter itself may live where nobody cannot
run it (/root). Folders the unprivileged user must reach are made under `/tmp` by
`open_folder()`, since pytest's own tmp folders are private to root.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

NOBODY = 65534


def running_as_root() -> bool:
    return os.geteuid() == 0


@contextlib.contextmanager
def open_folder() -> Iterator[Path]:
    """A fresh folder anyone can enter (removed afterwards)."""
    folder = Path(tempfile.mkdtemp(prefix="duet-drums-ro-", dir="/tmp"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(folder)


@contextlib.contextmanager
def as_nobody() -> Iterator[None]:
    """Run the block without root's power to ignore permissions (a no-op for other users)."""
    if not running_as_root():
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
