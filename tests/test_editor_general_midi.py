"""General MIDI drum files: the round trip on the medley, and DAW-made files coming in."""

from __future__ import annotations

from pathlib import Path

import mido
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Section, TempoChange, TimeSignature, sort_notes
from duet_drums.core.kit import PIECES, Piece
from duet_drums.formats.general_midi import (
    MidiImportError,
    bpm_of,
    export_general_midi,
    read_general_midi,
    write_general_midi,
)
from tests.editor_support import chart_with, load_bundled


@pytest.mark.parametrize("difficulty", DIFFICULTIES)
def test_round_trip_of_the_medley_gives_the_same_notes_and_tempo_map(tmp_path: Path, difficulty: str) -> None:
    medley = load_bundled("summit-medley.json")
    path = write_general_midi(medley, "lead", difficulty, tmp_path / "medley.mid")
    back = read_general_midi(path)
    assert back.warnings == []
    chart = back.chart
    assert sort_notes(chart.notes("lead", "expert")) == sort_notes(medley.notes("lead", difficulty))
    assert chart.tempo == medley.tempo
    assert chart.time_signatures == medley.time_signatures
    assert chart.sections == medley.sections
    assert chart.resolution == medley.resolution and chart.metadata.title == medley.metadata.title


def test_the_export_is_a_plain_type_1_drum_file(tmp_path: Path) -> None:
    medley = load_bundled("summit-medley.json")
    mid = export_general_midi(medley, "partner", "easy")
    assert mid.type == 1 and mid.ticks_per_beat == 480 and len(mid.tracks) == 2
    ons = [m for m in mid.tracks[1] if m.type == "note_on"]
    offs = [m for m in mid.tracks[1] if m.type == "note_off"]
    assert len(ons) == len(offs) == len(medley.notes("partner", "easy"))
    assert {m.channel for m in ons} == {9}
    assert {m.note for m in ons} <= {35, 36, 38, 42, 44, 46, 48, 45, 43, 49, 51, 52, 55}
    # Every note is released before it sounds again (a DAW shows distinct hits).
    mid.save(tmp_path / "x.mid")
    assert mido.MidiFile(tmp_path / "x.mid").length == pytest.approx(mid.length)


def _daw_file(path: Path, *, type_: int = 1, channel: int = 9, notes: list[tuple[int, int, int]]) -> Path:
    """A file as a DAW writes it: tempo map, a marker, drums with note lengths."""
    mid = mido.MidiFile(type=type_, ticks_per_beat=96)
    meta = mido.MidiTrack([
        mido.MetaMessage("track_name", name="My Groove", time=0),
        mido.MetaMessage("time_signature", numerator=4, denominator=4, time=0),
        mido.MetaMessage("set_tempo", tempo=500000, time=0),
        mido.MetaMessage("marker", text="Verse", time=384),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(137.5), time=0),
    ])
    events = []
    for tick, note, velocity in notes:
        events += [(tick, 1, mido.Message("note_on", channel=channel, note=note, velocity=velocity)),
                   (tick + 10, 0, mido.Message("note_on", channel=channel, note=note, velocity=0))]
    drums = mido.MidiTrack()
    now = 0
    for tick, _, msg in sorted(events, key=lambda e: (e[0], e[1])):
        drums.append(msg.copy(time=tick - now))
        now = tick
    if type_ == 0:
        mid.tracks.append(mido.merge_tracks([meta, drums]))
    else:
        mid.tracks += [meta, drums]
    mid.save(path)
    return path


@pytest.mark.parametrize("type_", [0, 1])
def test_a_daw_export_imports_with_its_tempo_map(tmp_path: Path, type_: int) -> None:
    notes = [(0, 35, 100), (0, 49, 127), (48, 42, 70), (96, 38, 90), (96, 56, 90), (144, 42, 20),
             (384, 35, 100), (384, 57, 110), (384, 49, 100)]
    got = read_general_midi(_daw_file(tmp_path / "groove.mid", type_=type_, notes=notes))
    chart = got.chart
    assert chart.metadata.title == "My Groove" and chart.resolution == 96
    assert chart.tempo == [TempoChange(tick=0, bpm=120.0), TempoChange(tick=384, bpm=137.5)]
    assert chart.time_signatures == [TimeSignature(tick=0, num=4, den=4)]
    assert chart.sections == [Section(tick=384, name="Verse")]
    # 35 is the kick when the file has no 36; 57 (crash 2) and 49 meet on one crash.
    assert [(n.tick, n.piece.value, n.velocity) for n in chart.notes("lead", "expert")] == [
        (0, "kick", None), (0, "crash", 127), (48, "hihat", None), (96, "snare", None), (144, "hihat", 20),
        (384, "kick", None), (384, "crash", 110)]
    assert chart.notes("lead", "easy") == []
    assert any("GM notes 56 (1x)" in w for w in got.warnings)
    assert any("merged 1 notes" in w for w in got.warnings)


def test_both_bass_drums_make_a_double_kick(tmp_path: Path) -> None:
    got = read_general_midi(_daw_file(tmp_path / "dk.mid", notes=[(0, 36, 100), (24, 35, 100)]))
    assert [n.piece for n in got.chart.notes("lead", "expert")] == [Piece.KICK, Piece.KICK2]


def test_drums_off_channel_10_are_read_with_a_warning(tmp_path: Path) -> None:
    got = read_general_midi(_daw_file(tmp_path / "ch1.mid", channel=0, notes=[(0, 36, 100)]))
    assert [n.piece for n in got.chart.notes("lead", "expert")] == [Piece.KICK]
    assert got.warnings == ["no notes on channel 10 (GM drums); read channel(s) [1] as drums"]


def test_bad_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    with pytest.raises(MidiImportError, match=r"nope\.mid: file not found"):
        read_general_midi(tmp_path / "nope.mid")
    junk = tmp_path / "junk.mid"
    junk.write_bytes(b"RIFF0000not midi")
    with pytest.raises(MidiImportError, match=r"junk\.mid: byte 8: not a readable MIDI file"):
        read_general_midi(junk)
    empty = _daw_file(tmp_path / "empty.mid", notes=[(0, 56, 100)])
    with pytest.raises(MidiImportError, match=r"empty\.mid: no drum notes found"):
        read_general_midi(empty)
    two = mido.MidiFile(type=2)
    two.tracks.append(mido.MidiTrack())
    two.save(tmp_path / "two.mid")
    with pytest.raises(MidiImportError, match="type-2"):
        read_general_midi(tmp_path / "two.mid")


def test_bpm_of_gives_back_the_short_bpm() -> None:
    assert bpm_of(mido.bpm2tempo(114)) == 114.0
    assert bpm_of(mido.bpm2tempo(122.5)) == 122.5
    assert bpm_of(mido.bpm2tempo(97.123)) == 97.123
    assert bpm_of(500001) == pytest.approx(60_000_000 / 500001)


def test_a_chart_with_non_ascii_names_exports(tmp_path: Path) -> None:
    chart = chart_with([Note(tick=0, piece=Piece.SNARE)], sections=[Section(tick=0, name="Refrain — 黄金")])
    back = read_general_midi(write_general_midi(chart, "lead", "expert", tmp_path / "u.mid"))
    assert back.chart.sections == chart.sections


_bpm = st.integers(4000, 30000).map(lambda c: c / 100)  # 40.00-300.00, as authors type them
_name = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
                min_size=1, max_size=12)


@st.composite
def _charts(draw: st.DrawFn) -> Chart:
    res = draw(st.sampled_from([96, 192, 480, 960]))
    ticks = st.integers(0, 64 * res)
    notes = draw(st.lists(st.builds(Note, tick=ticks, piece=st.sampled_from(PIECES),
                                    velocity=st.sampled_from([None, None, 1, 30, 110, 127])),
                          max_size=60, unique_by=lambda n: (n.tick, n.piece)))
    if not notes:
        notes.append(Note(tick=0, piece=Piece.KICK))
    tempo = [TempoChange(tick=0, bpm=draw(_bpm))]
    for t in sorted(draw(st.sets(st.integers(1, 64 * res), max_size=5))):
        bpm = draw(_bpm)
        if bpm != tempo[-1].bpm:
            tempo.append(TempoChange(tick=t, bpm=bpm))
    sigs = [TimeSignature(tick=0, num=draw(st.integers(1, 16)), den=draw(st.sampled_from([2, 4, 8, 16])))]
    sigs += [TimeSignature(tick=t * res, num=draw(st.integers(1, 16)), den=4)
             for t in sorted(draw(st.sets(st.integers(1, 60), max_size=3)))]
    sections = [Section(tick=t, name=draw(_name)) for t in sorted(draw(st.lists(ticks, max_size=4)))]
    return chart_with(notes, tempo=tempo, time_signatures=sigs, sections=sections, resolution=res)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_charts())
def test_any_chart_survives_the_gm_round_trip(tmp_path: Path, chart: Chart) -> None:
    back = read_general_midi(write_general_midi(chart, "lead", "expert", tmp_path / "any.mid")).chart
    assert back.notes("lead", "expert") == sort_notes(chart.notes("lead", "expert"))
    assert (back.tempo, back.time_signatures, back.resolution) == (chart.tempo, chart.time_signatures,
                                                                   chart.resolution)
    assert back.sections == [s.model_copy(update={"name": s.name.strip()}) for s in chart.sections]
