"""Hostile replay files (the probe's finding 8): a hit no song can hold, 100,000 levels of
nesting, a gzip bomb, a pipe. Each is refused with the file and the reason, by the loader
and by `duet-drums rescore`, never re-scored silently and never a traceback."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import save_chart
from duet_drums.core.replay import (
    MAX_REPLAY_BYTES,
    ReplayError,
    load_replay,
    replay_from_session,
    save_replay,
)
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.engine_support import feed, groove_chart, merged

ROOT = Path(__file__).resolve().parents[1]


def _recorded(tmp_path: Path) -> tuple[Path, Path, dict[str, Any]]:
    chart = groove_chart(bars=2)
    chart_file = tmp_path / "groove.json"
    save_chart(chart, chart_file)
    session = DuetSession(chart, [PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")])
    feed(session, merged(bot_hits(session.tracks[0], 0, seed=1), bot_hits(session.tracks[1], 1, seed=2)))
    path = tmp_path / "take.json"
    save_replay(replay_from_session(session, "groove"), path)
    return path, chart_file, json.loads(path.read_text())


def _rescore(path: Path, chart_file: Path) -> subprocess.CompletedProcess[str]:
    args = ["rescore", str(path), "--chart", str(chart_file)]
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


def _refused(path: Path) -> str:
    with pytest.raises(ReplayError) as info:
        load_replay(path)
    assert str(info.value).startswith(f"{path}: ")
    return str(info.value)


def test_a_hit_at_1e308_seconds_is_refused_not_rescored(tmp_path: Path) -> None:
    path, chart_file, data = _recorded(tmp_path)
    data["hits"].append([0, "snare", 1e308, 100, "keyboard"])
    path.write_text(json.dumps(data))
    n = len(data["hits"]) - 1
    assert f"hits[{n}][2]: a hit at 1e+308 s is outside any song" in _refused(path)

    proc = _rescore(path, chart_file)
    assert proc.returncode != 0 and proc.stdout == ""
    assert "outside any song" in proc.stderr and "Traceback" not in proc.stderr


def test_100k_levels_of_nesting_is_a_message(tmp_path: Path) -> None:
    path, chart_file, data = _recorded(tmp_path)
    text = path.read_text()
    path.write_text(text[:-1] + ',"calibration":' + "[" * 100_000)
    assert "nested more than 64 levels deep" in _refused(path)
    deep: Any = 1
    for _ in range(200):  # deep enough to trouble a walker, not the decoder
        deep = [deep]
    data["calibration"] = {"x": deep}
    path.write_text(json.dumps(data))
    assert "calibration.x" in _refused(path) and "nested more than 64 levels" in _refused(path)

    proc = _rescore(path, chart_file)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "nested more than" in proc.stderr


def test_a_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b" " * (MAX_REPLAY_BYTES + 10), compresslevel=9))
    assert path.stat().st_size < 100_000
    assert "too large: more than 32.0 MB once decompressed" in _refused(path)


def test_a_truncated_gzip_is_named(tmp_path: Path) -> None:
    path, _, _ = _recorded(tmp_path)
    packed = tmp_path / "take.json.gz"
    packed.write_bytes(gzip.compress(path.read_bytes())[:-30])
    assert "corrupt gzip data" in _refused(packed)


def test_a_pipe_or_device_named_like_a_replay_is_refused_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.json")
    assert "a pipe (FIFO), not a file" in _refused(tmp_path / "pipe.json")
    (tmp_path / "zero.json.gz").symlink_to("/dev/zero")
    assert "a device, not a file" in _refused(tmp_path / "zero.json.gz")
