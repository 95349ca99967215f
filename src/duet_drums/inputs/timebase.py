"""Rebuild when MIDI messages really arrived, from the driver's `delta_time`.

Our reader thread sees a message only when it gets the GIL and polls, so its own
`perf_counter_ns()` at arrival is late by anything from 0.1 ms to tens of ms under load.
The driver's `delta_time` (seconds since the previous message) is not: summed up it is
a clock that keeps the driver's spacing, only with an unknown origin. The origin is
found as the smallest (arrival - accumulated) seen recently: the least-delayed
message shows where the driver clock sits on `perf_counter`. Taking the minimum over a
sliding window (the last few seconds, or the last few messages if the port went quiet
for longer) ignores stalls, and letting old minima expire follows slow drift between
the two clocks.
"""

from __future__ import annotations

from collections import deque

DEFAULT_WINDOW_NS = 3_000_000_000
DEFAULT_MIN_SAMPLES = 16


class DeltaTimebase:
    """Turn (delta_time, arrival perf_counter_ns) pairs into rebuilt perf_counter_ns."""

    __slots__ = ("_acc_ns", "_candidates", "_seq", "min_samples", "window_ns")

    def __init__(self, window_ns: int = DEFAULT_WINDOW_NS,
                 min_samples: int = DEFAULT_MIN_SAMPLES) -> None:
        self.window_ns = window_ns
        self.min_samples = min_samples
        self._acc_ns = 0
        self._seq = 0
        # Monotonic deque of (seq, arrival_ns, offset_ns), offsets increasing from the
        # left: the left end is always the minimum of the window (O(1) amortised).
        self._candidates: deque[tuple[int, int, int]] = deque()

    def stamp(self, delta_s: float, arrival_ns: int) -> int:
        """The rebuilt perf_counter_ns of a message; call once per message, in order.

        Every message must go through here, including those the game ignores (clock,
        sensing): each `delta_time` counts from the message before it.
        """
        if delta_s > 0:
            self._acc_ns += round(delta_s * 1e9)
        acc = self._acc_ns
        offset = arrival_ns - acc
        seq = self._seq
        self._seq = seq + 1
        candidates = self._candidates
        while candidates and candidates[-1][2] >= offset:
            candidates.pop()
        candidates.append((seq, arrival_ns, offset))
        oldest_arrival = arrival_ns - self.window_ns
        oldest_seq = seq - self.min_samples
        while candidates[0][1] < oldest_arrival and candidates[0][0] < oldest_seq:
            candidates.popleft()
        return acc + candidates[0][2]

    def stamp_after_gap(self, delta_s: float, arrival_ns: int) -> int:
        """Like `stamp`, for a message whose time since the one before is not all in its
        `delta_s` (rtmidi dropped the time of events it glued together).

        The missing time is taken as long as it can have been: this message is stamped
        at its arrival (a message cannot be later than that). Too long a guess costs
        little: the next message that was not held up shows the real anchor, and the
        window's minimum takes it at once. Too short a guess would make every stamp
        early by the difference until the window renews (seconds), and such guesses
        add up.
        """
        if delta_s > 0:
            self._acc_ns += round(delta_s * 1e9)
        if self._candidates:
            floor = self._candidates[0][2]
            if self._acc_ns + floor < arrival_ns:
                self._acc_ns = arrival_ns - floor
        return self.stamp(0.0, arrival_ns)

    def reset(self) -> None:
        """Forget the anchor: the next message starts a new driver clock (port reopened)."""
        self._acc_ns = 0
        self._seq = 0
        self._candidates.clear()
