"""Frame pacing that keeps polling input between frames.

`pygame.time.Clock.tick` sleeps through the whole gap between frames, so key events wait
in SDL's queue until the next frame and get that frame's time: up to 33 ms late at 30 FPS.
`FramePacer` instead sleeps in ~1 ms steps and calls `poll()` after each step until the
next frame is due, so `keyboard.KeyboardPoller` can stamp keys to within half a
millisecond whatever the frame rate.

Cadence is deadline-based: frame k is due at start + k * period, so sleep overshoot does
not accumulate into drift. After a stall longer than a frame (a slow load, the window
being dragged) the schedule restarts from now instead of racing through missed frames.

Sleep granularity: `time.sleep` on Linux overshoots by ~0.05-0.1 ms (timer slack), on
other systems by up to a millisecond or more. The pacer learns the overshoot as it goes;
polls between frames simply sleep ~1 ms (a late poll costs nothing), but the last sleep
before a frame deadline ends `spin_s` (0.3 ms) + the learnt overshoot early and the rest
is busy-waited, so frame starts stay on time.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], int]
Sleep = Callable[[float], None]

NS = 1_000_000_000
MAX_OVERSHOOT_NS = 2_000_000


@dataclass(frozen=True, slots=True)
class FrameStats:
    """Measured frame times (start of one frame to the start of the next), seconds."""

    frames: int
    mean_s: float
    p50_s: float
    p99_s: float
    max_s: float
    mean_polls: float  # poll() calls per frame

    @property
    def fps(self) -> float:
        return 1.0 / self.mean_s if self.mean_s > 0 else 0.0


class FramePacer:
    """Wait for the next frame while polling input; `fps` None or 0 = uncapped."""

    def __init__(self, fps: float | None, clock: Clock = time.perf_counter_ns,
                 sleep: Sleep = time.sleep, spin_s: float = 0.0003, history: int = 600):
        if fps is not None and fps < 0:
            raise ValueError(f"fps must be positive, 0 or None, not {fps}")
        self.period_ns = round(NS / fps) if fps else 0
        self._clock = clock
        self._sleep = sleep
        self._spin_ns = round(spin_s * NS)
        # How late time.sleep wakes up here, learnt as we go (typical Linux: ~0.06 ms).
        self._overshoot_ns = 100_000
        self._deadline: int | None = None
        self._last_return: int | None = None
        self._frame_ns: deque[int] = deque(maxlen=history)
        self._polls: deque[int] = deque(maxlen=history)
        self.polls_last_frame = 0
        self.late_frames = 0  # frames whose schedule had to restart after a stall

    @property
    def fps(self) -> float | None:
        return NS / self.period_ns if self.period_ns else None

    def wait_for_next_frame(self, poll: Callable[[], None], poll_interval_s: float = 0.001) -> None:
        """Call `poll()` about every `poll_interval_s` until the next frame is due.

        `poll()` is called at least once, and always once more just before returning, so
        the frame about to be drawn sees the freshest input. Uncapped: one poll per frame.
        """
        polls = 0
        if self.period_ns == 0:
            poll()
            polls = 1
        else:
            polls = self._poll_until_deadline(poll, round(poll_interval_s * NS))
        now = self._clock()
        if self._last_return is not None:
            self._frame_ns.append(now - self._last_return)
            self._polls.append(polls)
        self._last_return = now
        self.polls_last_frame = polls

    def _poll_until_deadline(self, poll: Callable[[], None], interval_ns: int) -> int:
        now = self._clock()
        if self._deadline is None:
            self._deadline = now + self.period_ns
        deadline = self._deadline
        polls = 0
        while True:
            poll()
            polls += 1
            now = self._clock()
            if now >= deadline:
                break
            if deadline - now <= interval_ns + self._overshoot_ns + self._spin_ns:
                # Final approach: one sleep that cannot overshoot the deadline, then spin.
                self._sleep_for(deadline - now - self._spin_ns - self._overshoot_ns)
                while self._clock() < deadline:
                    pass
            else:
                self._sleep_for(interval_ns)
        # Schedule the next frame from this one's deadline (no drift); after a stall of
        # more than a frame, from now (no burst of catch-up frames).
        upcoming = deadline + self.period_ns
        if upcoming <= now:
            upcoming = now + self.period_ns
            self.late_frames += 1
        self._deadline = upcoming
        return polls

    def _sleep_for(self, duration_ns: int) -> None:
        """Sleep and learn how late sleeps wake up (rises fast, decays slowly)."""
        if duration_ns <= 0:
            return
        before = self._clock()
        self._sleep(duration_ns / NS)
        late = max(0, self._clock() - before - duration_ns)
        weight = 0.5 if late > self._overshoot_ns else 0.05
        self._overshoot_ns += round(weight * (late - self._overshoot_ns))
        # One preempted sleep must not make every later frame spin for milliseconds.
        self._overshoot_ns = min(self._overshoot_ns, MAX_OVERSHOOT_NS)

    def reset(self) -> None:
        """Restart the schedule (after a pause where nobody waited on the pacer)."""
        self._deadline = None
        self._last_return = None

    @property
    def frame_times_s(self) -> list[float]:
        return [ns / NS for ns in self._frame_ns]

    def stats(self) -> FrameStats:
        times = sorted(self._frame_ns)
        if not times:
            return FrameStats(0, 0.0, 0.0, 0.0, 0.0, 0.0)
        n = len(times)
        return FrameStats(
            frames=n,
            mean_s=sum(times) / n / NS,
            p50_s=times[n // 2] / NS,
            p99_s=times[min(n - 1, int(n * 0.99))] / NS,
            max_s=times[-1] / NS,
            mean_polls=sum(self._polls) / len(self._polls),
        )
