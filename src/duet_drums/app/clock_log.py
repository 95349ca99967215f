"""Debug hook: log the song clock, so an outside program can play along "on time".

Off by default. With `DUET_DRUMS_CLOCK_LOG=<path>` in the environment the play scene
appends one line per frame (at most one every `MIN_INTERVAL_NS`):

    <perf_counter_ns> <song seconds at that instant>

The song time is `transport.song_time_at(stamp)`: the very mapping hit stamps are judged
through. `perf_counter_ns` is CLOCK_MONOTONIC on Linux, shared by every process, so
another process (the end-to-end test, tests/test_e2e_realtime.py) can fit these lines
and turn chart times into its own `perf_counter_ns` deadlines. Lines are flushed as they
are written (line buffering): a few microseconds a frame.
"""

from __future__ import annotations

import os
import time
from typing import IO

from duet_drums.app.transport import Transport

CLOCK_LOG_ENV = "DUET_DRUMS_CLOCK_LOG"
MIN_INTERVAL_NS = 5_000_000


class ClockLog:
    def __init__(self, path: str):
        self._file: IO[str] | None = open(path, "a", encoding="ascii", buffering=1)  # noqa: SIM115
        self._last_ns = 0

    @classmethod
    def from_env(cls) -> ClockLog | None:
        path = os.environ.get(CLOCK_LOG_ENV)
        return cls(path) if path else None

    def record(self, transport: Transport) -> None:
        if self._file is None:
            return
        stamp = time.perf_counter_ns()
        if stamp - self._last_ns < MIN_INTERVAL_NS:
            return
        self._last_ns = stamp
        self._file.write(f"{stamp} {transport.song_time_at(stamp):.6f}\n")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
