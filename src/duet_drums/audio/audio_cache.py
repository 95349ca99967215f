"""Decoded song audio kept on disk, so a song's second start skips decoding.

An entry is keyed by the source files' paths, sizes and modification times and the
device rate, so an edited or replaced stem is decoded again and nothing else is. It
holds 16-bit samples (half the size of float32, and far below what a listener hears at
game volume) with a scale for mixes that peak above full scale, plus the messages the
decoding gave (a corrupt stem is reported again on a cache hit, not silently missing).

Each entry is one `.npz` written atomically (temp file, fsync, rename), so a crash or a
second game instance never leaves a half entry; an entry that does not load (a disk
error, a different version) is a miss and is removed. The folder is kept under a size
cap by dropping the least recently used entries (a hit touches its file's mtime).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.core.atomic import atomic_write_bytes, remove_orphaned_temps_in
from duet_drums.core.safe_read import FileReadError, open_bounded
from duet_drums.settings import cache_dir

F32 = npt.NDArray[np.float32]
FORMAT = 1
SUFFIX = ".npz"
# The size an entry may have even when the cap is set lower (or caching off) after it
# was written; anything bigger is no entry of ours.
MIN_ENTRY_LIMIT = 4 << 30


def default_folder() -> Path:
    return cache_dir() / "audio"


@dataclass(frozen=True, slots=True)
class CachedAudio:
    samples: F32  # (n, channels) float32
    messages: tuple[str, ...]


def source_key(files: Sequence[Path], rate: int, extra: str = "") -> str | None:
    """The key for audio decoded from `files` at `rate`; None when a file cannot be
    looked at (missing: the decoder will say so, and such a result is not cached)."""
    parts = [f"v{FORMAT}", str(rate), extra]
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            return None
        parts.append(f"{os.path.abspath(path)}\0{info.st_size}\0{info.st_mtime_ns}")
    return hashlib.sha1("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


class AudioCache:
    def __init__(self, folder: Path | None = None, cap_bytes: int = 2 << 30):
        self.folder = folder if folder is not None else default_folder()
        self.cap_bytes = max(0, int(cap_bytes))

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def load(self, key: str) -> CachedAudio | None:
        path = self._path(key)
        try:
            # Our own handle (np.load leaks the file it opened when it is not a zip), and
            # only on a regular file: a pipe or a device left here would block or never end.
            with open_bounded(path, max(self.cap_bytes, MIN_ENTRY_LIMIT)) as fh, \
                    np.load(fh, allow_pickle=False) as data:
                pcm = data["pcm"]
                scale = float(data["scale"])
                messages = tuple(str(m) for m in json.loads(str(data["messages"])))
            if pcm.dtype != np.int16 or pcm.ndim != 2 or not math.isfinite(scale):
                raise ValueError("not an entry of this format")
        except FileReadError as exc:
            if exc.missing:
                return None
            self._drop(path)
            return None
        except Exception:  # truncated, not a zip, another format: a miss, and it goes
            self._drop(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        samples = pcm.astype(np.float32) * np.float32(scale / 32767.0)
        return CachedAudio(samples, messages)

    @staticmethod
    def _drop(path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink()

    def store(self, key: str, samples: F32, messages: Sequence[str] = ()) -> bool:
        """Keep `samples`; False when caching is off or the disk refused (never raises:
        a cache that cannot be written costs a decode next time, nothing more)."""
        if self.cap_bytes <= 0 or samples.nbytes // 2 > self.cap_bytes:
            return False
        peak = float(np.max(np.abs(samples))) if samples.size else 0.0
        scale = max(1.0, peak)
        pcm = np.round(np.clip(samples / scale, -1.0, 1.0) * 32767.0).astype(np.int16)
        buf = io.BytesIO()
        np.savez(buf, pcm=pcm, scale=np.float64(scale), messages=np.str_(json.dumps(list(messages))))
        try:
            atomic_write_bytes(self._path(key), buf.getvalue())
        except OSError:
            return False
        self.trim(keep=key)
        return True

    def entries(self) -> list[tuple[Path, int, float]]:
        """(path, size, last used) of every entry."""
        out: list[tuple[Path, int, float]] = []
        try:
            names = os.listdir(self.folder)
        except OSError:
            return out
        for name in names:
            if not name.endswith(SUFFIX):
                continue
            path = self.folder / name
            with contextlib.suppress(OSError):
                info = os.stat(path)
                out.append((path, info.st_size, info.st_mtime))
        return out

    def trim(self, keep: str | None = None) -> int:
        """Drop the least recently used entries until the folder fits the cap; returns
        how many were dropped. The entry just written (`keep`) goes last."""
        remove_orphaned_temps_in(self.folder)  # a killed store's temp of another key
        entries = sorted(self.entries(), key=lambda e: (e[0].stem == keep, e[2]))
        total = sum(size for _, size, _ in entries)
        dropped = 0
        for path, size, _ in entries:
            if total <= self.cap_bytes:
                break
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size
                dropped += 1
        return dropped
