"""Synthesize the bundled drum samples (assets/samples/*.wav) with numpy.

Why synthesis: the game ships no third-party audio, and a script that rebuilds every
sample byte for byte keeps the assets reviewable and reproducible. Each voice is a small
recipe (pitched sines that drop for kick and toms, filtered noise for snare wires,
clusters of detuned square waves for the metallic cymbals) with fixed random seeds.

Usage:
    python tools/make_samples.py            # write assets/samples/*.wav
    python tools/make_samples.py --out DIR  # write somewhere else
    python tools/make_samples.py --check    # exit 1 unless the files on disk match

Files are 48 kHz, 16-bit, mono, peak-normalised to about -3 dBFS (the metronome's plain
click to -6 dBFS so the accented click stands out), trailing silence trimmed.
"""

from __future__ import annotations

import argparse
import io
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.core.atomic import atomic_write_bytes
from duet_drums.paths import samples_dir
from generated_files import check_generated

Signal = npt.NDArray[np.float64]

SAMPLE_RATE = 48_000
PEAK_DBFS = -3.0
CLICK_PEAK_DBFS = -6.0
# Trailing audio quieter than this (relative to the peak) is cut off; a short fade
# follows so the cut never clicks.
TRIM_DBFS = -60.0
FADE_S = 0.005


# -- building blocks ---------------------------------------------------------------------
def _time(seconds: float) -> Signal:
    return np.arange(round(seconds * SAMPLE_RATE), dtype=np.float64) / SAMPLE_RATE


def _decay(t: Signal, tau: float) -> Signal:
    out: Signal = np.exp(-t / tau)
    return out


def _noise(n: int, seed: int) -> Signal:
    out: Signal = np.random.default_rng(seed).standard_normal(n)
    return out


def _sweep(t: Signal, f_end: float, f_extra: float, tau: float) -> Signal:
    """A sine whose pitch falls exponentially from f_end + f_extra to f_end: the 'boom'
    of a struck membrane whose tension relaxes after the hit."""
    freq = f_end + f_extra * np.exp(-t / tau)
    phase = 2 * np.pi * np.cumsum(freq) / SAMPLE_RATE
    out: Signal = np.sin(phase)
    return out


def _band(x: Signal, low: float | None = None, high: float | None = None, order: int = 4) -> Signal:
    """Zero-phase filtering in the frequency domain: smooth Butterworth-shaped magnitude
    masks, no loops, identical output on every run. Envelopes are applied after
    filtering so the zero-phase smearing never shows as pre-echo."""
    n = len(x)
    spectrum = np.fft.rfft(x)
    f = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    gain = np.ones_like(f)
    if low is not None:
        with np.errstate(divide="ignore"):
            gain *= 1 / np.sqrt(1 + (low / np.maximum(f, 1e-9)) ** (2 * order))
    if high is not None:
        gain *= 1 / np.sqrt(1 + (f / high) ** (2 * order))
    out: Signal = np.fft.irfft(spectrum * gain, n)
    return out


def _metal(t: Signal, freqs: tuple[float, ...], scale: float) -> Signal:
    """Detuned square waves summed: the inharmonic clang analog drum machines use for
    hats and cymbals."""
    out = np.zeros_like(t)
    for f in freqs:
        out += np.sign(np.sin(2 * np.pi * f * scale * t + f))
    result: Signal = out / len(freqs)
    return result


_METAL_FREQS = (205.3, 304.4, 369.6, 522.7, 540.0, 800.0)


# -- voices -----------------------------------------------------------------------------
def kick() -> Signal:
    t = _time(0.45)
    body = _sweep(t, 48.0, 115.0, 0.03) * _decay(t, 0.16)
    click = _band(_noise(len(t), 11), 1500, 6000) * _decay(t, 0.002) * 0.35
    return body + click


def snare() -> Signal:
    t = _time(0.35)
    tone = (np.sin(2 * np.pi * 185 * t) + 0.6 * np.sin(2 * np.pi * 330 * t)) * _decay(t, 0.05)
    wires = _band(_noise(len(t), 21), 1200, 9000) * _decay(t, 0.09)
    return 0.7 * tone + 1.2 * wires


def rim() -> Signal:
    t = _time(0.09)
    tone = (np.sin(2 * np.pi * 1700 * t) + 0.8 * np.sin(2 * np.pi * 460 * t)) * _decay(t, 0.012)
    crack = _band(_noise(len(t), 31), 2000, 10000) * _decay(t, 0.004)
    return tone + 0.6 * crack


def _hat(seconds: float, tau: float, seed: int, low: float) -> Signal:
    t = _time(seconds)
    metal = _band(_metal(t, _METAL_FREQS, 1.0), low, 16000)
    hiss = _band(_noise(len(t), seed), low, 16000)
    return (metal + 0.5 * hiss) * _decay(t, tau)


def hihat() -> Signal:
    return _hat(0.12, 0.025, 41, 7000)


def hihat_open() -> Signal:
    return _hat(0.9, 0.28, 42, 6500)


def hihat_pedal() -> Signal:
    t = _time(0.1)
    chick = _hat(0.1, 0.018, 43, 5500)
    # The two cymbals meeting: a short dull knock under the chick.
    knock = _band(_noise(len(t), 44), 400, 2000) * _decay(t, 0.006) * 0.4
    return chick + knock


def _tom(f_end: float, f_extra: float, tau: float, seconds: float, seed: int) -> Signal:
    t = _time(seconds)
    body = _sweep(t, f_end, f_extra, 0.05) * _decay(t, tau)
    overtone = np.sin(2 * np.pi * f_end * 1.6 * t) * _decay(t, tau / 3) * 0.25
    attack = _band(_noise(len(t), seed), 500, 5000) * _decay(t, 0.01) * 0.3
    return body + overtone + attack


def tom1() -> Signal:
    return _tom(200.0, 60.0, 0.16, 0.55, 51)


def tom2() -> Signal:
    return _tom(145.0, 45.0, 0.2, 0.65, 52)


def tom3() -> Signal:
    return _tom(95.0, 35.0, 0.26, 0.8, 53)


def _cymbal(seconds: float, tau: float, seed: int, low: float, high: float, scale: float,
            metal_mix: float) -> Signal:
    t = _time(seconds)
    wash = _band(_noise(len(t), seed), low, high)
    metal = _band(_metal(t, _METAL_FREQS, scale), low, high)
    # A fast transient on top of the slow wash: the stick hitting the edge.
    env = 0.75 * _decay(t, tau) + 0.25 * _decay(t, 0.03)
    return (wash + metal_mix * metal) * env


def crash() -> Signal:
    return _cymbal(1.8, 0.5, 61, 3000, 15000, 1.9, 0.6)


def china() -> Signal:
    t = _time(1.3)
    trash = _cymbal(1.3, 0.35, 62, 1200, 9000, 1.3, 1.2)
    # Ring modulation gives the china its harsh, clashing edge.
    return trash * (0.7 + 0.3 * np.sign(np.sin(2 * np.pi * 437 * t)))


def splash() -> Signal:
    return _cymbal(0.8, 0.18, 63, 4500, 16000, 2.4, 0.5)


def ride() -> Signal:
    t = _time(1.5)
    wash = _cymbal(1.5, 0.7, 64, 4000, 13000, 2.2, 0.4) * 0.45
    bell = sum(a * np.sin(2 * np.pi * f * t) for f, a in ((530.0, 1.0), (1240.0, 0.6), (2310.0, 0.35)))
    ping = _band(_noise(len(t), 65), 3000, 9000) * _decay(t, 0.004) * 0.5
    return wash + 0.5 * bell * _decay(t, 0.45) + ping


def click() -> Signal:
    t = _time(0.04)
    out: Signal = np.sin(2 * np.pi * 2000 * t) * _decay(t, 0.008)
    return out


def click_accent() -> Signal:
    t = _time(0.05)
    out: Signal = np.sin(2 * np.pi * 3000 * t) * _decay(t, 0.012)
    return out


VOICES: dict[str, Callable[[], Signal]] = {
    "kick": kick,
    # The second pedal plays the same drum: its own file so the audio layer can load
    # samples_dir()/f"{piece}.wav" for every piece without special cases.
    "kick2": kick,
    "snare": snare,
    "hihat": hihat,
    "hihat_open": hihat_open,
    "hihat_pedal": hihat_pedal,
    "tom1": tom1,
    "tom2": tom2,
    "tom3": tom3,
    "crash": crash,
    "ride": ride,
    "china": china,
    "splash": splash,
    "rim": rim,
    "click": click,
    "click_accent": click_accent,
}


# -- output -----------------------------------------------------------------------------
def finish(x: Signal, peak_dbfs: float = PEAK_DBFS) -> npt.NDArray[np.int16]:
    """Normalise, trim the silent tail, fade the last few ms, quantise to int16."""
    x = x / np.max(np.abs(x)) * 10 ** (peak_dbfs / 20)
    audible = np.nonzero(np.abs(x) > 10 ** (TRIM_DBFS / 20))[0]
    x = x[: int(audible[-1]) + 1]
    fade = min(len(x), int(FADE_S * SAMPLE_RATE))
    x[len(x) - fade:] *= np.linspace(1.0, 0.0, fade)
    return np.round(x * 32767).astype("<i2")


def wav_bytes(samples: npt.NDArray[np.int16]) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def render_all() -> dict[str, bytes]:
    """File name -> WAV bytes for every sample the game ships."""
    out: dict[str, bytes] = {}
    for name, voice in VOICES.items():
        peak = CLICK_PEAK_DBFS if name == "click" else PEAK_DBFS
        out[f"{name}.wav"] = wav_bytes(finish(voice(), peak))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=samples_dir(), help="output directory")
    parser.add_argument("--check", action="store_true",
                        help="verify the files on disk match; exit 1 if not")
    args = parser.parse_args(argv)
    rendered = render_all()
    if args.check:
        return check_generated(args.out, rendered, "samples", "make_samples.py")
    for name, data in rendered.items():
        atomic_write_bytes(args.out / name, data)
    total = sum(len(d) for d in rendered.values())
    print(f"wrote {len(rendered)} samples ({total / 1024:.0f} KiB) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
