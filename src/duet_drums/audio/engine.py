"""`AudioEngine`: the one object the game loop talks to for sound and song time.

It wires a device (SDL callback device, or the silent wall-clock feeder when none can be
opened) to the `Mixer` (backing + hit voices) and the `SongClock`. Every buffer the
device asks for goes through `_fill`, which stamps the request, tells the clock, and mixes:
so the clock follows frames the device actually consumed, never the wall clock alone.

Threading: `_fill` runs on the audio thread; every other method runs on the game thread
and only queues commands for the mixer (applied at the start of the next buffer).
"""

from __future__ import annotations

import os
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from duet_drums.audio import mixer as mx
from duet_drums.audio.backing import BackingVolumes, render_backing
from duet_drums.audio.clock import SongClock
from duet_drums.audio.device import AudioOpenError, OutputDevice, SdlOutput, SilentFeeder
from duet_drums.audio.mixer import F32, Gains, Mixer, make_voice
from duet_drums.audio.samples import HitTone, SampleBank, velocity_gain
from duet_drums.audio.track import BackingTrack
from duet_drums.audio.userfile import UserAudioError, audio_path, load_user_track
from duet_drums.core.chart import Chart
from duet_drums.core.kit import Piece
from duet_drums.settings import AudioSettings, Calibration

# More broken drum samples than this are reported as one line (a whole folder missing).
SAMPLE_NOTICES = 2


class AudioEngine:
    def __init__(self, settings: AudioSettings, calibration: Calibration, samples_dir: Path,
                 *, force_silent: bool = False):
        self.settings = settings
        self.calibration = calibration
        self.samples_dir = Path(samples_dir)
        self.sample_rate = int(settings.sample_rate)
        self.buffer_frames = int(settings.buffer_frames)
        self.force_silent = force_silent
        self._clock = SongClock(self.sample_rate, self._latency_frames())
        self.mixer = Mixer(self.sample_rate, self._clock)
        self.bank = SampleBank(self.sample_rate)
        self._device: OutputDevice | None = None
        self._frames = 0  # device frames handed out so far (= the next buffer's first frame)
        self._callbacks = 0
        self._late = 0
        self._errors = 0
        self._last_error = ""
        self._last_cb_ns = 0
        self._cb_max_ns = 0
        self._cb_total_ns = 0
        # The last callbacks' durations, and the part spent telling the clock (ns): what
        # a callback that runs late is made of. Appends are atomic; stats() copies.
        self._cb_recent: deque[tuple[int, int]] = deque(maxlen=4096)
        self.warning: str | None = None
        self.track: BackingTrack | None = None
        self.set_volumes(settings.master_volume, settings.backing_volume, settings.hits_volume)

    # -- device ------------------------------------------------------------------------------
    def _latency_frames(self) -> float:
        """Output latency in device frames: the buffer being played while we fill the next
        one, plus the user's calibrated audio offset."""
        return self.buffer_frames + self.calibration.audio_offset_ms / 1000.0 * self.sample_rate

    def open(self) -> str | None:
        """Open the output; returns a warning when it had to fall back to silent mode."""
        if self._device is not None:
            return self.warning
        self.bank = SampleBank.load(self.samples_dir, self.sample_rate)
        self._clock.reset_device()
        self._frames = 0
        # A reopened device counts frames from 0 again: re-anchor the song where it is.
        m = self.mixer
        if m.track is not None:
            rate = m.track.speed / self.sample_rate if m.state == "playing" else 0.0
            song = m.track.song_time_of(m.pos) if m.state != "stopped" else m.track.start_time
            self._clock.set_anchor(0, song, rate, jump=True)
        self.warning = None
        device: OutputDevice | None = None
        if not self.force_silent:
            try:
                device = SdlOutput(self.sample_rate, self.buffer_frames, self._fill)
            except AudioOpenError as exc:
                self.warning = f"{exc}; playing silently (song time follows the wall clock)"
        if device is None:
            device = SilentFeeder(self.sample_rate, self.buffer_frames, self._fill)
            if self.warning is None:
                self.warning = "audio disabled; playing silently"
        elif device.sample_rate != self.sample_rate:  # pragma: no cover - we forbid changes
            self.warning = f"device runs at {device.sample_rate} Hz, expected {self.sample_rate}"
        self.buffer_frames = device.buffer_frames
        self._clock.latency_frames = self._latency_frames()
        self._device = device
        return self.warning

    def notices(self) -> list[str]:
        """What the player should know about the sound, in words: the device it fell back
        from (the game plays silently then) and the drum samples it could not load
        (those sounds are silent). Many broken samples are one line, naming the first."""
        out = [self.warning] if self.warning else []
        problems = list(self.bank.warnings)
        if len(problems) > SAMPLE_NOTICES:
            out.append(f"{len(problems)} drum sounds could not be loaded and will be silent "
                       f"(first: {problems[0]})")
        else:
            out += problems
        return out

    def close(self) -> None:
        device, self._device = self._device, None
        if device is not None:
            device.close()

    def set_calibration(self, calibration: Calibration) -> None:
        self.calibration = calibration
        self._clock.latency_frames = self._latency_frames()

    def _fill(self, out: F32) -> None:
        """The audio callback: stamp, tell the clock, mix. Never raises."""
        t0 = time.perf_counter_ns()
        n = len(out)
        try:
            if self._last_cb_ns and t0 - self._last_cb_ns > 1.8e9 * n / self.sample_rate:
                self._late += 1
            self._last_cb_ns = t0
            self._clock.observe(t0, self._frames, n)
            t_observed = time.perf_counter_ns()
            self.mixer.render(out, self._frames)
        except Exception as exc:  # a bug must cost one buffer of silence, not the game
            out.fill(0.0)
            self._errors += 1
            self._last_error = f"{type(exc).__name__}: {exc}"
            t_observed = t0
        self._frames += n
        self._callbacks += 1
        dt = time.perf_counter_ns() - t0
        self._cb_total_ns += dt
        self._cb_max_ns = max(self._cb_max_ns, dt)
        self._cb_recent.append((dt, t_observed - t0))

    # -- song --------------------------------------------------------------------------------
    def load_song(self, track: BackingTrack) -> None:
        if track.sample_rate != self.sample_rate:
            raise ValueError(f"track is at {track.sample_rate} Hz, the device at {self.sample_rate} Hz")
        self.mixer.command(mx.Load(track))
        # Until the next buffer applies it, the clock already shows the track's start,
        # for every frame (the mixer's own anchor, same values, replaces it from its frame
        # on, so there is nothing to race with).
        self._clock.set_anchor(-1e18, track.start_time, 0.0, jump=True)
        self.track = track

    def continue_with(self, track: BackingTrack) -> None:
        """Swap in the next stretch of the song without a gap (see `mixer.Continue`)."""
        if track.sample_rate != self.sample_rate:
            raise ValueError(f"track is at {track.sample_rate} Hz, the device at {self.sample_rate} Hz")
        self.mixer.command(mx.Continue(track))
        self.track = track

    def start(self) -> None:
        """Play the loaded track from its first sample (the count-in)."""
        self.mixer.command(mx.Start())

    def pause(self) -> None:
        self.mixer.command(mx.Pause())

    def resume(self) -> None:
        self.mixer.command(mx.Resume())

    def stop(self) -> None:
        self.mixer.command(mx.Stop())

    def seek(self, song_time: float) -> None:
        self.mixer.command(mx.Seek(float(song_time)))

    @property
    def clock(self) -> SongClock:
        return self._clock

    @property
    def finished(self) -> bool:
        """The whole track has been handed to the device."""
        return self.mixer.finished

    @property
    def frames_consumed(self) -> int:
        return self._frames

    # -- backing helpers ---------------------------------------------------------------------
    def render_backing(self, chart: Chart, speed: float = 1.0,
                       quiet: tuple[tuple[float, float], ...] = ()) -> BackingTrack:
        """The synthesized backing with our click samples and click volume; `quiet`
        spans (the quiet-count drill) have no click, and then the click is on even for
        a chart that asks for none (the drill is about the click)."""
        return render_backing(chart, self.sample_rate, speed, click=True if quiet else None,
                              volumes=BackingVolumes(click=self.settings.click_volume),
                              click_sounds=self.bank.click_sounds(), quiet=quiet)

    def backing_for(self, chart: Chart, chart_path: str | os.PathLike[str] | None,
                    speed: float = 1.0, quiet: tuple[tuple[float, float], ...] = ()
                    ) -> tuple[BackingTrack, str | None]:
        """The chart's own audio file if it names one and it loads, else the synthesized
        backing; the second value is the message to show when the file failed. A quiet
        count always plays the synthesized backing: a recording has no click to drop."""
        if quiet:
            return self.render_backing(chart, speed, quiet), None
        if chart_path is not None and audio_path(chart, chart_path) is not None:
            try:
                return load_user_track(chart, chart_path, self.sample_rate, speed), None
            except UserAudioError as exc:
                return self.render_backing(chart, speed), f"{exc}; using the synthesized backing"
        return self.render_backing(chart, speed), None

    # -- hits ----------------------------------------------------------------------------------
    def play_hit(self, piece: Piece, velocity: int | None, player: int,
                 stamp_ns: int | None = None, tone: HitTone = "standard") -> None:
        """Sound a hit on the `tone` kit. It is placed one buffer after the instant it
        was played (`stamp_ns`, default now) on the fitted device timeline: a constant
        latency instead of a 0..1 buffer jitter, and never later than the next buffer."""
        sample = self.bank.get(Piece(piece), tone)
        if sample is None:
            return
        stamp = time.perf_counter_ns() if stamp_ns is None else stamp_ns
        target = int(self._clock.device_frame_at(stamp)) + self.buffer_frames
        latest = self._frames + self.buffer_frames - 1
        start = min(target, latest)
        voice = make_voice(sample, velocity_gain(velocity), player, start, Piece(piece))
        self.mixer.command(mx.AddVoice(voice))

    def set_volumes(self, master: float | None = None, backing: float | None = None,
                    hits: float | None = None, click: float | None = None) -> None:
        """Master, backing and hit volumes apply within a buffer; the click volume is baked
        into the synthesized backing, so it applies to the next `render_backing`."""
        g = self.mixer.gains
        new = Gains(master=g.master if master is None else float(master),
                    backing=g.backing if backing is None else float(backing),
                    hits=g.hits if hits is None else float(hits))
        self.mixer.gains = new  # one reference swap: the callback sees old or new, whole
        if click is not None:
            self.settings = self.settings.model_copy(update={"click_volume": float(click)})

    def stats(self) -> dict[str, Any]:
        dev = self._device
        n = max(1, self._callbacks)
        return {
            "driver": dev.driver if dev else "closed",
            "device": dev.device_name if dev else None,
            "silent": isinstance(dev, SilentFeeder),
            "sample_rate": self.sample_rate,
            "buffer_frames": self.buffer_frames,
            "latency_ms": self._latency_frames() / self.sample_rate * 1000,
            "frames_consumed": self._frames,
            "callbacks": self._callbacks,
            "underruns": self._late,  # callbacks that came > 1.8 buffers after the previous
            "callback_errors": self._errors,
            "last_error": self._last_error,
            "callback_mean_us": self._cb_total_ns / n / 1000,
            "callback_max_us": self._cb_max_ns / 1000,
            **_recent_stats(list(self._cb_recent)),
            "clipped_frames": self.mixer.clipped_frames,
            "voices": len(self.mixer.voices),
            "device_rate_estimate": self._clock.rate_estimate,
            "sample_warnings": list(self.bank.warnings),
        }


def _recent_stats(recent: list[tuple[int, int]]) -> dict[str, float]:
    """p50/p99/max (us) of the last callbacks' durations and of their clock part."""
    if not recent:
        return {}
    arr = np.asarray(recent, dtype=np.float64) / 1000.0
    out: dict[str, float] = {"recent_callbacks": float(len(recent))}
    for col, name in ((0, "callback"), (1, "clock_observe")):
        out[f"recent_{name}_p50_us"] = float(np.percentile(arr[:, col], 50))
        out[f"recent_{name}_p99_us"] = float(np.percentile(arr[:, col], 99))
        out[f"recent_{name}_max_us"] = float(arr[:, col].max())
    return out
