"""The linters run as part of the suite, so the README's one test command checks them too."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.support.need import unavailable

ROOT = Path(__file__).resolve().parents[1]
MIXER = ROOT / "src" / "duet_drums" / "audio" / "mixer.py"


def _tool(name: str) -> list[str]:
    if shutil.which(name) is None and subprocess.run(
        [sys.executable, "-m", name, "--version"], capture_output=True
    ).returncode != 0:
        unavailable(f"{name} is not installed (pip install -e '.[test]')")
    return [sys.executable, "-m", name]


def test_ruff_clean() -> None:
    proc = subprocess.run([*_tool("ruff"), "check", "src", "tests", "tools", "bench"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_the_whole_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert config["strict"] is True and config["files"] == ["src/duet_drums"]
    proc = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_refuses_a_wrong_or_unhandled_mixer_command(tmp_path: Path) -> None:
    """Commands to the audio thread are typed: a bare string cannot be queued, and a new
    command kind the mixer does not handle fails the exhaustive match."""
    wrong = tmp_path / "wrong_command.py"
    wrong.write_text("from duet_drums.audio.mixer import Mixer\n\n\n"
                     "def stop(mixer: Mixer) -> None:\n    mixer.command(\"stop\")\n")
    source = MIXER.read_text()
    union = "MixerCommand = Load | Unload | Start | Pause | Resume | Stop | Seek | SetGains | AddVoice"
    assert union in source
    unhandled = tmp_path / "mixer_with_mute.py"
    mute = "@dataclass(frozen=True, slots=True)\nclass Mute:\n    pass\n\n\n"
    unhandled.write_text(source.replace(union, f"{mute}{union} | Mute"))
    proc = subprocess.run([*_tool("mypy"), "--config-file", str(ROOT / "pyproject.toml"),
                           "--cache-dir", str(ROOT / ".mypy_cache"), str(wrong), str(unhandled)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert 'wrong_command.py:5: error: Argument 1 to "command" of "Mixer" has incompatible type "str"' in out
    assert "mixer_with_mute.py" in out and '"assert_never" has incompatible type "Mute"' in out
