"""Sort raw MIDI bytes into the two kinds the game uses: note-on and control change.

The reader thread sees every message a module sends, including a clock (0xF8) at 24
per beat and active sensing (0xFE) three times a second, because rtmidi's own filter
is switched off (it corrupts `delta_time`, see DESIGN.md). This function is the cheap
filter that replaces it: one look at the status byte and everything but note-on/CC is
gone. It never raises: junk bytes, truncated messages and out-of-range data from a
misbehaving device are simply not notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

NOTE_ON: Final = 0x90
CONTROL_CHANGE: Final = 0xB0


def classify(message: Sequence[int]) -> tuple[int, int, int] | None:
    """(kind, data1, data2) for a note-on or control change, else None.

    `kind` is NOTE_ON or CONTROL_CHANGE; the channel is dropped (drum modules default
    to channel 10 but users move them, and one port is one kit). A note-on with
    velocity 0 is a note-off (Yamaha DTX and running-status senders do this) and gives
    None, as do real note-offs, clock, sensing, sysex, aftertouch, pitch bend and
    program change.
    """
    if len(message) != 3:
        return None  # note-on and CC are exactly 3 bytes; sysex and realtime are not
    status, data1, data2 = message[0], message[1], message[2]
    kind = status & 0xF0
    if kind != NOTE_ON and kind != CONTROL_CHANGE:
        return None
    if not (0 <= data1 <= 127 and 0 <= data2 <= 127):
        return None  # a data byte with the top bit set: corrupted stream
    if kind == NOTE_ON and data2 == 0:
        return None
    return kind, data1, data2
