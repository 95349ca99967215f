"""The editor window, driven in-process: real pygame events through SDL's queue into the
real scenes (dummy video driver, fixed frame steps), checked on the chart the session
holds and on the files written. The Xvfb test does the same from outside the process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from duet_drums.app.scenes.calibration import CalibrationScene
from duet_drums.app.scenes.midi_setup import MidiSetupScene
from duet_drums.core.chart import Chart, Note, Section, load_chart, save_chart
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import autosave
from duet_drums.editor.cli import main as cli_main
from duet_drums.editor.window.actions import ACTIONS
from duet_drums.editor.window.dialogs import ChoiceScene, FormScene
from duet_drums.editor.window.keys import BINDINGS, KEYMAP, help_groups
from duet_drums.editor.window.layout import TimeView, editor_layout
from duet_drums.editor.window.record import RecordScene
from tests.editor_support import chart_with
from tests.support.editor_window import ALT, CTRL, SHIFT, EditorHarness


def n(tick: int, piece: str, velocity: int | None = None) -> Note:
    return Note(tick=tick, piece=Piece(piece), velocity=velocity)


def keys_of(notes: list[Note]) -> list[tuple[int, str]]:
    return [(x.tick, x.piece.value) for x in notes]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def open_editor(tmp_path: Path, data_dir: Path, chart: Chart, **kw: object) -> EditorHarness:
    path = tmp_path / "song.json"
    save_chart(chart, path)
    return EditorHarness(path, data_dir, **kw)  # type: ignore[arg-type]


@pytest.fixture
def editor(tmp_path: Path, data_dir: Path) -> Iterator[EditorHarness]:
    h = open_editor(tmp_path, data_dir, chart_with([], partner=[n(0, "kick")],
                                                    sections=[Section(tick=0, name="Intro")]))
    yield h
    h.close()


def lead(h: EditorHarness, difficulty: str = "expert") -> list[tuple[int, str]]:
    return keys_of(h.editor.s.chart.notes("lead", difficulty))


def y_of_tick(h: EditorHarness, tick: float) -> int:
    return round(h.editor.view.y_of(h.editor.tempo.seconds(tick)))


# -- geometry and the key table ---------------------------------------------------------------
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (1024, 600), (900, 560)])
@pytest.mark.parametrize("lanes", [5, 8])
def test_the_layout_fits_the_window_without_overlaps(size: tuple[int, int], lanes: int) -> None:
    lay = editor_layout(size, lanes)
    window = pygame.Rect((0, 0), size)
    rects = lay.all_rects()
    for name, rect in rects.items():
        assert window.contains(rect), (name, rect)
    names = list(rects)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not rects[a].colliderect(rects[b]), (a, rects[a], b, rects[b])
    assert lay.lane_w >= 20 and lay.panel.w >= 250
    assert [lay.lane_at(lay.lane_x(i)) for i in range(lanes)] == list(range(lanes))


def test_time_and_pixels_map_both_ways_and_zoom_is_bounded() -> None:
    view = TimeView(100, 700, pps=200.0, view_t=12.0)
    for t in (0.0, 11.5, 12.0, 14.25):
        assert view.t_of(view.y_of(t)) == pytest.approx(t)
    assert view.y_of(13.0) < view.y_of(12.0)  # later is higher
    for _ in range(40):
        view.zoom(1)
    assert view.pps == 1600.0
    for _ in range(80):
        view.zoom(-1)
    assert view.pps == 30.0


def test_every_key_has_an_action_and_no_key_does_two_things() -> None:
    chords = [c for b in BINDINGS for c in b.chords]
    assert len(chords) == len(KEYMAP)
    assert {b.action for b in BINDINGS} <= set(ACTIONS)
    shown = {keys for _, entries in help_groups() for keys, _ in entries}
    assert {"Ctrl+Z", "Ctrl+Y", "Space", "R", "F6", "1-9", "Q"} <= shown


# -- placing notes ----------------------------------------------------------------------------
def test_lane_keys_place_and_remove_at_the_cursor_and_every_edit_undoes(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_1)  # kick
    h.key(pygame.K_UP)  # one 1/4-beat step
    assert h.editor.s.cursor == 120
    h.key(pygame.K_2)  # red: the snare
    assert lead(h) == [(0, "kick"), (120, "snare")]
    h.key(pygame.K_2)  # again: removed
    assert lead(h) == [(0, "kick")]
    h.key(pygame.K_z, CTRL)
    assert lead(h) == [(0, "kick"), (120, "snare")]
    h.key(pygame.K_z, CTRL)
    h.key(pygame.K_z, CTRL)
    assert lead(h) == []
    assert not h.editor.s.dirty  # back to what is on disk
    h.key(pygame.K_y, CTRL)
    h.key(pygame.K_z, CTRL | SHIFT)
    assert lead(h) == [(0, "kick"), (120, "snare")]
    assert "redid" in h.editor.s.message


def test_a_click_places_a_note_on_the_snapped_beat_of_its_lane_and_a_second_click_removes_it(
        editor: EditorHarness) -> None:
    h = editor
    lay = h.editor.layout
    pos = (lay.lane_x(2), y_of_tick(h, 480) + 4)  # a few pixels early: snaps to the beat
    h.mouse(pygame.MOUSEMOTION, pos, rel=(0, 0), buttons=(0, 0, 0))
    assert h.editor.timeline_state().hover == (480, 2)  # the ghost gem shows where it goes
    h.click(pos)
    assert lead(h) == [(480, "hihat")]
    assert h.editor.s.cursor == 480
    h.click(pos)
    assert lead(h) == []


def test_box_select_copy_paste_into_another_difficulty_and_delete(tmp_path: Path, data_dir: Path) -> None:
    notes = [n(0, "kick"), n(480, "snare"), n(480, "hihat"), n(960, "kick"), n(1440, "snare")]
    h = open_editor(tmp_path, data_dir, chart_with(notes, partner=[]))
    try:
        lay = h.editor.layout
        # From the red lane to the yellow one, ticks 400..1500: the kicks stay out.
        h.drag((lay.lane_x(1) - 10, y_of_tick(h, 1500)), (lay.lane_x(2) + 10, y_of_tick(h, 400)))
        assert h.editor.s.selection.keys == {(480, Piece.SNARE), (480, Piece.HIHAT), (1440, Piece.SNARE)}
        h.key(pygame.K_c, CTRL)
        h.key(pygame.K_1, CTRL)  # easy
        for _ in range(8):
            h.key(pygame.K_UP)
        assert h.editor.s.cursor == 960
        h.key(pygame.K_v, CTRL)
        assert lead(h, "easy") == [(960, "snare"), (960, "hihat"), (1920, "snare")]
        assert len(h.editor.s.selection) == 3  # what was pasted
        h.key(pygame.K_DELETE)
        assert lead(h, "easy") == []
        h.key(pygame.K_z, CTRL)
        assert len(lead(h, "easy")) == 3
        assert lead(h) == keys_of(notes)  # the source is untouched
    finally:
        h.close()


def test_the_cymbal_tom_toggle_flips_each_gem_not_the_whole_chord(tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([n(0, "snare"), n(0, "hihat"), n(0, "crash")], partner=[]))
    try:
        h.key(pygame.K_t)  # nothing selected: the chord at the cursor
        assert sorted(lead(h)) == [(0, "snare"), (0, "tom1"), (0, "tom3")]  # the snare is no tom
        assert len(h.editor.s.selection) == 0
        lay = h.editor.layout
        h.click((lay.lane_x(2), y_of_tick(h, 0)), CTRL)  # select the yellow gem alone
        assert h.editor.s.selection.keys == {(0, Piece.TOM1)}
        h.key(pygame.K_t)
        assert sorted(lead(h)) == [(0, "hihat"), (0, "snare"), (0, "tom3")]
    finally:
        h.close()


def test_accent_ghost_velocity_and_double_kick(tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([n(0, "kick"), n(0, "snare")], partner=[]))
    try:
        def velocities() -> dict[str, int | None]:
            return {x.piece.value: x.velocity for x in h.editor.s.chart.notes("lead", "expert")}

        h.key(pygame.K_a)
        assert velocities() == {"kick": 120, "snare": 120}
        h.key(pygame.K_g)
        assert velocities() == {"kick": 30, "snare": 30}
        h.key(pygame.K_RIGHTBRACKET)
        assert velocities() == {"kick": 40, "snare": 40}
        h.key(pygame.K_k)
        assert set(velocities()) == {"kick2", "snare"}
        h.key(pygame.K_1, ALT)  # select the kick lane
        assert h.editor.s.selection.keys == {(0, Piece.KICK2)}
    finally:
        h.close()


def test_snap_from_whole_beats_to_1_64_triplets_and_free(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_RIGHT)  # 1/4 -> 1/6
    assert h.editor.s.division == 6 and "triplet" in h.editor.s.message
    h.key(pygame.K_UP)
    assert h.editor.s.cursor == 80
    for _ in range(10):
        h.key(pygame.K_RIGHT)
    assert h.editor.s.division is None  # past 1/64: free
    h.key(pygame.K_UP)
    assert h.editor.s.cursor == 81
    h.key(pygame.K_q)  # the snap menu
    assert isinstance(h.top, ChoiceScene)
    for _ in range(10):
        h.key(pygame.K_LEFT)
    h.key(pygame.K_RETURN)
    assert h.editor.s.division == 3 and not isinstance(h.top, ChoiceScene)


# -- time ---------------------------------------------------------------------------------------
def test_tempo_time_signature_and_section_forms(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_PAGEUP)  # bar 2
    assert h.editor.s.cursor == 1920
    h.key(pygame.K_F6)
    assert isinstance(h.top, FormScene)
    h.clear_field()
    h.type("90")
    h.key(pygame.K_RETURN)
    assert [(t.tick, t.bpm) for t in h.editor.s.chart.tempo] == [(0, 120.0), (1920, 90.0)]
    h.key(pygame.K_UP)
    h.key(pygame.K_F7)  # off the bar line: refused, the form says why and stays
    h.clear_field()
    h.type("3/4")
    h.key(pygame.K_RETURN)
    form = h.top
    assert isinstance(form, FormScene) and "does not start a measure" in form.error
    h.key(pygame.K_ESCAPE)
    h.key(pygame.K_DOWN)
    h.key(pygame.K_F7)
    h.clear_field()
    h.type("7/8")
    h.key(pygame.K_RETURN)
    assert [(s.tick, s.num, s.den) for s in h.editor.s.chart.time_signatures] == [(0, 4, 4), (1920, 7, 8)]
    h.key(pygame.K_F8)
    h.type("Chorus")
    h.key(pygame.K_RETURN)
    assert [(s.tick, s.name) for s in h.editor.s.chart.sections] == [(0, "Intro"), (1920, "Chorus")]
    h.key(pygame.K_HOME)
    h.key(pygame.K_F4)
    h.key(pygame.K_j)  # jump to the next section
    assert h.editor.s.cursor == 1920 and h.editor.s.message == "section Chorus"


def test_tapping_b_sets_the_tempo_when_the_taps_stop(editor: EditorHarness) -> None:
    h = editor
    for _ in range(5):
        h.key(pygame.K_b)
        h.step(23)  # with the key's own frame: 0.4 s between taps
    assert "tap BPM: 150" in h.editor.s.message
    assert h.editor.s.chart.tempo[0].bpm == 120.0 and not h.editor.s.dirty  # not yet set
    h.step(150)
    assert h.editor.s.chart.tempo[0].bpm == pytest.approx(150.0)
    assert h.editor.s.history.depth == 1  # the whole run of taps is one edit


def test_dragging_a_beat_in_the_audio_strip_pins_it_and_the_notes_keep_their_beats(
        tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([n(960, "snare"), n(1920, "kick")], partner=[]))
    try:
        wave = h.editor.layout.wave
        grab = (wave.centerx, y_of_tick(h, 960))  # the beat at 1.0 s
        drop = (wave.centerx, round(h.editor.view.y_of(1.1)))
        h.drag(grab, drop)
        tm = TempoMap.from_chart(h.editor.s.chart)
        assert tm.seconds(960) == pytest.approx(1.1, abs=0.005)
        assert lead(h) == [(960, "snare"), (1920, "kick")]  # same ticks: same bar and beat
        assert h.editor.s.chart.tempo[0].bpm == pytest.approx(60 * 2 / tm.seconds(960), rel=1e-3)
    finally:
        h.close()


# -- panels -------------------------------------------------------------------------------------
def test_a_click_on_a_problem_jumps_to_its_part_difficulty_and_tick(tmp_path: Path, data_dir: Path) -> None:
    chart = chart_with([n(0, "kick")], partner=[n(0, "kick")])
    hard = chart.parts["lead"].model_copy(update={"hard": [n(1440, "kick2")]})
    chart = chart.model_copy(update={"parts": {**chart.parts, "lead": hard}})
    h = open_editor(tmp_path, data_dir, chart)
    try:
        h.key(pygame.K_F2)
        analysis = h.editor.analyser.wait()
        assert analysis is not None
        index = next(i for i, p in enumerate(analysis.problems) if p.code == "double-kick-below-expert")
        h.step()
        row = next(rect for rect, i in h.editor.panel.row_rects if i == index)
        h.click(row.center)
        s = h.editor.s
        assert (s.part, s.difficulty, s.cursor) == ("lead", "hard", 1440)
        assert "2x kick below expert" in s.message
    finally:
        h.close()


def test_the_duet_panel_shows_unisons_per_section_and_jumps_to_a_section(tmp_path: Path,
                                                                         data_dir: Path) -> None:
    lead_notes = [n(t, "kick") for t in range(0, 3840, 480)]
    partner = [n(0, "kick"), n(960, "kick"), n(2000, "snare")]
    sections = [Section(tick=0, name="Verse"), Section(tick=1920, name="Chorus")]
    h = open_editor(tmp_path, data_dir, chart_with(lead_notes, partner=partner, sections=sections))
    try:
        h.key(pygame.K_F3)
        analysis = h.editor.analyser.wait()
        assert analysis is not None and analysis.duet is not None
        assert [(r.name, r.unison_percent) for r in analysis.duet.rows] == [("Verse", 100.0), ("Chorus", 0.0)]
        h.step()
        row = next(rect for rect, i in h.editor.panel.row_rects if i == 1)
        h.click(row.center)
        assert h.editor.s.cursor == 1920
    finally:
        h.close()


# -- files ----------------------------------------------------------------------------------------
def test_save_is_atomic_and_clears_the_autosave(editor: EditorHarness) -> None:
    h = editor
    path = h.editor.s.path
    assert path is not None
    h.key(pygame.K_3)
    side = autosave.autosave_path(path, h.editor.data_dir)
    h.step(1, dt=58.0)
    assert not side.exists()  # not yet: autosave runs once a minute
    h.step(1, dt=3.0)  # a minute after the last one the unsaved edit is in the side file
    assert keys_of(load_chart(side).notes("lead", "expert")) == [(0, "hihat")]
    assert load_chart(path).notes("lead", "expert") == []
    h.key(pygame.K_s, CTRL)
    assert keys_of(load_chart(path).notes("lead", "expert")) == [(0, "hihat")]
    assert not side.exists() and not h.editor.s.dirty
    assert not list(path.parent.glob("*.tmp*"))


def test_after_a_crash_the_next_start_offers_the_autosave(tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([], partner=[]), autosave_s=5.0)
    h.key(pygame.K_2)
    h.key(pygame.K_UP)
    h.step(1, dt=6.0)
    h.key(pygame.K_1)  # after the last autosave: this one is lost with the crash
    ctx = h.app.ctx
    h.app.close()  # the process dies: no shutdown, no end of session
    ctx.close()
    again = EditorHarness(tmp_path / "song.json", data_dir)
    try:
        choice = again.top
        assert isinstance(choice, ChoiceScene) and choice.route.title == "Recover unsaved edits?"
        again.key(pygame.K_RETURN)  # Recover
        assert lead(again) == [(0, "snare")]
        assert again.editor.s.dirty
        again.key(pygame.K_s, CTRL)
        assert keys_of(load_chart(tmp_path / "song.json").notes("lead", "expert")) == [(0, "snare")]
    finally:
        again.close()
    assert autosave.crashed_session(data_dir) is None  # a clean end: nothing offered next time


def test_closing_with_unsaved_edits_keeps_them_for_the_next_start(tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([], partner=[]))
    h.key(pygame.K_4)
    h.close()
    offer = autosave.crashed_session(data_dir)
    assert offer is not None and offer.chart is not None
    assert keys_of(offer.chart.notes("lead", "expert")) == [(0, "tom2")]


def test_quit_asks_about_unsaved_edits(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_5)
    h.key(pygame.K_q, CTRL)
    choice = h.top
    assert isinstance(choice, ChoiceScene)
    assert [label for label, _ in choice.route.options] == ["Save and quit", "Quit without saving", "Cancel"]
    h.key(pygame.K_ESCAPE)  # Cancel
    assert h.app.running and lead(h) == [(0, "crash")]
    h.key(pygame.K_q, CTRL)
    h.key(pygame.K_RETURN)  # Save and quit
    assert not h.app.running
    path = h.editor.s.path
    assert path is not None and keys_of(load_chart(path).notes("lead", "expert")) == [(0, "crash")]


def test_an_audio_file_outside_the_charts_folder_is_refused_in_the_form(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_F9)
    for _ in range(3):  # title, artist, charter
        h.key(pygame.K_TAB)
    h.clear_field()
    h.type("../elsewhere/take.ogg")
    h.key(pygame.K_RETURN)
    form = h.top
    assert isinstance(form, FormScene) and "is outside the chart's folder" in form.error
    assert h.editor.s.chart.metadata.audio is None and not h.editor.s.dirty
    h.clear_field()
    h.type("take.ogg")
    h.key(pygame.K_RETURN)
    assert not isinstance(h.top, FormScene)
    assert h.editor.s.chart.metadata.audio == "take.ogg"


def test_a_new_chart_from_the_template(editor: EditorHarness, tmp_path: Path) -> None:
    h = editor
    h.key(pygame.K_n, CTRL)
    form = h.top
    assert isinstance(form, FormScene)
    for text in ("Golden Hour", "Me", None, None, "take.ogg"):
        if text is not None:
            h.clear_field()
            h.type(text)
        h.key(pygame.K_TAB)
    h.clear_field()
    h.type("golden-hour.json")
    h.key(pygame.K_UP)
    h.key(pygame.K_UP)  # back to the time signature
    h.clear_field()
    h.type("6/8")
    h.key(pygame.K_UP)
    h.clear_field()
    h.type("96")
    h.key(pygame.K_RETURN)
    path = tmp_path / "golden-hour.json"
    chart = load_chart(path)
    assert chart.metadata.title == "Golden Hour" and chart.metadata.audio == "take.ogg"
    assert [(t.tick, t.bpm) for t in chart.tempo] == [(0, 96.0)]
    assert [(s.num, s.den) for s in chart.time_signatures] == [(6, 8)]
    assert list(chart.parts) == ["lead", "partner"]
    assert h.editor.s.path == path and not h.editor.s.dirty


def test_edit_refuses_a_broken_chart_and_a_bad_interval(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": 1}))
    assert cli_main(["edit", str(bad)]) == 1
    assert str(bad) in capsys.readouterr().err
    assert cli_main(["edit", "--autosave-interval", "0"]) == 1
    assert "--autosave-interval" in capsys.readouterr().err
    assert cli_main(["--autosave-interval", "-1"]) == 1  # no command: the window's options
    assert "--autosave-interval" in capsys.readouterr().err


# -- playback and record ----------------------------------------------------------------------------
def test_playback_scrolls_with_song_time_at_the_chosen_speed_and_stops_back_at_the_cursor(
        editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_PAGEUP)
    start = h.editor.tempo.seconds(h.editor.s.cursor)
    for _ in range(10):
        h.key(pygame.K_COMMA)  # down to 50 %
    assert h.editor.playback.speed == 0.5
    h.key(pygame.K_SPACE)
    t0 = h.editor.view.view_t
    h.step(60)
    assert h.editor.view.view_t - t0 == pytest.approx(0.5, abs=0.02)  # a second at half speed
    h.key(pygame.K_m)  # mute the lead while playing
    assert h.editor.playback.mix.state("lead") == "muted"
    assert [p.part for p in h.editor.sounding_parts()] == ["partner"]
    h.key(pygame.K_SPACE)
    assert not h.editor.playback.playing and h.editor.view.view_t == pytest.approx(start)


def press_drum(h: EditorHarness, key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    h.step()
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))


def record_take(h: EditorHarness, strokes: list[tuple[float, int]]) -> None:
    """R, then each drum key when the song reaches its time, then Space."""
    h.key(pygame.K_r)
    record = h.top
    assert isinstance(record, RecordScene)
    for at, key in strokes:
        while h.editor.playback.now() < at:
            h.step()
        press_drum(h, key)
    h.step()
    h.key(pygame.K_SPACE)
    assert not isinstance(h.top, RecordScene)


def test_a_keyboard_take_is_quantized_into_the_part_as_one_undoable_edit(
        tmp_path: Path, data_dir: Path) -> None:
    h = open_editor(tmp_path, data_dir, chart_with([n(0, "crash"), n(2400, "hihat")], partner=[]))
    try:
        h.key(pygame.K_PAGEUP)  # record from bar 2 (2.0 s at 120 BPM)
        # Slightly late and early, as a drummer plays: the snap puts them on the beat.
        record_take(h, [(2.52, pygame.K_a), (2.98, pygame.K_c), (3.51, pygame.K_s)])
        assert lead(h) == [(0, "crash"), (2400, "snare"), (2880, "kick"), (3360, "hihat")]
        assert "record 3 hits (replace)" in h.editor.s.message  # the old hihat was replaced
        h.key(pygame.K_z, CTRL)  # one undo takes the whole take back
        assert lead(h) == [(0, "crash"), (2400, "hihat")]
        h.key(pygame.K_r, CTRL)  # merge
        record_take(h, [(2.5, pygame.K_a)])
        assert lead(h) == [(0, "crash"), (2400, "snare"), (2400, "hihat")]
        h.key(pygame.K_r)
        h.key(pygame.K_ESCAPE)  # a take thrown away changes nothing
        assert lead(h) == [(0, "crash"), (2400, "snare"), (2400, "hihat")]
        assert h.editor.s.message == "take discarded"
    finally:
        h.close()


def test_open_and_save_as_through_their_forms(editor: EditorHarness, tmp_path: Path) -> None:
    h = editor
    other = tmp_path / "other.json"
    save_chart(chart_with([n(0, "ride")], partner=[]), other)
    h.key(pygame.K_2)  # an unsaved edit: opening asks first
    h.key(pygame.K_o, CTRL)
    choice = h.top
    assert isinstance(choice, ChoiceScene) and choice.route.title == "Unsaved changes"
    h.key(pygame.K_RIGHT)
    h.key(pygame.K_RETURN)  # Don't save
    form = h.top
    assert isinstance(form, FormScene) and "other.json" in form.route.note
    h.type("nothing.json")
    h.key(pygame.K_RETURN)
    assert "no such chart file" in form.error
    h.clear_field()
    h.type("other.json")
    h.key(pygame.K_RETURN)
    assert h.editor.s.path == other and lead(h) == [(0, "ride")]
    assert load_chart(tmp_path / "song.json").notes("lead", "expert") == []  # not saved
    h.key(pygame.K_s, CTRL | SHIFT)
    h.clear_field()
    h.type("copy.json")
    h.key(pygame.K_RETURN)
    assert h.editor.s.path == tmp_path / "copy.json"
    assert load_chart(tmp_path / "copy.json") == load_chart(other)


def test_a_chart_that_does_not_exist_yet_opens_the_new_chart_form(tmp_path: Path, data_dir: Path) -> None:
    target = tmp_path / "fresh.json"
    h = EditorHarness(target, data_dir, create=True)
    try:
        form = h.top
        assert isinstance(form, FormScene) and form.route.title == "New chart"
        assert form.entries[-1].text == str(target)
        h.type("Fresh")
        h.key(pygame.K_RETURN)
        assert load_chart(target).metadata.title == "Fresh"
    finally:
        h.close()


def test_full_kit_lanes_reduce_and_partner(editor: EditorHarness) -> None:
    h = editor
    h.key(pygame.K_l)
    assert h.editor.layout.n_lanes == 8 and h.editor.s.lanes.name == "full-kit"
    h.key(pygame.K_8)  # the ride's own lane
    h.key(pygame.K_UP)
    h.key(pygame.K_1)
    h.key(pygame.K_UP)
    h.key(pygame.K_3)  # snare (full kit: hihat is lane 2)
    assert lead(h) == [(0, "ride"), (120, "kick"), (240, "snare")]
    h.key(pygame.K_r, CTRL | SHIFT)  # reduce from expert
    assert h.editor.s.message == "reduce lead from expert"
    assert len(lead(h, "easy")) <= len(lead(h, "medium")) <= len(lead(h, "hard")) <= 3
    assert lead(h, "hard")
    h.key(pygame.K_p, CTRL | SHIFT)
    assert h.editor.s.message == "build partner from lead"
    assert h.editor.s.chart.notes("partner", "expert")


def test_the_games_midi_and_calibration_screens_open_over_the_editor(editor: EditorHarness) -> None:
    h = editor
    for key, screen in ((pygame.K_F10, MidiSetupScene), (pygame.K_F11, CalibrationScene)):
        h.key(key)
        assert isinstance(h.top, screen)
        h.key(pygame.K_ESCAPE)
        assert h.top is h.editor


def test_the_part_buttons_cycle_on_muted_solo(editor: EditorHarness) -> None:
    h = editor
    chip = next(rect for rect, name in h.editor.header_chips if name == "part:partner")
    states = []
    for _ in range(3):
        h.click(chip.center)
        states.append(h.editor.playback.mix.state("partner"))
    assert states == ["muted", "solo", "on"]
    assert h.editor.playback.mix.state("lead") == "on"


def test_an_unwritable_session_marker_is_said_on_the_status_line(tmp_path: Path) -> None:
    """Where the editor cannot note the open chart (its data folder is not writable; here a
    file stands where its folder should be), the author is told that a crash would not be
    offered back, and editing goes on."""
    blocked = tmp_path / "data"
    blocked.mkdir()
    (blocked / "editor").write_text("not a folder\n")
    h = open_editor(tmp_path, blocked, chart_with([n(0, "kick")], partner=[]))
    try:
        assert "no recovery will be offered" in h.editor.s.message
        before = len(lead(h, h.editor.s.difficulty))
        h.key(pygame.K_2)  # a lane key still places a note (red, at the cursor)
        assert len(lead(h, h.editor.s.difficulty)) == before + 1
    finally:
        h.close()
