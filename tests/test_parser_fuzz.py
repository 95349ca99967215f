"""Fuzzing the parsers: whatever bytes a chart, replay or settings file holds, loading it
either works or gives our own error naming the file — never a traceback, never lost work."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.chart import ChartError, load_chart, parse_chart
from duet_drums.core.replay import ReplayError, load_replay
from duet_drums.settings import Settings, load_settings
from tests.chart_factory import minimal_chart_data

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def mutated_charts(draw: st.DrawFn) -> Any:
    """A valid chart with a few values anywhere in its tree replaced or deleted."""
    data = minimal_chart_data()
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return data


@FUZZ
@given(mutated_charts())
def test_mutated_charts_load_or_name_the_problem(data: Any) -> None:
    try:
        chart = parse_chart(copy.deepcopy(data), "fuzz.json")
    except ChartError as exc:
        message = str(exc)
        assert message.startswith("fuzz.json: ") and exc.problems
        assert "Traceback" not in message
    else:
        assert chart.parts  # what loaded is a usable chart


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_as_a_chart_file(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "junk.json"
    path.write_bytes(blob)
    try:
        load_chart(path)
    except ChartError as exc:
        assert str(exc).startswith(str(path))


@FUZZ
@given(st.binary(max_size=300), st.booleans())
def test_random_bytes_as_a_replay_file(tmp_path: Path, blob: bytes, gz: bool) -> None:
    path = tmp_path / ("junk.replay.json.gz" if gz else "junk.replay.json")
    path.write_bytes(blob)
    try:
        load_replay(path)
    except ReplayError as exc:
        assert str(path) in str(exc)


@FUZZ
@given(st.text(max_size=300))
def test_random_settings_text_falls_back_to_defaults_and_keeps_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz" / "settings.toml"
    path.parent.mkdir(exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    path.write_bytes(text.encode("utf-8"))
    loaded, warning = load_settings(path)
    assert isinstance(loaded, Settings)
    if warning is not None:
        assert str(path) in warning
        kept = [p for p in path.parent.iterdir() if p.name.startswith("settings.toml.corrupt-")]
        assert kept and kept[0].read_bytes() == text.encode("utf-8")  # nothing is lost


def test_valid_chart_json_survives_a_dump_and_reload() -> None:
    data = minimal_chart_data()
    assert parse_chart(json.loads(json.dumps(data))) == parse_chart(data)
