"""The chart editor entry point: info and canonical formatting, with clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.chart_factory import minimal_chart_data

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "chart_editor.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_format_rewrites_canonically_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    path.write_text(json.dumps(minimal_chart_data()))  # one long line
    first = _run("format", str(path))
    assert first.returncode == 0 and "formatted" in first.stdout
    text = path.read_text()
    assert text.count("\n") > 20
    second = _run("format", str(path))
    assert "unchanged" in second.stdout and path.read_text() == text


def test_info_lists_sections_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    path.write_text(json.dumps(minimal_chart_data()))
    out = _run("info", str(path))
    assert out.returncode == 0
    assert "Intro" in out.stdout and "lead" in out.stdout and "5 notes" in out.stdout


def test_broken_chart_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = minimal_chart_data()
    data["tempo"][0]["bpm"] = 0
    original = json.dumps(data)
    path.write_text(original)
    out = _run("format", str(path))
    assert out.returncode == 1
    assert f"{path}: tempo[0].bpm: BPM must be greater than 0" in out.stderr
    assert path.read_text() == original
