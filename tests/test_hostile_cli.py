"""Faults that used to end in a traceback or the wrong message (the probe's finding 8):
exporting a replay with a bad score number, into a folder, or from a damaged blob; and
starting the window where no display answers."""

from __future__ import annotations

import gzip
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from duet_drums.core.replay import load_replay
from duet_drums.storage.scores import ScoreDB, ScoreEntry, scores_path
from tests.test_hostile_replays import _recorded

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)


def _stored_replay(tmp_path: Path) -> int:
    path, _, _ = _recorded(tmp_path)
    db = ScoreDB()
    outcome = db.save(ScoreEntry("groove", "lead", "expert", "Ann", 100, 90.0),
                      replay=gzip.compress(path.read_bytes(), mtime=0))
    db.close()
    assert outcome.row_id is not None
    return outcome.row_id


def test_export_replay_faults_are_messages(tmp_path: Path) -> None:
    row = _stored_replay(tmp_path)
    out = tmp_path / "out.json"

    bad_id = _run("scores", "--export-replay", "abc", str(out))
    assert bad_id.returncode == 2 and "Traceback" not in bad_id.stderr
    assert "'abc' is not a score number" in bad_id.stderr

    folder = _run("scores", "--export-replay", str(row), str(tmp_path))
    assert folder.returncode == 2 and "Traceback" not in folder.stderr
    assert f"{tmp_path} is a folder" in folder.stderr

    good = _run("scores", "--export-replay", str(row), str(out))
    assert good.returncode == 0, good.stderr
    assert load_replay(out).chart_id == "groove"

    conn = sqlite3.connect(scores_path())
    conn.execute("UPDATE scores SET replay=? WHERE id=?", (b"\x1f\x8b\x08\x00garbage", row))
    conn.commit()
    conn.close()
    damaged = _run("scores", "--export-replay", str(row), str(tmp_path / "damaged.json"))
    assert damaged.returncode == 1 and "Traceback" not in damaged.stderr
    assert f"the replay stored for score #{row} is damaged" in damaged.stderr
    assert not (tmp_path / "damaged.json").exists()


def _env_without_display(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.update(extra)
    return env


@pytest.mark.parametrize(("extra", "words"), [
    ({"SDL_VIDEODRIVER": "x11"}, "SDL_VIDEODRIVER=x11 cannot open a display"),
    ({"DISPLAY": ":77"}, "DISPLAY=:77 is set, but no display server answers there"),
    ({"SDL_VIDEODRIVER": ""}, "no display found (DISPLAY / WAYLAND_DISPLAY not set)"),
])
def test_no_working_display_is_a_clear_message(extra: dict[str, str], words: str) -> None:
    if Path("/tmp/.X11-unix/X77").exists():
        pytest.skip("an X server answers on :77 here")
    for args in (("play", "summit-medley"), ()):
        proc = _run(*args, env=_env_without_display(**extra))
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr
        assert words in proc.stderr and "--headless --autoplay" in proc.stderr
