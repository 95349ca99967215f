"""The settings file under stress (the probe's findings 2, 5, 6 and 7): one bad key costs
that key only, a hostile or huge file is set aside whole without hanging, set-aside files
never overwrite each other, a read-only config folder is a notice, and saves keep the
file's mode."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import tomli_w

from duet_drums.settings import (
    Settings,
    SettingsNotice,
    load_settings,
    save_settings,
    settings_path,
)
from tests.support.unprivileged import as_nobody, open_folder


def _customised() -> Settings:
    s = Settings()
    s.players[0].name, s.players[1].name = "Ana", "Jo Kim"
    s.players[1].keys = {"x": s.players[1].keys["m"], **s.players[1].keys}
    s.calibration.input_offsets_ms = {"keyboard": 12.5, "TD-17": 3.0}
    s.audio.hits_volume = 0.3
    s.note_speed = 1.5
    return s


def _write_with(path: Path, change: object) -> dict[str, object]:
    data = _customised().model_dump(mode="json", exclude_none=True)
    change(data)  # type: ignore[operator]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(data))
    return data


def _asides(path: Path) -> list[Path]:
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(f"{path.name}.corrupt-"))


def _assert_everything_else_kept(loaded: Settings) -> None:
    want = _customised()
    assert [p.name for p in loaded.players] == ["Ana", "Jo Kim"]
    assert loaded.players[1].keys == want.players[1].keys
    assert loaded.calibration == want.calibration
    assert loaded.note_speed == 1.5


def test_one_out_of_range_value_resets_that_key_only_and_names_it() -> None:
    path = settings_path()
    original = _write_with(path, lambda d: d["audio"].__setitem__("master_volume", 1.01))
    loaded, warning = load_settings()
    assert warning is not None
    assert str(path) in warning and "audio.master_volume" in warning and "1.01" in warning
    _assert_everything_else_kept(loaded)
    assert loaded.audio.master_volume == Settings().audio.master_volume
    assert loaded.audio.hits_volume == 0.3
    # The original is kept beside it; the file is repaired, so the warning comes once.
    (aside,) = _asides(path)
    assert tomllib.loads(aside.read_text()) == original
    again, warning2 = load_settings()
    assert warning2 is None and again == loaded


@pytest.mark.parametrize(("change", "named", "check"), [
    (lambda d: d["audio"].__setitem__("sample_rate", "fast"), "audio.sample_rate",
     lambda s: s.audio.sample_rate == 48000),
    (lambda d: d.__setitem__("future_option", True), "future_option: unknown key, removed",
     lambda s: True),
    (lambda d: d["players"].__setitem__(0, "junk"), "players[0]",
     lambda s: s.players[0].name == "Player 1" and s.players[1].name == "Jo Kim"),
    (lambda d: d["players"][0].__setitem__("difficulty", "impossible"), "players[0].difficulty",
     lambda s: s.players[0].difficulty == "medium" and s.players[0].name == "Ana"),
    (lambda d: d["players"][1]["keys"].__setitem__("m", "cowbell"), "players[1].keys.m",
     lambda s: s.players[1].keys["m"] == "kick" and s.players[1].keys["x"] == "kick"),
    (lambda d: d["players"][1]["keys"].__setitem__("q", "cowbell"), "players[1].keys.q",
     lambda s: "q" not in s.players[1].keys and s.players[1].keys["x"] == "kick"),
    (lambda d: d["calibration"].__setitem__("audio_offset_ms", float("nan")), "calibration.audio_offset_ms",
     lambda s: s.calibration.audio_offset_ms == 0.0),
    (lambda d: d["midi"]["assignments"].__setitem__("Kit", "two"), "midi.assignments.Kit",
     lambda s: s.midi.assignments == {}),
])
def test_each_kind_of_bad_key_costs_only_that_key(change: object, named: str, check: object) -> None:
    path = settings_path()
    _write_with(path, change)
    loaded, warning = load_settings()
    assert warning is not None and str(path) in warning and named in warning, warning
    assert check(loaded)  # type: ignore[operator]
    if "players[0]" not in named:
        _assert_everything_else_kept(loaded)


def test_a_third_player_is_dropped_and_a_missing_one_gets_defaults() -> None:
    path = settings_path()
    _write_with(path, lambda d: d["players"].append(dict(d["players"][0], name="Extra")))
    loaded, warning = load_settings()
    assert warning and "3 players instead of 2" in warning
    assert [p.name for p in loaded.players] == ["Ana", "Jo Kim"]
    _write_with(path, lambda d: d["players"].pop())
    loaded, warning = load_settings()
    assert warning and "1 player(s) instead of 2" in warning
    assert [p.name for p in loaded.players] == ["Ana", "Player 2"]


def test_a_50_mb_settings_file_is_refused_before_it_is_read() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fh:
        fh.write(b"# " + b"x" * 100 + b"\n")
        fh.truncate(50 << 20)
    loaded, warning = load_settings()
    assert loaded == Settings()
    assert warning is not None and "too large: 50.0 MB (the limit is 1.0 MB)" in warning
    (aside,) = _asides(path)
    assert aside.stat().st_size == 50 << 20 and not path.exists()


def test_a_pipe_named_settings_toml_does_not_hang_the_game() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    # In a child process, so that a regression hangs one subprocess, not the test run.
    proc = subprocess.run([sys.executable, "-c", "from duet_drums.settings import load_settings; "
                           "print(load_settings()[1])"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "a pipe (FIFO), not a file" in proc.stdout and "moved to" in proc.stdout
    assert not path.exists()


@pytest.mark.parametrize(("text", "words"), [
    (b"note_speed = " + b"9" * 5000, "Exceeds the limit (4300 digits)"),
    (b"note_speed = " + b"[" * 100_000, "values nested too deeply"),
    (b"[audio]\nmaster_volume = " + b"{a = " * 5000, "values nested too deeply"),
    (b"x = '\xff'", "not UTF-8 text (byte 5)"),
])
def test_settings_the_toml_parser_chokes_on_are_set_aside(text: bytes, words: str) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(text)
    loaded, warning = load_settings()
    assert loaded == Settings() and warning is not None
    assert warning.startswith(f"{path}: unreadable settings") and words in warning
    assert len(_asides(path)) == 1


def test_three_corrupt_files_in_one_second_keep_three_set_aside_copies() -> None:
    path = settings_path()
    path.parent.mkdir(parents=True)
    bodies = [f"broken {i} = = =\n".encode() for i in range(3)]
    for body in bodies:
        path.write_bytes(body)
        loaded, warning = load_settings()
        assert loaded == Settings() and warning is not None and "unreadable settings" in warning
    kept = _asides(path)
    assert len(kept) == 3
    assert sorted(p.read_bytes() for p in kept) == sorted(bodies)


def test_a_read_only_config_folder_gives_a_notice_and_keeps_the_file_readable() -> None:
    with open_folder() as root:
        path = root / "config" / "settings.toml"
        assert save_settings(_customised(), path) is None
        before = path.read_bytes()
        path.parent.chmod(0o555)
        changed = _customised()
        changed.audio.master_volume = 0.1
        with as_nobody():
            notice = save_settings(changed, path)
            loaded, warning = load_settings(path)
        assert isinstance(notice, SettingsNotice)
        assert notice.path == path and "settings not saved" in notice.message and str(path) in notice.message
        assert "Permission denied" in notice.message
        assert path.read_bytes() == before
        assert warning is None and loaded == _customised()
        assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temp left behind


def test_a_bad_key_in_a_read_only_folder_is_still_reset_in_memory() -> None:
    with open_folder() as root:
        path = root / "settings.toml"
        _write_with(path, lambda d: d["audio"].__setitem__("master_volume", 7))
        root.chmod(0o555)
        before = path.read_bytes()
        with as_nobody():
            loaded, warning = load_settings(path)
        assert warning is not None and "audio.master_volume" in warning and "left as it was" in warning
        assert loaded.audio.master_volume == 0.8 and loaded.players[1].name == "Jo Kim"
        assert path.read_bytes() == before


def test_saving_keeps_the_files_mode_and_writes_through_a_symlink(tmp_path: Path) -> None:
    path = settings_path()
    assert save_settings(Settings()) is None
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # as any new file, not 0600
    path.chmod(0o640)
    assert save_settings(_customised()) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o640

    real = tmp_path / "dotfiles" / "settings.toml"
    real.parent.mkdir()
    real.write_text("")
    path.unlink()
    path.symlink_to(real)
    assert save_settings(_customised()) is None
    assert path.is_symlink() and load_settings()[0] == _customised()
