"""The validation panel: each community drum check fires where it should, with a location."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duet_drums.core.chart import Note, TempoChange, TimeSignature
from duet_drums.core.kit import Piece
from duet_drums.editor.validate import Problem, validate_chart, validate_file
from duet_drums.paths import charts_dir
from tests.chart_factory import minimal_chart_data
from tests.editor_support import chart_with

K, K2, S, HH, HO, T1, CR = (Piece.KICK, Piece.KICK2, Piece.SNARE, Piece.HIHAT, Piece.HIHAT_OPEN,
                            Piece.TOM1, Piece.CRASH)


def _codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in problems}


def _on(difficulty: str, notes: list[tuple[int, Piece]], **kw: object) -> list[Problem]:
    chart = chart_with([Note(tick=t, piece=p) for t, p in notes], **kw)  # type: ignore[arg-type]
    part = chart.parts["lead"].model_copy(update={"expert": [], difficulty: chart.notes("lead", "expert")})
    return validate_chart(chart.model_copy(update={"parts": {"lead": part}}))


@pytest.mark.parametrize("name", ["summit-medley.json", "dynamite.json", "golden.json"])
def test_bundled_charts_are_clean(name: str) -> None:
    chart, problems = validate_file(charts_dir() / name)
    assert chart is not None and problems == []


def test_double_kick_below_expert_with_its_location() -> None:
    problems = _on("hard", [(960, K2)])
    (p,) = [p for p in problems if p.code == "double-kick-below-expert"]
    assert (p.part, p.difficulty, p.tick) == ("lead", "hard", 960)
    assert str(p) == "warning: lead hard tick 960: 2x kick below expert"
    assert "double-kick-below-expert" not in _codes(_on("expert", [(960, K2)]))


def test_three_gems_at_once_and_other_impossible_chords() -> None:
    assert "three-gems" in _codes(_on("expert", [(0, S), (0, HH), (0, CR)]))
    assert "three-gems" not in _codes(_on("expert", [(0, S), (0, CR), (0, K), (0, Piece.HIHAT_PEDAL)]))
    assert "open-and-closed-hihat" in _codes(_on("expert", [(0, HH), (0, HO)]))
    assert "shared-lane" in _codes(_on("expert", [(0, HH), (0, T1)]))


def test_two_notes_of_one_lane_15_ms_apart() -> None:
    # At 120 BPM and 480 ticks a tick is ~1.04 ms: 14 ticks is 14.6 ms, 15 ticks 15.6 ms.
    close = [p for p in _on("expert", [(0, S), (14, S)]) if p.code == "too-close"]
    assert [(p.tick, p.difficulty) for p in close] == [(14, "expert")]
    assert "too-close" not in _codes(_on("expert", [(0, S), (15, S)]))
    # Hi-hat then tom 1 share the yellow lane on a 5-lane highway.
    assert "too-close" in _codes(_on("expert", [(0, HH), (10, T1)]))


def test_time_signature_off_a_measure_start() -> None:
    sigs = [TimeSignature(tick=0, num=4, den=4), TimeSignature(tick=1000, num=3, den=4)]
    problems = [p for p in _on("expert", [(0, S)], time_signatures=sigs) if p.code == "signature-off-measure"]
    assert [p.tick for p in problems] == [1000]
    ok = [TimeSignature(tick=0, num=4, den=4), TimeSignature(tick=1920, num=3, den=4),
          TimeSignature(tick=1920 + 1440, num=4, den=4)]
    assert "signature-off-measure" not in _codes(_on("expert", [(0, S)], time_signatures=ok))


def test_identical_difficulty_and_human_standards() -> None:
    notes = [Note(tick=0, piece=K), Note(tick=0, piece=S), Note(tick=0, piece=CR)]
    chart = chart_with(notes)
    part = chart.parts["lead"].model_copy(update={"hard": notes, "medium": notes, "easy": notes})
    problems = validate_chart(chart.model_copy(update={"parts": {"lead": part}}))
    assert {(p.code, p.difficulty) for p in problems} >= {
        ("identical-difficulty", "hard"), ("identical-difficulty", "medium"),
        ("identical-difficulty", "easy"), ("easy-kick-with-gem", "easy"), ("medium-three-limbs", "medium")}


def test_partner_without_unisons_and_tempo_out_of_range() -> None:
    lead = [Note(tick=0, piece=K)]
    problems = validate_chart(chart_with(lead, partner=[Note(tick=240, piece=S)]))
    assert [(p.code, p.part, p.difficulty) for p in problems] == [("no-unisons", "partner", "expert")]
    assert validate_chart(chart_with(lead, partner=[Note(tick=0, piece=S)])) == []
    slow = _on("expert", [(0, S)], tempo=[TempoChange(tick=0, bpm=30.0)])
    assert [(p.code, p.tick) for p in slow] == [("tempo-range", 0)]


def test_loader_problems_become_rows_with_their_part_and_difficulty(tmp_path: Path) -> None:
    data = minimal_chart_data()
    data["parts"]["lead"]["hard"][1]["piece"] = "cowbell"
    data["tempo"][0]["bpm"] = -1
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    chart, problems = validate_file(path)
    assert chart is None
    rows = {(p.level, p.part, p.difficulty, p.path) for p in problems}
    assert ("error", "lead", "hard", "parts.lead.hard[1].piece") in rows
    assert ("error", None, None, "tempo[0].bpm") in rows
    cowbell = next(p for p in problems if p.part == "lead")
    assert "unknown piece 'cowbell'" in cowbell.message and cowbell.where() == "lead hard"
