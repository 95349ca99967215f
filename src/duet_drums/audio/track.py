"""What the engine plays under the song: one stereo buffer anchored to song time.

Both the synthesized backing and a user's own recording end up as a `BackingTrack`, so
the mixer and the song clock need to know only one rule: sample `i` sounds at song time
``start_time + i * speed / sample_rate``. A practice-speed track (speed < 1) is simply
rendered longer, so notes at chart time `t` land at sample ``(t - start_time) * rate /
speed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, eq=False)
class BackingTrack:
    samples: npt.NDArray[np.float32]  # shape (n, 2), values in [-1, 1]
    start_time: float  # song seconds of sample 0 (negative: a count-in / lead-in)
    speed: float = 1.0
    sample_rate: int = 48000
    description: str = ""

    def __post_init__(self) -> None:
        if self.samples.ndim != 2 or self.samples.shape[1] != 2:
            raise ValueError(f"backing samples must have shape (n, 2), got {self.samples.shape}")
        if not 0.1 <= self.speed <= 4.0:
            raise ValueError(f"speed {self.speed} out of range")

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def end_time(self) -> float:
        """Song seconds just after the last sample."""
        return self.song_time_of(self.frames)

    def song_time_of(self, frame: float) -> float:
        return self.start_time + frame * self.speed / self.sample_rate

    def frame_of(self, song_time: float) -> int:
        """Nearest sample index (may be negative or past the end) for a song time."""
        return round((song_time - self.start_time) * self.sample_rate / self.speed)


def silent_track(seconds: float, sample_rate: int = 48000, start_time: float = 0.0) -> BackingTrack:
    """A silent track, for songs that want no backing at all and for tests."""
    return BackingTrack(np.zeros((max(0, round(seconds * sample_rate)), 2), np.float32), start_time,
                        1.0, sample_rate, "silence")


def anchored_track(x: npt.NDArray[np.float32], offset_s: float, sample_rate: int, speed: float = 1.0,
                   lead_in: float = 1.0, description: str = "") -> BackingTrack:
    """A recording as a BackingTrack: chart time 0 falls `offset_s` into the recording
    (file sample i sounds at song time ``i / rate - offset_s``), with silence put in front
    so play starts at least `lead_in` seconds before the first beat. Practice speed < 1
    plays it slower *and lower*, like tape: a recording cannot be re-rendered at a new
    tempo."""
    from duet_drums.audio.decode import resample

    start_time = -offset_s
    if start_time > -lead_in:
        pad = round((start_time + lead_in) * sample_rate)
        x = np.concatenate([np.zeros((pad, 2), np.float32), x])
        start_time -= pad / sample_rate
    if speed != 1.0:
        # Sample i must now sound at i / speed: as many more samples, at the same rate.
        x = resample(x, sample_rate, sample_rate / speed)
    x.flags.writeable = False
    return BackingTrack(x, start_time, speed, sample_rate, description)
