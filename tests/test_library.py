"""The song library: a recursive scan of real folders on disk, its SQLite cache, bad
folders listed with reasons, progress and cancelling, and `duet-drums library scan`."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from duet_drums.cli import main
from duet_drums.library import LibraryCache, ScanProgress, scan_library
from duet_drums.library import scan as scan_module
from duet_drums.library.cache import cache_path
from tests.support.song_files import Gem, SongSpec, groove, notes_chart, notes_mid, song_ini


def spec(seed: int, bars: int = 4) -> SongSpec:
    return SongSpec(resolution=192, gems=groove(bars, 192, seed=seed), tempos=[(0, 120.0 + seed)],
                    title=f"Song {seed}", artist="Band")


def put(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "Songs"
    put(root / "Band A" / "First", {"notes.mid": notes_mid(spec(1)), "song.ini": song_ini(name="First"),
                                    "song.ogg": b""})
    put(root / "Band A" / "Pack" / "Second", {"notes.chart": notes_chart(spec(2))})
    put(root / "Band A" / "Pack" / "Second" / "Bonus", {"notes.chart": notes_chart(spec(3))})
    put(root / "Just Music", {"track.ogg": b"", "cover.png": b""})
    put(root / "Broken" / "Cut", {"notes.mid": notes_mid(spec(4))[:100], "song.ini": song_ini(name="Cut")})
    put(root / "Broken" / "Only Ini", {"song.ini": song_ini(name="Lonely")})
    put(root / "Broken" / "Guitar Only", {"notes.chart": notes_chart(spec(5)).replace(b"Drums]", b"Single]")})
    return root


def folders(scan: scan_module.LibraryScan) -> list[str]:
    return [s.folder for s in scan.songs]


def test_scan_finds_songs_in_nested_folders_and_lists_bad_ones_with_reasons(library: Path) -> None:
    scan = scan_library([library], workers=1)
    assert folders(scan) == ["Band A/First", "Band A/Pack/Second", "Band A/Pack/Second/Bonus"]
    reasons = {s.folder: s.reason for s in scan.skipped}
    assert set(reasons) == {"Broken/Cut", "Broken/Guitar Only", "Broken/Only Ini"}
    assert reasons["Broken/Cut"].startswith("notes.mid: ")
    assert "no drum part" in reasons["Broken/Guitar Only"]
    assert "no notes.mid or notes.chart" in reasons["Broken/Only Ini"]
    first = scan.songs[0]
    assert first.summary.title == "First" and first.stems == {"song": "song.ogg"}
    assert first.path == library / "Band A" / "First"


def test_the_cache_reads_only_what_changed(library: Path, tmp_path: Path) -> None:
    cache = LibraryCache(tmp_path / "cache.sqlite3")
    first = scan_library([library], cache=cache, workers=1)
    assert (first.read, first.cached) == (6, 0)
    again = scan_library([library], cache=cache, workers=1)
    assert (again.read, again.cached) == (0, 6)
    assert again.songs == first.songs and again.skipped == first.skipped

    edited = library / "Band A" / "Pack" / "Second" / "notes.chart"
    edited.write_bytes(notes_chart(spec(2, bars=8)))
    os.utime(edited, ns=(time.time_ns(), time.time_ns() + 10**9))
    put(library / "Band B" / "New", {"notes.chart": notes_chart(spec(6))})
    put(library / "Broken" / "Cut", {"notes.mid": notes_mid(spec(4))})  # fixed
    third = scan_library([library], cache=cache, workers=1)
    assert (third.read, third.cached) == (3, 4)
    counts = {s.folder: s.summary.notes["expert"] for s in third.songs}
    assert counts["Band A/Pack/Second"] > counts["Band A/Pack/Second/Bonus"]
    assert "Band B/New" in counts and "Broken/Cut" in counts

    import shutil
    shutil.rmtree(library / "Band A" / "First")
    fourth = scan_library([library], cache=cache, workers=1)
    assert (fourth.read, fourth.cached) == (0, 6)
    assert "Band A/First" not in folders(fourth)
    assert "Band A/First" not in cache.load(str(library.absolute()))


def test_a_cache_that_is_not_a_database_is_moved_aside(library: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    scan = scan_library([library], cache=LibraryCache(path), workers=1)
    assert len(scan.songs) == 3
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("cache.sqlite3.corrupt-")]
    assert len(aside) == 1 and aside[0].read_bytes() == b"this is not sqlite" * 100  # kept, not deleted
    assert len(scan.notices) == 1 and f"moved it to {aside[0]}" in scan.notices[0]
    again = scan_library([library], cache=LibraryCache(path), workers=1)
    assert again.cached == 6 and again.notices == ()


def test_symlink_loops_end_and_linked_libraries_are_read_once(library: Path, tmp_path: Path) -> None:
    os.symlink(library, library / "Band A" / "loop")
    os.symlink(library / "Band A" / "First", library / "Same Song Again")
    scan = scan_library([library], workers=1)
    assert len(scan.songs) == 3


def test_a_huge_chart_is_listed_as_skipped_by_its_size(library: Path) -> None:
    huge = library / "Huge"
    huge.mkdir()
    with open(huge / "notes.mid", "wb") as fh:
        fh.truncate(1024**3)
    scan = scan_library([library], workers=1)
    assert {s.folder: s.reason for s in scan.skipped}["Huge"].startswith(
        "notes.mid: too large: 1024.0 MB (the limit is 32.0 MB)")


def test_a_root_that_is_not_a_folder_is_reported(tmp_path: Path) -> None:
    scan = scan_library([tmp_path / "missing"], workers=1)
    assert scan.songs == [] and [s.reason for s in scan.skipped] == ["not a folder (or it cannot be opened)"]


def test_progress_is_reported_and_a_scan_in_a_thread_can_be_cancelled(library: Path, tmp_path: Path) -> None:
    seen: list[ScanProgress] = []
    scan_library([library], progress=seen.append, workers=1)
    assert seen[0].phase == "listing"
    reading = [p for p in seen if p.phase == "reading"]
    assert [p.done for p in reading] == list(range(1, 7)) and {p.total for p in reading} == {6}

    cancel = threading.Event()
    cache = LibraryCache(tmp_path / "cache.sqlite3")
    result: list[scan_module.LibraryScan] = []

    def stop_after_two(p: ScanProgress) -> None:
        if p.phase == "reading" and p.done == 2:
            cancel.set()

    worker = threading.Thread(target=lambda: result.append(
        scan_library([library], cache=cache, progress=stop_after_two, cancel=cancel, workers=1)))
    worker.start()
    worker.join(timeout=60)
    assert result and result[0].cancelled and result[0].read == 2
    resumed = scan_library([library], cache=cache, workers=1)
    assert (resumed.cached, resumed.read) == (2, 4) and not resumed.cancelled


def test_worker_processes_give_the_same_scan(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan_module, "POOL_MIN_FOLDERS", 2)
    alone = scan_library([library], workers=1)
    pooled = scan_library([library], workers=2)
    assert pooled.songs == alone.songs and pooled.skipped == alone.skipped


def test_cli_json_contract(library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "scan", str(library), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"songs", "skipped", "seconds", "cached"}
    assert out["cached"] is False and isinstance(out["seconds"], float)
    first = out["songs"][0]
    assert set(first) == {"folder", "chart_file", "title", "artist", "charter", "drum_type", "notes",
                          "first_note_ms", "last_note_ms"}
    assert first["folder"] == "Band A/First" and first["chart_file"] == "notes.mid"
    assert first["drum_type"] == "four_lane"  # a .mid with no tom marker and no 5-lane green
    assert list(first["notes"]) == ["easy", "medium", "hard", "expert"]
    assert first["first_note_ms"] == 0.0
    expected_last = (4 * 4 * 192 - 96) * 60_000 / (121 * 192)  # the last 8th of bar 4 at 121 BPM
    assert first["last_note_ms"] == pytest.approx(expected_last, abs=0.01)
    assert {s["folder"] for s in out["skipped"]} == {"Broken/Cut", "Broken/Guitar Only", "Broken/Only Ini"}
    assert all(set(s) == {"folder", "reason"} for s in out["skipped"])
    assert main(["library", "scan", str(library), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] is True
    assert cache_path().exists()


def test_cli_no_cache_neither_reads_nor_writes_the_cache(library: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "scan", str(library), "--json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] is False
    assert not cache_path().exists()


def test_cli_text_output_and_a_missing_folder(library: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "scan", str(library), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "Band A/First: First  [four_lane, notes.mid]" in out
    assert "Band A/Pack/Second: Band - Song 2  [four_lane_pro, notes.chart]" in out
    assert "SKIPPED Broken/Only Ini: song folder: no notes.mid or notes.chart in the folder" in out
    assert "3 songs, 3 skipped" in out
    assert main(["library", "scan", str(tmp_path / "nowhere")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_a_one_note_song_has_equal_first_and_last(tmp_path: Path) -> None:
    one = SongSpec(gems={"easy": [], "medium": [], "hard": [], "expert": [Gem(960, "red")]})
    put(tmp_path / "lib" / "one", {"notes.mid": notes_mid(one)})
    song = scan_library([tmp_path / "lib"], workers=1).songs[0]
    assert song.json_row()["first_note_ms"] == song.json_row()["last_note_ms"] == 1000.0
    assert song.json_row()["notes"] == {"easy": 0, "medium": 0, "hard": 0, "expert": 1}


def test_a_root_given_relative_or_absolute_shares_its_cache(library: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = LibraryCache(tmp_path / "cache.sqlite3")
    scan_library([library], cache=cache, workers=1)
    monkeypatch.chdir(library.parent)
    again = scan_library([Path(library.name)], cache=cache, workers=1)
    assert (again.cached, again.read) == (6, 0)


def test_when_worker_processes_break_the_rest_is_read_here(library: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    class DyingPool:
        """Answers the first folder, then breaks as a pool whose worker was killed does."""

        def __init__(self, **_: object) -> None:
            pass

        def __enter__(self) -> DyingPool:
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def map(self, fn: object, paths: list[str], chunksize: int = 1) -> object:
            yield scan_module.read_folder(paths[0])
            raise scan_module.BrokenProcessPool("a worker died")

        def shutdown(self, **_: object) -> None:
            pass

    monkeypatch.setattr(scan_module, "POOL_MIN_FOLDERS", 2)
    monkeypatch.setattr(scan_module, "ProcessPoolExecutor", DyingPool)
    scan = scan_library([library], workers=2)
    assert scan.read == 6 and len(scan.songs) == 3 and not scan.cancelled
