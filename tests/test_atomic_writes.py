"""Atomic writes (the probe's finding 7): temp files orphaned by a killed writer are
cleaned at the next save or load, a live writer's temp file is left alone, a failed write
leaves the old file and no temp, and set-aside names are never reused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from duet_drums.core import atomic
from duet_drums.core.atomic import atomic_write_text, orphaned_temps
from duet_drums.set_aside import keep_copy, set_aside
from duet_drums.settings import Settings, load_settings, save_settings, settings_path
from tests.support.unprivileged import as_nobody, open_folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _temp(target: Path, pid: int, host: str = atomic._HOST) -> Path:
    tmp = target.parent / f".{target.name}.{host}-{pid}-0badf00d.tmp"
    tmp.write_text("half a file")
    return tmp


def test_orphans_of_dead_writers_go_and_live_writers_temps_stay(tmp_path: Path) -> None:
    target = tmp_path / "song.json"
    dead = _temp(target, _dead_pid())
    old_form = tmp_path / ".song.json.k3j_9xq2.tmp"  # what mkstemp left before
    old_form.write_text("")
    mine = _temp(target, os.getpid())  # a save of ours in another thread
    parent = _temp(target, os.getppid())  # another live process
    other_host = _temp(target, _dead_pid(), host="abcdef" if atomic._HOST != "abcdef" else "fedcba")
    someone_else = _temp(tmp_path / "other.json", _dead_pid())  # not this target's

    assert set(orphaned_temps(target)) == {dead, old_form}
    atomic_write_text(target, "new")
    assert target.read_text() == "new"
    assert not dead.exists() and not old_form.exists()
    assert mine.exists() and parent.exists() and other_host.exists() and someone_else.exists()


def test_loading_settings_cleans_orphans_left_by_a_killed_save() -> None:
    path = settings_path()
    assert save_settings(Settings()) is None
    orphans = [_temp(path, _dead_pid()) for _ in range(3)]
    loaded, warning = load_settings()
    assert warning is None and loaded == Settings()
    assert not any(p.exists() for p in orphans)


def test_a_failed_write_leaves_the_old_file_and_no_temp() -> None:
    with open_folder() as root:
        target = root / "chart.json"
        atomic_write_text(target, "old")
        root.chmod(0o555)
        with as_nobody(), pytest.raises(PermissionError):
            atomic_write_text(target, "new")
        assert target.read_text() == "old"
        assert [p.name for p in root.iterdir()] == ["chart.json"]


def test_set_aside_names_never_collide(tmp_path: Path) -> None:
    path = tmp_path / "scores.sqlite3"
    moved = []
    for i in range(4):
        path.write_text(f"copy {i}")
        moved.append(set_aside(path))
    kept = [keep_copy(path, f"kept {i}".encode()) for i in range(2)]
    names = [p.name for p in moved + kept]
    assert len(set(names)) == 6 and all(".corrupt-" in n for n in names)
    assert [p.read_text() for p in moved] == [f"copy {i}" for i in range(4)]
    assert [p.read_text() for p in kept] == ["kept 0", "kept 1"]
    assert not path.exists()


def test_set_aside_in_a_read_only_folder_raises_and_leaves_the_file() -> None:
    with open_folder() as root:
        path = root / "settings.toml"
        path.write_text("x = = 1")
        root.chmod(0o555)
        with as_nobody(), pytest.raises(PermissionError):
            set_aside(path)
        assert path.read_text() == "x = = 1"
