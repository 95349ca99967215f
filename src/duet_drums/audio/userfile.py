"""A user's own recording as the backing (charts never ship one; a user may point to it).

Formats: whatever `decode` reads in-process (WAV, FLAC, OGG Vorbis, Opus, MP3), resampled
to the device rate.

Timing: ``metadata.audio_offset_ms`` is where chart time 0 falls in the file, i.e. file
sample ``i`` sounds at song time ``i / rate - offset`` (see `track.anchored_track`, which
community songs' stems share). Practice speed < 1 plays the file slower *and lower*, like
tape: unlike the synthesized backing, a recording cannot be re-rendered at a new tempo.

Every failure is a `UserAudioError` whose message names the file; the caller shows it
and falls back to the synthesized backing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.audio.decode import AUDIO_SUFFIXES, DecodeError, decode_file
from duet_drums.audio.track import BackingTrack, anchored_track
from duet_drums.core.chart import Chart
from duet_drums.core.safe_read import leads_outside

F32 = npt.NDArray[np.float32]

SUPPORTED_FORMATS = AUDIO_SUFFIXES


class UserAudioError(Exception):
    """The chart's audio file cannot be used; `str()` names the file and the reason."""


def audio_path(chart: Chart, chart_path: str | os.PathLike[str]) -> Path | None:
    """Where the chart's audio file would be: its name taken relative to the chart's
    folder (None if unset). Whether it may be read is `chart_audio_file`'s question."""
    if not chart.metadata.audio:
        return None
    return Path(chart_path).resolve().parent / chart.metadata.audio


def chart_audio_file(chart: Chart, chart_path: str | os.PathLike[str]) -> Path | None:
    """The chart's audio file, or None when it names none. A chart that names a file
    outside its own folder (``../x.ogg``, an absolute path, a link leading out) is refused
    with `UserAudioError`, as a song folder's ini is: a chart someone sent must not make
    the game read a file elsewhere on the disk. The recording goes beside the chart."""
    path = audio_path(chart, chart_path)
    if path is None:
        return None
    name = str(chart.metadata.audio)
    if leads_outside(path.parent, name):
        raise UserAudioError(f"{chart_path}: metadata.audio names {name[:200]!r}, a file outside the "
                             "chart's folder; refused (put the recording beside the chart and give "
                             "its name alone)")
    return path


def decode_audio_file(path: Path, sample_rate: int) -> F32:
    """Decode to (n, 2) float32 at `sample_rate`."""
    try:
        return decode_file(path, sample_rate)
    except DecodeError as exc:
        raise UserAudioError(str(exc)) from None


def load_user_track(chart: Chart, chart_path: str | os.PathLike[str], sample_rate: int,
                    speed: float = 1.0, lead_in: float = 1.0) -> BackingTrack:
    """The chart's own recording as a BackingTrack; raises UserAudioError."""
    path = chart_audio_file(chart, chart_path)
    if path is None:
        raise UserAudioError(f"{chart_path}: the chart names no audio file")
    x = decode_audio_file(path, sample_rate)
    if len(x) == 0:
        raise UserAudioError(f"{path}: the audio file is empty")
    np.clip(x, -1.0, 1.0, out=x)
    return anchored_track(x, chart.metadata.audio_offset_ms / 1000.0, sample_rate, speed, lead_in,
                          f"file:{path.name}")
