"""Read WAV files into float32 numpy arrays, and resample them.

Why our own reader: the stdlib `wave` module refuses IEEE-float WAVs (what most audio
editors export by default) and WAVE_FORMAT_EXTENSIBLE headers; walking the RIFF chunks
ourselves is short and needs no device (pygame's decoder needs an open mixer, and the
engine owns the audio device). Supported: PCM 8/16/24/32-bit and float 32/64-bit, any
channel count, plain or extensible headers.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]

_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


class WavError(ValueError):
    """A file that is not a WAV we can read; the message names the file."""


def read_wav(path: str | os.PathLike[str]) -> tuple[F32, int]:
    """Return (samples shaped (n, channels) in [-1, 1], sample rate)."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise WavError(f"{p}: cannot read: {exc.strerror or exc}") from None
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{p}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    pos = 12
    while pos + 8 <= len(data):
        cid, size = data[pos:pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = data[pos + 8:pos + 8 + size]
        if cid == b"fmt ":
            if len(body) < 16:
                raise WavError(f"{p}: truncated fmt chunk")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack_from("<H", body, 24)[0]
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            if fmt is None:
                raise WavError(f"{p}: data chunk before fmt chunk")
            return _decode(p, body, *fmt), fmt[2]
        pos += 8 + size + (size & 1)
    raise WavError(f"{p}: no audio data chunk")


def _decode(p: Path, body: bytes, tag: int, channels: int, rate: int, bits: int) -> F32:
    if channels < 1 or rate < 1:
        raise WavError(f"{p}: bad header ({channels} channels, {rate} Hz)")
    width = bits // 8
    usable = len(body) - len(body) % (width * channels) if width else 0
    body = body[:usable]
    if tag == _FLOAT and bits in (32, 64):
        x = np.frombuffer(body, "<f4" if bits == 32 else "<f8").astype(np.float32)
    elif tag == _PCM and bits == 8:
        x = (np.frombuffer(body, np.uint8).astype(np.float32) - np.float32(128)) * np.float32(1 / 128)
    elif tag == _PCM and bits == 16:
        x = np.frombuffer(body, "<i2").astype(np.float32) * np.float32(1 / 32768)
    elif tag == _PCM and bits == 24:
        b = np.frombuffer(body, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        x = np.where(v >= 1 << 23, v - (1 << 24), v).astype(np.float32) * np.float32(1 / (1 << 23))
    elif tag == _PCM and bits == 32:
        x = (np.frombuffer(body, "<i4").astype(np.float64) / 2**31).astype(np.float32)
    else:
        kind = {1: "PCM", 3: "float"}.get(tag, f"format tag {tag}")
        raise WavError(f"{p}: unsupported WAV encoding ({kind}, {bits} bits)")
    return np.ascontiguousarray(x.reshape(-1, channels))


def resample(x: F32, src_rate: float, dst_rate: float) -> F32:
    """Linear-interpolation resampling along axis 0.

    Good enough for drum one-shots and a practice backing (it softens the top octave a
    little); it keeps timing exact: sample i of the source lands at i * dst / src.
    """
    if src_rate == dst_rate or len(x) == 0:
        return x.astype(np.float32, copy=False)
    n_out = max(1, round(len(x) * dst_rate / src_rate))
    pos = np.arange(n_out, dtype=np.float64) * (src_rate / dst_rate)
    src_idx = np.arange(len(x), dtype=np.float64)
    if x.ndim == 1:
        return np.interp(pos, src_idx, x).astype(np.float32)
    cols = [np.interp(pos, src_idx, x[:, c]) for c in range(x.shape[1])]
    return np.stack(cols, axis=1).astype(np.float32)


def write_wav(path: str | os.PathLike[str], x: F32, rate: int) -> None:
    """16-bit PCM WAV writer, for tests and debugging dumps."""
    import wave

    arr = x if x.ndim == 2 else x[:, None]
    pcm = (np.clip(arr, -1, 1) * 32767).round().astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(arr.shape[1])
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
