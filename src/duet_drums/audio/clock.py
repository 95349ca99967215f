"""The song clock: `perf_counter_ns` -> song seconds, driven by the audio we feed.

Why not the wall clock: sound cards (and SDL's dummy/disk drivers) run a little fast or
slow against `perf_counter`, so a wall-clock song time drifts away from what the players
hear by tens of ms over a song. Why not the raw callback stamps: they jitter (thread
wake-ups, the GIL, devices that ask for several buffers in a burst), and a clock that
jumps by a buffer makes notes stutter and judging noisy.

So the clock has two layers, both pure functions of what it was told:

1. *Device fit.* The audio callback reports ``observe(stamp_ns, device_frame, frames)``:
   "at this moment the device asked for `frames` frames starting at `device_frame`". The
   slope (the device's real rate, whatever the wall clock says) is a least-squares line
   over the last ~2 s of callbacks, late outliers (a callback that waited for the GIL)
   rejected and restarted after a long gap (an xrun). The offset is the median residual
   of only the last ~50 ms of audio, so a device whose pace wanders (SDL's disk driver, a
   stall that really delayed the sound) is followed closely while the slope stays precise.
   The *output* follows that fit through a slewed, continuous, piecewise-linear map whose
   slope never goes negative, so the clock never runs backwards and never jumps when the
   fit is refreshed; and it never extrapolates past what was fed plus one normal callback
   interval, so a stalled device holds the clock instead of letting it run ahead.
2. *Timeline.* The mixer reports ``set_anchor(device_frame, song_time, rate)`` exactly at
   the device frame where playback starts, pauses, resumes, seeks or changes speed: from
   that frame on, song time advances by `rate` song seconds per device frame (0 while
   paused, ``speed / sample_rate`` while playing). Pause/resume/speed are therefore exact
   in *audio* terms: the clock holds when the sound holds.

Song time at an instant = timeline(device position at that instant − output latency),
where the latency (one device buffer + the calibrated ``audio_offset_ms``) is counted in
device frames.

Stalls (an underrun on a loaded machine, SDL's disk driver waiting for the scheduler):
the callback thread stops, so the device stops taking audio, and the players hear the
song stop. Two decisions follow from what they hear:

1. *The clock holds, then goes on; it never jumps.* During a stall the output stops at
   what was fed plus one normal callback interval (the extrapolation limit above). When
   callbacks resume, the sound goes on from where it stopped (SDL never skips or races
   to catch up), so the fit is cut at the gap and restarted on the new line, and the
   output slews onto it (a few ms) instead of jumping by the stall's length. A stall is
   any gap between two callbacks longer than 8 normal intervals, looked for between
   every two consecutive callbacks (it used to be noticed only when it was the newest
   gap, so two callbacks before the next query hid it and the clock jumped ~the stall
   forwards and then held as long again: hits in that hold were judged early).
2. *A hit is mapped by the clock as it stood at the hit's instant.* The output map
   changes only from the stamp of the first callback it has not yet taken in (and never
   before an instant already answered), so a hit stamped during a stall, or between the
   last frame and the callback that ended it, keeps the held song time: that is what the
   highway showed and the speakers played when the player struck. What a later callback
   teaches the clock never reaches back to it.

Thread-safety: `observe` and `set_anchor` are called from the audio thread, queries from
the game thread. The audio thread never waits: `observe` and `set_anchor` only append to
a deque (atomic), and the querying thread takes what was appended in, in order, under its
own lock, where it also computes the fit, lazily. (They used to take that lock: on a
machine with a CPU hog the game thread, descheduled in the middle of a refit, held it for
up to 5 ms, and the callback waited as long; measured with `AudioEngine.stats()`.)
"""

from __future__ import annotations

import bisect
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_NS = 1e-9


@dataclass(frozen=True, slots=True)
class Anchor:
    """From `device_frame` on, song time = `song_time` + (frame − device_frame) × `rate`."""

    device_frame: float
    song_time: float
    rate: float  # song seconds per device frame; 0 while paused or stopped
    jump: bool  # a deliberate discontinuity (start, seek, stop): the monotonic guard resets


class SongClock:
    """Maps `perf_counter_ns` stamps to song seconds; see the module docstring."""

    def __init__(
        self,
        sample_rate: int,
        latency_frames: float = 0.0,
        *,
        window_s: float = 2.0,
        max_points: int = 512,
        slew_s: float = 0.02,
        snap_s: float = 0.050,
        offset_window_s: float = 0.05,
        time_ns: Callable[[], int] = time.perf_counter_ns,
    ):
        self.sample_rate = int(sample_rate)
        self.latency_frames = float(latency_frames)
        self.window_ns = int(window_s * 1e9)
        self.slew_s = slew_s
        self.offset_window_s = offset_window_s
        self.snap_s = snap_s
        self._time_ns = time_ns
        self._lock = threading.Lock()
        # What the audio thread reported and queries have not taken in yet, in order:
        # callbacks (stamp, device frame, frames) and anchors. Bounded: a clock nobody
        # asks keeps only the newest (the fit needs the last ~2 s).
        self._inbox: deque[tuple[int, int, int]] = deque(maxlen=8192)
        self._anchor_inbox: deque[Anchor] = deque()  # few, and none may be lost
        self._obs: deque[tuple[int, int]] = deque(maxlen=max_points)
        self._dirty = False
        self._anchors: list[Anchor] = [Anchor(0.0, 0.0, 0.0, True)]
        self._anchor_frames: list[float] = [0.0]
        # For each anchor, the serial of the latest jump anchor at or before it: the
        # guard's epoch. Serials are never reused, so every jump that comes into effect
        # is told apart from every earlier one (counting the jumps in effect was not: the
        # next song's list, loaded and started, held as many as the last song's, and the
        # guard held the new song at the old one's end).
        self._anchor_jumps: list[int] = [0]
        self._serial = 0
        # Output map (device frames as a function of stamp): segments (t, y, slope, limit),
        # value y + slope * (stamp - t) capped at limit; kept a while so a past stamp (an
        # input hit) maps through the segment that was in force at that instant.
        self._max_stamp = 0  # latest instant a query has been answered for
        self._fed_end = math.inf
        self._last_frames = 0
        self._allow = 0.0  # frames the device may consume between callbacks
        self._history: deque[tuple[int, float, float, float]] = deque(maxlen=256)
        self._history_t: deque[int] = deque(maxlen=256)
        self._fit: tuple[int, float, float] | None = None  # (t_ref_ns, frames at t_ref, slope)
        self._obs_count = 0
        self._slope_at_count = 0
        self._slope_ok = False
        self._gap_limit_ns = 10e6
        # A gap longer than `_gap_limit_ns` between two callbacks since the last full refit
        # (a stall): the next refit must be a full one, cut at the gap. Checking only the
        # newest gap missed a stall whenever two callbacks came before the next query.
        self._stalled = False
        # Stamp of the first callback the output map has not taken in yet: the instant the
        # clock learnt something new. Instants before it keep the map they had.
        self._news_ns: int | None = None
        self._last_now: float | None = None
        self._guard_epoch = -1

    # -- fed by the audio thread ---------------------------------------------------------
    def observe(self, stamp_ns: int, device_frame: int, frames: int = 0) -> None:
        """The device asked, at `stamp_ns`, for `frames` frames starting at `device_frame`.

        `frames` (the buffer size) also bounds extrapolation: the output cannot get further
        than what was fed plus what the device normally consumes between two callbacks
        (one buffer, or a whole burst on devices that ask for several at once), so a
        stalled device holds the clock instead of letting it run ahead of the sound.
        Never waits (see "Thread-safety").
        """
        self._inbox.append((int(stamp_ns), int(device_frame), int(frames)))

    def set_anchor(self, device_frame: float, song_time: float, rate: float, *, jump: bool = False) -> None:
        """From `device_frame` on, song time advances `rate` song seconds per device frame.
        Never waits; anchors take effect in the order they were set."""
        self._anchor_inbox.append(Anchor(float(device_frame), float(song_time), float(rate), jump))

    def _take_in_locked(self) -> None:
        """Apply what the audio thread appended since the last query, in order."""
        inbox = self._inbox
        while inbox:
            stamp_ns, device_frame, frames = inbox.popleft()
            if self._obs and stamp_ns - self._obs[-1][0] > self._gap_limit_ns:
                self._stalled = True
            self._obs.append((stamp_ns, device_frame))
            if self._news_ns is None:
                self._news_ns = stamp_ns
            self._obs_count += 1
            self._fed_end = float(device_frame + frames) if frames > 0 else math.inf
            self._last_frames = max(frames, 0)
            self._dirty = True
        anchors = self._anchor_inbox
        while anchors:
            self._add_anchor_locked(anchors.popleft())

    def _add_anchor_locked(self, a: Anchor) -> None:
        i = bisect.bisect_right(self._anchor_frames, a.device_frame)
        # A later anchor supersedes anything planned at or after its frame.
        del self._anchors[i:], self._anchor_frames[i:], self._anchor_jumps[i:]
        if self._anchors and self._anchor_frames[-1] == a.device_frame:
            self._anchors.pop()
            self._anchor_frames.pop()
            self._anchor_jumps.pop()
        self._serial += 1
        self._anchors.append(a)
        self._anchor_frames.append(a.device_frame)
        jump_serial = self._serial if a.jump or not self._anchor_jumps else self._anchor_jumps[-1]
        self._anchor_jumps.append(jump_serial)
        # Keep the list short: anchors far behind every possible query are dead.
        if len(self._anchors) > 64:
            del self._anchors[:-32], self._anchor_frames[:-32], self._anchor_jumps[:-32]

    def reset_device(self) -> None:
        """Forget the device fit (device reopened: its frame counter restarts)."""
        with self._lock:
            self._inbox.clear()  # callbacks of the old device (anchors still count)
            self._take_in_locked()
            self._obs.clear()
            self._fit = None
            self._slope_ok = False
            self._history.clear()
            self._history_t.clear()
            self._fed_end = math.inf
            self._dirty = False
            self._stalled = False
            self._news_ns = None

    # -- queries (game thread) -----------------------------------------------------------
    def now(self) -> float:
        """Song seconds now; never smaller than the previous `now()` unless a seek/start
        happened in between."""
        t = self._time_ns()
        with self._lock:
            self._take_in_locked()
            frame = self._device_frame_locked(t) - self.latency_frames
            value = self._timeline(frame)
            # The guard restarts when a jump anchor comes into effect (in audio terms:
            # once the frame being heard has reached it), not when it was registered.
            epoch = self._anchor_jumps[max(0, bisect.bisect_right(self._anchor_frames, frame) - 1)]
            if self._last_now is not None and self._guard_epoch == epoch:
                value = max(value, self._last_now)
            self._last_now = value
            self._guard_epoch = epoch
            return value

    def song_time_at(self, stamp_ns: int) -> float:
        """Song seconds at a past (or future) `perf_counter_ns` stamp, e.g. an input hit."""
        with self._lock:
            self._take_in_locked()
            return self._song_time_locked(int(stamp_ns))

    def device_frame_at(self, stamp_ns: int) -> float:
        """Estimated device request position (frames) at `stamp_ns`."""
        with self._lock:
            self._take_in_locked()
            return self._device_frame_locked(int(stamp_ns))

    def song_time_of_frame(self, device_frame: float) -> float:
        """Song seconds of the sound at `device_frame` (no latency applied)."""
        with self._lock:
            self._take_in_locked()
            return self._timeline(device_frame)

    @property
    def rate_estimate(self) -> float | None:
        """Fitted device frames per second of `perf_counter` (None before enough data)."""
        with self._lock:
            self._take_in_locked()
            self._refit_locked()
            return None if self._fit is None else self._fit[2]

    # -- internals -----------------------------------------------------------------------
    def _song_time_locked(self, t: int) -> float:
        return self._timeline(self._device_frame_locked(t) - self.latency_frames)

    def _timeline(self, frame: float) -> float:
        i = max(0, bisect.bisect_right(self._anchor_frames, frame) - 1)
        a = self._anchors[i]
        return a.song_time + max(0.0, frame - a.device_frame) * a.rate

    def _device_frame_locked(self, t: int) -> float:
        self._update_output_locked()
        self._max_stamp = max(self._max_stamp, min(t, self._time_ns()))
        if not self._history_t:
            return 0.0
        return self._output_at(t)

    def _output_at(self, t: int) -> float:
        i = max(0, bisect.bisect_right(self._history_t, t) - 1)
        seg_t, seg_y, slope, limit = self._history[i]
        return min(seg_y + slope * (t - seg_t) * _NS, max(limit, seg_y))

    def _push_segment(self, t: int, y: float, slope: float, limit: float) -> None:
        self._history.append((t, y, slope, limit))
        self._history_t.append(t)

    def _update_output_locked(self) -> None:
        if not self._dirty:
            return
        self._refit_locked()
        fit = self._fit
        if fit is None:
            return
        t_ref, y_ref, slope = fit
        limit = self._fed_end + max(self._allow, float(self._last_frames))
        # The output map changes only after the latest instant already answered for, so
        # any value handed out stays what it was (continuity => monotonic), and only from
        # the callback that brought the news: an instant before it keeps the mapping the
        # clock had then (see "Stalls" in the module docstring).
        news, self._news_ns = self._news_ns, None
        t0 = self._max_stamp if news is None else max(self._max_stamp, news)
        target = y_ref + slope * (t0 - t_ref) * _NS
        if not self._history_t:
            self._push_segment(t0, target, slope, limit)
            return
        current = self._output_at(t0)
        # Segments planned for after t0 (the end of a previous correction) are replaced.
        while self._history_t and self._history_t[-1] >= t0:
            self._history.pop()
            self._history_t.pop()
        err = target - current
        # Thresholds and time constants are in *audio* time (frames at the nominal rate),
        # so the behaviour is the same whether the device runs at 1x or (disk driver) 30x.
        snap = self.snap_s * self.sample_rate
        if err > snap:  # far behind (device stall recovered, reopen): jump forwards
            self._push_segment(t0, target, slope, limit)
            return
        if err < -snap:  # far ahead: hold until the audio catches up, never go back
            self._push_segment(t0, current, 0.0, limit)
            self._push_segment(t0 + int(-err / slope * 1e9), current, slope, limit)
            return
        # Converge on the fit within slew_s of audio (slope kept within 0..2x), then
        # follow the fit: a correction never outlives its own duration, however long it
        # is until the next query.
        slew_ns = int(self.slew_s * self.sample_rate / slope * 1e9)
        new_slope = min(max(slope + err / (slew_ns * _NS), 0.0), 2.0 * slope)
        self._push_segment(t0, current, new_slope, limit)
        reached = min(current + new_slope * slew_ns * _NS, max(limit, current))
        self._push_segment(t0 + slew_ns, reached, slope, limit)

    def _refit_locked(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        obs = self._obs
        if not obs:
            return
        # The slope moves slowly: refit it every 16 callbacks (or after a gap); in between
        # only the offset follows, which is cheap (the realtime budget is the game's too).
        fresh = self._obs_count - self._slope_at_count
        if self._fit is not None and self._slope_ok and fresh < 16 and not self._stalled:
            self._offset_only_locked()
            return
        self._slope_at_count = self._obs_count
        self._stalled = False
        t_last = obs[-1][0]
        pts = [(t, f) for t, f in obs if t_last - t <= self.window_ns]
        # A long silence between callbacks (an xrun, a stalled process) is a kink in the
        # line: fit only what came after the last one.
        if len(pts) > 2:
            stamps = np.fromiter((t for t, _ in pts), np.int64, len(pts))
            gaps = np.diff(stamps)
            limit = max(8.0 * float(gaps.mean()), 10e6)
            self._gap_limit_ns = limit
            big = np.flatnonzero(gaps > limit)
            if len(big):
                pts = pts[int(big[-1]) + 1:]
            ok_gaps = gaps[gaps <= limit]
            if len(ok_gaps):
                gap95 = float(np.percentile(ok_gaps, 95)) * _NS
                rate = self._fit[2] if self._fit is not None else float(self.sample_rate)
                self._allow = gap95 * rate
        if len(pts) < 8 or pts[-1][0] - pts[0][0] < 20_000_000:
            # Too little data for a slope: keep the last fitted slope (or the nominal
            # rate) through the points.
            t_ref = pts[-1][0]
            rate = self._fit[2] if self._fit is not None else float(self.sample_rate)
            ys = [f - rate * (t - t_ref) * _NS for t, f in pts]
            self._fit = (t_ref, float(np.median(ys)), rate)
            self._slope_ok = False
            return
        self._slope_ok = True
        arr = np.asarray(pts, dtype=np.float64)
        t_ref = pts[-1][0]
        x = (arr[:, 0] - t_ref) * _NS
        y = arr[:, 1]
        keep = np.ones(len(x), dtype=bool)
        slope, icpt = _line(x, y)
        for _ in range(2):
            resid = y - (icpt + slope * x)
            # Late callbacks (waiting for the GIL or the scheduler) show up as too few
            # frames for their stamp: drop the far side of that one-sided tail.
            mad = float(np.median(np.abs(resid - np.median(resid)))) + 1e-9
            new_keep = resid > np.median(resid) - 4.0 * 1.4826 * mad
            if new_keep.sum() < max(8, len(x) // 2) or np.array_equal(new_keep, keep):
                break
            keep = new_keep
            slope, icpt = _line(x[keep], y[keep])
        if not np.isfinite(slope) or slope <= 0:
            slope = float(self.sample_rate)
            icpt = float(np.mean(y - slope * x))
        # The offset comes from the most recent stretch only (median of its residuals):
        # a device whose pace wanders (SDL's disk driver, a stalled callback that really
        # delayed the output) is followed within a few tens of ms of audio, while the
        # slope keeps the long window's precision.
        recent = y[-1] - y <= self.offset_window_s * self.sample_rate
        if recent.sum() < 8:
            recent = np.zeros(len(y), dtype=bool)
            recent[-8:] = True
        icpt += float(np.median((y - (icpt + slope * x))[recent]))
        self._fit = (t_ref, float(icpt), float(slope))

    def _offset_only_locked(self) -> None:
        """Keep the slope, re-estimate the offset from the last ~50 ms of audio."""
        assert self._fit is not None
        _, _, slope = self._fit
        obs = self._obs
        t_ref, f_last = obs[-1]
        span = self.offset_window_s * self.sample_rate
        resid: list[float] = []
        for i in range(len(obs) - 1, -1, -1):
            t, f = obs[i]
            if len(resid) >= 8 and f_last - f > span:
                break
            resid.append(f - slope * (t - t_ref) * _NS)
            if len(resid) >= 64:
                break
        self._fit = (t_ref, float(np.median(resid)), slope)


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope and intercept (centred, so large frame counts stay exact)."""
    xm = float(x.mean())
    ym = float(y.mean())
    dx = x - xm
    den = float(np.dot(dx, dx))
    if den <= 0:
        return float("nan"), ym
    slope = float(np.dot(dx, y - ym)) / den
    return slope, ym - slope * xm
