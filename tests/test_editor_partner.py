"""`partner` and the duet tools: a beginner's part that mostly plays with the lead."""

from __future__ import annotations

import pytest

from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Section
from duet_drums.core.kit import Dynamic, Piece
from duet_drums.editor.duet import (
    density_curve,
    notes_per_second,
    section_duet,
    unison_percent,
    unison_ticks,
)
from duet_drums.editor.partner import build_partner
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.validate import validate_chart
from tests.editor_support import chart_with, load_bundled

MEDLEY = "summit-medley.json"


@pytest.fixture(scope="module")
def built() -> Chart:
    return build_partner(load_bundled(MEDLEY))


def test_partner_of_the_medley_lead_is_mostly_unisons(built: Chart) -> None:
    for d in DIFFICULTIES:
        assert unison_percent(built, ("lead", d), ("partner", d)) >= 60.0, d
        assert unison_percent(built, ("lead", "expert"), ("partner", d)) == 100.0, d


def test_partner_density_falls_from_expert_to_easy_and_stays_below_the_lead(built: Chart) -> None:
    densities = [notes_per_second(built, "partner", d) for d in DIFFICULTIES]
    assert densities == sorted(densities) and len(set(densities)) == 4
    for d in DIFFICULTIES:
        assert notes_per_second(built, "partner", d) < notes_per_second(built, "lead", d)


def test_partner_is_a_beginners_part_of_the_leads_own_notes(built: Chart) -> None:
    lead = {(n.tick, n.piece) for n in built.notes("lead", "expert")}
    partner = built.notes("partner", "expert")
    assert {(n.tick, n.piece) for n in partner} <= lead
    assert not any(n.dynamic is Dynamic.GHOST or n.piece in (Piece.KICK2, Piece.TOM1, Piece.TOM2, Piece.TOM3)
                   for n in partner)
    backbone = [n for n in built.notes("lead", "expert") if n.piece in (Piece.KICK, Piece.SNARE)
                and n.tick % 480 == 0 and n.dynamic is not Dynamic.GHOST]
    assert {(n.tick, n.piece) for n in backbone} <= {(n.tick, n.piece) for n in partner}
    assert [p for p in validate_chart(built) if p.part == "partner"] == []
    assert {s.kind for s in built.parts["partner"].spans} <= {"star", "versus1", "versus2"}


def test_partner_refuses_to_overwrite_its_lead() -> None:
    with pytest.raises(EditError, match="another name than the lead"):
        build_partner(load_bundled(MEDLEY), lead="lead", name="lead")
    with pytest.raises(EditError, match="no part 'drums'"):
        build_partner(load_bundled(MEDLEY), lead="drums")


def test_partner_can_be_added_to_a_one_part_chart() -> None:
    notes = [Note(tick=t, piece=Piece.KICK if t % 960 == 0 else Piece.SNARE) for t in range(0, 7680, 480)]
    offbeat_hats = [Note(tick=t + 240, piece=Piece.HIHAT) for t in range(0, 7680, 480)]
    chart = build_partner(chart_with(notes + offbeat_hats))
    assert list(chart.parts) == ["lead", "partner"]
    assert [(n.tick, n.piece) for n in chart.notes("partner", "expert")] == [(n.tick, n.piece) for n in notes]


def test_unison_map_per_section() -> None:
    lead = [Note(tick=t, piece=Piece.HIHAT) for t in range(0, 3840, 240)]
    partner = [Note(tick=t, piece=Piece.KICK) for t in range(0, 1920, 480)]
    partner += [Note(tick=t + 120, piece=Piece.SNARE) for t in range(1920, 3840, 480)]
    sections = [Section(tick=0, name="A"), Section(tick=1920, name="B")]
    chart = chart_with(lead, partner=partner, sections=sections)
    rows = section_duet(chart, ("lead", "expert"), ("partner", "expert"))
    assert [(r.name, r.partner_notes, r.unison_notes, r.unison_percent) for r in rows] == [
        ("A", 4, 4, 100.0), ("B", 4, 0, 0.0)]
    assert rows[0].lead_nps == pytest.approx(8 / 2.0) and rows[0].partner_nps == pytest.approx(2.0)
    assert unison_ticks(chart, ("lead", "expert"), ("partner", "expert")) == frozenset(range(0, 1920, 480))
    assert unison_percent(chart, ("lead", "expert"), ("partner", "expert")) == 50.0


def test_density_curve_follows_the_song() -> None:
    notes = [Note(tick=t, piece=Piece.SNARE) for t in range(0, 1920, 480)]  # 2/s for 2 s
    notes += [Note(tick=t, piece=Piece.SNARE) for t in range(1920, 5760, 120)]  # 8/s for 4 s
    curve = dict(density_curve(chart_with(notes), "lead", "expert", window_s=1.0, step_s=0.5))
    assert curve[1.0] == pytest.approx(2.0) and curve[4.0] == pytest.approx(8.0)
    medley = load_bundled(MEDLEY)
    full = section_duet(medley, ("lead", "expert"), ("partner", "expert"))
    assert [r.name for r in full] == [s.name for s in medley.sections]
    assert sum(r.partner_notes for r in full) == len(medley.notes("partner", "expert"))
