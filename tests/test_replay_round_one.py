"""Replays saved by round one (before a replay carried its rules) still load and re-score
to exactly the Result that round one printed for them (see tests/fixtures/round_one)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from duet_drums.core.chart import Chart, parse_chart
from duet_drums.core.replay import load_replay, rescore
from duet_drums.core.result import Result

FIXTURES = Path(__file__).parent / "fixtures" / "round_one"
CHARTS = {"summit-medley": "summit-medley", "dynamite": "dynamite", "golden": "golden"}
NAMES = sorted(p.name.removesuffix(".replay.json.gz") for p in FIXTURES.glob("*.replay.json.gz"))


def _chart(chart_id: str) -> Chart:
    path = FIXTURES / f"{CHARTS[chart_id]}.chart.json.gz"
    return parse_chart(json.loads(gzip.decompress(path.read_bytes())), str(path))


def _expected(name: str) -> Result:
    return Result.model_validate_json(gzip.decompress((FIXTURES / f"{name}.result.json.gz").read_bytes()))


def test_every_pairing_and_strictness_is_covered() -> None:
    assert len(NAMES) == 4
    strictness = {_expected(n).strictness for n in NAMES}
    assert strictness == {"relaxed", "standard", "strict"}


@pytest.mark.parametrize("name", NAMES)
def test_round_one_replay_rescores_to_its_round_one_result(name: str) -> None:
    replay = load_replay(FIXTURES / f"{name}.replay.json.gz")
    expected = _expected(name)
    result = rescore(replay, _chart(replay.chart_id), file=name)
    assert result == expected
    # Equal as JSON too: what `duet-drums rescore` prints is byte-for-byte round one's.
    assert result.model_dump(mode="json") == expected.model_dump(mode="json")


def test_the_live_replay_holds_late_hits() -> None:
    replay = load_replay(FIXTURES / "live-keyboard-ai-strict.replay.json.gz")
    assert len(replay.late) > 100
    assert replay.calibration["input_offsets_ms"] == {"keyboard": 25.0}
