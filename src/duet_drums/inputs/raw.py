"""What an input adapter hands the game thread, before the song clock is applied.

Adapters stamp with `time.perf_counter_ns()` when the input reaches the program; the
game thread later turns a RawHit into a core `Hit` by mapping the stamp through the song
clock and subtracting the device's calibrated input offset (`to_hit`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from duet_drums.core.hits import Hit, HitSource
from duet_drums.core.kit import Piece


@dataclass(frozen=True, slots=True)
class RawHit:
    player: int
    piece: Piece
    stamp_ns: int  # perf_counter_ns() at arrival (MIDI: rebuilt from the driver's delta_time)
    velocity: int | None
    source: HitSource
    device: str  # "keyboard" or the MIDI port name: the key for per-device calibration


def to_hit(raw: RawHit, song_time_at: Callable[[int], float], input_offset_s: float) -> Hit:
    """`song_time_at(stamp_ns)` is the song clock; the offset is the device's calibration."""
    return Hit(raw.player, raw.piece, song_time_at(raw.stamp_ns) - input_offset_s,
               raw.velocity, raw.source)
