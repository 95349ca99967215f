"""The score database under faults (the probe's findings 3 and 4): a damaged file is set
aside and a new one made; a read-only folder keeps the session's scores in memory; a lock
held by another process (a real one, on a real file) delays a save, and past the save's
patience the run waits in a pending file that the next start merges in. Nothing raises,
nothing is lost, and the database stays in WAL mode."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from duet_drums import cli
from duet_drums.storage.pending import pending_dir
from duet_drums.storage.scores import ScoreDB, ScoreEntry, scores_path
from tests.support.procs import stop_process
from tests.support.unprivileged import NOBODY, as_nobody, open_folder, running_as_root

ROOT = Path(__file__).resolve().parents[1]
REPLAY = gzip.compress(b'{"format": 1, "chart_id": "song"}', mtime=0)

# Another program holding the database: BEGIN EXCLUSIVE, then wait for a line on stdin
# (or a number of seconds), then commit.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
if len(sys.argv) > 2:
    time.sleep(float(sys.argv[2]))
else:
    sys.stdin.readline()
conn.execute("COMMIT")
"""


def _entry(name: str, score: int, index: int = 0) -> ScoreEntry:
    return ScoreEntry("song", "lead" if index == 0 else "partner", "expert", name, score, 90.0,
                      player_index=index)


def _names(db: ScoreDB) -> list[str]:
    tables = db.keys()
    return [r.player_name for key in tables for r in db.top(*key)]


def _healthy(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def _run(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, **kw)  # type: ignore[call-overload]


@contextmanager
def _locked(path: Path, seconds: float | None = None) -> Iterator[subprocess.Popen[str]]:
    args = [sys.executable, "-c", HOLDER, str(path)] + ([] if seconds is None else [str(seconds)])
    holder = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        if holder.poll() is None and holder.stdin is not None and seconds is None:
            holder.stdin.write("\n")
            holder.stdin.flush()
        try:
            holder.wait(timeout=30)
        finally:
            stop_process(holder)


def _with_scores(path: Path, n: int = 1) -> None:
    db = ScoreDB(path)
    for i in range(n):
        db.save(_entry(f"Old {i}", 100 + i), replay=REPLAY if n > 1 else None)
    db.close()


def test_a_lock_held_from_before_start_to_after_the_song_loses_nothing() -> None:
    path = scores_path()
    _with_scores(path)
    with _locked(path):
        db = ScoreDB(patience_s=0.3)  # opens, and reads, while another process holds the lock
        assert _names(db) == ["Old 0"]
        listing = _run("scores")
        assert listing.returncode == 0 and "Old 0" in listing.stdout, listing.stderr
        assert "database is locked" not in listing.stderr
        play = _run("play", "summit-medley", "--headless", "--autoplay")
        assert play.returncode == 0 and "Traceback" not in play.stderr, play.stderr

        outcomes = db.save_all([_entry("Ann", 300), _entry("Bob", 200, 1)], replay=REPLAY)
        assert [o.stored for o in outcomes] == ["pending", "pending"]
        assert all(o.row_id is None and o.new_best for o in outcomes)
        assert outcomes[0].rank == 1
        notice = outcomes[0].notice or ""
        assert "locked by another program for 0.3 s" in notice and str(pending_dir(path)) in notice
        db.close()
        assert len(list(pending_dir(path).iterdir())) == 1

    db = ScoreDB()
    assert any("added 1 run(s)" in n for n in db.notices), db.notices
    assert sorted(_names(db)) == ["Ann", "Bob", "Old 0"]
    ann = db.top("song", "lead", "expert")[0]
    assert ann.player_name == "Ann" and db.replay(ann.id) == REPLAY
    assert list(pending_dir(path).iterdir()) == []
    db.close()
    _healthy(path)


def test_a_lock_released_within_the_patience_is_waited_for() -> None:
    path = scores_path()
    _with_scores(path)
    with _locked(path, seconds=0.4):
        db = ScoreDB(patience_s=60)
        (outcome,) = db.save_all([_entry("Ann", 300)], replay=REPLAY)
    assert outcome.stored == "database" and outcome.notice is None and outcome.row_id is not None
    assert db.replay(outcome.row_id) == REPLAY
    db.close()
    assert not pending_dir(path).exists()


def _ann_pending(path: Path) -> Path:
    """A database with one old score, and Ann's run waiting in a pending file."""
    _with_scores(path)
    with _locked(path):
        db = ScoreDB(patience_s=0.1)
        assert db.save_all([_entry("Ann", 300)])[0].stored == "pending"
        db.close()
    (pending,) = pending_dir(path).iterdir()
    return pending


def test_merging_a_pending_run_twice_stores_it_once() -> None:
    path = scores_path()
    pending = _ann_pending(path)
    copy = pending.with_name("0-copy.json")
    copy.write_bytes(pending.read_bytes())  # as if a merge crashed before deleting its file
    db = ScoreDB()
    assert sorted(_names(db)) == ["Ann", "Old 0"] and db.count() == 2
    db.close()


def test_a_damaged_pending_file_is_set_aside_and_the_others_merged() -> None:
    path = scores_path()
    folder = _ann_pending(path).parent
    (folder / "0-bad.json").write_text('{"format": 1, "played_at": 1.0, "entries": [{"score": "lots"}]}')
    db = ScoreDB()
    assert "Ann" in _names(db)
    assert any("0-bad.json: entries.0.chart_id" in n and "moved to" in n for n in db.notices), db.notices
    assert [p.name.split(".corrupt-")[0] for p in folder.iterdir()] == ["0-bad.json"]
    db.close()


def _truncated(path: Path) -> None:
    _with_scores(path, 300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flipped(path: Path) -> None:
    _with_scores(path, 300)
    data = bytearray(path.read_bytes())
    for i in range(8192, 24576, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", ["random bytes", "truncated copy", "flipped pages", "a folder"])
def test_a_damaged_database_is_set_aside_and_a_new_one_started(damage: str) -> None:
    path = scores_path()
    path.parent.mkdir(parents=True)
    if damage == "random bytes":
        path.write_bytes(os.urandom(40_000))
    elif damage == "truncated copy":
        _truncated(path)
    elif damage == "flipped pages":
        _flipped(path)
    else:
        path.mkdir()
    before = sorted(p.name for p in path.parent.iterdir())
    original = None if path.is_dir() else path.read_bytes()

    db = ScoreDB()
    assert db.persistent and db.count() == 0
    (notice,) = db.notices
    assert str(path) in notice and "was damaged" in notice and "moved it to" in notice
    (aside,) = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert str(aside) in notice
    if original is not None:
        assert aside.read_bytes() == original
    assert db.save(_entry("Ann", 300)).stored == "database"
    db.close()
    _healthy(path)
    assert len(before) == 1


def test_set_aside_takes_the_wal_along_and_names_never_collide() -> None:
    path = scores_path()
    path.parent.mkdir(parents=True)
    for i in range(3):
        path.write_bytes(os.urandom(4096))
        Path(f"{path}-wal").write_bytes(b"stale wal %d" % i)
        ScoreDB().close()
    asides = sorted(p.name for p in path.parent.iterdir() if ".corrupt-" in p.name)
    mains = [n for n in asides if not n.endswith("-wal")]
    assert len(mains) == 3 and len(set(mains)) == 3
    assert sorted(f"{m}-wal" for m in mains) == sorted(n for n in asides if n.endswith("-wal"))
    _healthy(path)


def test_cli_and_headless_play_go_on_with_a_damaged_database() -> None:
    path = scores_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(os.urandom(40_000))
    listing = _run("scores")
    assert listing.returncode == 0 and "Traceback" not in listing.stderr
    assert "was damaged" in listing.stderr and "no scores match" in listing.stdout

    path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    play = _run("play", "summit-medley", "--headless", "--autoplay")
    assert play.returncode == 0 and "Traceback" not in play.stderr, play.stderr
    assert json.loads(play.stdout)["chart_title"] == "Summit Medley"
    assert len([p for p in path.parent.iterdir() if ".corrupt-" in p.name]) == 2
    _healthy(path)


def test_a_read_only_data_folder_keeps_the_session_in_memory(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    with open_folder() as root:
        data = root / "data"
        data.mkdir()
        path = data / "scores.sqlite3"
        _with_scores(path)
        monkeypatch.setenv("DUET_DRUMS_DATA_DIR", str(data))
        assert cli.main(["scores"]) == 0  # imports what the command needs while we still can
        capsys.readouterr()
        data.chmod(0o555)
        with as_nobody():
            db = ScoreDB(path)
            assert not db.persistent
            (notice,) = db.notices
            assert f"cannot write {path}" in notice and "not saved" in notice
            assert _names(db) == ["Old 0"]  # last session's scores still show
            outcome = db.save(_entry("Ann", 300), replay=REPLAY)
            assert outcome.stored == "memory" and "score not saved" in (outcome.notice or "")
            assert _names(db) == ["Ann", "Old 0"]  # and this session's
            db.close()
            # In this process: the interpreter may live where nobody cannot run it (/root).
            assert cli.main(["scores"]) == 0
        listing = capsys.readouterr()
        assert "Old 0" in listing.out and "cannot write" in listing.err
        assert sorted(p.name for p in data.iterdir()) == ["scores.sqlite3"]


def test_a_read_only_database_file_sends_runs_to_the_pending_folder() -> None:
    with open_folder() as root:
        path = root / "scores.sqlite3"
        _with_scores(path)
        if running_as_root():
            os.chown(root, NOBODY, NOBODY)
        path.chmod(0o444)
        with as_nobody():
            db = ScoreDB(path)
            assert not db.persistent and db.notices
            outcome = db.save(_entry("Ann", 300), replay=REPLAY)
            db.close()
        assert outcome.stored == "pending" and "added to the table when the game next starts" in (
            outcome.notice or "")
        path.chmod(0o644)
        db = ScoreDB(path)
        assert _names(db) == ["Ann", "Old 0"]
        db.close()


def test_a_data_folder_that_cannot_be_made_is_not_a_crash() -> None:
    with open_folder() as root:
        root.chmod(0o555)
        with as_nobody():
            db = ScoreDB(root / "data" / "scores.sqlite3")
            outcome = db.save(_entry("Ann", 300))
            db.close()
        assert not db.persistent and "cannot create" in db.notices[0]
        assert outcome.stored == "memory"


def test_headless_play_goes_on_with_a_read_only_data_folder(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    with open_folder() as root:
        data = root / "data"
        _with_scores(data / "scores.sqlite3")
        monkeypatch.setenv("DUET_DRUMS_DATA_DIR", str(data))
        monkeypatch.setenv("DUET_DRUMS_CONFIG_DIR", str(root / "config"))
        play = ["play", "summit-medley", "--headless", "--autoplay"]
        assert cli.main(play) == 0  # imports what play needs while we still can
        expected = json.loads(capsys.readouterr().out)
        for folder in (data, root):
            folder.chmod(0o555)
        with as_nobody():
            assert cli.main(play) == 0
        assert json.loads(capsys.readouterr().out) == expected
        assert sorted(p.name for p in data.iterdir()) == ["scores.sqlite3"]
