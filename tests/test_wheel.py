"""A wheel built from the project plays: installed into a fresh venv outside the checkout,
it lists the bundled medley and plays it headless, reading its charts from the wheel.

Built with pip's own isolated build (the build requirements pyproject.toml names) from a
copy of the working tree, so the build leaves nothing behind in the checkout; installed
with its real dependencies (pip's cache makes the second time quick). Every command runs
with its working directory and PYTHONPATH away from the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What the build does not need (and what a copy must not drag along).
NOT_SOURCE = (".git", ".venv", "build", "dist", "__pycache__", "*.egg-info", ".pytest_cache",
              ".mypy_cache", ".ruff_cache", ".hypothesis")

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 600) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n" \
                                 f"{proc.stderr[-3000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(the venv's bin folder, a working directory outside the checkout, its environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "DUET_DRUMS_ASSETS", "PYTHONHOME")}
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp / "dist"), str(source)],
         cwd=tmp, env=env)
    wheels = sorted((tmp / "dist").glob("duet_drums-*.whl"))
    assert len(wheels) == 1, wheels
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp, env=env)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheels[0])], cwd=tmp, env=env)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return venv / "bin", elsewhere, env


def test_the_installed_wheel_lists_the_bundled_songs_from_inside_itself(
        installed: tuple[Path, Path, dict[str, str]]) -> None:
    bin_dir, cwd, env = installed
    listing = _run([str(bin_dir / "duet-drums"), "list"], cwd=cwd, env=env)
    assert "Summit Medley [summit-medley]" in listing, listing
    assert "no charts" not in listing
    where = _run([str(bin_dir / "python"), "-c",
                  "import duet_drums.paths as p; print(p.charts_dir()); print(p.samples_dir())"],
                 cwd=cwd, env=env).split()
    charts, samples = (Path(x) for x in where)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(bin_dir / "python"), "-c", purelib], cwd=cwd, env=env).strip())
    # Read from the installed package, not from the checkout the wheel was built from.
    assert charts == site / "duet_drums" / "assets" / "charts", charts
    assert not charts.is_relative_to(ROOT)
    assert (charts / "summit-medley.json").is_file()
    assert {"kick.wav", "snare.wav", "click.wav"} <= {p.name for p in samples.glob("*.wav")}


def test_the_installed_wheel_plays_the_medley_headless(installed: tuple[Path, Path, dict[str, str]]) -> None:
    bin_dir, cwd, env = installed
    out = _run([str(bin_dir / "duet-drums"), "play", "summit-medley", "--headless", "--autoplay"],
               cwd=cwd, env=env)
    result = json.loads(out)
    assert result["chart_title"] == "Summit Medley"
    assert len(result["players"]) == 2
    for player in result["players"]:
        assert player["notes"] > 0 and player["accuracy"] > 50, player
    assert result["sync"]["unisons"] > 0
