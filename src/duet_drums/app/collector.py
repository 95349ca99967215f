"""Python's garbage collector and the C allocator, kept out of the song.

Why freeze: a full collection walks every object the game holds (charts, scenes, the
session, about 100,000 objects with the medley open), 44 ms on our CI machine: five
frames at 120 FPS, at a moment Python picks, in the middle of a song. A 30-minute run
measured 19 of them, up to 167 ms. While a screen that takes drum hits is on top, what
was alive when it arrived is frozen (`gc.freeze`): collections then see only what the
song itself makes, well under a millisecond, and the young generations still clear the
song's short-lived cycles as before.

Why give back: glibc keeps freed memory for reuse instead of returning it, so the
game's resident size grew by 20-60 MB over a session in which Python's own memory
stayed flat (the first songs' surfaces and arrays, freed, still counted against the
game). Between songs (a menu or the results on top) the frozen objects are thawed,
collected once (the results come up 44 ms later, which nobody sees) and the freed memory
is handed back (`malloc_trim`, glibc only; elsewhere nothing is done).

Both are idempotent: the app calls them on every screen change.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable


def _find_malloc_trim() -> Callable[[int], int] | None:
    try:
        name = ctypes.util.find_library("c")
        libc = ctypes.CDLL(name) if name else None
        trim = getattr(libc, "malloc_trim", None)
    except OSError:
        return None
    if trim is None:
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


_malloc_trim = _find_malloc_trim()


class Collector:
    """Whether the objects alive are frozen (a real-time screen is on top)."""

    def __init__(self) -> None:
        self.frozen = False

    def hold(self) -> None:
        """A screen that takes drum hits arrived: collect what the menus left, then
        freeze everything alive, so no full collection walks it during the song."""
        if self.frozen:
            return
        gc.collect()
        gc.freeze()
        self.frozen = True

    def release(self) -> None:
        """Between songs: thaw, collect once, give the freed memory back."""
        if not self.frozen:
            return
        gc.unfreeze()
        self.frozen = False
        gc.collect()
        if _malloc_trim is not None:
            _malloc_trim(0)
