"""notes.mid as Rock Band / Clone Hero / YARG files really are, written by mido (or byte by
byte where mido cannot write the quirk), read into the notes a drummer plays."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import mido
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.tempo import TempoMap
from duet_drums.formats import FormatError, LoadedSong, load_song
from duet_drums.formats.midi_file import decode_track, read_midi
from duet_drums.formats.song_folder import read_song, summarize
from tests.support.song_files import Timed, midi_track

TEMPO = ("TEMPO TRACK", [(0, b"\xff\x51" + (500_000).to_bytes(3, "big"))])


def on(tick: int, note: int, velocity: int = 100, length: int = 60, channel: int = 9) -> Timed:
    return [(tick, bytes((0x90 | channel, note, velocity))),
            (tick + length, bytes((0x80 | channel, note, 0)))]


def text(tick: int, value: str) -> tuple[int, bytes]:
    return (tick, b"\xff\x01" + value.encode())


def write(tmp_path: Path, tracks: list[tuple[str, Timed]], tpb: int = 480) -> Path:
    mid = mido.MidiFile(type=1, ticks_per_beat=tpb)
    for name, events in tracks:
        mid.tracks.append(midi_track(name, events))
    folder = tmp_path / "song"
    folder.mkdir(parents=True, exist_ok=True)
    mid.save(folder / "notes.mid")
    return folder


def drums(tmp_path: Path, events: Timed, *, tpb: int = 480, extra: list[tuple[str, Timed]] | None = None
          ) -> LoadedSong:
    return load_song(write(tmp_path, [TEMPO, ("PART DRUMS", events), *(extra or [])], tpb))


def notes(song: LoadedSong, difficulty: str = "expert") -> list[tuple[int, str, int | None]]:
    return [(n.tick, n.piece.value, n.velocity) for n in song.chart.parts["drums"].notes(difficulty)]


def test_every_lane_of_every_difficulty_with_cymbals_by_default(tmp_path: Path) -> None:
    events: Timed = []
    for base in (60, 72, 84, 96):
        for i, offset in enumerate((-1, 0, 1, 2, 3, 4)):
            events += on(i * 480, base + offset)
    song = drums(tmp_path, events)
    want = [(0, "kick2", None), (480, "kick", None), (960, "snare", None), (1440, "hihat", None),
            (1920, "ride", None), (2400, "crash", None)]
    for difficulty in ("easy", "medium", "hard", "expert"):
        assert notes(song, difficulty) == want
    assert song.chart.metadata.song_folder is not None
    assert song.chart.metadata.song_folder.drum_type == "four_lane"  # no marker, no 5-lane green


def test_tom_markers_make_toms_until_their_end_tick_which_is_excluded(tmp_path: Path) -> None:
    events = on(0, 110, length=480) + on(0, 111, length=480) + on(0, 112, length=480)
    for tick in (0, 240, 480):
        events += on(tick, 98) + on(tick, 99) + on(tick, 100)
    song = drums(tmp_path, events)
    assert notes(song) == [(0, "tom1", None), (0, "tom2", None), (0, "tom3", None),
                           (240, "tom1", None), (240, "tom2", None), (240, "tom3", None),
                           (480, "hihat", None), (480, "crash", None), (480, "ride", None)]
    assert song.chart.metadata.song_folder is not None
    assert song.chart.metadata.song_folder.drum_type == "four_lane_pro"


def test_a_zero_length_tom_marker_marks_its_own_tick_only(tmp_path: Path) -> None:
    song = drums(tmp_path, on(480, 110, length=0) + on(480, 98) + on(960, 98))
    assert notes(song) == [(480, "tom1", None), (960, "hihat", None)]


def test_a_tom_marker_over_nothing_does_not_make_pro_drums(tmp_path: Path) -> None:
    song = drums(tmp_path, on(0, 110, length=100) + on(960, 98))
    assert read_song(song.folder).part.drum_type == "four_lane"


def test_accents_and_ghosts_only_with_chart_dynamics_and_never_on_kicks(tmp_path: Path) -> None:
    events = on(0, 97, 127) + on(480, 97, 1) + on(960, 98, 127) + on(960, 96, 127) + on(1440, 98, 64)
    plain = drums(tmp_path / "plain", events)
    assert [v for _, _, v in notes(plain)] == [None] * 5
    dynamic = drums(tmp_path / "dyn", [text(0, "[ENABLE_CHART_DYNAMICS]"), *events])
    assert notes(dynamic) == [(0, "snare", 127), (480, "snare", 30), (960, "kick", None), (960, "hihat", 127),
                              (1440, "hihat", None)]
    unbracketed = drums(tmp_path / "bare", [text(0, "ENABLE_CHART_DYNAMICS"), *events])
    assert notes(unbracketed) == notes(dynamic)


def test_a_kick_and_a_2x_kick_together_are_one_gem_and_the_kick_stays(tmp_path: Path) -> None:
    song = drums(tmp_path, on(0, 95) + on(0, 96) + on(480, 95))
    assert notes(song) == [(0, "kick", None), (480, "kick2", None)]
    assert summarize(read_song(song.folder)).notes["expert"] == 2


def test_five_lane_charts_become_four_lane_pro(tmp_path: Path) -> None:
    events = on(0, 97) + on(480, 98) + on(960, 99) + on(1440, 100) + on(1920, 101)
    events += on(2400, 100) + on(2400, 101) + on(2880, 99) + on(2880, 100) + on(2880, 101)
    song = drums(tmp_path, events)
    assert song.chart.metadata.song_folder is not None
    assert song.chart.metadata.song_folder.drum_type == "five_lane"
    assert notes(song) == [(0, "snare", None), (480, "hihat", None), (960, "tom2", None),
                           (1440, "crash", None),
                           (1920, "tom3", None), (2400, "tom3", None), (2400, "ride", None),
                           (2880, "tom2", None), (2880, "tom3", None)]  # blue tom keeps the blue lane


def test_disco_flip_swaps_red_and_yellow_per_difficulty_until_the_next_mix_event(tmp_path: Path) -> None:
    events = [text(0, "[mix 3 drums0d]"), text(960, "[mix 3 drums0]"), text(0, "[mix 2 drums0dnoflip]")]
    for tick in (480, 1440):
        for base in (84, 96):
            events += on(tick, base + 1) + on(tick, base + 2)
    song = drums(tmp_path, events)
    assert notes(song) == [(480, "snare", None), (480, "hihat", None), (1440, "snare", None),
                           (1440, "hihat", None)]
    flipped = read_song(song.folder).part.notes["expert"].rows()
    assert [p.value for _, p, _ in flipped[:2]] == ["snare", "hihat"]
    spans = song.chart.parts["drums"].spans
    assert [(s.kind, s.tick, s.end_tick, s.difficulties) for s in spans] == [("disco", 0, 960, ["expert"])]
    # Hard's notes are the same as expert's; its mix event is "dnoflip", which swaps nothing.
    assert notes(song, "hard") == notes(song)


def test_disco_flip_turns_the_red_gem_into_the_hihat(tmp_path: Path) -> None:
    song = drums(tmp_path, [text(0, "[mix 3 drums0d]"), *on(480, 97)])
    assert notes(song) == [(480, "hihat", None)]


def test_any_channel_and_both_spellings_of_note_off(tmp_path: Path) -> None:
    events: Timed = [(0, bytes((0x90, 97, 100))), (60, bytes((0x90, 97, 0))),  # channel 1, off as vel 0
                     (480, bytes((0x9F, 98, 100))), (540, bytes((0x8F, 98, 64))),  # channel 16, note_off
                     (960, bytes((0x93, 96, 100))), (1000, bytes((0x83, 96, 0)))]
    assert notes(drums(tmp_path, events)) == [(0, "snare", None), (480, "hihat", None), (960, "kick", None)]


def test_a_note_on_that_never_ends_is_dropped_as_the_games_drop_it(tmp_path: Path) -> None:
    events: Timed = [*on(0, 97), (480, bytes((0x99, 98, 100)))]
    song = drums(tmp_path, events)
    assert notes(song) == [(0, "snare", None)]
    assert any("never end" in w for w in song.warnings)


def test_overlapping_note_ons_pair_last_opened_first_closed(tmp_path: Path) -> None:
    events: Timed = [(0, bytes((0x99, 97, 100))), (240, bytes((0x99, 97, 100))), (300, bytes((0x89, 97, 0))),
                     (480, bytes((0x89, 97, 0))), (960, bytes((0x89, 97, 0)))]  # a stray off at the end
    assert notes(drums(tmp_path, events)) == [(0, "snare", None), (240, "snare", None)]


def _smf(tracks: list[bytes], tpb: int = 480, fmt: int = 1) -> bytes:
    header = b"MThd" + (6).to_bytes(4, "big") + fmt.to_bytes(2, "big") + len(tracks).to_bytes(2, "big")
    body = b"".join(b"MTrk" + len(t).to_bytes(4, "big") + t for t in tracks)
    return header + tpb.to_bytes(2, "big") + body


def _named(name: str, events: bytes) -> bytes:
    return b"\x00\xff\x03" + bytes((len(name),)) + name.encode() + events + b"\x00\xff\x2f\x00"


def test_running_status_and_running_status_across_sysex_which_mido_refuses(tmp_path: Path) -> None:
    events = (b"\x00\x99\x61\x64"  # note on snare, status given
              + b"\x3c\x61\x00"  # running status: its note-off 60 ticks later
              + b"\x00\xf0\x03\x7e\x7f\x00"  # a sysex event
              + b"\x83\x60\x62\x64"  # 480 ticks on (two-byte delta), still running status: hi-hat on
              + b"\x3c\x62\x00")
    data = _smf([_named("TEMPO TRACK", b""), _named("PART DRUMS", events)])
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "notes.mid").write_bytes(data)
    with pytest.raises(Exception):  # noqa: B017 - mido's own complaint is whatever it is
        mido.MidiFile(file=BytesIO(data))
    song = load_song(folder)
    assert notes(song) == [(0, "snare", None), (540, "hihat", None)]


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.insert(0, 0x80 | (value & 0x7F))
        value >>= 7
    return bytes(out)


_EVENT = st.one_of(
    st.tuples(st.just("note"), st.integers(0, 127), st.integers(0, 127), st.integers(0, 15), st.booleans()),
    st.tuples(st.just("off"), st.integers(0, 127), st.integers(0, 127), st.integers(0, 15), st.booleans()),
    st.tuples(st.just("cc"), st.integers(0, 127), st.integers(0, 127), st.integers(0, 15), st.booleans()),
    st.tuples(st.just("program"), st.integers(0, 127), st.just(0), st.integers(0, 15), st.just(False)),
    st.tuples(st.just("text"), st.integers(0, 40), st.just(0), st.just(0), st.just(False)),
    st.tuples(st.just("sysex"), st.integers(1, 20), st.just(0), st.just(0), st.just(False)),
)


@settings(max_examples=120, deadline=None)
@given(events=st.lists(st.tuples(st.one_of(st.integers(0, 130), st.integers(0, 2**28 - 1)), _EVENT),
                       min_size=1, max_size=400),
       padding=st.integers(0, 60))
def test_the_track_decoder_reads_every_note_event_as_mido_does(
        events: list[tuple[int, tuple[str, int, int, int, bool]]], padding: int) -> None:
    """Deltas of one to four bytes, explicit and running statuses, notes, note-offs,
    controllers, program changes, text and sysex in any order: the note events we decode
    (numpy runs and all) are exactly mido's, tick for tick."""
    body = bytearray()
    running = None
    for delta, (kind, a, b, channel, reuse) in events:
        body += _varlen(delta)
        if kind in ("note", "off", "cc"):
            status = {"note": 0x90, "off": 0x80, "cc": 0xB0}[kind] | channel
            if not (reuse and running == status):
                body.append(status)
            body += bytes((a, b))
            running = status
        elif kind == "program":
            body += bytes((0xC0 | channel, a))
            running = None  # the next channel event states its status again
        elif kind == "text":
            body += b"\xff\x01" + _varlen(a) + b"x" * a
            running = None  # mido ends running status at a meta event
        else:
            body += b"\xf0" + _varlen(a) + b"\x01" * (a - 1) + b"\xf7"
            running = None
    body += b"\x00\x90\x3c\x00" * padding  # a long run at the end
    data = _smf([_named("TEMPO TRACK", b""), _named("PART DRUMS", bytes(body))])
    theirs = []
    now = 0
    for msg in mido.MidiFile(file=BytesIO(data)).tracks[1]:
        now += msg.time
        if msg.type in ("note_on", "note_off"):
            theirs.append((now, msg.note | msg.channel << 8, msg.velocity if msg.type == "note_on" else 0))
    midi = read_midi(data, "notes.mid")
    ours = decode_track(midi, midi.tracks[1]).notes
    assert list(zip(ours.ticks.tolist(), ours.keys.tolist(), ours.velocities.tolist(), strict=True)) == theirs


def test_no_time_signature_a_first_track_without_a_name_and_960_ticks(tmp_path: Path) -> None:
    unnamed = mido.MidiTrack([mido.MetaMessage("set_tempo", tempo=400_000, time=0)])
    mid = mido.MidiFile(type=1, ticks_per_beat=960)
    mid.tracks += [unnamed, midi_track("PART DRUMS", on(1920, 97))]
    folder = tmp_path / "song"
    folder.mkdir()
    mid.save(folder / "notes.mid")
    song = load_song(folder)
    assert [(s.num, s.den) for s in song.chart.time_signatures] == [(4, 4)]
    assert song.chart.resolution == 960
    assert song.chart.tempo[0].bpm == pytest.approx(150.0)
    assert summarize(read_song(folder)).first_note_ms == pytest.approx(800.0)


def test_a_bogus_first_track_name_before_the_real_one(tmp_path: Path) -> None:
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="TEMPO TRACK", time=0),
                            mido.MetaMessage("track_name", name="PART DRUMS", time=0)])
    for msg in on(0, 97):
        track.append(mido.Message.from_bytes(msg[1]).copy(time=msg[0] - sum(m.time for m in track)))
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    mid.tracks += [midi_track("TEMPO TRACK", TEMPO[1]), track]
    folder = tmp_path / "song"
    folder.mkdir()
    mid.save(folder / "notes.mid")
    assert notes(load_song(folder)) == [(0, "snare", None)]


def test_the_drum_track_is_part_drums_by_its_exact_name(tmp_path: Path) -> None:
    others = [("PART DRUMS_2X", on(0, 96)), ("PART REAL_DRUMS_PS", on(0, 98)),
              ("PART ELITE_DRUMS", on(0, 97)), ("[RB] PART DRUMS", on(0, 99)), ("PART GUITAR", on(0, 97))]
    song = load_song(write(tmp_path, [TEMPO, *others[:3], ("PART DRUMS", on(480, 100)), *others[3:]]))
    assert notes(song) == [(480, "crash", None)]


def test_part_real_drums_ps_stands_in_when_there_is_no_part_drums(tmp_path: Path) -> None:
    tracks = [TEMPO, ("PART DRUMS_2X", on(0, 96)), ("PART REAL_DRUMS_PS", on(0, 98))]
    song = load_song(write(tmp_path, tracks))
    assert notes(song) == [(0, "hihat", None)]
    assert any("PART REAL_DRUMS_PS" in w for w in song.warnings)


def test_no_drum_track_is_an_error_listing_the_tracks(tmp_path: Path) -> None:
    folder = write(tmp_path, [TEMPO, ("PART GUITAR", on(0, 97)), ("PART DRUMS_2X", on(0, 96))])
    with pytest.raises(FormatError, match=r"notes\.mid: tracks: no drum track .*'PART GUITAR'.*'PART D"):
        load_song(folder)


def test_type_0_and_smpte_files_are_refused_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "notes.mid").write_bytes(_smf([_named("x", b"")], fmt=0))
    with pytest.raises(FormatError, match="type-0 MIDI file"):
        load_song(folder)
    (folder / "notes.mid").write_bytes(_smf([_named("PART DRUMS", b"")], tpb=0xE728))
    with pytest.raises(FormatError, match="SMPTE"):
        load_song(folder)


def test_animation_unknown_and_elite_notes_are_ignored(tmp_path: Path) -> None:
    events: Timed = []
    for note in (24, 30, 51, 58, 66, 67, 70, 78, 90, 102, 104, 108, 113, 119, 125):
        events += on(0, note)
    events += on(480, 97)
    song = drums(tmp_path, events, extra=[("PART ELITE_DRUMS", on(0, 97) + on(0, 98))])
    assert [notes(song, d) for d in ("easy", "medium", "hard")] == [[], [], []]
    assert notes(song) == [(480, "snare", None)]


def test_tempo_and_time_signature_changes_give_exact_times(tmp_path: Path) -> None:
    tempo: Timed = [(0, b"\xff\x51" + (500_000).to_bytes(3, "big")),  # 120 BPM
                    (1920, b"\xff\x51" + (400_000).to_bytes(3, "big")),  # 150 BPM from bar 2
                    (0, b"\xff\x58" + bytes((4, 2, 24, 8))), (1920, b"\xff\x58" + bytes((7, 3, 24, 8)))]
    folder = write(tmp_path, [("TEMPO TRACK", tempo), ("PART DRUMS", on(1920, 97) + on(2880, 97))])
    song = load_song(folder)
    assert [(s.tick, s.num, s.den) for s in song.chart.time_signatures] == [(0, 4, 4), (1920, 7, 8)]
    times = TempoMap.from_chart(song.chart)
    assert times.seconds(2880) == pytest.approx(2.0 + 0.4 * 2)
    summary = summarize(read_song(folder))
    assert (summary.first_note_ms, summary.last_note_ms) == (2000.0, 2800.0)


def test_sections_come_from_the_events_track(tmp_path: Path) -> None:
    events = [text(0, "[section Intro]"), text(1920, "[prc_chorus_1a]"), text(3840, "section Outro"),
              text(3840, "[lighting (verse)]"), text(4000, "[coda]")]
    song = drums(tmp_path, on(0, 97), extra=[("EVENTS", events)])
    sections = [(s.tick, s.name) for s in song.chart.sections]
    assert sections == [(0, "Intro"), (1920, "chorus 1a"), (3840, "Outro")]


def test_star_power_solos_fills_rolls_and_versus_phrases_are_kept(tmp_path: Path) -> None:
    events = on(0, 97) + on(0, 116, length=960) + on(0, 103, length=480) + on(960, 120, length=480)
    events += on(960, 121, length=480) + on(1920, 126, 45, length=480) + on(2880, 127, 100, length=480)
    events += on(3840, 126, 25, length=480) + on(0, 105, length=1920) + on(1920, 106, length=1920)
    spans = drums(tmp_path, events).chart.parts["drums"].spans
    got = {(s.kind, s.tick, s.end_tick, tuple(s.difficulties) if s.difficulties else None) for s in spans}
    assert got == {("star", 0, 960, None), ("solo", 0, 480, None), ("fill", 960, 1440, None),
                   ("roll", 1920, 2400, ("hard", "expert")), ("roll2", 2880, 3360, ("expert",)),
                   ("roll", 3840, 4320, None), ("versus1", 0, 1920, None), ("versus2", 1920, 3840, None)}


def test_a_cut_off_file_names_the_track_the_tick_and_the_byte(tmp_path: Path) -> None:
    data = _smf([_named("TEMPO TRACK", b""), _named("PART DRUMS", b"\x00\x99\x61\x64\x3c\x61\x00")])
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "notes.mid").write_bytes(data[:-6])  # the last event loses its bytes
    with pytest.raises(FormatError, match=r"track 'PART DRUMS' tick 60 \(byte \d+\): the track ends in"):
        load_song(folder)


def test_a_data_byte_with_no_status_is_an_error_at_its_place(tmp_path: Path) -> None:
    folder = tmp_path / "song"
    folder.mkdir()
    data = _smf([_named("TEMPO TRACK", b""), _named("PART DRUMS", b"\x10\x61\x64")])
    (folder / "notes.mid").write_bytes(data)
    with pytest.raises(FormatError, match=r"track 'PART DRUMS' tick 16 \(byte \d+\): data byte 0x61"):
        load_song(folder)


def test_a_tempo_the_game_cannot_play_is_refused_with_its_place(tmp_path: Path) -> None:
    tempo: Timed = [(0, b"\xff\x51" + (500_000).to_bytes(3, "big")),
                    (960, b"\xff\x51" + (50_000).to_bytes(3, "big"))]
    folder = write(tmp_path, [("TEMPO TRACK", tempo), ("PART DRUMS", on(0, 97))])
    with pytest.raises(FormatError, match=r"track 'TEMPO TRACK' tick 960: tempo of 1200 BPM"):
        load_song(folder)


def test_a_fill_after_the_coda_is_the_big_rock_ending(tmp_path: Path) -> None:
    events = on(0, 97) + on(960, 120, length=480) + on(3840, 120, length=960)
    song = drums(tmp_path, events, extra=[("EVENTS", [text(3840, "[coda]")])])
    spans = [(s.kind, s.tick) for s in song.chart.parts["drums"].spans]
    assert spans == [("fill", 960), ("coda", 3840)]


def test_a_track_name_after_a_note_at_tick_0_still_names_the_track(tmp_path: Path) -> None:
    events = b"\x00\x99\x61\x64\x00\xff\x03\x0aPART DRUMS\x3c\x61\x00\x00\xff\x2f\x00"
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "notes.mid").write_bytes(_smf([_named("TEMPO TRACK", b""), events]))
    assert notes(load_song(folder)) == [(0, "snare", None)]
