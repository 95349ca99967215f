"""A sysex that never ends: rtmidi glues what follows onto it, and the reader takes it apart.

rtmidi (measured on its JACK input, see `inputs/midi_stream.py`) turns "F0 ... (no F7)"
followed by other events into one message, handed over only when an event ends in F7,
with only that last event's delta_time. The reader splits such a lump as a MIDI wire is
read, keeps its notes when it came promptly, and rebuilds the lost time so that later
stamps are not early. Checked here on the parser, on the reader with the timing rtmidi
gives, and through a real JACK server.
"""

from __future__ import annotations

import itertools
import queue
import time
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.kit import Piece
from duet_drums.inputs.midi_inputs import MidiInputs
from duet_drums.inputs.midi_messages import NOTE_ON, classify
from duet_drums.inputs.midi_reader import RECOVER_WITHIN_NS, PortReader, ReaderConfig
from duet_drums.inputs.midi_stream import is_merged, split_wire
from duet_drums.inputs.notemaps import GENERAL_MIDI
from duet_drums.inputs.raw import RawHit
from duet_drums.settings import MidiSettings
from tests.support.jack import JackServer, VirtualKit, jack_server

__all__ = ["jack_server"]  # the fixture is used by name

MS = 1_000_000
TRUNCATED = [0xF0, 0x7D, 0x10, 0x11]
CLOSING = [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]


def _notes(messages: list[list[int]]) -> list[tuple[int, int]]:
    return [(m[1], m[2]) for m in messages if (c := classify(m)) is not None and c[0] == NOTE_ON]


# -- the parser --------------------------------------------------------------------------------

def test_a_lump_rtmidi_made_reads_as_a_wire_does() -> None:
    # What rtmidi handed over (JACK, python-rtmidi 1.5.8) after these events: F0 01 02 03
    # (no F7), note 38, a lone 42, a note with a data byte above 127, a truncated note-on,
    # note 42, and a whole sysex.
    lump = [0xF0, 0x01, 0x02, 0x03, 0x99, 0x26, 0x5A, 0x42, 0x99, 0xC8, 0x2C, 0x99, 0x28,
            0x99, 0x2A, 0x50, 0xF0, 0x7D, 0x01, 0xF7]
    assert is_merged(lump)
    parts = split_wire(lump)
    assert parts == [[0xF0, 0x01, 0x02, 0x03], [0x99, 0x26, 0x5A], [0xC8, 0x2C], [0x99, 0x2A, 0x50],
                     [0xF0, 0x7D, 0x01, 0xF7]]
    assert _notes(parts) == [(38, 90), (42, 80)]


def test_only_a_lump_is_merged() -> None:
    assert not is_merged([0xF0, 0x7D, 0x01, 0xF7])
    assert not is_merged([0xF0, 0xF7])
    assert not is_merged([0x99, 38, 100])
    assert not is_merged([0xF8])
    assert is_merged([*TRUNCATED, 0xF8, 0xF7])  # clocks glued in lost their time too
    assert is_merged([*TRUNCATED, *CLOSING])


def test_realtime_bytes_stand_alone_and_a_status_byte_ends_a_sysex() -> None:
    assert split_wire([0xF0, 0x7D, 0xF8, 0x01, 0xFE, 0x02, 0xF7]) == [
        [0xF8], [0xFE], [0xF0, 0x7D, 0x01, 0x02, 0xF7]]
    assert split_wire([0xF0, 0x7D, 0xB9, 4, 0x7F]) == [[0xF0, 0x7D], [0xB9, 4, 0x7F]]
    assert split_wire([0xC9, 5, 6, 0xD9]) == [[0xC9, 5]]  # no running status: 6 is nothing
    assert split_wire([0xF1, 0x10, 0xF6, 0xF2, 1]) == [[0xF1, 0x10], [0xF6]]


COMPLETE = st.one_of(
    st.tuples(st.integers(0x90, 0x9F), st.integers(0, 127), st.integers(0, 127)).map(list),
    st.tuples(st.integers(0xB0, 0xBF), st.integers(0, 127), st.integers(0, 127)).map(list),
    st.tuples(st.integers(0xC0, 0xDF), st.integers(0, 127)).map(list),
    st.sampled_from([[0xF8], [0xFE], [0xFA], [0xF6], CLOSING]),
    st.lists(st.integers(0, 127), max_size=20).map(lambda body: [0xF0, *body, 0xF7]),
)


@given(st.lists(COMPLETE, max_size=40))
def test_every_whole_message_in_a_lump_comes_back(messages: list[list[int]]) -> None:
    """A kit's own messages are whole: whatever they were glued onto, they are read back,
    in order, and no note is invented or lost."""
    lump = [*TRUNCATED, *itertools.chain.from_iterable(messages), *CLOSING]
    assert is_merged(lump)
    assert _notes(split_wire(lump)) == _notes(messages)


@given(st.lists(st.integers(0, 255), max_size=200))
@settings(max_examples=300)
def test_any_bytes_split_into_messages_that_start_with_a_status_byte(data: list[int]) -> None:
    parts = split_wire(data)
    assert all(part and part[0] >= 0x80 for part in parts)
    assert sum(len(part) for part in parts) <= len(data)
    # No running status: each note read needs a note-on status byte of its own.
    assert len(_notes(parts)) <= sum(1 for b in data if 0x90 <= b <= 0x9F)


# -- the reader, fed what rtmidi hands over -----------------------------------------------------

def _reader() -> tuple[PortReader, queue.SimpleQueue[RawHit]]:
    out: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
    return PortReader("kit", None, ReaderConfig(0, GENERAL_MIDI), out, debounce_ms=0), out


def _drain(out: queue.SimpleQueue[RawHit]) -> list[RawHit]:
    hits = []
    while not out.empty():
        hits.append(out.get())
    return hits


def _play(reader: PortReader, events: list[tuple[list[int], int, int]]) -> None:
    """Feed (bytes, delta ns, arrival ns) as rtmidi hands them over."""
    for data, delta, arrival in events:
        reader.handle((data, delta / 1e9), arrival)


def _steady(first_ms: int, count: int, poll_delay_ns: int = 300_000, held_ns: int = 0,
            after_ms: int | None = None) -> list[tuple[list[int], int, int]]:
    """Snare notes every 10 ms (velocity 1, 2, ...), each read a poll's delay after it came
    (plus `held_ns`); the first one's delta counts from `after_ms`."""
    previous = first_ms - 10 if after_ms is None else after_ms
    out = []
    for i in range(count):
        t = first_ms + 10 * i
        out.append(([0x99, 38, 1 + i], (t - previous) * MS, t * MS + poll_delay_ns + held_ns))
        previous = t
    return out


LUMP = [*TRUNCATED, 0x99, 36, 100, 0xF8, *CLOSING]


def _stamps_from(hits: list[RawHit], first_ms: int, count: int) -> list[float]:
    """Stamp minus true time (ms) of the last `count` snares, sent every 10 ms from `first_ms`."""
    snares = [h for h in hits if h.piece is Piece.SNARE][-count:]
    return [(h.stamp_ns - (first_ms + 10 * k) * MS) / MS for k, h in enumerate(snares)]


def test_a_lump_read_while_keeping_up_is_stamped_on_arrival_and_later_stamps_stay_true() -> None:
    """The sysex opened at 300 ms, the lump (a kick inside) ended at 330 ms: rtmidi lost
    30 ms of its time. The thread was waiting for messages, so the lump's arrival gives
    its time: the kick is kept, stamped then, and the notes after it are on time."""
    reader, out = _reader()
    lump = (LUMP, 0, 330 * MS + 300_000)  # delta 0: its last two events came together
    _play(reader, [*_steady(0, 30), lump, *_steady(340, 30, after_ms=330)])
    hits = _drain(out)
    assert reader.merged == 1 and reader.stale == 0 and len(hits) == 61
    kick = [h for h in hits if h.piece is Piece.KICK]
    assert len(kick) == 1 and 300 * MS <= kick[0].stamp_ns <= 330 * MS + 300_000
    assert all(0 <= e <= 0.31 for e in _stamps_from(hits, 340, 30))


def test_a_lump_read_from_a_backlog_is_never_early_and_stamps_come_true_once_caught_up() -> None:
    """The thread was held up 40 ms and read the lump straight after the note before it,
    so its arrival says only how late it can have been: the lump's events (290 to 295 ms)
    are stamped no earlier than that. The notes read from the backlog after it are late
    by at most the thread's 40 ms, never early, and once the thread has caught up the
    stamps are true again."""
    reader, out = _reader()
    held = 40 * MS
    before = _steady(0, 30)
    before[-1] = (before[-1][0], before[-1][1], 335 * MS + held - 100_000)
    lump = (LUMP, 0, 335 * MS + held)  # its events from 290 to 295 ms; read at 375 ms
    after = _steady(300, 3, held_ns=held, after_ms=295) + _steady(330, 30, after_ms=320)
    _play(reader, [*before, lump, *after])
    hits = _drain(out)
    assert reader.merged == 1 and len(hits) == 64
    kick = [h for h in hits if h.piece is Piece.KICK]
    assert len(kick) == 1 and 295 * MS <= kick[0].stamp_ns <= 335 * MS + held
    held_back = _stamps_from(hits, 300, 33)[:3]
    assert all(0 <= e <= 40.31 for e in held_back), held_back
    caught_up = _stamps_from(hits, 330, 30)
    assert all(0 <= e <= 0.31 for e in caught_up), caught_up


def test_a_lump_that_kept_the_port_deaf_drops_its_stale_notes() -> None:
    """The sysex stayed open for 2 s (rtmidi handed nothing over meanwhile): the notes it
    held would be judged 2 s late, so they are dropped and counted; later notes are on
    time."""
    reader, out = _reader()
    lump = [*TRUNCATED, 0x99, 36, 100, 0x99, 48, 90, *CLOSING]
    assert 2000 * MS > RECOVER_WITHIN_NS
    _play(reader, [*_steady(0, 10), (lump, 0, 2100 * MS + 300_000), *_steady(2110, 30, after_ms=2100)])
    hits = _drain(out)
    assert reader.stale == 1
    assert [h.piece for h in hits] == [Piece.SNARE] * 40
    assert all(0 <= e <= 0.31 for e in _stamps_from(hits, 2110, 30))


PERIOD_NS = 5_333_333  # 256 frames at 48 kHz
Delivery = tuple[list[int], int, int]  # bytes, delta ns, arrival ns


@st.composite
def jack_deliveries(draw: st.DrawFn) -> tuple[list[Delivery], dict[int, tuple[int, int]], int]:
    """What rtmidi's JACK input hands over for a kit's stream of notes, clocks, CCs and
    sysexes (some left open, closed a few events later), and when a reader thread that
    is now and then held up (up to 30 ms) reads each message.

    Returns (bytes, delta ns, arrival ns) per message as rtmidi makes them (every event
    stamped at its cycle's callback, a lump with only its last event's delta), and per
    note (velocity as its id) its true time and its message's index.
    """
    rnd = draw(st.randoms(use_true_random=False))
    cycles = draw(st.integers(5, 80))
    events: list[tuple[int, list[int]]] = [(0, [0xF8])]  # the kit's first message is its own
    notes = 0
    open_for = 0
    for c in range(cycles):
        callback = (c + 1) * PERIOD_NS + rnd.randrange(0, 2_000_000)
        kinds = draw(st.lists(st.sampled_from(["note", "clock", "cc", "open", "close"]),
                              min_size=1, max_size=12))
        for k, kind in enumerate(kinds):
            t = callback + 1_000 * k
            if kind == "note" and notes < 127:
                notes += 1
                events.append((t, [0x99, 38, notes]))
            elif kind == "open" and not open_for:
                events.append((t, list(TRUNCATED)))
                open_for = 1
            elif kind == "close":
                events.append((t, list(CLOSING)))
                open_for = 0
            elif kind == "cc":
                events.append((t, [0xB9, 7, k]))
            else:
                events.append((t, [0xF8]))
        if open_for:
            open_for += 1
            if open_for > 3:  # a kit's junk closes soon; one held open is tested apart
                events.append((callback + 20_000, list(CLOSING)))
                open_for = 0
    if open_for:
        events.append(((cycles + 1) * PERIOD_NS, list(CLOSING)))
    # rtmidi: a sysex without F7 swallows events until one ends in F7; the message it
    # hands over has only its last event's delta.
    messages: list[tuple[list[int], int, int]] = []  # bytes, delta, time of its last event
    where: dict[int, tuple[int, int]] = {}
    glued: list[int] = []
    carrying: list[tuple[int, int]] = []
    cont = False
    last = None
    for t, data in events:
        delta = 0 if last is None else t - last
        last = t
        if not cont:
            glued, carrying = [], []
        glued = [*glued, *data]
        if data[0] == 0x99:
            carrying.append((data[2], t))
        if data[0] == 0xF0 or cont:
            cont = data[-1] != 0xF7
        if not cont:
            for vid, true in carrying:
                where[vid] = (true, len(messages))
            messages.append((glued, delta, t))
    # The reader: reads each message once it is there and the thread is free; now and
    # then the thread is held up (the GIL, the scheduler).
    delivered = []
    free = 0
    for data, delta, t in messages:
        if rnd.random() < 0.05:
            free += rnd.randrange(1_000_000, 30_000_000)
        arrival = max(free, t + rnd.randrange(20_000, 300_000))
        free = arrival + 15_000
        delivered.append((data, delta, arrival))
    return delivered, where, len(messages)


@given(jack_deliveries())
@settings(max_examples=100, deadline=None)
def test_no_note_is_ever_stamped_before_it_was_played_nor_after_it_was_read(
        stream: tuple[list[Delivery], dict[int, tuple[int, int]], int]) -> None:
    """Whatever lumps rtmidi made and however late the thread read them, a note's stamp
    lies between when it was played and when it was read; and it is late by no more than
    the least-delayed message read since the last lump (the anchor the reader had)."""
    delivered, where, _ = stream
    reader, out = _reader()
    _play(reader, delivered)
    hits = {h.velocity: h.stamp_ns for h in _drain(out)}
    assert reader.stale == 0 and sorted(hits) == sorted(where)
    times = []  # the time of each message's last event, from its deltas
    t = 0
    for _, delta, _ in delivered:
        t += delta
        times.append(t)
    lumps = [i for i, (data, _, _) in enumerate(delivered) if is_merged(data)]
    tolerance = 2_000  # ns: deltas pass through float seconds
    for vid, (true, i) in where.items():
        arrival = delivered[i][2]
        assert true - tolerance <= hits[vid] <= arrival, (vid, true, hits[vid], arrival)
        if i not in lumps:
            since = max((j for j in lumps if j < i), default=0)
            anchor = min(delivered[j][2] - times[j] for j in range(since, i + 1))
            assert hits[vid] - true <= anchor + tolerance, (vid, hits[vid] - true, anchor)


# -- through JACK -------------------------------------------------------------------------------

_names = itertools.count(1)


@pytest.fixture
def reading(jack_server: JackServer, monkeypatch: pytest.MonkeyPatch
            ) -> Iterator[tuple[VirtualKit, MidiInputs, queue.SimpleQueue[RawHit]]]:
    monkeypatch.setenv("DUET_DRUMS_MIDI_API", "jack")
    kit = VirtualKit(f"junkkit{next(_names)}")
    out: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
    inputs = MidiInputs(MidiSettings(assignments={kit.name: 0}, debounce_ms=0), out)
    try:
        inputs.start()
        assert kit.name in inputs.readers()
        yield kit, inputs, out
    finally:
        inputs.stop()
        kit.close()


def _collect(out: queue.SimpleQueue[RawHit], count: int, timeout_s: float = 5.0) -> list[RawHit]:
    """The hits once `count` have come (or the time is up), and whatever follows shortly."""
    deadline = time.monotonic() + timeout_s
    while out.qsize() < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    return _drain(out)


@pytest.mark.jack
def test_notes_after_a_sysex_without_f7_reach_the_game(
        reading: tuple[VirtualKit, MidiInputs, queue.SimpleQueue[RawHit]]) -> None:
    kit, inputs, out = reading
    kit.note(36, 100)
    time.sleep(0.02)
    kit.send(TRUNCATED)  # rtmidi now glues everything onto it...
    for note in (38, 48, 45):
        kit.note(note, 90)
        time.sleep(0.005)
    kit.send(CLOSING)  # ... until an event ends in F7
    time.sleep(0.02)
    kit.note(43, 80)
    hits = _collect(out, 5)
    assert [h.piece for h in hits] == [Piece.KICK, Piece.SNARE, Piece.TOM1, Piece.TOM2, Piece.TOM3]
    reader = inputs.readers()[kit.name]
    assert reader.merged == 1 and reader.stale == 0 and reader.errors == 0
    assert all(b.stamp_ns >= a.stamp_ns for a, b in itertools.pairwise(hits))


@pytest.mark.jack
def test_notes_held_in_a_sysex_left_open_for_long_are_dropped_not_judged_late(
        reading: tuple[VirtualKit, MidiInputs, queue.SimpleQueue[RawHit]]) -> None:
    """The port is deaf while the sysex is open (rtmidi holds everything); when an F7
    finally comes, notes held longer than RECOVER_WITHIN_NS are dropped, and the port
    plays on. (A limit of rtmidi, written down in docs/RELIABILITY.md.)"""
    kit, inputs, out = reading
    kit.send(TRUNCATED)
    kit.note(38, 90)
    time.sleep(RECOVER_WITHIN_NS / 1e9 * 6)
    assert _drain(out) == []  # held inside rtmidi
    kit.send([0xF7])
    time.sleep(0.02)
    kit.note(48, 70)
    hits = _collect(out, 1)
    assert [(h.piece, h.velocity) for h in hits] == [(Piece.TOM1, 70)]
    assert inputs.readers()[kit.name].stale == 1
