"""The charts the game ships with: valid, reproducible, playable, and built for two.

These are the promises a player notices: the medley really changes tempo between the
songs, easy is easy, the newcomer's notes line up with the lead's on any pair of
difficulties (so the sync score means something), and nothing asks for a third hand.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from duet_drums.core.chart import DIFFICULTIES, Chart, chart_to_json, load_chart, save_chart
from duet_drums.core.kit import CYMBALS, FIVE_LANE, TOMS, Dynamic, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.paths import charts_dir

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "make_charts.py"
FILES = ("summit-medley.json", "dynamite.json", "golden.json")
FEET = {Piece.KICK, Piece.KICK2, Piece.HIHAT_PEDAL}
PARTS = ("lead", "partner")


def _load(name: str) -> Chart:
    return load_chart(charts_dir() / name)


@pytest.fixture(scope="module")
def medley() -> Chart:
    return _load("summit-medley.json")


@pytest.mark.parametrize("name", FILES)
def test_chart_loads_and_round_trips_to_identical_text(name: str, tmp_path: Path) -> None:
    chart = _load(name)
    assert chart.metadata.id == name.removesuffix(".json")
    save_chart(chart, tmp_path / name)
    assert (tmp_path / name).read_text(encoding="utf-8") == (charts_dir() / name).read_text(encoding="utf-8")
    assert chart_to_json(chart) == (charts_dir() / name).read_text(encoding="utf-8")


def test_medley_expert_lead_is_busy_enough(medley: Chart) -> None:
    tm = TempoMap.from_chart(medley)
    notes = medley.notes("lead", "expert")
    span = tm.seconds(notes[-1].tick) - tm.seconds(notes[0].tick)
    assert len(notes) / span >= 3.0


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("part", PARTS)
def test_difficulties_grow_and_easy_is_at_most_half_of_expert(name: str, part: str) -> None:
    chart = _load(name)
    counts = [len(chart.notes(part, d)) for d in DIFFICULTIES]
    assert counts == sorted(counts), counts
    assert counts[0] * 2 <= counts[-1], counts


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize(("lead_diff", "partner_diff"), list(itertools.product(DIFFICULTIES, DIFFICULTIES)))
def test_partner_notes_mostly_land_on_lead_notes(name: str, lead_diff: str, partner_diff: str) -> None:
    """Sync is scored on unisons: every pairing of difficulties must leave plenty."""
    chart = _load(name)
    lead_ticks = {n.tick for n in chart.notes("lead", lead_diff)}
    partner = chart.notes("partner", partner_diff)
    unison = sum(n.tick in lead_ticks for n in partner) / len(partner)
    assert unison >= 0.30, f"only {unison:.0%} unisons"


def test_medley_changes_tempo_between_the_songs(medley: Chart) -> None:
    bpms = [t.bpm for t in medley.tempo]
    assert len(set(bpms)) > 1
    assert any(abs(b - 114) <= 2 for b in bpms)
    assert any(abs(b - 123) <= 2 for b in bpms)
    # Dynamite's tempo first, Golden's at the end.
    assert abs(bpms[0] - 114) <= 2 and abs(bpms[-1] - 123) <= 2
    golden_start = next(s.tick for s in medley.sections if s.name.startswith("Golden"))
    assert abs(TempoMap.from_chart(medley).bpm_at(golden_start) - 123) <= 2


def test_medley_is_long_enough_and_named_throughout(medley: Chart) -> None:
    tm = TempoMap.from_chart(medley)
    assert tm.seconds(medley.last_tick()) >= 120
    names = [s.name for s in medley.sections]
    assert len(names) >= 6
    assert medley.sections[0].tick == 0
    assert any("Chorus" in n and not n.startswith("Golden") for n in names)
    assert any(n.startswith("Golden") and "Chorus" in n for n in names)


@pytest.mark.parametrize("name", ("dynamite.json", "golden.json"))
def test_single_songs_keep_their_own_tempo(name: str) -> None:
    chart = _load(name)
    expected = 114 if name.startswith("dynamite") else 123
    assert [round(t.bpm) for t in chart.tempo] == [expected]
    assert TempoMap.from_chart(chart).seconds(chart.last_tick()) >= 60


@pytest.mark.parametrize("name", FILES)
def test_backing_is_playable_without_audio(name: str) -> None:
    backing = _load(name).metadata.backing
    assert backing.click and backing.count_in_beats == 4 and backing.bass == "kick"
    assert len({c.name for c in backing.chords}) >= 4


@pytest.mark.parametrize("name", FILES)
def test_songs_start_on_the_downbeat_after_the_count_in(name: str) -> None:
    chart = _load(name)
    for part in PARTS:
        for diff in DIFFICULTIES:
            assert chart.notes(part, diff)[0].tick == 0, (part, diff)


@pytest.mark.parametrize("name", FILES)
def test_double_kick_only_on_expert(name: str) -> None:
    chart = _load(name)
    for part in PARTS:
        for diff in ("easy", "medium", "hard"):
            assert all(n.piece is not Piece.KICK2 for n in chart.notes(part, diff)), (part, diff)


def test_expert_lead_uses_the_whole_kit(medley: Chart) -> None:
    notes = medley.notes("lead", "expert")
    pieces = {n.piece for n in notes}
    dynamics = {n.dynamic for n in notes}
    assert Piece.KICK2 in pieces
    assert {Dynamic.GHOST, Dynamic.ACCENT} <= dynamics
    assert pieces & TOMS
    assert len(pieces & CYMBALS) >= 3


def test_partner_is_a_newcomer_part(medley: Chart) -> None:
    for diff in DIFFICULTIES:
        notes = medley.notes("partner", diff)
        kick_snare = sum(n.piece in (Piece.KICK, Piece.SNARE) for n in notes)
        assert kick_snare / len(notes) >= 0.5
        assert not {n.piece for n in notes} & TOMS
    assert not any(n.piece in (Piece.HIHAT, Piece.HIHAT_OPEN) for n in medley.notes("partner", "easy"))


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("diff", DIFFICULTIES)
def test_every_moment_is_physically_playable(name: str, part: str, diff: str) -> None:
    by_tick: dict[int, list[Piece]] = {}
    for n in _load(name).notes(part, diff):
        by_tick.setdefault(n.tick, []).append(n.piece)
    for tick, pieces in by_tick.items():
        hands = [p for p in pieces if p not in FEET]
        feet = [p for p in pieces if p in FEET]
        assert len(hands) <= 2 and len(feet) <= 2, (tick, pieces)
        assert not {Piece.HIHAT, Piece.HIHAT_OPEN} <= set(pieces), (tick, pieces)
        lanes = [FIVE_LANE.lane_of(p) for p in pieces]
        assert len(lanes) == len(set(lanes)), f"two notes in one 5-lane lane at {tick}: {pieces}"
        if diff in ("easy", "medium"):
            assert len(pieces) <= 2, (tick, pieces)
        if diff == "easy":
            assert len(pieces) == 1 or not (set(pieces) & {Piece.KICK}), (tick, pieces)


def test_fills_resolve_on_the_downbeat_with_crash_and_kick(medley: Chart) -> None:
    fills = [s for s in medley.parts["lead"].spans if s.kind == "fill"]
    assert len(fills) >= 8
    expert = medley.notes("lead", "expert")
    for span in fills:
        assert span.end_tick % (4 * medley.resolution) == 0, span
        inside = {n.piece for n in expert if span.tick <= n.tick < span.end_tick}
        assert inside & (TOMS | {Piece.SNARE}), span
        if span.end_tick <= medley.last_tick():
            landing = {n.piece for n in expert if n.tick == span.end_tick}
            assert {Piece.CRASH, Piece.KICK} <= landing, span


def test_versus_phrases_trade_between_the_players(medley: Chart) -> None:
    for part in PARTS:
        kinds = {s.kind for s in medley.parts[part].spans}
        assert {"versus1", "versus2"} <= kinds
    for span in medley.parts["lead"].spans:
        if span.kind not in ("versus1", "versus2"):
            continue
        lead = sum(span.tick <= n.tick < span.end_tick for n in medley.notes("lead", "expert"))
        partner = sum(span.tick <= n.tick < span.end_tick for n in medley.notes("partner", "expert"))
        assert (lead > partner) == (span.kind == "versus1"), (span, lead, partner)


def test_files_on_disk_are_what_the_script_writes() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_script_is_deterministic_and_check_catches_edits(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes()
    text = (a / "golden.json").read_text(encoding="utf-8")
    (a / "golden.json").write_text(text.replace('"bpm": 123.0', '"bpm": 124.0'), encoding="utf-8")
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(a), "--check"], capture_output=True)
    assert result.returncode == 1
