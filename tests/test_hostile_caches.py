"""Damaged, unwritable and locked caches and side files: the library cache, the
decoded-audio cache, the pair history table and the editor's session marker. None of them
may stop the scan, the game or the editor; a damaged one is set aside (never deleted) with
a message, and the next run starts afresh.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from duet_drums.app.routes import PairHistory
from duet_drums.app.scenes.pair_history import PairHistoryScene
from duet_drums.audio.audio_cache import AudioCache
from duet_drums.audio.stems import load_stems
from duet_drums.cli import main as cli_main
from duet_drums.core.coach import coach_session
from duet_drums.core.ensemble import Musician
from duet_drums.editor import autosave
from duet_drums.library import LibraryCache, scan_library
from duet_drums.library.cache import cache_path
from duet_drums.storage.pair_history import PairHistoryDB
from duet_drums.storage.scores import scores_path
from tests.coach_support import drift_chart, play
from tests.support.app_driver import close, make_app
from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid
from tests.support.unprivileged import as_nobody, open_folder
from tests.test_stems import STEMS, write_stem
from tests.test_storage_recovery import _healthy, _locked

RATE = 48000


def _library(root: Path, n: int = 4) -> Path:
    for k in range(n):
        folder = root / f"Band {k}" / f"Song {k}"
        folder.mkdir(parents=True)
        spec = SongSpec(resolution=192, gems=groove(2, 192, seed=k), title=f"Song {k}")
        (folder / ("notes.mid" if k % 2 else "notes.chart")).write_bytes(
            notes_mid(spec) if k % 2 else notes_chart(spec))
    return root


def _big_cache(path: Path) -> None:
    """A cache with enough rows to span many pages, so damage can land inside it."""
    rows = {f"f{k}": ("sig", {"skipped": "x" * 200}) for k in range(400)}
    LibraryCache(path).update("/elsewhere", rows, [])


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(40_000))


def _truncated(path: Path) -> None:
    _big_cache(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _flipped(path: Path) -> None:
    _big_cache(path)
    data = bytearray(path.read_bytes())
    for i in range(8192, 24576, 7):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _folder(path: Path) -> None:
    path.mkdir()


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


DAMAGE: dict[str, Callable[[Path], None]] = {
    "random bytes": _random, "truncated copy": _truncated, "flipped pages": _flipped, "a folder": _folder,
    "a pipe": _fifo, "a link to /dev/zero": _dev_zero}


# -- the library cache --------------------------------------------------------------------------
@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_library_cache_is_set_aside_and_the_scan_goes_on(tmp_path: Path, damage: str) -> None:
    root = _library(tmp_path / "Songs")
    path = tmp_path / "data" / "library.sqlite3"
    path.parent.mkdir()
    DAMAGE[damage](path)
    scan = scan_library([root], cache=LibraryCache(path), workers=1)
    assert len(scan.songs) == 4 and scan.skipped == []
    (notice,) = scan.notices
    (aside,) = [p for p in path.parent.iterdir()
                if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert f"{path}: the library cache was damaged" in notice and f"moved it to {aside}" in notice
    again = scan_library([root], cache=LibraryCache(path), workers=1)
    assert again.cached == 4 and again.read == 0 and again.notices == ()
    _healthy(path)


def test_damaged_rows_and_a_foreign_table_are_read_again_not_believed(tmp_path: Path) -> None:
    root = _library(tmp_path / "Songs")
    path = tmp_path / "library.sqlite3"
    first = scan_library([root], cache=LibraryCache(path), workers=1)
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT folder FROM folders ORDER BY folder").fetchall()
    bad = ["{", json.dumps({"song": {"title": 5}}), json.dumps({"song": {**json.loads(
        conn.execute("SELECT entry FROM folders").fetchone()[0])["song"], "notes": "many"}}), "[" * 100_000]
    for (folder,), entry in zip(rows, bad, strict=True):
        conn.execute("UPDATE folders SET entry = ? WHERE folder = ?", (entry, folder))
    conn.commit()
    conn.close()
    again = scan_library([root], cache=LibraryCache(path), workers=1)
    assert (again.read, again.cached) == (4, 0) and again.songs == first.songs

    # A table of the same name and version but another shape: the scan reads every song.
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE folders; CREATE TABLE folders (x TEXT);")
    conn.close()
    third = scan_library([root], cache=LibraryCache(path), workers=1)
    assert third.songs == first.songs and third.read == 4
    assert any("cannot read the library cache" in n for n in third.notices), third.notices


def test_a_read_only_library_cache_is_used_in_memory_for_the_scan() -> None:
    with open_folder() as base:
        root = _library(base / "Songs")
        data = base / "data"
        path = data / "library.sqlite3"
        assert scan_library([root], cache=LibraryCache(path), workers=1).read == 4
        (root / "Band 0" / "Song 0" / "notes.chart").touch()  # one song changed since
        os.utime(root / "Band 0" / "Song 0" / "notes.chart", ns=(1, 1))
        data.chmod(0o555)
        with as_nobody():
            scan = scan_library([root], cache=LibraryCache(path), workers=1)
        assert len(scan.songs) == 4 and (scan.cached, scan.read) == (3, 1)  # what was cached still helps
        (notice,) = scan.notices
        assert f"cannot write {path}" in notice and "songs are read again next time" in notice


def test_a_library_cache_locked_by_another_program_does_not_stop_the_scan(tmp_path: Path) -> None:
    root = _library(tmp_path / "Songs")
    path = tmp_path / "library.sqlite3"
    scan_library([root], cache=LibraryCache(path), workers=1)
    (root / "Band 9").mkdir()
    (root / "Band 9" / "notes.chart").write_bytes(notes_chart(SongSpec(resolution=192, gems=groove(2, 192))))
    with _locked(path):
        scan = scan_library([root], cache=LibraryCache(path), workers=1)
    assert len(scan.songs) == 5 and scan.cached == 4  # read while locked: WAL readers never wait
    assert any("was not updated" in n and "locked" in n for n in scan.notices), scan.notices
    after = scan_library([root], cache=LibraryCache(path), workers=1)
    assert after.read == 1 and after.notices == ()  # the song the locked scan could not keep
    _healthy(path)


# -- the decoded-audio cache --------------------------------------------------------------------
def _entry_damage(path: Path, how: str) -> None:
    if how == "random bytes":
        path.write_bytes(os.urandom(5000))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "wrong array":
        buf = path.with_suffix(".tmp.npz")
        np.savez(buf, pcm=np.zeros(10, np.float64), scale=np.float64(1), messages=np.str_("[]"))
        buf.replace(path)
    elif how == "messages not a list":
        buf = path.with_suffix(".tmp.npz")
        np.savez(buf, pcm=np.zeros((10, 4), np.int16), scale=np.float64(1), messages=np.str_("[" * 50_000))
        buf.replace(path)
    else:
        path.unlink()
        if how == "a pipe":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero")


@pytest.mark.parametrize("how", ["random bytes", "empty", "wrong array", "messages not a list", "a pipe",
                                 "a link to /dev/zero"])
def test_a_damaged_audio_cache_entry_is_a_miss_and_the_stems_are_decoded_again(tmp_path: Path,
                                                                              how: str) -> None:
    song = tmp_path / "song"
    song.mkdir()
    for name in STEMS.values():
        write_stem(song / name, {0.5: 0.4}, seconds=1.0)
    cache = AudioCache(tmp_path / "cache")
    first = load_stems(song, STEMS, RATE, cache=cache)
    (path,) = [p for p, _, _ in cache.entries()]
    _entry_damage(path, how)
    again = load_stems(song, STEMS, RATE, cache=cache)  # never blocks, never reads forever
    assert not again.cached and again.stems == first.stems
    third = load_stems(song, STEMS, RATE, cache=cache)  # the damaged entry was replaced
    assert third.cached and third.stems == first.stems


def test_an_audio_cache_folder_that_is_a_file_or_read_only_costs_a_decode_only(tmp_path: Path) -> None:
    song = tmp_path / "song"
    song.mkdir()
    write_stem(song / "song.wav", {0.5: 0.4}, seconds=1.0)
    (tmp_path / "file").write_bytes(b"not a folder")
    for cache in (AudioCache(tmp_path / "file"), AudioCache(tmp_path / "file" / "below")):
        mix = load_stems(song, {"song": "song.wav"}, RATE, cache=cache)
        assert mix.stems == ("song",) and not mix.cached


# -- the pair history ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report_json() -> str:
    return coach_session(play(drift_chart(bars=4), (Musician(), Musician()), seed=1)).model_dump_json()


def _history(n: int, report_json: str) -> None:
    from duet_drums.core.coach_models import CoachReport

    report = CoachReport.model_validate_json(report_json)
    db = PairHistoryDB()
    for k in range(n):
        db.record(("Ann", "Ben"), "groove", report, played_at=1_700_000_000.0 + 600 * k)
    db.close()


def test_damaged_pair_history_rows_are_left_out_and_the_screen_shows_the_rest(report_json: str) -> None:
    _history(6, report_json)
    conn = sqlite3.connect(scores_path())
    ids = [r[0] for r in conn.execute("SELECT id FROM pair_history ORDER BY id")]
    conn.execute("UPDATE pair_history SET offsets = '{' WHERE id = ?", (ids[0],))
    conn.execute("UPDATE pair_history SET sync_percent = 'lots' WHERE id = ?", (ids[1],))
    conn.execute("UPDATE pair_history SET offsets = ? WHERE id = ?", ('{"snare": "late"}', ids[2]))
    conn.execute("UPDATE pair_history SET coupling = 5, played_at = 'soon' WHERE id = ?", (ids[3],))
    conn.commit()
    conn.close()
    db = PairHistoryDB()
    prog = db.progress("Ann", "Ben")
    assert len(prog) == 2 and db.skipped_rows == 4
    assert any("damaged and left out" in n for n in db.notices)
    db.close()
    app = make_app(render=True)  # the history screen opens and draws what is whole
    try:
        app.nav.push(PairHistory(names=("Ann", "Ben")))
        app.step()
        scene = app.scene
        assert isinstance(scene, PairHistoryScene) and scene.progress is not None and len(scene.progress) == 2
    finally:
        close(app)


def test_a_pair_history_table_of_another_shape_is_read_as_empty(report_json: str) -> None:
    path = scores_path()
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE pair_history (x TEXT)")
    conn.close()
    db = PairHistoryDB()
    assert db.pairs() == [] and len(db.progress("Ann", "Ben")) == 0
    assert any("cannot read the pair history" in n for n in db.notices)
    db.close()


def test_a_pair_history_write_under_a_lock_is_kept_and_written_when_it_is_gone(report_json: str) -> None:
    from duet_drums.core.coach_models import CoachReport

    report = CoachReport.model_validate_json(report_json)
    _history(1, report_json)
    db = PairHistoryDB()
    with _locked(scores_path()):
        started = time.monotonic()
        with pytest.raises(sqlite3.OperationalError, match=r"locked.*kept, and written after the next song"):
            db.record(("Ann", "Ben"), "groove", report, played_at=1_800_000_000.0)
        assert time.monotonic() - started >= 1.5  # waited, as the scores do, before keeping it
        assert len(db.progress("Ann", "Ben")) == 1 and db.waiting == 1  # reading goes on under the lock
    db.record(("Ann", "Ben"), "drift", report, played_at=1_800_000_600.0)  # the next song writes both
    assert db.progress("Ann", "Ben").chart_ids == ["groove", "groove", "drift"] and db.waiting == 0
    with _locked(scores_path()), pytest.raises(sqlite3.OperationalError, match="kept"):
        db.record(("Ann", "Ben"), "last", report, played_at=1_800_001_200.0)
    db.close()  # the game closing: the last one is written
    again = PairHistoryDB()
    assert again.progress("Ann", "Ben").chart_ids[-1] == "last"
    again.close()
    _healthy(scores_path())


# -- the editor's session marker ----------------------------------------------------------------
@pytest.mark.parametrize("marker", [b"", b"\xff\xfe", b"[" * 100_000, b'{"chart": 5}',
                                    b'{"chart": "a\\u0000b"}', b'{"chart": "\\ud800.json"}',
                                    b'{"chart": "' + b"x" * 5000 + b'.json"}',
                                    b'["chart"]', b"null"])
def test_a_damaged_session_marker_is_no_session(tmp_path: Path, marker: bytes) -> None:
    path = tmp_path / "editor" / autosave.SESSION_FILE
    path.parent.mkdir()
    path.write_bytes(marker)
    assert autosave.crashed_session(tmp_path) is None


def test_a_session_marker_that_is_a_pipe_does_not_hang_the_editor(tmp_path: Path) -> None:
    (tmp_path / "editor").mkdir()
    os.mkfifo(tmp_path / "editor" / autosave.SESSION_FILE)
    assert autosave.crashed_session(tmp_path) is None


def test_a_read_only_data_folder_does_not_stop_the_editor_from_starting() -> None:
    with open_folder() as data:
        (data / "editor").mkdir()
        data.chmod(0o555)
        (data / "editor").chmod(0o555)
        with as_nobody():
            message = autosave.begin_session(data, data / "song.json")
            autosave.end_session(data)
            autosave.discard_autosave(data / "song.json", data)
        assert message is not None and "no recovery will be offered" in message


def test_library_scan_command_goes_on_past_a_damaged_cache(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    root = _library(tmp_path / "Songs")
    path = cache_path()  # the user's own cache, as the game and the command use it
    path.parent.mkdir(parents=True)
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    assert cli_main(["library", "scan", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "4 songs, 0 skipped" in out and "Traceback" not in err
    assert err.startswith(f"warning: {path}: the library cache was damaged") and "moved it to" in err
    assert cli_main(["library", "scan", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "(4 from the cache, 0 read)" in out and err == ""
