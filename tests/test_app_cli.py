"""`duet-drums play` from the command line."""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from duet_drums import cli
from duet_drums.app.catalog import resolve
from duet_drums.core.result import Result
from tests.support.app_driver import expected_bot_result

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DUET_DRUMS_CONFIG_DIR": str(tmp_path / "c"),
           "DUET_DRUMS_DATA_DIR": str(tmp_path / "d")}
    env.pop("SDL_VIDEODRIVER", None)  # --headless must choose the dummy drivers itself
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=False)


def test_headless_autoplay_prints_the_result_json(tmp_path: Path) -> None:
    proc = _run("play", "summit-medley", "--p1", "lead:expert", "--p2", "partner:easy",
                "--headless", "--autoplay", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    result = Result.model_validate_json(proc.stdout)
    entry = resolve("summit-medley")
    assert result == expected_bot_result(entry.chart, [("lead", "expert"), ("partner", "easy")])
    assert result.players[0].difficulty == "expert" and result.players[1].part == "partner"
    # Bots are never ranked: the score database stays empty.
    db = sqlite3.connect(tmp_path / "d" / "scores.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM scores").fetchone()[0] == 0


def test_play_errors_name_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1}')
    proc = _run("play", str(bad), "--headless", "--autoplay", tmp_path=tmp_path)
    assert proc.returncode == 2 and str(bad) in proc.stderr and "metadata" in proc.stderr
    proc = _run("play", "no-such-song", "--headless", "--autoplay", tmp_path=tmp_path)
    assert proc.returncode == 2 and "summit-medley" in proc.stderr
    proc = _run("play", "summit-medley", "--p1", "drums:expert", "--headless", "--autoplay",
                tmp_path=tmp_path)
    assert proc.returncode == 2 and "no part 'drums'" in proc.stderr
    proc = _run("play", "summit-medley", "--p1", "lead:insane", "--headless", tmp_path=tmp_path)
    assert proc.returncode == 2 and "PART:DIFFICULTY" in proc.stderr


def test_game_without_a_display_says_so_instead_of_running_invisibly() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    proc = subprocess.run([sys.executable, "-m", "duet_drums"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "no display found" in proc.stderr and "--headless --autoplay" in proc.stderr


def _failing_import(monkeypatch: pytest.MonkeyPatch, module: str, error: Exception) -> None:
    """Importing `module` raises `error` (as a broken dependency would); the rest import."""
    real = importlib.import_module

    def import_module(name: str, package: str | None = None) -> ModuleType:
        if name == module:
            raise error
        return real(name, package)

    monkeypatch.setattr(cli.importlib, "import_module", import_module)


def test_a_command_module_that_fails_to_import_is_reported_not_hidden(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _failing_import(monkeypatch, "duet_drums.commands.devices",
                    ImportError("libasound.so.2: cannot open shared object file"))
    monkeypatch.setattr(cli, "COMMAND_MODULES", (*cli.COMMAND_MODULES, "nonexistent"))
    assert cli.main(["list"]) == 0  # the other commands still work
    out = capsys.readouterr()
    assert "Summit Medley" in out.out
    assert ("the 'devices' commands are unavailable: importing duet_drums.commands.devices failed: "
            "ImportError: libasound.so.2") in out.err
    assert "the 'nonexistent' commands are unavailable" in out.err and "ModuleNotFoundError" in out.err
    with pytest.raises(SystemExit):
        cli.main(["devices"])
    assert "invalid choice: 'devices'" in capsys.readouterr().err


def test_no_command_and_no_game_module_says_why(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    _failing_import(monkeypatch, "duet_drums.commands.game", RuntimeError("pygame is broken"))
    assert cli.main([]) == 1
    assert "the 'game' commands are unavailable" in capsys.readouterr().err
