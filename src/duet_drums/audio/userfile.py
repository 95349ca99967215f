"""A user's own recording as the backing (charts never ship one; a user may point to it).

Formats: WAV (PCM 8/16/24/32-bit, float 32/64) is read in-process by `wavfile`. OGG
Vorbis, MP3, FLAC and Opus are decoded by pygame-ce's SDL_mixer in a short-lived child
process: SDL_mixer only decodes with its own mixer open, and this process's audio device
belongs to the engine (SDL's dummy driver even allows only one). The child opens a
dummy-driver mixer at the device rate in float32 stereo, so SDL resamples for us.

Timing: ``metadata.audio_offset_ms`` is where chart time 0 falls in the file, i.e. file
sample ``i`` sounds at song time ``i / rate - offset``. Silence is put in front when
needed so the track always starts at least `lead_in` seconds before the first beat.
Practice speed < 1 plays the file slower *and lower*, like tape: unlike the synthesized
backing, a recording cannot be re-rendered at a new tempo.

Every failure is a `UserAudioError` whose message names the file; the caller shows it
and falls back to the synthesized backing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.audio.track import BackingTrack
from duet_drums.audio.wavfile import WavError, read_wav, resample
from duet_drums.core.chart import Chart

F32 = npt.NDArray[np.float32]

SUBPROCESS_FORMATS = (".ogg", ".oga", ".mp3", ".flac", ".opus")
SUPPORTED_FORMATS = (".wav", *SUBPROCESS_FORMATS)

_DECODER = r"""
import os, sys
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
import pygame
pygame.mixer.init(frequency=int(sys.argv[2]), size=32, channels=2, allowedchanges=0)
sys.stdout.buffer.write(pygame.mixer.Sound(sys.argv[1]).get_raw())
"""


class UserAudioError(Exception):
    """The chart's audio file cannot be used; `str()` names the file and the reason."""


def audio_path(chart: Chart, chart_path: str | os.PathLike[str]) -> Path | None:
    """The chart's audio file, resolved relative to the chart's folder (None if unset)."""
    if not chart.metadata.audio:
        return None
    p = Path(chart.metadata.audio).expanduser()
    return p if p.is_absolute() else Path(chart_path).resolve().parent / p


def decode_audio_file(path: Path, sample_rate: int, timeout: float = 60.0) -> F32:
    """Decode to (n, 2) float32 at `sample_rate`."""
    if not path.is_file():
        raise UserAudioError(f"{path}: audio file not found")
    suffix = path.suffix.lower()
    if suffix == ".wav":
        try:
            x, rate = read_wav(path)
        except WavError as exc:
            raise UserAudioError(str(exc)) from None
        if x.shape[1] == 1:
            x = np.repeat(x, 2, axis=1)
        elif x.shape[1] > 2:
            x = x[:, :2]
        return resample(x, rate, sample_rate)
    if suffix not in SUBPROCESS_FORMATS:
        raise UserAudioError(f"{path}: unsupported audio format {suffix or '(none)'}; "
                             f"use one of {', '.join(SUPPORTED_FORMATS)}")
    try:
        proc = subprocess.run([sys.executable, "-c", _DECODER, str(path), str(sample_rate)],
                              capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UserAudioError(f"{path}: could not run the decoder: {exc}") from None
    if proc.returncode != 0 or not proc.stdout:
        err = proc.stderr.decode(errors="replace").strip().splitlines()
        reason = err[-1] if err else f"decoder exit status {proc.returncode}"
        raise UserAudioError(f"{path}: cannot decode audio: {reason}")
    raw = proc.stdout[: len(proc.stdout) // 8 * 8]
    return np.frombuffer(raw, np.float32).reshape(-1, 2).copy()


def load_user_track(chart: Chart, chart_path: str | os.PathLike[str], sample_rate: int,
                    speed: float = 1.0, lead_in: float = 1.0) -> BackingTrack:
    """The chart's own recording as a BackingTrack; raises UserAudioError."""
    path = audio_path(chart, chart_path)
    if path is None:
        raise UserAudioError(f"{chart_path}: the chart names no audio file")
    x = decode_audio_file(path, sample_rate)
    if len(x) == 0:
        raise UserAudioError(f"{path}: the audio file is empty")
    np.clip(x, -1.0, 1.0, out=x)
    offset_s = chart.metadata.audio_offset_ms / 1000.0
    start_time = -offset_s
    if start_time > -lead_in:  # prepend silence so play starts before the first beat
        pad = round((start_time + lead_in) * sample_rate)
        x = np.concatenate([np.zeros((pad, 2), np.float32), x])
        start_time -= pad / sample_rate
    if speed != 1.0:
        # Tape-style varispeed: sample i must now sound at i / speed.
        x = resample(x, sample_rate, sample_rate / speed)
    x.flags.writeable = False
    return BackingTrack(x, start_time, speed, sample_rate, f"file:{path.name}")
