"""The song library as the app sees it: the last finished scan, and the scan running now.

A scan of thousands of song folders takes seconds, so it runs in a background thread
(`scan_library` with the on-disk cache, which itself reads folders in worker processes)
and the frame loop only reads what the thread published: the progress, and when it ends
the new `LibraryScan`, swapped in whole with a version number that screens compare to
know when to rebuild their lists. The game stays responsive because nothing here ever
waits on the thread; a new scan cancels the running one first.

A scan that raises (a bug, a full disk under the cache) becomes `error`, shown on the
song folders page; the previous songs stay listed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from duet_drums.library import LibraryCache, LibraryScan, ScanProgress, scan_library


class Scanner(Protocol):
    def __call__(self, roots: Sequence[Path], *, cache: LibraryCache | None = ...,
                 progress: Callable[[ScanProgress], None] | None = ...,
                 cancel: threading.Event | None = ..., workers: int | None = ...) -> LibraryScan: ...


def folder_paths(folders: Sequence[str]) -> list[Path]:
    """The settings' folder strings as paths ("~" expanded), duplicates dropped."""
    out: list[Path] = []
    for text in folders:
        path = Path(text).expanduser()
        if path not in out:
            out.append(path)
    return out


@dataclass(frozen=True, slots=True)
class ScanStatus:
    """What a screen shows about scanning, read in one piece."""

    scanning: bool
    progress: ScanProgress | None
    version: int  # bumped each time a scan finishes
    error: str | None


class LibraryService:
    def __init__(self, scanner: Scanner | None = None, cache: LibraryCache | None = None) -> None:
        self.scanner: Scanner = scanner if scanner is not None else scan_library
        self.cache = cache
        self.scan: LibraryScan | None = None
        self._status = ScanStatus(False, None, 0, None)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.started = False

    @property
    def status(self) -> ScanStatus:
        return self._status

    @property
    def scanning(self) -> bool:
        return self._status.scanning

    def start(self, folders: Sequence[str]) -> None:
        """Scan `folders` now (cancelling a scan that runs); no folders clears the list."""
        self.started = True
        self.cancel()
        roots = folder_paths(folders)
        cancel = threading.Event()
        self._cancel = cancel
        with self._lock:
            self._status = ScanStatus(bool(roots), None, self._status.version, None)
        if not roots:
            with self._lock:
                self.scan = None
                self._status = ScanStatus(False, None, self._status.version + 1, None)
            return
        thread = threading.Thread(target=self._run, args=(roots, cancel), name="library-scan", daemon=True)
        self._thread = thread
        thread.start()

    def ensure_started(self, folders: Sequence[str]) -> None:
        """Start the first scan unless one ran already (the song list is on screen)."""
        if not self.started:
            self.start(folders)

    def _run(self, roots: list[Path], cancel: threading.Event) -> None:
        def progress(p: ScanProgress) -> None:
            if not cancel.is_set():
                with self._lock:
                    self._status = ScanStatus(True, p, self._status.version, None)

        try:
            result = self.scanner(roots, cache=self.cache if self.cache is not None else LibraryCache(),
                                  progress=progress, cancel=cancel)
        except Exception as exc:  # a scan bug must not take the game down; say it
            with self._lock:
                if not cancel.is_set():
                    self._status = ScanStatus(False, None, self._status.version,
                                              f"the scan stopped: {type(exc).__name__}: {exc}")
            return
        with self._lock:
            if cancel.is_set():
                return  # a newer scan replaced this one
            self.scan = result
            self._status = ScanStatus(False, None, self._status.version + 1, None)

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running scan (tests, shutdown); True when none runs any more."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def close(self) -> None:
        self.cancel()
        with contextlib.suppress(RuntimeError):
            self.wait(5.0)
