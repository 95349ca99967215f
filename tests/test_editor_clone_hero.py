"""The Clone Hero / YARG song folder, read back with mido: gems, toms, dynamics, sections, tempo.

(The round trip through our own notes.mid importer comes with the `formats` reader.)
"""

from __future__ import annotations

import configparser
from pathlib import Path

import mido
import pytest

from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Span
from duet_drums.core.kit import FIVE_LANE, TOMS, Dynamic, Piece
from duet_drums.editor.tempo_edits import set_metadata
from duet_drums.formats.clone_hero_export import ExportError, export_song
from tests.editor_support import chart_with, load_bundled

BASE = {"easy": 60, "medium": 72, "hard": 84, "expert": 96}
LANES = ("kick", "red", "yellow", "blue", "green")
Exported = tuple[Chart, Path, list[str]]


def _shape(lane: str, tom: bool) -> str:
    return "kick" if lane == "kick" else "pad" if lane == "red" else "tom" if tom else "cymbal"


def _track(mid: mido.MidiFile, name: str) -> list[tuple[int, mido.Message]]:
    for track in mid.tracks:
        if track.name == name:
            tick, out = 0, []
            for msg in track:
                tick += msg.time
                out.append((tick, msg))
            return out
    raise AssertionError(f"no track {name!r}")


def _spans(events: list[tuple[int, mido.Message]], note: int) -> list[tuple[int, int]]:
    spans, start = [], None
    for tick, msg in events:
        if msg.type in ("note_on", "note_off") and msg.note == note:
            if msg.type == "note_on" and msg.velocity > 0:
                start = tick
            elif start is not None:
                spans.append((start, tick))
                start = None
    return spans


def _gems(events: list[tuple[int, mido.Message]], difficulty: str) -> set[tuple[int, str, str, str]]:
    """(tick, lane, shape, dynamic) as a game reads PART DRUMS."""
    toms = {lane: _spans(events, 110 + i) for i, lane in enumerate(("yellow", "blue", "green"))}
    out = set()
    for tick, msg in events:
        if msg.type != "note_on" or msg.velocity == 0:
            continue
        offset = msg.note - BASE[difficulty]
        if msg.note == 95 and difficulty == "expert":
            offset = 0
        if not 0 <= offset <= 4:
            continue
        lane = LANES[offset]
        shape = _shape(lane, lane in toms and any(a <= tick < b for a, b in toms[lane]))
        dynamic = {127: "accent", 1: "ghost"}.get(msg.velocity, "normal")
        out.add((tick, lane, shape, dynamic))
    return out


def _expected(notes: list[Note]) -> set[tuple[int, str, str, str]]:
    out = set()
    for n in notes:
        if n.piece is Piece.HIHAT_PEDAL:
            continue
        lane = FIVE_LANE.lanes[FIVE_LANE.lane_of(n.piece)].name
        shape = _shape(lane, n.piece in TOMS)
        dynamic = "normal" if lane == "kick" else n.dynamic.value
        out.add((n.tick, lane, shape, dynamic))
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    medley = load_bundled("summit-medley.json")
    folder = tmp_path_factory.mktemp("song")
    result = export_song(medley, folder)
    return medley, folder, result.warnings


def test_part_drums_holds_every_gem_with_its_shape_and_dynamic(exported: Exported) -> None:
    medley, folder, _ = exported
    mid = mido.MidiFile(folder / "notes.mid", charset="utf-8")
    assert mid.type == 1 and mid.ticks_per_beat == medley.resolution
    assert [t.name for t in mid.tracks] == [medley.metadata.title, "PART DRUMS", "EVENTS"]
    drums = _track(mid, "PART DRUMS")
    assert (0, "[ENABLE_CHART_DYNAMICS]") in [(t, m.text) for t, m in drums if m.type == "text"]
    for d in DIFFICULTIES:
        assert _gems(drums, d) == _expected(medley.notes("lead", d)), d
    # The medley really exercises toms, accents and ghosts.
    expert = _gems(drums, "expert")
    assert {g[2] for g in expert} == {"kick", "pad", "tom", "cymbal"}
    assert {g[3] for g in expert} == {"normal", "accent", "ghost"}


def test_spans_sections_and_tempo_map(exported: Exported) -> None:
    medley, folder, warnings = exported
    mid = mido.MidiFile(folder / "notes.mid", charset="utf-8")
    drums = _track(mid, "PART DRUMS")
    spans = medley.parts["lead"].spans
    assert _spans(drums, 120) == [(s.tick, s.end_tick) for s in spans if s.kind == "fill"]
    assert len(_spans(drums, 116)) == len([s for s in spans if s.kind == "star"])
    events = _track(mid, "EVENTS")
    texts = [(t, m.text) for t, m in events if m.type == "text"]
    assert texts[:-1] == [(s.tick, f"[section {s.name}]") for s in medley.sections]
    assert texts[-1][1] == "[end]"
    tempo = _track(mid, medley.metadata.title)
    assert [(t, m.tempo) for t, m in tempo if m.type == "set_tempo"] == [
        (c.tick, mido.bpm2tempo(c.bpm)) for c in medley.tempo]
    assert [(t, m.numerator, m.denominator) for t, m in tempo if m.type == "time_signature"] == [
        (s.tick, s.num, s.den) for s in medley.time_signatures]
    assert any("hi-hat pedal" in w for w in warnings)


def test_song_ini(exported: Exported) -> None:
    medley, folder, _ = exported
    ini = configparser.ConfigParser()
    ini.read(folder / "song.ini", encoding="utf-8")
    song = ini["song"]
    assert song["name"] == "Summit Medley" and song["artist"] == medley.metadata.artist
    assert song["pro_drums"] == "True" and song["delay"] == "0"
    assert 150_000 < int(song["song_length"]) < 170_000
    assert int(song["preview_start_time"]) == round(medley.metadata.preview_start_ms)
    assert 0 <= int(song["diff_drums"]) <= 6


def test_difficulties_disagreeing_on_a_tom_follow_the_hardest(tmp_path: Path) -> None:
    chart = chart_with([Note(tick=0, piece=Piece.HIHAT), Note(tick=480, piece=Piece.TOM1),
                        Note(tick=480, piece=Piece.CRASH), Note(tick=480, piece=Piece.TOM3)])
    part = chart.parts["lead"].model_copy(update={"easy": [Note(tick=0, piece=Piece.TOM1)]})
    result = export_song(chart.model_copy(update={"parts": {"lead": part}}), tmp_path)
    assert any("take the cymbal/tom shape of a harder one" in w for w in result.warnings)
    assert any("shared a lane" in w for w in result.warnings)
    drums = _track(mido.MidiFile(tmp_path / "notes.mid"), "PART DRUMS")
    assert _gems(drums, "easy") == {(0, "yellow", "cymbal", "normal")}
    assert _gems(drums, "expert") == {(0, "yellow", "cymbal", "normal"), (480, "yellow", "tom", "normal"),
                                      (480, "green", "cymbal", "normal")}


def test_rolls_double_kick_and_audio(tmp_path: Path) -> None:
    audio = tmp_path / "charts" / "take.ogg"
    audio.parent.mkdir()
    audio.write_bytes(b"OggS fake audio")
    chart = chart_with([Note(tick=0, piece=Piece.KICK), Note(tick=120, piece=Piece.KICK2),
                        Note(tick=240, piece=Piece.SNARE, velocity=120)],
                       spans=[Span(kind="roll", tick=240, end_tick=480, difficulties=["hard", "expert"])])
    chart = set_metadata(chart, audio="take.ogg", audio_offset_ms=-35.0)
    part = chart.parts["lead"].model_copy(update={"hard": chart.notes("lead", "expert")})
    chart = chart.model_copy(update={"parts": {"lead": part}})
    out = tmp_path / "song"
    result = export_song(chart, out, chart_dir=audio.parent)
    assert (out / "song.ogg").read_bytes() == audio.read_bytes() and out / "song.ogg" in result.files
    drums = _track(mido.MidiFile(out / "notes.mid"), "PART DRUMS")
    assert [(t, m.velocity) for t, m in drums if m.type == "note_on" and m.note == 126] == [(240, 45)]
    ons = {(t, m.note) for t, m in drums if m.type == "note_on" and m.velocity}
    assert {(0, 96), (120, 95), (0, 84), (120, 84)} <= ons  # the 2x kick is a kick below expert
    assert "delay = -35" in (out / "song.ini").read_text()
    assert Dynamic.ACCENT is chart.notes("lead", "hard")[-1].dynamic


def test_missing_audio_and_bad_part(tmp_path: Path) -> None:
    chart = set_metadata(chart_with([Note(tick=0, piece=Piece.KICK)]), audio="gone.mp3")
    result = export_song(chart, tmp_path / "a", chart_dir=tmp_path)
    assert any("gone.mp3: the chart's audio file is not there" in w for w in result.warnings)
    flac = set_metadata(chart, audio="x.flac")
    assert any("convert it to song.ogg" in w for w in export_song(flac, tmp_path / "b").warnings)
    with pytest.raises(ExportError, match="no part 'partner'"):
        export_song(chart, tmp_path / "c", part="partner")
