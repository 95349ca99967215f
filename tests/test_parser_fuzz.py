"""Fuzzing the parsers: whatever bytes a chart, replay or settings file holds, loading it
either works or gives our own error naming the file and the place — never a traceback,
never lost work.

Inputs are random bytes and, closer to what players really meet, real files mutated:
the bundled medley, a replay of a real (simulated) performance and a real settings file,
with values replaced or deleted anywhere in their tree, or bytes inserted, deleted,
flipped or cut off anywhere in their text.
"""

from __future__ import annotations

import copy
import gzip
import json
import re
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import ChartError, load_chart, parse_chart
from duet_drums.core.jsonfile import format_path
from duet_drums.core.replay import ReplayError, load_replay, parse_replay, replay_from_session, replay_to_json
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.settings import Settings, load_settings, save_settings, validate_keeping_good
from tests.chart_factory import minimal_chart_data
from tests.conftest import CHARTS
from tests.engine_support import feed, groove_chart, merged

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FUZZ_BIG = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# What TOML can hold (no null); NaN and infinity included, as TOML allows them.
toml_values = st.recursive(
    st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), inner,
                                                                 max_size=4),
    max_leaves=8,
)

MEDLEY_TEXT = (CHARTS / "summit-medley.json").read_bytes()


def _real_replay_text() -> bytes:
    chart = groove_chart(bars=4)
    session = DuetSession(chart, [PlayerSetup("lead", "expert", name="Ana"), PlayerSetup("partner", "easy")])
    feed(session, merged(bot_hits(session.tracks[0], 0, sigma=0.02, seed=5),
                         bot_hits(session.tracks[1], 1, sigma=0.03, seed=6)))
    replay = replay_from_session(session, "groove", created="2024-05-15T20:00:00",
                                 calibration=Settings().calibration.model_dump())
    return replay_to_json(replay).encode()


REPLAY_TEXT = _real_replay_text()


def _real_settings() -> dict[str, Any]:
    s = Settings()
    s.players[0].name, s.players[1].name = "Ana", "Jo"
    s.midi.assignments = {"TD-17 MIDI 1": 0}
    s.midi.custom_maps = {"mine": {"36": s.players[0].keys["c"]}}
    s.calibration.input_offsets_ms = {"keyboard": 12.5}
    data: dict[str, Any] = s.model_dump(mode="json", exclude_none=True)
    return data


SETTINGS_DATA = _real_settings()
PLACE = re.compile(r"^(\S+: |\(top level\): |line \d+ column \d+|not UTF-8 text \(byte \d+\)|too large)")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


MEDLEY_PATHS = [p for p in _paths(json.loads(MEDLEY_TEXT)) if p]


def _mutate(draw: st.DrawFn, data: Any, paths: list[tuple[Any, ...]], values: Any) -> list[tuple[Any, ...]]:
    """Replace or delete the values at a few paths (skipping paths an earlier change
    removed); returns the paths changed."""
    changed = []
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(values)
        changed.append(path)
    return changed


@st.composite
def mutated_charts(draw: st.DrawFn) -> Any:
    """A valid chart with a few values anywhere in its tree replaced or deleted."""
    data = minimal_chart_data()
    _mutate(draw, data, [p for p in _paths(data) if p], json_values)
    return data


@st.composite
def mutated_medleys(draw: st.DrawFn) -> Any:
    data = json.loads(MEDLEY_TEXT)
    _mutate(draw, data, MEDLEY_PATHS, json_values)
    return data


@st.composite
def mutated_bytes(draw: st.DrawFn, original: bytes) -> bytes:
    """The text with bytes inserted, deleted, replaced or cut off at a few places, or
    with deep nesting or a huge number inserted."""
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "cut", "nest", "digits"]))
        chunk = draw(st.binary(min_size=1, max_size=8))
        if op == "nest":  # deep nesting, as the probe's 100,000 brackets
            data[at:at] = draw(st.sampled_from([b"[", b"{\"a\":", b"[{\"x\":"])) * draw(st.integers(50, 5000))
        elif op == "digits":  # a number too long for Python's int parser
            data[at:at] = b"9" * draw(st.integers(20, 6000))
        elif op == "insert":
            data[at:at] = chunk
        elif op == "delete":
            del data[at:at + len(chunk)]
        elif op == "replace":
            data[at:at + len(chunk)] = chunk
        else:
            del data[at:]
    return bytes(data)


def _assert_chart_error_names_file_and_place(exc: ChartError, file: str) -> None:
    message = str(exc)
    assert message.startswith(f"{file}: ") and exc.problems and "Traceback" not in message
    for path, problem in exc.problems:
        assert path or PLACE.match(problem) or problem in (
            "a chart must be a JSON object",) or problem.startswith("... and "), (path, problem)


def _assert_replay_error_names_file_and_place(exc: ReplayError, file: str) -> None:
    message = str(exc)
    assert message.startswith(f"{file}: ") and "Traceback" not in message
    rest = message[len(file) + 2:]
    assert PLACE.match(rest) or rest in ("a replay must be a JSON object",) or rest.startswith(
        "corrupt gzip data"), rest


@FUZZ
@given(mutated_charts())
def test_mutated_charts_load_or_name_the_problem(data: Any) -> None:
    try:
        chart = parse_chart(copy.deepcopy(data), "fuzz.json")
    except ChartError as exc:
        _assert_chart_error_names_file_and_place(exc, "fuzz.json")
    else:
        assert chart.parts  # what loaded is a usable chart


@FUZZ_BIG
@given(mutated_medleys())
def test_mutated_medley_loads_or_names_the_file_and_place(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "medley.json"
    path.write_text(json.dumps(data))
    try:
        chart = load_chart(path)
    except ChartError as exc:
        _assert_chart_error_names_file_and_place(exc, str(path))
    else:
        assert chart.parts


@FUZZ_BIG
@given(mutated_bytes(MEDLEY_TEXT) | st.binary(max_size=300))
def test_broken_bytes_in_a_chart_file_name_the_file_and_place(tmp_path: Path, blob: bytes) -> None:
    """The medley with broken bytes, or random bytes."""
    path = tmp_path / "medley.json"
    path.write_bytes(blob)
    try:
        load_chart(path)
    except ChartError as exc:
        _assert_chart_error_names_file_and_place(exc, str(path))


@FUZZ
@given(st.data())
def test_mutated_real_replays_load_or_name_the_file_and_place(data: st.DataObject) -> None:
    replay = json.loads(REPLAY_TEXT)
    _mutate(data.draw, replay, [p for p in _paths(replay) if p], json_values)
    try:
        parse_replay(replay, "take.json")
    except ReplayError as exc:
        _assert_replay_error_names_file_and_place(exc, "take.json")


@FUZZ
@given(mutated_bytes(REPLAY_TEXT) | st.binary(max_size=300), st.booleans())
def test_broken_bytes_in_a_replay_file_name_the_file_and_place(tmp_path: Path, blob: bytes, gz: bool) -> None:
    """A real replay with broken bytes, or random bytes; plain or gzip-compressed."""
    path = tmp_path / ("take.json.gz" if gz else "take.json")
    path.write_bytes(gzip.compress(blob, mtime=0) if gz and blob[:1] == b"{" else blob)
    try:
        load_replay(path)
    except ReplayError as exc:
        _assert_replay_error_names_file_and_place(exc, str(path))


def _fresh(tmp_path: Path) -> Path:
    path = tmp_path / "fuzz" / "settings.toml"
    path.parent.mkdir(exist_ok=True)
    for old in path.parent.iterdir():
        old.unlink()
    return path


def _kept_aside(path: Path, original: bytes) -> None:
    kept = [p for p in path.parent.iterdir() if p.name.startswith("settings.toml.corrupt-")]
    assert len(kept) == 1 and kept[0].read_bytes() == original  # nothing is lost


@FUZZ
@given(st.text(max_size=300))
def test_random_settings_text_falls_back_to_defaults_and_keeps_the_file(tmp_path: Path, text: str) -> None:
    path = _fresh(tmp_path)
    path.write_bytes(text.encode("utf-8"))
    loaded, warning = load_settings(path)
    assert isinstance(loaded, Settings)
    if warning is not None:
        assert str(path) in warning
        _kept_aside(path, text.encode("utf-8"))


def _leaves(node: Any, prefix: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], Any]:
    if isinstance(node, dict) and node:
        return {k: v for key, value in node.items() for k, v in _leaves(value, (*prefix, key)).items()}
    if isinstance(node, list) and node:
        return {k: v for i, value in enumerate(node) for k, v in _leaves(value, (*prefix, i)).items()}
    return {prefix: node}


def _related(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


SETTINGS_PATHS = [p for p in _paths(SETTINGS_DATA) if p]


@FUZZ
@given(st.data())
def test_mutated_real_settings_keep_every_untouched_value_and_name_only_touched_keys(
        tmp_path: Path, data: st.DataObject) -> None:
    mutated = copy.deepcopy(SETTINGS_DATA)
    changed = _mutate(data.draw, mutated, SETTINGS_PATHS, toml_values)
    loaded, problems = validate_keeping_good(mutated)
    after = loaded.model_dump(mode="json", exclude_none=True)
    for leaf, value in _leaves(SETTINGS_DATA).items():
        if not any(_related(leaf, c) for c in changed):
            assert _leaves(after).get(leaf) == value, leaf  # every value nobody touched is kept
    for problem in problems:  # and only keys that were touched are named
        named = problem.split(": ", 1)[0]
        assert any(named.startswith(format_path(c)) or format_path(c).startswith(named) for c in changed), (
            problem, changed)

    # And through the file: never an exception, the file named, the original kept.
    path = _fresh(tmp_path)
    original = tomli_w.dumps(mutated).encode()
    path.write_bytes(original)
    from_file, warning = load_settings(path)
    assert from_file == loaded
    if warning is not None:
        assert warning.startswith(f"{path}: ")
        _kept_aside(path, original)
        assert load_settings(path) == (loaded, None)  # repaired once, quiet after


@FUZZ
@given(st.data())
def test_real_settings_with_broken_bytes_never_raise(tmp_path: Path, data: st.DataObject) -> None:
    path = _fresh(tmp_path)
    assert save_settings(Settings.model_validate(SETTINGS_DATA), path) is None
    blob = data.draw(mutated_bytes(path.read_bytes()))
    path.write_bytes(blob)
    loaded, warning = load_settings(path)
    assert isinstance(loaded, Settings)
    if warning is not None:
        assert warning.startswith(f"{path}: ")
        _kept_aside(path, blob)


def test_valid_chart_json_survives_a_dump_and_reload() -> None:
    data = minimal_chart_data()
    assert parse_chart(json.loads(json.dumps(data))) == parse_chart(data)
