"""Undo rtmidi's gluing of events after a sysex that never ended.

rtmidi's input (measured on its JACK backend) treats a sysex event without its closing
F7 as the first chunk of a longer sysex: it glues every following event onto it, notes
included, until an event ends with F7, and only then hands the whole lump over as one
message. A device that sends one truncated sysex (a dropped byte, a cable pulled during a
dump) would so hide the notes after it. Worse, rtmidi gives the lump only the
`delta_time` of its last event: the time of the swallowed ones is lost, so the reader's
driver clock (`timebase`) must be re-anchored after one.

A real JACK sysex event is one whole message, so it never holds a byte of 0x80 or more
between its F0 and its F7: one that does is such a lump (`is_merged`). Its event
boundaries are gone, so it is read as a MIDI wire carries bytes (`split_wire`, MIDI 1.0):
any status byte other than a realtime one ends a sysex; realtime bytes (F8-FF) are
messages of their own wherever they fall; a channel message is its status byte and its
1 or 2 data bytes. Running status is not applied, so a stray data byte never becomes a
note; a truncated message followed by stray data bytes could still read as one, as it
would on a wire (only junk can do that, never a kit's own notes).
"""

from __future__ import annotations

from collections.abc import Sequence

SYSEX = 0xF0
SYSEX_END = 0xF7
REALTIME = 0xF8

# Data bytes after a system common status byte (F4/F5 undefined, F6 tune request: none).
_SYSTEM_COMMON_DATA = {0xF1: 1, 0xF2: 2, 0xF3: 1}


def data_length(status: int) -> int:
    """How many data bytes follow `status` (a byte of 0x80..0xF7, not F0)."""
    if status < 0xF0:
        return 1 if 0xC0 <= status < 0xE0 else 2
    return _SYSTEM_COMMON_DATA.get(status, 0)


def is_merged(data: Sequence[int]) -> bool:
    """True for a sysex that swallowed other events (see the module docstring)."""
    return len(data) > 2 and data[0] == SYSEX and max(data[1:-1]) >= 0x80


def split_wire(data: Sequence[int]) -> list[list[int]]:
    """The messages in `data` read as a MIDI byte stream; incomplete ones are dropped."""
    out: list[list[int]] = []
    current: list[int] | None = None
    in_sysex = False
    need = 0
    for b in data:
        if b >= REALTIME:
            out.append([b])
            continue
        if b >= 0x80:
            if in_sysex and current is not None:
                if b == SYSEX_END:
                    current.append(b)
                    out.append(current)
                    current, in_sysex = None, False
                    continue
                out.append(current)  # a status byte ends a sysex (MIDI 1.0)
            current = [b]
            in_sysex = b == SYSEX
            need = 0 if in_sysex else data_length(b)
            if not in_sysex and need == 0:
                out.append(current)
                current = None
            continue
        if current is None:
            continue  # a stray data byte: no running status, so it is nothing
        current.append(b)
        if not in_sysex and len(current) == need + 1:
            out.append(current)
            current = None
    if in_sysex and current is not None:
        out.append(current)
    return out
