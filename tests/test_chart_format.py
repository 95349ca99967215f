"""Chart loading: good charts round-trip; every kind of bad chart gives a message naming
the file, the JSON path and the problem — never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from duet_drums.core.chart import Chart, ChartError, chart_json_schema, load_chart, parse_chart, save_chart
from tests.chart_factory import minimal_chart_data
from tests.engine_support import charts


def _write(tmp_path: Path, data: Any, name: str = "song.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def test_round_trip_is_identical(tmp_path: Path) -> None:
    chart = parse_chart(minimal_chart_data())
    path = tmp_path / "a.json"
    save_chart(chart, path)
    again = load_chart(path)
    assert again == chart
    save_chart(again, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


def test_notes_are_one_per_line_for_readable_diffs(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    save_chart(parse_chart(minimal_chart_data()), path)
    lines = path.read_text().splitlines()
    assert any(line.strip().startswith('{"tick": 480, "piece": "snare"}') for line in lines)


def _bad(mutate: Any) -> dict[str, Any]:
    data = minimal_chart_data()
    mutate(data)
    return data


BAD_CHARTS = {
    "unknown piece": (
        lambda d: d["parts"]["lead"]["expert"].__setitem__(2, {"tick": 480, "piece": "cowbell"}),
        "parts.lead.expert[2].piece", "unknown piece 'cowbell'"),
    "tick out of order": (
        lambda d: d["parts"]["lead"]["hard"].__setitem__(3, {"tick": 100, "piece": "kick"}),
        "parts.lead.hard[3].tick", "must be sorted"),
    "negative tick": (
        lambda d: d["parts"]["partner"]["easy"].__setitem__(0, {"tick": -5, "piece": "kick"}),
        "parts.partner.easy[0].tick", "tick must be greater than or equal to 0"),
    "bpm zero": (
        lambda d: d["tempo"].__setitem__(0, {"tick": 0, "bpm": 0}),
        "tempo[0].bpm", "BPM must be greater than 0"),
    "bpm negative": (
        lambda d: d["tempo"].append({"tick": 960, "bpm": -90}),
        "tempo[1].bpm", "BPM must be greater than 0"),
    "duplicate note": (
        lambda d: d["parts"]["lead"]["medium"].insert(3, {"tick": 480, "piece": "snare"}),
        "parts.lead.medium[3]", "duplicate note: snare twice at tick 480"),
    "missing difficulty": (
        lambda d: d["parts"]["partner"].pop("hard"),
        "parts.partner.hard", "missing difficulty 'hard'"),
    "wrong format version": (
        lambda d: d.__setitem__("format", 2),
        "format", "unsupported format version 2"),
    "tempo out of order": (
        lambda d: d["tempo"].extend([{"tick": 960, "bpm": 100}, {"tick": 480, "bpm": 90}]),
        "tempo[2].tick", "ticks must be in order"),
    "velocity out of range": (
        lambda d: d["parts"]["lead"]["easy"].__setitem__(0, {"tick": 0, "piece": "kick", "velocity": 200}),
        "parts.lead.easy[0].velocity", "127"),
}


@pytest.mark.parametrize("case", sorted(BAD_CHARTS))
def test_bad_chart_message_names_file_path_and_problem(tmp_path: Path, case: str) -> None:
    mutate, where, what = BAD_CHARTS[case]
    path = _write(tmp_path, _bad(mutate), "broken song.json")
    with pytest.raises(ChartError) as info:
        load_chart(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert f": {where}: " in message, message
    assert what in message, message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path, '{"format": 1,\n  "metadata": {,}\n}')
    with pytest.raises(ChartError) as info:
        load_chart(path)
    assert str(path) in str(info.value) and "line 2 column" in str(info.value)


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match="file not found"):
        load_chart(tmp_path / "nope.json")
    bad = tmp_path / "latin1.json"
    bad.write_bytes(b'{"title": "Caf\xe9"}')
    with pytest.raises(ChartError, match="not UTF-8"):
        load_chart(bad)


def test_validate_cli_prints_messages_not_tracebacks(tmp_path: Path) -> None:
    good = _write(tmp_path, minimal_chart_data(), "good.json")
    bad = _write(tmp_path, _bad(BAD_CHARTS["unknown piece"][0]), "bad.json")
    proc = subprocess.run([sys.executable, "-m", "duet_drums", "validate", str(good), str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}: parts.lead.expert[2].piece: unknown piece 'cowbell'" in proc.stderr
    assert f"ok {good}" in proc.stdout


def test_list_cli_shows_broken_chart_and_keeps_going(tmp_path: Path) -> None:
    _write(tmp_path, minimal_chart_data(), "good.json")
    _write(tmp_path, _bad(BAD_CHARTS["bpm zero"][0]), "bad.json")
    proc = subprocess.run([sys.executable, "-m", "duet_drums", "list", "--dir", str(tmp_path), "--json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    by_file = {Path(r["file"]).name: r for r in rows}
    assert "BPM must be greater than 0" in by_file["bad.json"]["error"]
    assert by_file["good.json"]["notes"]["lead"]["expert"] == 5
    assert by_file["good.json"]["duration_s"] == pytest.approx(1.5)


def test_schema_describes_pieces_and_difficulties() -> None:
    schema = chart_json_schema()
    text = json.dumps(schema)
    assert "hihat_open" in text and "kick2" in text
    assert set(schema["$defs"]["Part"]["required"]) >= {"easy", "medium", "hard", "expert"}
    proc = subprocess.run([sys.executable, "-m", "duet_drums", "schema"], capture_output=True,
                          text=True, timeout=60)
    assert json.loads(proc.stdout)["title"] == "Duet Drums chart"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(charts())
def test_any_chart_round_trips_through_its_file(tmp_path: Path, chart: Chart) -> None:
    path = tmp_path / "round.json"
    save_chart(chart, path)
    text = path.read_text()
    again = load_chart(path)
    assert again == chart
    save_chart(again, path)
    assert path.read_text() == text
