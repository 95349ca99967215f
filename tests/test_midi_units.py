"""MIDI input pieces that need no transport: parser, debounce, timebase, reader, learn."""

from __future__ import annotations

import itertools
import queue
import random

from duet_drums.core.kit import Piece
from duet_drums.inputs.debounce import Debouncer
from duet_drums.inputs.learn import LearnState, save_mapping
from duet_drums.inputs.midi_messages import CONTROL_CHANGE, NOTE_ON, classify
from duet_drums.inputs.midi_reader import PortReader, ReaderConfig, TapEvent
from duet_drums.inputs.notemaps import GENERAL_MIDI, ROLAND_TD
from duet_drums.inputs.port_names import port_keys, stable_name
from duet_drums.inputs.raw import RawHit
from duet_drums.inputs.timebase import DeltaTimebase
from duet_drums.settings import MidiSettings

MS = 1_000_000


def test_classify_keeps_only_note_on_and_cc() -> None:
    assert classify([0x99, 38, 100]) == (NOTE_ON, 38, 100)
    assert classify([0x90, 38, 1]) == (NOTE_ON, 38, 1)
    assert classify([0xB9, 4, 0]) == (CONTROL_CHANGE, 4, 0)
    for ignored in ([0x99, 38, 0], [0x89, 38, 64], [0xF8], [0xFE], [0xFA], [0xFC],
                    [0xF0, 0x7D, 1, 2, 0xF7], [0xA9, 38, 10], [0xD9, 10], [0xE9, 0, 64],
                    [0xC9, 5], [0xF2, 0, 0], [0xF0, 0x7E, 0x7F], [0x7F, 38, 100]):
        assert classify(ignored) is None, ignored


def test_junk_never_crashes_the_reader() -> None:
    out: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
    reader = PortReader("kit", None, ReaderConfig(0, GENERAL_MIDI), out, debounce_ms=0)
    rng = random.Random(7)
    t = 0
    junk: list[object] = [None, (), ([],), ([0x99], 0.0), ([0x99, 38], 0.0), ([0x99, 200, 100], 0.0),
                          ([0x99, 38, 300], 0.0), ([0x99, -1, 5], 0.0), ("abc", 0.0), ([0x99, 38, 100], "x"),
                          ([0x99, 38, 100], float("nan")), ([None, None, None], 0.0), 42]
    for _ in range(5000):
        length = rng.randint(0, 6)
        junk.append(([rng.randint(0, 255) for _ in range(length)], rng.random() * 0.01))
    for message in junk:
        t += MS
        reader.handle(message, t)
    reader.handle(([0x99, 38, 99], 0.001), t + MS)  # still alive and parsing afterwards
    hits = []
    while not out.empty():
        hits.append(out.get())
    assert hits and hits[-1].piece is Piece.SNARE and hits[-1].velocity == 99
    assert reader.errors > 0  # the malformed tuples were counted, not raised


def _reader(config: ReaderConfig, debounce_ms: float = 6) -> tuple[PortReader, queue.SimpleQueue[RawHit],
                                                                   list[TapEvent]]:
    out: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
    taps: list[TapEvent] = []
    return PortReader("kit", None, config, out, debounce_ms, tap=taps.append), out, taps


def _drain(out: queue.SimpleQueue[RawHit]) -> list[RawHit]:
    hits = []
    while not out.empty():
        hits.append(out.get())
    return hits


def test_reader_cc4_threshold_velocity_and_player() -> None:
    reader, out, taps = _reader(ReaderConfig(1, ROLAND_TD, velocity_threshold=10, hihat_open_below=64))
    messages = [
        [0x99, 42, 80],   # no CC4 yet: the note's own map (closed)
        [0xB9, 4, 0],     # pedal fully open
        [0x99, 42, 80],   # now open
        [0x99, 22, 80],   # edge, open too
        [0xB9, 4, 127],   # closed
        [0x99, 46, 80],   # the module said open, the pedal says closed: the pedal wins
        [0xB9, 7, 0],     # another CC changes nothing
        [0x99, 26, 80],
        [0x99, 38, 9],    # below the velocity threshold
        [0x99, 38, 0],    # note-off
        [0x99, 38, 10],
        [0x99, 55, 127],  # Roland crash edge
    ]
    for i, data in enumerate(messages):
        reader.handle((data, 0.02), i * 20 * MS)
    hits = _drain(out)
    assert [(h.piece, h.velocity) for h in hits] == [
        (Piece.HIHAT, 80), (Piece.HIHAT_OPEN, 80), (Piece.HIHAT_OPEN, 80), (Piece.HIHAT, 80),
        (Piece.HIHAT, 80), (Piece.SNARE, 10), (Piece.CRASH, 127)]
    assert {h.player for h in hits} == {1} and {h.device for h in hits} == {"kit"}
    assert [t.value for t in taps if t.kind == "cc"] == [0, 127]


def test_unassigned_port_sends_no_hits_but_taps() -> None:
    reader, out, taps = _reader(ReaderConfig(None, GENERAL_MIDI))
    reader.handle(([0x99, 38, 100], 0.0), 0)
    assert out.empty()
    assert [(t.number, t.piece, t.delivered) for t in taps] == [(38, Piece.SNARE, False)]


def test_debouncer() -> None:
    d = Debouncer(6)
    assert d.accept("snare", 0)
    assert not d.accept("snare", 5 * MS)       # a double trigger
    assert d.accept("tom1", 5 * MS)            # another pad: a flam, kept
    assert d.accept("snare", 6 * MS)           # window is measured from the accepted hit
    assert not d.accept("snare", 6 * MS)       # an xrun re-read: same stamp
    assert not d.accept("snare", 2 * MS)       # stamps that step back are still close
    assert d.accept("snare", 20 * MS)
    off = Debouncer(0)
    assert off.accept("snare", 0) and off.accept("snare", 0)


def test_reader_debounces_per_piece() -> None:
    reader, out, _ = _reader(ReaderConfig(0, GENERAL_MIDI), debounce_ms=6)
    # delta_time drives the stamps: snare, snare 2 ms later (double trigger), tom 0 ms
    # later (flam), snare 10 ms later.
    arrival = 0
    for data, delta in (([0x99, 38, 100], 0.0), ([0x99, 40, 90], 0.002), ([0x99, 48, 80], 0.0),
                        ([0x99, 38, 100], 0.010)):
        arrival += round(delta * 1e9)
        reader.handle((data, delta), arrival + 300_000)
    assert [h.piece for h in _drain(out)] == [Piece.SNARE, Piece.TOM1, Piece.SNARE]
    assert reader.debounced == 1


def test_timebase_keeps_driver_spacing_through_stalls() -> None:
    """Late arrivals (GIL stalls, a busy frame) must not move the rebuilt stamps."""
    tb = DeltaTimebase()
    rng = random.Random(3)
    origin = 5_000_000_000
    true_ns = origin
    errors = []
    for i in range(3000):
        spacing = rng.choice([0, 2, 5, 10, 40]) * MS
        true_ns += spacing if i else 0
        delay = 100_000 + rng.randrange(0, 400_000)  # 0.1-0.5 ms normal polling delay
        if rng.random() < 0.05:
            delay += rng.randrange(5, 40) * MS  # a stall
        stamp = tb.stamp(spacing / 1e9 if i else 0.0, true_ns + delay)
        errors.append(stamp - true_ns)
    # After the first second the anchor has seen a near-minimal delay.
    settled = errors[200:]
    assert max(settled) < 250_000 and min(settled) >= 100_000, (min(settled), max(settled))


def test_timebase_starts_stalled_then_corrects_and_keeps_spacing() -> None:
    tb = DeltaTimebase()
    # The first three messages all arrive 30 ms late (the thread was stalled); their
    # spacing (10 ms) is still the driver's. Then a message arrives on time.
    stamps = [tb.stamp(0.0 if i == 0 else 0.010, i * 10 * MS + 30 * MS) for i in range(3)]
    assert [b - a for a, b in itertools.pairwise(stamps)] == [10 * MS, 10 * MS]
    on_time = tb.stamp(0.010, 30 * MS)
    assert on_time == 30 * MS


def test_timebase_follows_drift() -> None:
    """Driver clock 1000 ppm slow against perf_counter: old minima expire, the error stays small."""
    tb = DeltaTimebase(window_ns=2_000_000_000)
    worst_late = 0
    for i in range(1, 2000):  # 20 s of messages every 10 ms
        true_ns = i * 10 * MS
        driver_delta = 0.010 * (1 - 0.001)
        stamp = tb.stamp(driver_delta if i > 1 else 0.0, true_ns + 200_000)
        if i > 300:
            worst_late = max(worst_late, abs(stamp - true_ns))
    # Without expiry the error would grow to 20 ms; with a 2 s window it stays ~2 ms.
    assert worst_late < 2_500_000, worst_late


def test_timebase_bridges_long_silence() -> None:
    """After a quiet minute the last few minima still anchor the clock."""
    tb = DeltaTimebase(window_ns=3_000_000_000, min_samples=4)
    for i in range(10):
        tb.stamp(0.0 if i == 0 else 0.1, i * 100 * MS + 100_000)
    late = tb.stamp(60.0, 900 * MS + 60_000 * MS + 20 * MS)  # arrives 20 ms late
    assert late == 900 * MS + 60_000 * MS + 100_000


def test_port_names_strip_alsa_numbers_and_number_twins() -> None:
    assert stable_name("TD-17:TD-17 MIDI 1 20:0") == "TD-17:TD-17 MIDI 1"
    assert stable_name("kitA:out") == "kitA:out"
    keys = port_keys(["TD-17:TD-17 MIDI 1 24:0", "TD-17:TD-17 MIDI 1 20:0", "Nitro:MIDI 1 28:0"])
    assert keys == {"Nitro:MIDI 1": "Nitro:MIDI 1 28:0", "TD-17:TD-17 MIDI 1": "TD-17:TD-17 MIDI 1 20:0",
                    "TD-17:TD-17 MIDI 1 #2": "TD-17:TD-17 MIDI 1 24:0"}


def test_learn_state_ignores_crosstalk_and_saves_into_settings() -> None:
    learn = LearnState("kit")
    assert learn.result() is None
    learn.offer(60, 100, 0)
    learn.offer(61, 20, 5 * MS)    # crosstalk from the pad just struck
    assert learn.result() == (60, 100)
    learn.offer(61, 20, 80 * MS)   # a soft but deliberate strike later
    assert learn.result() == (61, 20)
    settings = MidiSettings()
    save_mapping(settings, "kit", 61, Piece.TOM1, "My kit", GENERAL_MIDI)
    assert settings.presets == {"kit": "My kit"}
    assert settings.custom_maps["My kit"]["61"] is Piece.TOM1
    assert settings.custom_maps["My kit"]["38"] is Piece.SNARE  # seeded from the old map
    save_mapping(settings, "kit", 38, Piece.TOM2, "My kit", GENERAL_MIDI)
    assert settings.custom_maps["My kit"]["38"] is Piece.TOM2
    assert settings.custom_maps["My kit"]["61"] is Piece.TOM1
