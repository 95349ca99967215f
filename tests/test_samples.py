"""The bundled drum samples: one per piece, playable format, and they sound like drums."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from duet_drums.core.kit import PIECES
from duet_drums.paths import samples_dir

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "make_samples.py"
EXTRA = ("click", "click_accent")
ALL_NAMES = tuple(str(p) for p in PIECES) + EXTRA


def _read(name: str) -> tuple[tuple[int, int, int], npt.NDArray[np.float64]]:
    """((rate, channels, sample width), samples as floats)."""
    with wave.open(str(samples_dir() / f"{name}.wav"), "rb") as w:
        params = (w.getframerate(), w.getnchannels(), w.getsampwidth())
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    return params, data


def _band_energy(x: npt.NDArray[np.float64], low: float, high: float) -> float:
    power = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / 48_000)
    return float(power[(freqs >= low) & (freqs < high)].sum() / power.sum())


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_piece_has_a_playable_sample(name: str) -> None:
    params, data = _read(name)
    assert params == (48_000, 1, 2)
    peak = np.abs(data).max()
    assert peak > 0.25 * 32767, f"{name} is nearly silent"
    assert peak < 32767, f"{name} clips"
    assert len(data) < 2.0 * 48_000, f"{name} is longer than 2 s"


def test_kick_is_low_and_hihat_is_high() -> None:
    _, kick = _read("kick")
    _, hat = _read("hihat")
    assert _band_energy(kick, 0, 200) > 0.6
    assert _band_energy(hat, 5000, 24_000) > 0.6


def test_toms_are_pitched_high_to_low() -> None:
    def centroid(x: npt.NDArray[np.float64]) -> float:
        power = np.abs(np.fft.rfft(x)) ** 2
        freqs = np.fft.rfftfreq(len(x), 1 / 48_000)
        low = freqs < 1000  # the drum's pitch, not the stick noise
        return float((power[low] * freqs[low]).sum() / power[low].sum())

    pitches = [centroid(_read(t)[1]) for t in ("tom1", "tom2", "tom3")]
    assert pitches[0] > pitches[1] > pitches[2]


def _decay_time(x: npt.NDArray[np.float64]) -> float:
    """Seconds until the envelope falls 30 dB under its peak."""
    env = np.abs(x)
    above = np.nonzero(env > env.max() * 10 ** (-30 / 20))[0]
    return float(above[-1] / 48_000)


def test_closed_hat_decays_much_faster_than_open_hat() -> None:
    closed = _decay_time(_read("hihat")[1])
    opened = _decay_time(_read("hihat_open")[1])
    assert opened > 4 * closed


def test_crash_rings_longer_than_snare() -> None:
    assert _decay_time(_read("crash")[1]) > 2 * _decay_time(_read("snare")[1])


def test_files_on_disk_are_what_the_script_writes() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_script_is_deterministic_and_check_catches_changes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    names = sorted(p.name for p in a.iterdir())
    assert {f"{n}.wav" for n in ALL_NAMES} <= set(names)
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    (a / "snare.wav").write_bytes((a / "snare.wav").read_bytes()[:-2] + b"\x01\x00")
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(a), "--check"], capture_output=True)
    assert result.returncode == 1
