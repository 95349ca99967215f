"""A test that cannot run skips locally and fails under DUET_DRUMS_REQUIRE_REALTIME (CI).

Each case runs a small pytest session in a subprocess, with a PATH that lacks the tool
(or holds a fake server that refuses to start), once as a developer runs it and once as
`.ci/run` does.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.need import REQUIRE_ENV

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "tool": (
        "from tests.support.need import unavailable\n"
        "def test_it():\n"
        "    unavailable('needs frobnicator (Debian package frob)')\n",
        "needs frobnicator (Debian package frob)",
    ),
    "jack_missing": (
        "from tests.support.jack import jack_server\n"
        "def test_it(jack_server):\n"
        "    pass\n",
        "JACK MIDI tests needs jackd, jack_wait (Debian package jackd2)",
    ),
    "xvfb_missing": (
        "from tests.support.xvfb import xvfb_display\n"
        "def test_it(xvfb_display):\n"
        "    pass\n",
        "X server tests needs Xvfb, xdotool, xdpyinfo",
    ),
    "jack_refuses": (
        "from tests.support.jack import jack_server\n"
        "def test_it(jack_server):\n"
        "    pass\n",
        "jackd did not start (tried -R twice and --no-realtime); its output:\nno audio here",
    ),
}


def _fake_tools(folder: Path, names: dict[str, str]) -> Path:
    """Executables that print a line and exit 1: a server that will not start."""
    folder.mkdir()
    for name, says in names.items():
        tool = folder / name
        tool.write_text(f"#!/bin/sh\necho '{says}'\nexit 1\n", encoding="utf-8")
        tool.chmod(tool.stat().st_mode | stat.S_IXUSR)
    return folder


def _run(tmp_path: Path, case: str, required: bool) -> subprocess.CompletedProcess[str]:
    source, _ = CASES[case]
    test_file = tmp_path / f"test_{case}.py"
    test_file.write_text(source, encoding="utf-8")
    bin_dir = tmp_path / "bin"
    if not bin_dir.exists():
        fakes = {"jackd": "no audio here", "jack_wait": "not running"} if case == "jack_refuses" else {}
        _fake_tools(bin_dir, fakes)
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_ENV}
    env.update(PATH=str(bin_dir), PYTHONPATH=str(ROOT))
    if required:
        env[REQUIRE_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
         str(test_file)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_missing_part_skips_locally_and_fails_in_ci(case: str, tmp_path: Path) -> None:
    reason = CASES[case][1]
    local = _run(tmp_path, case, required=False)
    assert local.returncode == 0, local.stdout + local.stderr
    assert "1 skipped" in local.stdout and reason in local.stdout, local.stdout

    ci = _run(tmp_path, case, required=True)
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "skipped" not in ci.stdout, ci.stdout
    assert ("1 failed" in ci.stdout or "1 error" in ci.stdout) and reason in ci.stdout, ci.stdout
    assert REQUIRE_ENV in ci.stdout
