"""The one error every community-format reader raises.

A `FormatError` is a `ChartError`, so every place that already reports a broken chart
(the song list, `duet-drums validate`, the editor) reports a broken notes.mid the same
way: the file, the place in it (track and tick or byte for MIDI, line for text files) and
what is wrong. Readers never let another exception escape.
"""

from __future__ import annotations

from duet_drums.core.chart import ChartError


class FormatError(ChartError):
    def __init__(self, file: str, message: str, place: str = ""):
        self.place = place
        self.message = message
        super().__init__(file, [(place, message)])


def midi_place(track: str, tick: int | None = None, byte: int | None = None) -> str:
    """`track 'PART DRUMS' tick 1920 (byte 345)`: where in a MIDI file a problem sits."""
    out = f"track {track!r}"
    if tick is not None:
        out += f" tick {tick}"
    if byte is not None:
        out += f" (byte {byte})"
    return out


def line_place(line: int) -> str:
    return f"line {line}"
