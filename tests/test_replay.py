"""Replays: a saved hit stream re-scores to the identical Result; bad files are named."""

from __future__ import annotations

import gzip
import json
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import chart_hash
from duet_drums.core.hits import Hit
from duet_drums.core.kit import PIECES, Piece
from duet_drums.core.replay import (
    Replay,
    ReplayError,
    load_replay,
    replay_from_session,
    replay_to_json,
    rescore,
    save_replay,
)
from duet_drums.core.rules import RULE_FIELDS, rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.engine_support import EXPERT_PAIR, charts, feed, groove_chart, make_chart, merged

PLAYERS = (PlayerSetup("lead", "expert", "full-kit", "Ana"), PlayerSetup("partner", "expert", name="Ben"))


def played_session(chart, strictness="standard", sigma=0.02, seed=3) -> DuetSession:
    s = DuetSession(chart, PLAYERS, rules_for(strictness))
    feed(s, merged(bot_hits(s.tracks[0], 0, sigma=sigma, seed=seed, miss_rate=0.05),
                   bot_hits(s.tracks[1], 1, sigma=sigma, seed=seed + 1, velocity_from_chart=False)))
    return s


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(), st.data())
def test_saved_replay_rescores_identically(chart, data):
    s = DuetSession(chart, EXPERT_PAIR, rules_for(data.draw(st.sampled_from(["relaxed", "strict"]))))
    hits = merged(bot_hits(s.tracks[0], 0, sigma=0.03, seed=1), bot_hits(s.tracks[1], 1, sigma=0.03, seed=2))
    hits += data.draw(st.lists(st.builds(Hit, st.integers(0, 1), st.sampled_from(PIECES),
                                         st.floats(-0.2, s.end_time + 0.2), st.none()), max_size=10))
    hits.sort(key=lambda h: h.t)
    for hit in hits:
        # The live clock sometimes runs ahead of input still in flight (late hits).
        if data.draw(st.integers(0, 4)) == 0:
            s.advance(hit.t + data.draw(st.floats(0.0, 0.3)))
        s.hit(hit)
    original = s.finish()
    replay = replay_from_session(s, "generated", "2024-01-01T00:00:00")
    suffix = data.draw(st.sampled_from([".json", ".json.gz"]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"take{suffix}"
        save_replay(replay, path)
        loaded = load_replay(path)
    assert loaded == replay
    assert rescore(loaded, chart) == original
    again = type(original).model_validate_json(original.model_dump_json())
    assert again == original


def test_late_hits_are_recorded_and_replayed(tmp_path):
    chart = make_chart([(480, "snare"), (960, "snare")], [(480, "snare")])
    live = DuetSession(chart, EXPERT_PAIR)
    live.advance(0.6)  # the frame ran past a hit still in flight...
    live.hit(Hit(0, Piece.SNARE, 0.53))  # ...which still judges the open note
    live.advance(1.5)  # the second snare passes
    live.hit(Hit(0, Piece.SNARE, 1.1))  # too late to take it: an overhit, as live
    live.hit(Hit(1, Piece.SNARE, 0.5))  # P2's note was passed at 1.5 s: an overhit too
    result = live.finish()
    assert [p.overhits for p in result.players] == [1, 1]
    assert result.players[0].counts["great"] == 1
    replay = replay_from_session(live, "x")
    assert replay.late == [(0, 0.6), (1, 1.5), (2, 1.5)]
    save_replay(replay, tmp_path / "r.json")
    assert rescore(load_replay(tmp_path / "r.json"), chart) == result
    # Without the recorded horizons the same hits would have judged differently.
    naive = DuetSession(chart, EXPERT_PAIR)
    feed(naive, live.hits)
    assert naive.finish() != result


def test_replay_records_setup_and_context(tmp_path):
    chart = groove_chart(bars=2)
    s = played_session(chart, "strict")
    replay = replay_from_session(s, "groove", "2024-05-01T12:00:00Z", {"keyboard": -12.5})
    assert replay.strictness == "strict" and replay.chart_id == "groove"
    assert replay.chart_hash == chart_hash(chart)
    assert [p.name for p in replay.players] == ["Ana", "Ben"]
    assert replay.players[0].layout == "full-kit"
    assert replay.calibration == {"keyboard": -12.5}
    assert len(replay.hits) == len(s.hits)
    assert replay.hits[0] == (s.hits[0].player, s.hits[0].piece, s.hits[0].t, s.hits[0].velocity, "bot")
    assert rescore(replay, chart).strictness == "strict"


def test_gz_replays_are_compressed(tmp_path):
    s = played_session(groove_chart(bars=16))
    replay = replay_from_session(s, "groove")
    save_replay(replay, tmp_path / "r.json.gz")
    save_replay(replay, tmp_path / "r.json")
    raw = (tmp_path / "r.json.gz").read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert len(raw) < (tmp_path / "r.json").stat().st_size / 2
    assert json.loads(gzip.decompress(raw))["chart_id"] == "groove"


def _replay_file(tmp_path) -> tuple[Path, dict]:
    s = played_session(groove_chart(bars=2))
    path = tmp_path / "take.json"
    save_replay(replay_from_session(s, "groove"), path)
    return path, json.loads(path.read_text())


def test_corrupt_json_names_the_file_and_place(tmp_path):
    path, _ = _replay_file(tmp_path)
    path.write_text(path.read_text()[:-20])
    with pytest.raises(ReplayError) as err:
        load_replay(path)
    assert str(path) in str(err.value)
    assert "line 1 column" in str(err.value) and "invalid JSON" in str(err.value)


def test_corrupt_gzip_names_the_file(tmp_path):
    path = tmp_path / "take.json.gz"
    path.write_bytes(gzip.compress(b'{"format": 1}')[:-6])
    with pytest.raises(ReplayError, match=f"{path}: corrupt gzip"):
        load_replay(path)


def test_wrong_version_is_refused_with_a_clear_message(tmp_path):
    path, data = _replay_file(tmp_path)
    data["format"] = 7
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError, match=r"take\.json: format: unsupported replay format 7"):
        load_replay(path)


def test_bad_hit_names_its_place(tmp_path):
    path, data = _replay_file(tmp_path)
    data["hits"][3][1] = "cowbell"
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError) as err:
        load_replay(path)
    assert str(path) in str(err.value) and "hits[3][1]" in str(err.value) and "cowbell" in str(err.value)


def test_impossible_hit_is_refused_with_its_place(tmp_path):
    path, data = _replay_file(tmp_path)
    data["hits"][2][0] = 5
    replay = Replay.model_validate(data)
    with pytest.raises(ReplayError, match=r"take\.json: hits\[2\]: hit for player 5"):
        rescore(replay, groove_chart(bars=2), file=str(path))


def test_missing_file(tmp_path):
    with pytest.raises(ReplayError, match=r"nope\.json: file not found"):
        load_replay(tmp_path / "nope.json")


def test_chart_hash_mismatch_is_refused_unless_forced(tmp_path):
    chart = groove_chart(bars=2)
    path, _ = _replay_file(tmp_path)
    replay = load_replay(path)
    edited = groove_chart(bars=3)
    with pytest.raises(ReplayError) as err:
        rescore(replay, edited, file=str(path))
    msg = str(err.value)
    assert msg.startswith(f"{path}: ") and "chart was edited" in msg and "--force" in msg
    assert rescore(replay, edited, force=True).players[0].notes > rescore(replay, chart).players[0].notes


def test_replay_for_a_missing_part_is_explained(tmp_path):
    _, data = _replay_file(tmp_path)
    replay = Replay.model_validate({**data, "players": [{"part": "drums", "difficulty": "expert"},
                                                        data["players"][1]]})
    with pytest.raises(ReplayError, match="has no part 'drums'"):
        rescore(replay, groove_chart(bars=2), force=True)


def test_a_replay_rescores_under_its_own_rules_not_todays(tmp_path):
    """Change every kind of scoring number: the replay carries them, so its re-score
    equals the live result, and differs from a re-score under the standard rules."""
    chart = groove_chart(bars=8)
    house = replace(rules_for("standard"), perfect=0.02, points=(300, 150, 60, 0),
                    accuracy_weights=(1.0, 0.5, 0.25, 0.0), combo_per_multiplier_step=5, max_multiplier=8,
                    dynamics_bonus=45, sync_full=0.004, sync_none=0.02, duet_streak=2, duet_min_credit=0.3,
                    duet_bonus=90)
    s = DuetSession(chart, PLAYERS, house)
    feed(s, merged(bot_hits(s.tracks[0], 0, sigma=0.015, seed=8),
                   bot_hits(s.tracks[1], 1, sigma=0.015, seed=9)))
    live = s.finish()
    path = tmp_path / "house.json"
    save_replay(replay_from_session(s, "groove"), path)
    assert json.loads(path.read_text())["rules"]["points"] == [300, 150, 60, 0]
    loaded = load_replay(path)
    assert loaded.format == 2 and loaded.rules == house
    assert rescore(loaded, chart) == live
    standard = rescore(loaded.model_copy(update={"rules": rules_for("standard")}), chart)
    assert standard.players[0].score != live.players[0].score
    assert standard.sync.duet_bonus_points != live.sync.duet_bonus_points


def test_a_format_two_replay_must_spell_out_every_rule(tmp_path):
    path, data = _replay_file(tmp_path)
    assert data["format"] == 2 and set(data["rules"]) == set(RULE_FIELDS)
    del data["rules"]["duet_bonus"]
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError, match=r"take\.json: rules: missing duet_bonus"):
        load_replay(path)
    del data["rules"]
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError, match=r"take\.json: rules: missing"):
        load_replay(path)


def test_impossible_rules_are_refused_with_their_place(tmp_path):
    path, data = _replay_file(tmp_path)
    data["rules"]["great"] = 0.5  # wider than the good window
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError, match=r"take\.json: rules: .*perfect <= great <= good"):
        load_replay(path)
    data["rules"]["great"] = 0.05
    data["strictness"] = "strict"
    path.write_text(json.dumps(data))
    with pytest.raises(ReplayError, match=r"strictness: 'strict', but rules\.strictness is 'standard'"):
        load_replay(path)


def test_format_one_replays_use_round_one_rules(tmp_path):
    """A format-1 replay has only a strictness name; it is scored by the numbers round one
    played by (relaxed: windows x1.4, sync 20/80 ms), pinned apart from today's defaults."""
    chart = groove_chart(bars=4)
    s = played_session(chart, "relaxed")
    original = s.finish()
    data = json.loads(replay_to_json(replay_from_session(s, "groove")))
    data["format"] = 1
    del data["rules"]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(data))
    old = load_replay(path)
    rules = old.scoring_rules()
    assert old.rules is None and rules.strictness == "relaxed"
    assert (rules.perfect, rules.great, rules.good, rules.miss) == pytest.approx((0.035, 0.07, 0.126, 0.189))
    assert (rules.sync_full, rules.sync_none) == (0.020, 0.080)
    assert rules.points == (100, 70, 40, 0) and (rules.max_multiplier, rules.duet_bonus) == (4, 50)
    assert rescore(old, chart) == original
