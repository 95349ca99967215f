""""Hit the pad, then pick the piece": building a custom note map for any module.

The settings screen calls `MidiInputs.start_learn(port)`, shows `learned()` as the
drummer strikes a pad, and stores the choice with `save_learned(piece)`. This module
holds the two decisions that involve no I/O: which struck note counts, and how the
result lands in `MidiSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from duet_drums.core.kit import Piece
from duet_drums.inputs.notemaps import NoteMap
from duet_drums.settings import MidiSettings

# A softer note this soon after a louder one is crosstalk from the struck pad (a tom
# picking up the snare hit), not the pad the drummer means.
CROSSTALK_NS = 30_000_000


@dataclass(slots=True)
class LearnState:
    port: str
    note: int | None = None
    velocity: int = 0
    stamp_ns: int = 0

    def offer(self, note: int, velocity: int, stamp_ns: int) -> None:
        """Keep the latest strike, unless it is quieter crosstalk right after one."""
        if (self.note is not None and note != self.note and velocity < self.velocity
                and stamp_ns - self.stamp_ns < CROSSTALK_NS):
            return
        self.note, self.velocity, self.stamp_ns = note, velocity, stamp_ns

    def result(self) -> tuple[int, int] | None:
        return None if self.note is None else (self.note, self.velocity)


def save_mapping(settings: MidiSettings, port: str, note: int, piece: Piece,
                 map_name: str, base: NoteMap) -> None:
    """Set `note` -> `piece` in custom map `map_name` and make it the port's map.

    A new custom map starts as a copy of the map the port used (`base`), so teaching
    the one odd pad of a kit does not forget the others. Assignments replace whole
    dicts so pydantic validates them.
    """
    entries = dict(settings.custom_maps.get(map_name) or {str(n): p for n, p in base.items()})
    entries[str(note)] = piece
    settings.custom_maps = {**settings.custom_maps, map_name: entries}
    settings.presets = {**settings.presets, port: map_name}
