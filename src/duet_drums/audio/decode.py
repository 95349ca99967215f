"""Audio files into float32 stereo at the device rate, in this process.

libsndfile (through `soundfile`) reads WAV, FLAC, OGG Vorbis, Opus and MP3, which covers
what song folders ship; soxr resamples with a proper band-limited filter (a song's
cymbals would lose their top octave to linear interpolation). Round one decoded OGG/MP3
with SDL_mixer in a child process because SDL_mixer needs its own mixer open; libsndfile
needs nothing, so decoding runs in a background thread of the game instead.

The file is read in blocks so a caller can show progress and cancel between blocks (a
five-minute stem takes a few tenths of a second). Every failure is a `DecodeError` whose
message names the file and the reason; libsndfile's own words are kept ("Format not
recognised", "Error in Opus stream") since they are what a user can search for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

AUDIO_SUFFIXES = (".ogg", ".oga", ".opus", ".mp3", ".wav", ".flac")
BLOCK_FRAMES = 1 << 16


class DecodeError(Exception):
    """The file cannot be used; `str()` names the file and the reason."""


class DecodeCancelled(Exception):
    """The caller's cancel event was set between two blocks."""


def stereo(x: F32) -> F32:
    """Mono is doubled, stereo kept, more channels cut to the first two (a 5.1 stem's
    front pair)."""
    if x.shape[1] == 1:
        return np.repeat(x, 2, axis=1)
    return np.ascontiguousarray(x[:, :2])


def resample(x: F32, src_rate: float, dst_rate: float) -> F32:
    """Band-limited resampling along axis 0 (soxr, high quality). Timing is kept: source
    frame i lands at i * dst / src."""
    if src_rate == dst_rate or len(x) == 0:
        return np.ascontiguousarray(x, np.float32)
    import soxr

    out: F32 = soxr.resample(np.ascontiguousarray(x, np.float32), src_rate, dst_rate, quality="HQ")
    return out.astype(np.float32, copy=False)


def decode_file(path: Path, rate: int, *, progress: Callable[[float], None] | None = None,
                cancel: threading.Event | None = None) -> F32:
    """Decode `path` to (n, 2) float32 at `rate`. `progress` gets the fraction read."""
    path = Path(path)
    if not path.is_file():
        raise DecodeError(f"{path}: audio file not found")
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise DecodeError(f"{path}: unsupported audio format {path.suffix or '(none)'}; "
                          f"use one of {', '.join(AUDIO_SUFFIXES)}")
    try:
        import soundfile
    except OSError as exc:  # the wheel ships libsndfile; a broken install still must not crash
        raise DecodeError(f"{path}: cannot decode audio: libsndfile is not available ({exc})") from None
    blocks: list[F32] = []
    try:
        with soundfile.SoundFile(str(path)) as fh:
            src_rate, total = int(fh.samplerate), max(1, int(fh.frames))
            done = 0
            while True:
                block = fh.read(BLOCK_FRAMES, dtype="float32", always_2d=True)
                if len(block) == 0:
                    break
                blocks.append(stereo(block))
                done += len(block)
                if progress is not None:
                    progress(min(1.0, done / total))
                if cancel is not None and cancel.is_set():
                    raise DecodeCancelled(str(path))
    except (RuntimeError, OSError, ValueError, TypeError) as exc:
        # soundfile.LibsndfileError is a RuntimeError; soundfile raises TypeError and
        # ValueError for some malformed headers.
        raise DecodeError(f"{path}: cannot decode audio: {exc}") from None
    if not blocks:
        raise DecodeError(f"{path}: the audio file holds no sound")
    if src_rate <= 0:
        raise DecodeError(f"{path}: cannot decode audio: sample rate {src_rate}")
    x = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
    np.nan_to_num(x, copy=False, nan=0.0, posinf=1.0, neginf=-1.0)
    return resample(x, src_rate, rate)
