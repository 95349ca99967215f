"""Helpers for the real-time end-to-end test (tests/test_e2e_realtime.py).

- `e2e_chart_data()`: a short two-part kick/snare chart with many unisons.
- `ClockFollower`: tails the game's clock log (`DUET_DRUMS_CLOCK_LOG`, lines
  "perf_counter_ns song_seconds") and fits song time against `perf_counter_ns` over the
  last second, so chart times become this process's `perf_counter_ns` deadlines.
  CLOCK_MONOTONIC is system-wide on Linux: the game's stamps and ours are one clock. The
  fit is refreshed every few ms, so a song clock that runs fast (SDL's disk driver) or
  is nudged by the audio fit is followed as it goes.
- `DiskRateMeter`: samples the size of SDL's disk-audio file against `perf_counter_ns`:
  how fast the audio device really consumes frames, measured outside the game.
- `XTestKeys`: real X key events through XTEST (libX11 + libXtst via ctypes, as
  bench/input_latency.py does): no xdotool process or pipe between the deadline and the
  event.
- `play_on_time()`: one player's thread body: send each action at its deadline.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import itertools
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

import numpy as np

from tests.support.xtest import XTest

RESOLUTION = 480
BPM = 120.0
FIRST_TICK = 3 * RESOLUTION  # 1.5 s after the song's zero; the 4-beat count-in (2 s) comes before
BEATS = 13  # notes on beats 0..12 after FIRST_TICK: the last at 7.5 s
MIN_FIT_POINTS = 8


def e2e_chart_data() -> dict[str, Any]:
    """Lead (P1): kick on even beats, snare on odd beats, hi-hat on the off-beats, a crash
    with the kick at both bar starts (a two-key chord). Partner (P2): the same kick/snare
    on every beat (13 on-beat unisons) plus a kick on the "and" of every bar's beat 3
    (unisons with the lead's hi-hat: a unison is any piece). Same notes in every
    difficulty."""
    half = RESOLUTION // 2
    lead: list[dict[str, Any]] = []
    partner: list[dict[str, Any]] = []
    for beat in range(BEATS):
        tick = FIRST_TICK + beat * RESOLUTION
        piece = "kick" if beat % 2 == 0 else "snare"
        lead.append({"tick": tick, "piece": piece})
        if beat % 8 == 0:
            lead.append({"tick": tick, "piece": "crash", "velocity": 120})
        partner.append({"tick": tick, "piece": piece})
        if beat < BEATS - 1:
            lead.append({"tick": tick + half, "piece": "hihat"})
            if beat % 4 == 2:
                partner.append({"tick": tick + half, "piece": "kick"})
    lead.sort(key=lambda n: (n["tick"], n["piece"]))
    diffs = ("easy", "medium", "hard", "expert")
    return {
        "format": 1,
        "metadata": {"title": "E2E Groove", "artist": "Tests", "resolution": RESOLUTION,
                     "backing": {"click": True, "count_in_beats": 4, "bass": "kick"}},
        "tempo": [{"tick": 0, "bpm": BPM}],
        "time_signatures": [{"tick": 0, "num": 4, "den": 4}],
        "sections": [{"tick": 0, "name": "Groove"}],
        "parts": {
            "lead": {d: copy.deepcopy(lead) for d in diffs},
            "partner": {d: copy.deepcopy(partner) for d in diffs},
        },
    }


def note_times(notes: Sequence[dict[str, Any]]) -> list[tuple[float, str]]:
    """(seconds, piece) of chart notes at the constant test tempo."""
    return [(n["tick"] / RESOLUTION * 60.0 / BPM, n["piece"]) for n in notes]


# -- the game's clock, seen from outside ------------------------------------------------
@dataclass(frozen=True)
class ClockFit:
    t_ref_ns: int
    song_ref: float
    rate: float  # song seconds per perf_counter second

    def stamp_ns(self, song_t: float) -> int:
        return self.t_ref_ns + int((song_t - self.song_ref) / self.rate * 1e9)

    def song_time(self, stamp_ns: int) -> float:
        return self.song_ref + (stamp_ns - self.t_ref_ns) * 1e-9 * self.rate


class _Sampler:
    """A daemon thread calling `_poll()` every `poll_s` while the `with` block runs."""

    def __init__(self, name: str, poll_s: float):
        self.poll_s = poll_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._poll()
            self._stop.wait(self.poll_s)

    def _poll(self) -> None:
        raise NotImplementedError


class ClockFollower(_Sampler):
    """Tails the clock log in a thread; `fit()` is the latest line through the last
    `window_s` of lines in which song time was moving.

    The window is short on purpose: the game's clock follows the device's pace closely,
    and the disk driver's pace wanders by ±15 ms around a straight line over a song;
    predicting 10-20 ms ahead from the last 0.2 s is off by ~1 ms (from the last 1 s,
    ~3.5 ms)."""

    def __init__(self, path: Path, window_s: float = 0.2, poll_s: float = 0.005):
        super().__init__("clock-follower", poll_s)
        self.path = path
        self.window_ns = int(window_s * 1e9)
        self.points: list[tuple[int, float]] = []
        self._fit: ClockFit | None = None
        self._lock = threading.Lock()
        self._pos = 0
        self._partial = ""

    def _poll(self) -> None:
        try:
            with open(self.path, encoding="ascii") as f:
                f.seek(self._pos)
                chunk = f.read()
                self._pos = f.tell()
        except FileNotFoundError:
            return
        if chunk:
            lines = (self._partial + chunk).split("\n")
            self._partial = lines.pop()
            new = []
            for line in lines:
                stamp, song = line.split()
                new.append((int(stamp), float(song)))
            self._add(new)

    def _add(self, new: list[tuple[int, float]]) -> None:
        with self._lock:
            self.points.extend(new)
            # Only the running clock: before the transport starts song time stands still.
            tail = self.points[-400:]
            moving = [q for p, q in itertools.pairwise(tail) if q[1] > p[1]]
            if len(moving) < MIN_FIT_POINTS:
                return
            latest = moving[-1][0]
            recent = [p for p in moving if p[0] >= latest - self.window_ns]
            # At a low frame rate the window holds few lines: take at least MIN_FIT_POINTS.
            moving = recent if len(recent) >= MIN_FIT_POINTS else moving[-MIN_FIT_POINTS:]
            t = np.array([p[0] for p in moving], dtype=np.float64)
            s = np.array([p[1] for p in moving], dtype=np.float64)
            t_ref = int(t[-1])
            x = (t - t_ref) * 1e-9
            slope, intercept = np.polyfit(x, s, 1)
            if 0.5 < slope < 2.0:
                self._fit = ClockFit(t_ref, float(intercept), float(slope))

    def fit(self) -> ClockFit | None:
        with self._lock:
            return self._fit

    def wait_running(self, timeout_s: float) -> ClockFit:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            fit = self.fit()
            if fit is not None:
                return fit
            time.sleep(0.02)
        raise TimeoutError(f"the game's song clock did not start within {timeout_s} s ({self.path})")

    def snapshot(self) -> list[tuple[int, float]]:
        with self._lock:
            return list(self.points)


def overall_rate(points: Sequence[tuple[int, float]], song_from: float, song_to: float) -> float:
    """Song seconds per perf_counter second over the lines with song time in [from, to]."""
    sel = [(t, s) for t, s in points if song_from <= s <= song_to]
    t = np.array([p[0] for p in sel], dtype=np.float64) * 1e-9
    s = np.array([p[1] for p in sel], dtype=np.float64)
    return float(np.polyfit(t - t[0], s, 1)[0])


class DiskRateMeter(_Sampler):
    """Samples (perf_counter_ns, bytes) of SDL's disk-audio output file in a thread."""

    def __init__(self, path: Path, poll_s: float = 0.02):
        super().__init__("disk-rate", poll_s)
        self.path = path
        self.samples: list[tuple[int, int]] = []

    def _poll(self) -> None:
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            return
        self.samples.append((time.perf_counter_ns(), size))

    def frames_per_second(self, bytes_per_frame: int, t_from_ns: int, t_to_ns: int) -> float:
        """Device frames consumed per perf_counter second between two instants."""
        sel = [(t, b) for t, b in self.samples if t_from_ns <= t <= t_to_ns]
        t = np.array([p[0] for p in sel], dtype=np.float64) * 1e-9
        frames = np.array([p[1] for p in sel], dtype=np.float64) / bytes_per_frame
        return float(np.polyfit(t - t[0], frames, 1)[0])


# -- real key events ------------------------------------------------------------------
def xtest_missing() -> str | None:
    for lib in ("X11", "Xtst"):
        if ctypes.util.find_library(lib) is None:
            return f"needs lib{lib} (Debian packages libx11-6, libxtst6)"
    return None


class XTestKeys(XTest):
    """XTEST key presses for the play-along threads (see tests/support/xtest.py)."""


# -- playing along ---------------------------------------------------------------------
@dataclass(order=True)
class Action:
    song_t: float  # when, in song seconds (the player's intent: chart time + offset)
    player: int = field(compare=False)  # whose sender sends it
    what: Any = field(compare=False)  # handed to the sender
    hit: bool = field(compare=False, default=True)  # a key-down / note-on (else a release)


@dataclass(frozen=True)
class Sent:
    player: int
    hit: bool
    song_t: float  # intended song time
    stamp_ns: int  # perf_counter_ns when it was handed to the transport
    song_at_send: float  # where the followed clock put that instant


Sender = Callable[[Any], int | None]  # sends an action; may return its own perf_counter_ns stamp


def play_on_time(clock: ClockFollower, actions: Sequence[Action], senders: Sequence[Sender],
                 log: list[Sent], stop: threading.Event) -> None:
    """Send every player's actions, in time order, each when the game's song clock (as
    followed now) reaches its time.

    One thread for both players: two threads spinning towards the same deadline (every
    unison) would take turns holding the GIL, and one player would be late by the
    interpreter's switch interval. Sleeps in short steps while the deadline is far
    (re-reading the fit, which moves as new clock lines arrive), then sleeps to ~1 ms
    before it and spins the rest."""
    for action in sorted(actions):
        while not stop.is_set():
            fit = clock.fit()
            if fit is None:
                time.sleep(0.01)
                continue
            left = fit.stamp_ns(action.song_t) - time.perf_counter_ns()
            if left > 40_000_000:
                time.sleep(min(left * 1e-9 - 0.03, 0.05))
                continue
            if left > 1_500_000:
                time.sleep(left * 1e-9 - 0.001)
            fit = clock.fit() or fit
            deadline = fit.stamp_ns(action.song_t)
            while time.perf_counter_ns() < deadline:
                pass
            now = time.perf_counter_ns()
            # A sender that knows better (XTest: the instant it flushes) returns its stamp.
            stamp = senders[action.player](action.what) or now
            log.append(Sent(action.player, action.hit, action.song_t, stamp, fit.song_time(stamp)))
            break


def song_times_at(points: Sequence[tuple[int, float]], stamps_ns: Sequence[int]) -> list[float]:
    """The game's song time at each stamp, read off its own clock log afterwards (linear
    between the log's lines, a frame apart): when a send really happened, in the game's
    terms, whatever the follower predicted at the time."""
    t = np.array([p[0] for p in points], dtype=np.float64)
    s = np.array([p[1] for p in points], dtype=np.float64)
    return [float(x) for x in np.interp(np.asarray(stamps_ns, dtype=np.float64), t, s)]
