"""SIGKILL at random points during saves: every file is the old version or the new one,
never torn; the SQLite files (scores with the pair history, the library cache) pass
`integrity_check` and stay in WAL mode; nothing a save reported as done is lost; orphaned
temp files do not pile up; files keep their mode.

A child process (`tests.support.save_loop`) saves each kind of file the game and the
editor write (settings, chart, replay, score, editor save, autosave and session marker,
library cache, pair history, pending run, decoded-audio cache entry) in turn through
their own save functions; it is killed after a random delay (seeded, so a failure can be
replayed), the files are checked, and a new child goes on from there, until each kind
has been saved at least 200 times.
"""

from __future__ import annotations

import json
import random
import sqlite3
import stat
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from duet_drums.audio.audio_cache import AudioCache
from duet_drums.core.chart import load_chart
from duet_drums.core.coach import coach_session
from duet_drums.core.coach_models import CoachReport
from duet_drums.core.ensemble import Musician
from duet_drums.core.replay import load_replay, replay_to_json
from duet_drums.library.cache import LibraryCache
from duet_drums.settings import Settings
from duet_drums.storage.pair_history import PairHistoryDB
from duet_drums.storage.pending import pending_files, read_pending
from tests.coach_support import drift_chart, play
from tests.support.procs import close_pipes
from tests.support.save_loop import (
    AUDIO_KEY,
    FILE_KINDS,
    KINDS,
    LIBRARY_ROOT,
    REPORT_FILE,
    expected_audio,
    expected_chart_text,
    expected_entries,
    expected_library,
    expected_replay_text,
    expected_session_chart,
    expected_settings,
    paths,
)

ROOT = Path(__file__).resolve().parents[1]
SAVES_EACH = 200
# At least this many kills whatever the machine's speed (a fast one saves more per child).
MIN_KILLS = 20
MODE = 0o640
# Kinds whose every save adds a record (a row, a file): checked as "committed ⊆ stored ⊆
# committed ∪ in flight" instead of "old or new".
RECORD_KINDS = ("score", "pair_history", "pending")
MODE_KINDS = ("settings", "chart", "replay", "editor_save", "editor_autosave")


def _version(text: str, prefix: str = "v") -> int:
    assert text.startswith(prefix), text
    return int(text[len(prefix):])


def _which(allowed: set[int], matches: dict[int, bool], kind: str) -> int:
    found = [v for v in allowed if matches[v]]
    assert found, f"{kind} is neither the old nor the new version"
    return found[0]


def _check_sqlite(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal", path
    return conn


def _check_records(kind: str, stored: set[int], committed: set[int], in_flight: set[int]) -> None:
    assert committed <= stored, f"a {kind} reported saved is missing"
    # A save killed between its commit and its report may or may not be stored: each
    # child's unreported last record is allowed for good, not only in the run it died in.
    assert stored - committed <= in_flight, f"{kind}: {sorted(stored - committed - in_flight)[:5]}"


def _check_file_kinds(folder: Path, allowed: dict[str, set[int]]) -> dict[str, int]:
    """Check each file against its allowed versions; the version each one holds (-1: none)."""
    files = paths(folder)
    found = dict.fromkeys(FILE_KINDS, -1)
    for kind in FILE_KINDS:
        if not files[kind].exists():
            assert -1 in allowed[kind], f"{kind} vanished"
    if files["settings"].exists():
        settings = Settings.model_validate(tomllib.loads(files["settings"].read_text()))
        found["settings"] = version = _version(settings.players[0].name)
        assert version in allowed["settings"] and settings == expected_settings(version)
    for kind, title in (("chart", "v"), ("editor_save", "edit v"), ("editor_autosave", "draft v")):
        if files[kind].exists():
            found[kind] = version = _version(load_chart(files[kind]).metadata.title, title)
            assert version in allowed[kind], (kind, version, allowed[kind])
            assert files[kind].read_text() == expected_chart_text(version, title), kind
    if files["replay"].exists():
        replay = load_replay(files["replay"])
        found["replay"] = version = _version(replay.created)
        assert version in allowed["replay"] and replay_to_json(replay) == expected_replay_text(version)
    if files["editor_session"].exists():
        named = Path(json.loads(files["editor_session"].read_text())["chart"])
        found["editor_session"] = _which(
            allowed["editor_session"],
            {v: named == expected_session_chart(folder, v) for v in allowed["editor_session"]},
            "editor_session")
    if files["audio_cache"].exists():
        hit = AudioCache(files["audio_cache"].parent).load(AUDIO_KEY)
        assert hit is not None, "the audio cache entry does not load"
        found["audio_cache"] = _which(
            allowed["audio_cache"],
            {v: hit.samples.shape == expected_audio(v).shape
             and np.allclose(hit.samples, expected_audio(v), atol=1e-4) for v in allowed["audio_cache"]},
            "audio_cache")
    return found


def _check_library_cache(folder: Path, allowed: set[int]) -> int:
    path = paths(folder)["library_cache"]
    if not path.exists():
        assert -1 in allowed, "the library cache vanished"
        return -1
    _check_sqlite(path).close()
    cache = LibraryCache(path)
    loaded = cache.load(LIBRARY_ROOT)
    assert not cache.notices, cache.notices
    if not loaded:
        assert -1 in allowed
        return -1
    return _which(allowed, {v: loaded == expected_library(v) for v in allowed}, "library_cache")


def _stored_records(folder: Path) -> dict[str, set[int]]:
    files = paths(folder)
    conn = _check_sqlite(files["score"])
    try:
        rows = conn.execute("SELECT player_name, replay FROM scores").fetchall()
        scores = {_version(name): blob for name, blob in rows}
        reports = conn.execute("SELECT chart_id, report FROM pair_history").fetchall() if conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name='pair_history'").fetchone() else []
    finally:
        conn.close()
    for version, blob in scores.items():
        assert blob == expected_replay_text(version).encode()
    for _, report in reports:
        CoachReport.model_validate_json(report)  # every stored report whole
    history = PairHistoryDB(files["pair_history"])
    try:
        assert len(history.progress("Ana", "Bo")) == len(reports) and not history.notices
    finally:
        history.close()

    pending: set[int] = set()
    for path in pending_files(files["pending"]):
        run = read_pending(path)
        version = int(run.played_at)
        assert list(run.entries) == expected_entries(version)
        assert run.replay == expected_replay_text(version).encode()
        pending.add(version)
    return {"score": set(scores), "pair_history": {_version(c) for c, _ in reports}, "pending": pending}


def _run_once(folder: Path, first: int, delay: float) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-m", "tests.support.save_loop", str(folder), str(first)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == "ready":
                ready.set()
            else:
                lines.append(line.strip())
        ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(timeout=120), "the save loop did not start"
        time.sleep(delay)
    finally:
        proc.kill()
        proc.wait(timeout=30)
        reader.join(timeout=30)
        close_pipes(proc)
    assert proc.returncode == -9, "the save loop ended by itself"
    return lines


@pytest.fixture(scope="module")
def coach_report_json() -> str:
    return coach_session(play(drift_chart(bars=4), (Musician(), Musician()), seed=1)).model_dump_json()


def test_sigkill_during_saves_leaves_every_file_old_or_new(tmp_path: Path, coach_report_json: str) -> None:
    rng = random.Random(20240515)
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / REPORT_FILE).write_text(coach_report_json)
    done = dict.fromkeys(KINDS, -1)  # the last version each kind reported saved
    saves = dict.fromkeys(KINDS, 0)
    committed = {kind: set[int]() for kind in RECORD_KINDS}
    in_flight = {kind: set[int]() for kind in RECORD_KINDS}
    kills = orphans_seen = 0
    mode_fixed = False
    on_disk = dict.fromkeys(KINDS, -1)  # the version each file held at the last check
    while min(saves.values()) < SAVES_EACH or kills < MIN_KILLS:
        first = max(done.values()) + 1
        lines = _run_once(folder, first, rng.uniform(0.0, 0.2))
        kills += 1
        upcoming = dict.fromkeys(KINDS, first)  # what each kind's next save writes
        reported = set()
        for line in lines:
            kind, version = line.split()
            done[kind] = int(version)
            upcoming[kind] = int(version) + 1
            saves[kind] += 1
            reported.add(kind)
            if kind in committed:
                committed[kind].add(int(version))
        # Old or new; and a kind this child never reported saving may still hold what the
        # last check found there: a save of an earlier child, killed between its rename and
        # its report, is on disk unreported until a save of that kind succeeds again.
        allowed = {kind: {done[kind], upcoming[kind]} | (set() if kind in reported else {on_disk[kind]})
                   for kind in KINDS}
        for kind in RECORD_KINDS:
            in_flight[kind].add(upcoming[kind])

        on_disk.update(_check_file_kinds(folder, allowed))
        on_disk["library_cache"] = _check_library_cache(folder, allowed["library_cache"])
        for kind, stored in _stored_records(folder).items():
            _check_records(kind, stored, committed[kind], in_flight[kind])
        if mode_fixed:
            for kind in MODE_KINDS:
                assert stat.S_IMODE(paths(folder)[kind].stat().st_mode) == MODE, kind

        # Each save removes the temps its killed predecessors left: at most one per file
        # (and one in each folder of new names: the pending runs).
        temps = list(folder.rglob("*.tmp"))
        orphans_seen += len(temps)
        assert len(temps) <= len(FILE_KINDS) + 1, temps
        if not mode_fixed and all(paths(folder)[k].exists() for k in MODE_KINDS):
            for kind in MODE_KINDS:
                paths(folder)[kind].chmod(MODE)
            mode_fixed = True

    print(f"\n{kills} kills; saves {saves}; orphaned temp files seen {orphans_seen}")
