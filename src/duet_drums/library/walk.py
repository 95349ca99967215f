"""Finding song folders under a library root, and fingerprinting them for the cache.

A song folder is any folder holding notes.mid, notes.chart or song.ini; the walk goes on
into its subfolders too (packs nest songs). Linked folders are followed, each real folder
once, so a symlink loop ends the walk cleanly instead of running forever; they are walked
after the real ones, so a song is listed under its own path rather than through a link. A folder that
cannot be listed is reported, never fatal.

The fingerprint covers what reading a song depends on (the chart, the ini, the audio
files' names) by name, size and modification time, so an edited, added or removed song
is read again and every other song comes from the cache.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from duet_drums.formats.song_folder import CHART_FILES, INI_FILE
from duet_drums.formats.song_ini import AUDIO_EXTENSIONS

# Bump when the readers change what a scan reports, so every cached song is read again.
READER_VERSION = 1
_MARKS = (*CHART_FILES, INI_FILE)


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    folder: str  # relative to the root, with "/" (the root itself is ".")
    signature: str


def _relative(root: Path, path: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel if rel else "."


def _signature(entries: list[os.DirEntry[str]]) -> str:
    parts = [f"v{READER_VERSION}"]
    for entry in sorted(entries, key=lambda e: e.name):
        lower = entry.name.lower()
        if lower in _MARKS or lower.endswith(AUDIO_EXTENSIONS):
            try:
                info = entry.stat()
            except OSError:
                continue
            parts.append(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def find_song_folders(root: Path) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Song folders under `root` in path order, and (folder, reason) for unreadable ones."""
    found: list[Candidate] = []
    problems: list[tuple[str, str]] = []
    seen: set[tuple[int, int]] = set()
    stack = [root]
    linked: list[Path] = []  # folders reached through a link: walked after every real one
    while stack or linked:
        path = stack.pop() if stack else linked.pop(0)
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append((_relative(root, path), f"cannot open the folder: {exc.strerror or exc}"))
            continue
        key = (info.st_dev, info.st_ino)
        if key in seen:
            continue  # reached again through a link: a loop, or the same folder twice
        seen.add(key)
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            problems.append((_relative(root, path), f"cannot list the folder: {exc.strerror or exc}"))
            continue
        subfolders: list[Path] = []
        marked = False
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:  # a link loop, no permission: not a folder to enter
                is_dir = False
            if is_dir and entry.is_symlink():
                linked.append(Path(entry.path))
            elif is_dir:
                subfolders.append(Path(entry.path))
            elif entry.name.lower() in _MARKS:
                marked = True  # even a chart that cannot be read: the scan says why
        if marked:
            found.append(Candidate(path, _relative(root, path), _signature(entries)))
        stack.extend(sorted(subfolders, reverse=True))
    found.sort(key=lambda c: c.folder)
    return found, problems


def is_directory(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False
