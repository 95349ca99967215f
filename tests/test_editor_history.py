"""Unlimited undo and redo: any run of edits undoes back to the original and redoes forward."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.chart import DIFFICULTIES, Chart, Note
from duet_drums.core.kit import FIVE_LANE, PIECES, Piece
from duet_drums.editor import edits, history, tempo_edits
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.selection import select_box, select_notes
from tests.editor_support import chart_with

Edit = Callable[[Chart], Chart]

PARTS = ("lead", "partner")
_tick = st.integers(0, 32).map(lambda i: i * 120)
_where = st.tuples(st.sampled_from(PARTS), st.sampled_from(DIFFICULTIES))


def _some_notes(draw: st.DrawFn, chart: Chart, part: str, diff: str) -> list[tuple[int, Piece]]:
    notes = chart.notes(part, diff)
    if not notes:
        return []
    picked = draw(st.lists(st.sampled_from(notes), min_size=1, max_size=4))
    return [(n.tick, n.piece) for n in picked]


@st.composite
def an_edit(draw: st.DrawFn, chart: Chart) -> tuple[str, Edit]:
    part, diff = draw(_where)
    kind = draw(st.sampled_from([
        "add", "toggle", "lane", "delete", "move", "cymbal", "kick2", "accent", "ghost", "velocity",
        "paste", "tempo", "section", "signature", "anchor", "metadata", "box-delete"]))
    keys = _some_notes(draw, chart, part, diff)
    sel = select_notes(part, diff, keys)
    tick = draw(_tick)
    if kind == "add":
        piece = draw(st.sampled_from(PIECES))
        return kind, lambda c: edits.add_note(c, part, diff, tick, piece)
    if kind == "toggle":
        piece = draw(st.sampled_from(PIECES))
        return kind, lambda c: edits.toggle_note(c, part, diff, tick, piece)
    if kind == "lane":
        lane = draw(st.integers(0, len(FIVE_LANE.lanes) - 1))
        return kind, lambda c: edits.toggle_lane(c, part, diff, tick, FIVE_LANE, lane)
    if kind == "delete":
        return kind, lambda c: edits.delete_notes(c, sel)
    if kind == "move":
        delta = draw(st.integers(-4, 4)) * 120
        return kind, lambda c: edits.move_notes(c, sel, delta)
    if kind == "cymbal":
        return kind, lambda c: edits.toggle_cymbal(c, sel)
    if kind == "kick2":
        return kind, lambda c: edits.toggle_double_kick(c, sel)
    if kind == "accent":
        return kind, lambda c: edits.toggle_accent(c, sel)
    if kind == "ghost":
        return kind, lambda c: edits.toggle_ghost(c, sel)
    if kind == "velocity":
        v = draw(st.one_of(st.none(), st.integers(1, 127)))
        return kind, lambda c: edits.set_velocity(c, sel, v)
    if kind == "paste":
        to_part, to_diff = draw(_where)
        return kind, lambda c: edits.paste_notes(c, to_part, to_diff, tick, edits.copy_notes(c, sel))
    if kind == "tempo":
        bpm = draw(st.sampled_from([60.0, 90.5, 120.0, 174.0]))
        return kind, lambda c: tempo_edits.set_tempo(c, tick, bpm)
    if kind == "section":
        return kind, lambda c: tempo_edits.add_section(c, tick, f"S{tick}")
    if kind == "signature":
        num = draw(st.sampled_from([3, 4, 7]))
        return kind, lambda c: tempo_edits.set_time_signature(c, tick * 4, num, 4)
    if kind == "anchor":
        seconds = draw(st.floats(0.1, 6.0))
        return kind, lambda c: tempo_edits.drag_anchor(c, tick, seconds)
    if kind == "metadata":
        title = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=8))
        return kind, lambda c: tempo_edits.set_metadata(c, title=title)
    lo, hi = tick, draw(_tick)
    return kind, lambda c: edits.delete_notes(c, select_box(c, part, diff, lo, hi))


def _start() -> Chart:
    notes = [Note(tick=0, piece=Piece.KICK), Note(tick=0, piece=Piece.CRASH, velocity=120),
             Note(tick=480, piece=Piece.SNARE), Note(tick=720, piece=Piece.HIHAT)]
    return chart_with(notes, partner=notes[:2])


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_any_edits_undo_to_the_original_and_redo_to_the_edited(data: st.DataObject) -> None:
    original = _start()
    h = history.start(original)
    charts = [original]
    for _ in range(data.draw(st.integers(1, 12))):
        label, edit = data.draw(an_edit(h.present))
        try:
            h = history.apply(h, edit, label)
        except EditError:
            continue  # refused edits leave the history as it was
        if h.present is not charts[-1]:
            charts.append(h.present)
    edited = h.present
    assert h.depth == len(charts) - 1
    for expected in reversed(charts[:-1]):
        h = history.undo(h)
        assert h.present == expected
    assert h.present is original and not h.can_undo and not h.dirty
    for _ in range(len(charts) - 1):
        h = history.redo(h)
    assert h.present is edited and not h.can_redo


def test_labels_dirty_mark_and_a_new_edit_dropping_redo() -> None:
    h = history.start(_start())
    assert not h.dirty and h.undo_label is None
    h = history.apply(h, lambda c: edits.add_note(c, "lead", "expert", 960, Piece.SNARE), "add snare")
    h = history.apply(h, lambda c: tempo_edits.set_tempo(c, 0, 100.0), "tempo 100")
    assert h.dirty and h.undo_label == "tempo 100"
    h = history.mark_saved(h)
    assert not h.dirty
    h = history.undo(h)
    assert h.dirty and h.redo_label == "tempo 100" and h.undo_label == "add snare"
    h = history.redo(h)
    assert not h.dirty  # back on the saved chart
    h = history.undo(h)
    h = history.apply(h, lambda c: edits.add_note(c, "lead", "expert", 1200, Piece.KICK), "add kick")
    assert not h.can_redo and h.depth == 2
    # Undo and redo at the ends of the history do nothing.
    assert history.redo(h) is h
    assert history.undo(history.undo(history.undo(h))).present == _start()


def test_an_edit_that_changes_nothing_is_not_recorded() -> None:
    h = history.start(_start())
    h2 = history.apply(h, lambda c: tempo_edits.set_tempo(c, 0, 120.0), "same tempo")
    assert h2 is h


def test_a_recovered_chart_starts_unsaved() -> None:
    assert history.start(_start(), saved=False).dirty
