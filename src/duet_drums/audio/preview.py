"""The chart editor's playback: the parts' drum samples, a metronome and the chart's own
audio file, rendered one stretch of the song at a time at 25-100 % speed.

Why render instead of triggering sample voices as the song clock passes each note: a
rendered note sounds on its exact sample, whatever the frame rate, so the author hears
the chart as written, flams and all. Why in stretches: a whole song at 25 % speed is
ten minutes of stereo float audio (a quarter of a gigabyte for the medley); the editor
renders a few seconds to start at once and the next stretch while the current one plays,
then hands it over with `AudioEngine.continue_with`, which continues at the same song
time with no gap.

Timing is the backing's rule (`audio.track`): sample `i` of a stretch sounds at song
time ``start_time + i * speed / rate``. A drum sample is not slowed down with the song
(a snare hit at 50 % is still a snare hit), and a note's ringing tail is rendered into
the next stretch too, so a crash rings across the seam. The author's recording plays
slower and lower, like tape, exactly as practice mode plays it. An open hi-hat stops at
the next closed hi-hat or pedal of its part, as on a kit and in the game's mixer.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from duet_drums.audio.backing import synth_click
from duet_drums.audio.samples import CHOKE_FADE_S, SampleBank, chokes, velocity_gain
from duet_drums.audio.track import BackingTrack
from duet_drums.audio.userfile import chart_audio_file, decode_audio_file
from duet_drums.core.chart import Chart
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap

F32 = npt.NDArray[np.float32]

MIN_SPEED = 0.25
MAX_SPEED = 1.0


@dataclass(frozen=True, slots=True)
class PreviewPart:
    """One part and difficulty to sound, placed `pan` across the stereo field (0 = left)."""

    part: str
    difficulty: str
    pan: float = 0.5


@dataclass(frozen=True, slots=True)
class PreviewGains:
    drums: float = 0.7
    click: float = 0.45
    audio: float = 0.8


@dataclass(frozen=True, eq=False)
class SongAudio:
    """The chart's audio file decoded at the device rate: file sample 0 sounds at song
    time `start_time` (minus the chart's audio offset)."""

    samples: F32  # (n, 2)
    start_time: float
    sample_rate: int

    @property
    def end_time(self) -> float:
        return self.start_time + len(self.samples) / self.sample_rate


def load_song_audio(chart: Chart, chart_path: str | os.PathLike[str], sample_rate: int) -> SongAudio | None:
    """The chart's own recording, or None when it names none. Raises `UserAudioError`
    (naming the file) when it names one that cannot be read."""
    path = chart_audio_file(chart, chart_path)
    if path is None:
        return None
    x = decode_audio_file(path, sample_rate)
    np.clip(x, -1.0, 1.0, out=x)
    x.flags.writeable = False
    return SongAudio(x, -chart.metadata.audio_offset_ms / 1000.0, sample_rate)


def _pan_gains(pan: float) -> tuple[float, float]:
    theta = min(1.0, max(0.0, pan)) * math.pi / 2
    return math.cos(theta) * math.sqrt(2), math.sin(theta) * math.sqrt(2)


def _add(dst: F32, at: int, src: F32) -> None:
    lo, hi = max(0, at), min(len(dst), at + len(src))
    if hi > lo:
        dst[lo:hi] += src[lo - at:hi - at]


def _choke_times(ticks: npt.NDArray[np.int64], pieces: Sequence[Piece], times: npt.NDArray[np.float64]
                 ) -> dict[int, float]:
    """Note index -> song time where a later note of the part chokes it."""
    out: dict[int, float] = {}
    ringing: dict[Piece, list[int]] = {}
    for i, piece in enumerate(pieces):
        for victim in chokes(piece):
            for j in ringing.pop(victim, []):
                if ticks[j] < ticks[i]:
                    out[j] = float(times[i])
        ringing.setdefault(piece, []).append(i)
    return out


def _render_part(mono: F32, chart: Chart, tempo: TempoMap, part: PreviewPart, bank: SampleBank,
                 start_s: float, end_s: float, speed: float) -> None:
    notes = chart.notes(part.part, part.difficulty)
    if not notes:
        return
    rate = bank.sample_rate
    longest = max((len(s) for s in bank.pieces.values()), default=0) / rate
    ticks = np.fromiter((n.tick for n in notes), np.int64, len(notes))
    times = tempo.seconds_array(ticks)
    pieces = [n.piece for n in notes]
    lo = int(np.searchsorted(times, start_s - longest * speed))
    hi = int(np.searchsorted(times, end_s))
    choked = _choke_times(ticks, pieces, times)
    fade = max(1, int(CHOKE_FADE_S * rate))
    for i in range(lo, hi):
        sample = bank.get(pieces[i])
        if sample is None:
            continue
        at = round((times[i] - start_s) * rate / speed)
        voice = sample * np.float32(velocity_gain(notes[i].velocity))
        stop = choked.get(i)
        if stop is not None:
            cut = round((stop - times[i]) * rate / speed)
            if cut < len(voice):
                voice = voice[:cut + fade]
                voice[cut:] *= np.linspace(1.0, 0.0, len(voice) - cut, dtype=np.float32)
        _add(mono, at, voice)


def _render_click(mono: F32, tempo: TempoMap, bank: SampleBank, start_s: float, end_s: float,
                  speed: float) -> None:
    rate = bank.sample_rate
    normal, accent = bank.click_sounds() or (synth_click(rate, False), synth_click(rate, True))
    ring_s = max(len(normal), len(accent)) / rate * speed  # a click from before still rings
    lo = max(0, math.floor(tempo.tick_at(start_s - ring_s)))
    hi = max(lo, math.ceil(tempo.tick_at(end_s)))
    for line in tempo.grid(lo, hi):
        if start_s - ring_s <= line.seconds < end_s:
            _add(mono, round((line.seconds - start_s) * rate / speed),
                 accent if line.measure is not None else normal * np.float32(0.8))


def _render_audio(out: F32, audio: SongAudio, start_s: float, speed: float, gain: float) -> None:
    n = len(out)
    rate = audio.sample_rate
    # Output sample i is song time start_s + i * speed / rate: file position below.
    first = (start_s - audio.start_time) * rate
    pos = first + np.arange(n, dtype=np.float64) * speed
    inside = (pos >= 0) & (pos <= len(audio.samples) - 1)
    if not inside.any():
        return
    idx = np.flatnonzero(inside)
    p = pos[idx]
    base = np.arange(len(audio.samples), dtype=np.float64)
    for ch in range(2):
        out[idx, ch] += np.interp(p, base, audio.samples[:, ch]).astype(np.float32) * np.float32(gain)


def render_stretch(chart: Chart, bank: SampleBank, start_s: float, end_s: float, *, speed: float = 1.0,
                   parts: Sequence[PreviewPart] = (), click: bool = True, audio: SongAudio | None = None,
                   gains: PreviewGains | None = None, tempo: TempoMap | None = None) -> BackingTrack:
    """Song time [start_s, end_s) of the chart as heard in the editor, at `speed`."""
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"playback speed {speed:.2f} is outside {MIN_SPEED:.0%}-{MAX_SPEED:.0%}")
    if end_s <= start_s:
        raise ValueError(f"empty stretch: {start_s:.3f} s to {end_s:.3f} s")
    gains = gains or PreviewGains()
    tempo = tempo or TempoMap.from_chart(chart)
    rate = bank.sample_rate
    n = max(1, math.ceil((end_s - start_s) * rate / speed))
    out = np.zeros((n, 2), np.float32)
    for part in parts:
        mono = np.zeros(n, np.float32)
        _render_part(mono, chart, tempo, part, bank, start_s, end_s, speed)
        gl, gr = _pan_gains(part.pan)
        out[:, 0] += mono * np.float32(gains.drums * gl)
        out[:, 1] += mono * np.float32(gains.drums * gr)
    if click and gains.click > 0:
        mono = np.zeros(n, np.float32)
        _render_click(mono, tempo, bank, start_s, end_s, speed)
        out += (mono * np.float32(gains.click))[:, None]
    if audio is not None and gains.audio > 0:
        _render_audio(out, audio, start_s, speed, gains.audio)
    # Fixed gains and a hard ceiling rather than normalising each stretch, so the level
    # never steps at a seam.
    np.clip(out, -1.0, 1.0, out=out)
    out.flags.writeable = False
    return BackingTrack(out, start_s, speed, rate, f"editor:{chart.metadata.title}")
