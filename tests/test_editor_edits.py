"""Every note edit and selection, on small charts: what the author sees after each one."""

from __future__ import annotations

import pytest

from duet_drums.core.chart import Chart, Note, Section, TempoChange
from duet_drums.core.kit import FIVE_LANE, FULL_KIT, Dynamic, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import edits
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.selection import (
    Selection,
    pieces_in_lanes,
    select_all,
    select_box,
    select_notes,
    select_pieces,
    select_section,
)
from tests.editor_support import chart_with

K, S, HH, T1, T2, T3, CR, RD = (Piece.KICK, Piece.SNARE, Piece.HIHAT, Piece.TOM1, Piece.TOM2, Piece.TOM3,
                                Piece.CRASH, Piece.RIDE)


def _chart(*notes: tuple[int, Piece] | tuple[int, Piece, int]) -> Chart:
    return chart_with([Note(tick=n[0], piece=n[1], velocity=n[2] if len(n) > 2 else None) for n in notes],
                      partner=[])


def _keys(chart: Chart, part: str = "lead", diff: str = "expert") -> list[tuple[int, str]]:
    return [(n.tick, n.piece.value) for n in chart.notes(part, diff)]


def _sel(*keys: tuple[int, Piece]) -> Selection:
    return select_notes("lead", "expert", keys)


def test_add_note_keeps_notes_in_order_and_refuses_a_duplicate() -> None:
    chart = edits.add_note(_chart((480, S)), "lead", "expert", 0, "kick")
    assert _keys(chart) == [(0, "kick"), (480, "snare")]
    with pytest.raises(EditError, match="already a snare at tick 480"):
        edits.add_note(chart, "lead", "expert", 480, S)


@pytest.mark.parametrize(("args", "message"), [
    ((0, "cowbell"), "unknown piece 'cowbell'"),
    ((-5, "snare"), "tick: should be greater than or equal to 0"),
    ((0, "snare", 300), "velocity: should be less than or equal to 127"),
])
def test_add_note_explains_bad_input(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(EditError, match=message):
        edits.add_note(_chart(), "lead", "expert", *args)  # type: ignore[arg-type]


def test_edits_name_a_missing_part_or_difficulty() -> None:
    with pytest.raises(EditError, match="no part 'drums'; parts: lead, partner"):
        edits.add_note(_chart(), "drums", "expert", 0, K)
    with pytest.raises(EditError, match="unknown difficulty 'insane'"):
        edits.add_note(_chart(), "lead", "insane", 0, K)


def test_remove_and_toggle_note() -> None:
    chart = _chart((0, K), (480, S))
    assert _keys(edits.remove_note(chart, "lead", "expert", 0, K)) == [(480, "snare")]
    with pytest.raises(EditError, match="no tom1 at tick 0"):
        edits.remove_note(chart, "lead", "expert", 0, T1)
    placed = edits.toggle_note(chart, "lead", "expert", 960, HH)
    assert (960, "hihat") in _keys(placed)
    assert edits.toggle_note(placed, "lead", "expert", 960, HH) == chart


def test_a_lane_key_places_the_lanes_piece_or_clears_the_lane() -> None:
    yellow = FIVE_LANE.lane_names().index("yellow")
    chart = edits.toggle_lane(_chart(), "lead", "expert", 240, FIVE_LANE, yellow)
    assert _keys(chart) == [(240, "hihat")]
    assert _keys(edits.toggle_lane(chart, "lead", "expert", 240, FIVE_LANE, yellow)) == []
    # A yellow tom is in the yellow lane too: the key clears it rather than adding a hi-hat.
    tom = _chart((240, T1))
    assert _keys(edits.toggle_lane(tom, "lead", "expert", 240, FIVE_LANE, yellow)) == []
    ride = FULL_KIT.lane_names().index("ride")
    assert _keys(edits.toggle_lane(_chart(), "lead", "expert", 0, FULL_KIT, ride)) == [(0, "ride")]
    with pytest.raises(EditError, match="lane 9 is not on the 5-lane highway"):
        edits.toggle_lane(_chart(), "lead", "expert", 0, FIVE_LANE, 9)


def test_cymbal_tom_toggle_is_per_gem_not_per_chord() -> None:
    chart = _chart((0, S), (0, HH), (0, CR))
    # Only the hi-hat of the red chord flips: the crash stays a cymbal (Moonscraper would
    # turn every gem of a chord with red into a tom).
    one = edits.toggle_cymbal(chart, _sel((0, HH)))
    assert _keys(one) == [(0, "snare"), (0, "tom1"), (0, "crash")]
    both = edits.toggle_cymbal(chart, _sel((0, HH), (0, CR), (0, S)))
    assert _keys(both) == [(0, "snare"), (0, "tom1"), (0, "tom3")]
    assert edits.toggle_cymbal(both, _sel((0, T1), (0, T3))) == chart
    assert _keys(edits.toggle_cymbal(_chart((0, RD)), _sel((0, RD)))) == [(0, "tom2")]
    with pytest.raises(EditError, match="no cymbal or tom selected"):
        edits.toggle_cymbal(chart, _sel((0, S)))
    with pytest.raises(EditError, match="already a tom1 at tick 0"):
        edits.toggle_cymbal(_chart((0, HH), (0, T1)), _sel((0, HH)))


def test_double_kick_toggle() -> None:
    chart = _chart((0, K), (120, K), (240, S))
    doubled = edits.toggle_double_kick(chart, _sel((120, K), (240, S)))
    assert _keys(doubled) == [(0, "kick"), (120, "kick2"), (240, "snare")]
    assert edits.toggle_double_kick(doubled, _sel((120, Piece.KICK2))) == chart
    with pytest.raises(EditError, match="no kick selected"):
        edits.toggle_double_kick(chart, _sel((240, S)))


def test_accent_ghost_and_velocity() -> None:
    chart = _chart((0, S), (480, S, 120))
    sel = _sel((0, S), (480, S))
    accented = edits.toggle_accent(chart, sel)
    assert [n.dynamic for n in accented.notes("lead", "expert")] == [Dynamic.ACCENT, Dynamic.ACCENT]
    assert [n.velocity for n in edits.toggle_accent(accented, sel).notes("lead", "expert")] == [None, None]
    ghosted = edits.toggle_ghost(chart, _sel((0, S)))
    assert ghosted.notes("lead", "expert")[0].dynamic is Dynamic.GHOST
    assert edits.set_velocity(chart, _sel((0, S)), 90).notes("lead", "expert")[0].velocity == 90
    nudged = edits.nudge_velocity(chart, sel, 10)
    assert [n.velocity for n in nudged.notes("lead", "expert")] == [110, 127]  # a plain note counts as 100
    with pytest.raises(EditError, match="velocity"):
        edits.set_velocity(chart, sel, 0)


def test_delete_and_nothing_selected() -> None:
    chart = _chart((0, K), (480, S), (960, K))
    assert _keys(edits.delete_notes(chart, _sel((0, K), (960, K)))) == [(480, "snare")]
    with pytest.raises(EditError, match="nothing selected"):
        edits.delete_notes(chart, _sel((5, K)))


def test_move_lands_on_what_it_covers_and_never_before_zero() -> None:
    chart = _chart((0, K), (240, S), (480, S), (960, K))
    sel = _sel((0, K), (240, S))
    moved = edits.move_notes(chart, sel, 240)
    # The selected snare moved onto the unselected one at 480: one snare stays there.
    assert _keys(moved) == [(240, "kick"), (480, "snare"), (960, "kick")]
    assert sel.shifted(240).present(moved) == [Note(tick=240, piece=K), Note(tick=480, piece=S)]
    # Notes that swap places within the selection are both kept.
    assert _keys(edits.move_notes(_chart((0, S), (240, S)), _sel((0, S), (240, S)), 240)) == [
        (240, "snare"), (480, "snare")]
    with pytest.raises(EditError, match="first one is at tick 0"):
        edits.move_notes(chart, sel, -1)


def test_set_piece_refuses_to_merge_notes() -> None:
    chart = _chart((0, HH), (240, HH), (240, RD))
    assert _keys(edits.set_piece(chart, _sel((0, HH)), RD))[0] == (0, "ride")
    with pytest.raises(EditError, match="already a ride at tick 240"):
        edits.set_piece(chart, _sel((240, HH)), RD)
    with pytest.raises(EditError, match="two selected notes on one crash at tick 240"):
        edits.set_piece(chart, _sel((240, HH), (240, RD)), CR)


def test_copy_paste_across_parts_and_difficulties() -> None:
    chart = _chart((960, K), (960, CR, 120), (1200, S))
    clip = edits.copy_notes(chart, _sel((960, K), (960, CR), (1200, S)))
    pasted = edits.paste_notes(chart, "partner", "easy", 0, clip)
    assert [(n.tick, n.piece.value, n.velocity) for n in pasted.notes("partner", "easy")] == [
        (0, "kick", None), (0, "crash", 120), (240, "snare", None)]
    assert edits.pasted_selection(chart, "partner", "easy", 0, clip).present(pasted) == pasted.notes(
        "partner", "easy")
    # Pasting over the original replaces it (no duplicate notes).
    assert edits.paste_notes(chart, "lead", "expert", 960, clip) == chart
    with pytest.raises(EditError, match="clipboard is empty"):
        edits.paste_notes(chart, "lead", "expert", 0, edits.Clipboard((), "x"))


def test_paste_into_another_tempo_and_resolution_stretches_to_the_beat() -> None:
    source = _chart((0, K), (240, HH), (480, S))  # 120 BPM, 480 ticks per quarter
    clip = edits.copy_notes(source, select_all(source, "lead", "expert"))
    target = chart_with([], tempo=[TempoChange(tick=0, bpm=60.0)], resolution=960)
    pasted = edits.paste_notes(target, "lead", "expert", 1920, clip)
    assert _keys(pasted) == [(1920, "kick"), (2400, "hihat"), (2880, "snare")]
    # Same beats, so at half the tempo the phrase lasts twice as long.
    src_tm, dst_tm = TempoMap.from_chart(source), TempoMap.from_chart(pasted)
    assert dst_tm.seconds(2880) - dst_tm.seconds(1920) == pytest.approx(2 * src_tm.seconds(480))


def test_copy_and_clear_a_whole_difficulty() -> None:
    chart = _chart((0, K), (480, S))
    copied = edits.copy_difficulty(chart, "lead", "expert", "partner", "hard")
    assert copied.notes("partner", "hard") == chart.notes("lead", "expert")
    assert edits.clear_difficulty(copied, "partner", "hard") == chart
    assert edits.notes_at(chart, "lead", "expert", 480) == [Note(tick=480, piece=S)]


def test_selections() -> None:
    chart = _chart((0, K), (0, CR), (480, HH), (480, S), (960, T2), (1920, K))
    box = select_box(chart, "lead", "expert", 960, 0, pieces_in_lanes(FIVE_LANE, [2, 3]))
    assert sorted(box.keys) == [(480, HH), (960, T2)]
    assert len(select_all(chart, "lead", "expert")) == 6
    assert sorted(select_pieces(chart, "lead", "expert", [K]).keys) == [(0, K), (1920, K)]
    assert Note(tick=0, piece=K) in select_pieces(chart, "lead", "expert", [K])
    union = box.union(select_pieces(chart, "lead", "expert", [K]))
    assert len(union) == 4 and len(union.toggled((0, K))) == 3
    with pytest.raises(EditError, match="lane 7 is not on the 5-lane highway"):
        pieces_in_lanes(FIVE_LANE, [7])


def test_select_section_by_name_or_number() -> None:
    base = _chart((0, K), (480, S), (1920, K), (2400, S))
    chart = base.model_copy(update={"sections": [Section(tick=0, name="Intro"),
                                                 Section(tick=1920, name="Verse")]})
    assert sorted(select_section(chart, "lead", "expert", "Verse").keys) == [(1920, K), (2400, S)]
    assert sorted(select_section(chart, "lead", "expert", 0).keys) == [(0, K), (480, S)]
    with pytest.raises(EditError, match="no section named 'Bridge'; sections: Intro, Verse"):
        select_section(chart, "lead", "expert", "Bridge")
    with pytest.raises(EditError, match="no section number 5"):
        select_section(chart, "lead", "expert", 5)
