"""The window's actions without the window: an author's session, step by step, on real files."""

from __future__ import annotations

import shutil
from pathlib import Path

from duet_drums.core.chart import load_chart
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Dynamic, Piece
from duet_drums.editor import autosave, session
from duet_drums.editor.files import new_chart
from duet_drums.paths import charts_dir

KICK, RED, YELLOW, BLUE, GREEN = range(5)


def _medley(tmp_path: Path) -> Path:
    path = tmp_path / "medley.json"
    shutil.copy(charts_dir() / "summit-medley.json", path)
    return path


def test_place_notes_undo_save_and_reopen(tmp_path: Path) -> None:
    path = _medley(tmp_path)
    s = session.open_file(path)
    s = session.show(s, "partner", "easy")
    before = s.chart.notes("partner", "easy")
    s = session.click(s, 100_003.7, RED)  # snapped to the 1/4-beat grid
    assert s.cursor == 99_960 and s.message == "red at tick 99960"
    s = session.step_cursor(s, +1)
    s = session.lane_key(s, GREEN)
    s = session.lane_key(s, KICK)
    assert [(n.tick, n.piece) for n in s.chart.notes("partner", "easy") if 99_960 <= n.tick <= 100_080] == [
        (99_960, Piece.SNARE), (100_080, Piece.KICK), (100_080, Piece.CRASH)]
    s = session.undo(s)
    assert s.message == "undid kick at tick 100080" and s.dirty
    s = session.save(s, data_dir=tmp_path)
    assert not s.dirty
    again = session.open_file(path)
    assert again.chart == s.chart
    assert len(again.chart.notes("partner", "easy")) == len(before) + 2


def test_selection_tools_move_copy_paste_and_dynamics(tmp_path: Path) -> None:
    s = session.start(new_chart("Song"))
    for tick in (0, 480, 960, 1440):
        s = session.click(s, tick, YELLOW)
    s = session.click(s, 480, RED)
    s = session.select_box(s, 0, 960, [YELLOW])
    assert len(s.selection) == 3
    s = session.toggle_accent(s)
    assert [(n.tick, n.dynamic) for n in s.chart.notes("lead", "expert") if n.dynamic is Dynamic.ACCENT] == [
        (0, Dynamic.ACCENT), (480, Dynamic.ACCENT), (960, Dynamic.ACCENT)]
    s = session.toggle_cymbal(s)  # each selected hi-hat becomes a tom; the snare is untouched
    assert {n.piece for n in s.chart.notes("lead", "expert") if n.tick <= 960} == {Piece.TOM1, Piece.SNARE}
    s = session.copy(s)
    s = session.show(s, "partner", "hard")
    s = session.set_cursor(s, 3840)
    s = session.paste(s)
    assert [n.tick for n in s.chart.notes("partner", "hard")] == [3840, 4320, 4800]
    assert len(s.selection) == 3  # the pasted notes, ready to move
    s = session.move(s, 2)
    assert [n.tick for n in s.chart.notes("partner", "hard")] == [4080, 4560, 5040]
    s = session.delete(s)
    assert s.chart.notes("partner", "hard") == [] and len(s.selection) == 0
    s = session.select_lanes(session.show(s, "lead", "expert"), [RED])
    s = session.cut(s)
    assert [n.piece for n in s.chart.notes("lead", "expert")].count(Piece.SNARE) == 0
    assert s.clipboard is not None and len(s.clipboard.notes) == 1
    assert session.delete(s).message.startswith("delete (0 notes): nothing selected")


def test_refused_edits_say_why_and_change_nothing() -> None:
    s = session.start(new_chart("Song"))
    s2 = session.toggle_double_kick(s)
    assert s2.chart is s.chart and "nothing selected" in s2.message
    assert session.undo(s).message == "nothing to undo"
    assert session.paste(s).message == "the clipboard is empty"
    bad = session.set_time_signature(session.set_cursor(s, 100), 3, 4)
    assert bad.chart is s.chart and "does not start a measure" in bad.message


def test_time_tools_record_and_whole_part_tools() -> None:
    s = session.start(new_chart("Song", bpm=100))
    s = session.set_snap(s, 2)
    s = session.set_cursor(s, 1920)
    s = session.tap_tempo(s, [0.0, 0.5, 1.0, 1.5])
    assert s.chart.tempo[-1].tick == 1920 and s.chart.tempo[-1].bpm == 120.0
    s = session.add_section(s, "Verse")
    s = session.drag_anchor(s, 960, 0.7)
    assert abs(s.tempo_map().seconds(960) - 0.7) < 1e-4
    # One bar of eighth-note hats at 100 BPM played on a kit, slightly late.
    tm = s.tempo_map()
    hits = [Hit(0, Piece.HIHAT, tm.seconds(t) + 0.02, 90, "midi") for t in range(3840, 5760, 240)]
    s = session.record(s, hits, tm.seconds(3840), tm.seconds(5760))
    assert [n.tick for n in s.chart.notes("lead", "expert")] == list(range(3840, 5760, 240))
    s = session.reduce(s)
    assert 0 < len(s.chart.notes("lead", "easy")) < len(s.chart.notes("lead", "hard"))
    s = session.make_partner(s)
    assert s.chart.notes("partner", "expert")
    problems = session.problems(s)
    assert all(p.level == "warning" for p in problems)
    assert session.finer_snap(s).division == 3 and session.coarser_snap(s).division == 1


def test_jump_to_a_problem_and_recover_after_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    chart = new_chart("Song")
    s = session.save(session.start(chart, path), data_dir=tmp_path)
    s = session.click(s, 960, KICK)
    s = session.select_all(s)
    s = session.toggle_double_kick(s)
    autosave.begin_session(tmp_path, path)
    autosave.write_autosave(s.chart, path, tmp_path)
    # The process dies here. The next start:
    offer = autosave.crashed_session(tmp_path)
    assert offer is not None
    r = session.recover(offer)
    assert r.chart == s.chart and r.dirty and "recovered" in r.message
    # Copy expert's 2x kick down to hard: the panel flags it, and its jump lands on it.
    r = session.copy(session.select_all(r))
    r = session.paste(session.set_cursor(session.show(r, "lead", "hard"), 960))
    r = session.show(r, "partner", "easy")
    (problem,) = [p for p in session.problems(r) if p.code == "double-kick-below-expert"]
    jumped = session.jump(r, problem)
    assert (jumped.part, jumped.difficulty, jumped.cursor) == ("lead", "hard", 960)
    assert jumped.message == "2x kick below expert"
    saved = session.save(r, data_dir=tmp_path)
    assert not autosave.autosave_path(path, tmp_path).exists()
    assert load_chart(path) == saved.chart
