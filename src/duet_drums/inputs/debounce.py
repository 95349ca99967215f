"""Per-pad debounce: drop a second trigger of the same piece a few ms after the first.

Modules mask most double triggers themselves, but a hard rimshot, a bouncy mesh head or
a JACK xrun (after which a block of events can be read twice, with the same stamps)
still yields two note-ons for one stroke. A duplicate would be judged as an overhit and
break the combo, so the adapter drops it before the game sees it. The window is short
(settings: `debounce_ms`, 6 ms by default) because no drummer plays the same pad twice
within it, while flams between *different* pieces stay untouched.
"""

from __future__ import annotations

from collections.abc import Hashable


class Debouncer:
    """Remembers when each key (a piece, one Debouncer per port) last got through."""

    __slots__ = ("_last", "window_ns")

    def __init__(self, window_ms: float) -> None:
        self.window_ns = round(window_ms * 1_000_000)
        self._last: dict[Hashable, int] = {}

    def accept(self, key: Hashable, stamp_ns: int) -> bool:
        """True if this trigger counts; a dropped trigger does not extend the window.

        The distance is absolute because rebuilt stamps may step back a little when the
        timebase finds a better anchor.
        """
        last = self._last.get(key)
        if last is not None and abs(stamp_ns - last) < self.window_ns:
            return False
        self._last[key] = stamp_ns
        return True
