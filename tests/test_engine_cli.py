"""`duet-drums simulate` and `rescore` from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from duet_drums.cli import main
from duet_drums.core.chart import save_chart
from duet_drums.core.replay import load_replay
from tests.engine_support import groove_chart

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def chart_file(tmp_path: Path) -> Path:
    path = tmp_path / "groove.json"
    save_chart(groove_chart(bars=16), path)
    return path


def run(*args: str, env_assets: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if env_assets is not None:
        env = {**os.environ, "DUET_DRUMS_ASSETS": str(env_assets)}
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=env)


def test_simulate_prints_both_players_and_the_sync(chart_file, tmp_path):
    proc = run("simulate", str(chart_file), "--p1", "lead:expert", "--p2", "partner:expert",
               "--p1-sigma", "8", "--p2-sigma", "25", "--seed", "4")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    p1, p2 = result["players"]
    assert (p1["part"], p1["difficulty"], p2["part"]) == ("lead", "expert", "partner")
    assert p1["notes"] == sum(p1["counts"].values()) > 0
    assert p1["accuracy"] > p2["accuracy"]  # the steadier bot plays cleaner
    assert 0 < result["sync"]["sync_percent"] < 100
    assert result["sync"]["unisons"] > 0 and result["sync"]["sections"]


def test_simulate_perfect_pair_and_offsets(chart_file, capsys):
    assert main(["simulate", str(chart_file)]) == 0
    perfect = json.loads(capsys.readouterr().out)
    assert perfect["sync"]["sync_percent"] == 100.0
    assert [p["accuracy"] for p in perfect["players"]] == [100.0, 100.0]
    # P1 30 ms late against a punctual P2: P2 leads.
    assert main(["simulate", str(chart_file), "--p1-offset", "30", "--strictness", "relaxed"]) == 0
    late = json.loads(capsys.readouterr().out)
    assert late["sync"]["leader"] == "P2"
    assert late["sync"]["mean_asynchrony_ms"] == pytest.approx(30.0)
    assert late["strictness"] == "relaxed"


def test_simulate_mixed_difficulties_and_misses(chart_file, capsys):
    assert main(["simulate", str(chart_file), "--p2", "lead:expert", "--p2-miss", "0.5",
                 "--p2-layout", "full-kit"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["players"][1]["layout"] == "full-kit"
    assert result["players"][1]["counts"]["miss"] > 0
    assert result["sync"]["missed_unisons"] > 0


def test_simulate_bad_chart_says_why(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1, "metadata": {"title": "x"}, "tempo": [{"tick": 0, "bpm": -5}], '
                   '"parts": {}}')
    proc = run("simulate", str(bad))
    assert proc.returncode == 1
    assert str(bad) in proc.stderr and "tempo[0].bpm" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_simulate_unknown_part(chart_file, capsys):
    assert main(["simulate", str(chart_file), "--p1", "bass:expert"]) == 1
    assert "no part 'bass'" in capsys.readouterr().err


def test_replay_out_and_rescore_round_trip(chart_file, tmp_path):
    replay = tmp_path / "take.json.gz"
    sim = run("simulate", str(chart_file), "--p1-sigma", "12", "--p2-sigma", "20", "--replay-out",
              str(replay))
    assert sim.returncode == 0, sim.stderr
    assert load_replay(replay).chart_id == "groove"
    res = run("rescore", str(replay), "--chart", str(chart_file))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == json.loads(sim.stdout)


def test_rescore_finds_the_chart_by_id_in_the_assets(chart_file, tmp_path):
    assets = tmp_path / "assets"
    (assets / "charts").mkdir(parents=True)
    (assets / "charts" / "broken.json").write_text("{")
    (assets / "charts" / "groove.json").write_text(chart_file.read_text())
    replay = tmp_path / "take.json"
    assert run("simulate", str(chart_file), "--replay-out", str(replay)).returncode == 0
    res = run("rescore", str(replay), env_assets=assets)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["sync"]["sync_percent"] == 100.0


def test_rescore_refuses_an_edited_chart_unless_forced(chart_file, tmp_path, capsys):
    replay = tmp_path / "take.json"
    assert main(["simulate", str(chart_file), "--replay-out", str(replay)]) == 0
    capsys.readouterr()
    edited = tmp_path / "edited.json"
    save_chart(groove_chart(bars=17), edited)
    assert main(["rescore", str(replay), "--chart", str(edited)]) == 1
    err = capsys.readouterr().err
    assert str(replay) in err and "--force" in err
    assert main(["rescore", str(replay), "--chart", str(edited), "--force"]) == 0


def test_rescore_corrupt_replay(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2")
    assert main(["rescore", str(bad)]) == 1
    assert str(bad) in capsys.readouterr().err
