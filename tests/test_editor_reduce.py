"""`reduce`: hard, medium and easy from expert, each strictly sparser and humanly playable."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.core.chart import DIFFICULTIES, Note, Span, TempoChange, parse_chart
from duet_drums.core.kit import KICKS, PIECES, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.duet import notes_per_second
from duet_drums.editor.playability import feet, hands
from duet_drums.editor.reduce import metrical_weight, on_beat_kept, reduce_from, reduce_part
from duet_drums.editor.validate import validate_chart
from tests.editor_support import chart_with, load_bundled

FILES = ("summit-medley.json", "dynamite.json", "golden.json")
PARTS = ("lead", "partner")
STANDARDS = {"double-kick-below-expert", "easy-kick-with-gem", "medium-three-limbs", "three-gems",
             "identical-difficulty", "shared-lane", "open-and-closed-hihat"}


def _standards_broken(notes: list[Note], difficulty: str) -> list[str]:
    out = []
    chords: dict[int, list[Piece]] = {}
    for n in notes:
        chords.setdefault(n.tick, []).append(n.piece)
    for tick, pieces in chords.items():
        if difficulty != "expert" and Piece.KICK2 in pieces:
            out.append(f"2x kick at {tick}")
        if difficulty == "easy" and hands(pieces) and any(p in KICKS for p in pieces):
            out.append(f"kick with a gem at {tick}")
        if difficulty == "medium" and len(hands(pieces)) >= 2 and feet(pieces):
            out.append(f"three limbs at {tick}")
        if len(hands(pieces)) > 2:
            out.append(f"three hands at {tick}")
    return out


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("part", PARTS)
def test_every_bundled_part_reduces_to_sparser_playable_difficulties(name: str, part: str) -> None:
    chart = reduce_part(load_bundled(name), part)
    # The reduced chart survives the loader, exactly as a file would.
    parse_chart(json.loads(chart.model_dump_json(exclude_none=True)), name)
    densities = [notes_per_second(chart, part, d) for d in DIFFICULTIES]
    assert densities == sorted(densities) and len(set(densities)) == 4, densities
    for d in DIFFICULTIES[:-1]:
        assert _standards_broken(chart.notes(part, d), d) == [], d
    tm = TempoMap.from_chart(chart)
    assert on_beat_kept(chart.notes(part, "expert"), chart.notes(part, "hard"), tm) >= 0.8
    flagged = [p for p in validate_chart(chart) if p.part == part and p.code in STANDARDS]
    assert flagged == []


@pytest.mark.parametrize("name", FILES)
def test_lead_reduction_is_the_one_that_built_the_bundled_charts(name: str) -> None:
    """tools/make_charts.py reduces with the same code; the arranger's per-row hints
    (kept off easier difficulties) are the only difference, and they never touch hard."""
    chart = load_bundled(name)
    ours = reduce_part(chart, "lead")
    for d in ("easy", "hard"):
        assert sorted(ours.notes("lead", d), key=str) == sorted(chart.notes("lead", d), key=str), d


def test_fills_lose_their_kicks_below_expert() -> None:
    notes = [Note(tick=t, piece=Piece.KICK) for t in range(0, 1920, 480)]
    notes += [Note(tick=t, piece=Piece.SNARE) for t in range(0, 1920, 240)]
    chart = chart_with(notes, spans=[Span(kind="fill", tick=960, end_tick=1920)])
    hard = reduce_part(chart, "lead").notes("lead", "hard")
    assert {n.tick for n in hard if n.piece is Piece.KICK} == {0, 480}
    assert {n.tick for n in hard if n.piece is Piece.SNARE} >= {960, 1440}


def test_an_already_plain_expert_still_loses_notes_on_hard() -> None:
    """Straight eighths on the hi-hat survive a +-1/2 beat window; the step widens the
    cymbal window (quarter-note hats) instead of keeping hard equal to expert."""
    notes = []
    for bar in range(8):
        base = bar * 1920
        notes += [Note(tick=base + i * 240, piece=Piece.HIHAT) for i in range(8)]
        notes += [Note(tick=base, piece=Piece.KICK), Note(tick=base + 960, piece=Piece.KICK),
                  Note(tick=base + 480, piece=Piece.SNARE), Note(tick=base + 1440, piece=Piece.SNARE)]
    levels = reduce_from(notes, "expert", TempoMap(((0, 120.0),), 480))
    hard = levels["hard"]
    assert len(hard) <= 0.85 * len(notes)
    assert {(n.tick, n.piece) for n in notes if n.piece in (Piece.KICK, Piece.SNARE)} <= {
        (n.tick, n.piece) for n in hard}


def test_metrical_weight_follows_the_time_signature() -> None:
    tm = TempoMap(((0, 120.0),), 480, ((0, 4, 4), (1920, 6, 8)))
    assert [metrical_weight(tm, t) for t in (0, 960, 480, 240, 120)] == [4, 3, 2, 1, 0]
    # 6/8 from tick 1920: a measure is six eighths (1440 ticks), a beat an eighth.
    ticks = (1920, 1920 + 720, 1920 + 240, 1920 + 120, 3360)
    assert [metrical_weight(tm, t) for t in ticks] == [4, 3, 2, 1, 4]


_note = st.builds(lambda tick, piece, v: Note(tick=tick * 60, piece=piece, velocity=v),
                  st.integers(0, 255), st.sampled_from(PIECES),
                  st.sampled_from([None, None, None, 30, 120]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_note, min_size=1, max_size=120, unique_by=lambda n: (n.tick, n.piece)),
       st.sampled_from([100.0, 140.0, 180.0]))
def test_any_expert_reduces_strictly_and_within_the_standards(notes: list[Note], bpm: float) -> None:
    chart = chart_with(notes, tempo=[TempoChange(tick=0, bpm=bpm)])
    reduced = reduce_part(chart, "lead")
    counts = [len(reduced.notes("lead", d)) for d in DIFFICULTIES]
    for lower, upper in itertools.pairwise(counts):
        assert lower < upper or upper == 0, counts
    for d in DIFFICULTIES[:-1]:
        assert _standards_broken(reduced.notes("lead", d), d) == []


def test_reduce_keeps_other_parts_and_spans() -> None:
    chart = load_bundled("golden.json")
    reduced = reduce_part(chart, "lead")
    assert reduced.parts["partner"] == chart.parts["partner"]
    assert reduced.parts["lead"].spans == chart.parts["lead"].spans
    assert reduced.notes("lead", "expert") == chart.notes("lead", "expert")


def test_reducing_from_easy_is_refused() -> None:
    with pytest.raises(ValueError, match="lowest difficulty"):
        reduce_part(load_bundled("golden.json"), "lead", source="easy")


def test_a_sparse_expert_thins_evenly_across_the_song() -> None:
    """Quarter-note snares survive every window; hard drops the weakest beats (2 and 4),
    spread over the whole song rather than cut from its end."""
    notes = [Note(tick=t, piece=Piece.SNARE) for t in range(0, 40 * 480, 480)]
    hard = reduce_from(notes, "expert", TempoMap(((0, 120.0),), 480))["hard"]
    assert len(hard) <= 0.85 * len(notes)
    dropped = sorted({n.tick for n in notes} - {n.tick for n in hard})
    assert all(metrical_weight(TempoMap(((0, 120.0),), 480), t) == 2 for t in dropped)
    assert dropped[0] < 40 * 480 / 4 and dropped[-1] > 40 * 480 * 3 / 4
