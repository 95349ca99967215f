"""A Standard MIDI File reader of our own, for community charts.

Why not mido: real notes.mid files keep running status across a sysex event, which mido
refuses, and a library scan reads thousands of files of which we need two or three tracks
each. So this reader lists the track chunks, reads each track's name from its tick-0
events, and decodes only the tracks asked for; the bytes of guitar, vocals or venue tracks
are never looked at.

What it tolerates, because real files do it: running status that continues across meta
and sysex events; note-offs written as note_on with velocity 0; a track chunk whose length
runs past the end of the file (cut to the file, with a warning); stray realtime bytes.
What it refuses, with the file and the place: type-0 and type-2 files, SMPTE timing,
missing header, a data byte with no status before it, an event cut off by the end of its
track.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from duet_drums.formats.columns import int_columns
from duet_drums.formats.errors import FormatError, midi_place

_META_TEXT = 0x01
_META_TRACK_NAME = 0x03
_META_END = 0x2F
_META_TEMPO = 0x51
_META_TIME_SIGNATURE = 0x58

# A run of channel events with two data bytes each (delta, optional status, two data
# bytes), which is what most of a chart track is; see `_decode_run`.
_RUN = re.compile(rb"(?:[\x80-\xff]{0,3}[\x00-\x7f][\x80-\xbf\xe0-\xef]?[\x00-\x7f]{2})+")
_RUN_MIN_BYTES = 64  # below this, numpy's per-call cost is more than the loop's


@dataclass(frozen=True, slots=True)
class TrackChunk:
    index: int
    start: int  # byte offset of the first event in the file
    end: int  # byte offset just past the chunk
    names: tuple[str, ...]  # every track-name event at tick 0, in order

    @property
    def label(self) -> str:
        return self.names[0] if self.names else f"#{self.index}"


@dataclass(frozen=True, slots=True)
class NoteColumns:
    """Note events as columns, in file order. A key is note | channel << 8 (what pairs a
    note-off with its note-on); a note-off of either spelling has velocity 0."""

    ticks: npt.NDArray[np.int64]
    keys: npt.NDArray[np.int64]
    velocities: npt.NDArray[np.int64]

    @staticmethod
    def of(rows: list[tuple[int, int, int]]) -> NoteColumns:
        """From (tick, key, velocity) rows."""
        return NoteColumns(*int_columns(rows, 3))

    @staticmethod
    def concat(parts: list[NoteColumns]) -> NoteColumns:
        if not parts:
            return NoteColumns.of([])
        if len(parts) == 1:
            return parts[0]
        return NoteColumns(np.concatenate([p.ticks for p in parts]), np.concatenate([p.keys for p in parts]),
                           np.concatenate([p.velocities for p in parts]))


@dataclass(slots=True)
class TrackEvents:
    """The events of one track that the chart readers use, with absolute ticks."""

    notes: NoteColumns = field(default_factory=lambda: NoteColumns.concat([]))
    texts: list[tuple[int, str]] = field(default_factory=list)
    tempos: list[tuple[int, int]] = field(default_factory=list)  # (tick, µs per quarter note)
    # (tick, numerator, denominator exponent): the file stores log2 of the denominator.
    time_signatures: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MidiFile:
    file: str
    data: bytes
    ticks_per_beat: int
    tracks: tuple[TrackChunk, ...]
    warnings: tuple[str, ...]


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_midi(data: bytes, file: str) -> MidiFile:
    """Parse the header and list the track chunks (with their tick-0 names)."""
    start = 0
    if data[:4] == b"RIFF" and data[8:12] == b"RMID":
        # RIFF-wrapped MIDI (.rmi): the SMF sits in the "data" chunk.
        found = data.find(b"MThd", 12)
        start = found if found >= 0 else len(data)
    if data[start:start + 4] != b"MThd":
        raise FormatError(file, "not a MIDI file (it does not start with an MThd header)", "byte 0")
    if len(data) < start + 14:
        raise FormatError(file, "the MIDI header is cut short", f"byte {start}")
    length, fmt, ntracks, division = struct.unpack_from(">IHHH", data, start + 4)
    if length < 6:
        raise FormatError(file, f"the MIDI header is {length} bytes long; it needs 6", f"byte {start + 4}")
    if fmt == 0:
        raise FormatError(file, "type-0 MIDI file (every instrument merged into one track); Rock Band "
                                "and Clone Hero charts are type 1 with a PART DRUMS track, so re-export "
                                "it as type 1", "header")
    if fmt != 1:
        raise FormatError(file, f"MIDI file type {fmt}; only type 1 (one track per instrument) is read",
                          "header")
    if division & 0x8000:
        raise FormatError(file, "the MIDI file counts time in SMPTE frames; charts count ticks per "
                                "quarter note", "header")
    if division == 0:
        raise FormatError(file, "the MIDI header gives 0 ticks per quarter note", "header")
    warnings: list[str] = []
    tracks: list[TrackChunk] = []
    pos = start + 8 + length
    size = len(data)
    while pos + 8 <= size:
        kind = data[pos:pos + 4]
        (chunk_len,) = struct.unpack_from(">I", data, pos + 4)
        body = pos + 8
        end = body + chunk_len
        if end > size:
            warnings.append(f"{file}: track chunk at byte {pos} claims {chunk_len} bytes but the file "
                            f"ends after {size - body}; read what is there")
            end = size
        if kind == b"MTrk":
            index = len(tracks)
            tracks.append(TrackChunk(index, body, end, _tick0_names(data, body, end)))
        pos = end
    if not tracks:
        raise FormatError(file, "the MIDI file has no tracks", "header")
    if ntracks != len(tracks):
        warnings.append(f"{file}: the header announces {ntracks} tracks, the file holds {len(tracks)}")
    return MidiFile(file, data, division, tuple(tracks), tuple(warnings))


def _tick0_names(data: bytes, pos: int, end: int) -> tuple[str, ...]:
    """Track-name events before the first event with a non-zero delta.

    Real files sometimes carry a bogus first name ("TEMPO TRACK", the song title) and the
    real one right after it, so every tick-0 name is kept. A malformed track yields what
    was read before the damage; decoding it later reports the damage properly.
    """
    names: list[str] = []
    status = 0
    try:
        while pos < end:
            if data[pos] != 0:  # a non-zero delta (or a multi-byte one): tick 0 is over
                break
            pos += 1
            b = data[pos]
            if b == 0xFF:
                kind = data[pos + 1]
                pos, length = _varlen(data, pos + 2)
                if pos + length > end:
                    break
                if kind == _META_TRACK_NAME:
                    names.append(_text(data[pos:pos + length]))
                elif kind == _META_END:
                    break
                pos += length
            elif b in (0xF0, 0xF7):
                pos, length = _varlen(data, pos + 1)
                pos += length
            elif 0x80 <= b < 0xF0 or (b < 0x80 and status):  # a channel event, maybe running
                if b >= 0x80:
                    status = b
                    pos += 1
                pos += 1 if 0xC0 <= status < 0xE0 else 2
            else:
                break
    except IndexError:
        pass
    return tuple(names)


def _varlen(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            return pos, value
    raise IndexError("variable-length number longer than four bytes")


def _two_data(status: int) -> bool:
    """Channel statuses followed by two data bytes (all but program change / pressure)."""
    return 0x80 <= status < 0xC0 or 0xE0 <= status < 0xF0


def _decode_run(data: bytes, start: int, stop: int, tick: int, status: int
                ) -> tuple[int, int, NoteColumns]:
    """Decode a run of two-data-byte channel events with numpy.

    In such a run every event holds exactly three bytes below 0x80 (the last byte of its
    delta, then two data bytes); bytes at or above 0x80 are delta continuations (before
    the delta's last byte) or a status (right after it). So the low bytes, taken three by
    three, are the events, and everything else follows from where they sit.
    """
    arr = np.frombuffer(data, np.uint8, stop - start, start)
    low = np.flatnonzero(arr < 0x80)
    delta_at, first_at, second_at = low[0::3], low[1::3], low[2::3]
    n = len(delta_at)
    previous_end = np.empty(n, np.int64)
    previous_end[0] = 0
    previous_end[1:] = second_at[:-1] + 1
    continuation = delta_at - previous_end
    delta = arr[delta_at].astype(np.int64)
    for k in (1, 2, 3):
        longer = continuation >= k
        if not longer.any():
            break
        delta[longer] += (arr[delta_at[longer] - k].astype(np.int64) & 0x7F) << (7 * k)
    ticks = tick + np.cumsum(delta)
    explicit = (first_at - delta_at) == 2
    last_explicit = np.where(explicit, np.arange(n), -1)
    np.maximum.accumulate(last_explicit, out=last_explicit)
    statuses = np.where(last_explicit >= 0, arr[delta_at + 1][np.maximum(last_explicit, 0)], status)
    kinds = statuses & 0xF0
    is_note = (kinds == 0x90) | (kinds == 0x80)
    velocities = np.where(kinds == 0x80, 0, arr[second_at])
    keys = arr[first_at].astype(np.int64) | (statuses.astype(np.int64) & 0x0F) << 8
    columns = NoteColumns(ticks[is_note], keys[is_note], velocities[is_note].astype(np.int64))
    return int(ticks[-1]), int(statuses[-1]), columns


def decode_track(midi: MidiFile, track: TrackChunk, *, notes: bool = True) -> TrackEvents:
    """Every note, text, tempo and time-signature event of `track`, with absolute ticks.

    Long runs of note events (most of a chart) are decoded with numpy by `_decode_run`;
    everything else (meta and sysex events, the events around them) one by one below.
    """
    data = midi.data
    pos = track.start
    end = track.end
    out = TrackEvents()
    parts: list[NoteColumns] = []
    single: list[tuple[int, int, int]] = []  # notes decoded one by one, not yet in `parts`
    tick = 0
    status = 0
    event_start = pos
    try:
        while pos < end:
            event_start = pos
            if _two_data(status):
                run = _RUN.match(data, pos, end)
                if run is not None and run.end() - pos >= _RUN_MIN_BYTES:
                    if single:
                        parts.append(NoteColumns.of(single))
                        single = []
                    tick, status, columns = _decode_run(data, pos, run.end(), tick, status)
                    if notes:
                        parts.append(columns)
                    pos = run.end()
                    continue
            b = data[pos]
            pos += 1
            if b & 0x80:
                delta = b & 0x7F
                for _ in range(3):
                    b = data[pos]
                    pos += 1
                    delta = (delta << 7) | (b & 0x7F)
                    if not b & 0x80:
                        break
                else:
                    raise FormatError(midi.file, "a delta time longer than four bytes",
                                      midi_place(track.label, tick, event_start))
                tick += delta
            else:
                tick += b
            b = data[pos]
            if b & 0x80:
                pos += 1
                if b >= 0xF0:
                    if b == 0xFF:
                        kind = data[pos]
                        pos, length = _varlen(data, pos + 1)
                        stop = pos + length
                        if stop > end:
                            raise IndexError
                        if kind == _META_TEXT:
                            out.texts.append((tick, _text(data[pos:stop])))
                        elif kind == _META_TEMPO and length >= 3:
                            out.tempos.append((tick, int.from_bytes(data[pos:pos + 3], "big")))
                        elif kind == _META_TIME_SIGNATURE and length >= 2:
                            out.time_signatures.append((tick, data[pos], data[pos + 1]))
                        elif kind == _META_END:
                            pos = end
                            break
                        pos = stop
                    elif b == 0xF0 or b == 0xF7:
                        # Sysex does not end running status in files real charts ship.
                        pos, length = _varlen(data, pos)
                        pos += length
                        if pos > end:
                            raise IndexError
                    elif b >= 0xF8:
                        pass  # a stray realtime byte: no data
                    else:
                        raise FormatError(midi.file, f"system-common status 0x{b:02X} has no place in a "
                                                     "MIDI file", midi_place(track.label, tick, event_start))
                    continue
                status = b
            elif not status:
                raise FormatError(midi.file, f"data byte 0x{b:02X} with no status byte before it",
                                  midi_place(track.label, tick, event_start))
            kind = status & 0xF0
            if kind == 0x90 or kind == 0x80:
                if notes:
                    velocity = data[pos + 1] if kind == 0x90 else 0
                    single.append((tick, data[pos] | (status & 0x0F) << 8, velocity))
                pos += 2
            elif kind == 0xC0 or kind == 0xD0:
                pos += 1
            else:
                pos += 2
        if pos > end:
            raise IndexError
    except IndexError:
        raise FormatError(midi.file, "the track ends in the middle of an event",
                          midi_place(track.label, tick, event_start)) from None
    if single:
        parts.append(NoteColumns.of(single))
    out.notes = NoteColumns.concat(parts)
    return out
