"""Calibration plumbing: per-device offsets subtracted; offsets estimated from taps."""

from __future__ import annotations

import math
import random

import pytest

from duet_drums.core.kit import Piece
from duet_drums.inputs.calibration import HitStamper, estimate_offset, save_device_offset
from duet_drums.inputs.raw import RawHit
from duet_drums.settings import Calibration, Settings, load_settings

KIT = "TD-17:MIDI 1"


def song_time_at(stamp_ns: int) -> float:
    """A song that started at perf_counter 10 s."""
    return (stamp_ns - 10_000_000_000) / 1e9


def raw(player: int, stamp_ms: float, device: str) -> RawHit:
    source = "keyboard" if device == "keyboard" else "midi"
    return RawHit(player, Piece.SNARE, 10_000_000_000 + round(stamp_ms * 1e6), None, source, device)


def test_offsets_are_subtracted_per_device_and_hits_sorted() -> None:
    cal = Calibration(input_offsets_ms={"keyboard": 30.0, KIT: -5.0})
    stamper = HitStamper(song_time_at, cal)
    hits = stamper.to_hits([raw(0, 1030.0, "keyboard"), raw(1, 1000.0, KIT),
                            raw(1, 1010.0, "other kit"), raw(0, 1020.0, "keyboard")])
    assert [(h.player, round(h.t * 1000, 6), h.source) for h in hits] == [
        (0, 990.0, "keyboard"),   # 1020 - 30
        (0, 1000.0, "keyboard"),  # 1030 - 30
        (1, 1005.0, "midi"),      # 1000 + 5
        (1, 1010.0, "midi"),      # uncalibrated device: unchanged
    ]


def test_new_calibration_applies_without_rebuilding() -> None:
    settings = Settings()
    stamper = HitStamper(song_time_at, settings.calibration)
    before = stamper.to_hits([raw(0, 500.0, "keyboard")])[0].t
    save_device_offset(settings, "keyboard", 12.34)
    after = stamper.to_hits([raw(0, 500.0, "keyboard")])[0].t
    assert before - after == pytest.approx(0.0123)


def test_estimate_recovers_a_known_offset_from_noisy_taps() -> None:
    rng = random.Random(7)
    clicks = [i * 0.6 for i in range(32)]
    true_offset_ms, sd_ms = 37.0, 12.0
    taps = [c + rng.gauss(true_offset_ms, sd_ms) / 1000 for c in clicks]
    # Stray taps: a double hit 200 ms after a click, and taps half-way between clicks.
    strays = [clicks[3] + 0.2, clicks[10] + 0.3, clicks[20] - 0.29, clicks[25] + 0.25]
    est = estimate_offset(taps + strays, clicks)
    assert est.n_used == len(taps)
    assert est.offset_ms == pytest.approx(true_offset_ms, abs=5.0)
    assert est.spread_ms == pytest.approx(sd_ms, abs=4.0)
    early = estimate_offset([c - 0.040 for c in clicks], clicks)
    assert early.offset_ms == pytest.approx(-40.0) and early.spread_ms == pytest.approx(0.0, abs=1e-6)


def test_estimate_with_no_usable_taps_says_so() -> None:
    est = estimate_offset([5.0, 7.0], [0.0, 1.0])
    assert est.n_used == 0 and not est.ok and math.isnan(est.offset_ms)
    assert estimate_offset([], [0.0]).n_used == 0
    assert estimate_offset([0.1], []).n_used == 0


def test_save_device_offset_stores_and_optionally_writes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings()
    save_device_offset(settings, "keyboard", 21.26)
    save_device_offset(settings, KIT, -3.0, path=tmp_path / "settings.toml")
    assert settings.calibration.input_offsets_ms == {"keyboard": 21.3, KIT: -3.0}
    loaded, warning = load_settings(tmp_path / "settings.toml")
    assert warning is None and loaded.calibration.input_offset_s(KIT) == pytest.approx(-0.003)
    with pytest.raises(ValueError):
        save_device_offset(settings, "keyboard", math.nan)
