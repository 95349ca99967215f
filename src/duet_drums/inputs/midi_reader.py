"""One thread per open MIDI port: poll, stamp, filter, map, push RawHits.

Why a polling thread of ours and not an rtmidi callback: under JACK the callback runs
inside JACK's realtime process thread and has to take the GIL there, which causes
xruns and lost notes under load; rtmidi queues incoming messages in its own buffer
and `get_message()` drains it from our thread without touching JACK's (DESIGN.md,
"Time"). Under ALSA the same loop works unchanged.

The loop sleeps `POLL_S` (0.5 ms) only when the buffer is empty and drains everything
otherwise, so a message waits at most about half a millisecond; the stamp does not
depend on that wait anyway, because it is rebuilt from the driver's `delta_time`
(see `timebase`). Nothing in a message can stop the thread: every message is handled
inside a try, and errors are only counted.

A lump of events glued onto a sysex that never ended (`midi_stream`) is split and read
as a MIDI wire is. rtmidi dropped the time of the events it swallowed, so the lump is
stamped at its arrival, the latest it can have been (see `_lump`), and its notes all get
that stamp. They are kept only if the lump came soon after the message before it
(`RECOVER_WITHIN_NS`): notes held back longer would be judged far later than they were
played, so they are dropped and counted instead (`stale`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from duet_drums.core.kit import Piece
from duet_drums.inputs.debounce import Debouncer
from duet_drums.inputs.input_queue import InputQueue
from duet_drums.inputs.midi_messages import CONTROL_CHANGE, classify
from duet_drums.inputs.midi_stream import is_merged, split_wire
from duet_drums.inputs.notemaps import NoteMap, piece_for
from duet_drums.inputs.raw import RawHit
from duet_drums.inputs.timebase import DeltaTimebase

POLL_S = 0.0005
# A lump's notes are kept when it came at most this long after the message before it.
RECOVER_WITHIN_NS = 50_000_000


@dataclass(frozen=True, slots=True)
class ReaderConfig:
    """What a reader needs from the settings; swapped whole, so changes are atomic."""

    player: int | None  # None: read (for learn mode and the monitor) but send no hits
    note_map: NoteMap
    velocity_threshold: int = 1
    hihat_open_below: int = 64
    hihat_cc: int = 4


@dataclass(frozen=True, slots=True)
class TapEvent:
    """Everything the reader saw that was a note-on or the hi-hat controller.

    For the learn mode and `duet-drums devices --monitor`: unmapped notes, unassigned
    ports and debounced triggers show up here too, with `delivered` telling whether a
    RawHit went to the game.
    """

    port: str
    kind: Literal["note", "cc"]
    number: int  # note number or controller number
    value: int  # velocity or controller value
    piece: Piece | None
    player: int | None
    stamp_ns: int  # rebuilt from delta_time
    arrival_ns: int  # perf_counter_ns() when our thread got it (naive, for comparison)
    delivered: bool


Tap = Callable[[TapEvent], None]


class PortReader:
    """Reads one opened `rtmidi.MidiIn` until `stop()`; owns and finally deletes it."""

    def __init__(self, port: str, midi_in: Any, config: ReaderConfig,
                 out: InputQueue, debounce_ms: float,
                 tap: Tap | None = None) -> None:
        self.port = port
        self.config = config
        self.tap = tap
        self._midi_in = midi_in
        self._out = out
        self._timebase = DeltaTimebase()
        self._debounce = Debouncer(debounce_ms)
        self._hat: int | None = None
        self._last_arrival_ns: int | None = None
        self._running = False
        self._thread: threading.Thread | None = None
        # Diagnostics, read by status screens and tests.
        self.messages = 0
        self.hits = 0
        self.debounced = 0
        self.errors = 0
        self.merged = 0  # lumps glued onto an unfinished sysex (split and read)
        self.stale = 0  # of those, lumps that came too late for their notes to count

    def set_debounce_ms(self, debounce_ms: float) -> None:
        self._debounce = Debouncer(debounce_ms)

    def start(self) -> None:
        self._running = True
        self._thread = threading.Thread(target=self._run, name=f"midi-reader {self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, then close and delete the rtmidi object (frees the client)."""
        self._running = False
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            if self._thread.is_alive():
                return  # never free the C++ object under a thread still inside it
            self._thread = None
        try:
            self._midi_in.close_port()
            self._midi_in.delete()
        except Exception:
            self.errors += 1

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        get_message = self._midi_in.get_message
        now_ns = time.perf_counter_ns
        sleep = time.sleep
        handle = self.handle
        while self._running:
            try:
                message = get_message()
            except Exception:
                self.errors += 1
                sleep(POLL_S)
                continue
            if message is None:
                sleep(POLL_S)
                continue
            handle(message, now_ns())

    def handle(self, message: Any, arrival_ns: int) -> None:
        """Process one (bytes, delta_time) pair from `get_message()`; never raises.

        Public so the parser path can be fed junk directly in tests, without a port.
        """
        self.messages += 1
        try:
            data, delta_s = message
            if is_merged(data):
                self._lump(data, float(delta_s), arrival_ns)
                return
            stamp = self._timebase.stamp(float(delta_s), arrival_ns)
            self._last_arrival_ns = arrival_ns
            self._take(data, stamp, arrival_ns)
        except Exception:
            self.errors += 1

    def _lump(self, data: Any, delta_s: float, arrival_ns: int) -> None:
        """Events rtmidi glued onto an unfinished sysex (see the module docstring).

        The time rtmidi lost is taken as long as it can have been: the lump is stamped at
        its arrival, even when the thread read it from a backlog and is late. A guess too
        long makes this lump and the backlog behind it late by at most the thread's own
        lateness, and the first message read on time puts the stamps right again. A guess
        too short (taking the lost time as nothing) would make every later stamp early,
        for as long as the timebase's window holds its minimum, and under a flood of such
        lumps the shortfalls add up: measured, notes judged 25 to 55 ms early for seconds
        after the flood had ended.
        """
        self.merged += 1
        last, self._last_arrival_ns = self._last_arrival_ns, arrival_ns
        stamp = self._timebase.stamp_after_gap(delta_s, arrival_ns)
        if last is None or arrival_ns - last > RECOVER_WITHIN_NS:
            self.stale += 1
            return
        for part in split_wire(data):
            self._take(part, stamp, arrival_ns)

    def _take(self, data: Any, stamp: int, arrival_ns: int) -> None:
        """One message: a note-on becomes a RawHit, the hi-hat controller is kept."""
        parsed = classify(data)
        if parsed is None:
            return
        kind, number, value = parsed
        config = self.config
        if kind == CONTROL_CHANGE:
            if number == config.hihat_cc:
                self._hat = value
                if self.tap is not None:
                    self.tap(TapEvent(self.port, "cc", number, value, None, config.player,
                                      stamp, arrival_ns, False))
            return
        piece = piece_for(config.note_map, number, self._hat, config.hihat_open_below)
        delivered = False
        if piece is not None and value >= config.velocity_threshold:
            if self._debounce.accept(piece, stamp):
                if config.player is not None:
                    self._out.put(RawHit(config.player, piece, stamp, value, "midi", self.port))
                    self.hits += 1
                    delivered = True
            else:
                self.debounced += 1
        if self.tap is not None:
            self.tap(TapEvent(self.port, "note", number, value, piece, config.player,
                              stamp, arrival_ns, delivered))
