"""Scanning song folders into a song list, with a cache so the next scan is instant.

`scan_library` walks each root (recursively, links followed once), takes every folder
whose fingerprint the cache already knows from the cache, and reads the rest, in worker
processes when there are many (reading a song is pure Python; two cores read twice as
fast). A folder that cannot be read becomes a `SkippedFolder` with its reason; the scan
never stops on one. It reports progress through a callback and can be cancelled, so the
game runs it in a thread behind a progress bar:

    scan = scan_library([root], cache=LibraryCache(), progress=on_progress, cancel=event)

The callback runs in the scanning thread; a UI hands the numbers to its own thread.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from duet_drums.core.chart import DIFFICULTIES
from duet_drums.formats.errors import FormatError
from duet_drums.formats.song_folder import SongSummary, read_song, summarize
from duet_drums.library.cache import Entry, LibraryCache
from duet_drums.library.walk import Candidate, find_song_folders, is_directory

# Below this many folders to read, starting worker processes costs more than it saves.
POOL_MIN_FOLDERS = 48


@dataclass(frozen=True, slots=True)
class LibrarySong:
    root: Path
    folder: str  # under the root, with "/"
    summary: SongSummary

    @property
    def path(self) -> Path:
        return self.root if self.folder == "." else self.root / self.folder

    @property
    def stems(self) -> dict[str, str]:
        return self.summary.stems

    def json_row(self) -> dict[str, Any]:
        """The song as `duet-drums library scan --json` prints it."""
        s = self.summary
        return {"folder": self.folder, "chart_file": s.chart_file, "title": s.title, "artist": s.artist,
                "charter": s.charter, "drum_type": s.drum_type,
                "notes": {d: s.notes.get(d, 0) for d in DIFFICULTIES},
                "first_note_ms": s.first_note_ms, "last_note_ms": s.last_note_ms}


@dataclass(frozen=True, slots=True)
class SkippedFolder:
    root: Path
    folder: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """`phase` "listing" while folders are found (total unknown), then "reading"."""

    phase: Literal["listing", "reading"]
    done: int
    total: int
    folder: str = ""


@dataclass(frozen=True, slots=True)
class LibraryScan:
    songs: list[LibrarySong]
    skipped: list[SkippedFolder]
    seconds: float
    cached: int  # folders answered from the cache without reading them
    read: int  # folders read this time
    cancelled: bool = False
    roots: tuple[Path, ...] = field(default=())
    # What went wrong with the cache (set aside, unwritable, locked): the scan went on.
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"songs": [s.json_row() for s in self.songs],
                "skipped": [{"folder": s.folder, "reason": s.reason} for s in self.skipped],
                "seconds": round(self.seconds, 3), "cached": self.cached > 0}


def read_folder(path: str) -> Entry:
    """One folder -> {"song": summary} or {"skipped": reason}; never raises.

    Runs in worker processes, so it takes and returns plain data.
    """
    try:
        return {"song": summarize(read_song(Path(path), short_labels=True)).to_dict()}
    except FormatError as exc:
        return {"skipped": str(exc)}
    except RecursionError:
        return {"skipped": "the chart nests too deeply to read"}
    except Exception as exc:  # a reader bug must not end a scan of thousands of songs
        return {"skipped": f"unexpected error while reading ({type(exc).__name__}: {exc}); please report it"}


def _outcome(entry: Entry) -> SongSummary | str | None:
    """A cache or worker entry as a summary or a skip reason; None if it is not one."""
    try:
        if "song" in entry:
            return SongSummary.from_dict(entry["song"])
        reason = entry["skipped"]
    except (KeyError, TypeError, ValueError):
        return None
    return reason if isinstance(reason, str) and reason else None


def _start_method() -> str:
    """"fork" when this process runs one thread (the command line: workers start at once);
    "spawn" otherwise (a fresh interpreter per worker), since forking a process with other
    threads running (the game's audio and MIDI threads) can deadlock the child."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _read_all(paths: list[str], workers: int, cancel: threading.Event | None) -> Iterator[Entry]:
    """Every folder's entry, in order: in worker processes when there are many, and in
    this process for the rest if the workers cannot start or die (an interpreter with no
    main file to re-import, a killed worker): a scan never stops on the pool either."""
    done = 0
    if workers > 1 and len(paths) >= POOL_MIN_FOLDERS:
        context = multiprocessing.get_context(_start_method())
        chunk = max(1, min(16, len(paths) // (workers * 8)))
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                try:
                    for entry in pool.map(read_folder, paths, chunksize=chunk):
                        yield entry
                        done += 1
                        if cancel is not None and cancel.is_set():
                            return
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
        except (BrokenProcessPool, OSError):
            pass
    for path in paths[done:]:
        if cancel is not None and cancel.is_set():
            return
        yield read_folder(path)


def _root_key(root: Path) -> str:
    """The cache keys a root by its absolute path, so "~/Songs" and "/home/me/Songs" share."""
    return os.path.abspath(root)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def scan_library(roots: Iterable[Path], *, cache: LibraryCache | None = None,
                 progress: Callable[[ScanProgress], None] | None = None,
                 cancel: threading.Event | None = None, workers: int | None = None) -> LibraryScan:
    """Scan every root; see the module docstring. `cache=None` reads every folder."""
    started = time.perf_counter()
    roots = tuple(Path(r) for r in roots)
    workers = default_workers() if workers is None else workers
    songs: list[LibrarySong] = []
    skipped: list[SkippedFolder] = []
    cached_count = read_count = 0
    cancelled = False
    notices_before = len(cache.notices) if cache is not None else 0

    plan: list[tuple[Path, list[Candidate], dict[str, tuple[str, Entry]]]] = []
    for root in roots:
        if progress is not None:
            progress(ScanProgress("listing", 0, 0, str(root)))
        if not is_directory(root):
            skipped.append(SkippedFolder(root, ".", "not a folder (or it cannot be opened)"))
            continue
        candidates, problems = find_song_folders(root)
        skipped += [SkippedFolder(root, folder, reason) for folder, reason in problems]
        known = cache.load(_root_key(root)) if cache is not None else {}
        plan.append((root, candidates, known))

    todo: list[tuple[Path, Candidate]] = []
    results: dict[tuple[Path, str], SongSummary | str] = {}
    for root, candidates, known in plan:
        for cand in candidates:
            hit = known.get(cand.folder)
            outcome = _outcome(hit[1]) if hit is not None and hit[0] == cand.signature else None
            if outcome is not None:
                results[(root, cand.folder)] = outcome
                cached_count += 1
            else:
                todo.append((root, cand))

    total = len(todo)
    fresh: dict[Path, dict[str, tuple[str, Entry]]] = {root: {} for root in roots}
    for index, entry in enumerate(_read_all([str(c.path) for _, c in todo], workers, cancel)):
        root, cand = todo[index]
        results[(root, cand.folder)] = _outcome(entry) or "unreadable"
        fresh[root][cand.folder] = (cand.signature, entry)
        read_count += 1
        if progress is not None:
            progress(ScanProgress("reading", index + 1, total, cand.folder))
    cancelled = read_count < total

    for root, candidates, known in plan:
        for cand in candidates:
            got = results.get((root, cand.folder))
            if isinstance(got, SongSummary):
                songs.append(LibrarySong(root, cand.folder, got))
            elif got is not None:
                skipped.append(SkippedFolder(root, cand.folder, got))
        if cache is not None:
            present = {c.folder for c in candidates}
            removed = [] if cancelled else [f for f in known if f not in present]
            cache.update(_root_key(root), fresh[root], removed)
    order = {root: i for i, root in enumerate(roots)}
    skipped.sort(key=lambda s: (order.get(s.root, 0), s.folder))
    notices = tuple(cache.notices[notices_before:]) if cache is not None else ()
    return LibraryScan(songs, skipped, time.perf_counter() - started, cached_count, read_count, cancelled,
                       roots, notices)


def scan_one(root: Path, *, use_cache: bool = True, workers: int | None = None,
             progress: Callable[[ScanProgress], None] | None = None) -> LibraryScan:
    """One root with the user's cache (or none): what the CLI runs."""
    return scan_library([root], cache=LibraryCache() if use_cache else None, workers=workers,
                        progress=progress)

