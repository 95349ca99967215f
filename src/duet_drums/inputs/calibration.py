"""Calibration plumbing: from raw stamps to judged times, and measuring the offsets.

Every input device has its own latency (a keyboard's scan and USB polling, a kit module's
trigger scan and mask time), and every player has a habit of hitting early or late against
what they hear. Calibration measures one number per device — the median of (tap − click)
while tapping along a click played through the game's own audio and clock — and the game
subtracts it from every hit of that device before judging. Positive = hits arrive late.
"""

from __future__ import annotations

import bisect
import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from duet_drums.core.hits import Hit
from duet_drums.inputs.raw import RawHit, to_hit
from duet_drums.settings import Calibration, Settings, save_settings

# Taps further than this from every click are not attempts at that click (a missed beat,
# a stray double tap) and would drag the estimate around.
OUTLIER_MS = 150.0


class HitStamper:
    """Turns RawHits into calibrated, song-timed core `Hit`s for the game thread.

    `song_time_at(stamp_ns)` is the song clock's map from `perf_counter_ns` to song
    seconds. The calibration object is read on every call, so a new offset saved by the
    calibration screen takes effect without rebuilding anything.
    """

    def __init__(self, song_time_at: Callable[[int], float], calibration: Calibration):
        self.song_time_at = song_time_at
        self.calibration = calibration

    def to_hit(self, raw: RawHit) -> Hit:
        return to_hit(raw, self.song_time_at, self.calibration.input_offset_s(raw.device))

    def to_hits(self, raws: Iterable[RawHit]) -> list[Hit]:
        """Calibrated hits sorted by time (stable: simultaneous hits keep arrival order).

        Sorting matters because keyboard and MIDI hits arrive through different paths
        and each device has its own offset, so arrival order is not time order.
        """
        return sorted((self.to_hit(raw) for raw in raws), key=lambda hit: hit.t)


@dataclass(frozen=True, slots=True)
class OffsetEstimate:
    """`offset_ms`: median tap − click (nan when no tap was usable); `spread_ms`: the
    standard deviation of the taps used (how steady the player was); `n_used`: taps
    within ±OUTLIER_MS of a click."""

    offset_ms: float
    spread_ms: float
    n_used: int

    @property
    def ok(self) -> bool:
        return self.n_used > 0


def estimate_offset(tap_stamps_s: Sequence[float], click_times_s: Sequence[float],
                    outlier_ms: float = OUTLIER_MS) -> OffsetEstimate:
    """Median of (tap − nearest click), taps beyond ±`outlier_ms` of every click dropped.

    The median, not the mean, because a player's few flams and late recoveries are not
    their latency. Taps and clicks must be on the same clock (song seconds).
    """
    clicks = sorted(click_times_s)
    limit = outlier_ms / 1000.0
    deltas: list[float] = []
    if clicks:
        for tap in tap_stamps_s:
            i = bisect.bisect_left(clicks, tap)
            near = [clicks[j] for j in (i - 1, i) if 0 <= j < len(clicks)]
            delta = min((tap - c for c in near), key=abs)
            if abs(delta) <= limit:
                deltas.append(delta)
    if not deltas:
        return OffsetEstimate(math.nan, math.nan, 0)
    spread = statistics.stdev(deltas) if len(deltas) > 1 else 0.0
    return OffsetEstimate(statistics.median(deltas) * 1000.0, spread * 1000.0, len(deltas))


def save_device_offset(settings: Settings, device: str, offset_ms: float,
                       path: Path | None = None) -> None:
    """Store `device`'s input offset in `settings` (rounded to 0.1 ms).

    Only changes the settings object: the caller saves them with its other changes. Pass
    `path` to also write the settings file there at once.
    """
    if not math.isfinite(offset_ms):
        raise ValueError(f"{device}: no offset to save ({offset_ms})")
    offsets = dict(settings.calibration.input_offsets_ms)
    offsets[device] = round(offset_ms, 1)
    # Assigning (rather than mutating the dict) lets pydantic validate the new value.
    settings.calibration.input_offsets_ms = offsets
    if path is not None:
        save_settings(settings, path)
