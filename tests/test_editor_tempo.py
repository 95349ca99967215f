"""Time edits: notes keep their beat while tempo, signatures, sections and anchors change."""

from __future__ import annotations

import random

import pytest

from duet_drums.core.chart import Chart, Note, Section, TempoChange, TimeSignature
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import tempo_edits as te
from duet_drums.editor.rebuild import EditError
from tests.editor_support import chart_with

NOTES = [Note(tick=t, piece=Piece.SNARE) for t in range(0, 4 * 1920, 480)]


def _chart() -> Chart:
    return chart_with(NOTES)


def test_tempo_change_moves_notes_in_seconds_not_in_beats() -> None:
    chart = _chart()
    faster = te.set_tempo(chart, 1920, 240.0)
    assert faster.notes("lead", "expert") == chart.notes("lead", "expert")
    tm = TempoMap.from_chart(faster)
    assert tm.seconds(1920) == pytest.approx(2.0)
    assert tm.seconds(3840) == pytest.approx(3.0)
    assert te.set_tempo(faster, 1920, 150.0).tempo[1] == TempoChange(tick=1920, bpm=150.0)
    assert te.remove_tempo(faster, 1920).tempo == chart.tempo
    with pytest.raises(EditError, match="tick 0 cannot be removed"):
        te.remove_tempo(chart, 0)
    with pytest.raises(EditError, match="no tempo change at tick 480"):
        te.remove_tempo(chart, 480)
    with pytest.raises(EditError, match="bpm: should be greater than 0"):
        te.set_tempo(chart, 0, 0)


def test_time_signatures_go_on_measure_starts() -> None:
    chart = _chart()
    waltz = te.set_time_signature(chart, 1920, 3, 4)
    assert waltz.time_signatures[1] == TimeSignature(tick=1920, num=3, den=4)
    # Under 3/4 from 1920 the next measures start at 3360 and 4800.
    assert te.measure_starts(waltz, 4800)[-3:] == [1920, 3360, 4800]
    assert te.set_time_signature(waltz, 3360, 4, 4).time_signatures[-1].tick == 3360
    with pytest.raises(EditError, match="tick 2000 does not start a measure; the nearest measures start "
                                        "at ticks 1920 and 3360"):
        te.set_time_signature(waltz, 2000, 4, 4)
    with pytest.raises(EditError, match="denominator 3 is not a power of two"):
        te.set_time_signature(chart, 0, 4, 3)
    assert te.remove_time_signature(waltz, 1920).time_signatures == chart.time_signatures
    with pytest.raises(EditError, match="no time signature at tick 960"):
        te.remove_time_signature(waltz, 960)


def test_sections() -> None:
    chart = te.add_section(_chart(), 0, "Intro")
    chart = te.add_section(chart, 3840, "Chorus")
    chart = te.add_section(chart, 1920, "Verse")
    assert [(s.tick, s.name) for s in chart.sections] == [(0, "Intro"), (1920, "Verse"), (3840, "Chorus")]
    assert te.rename_section(chart, 1920, "Verse 1").sections[1] == Section(tick=1920, name="Verse 1")
    moved = te.move_section(chart, 3840, 960)
    assert [s.name for s in moved.sections] == ["Intro", "Chorus", "Verse"]
    assert [s.name for s in te.remove_section(chart, 0).sections] == ["Verse", "Chorus"]
    with pytest.raises(EditError, match="already starts at tick 1920"):
        te.add_section(chart, 1920, "Again")
    with pytest.raises(EditError, match="already starts at tick 0"):
        te.move_section(chart, 3840, 0)
    with pytest.raises(EditError, match="no section at tick 5"):
        te.rename_section(chart, 5, "x")
    with pytest.raises(EditError, match="name"):
        te.rename_section(chart, 0, "")


def test_metadata_edits() -> None:
    chart = te.set_metadata(_chart(), title="New", artist="Us", audio="song.ogg", audio_offset_ms=-20.0)
    m = chart.metadata
    assert (m.title, m.artist, m.audio, m.audio_offset_ms) == ("New", "Us", "song.ogg", -20.0)
    with pytest.raises(EditError, match="resolution cannot be changed"):
        te.set_metadata(chart, resolution=960)
    with pytest.raises(EditError, match="title"):
        te.set_metadata(chart, title="")


def test_tap_bpm() -> None:
    assert te.tap_bpm([]) is None and te.tap_bpm([1.0]) is None
    assert te.tap_bpm([10.0 + 0.5 * i for i in range(8)]) == 120.0
    rng = random.Random(4)
    taps = [3.0 + 60 / 93 * i + rng.uniform(-0.015, 0.015) for i in range(16)]
    bpm = te.tap_bpm(taps)
    assert bpm is not None and abs(bpm - 93) < 1.0
    # A pause starts a new run: the old taps at another tempo no longer count.
    assert te.tap_bpm([0.0, 1.0, 2.0, 10.0, 10.4, 10.8, 11.2]) == 150.0


def test_dragging_a_beat_keeps_notes_on_their_beats_and_the_next_anchor_in_place() -> None:
    chart = te.set_tempo(_chart(), 3840, 120.0)  # anchors at 0 and 3840 (4 s)
    dragged = te.drag_anchor(chart, 1920, 2.1)
    tm = TempoMap.from_chart(dragged)
    assert tm.seconds(1920) == pytest.approx(2.1, abs=1e-4)
    assert tm.seconds(3840) == pytest.approx(4.0, abs=1e-4)
    assert dragged.notes("lead", "expert") == chart.notes("lead", "expert")
    assert te.anchors(dragged) == [0, 1920, 3840]
    # Dragging again moves the new anchor; the one before it (1920) now stays put.
    again = TempoMap.from_chart(te.drag_anchor(dragged, 2880, 3.0))
    assert again.seconds(1920) == pytest.approx(2.1, abs=1e-4)
    assert again.seconds(2880) == pytest.approx(3.0, abs=1e-4)
    assert again.seconds(3840) == pytest.approx(4.0, abs=1e-4)
    with pytest.raises(EditError, match=r"anchor at tick 3840 is at 4\.000 s"):
        te.drag_anchor(dragged, 2880, 4.5)
    with pytest.raises(EditError, match=r"anchor at tick 1920 is at 2\.100 s"):
        te.drag_anchor(dragged, 2880, 2.0)


def test_dragging_the_last_beat_keeps_the_tempo_after_it() -> None:
    dragged = te.drag_anchor(_chart(), 1920, 1.9)
    tm = TempoMap.from_chart(dragged)
    assert tm.seconds(1920) == pytest.approx(1.9, abs=1e-4)
    assert tm.bpm_at(1920) == 120.0


def test_dragging_tick_zero_shifts_the_audio_under_the_chart() -> None:
    chart = te.set_metadata(_chart(), audio="take.wav", audio_offset_ms=100.0)
    assert te.drag_anchor(chart, 0, 0.25).metadata.audio_offset_ms == 350.0
    assert te.drag_anchor(chart, 0, 0.25).tempo == chart.tempo
