"""Hostile files where the game and the editor read files they did not write: song
folders, the chart catalog, the editor's import, a chart's own audio file.

- A huge file (a 1 GB notes.mid, .chart, GM .mid or chart JSON, sparse so it costs no
  disk) is refused by its size before it is read: each entry point names the file and the
  limit, and Python never holds more than a few MB while refusing it (`tracemalloc`).
- Pipes, links to /dev/zero and link loops where a chart should be are refused at once.
- Symlink loops in a library folder (a link to a parent, two folders linking each
  other, a link to itself) end the scan, each real folder read once.
- A chart, song.ini or chart JSON that names an audio file outside its own folder
  (``../x.ogg``, an absolute path, a link leading out) is refused, and the export does not
  copy one.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from duet_drums.app.catalog import resolve, scan
from duet_drums.audio.preview import load_song_audio
from duet_drums.audio.userfile import UserAudioError, chart_audio_file, load_user_track
from duet_drums.audio.wavfile import write_wav
from duet_drums.core.chart import ChartError, parse_chart, save_chart
from duet_drums.editor.cli import main as editor_main
from duet_drums.formats import FormatError, load_song
from duet_drums.formats.clone_hero_export import export_song
from duet_drums.formats.general_midi import MidiImportError, read_general_midi
from duet_drums.library import scan_library
from tests.chart_factory import minimal_chart_data
from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid

GB = 1 << 30
# Refusing a file by its size holds nothing like it: far below the file, far above noise.
MAX_HELD = 16 << 20


def spec(seed: int = 1) -> SongSpec:
    return SongSpec(resolution=192, gems=groove(4, 192, seed=seed), title=f"Song {seed}", artist="Band")


def put(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def sparse(path: Path, size: int = GB) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)
    assert os.stat(path).st_blocks == 0  # sparse: the test costs no disk
    return path


@contextmanager
def held_at_most(limit: int) -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < limit, f"{peak / 2**20:.1f} MB held while refusing a huge file"


def editor_import(src: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = editor_main(["import", str(src), "-o", str(out)])
    return code, capsys.readouterr().err


# -- huge files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["notes.mid", "notes.chart"])
def test_a_1_gb_chart_in_a_song_folder_is_refused_by_the_scan_and_load_song(tmp_path: Path,
                                                                            name: str) -> None:
    root = tmp_path / "Songs"
    put(root / "Good", {"notes.mid": notes_mid(spec())})
    sparse(root / "Huge" / name)
    with held_at_most(MAX_HELD):
        result = scan_library([root], workers=1)
    assert [s.folder for s in result.songs] == ["Good"]
    (skipped,) = result.skipped
    assert skipped.folder == "Huge"
    assert skipped.reason == f"{name}: too large: 1024.0 MB (the limit is 32.0 MB)"
    with held_at_most(MAX_HELD), pytest.raises(FormatError) as info:
        load_song(root / "Huge")
    assert str(info.value) == f"{root / 'Huge' / name}: too large: 1024.0 MB (the limit is 32.0 MB)"


@pytest.mark.parametrize(("name", "words"), [
    ("notes.mid", "notes.mid: too large: 1024.0 MB (the limit is 32.0 MB)"),
    ("notes.chart", "notes.chart: too large: 1024.0 MB (the limit is 32.0 MB)"),
    ("drums.mid", "drums.mid: too large: 1024.0 MB (the limit is 4.0 MB)"),  # a GM file
])
def test_the_editors_import_refuses_a_1_gb_file(tmp_path: Path, name: str, words: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = sparse(tmp_path / "in" / name)
    out = tmp_path / "out.json"
    with held_at_most(MAX_HELD):
        code, err = editor_import(src, out, capsys)
    assert code == 1 and words in err and str(src) in err and "Traceback" not in err
    assert not out.exists()
    with held_at_most(MAX_HELD):
        code, err = editor_import(src.parent, out, capsys)  # the folder: read as a song folder
    if name != "drums.mid":
        assert code == 1 and words in err


def test_a_1_gb_chart_json_is_refused_by_the_catalog_and_by_name(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    save_chart(parse_chart(minimal_chart_data()), folder / "good.json")
    huge = sparse(folder / "huge.json")
    with held_at_most(MAX_HELD):
        catalog = scan([folder])
    assert [e.path.name for e in catalog.charts] == ["good.json"]
    (broken,) = catalog.broken
    assert broken.message == f"{huge}: too large: 1024.0 MB (the limit is 8.0 MB)"
    with held_at_most(MAX_HELD), pytest.raises(ChartError, match=r"too large: 1024\.0 MB"):
        resolve(str(huge))


def test_a_gm_import_of_a_1_gb_file_is_refused(tmp_path: Path) -> None:
    huge = sparse(tmp_path / "take.mid")
    with held_at_most(MAX_HELD), pytest.raises(MidiImportError) as info:
        read_general_midi(huge)
    assert str(info.value) == f"{huge}: too large: 1024.0 MB (the limit is 4.0 MB)"


# -- pipes, devices, link loops where a chart should be ------------------------------------------
def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _self_link(path: Path) -> None:
    path.symlink_to(path.name)


@pytest.mark.parametrize(("make", "words"), [
    (_fifo, "a pipe (FIFO), not a file"),
    (_dev_zero, "a device, not a file"),
    (_self_link, "cannot read: Too many levels of symbolic links"),
])
@pytest.mark.parametrize("name", ["notes.mid", "notes.chart", "song.ini"])
def test_a_pipe_a_device_or_a_link_loop_in_a_song_folder(tmp_path: Path, make: Callable[[Path], None],
                                                         words: str, name: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "Songs"
    folder = put(root / "Odd", {} if name != "song.ini" else {"notes.chart": notes_chart(spec())})
    make(folder / name)
    result = scan_library([root], workers=1)  # never blocks, never reads forever
    if name == "song.ini":  # a broken ini costs the song's details, not the song
        (song,) = result.songs
        warnings = song.summary.warnings
        assert any(w.startswith(f"song.ini: {words}") and "default song details used" in w
                   for w in warnings), warnings
        return
    (skipped,) = result.skipped
    assert skipped.folder == "Odd" and skipped.reason.startswith(f"{name}: {words}"), skipped.reason
    code, err = editor_import(folder / name, tmp_path / "out.json", capsys)
    assert code == 1 and words in err and "Traceback" not in err


def test_the_gm_import_refuses_a_pipe_and_a_device(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mid")
    with pytest.raises(MidiImportError, match=r"pipe\.mid: a pipe \(FIFO\), not a file"):
        read_general_midi(tmp_path / "pipe.mid")
    (tmp_path / "zero.mid").symlink_to("/dev/zero")
    with pytest.raises(MidiImportError, match=r"zero\.mid: a device, not a file"):
        read_general_midi(tmp_path / "zero.mid")


# -- symlink loops in a library folder -----------------------------------------------------------
def test_symlink_loops_end_the_scan_and_each_song_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "Songs"
    put(root / "A" / "One", {"notes.mid": notes_mid(spec(1))})
    put(root / "B" / "Two", {"notes.chart": notes_chart(spec(2))})
    (root / "A" / "to-B").symlink_to(root / "B")  # a cycle between two folders
    (root / "B" / "to-A").symlink_to(root / "A")
    (root / "A" / "One" / "up").symlink_to(root)  # a link to a parent
    (root / "B" / "self").symlink_to(root / "B" / "self")  # a link to itself
    (root / "B" / "gone").symlink_to(tmp_path / "nowhere")  # a dangling link
    first = scan_library([root], workers=1)
    assert [s.folder for s in first.songs] == ["A/One", "B/Two"]
    assert first.skipped == []
    # And through a root that is itself a link into the loop.
    (tmp_path / "Linked").symlink_to(root / "A" / "to-B")
    again = scan_library([tmp_path / "Linked"], workers=1)
    assert sorted(s.folder.rsplit("/", 1)[-1] for s in again.songs) == ["One", "Two"]


def test_a_deep_chain_of_folders_ends_cleanly(tmp_path: Path) -> None:
    root = tmp_path / "Songs"
    deep = root
    for _ in range(200):
        deep = deep / "d"
    put(deep, {"notes.mid": notes_mid(spec())})
    deep.joinpath("back").symlink_to(root)
    result = scan_library([root], workers=1)
    assert [s.folder.count("/") for s in result.songs] == [199]


# -- audio named outside the song's own folder ---------------------------------------------------
def test_a_chart_stream_or_ini_naming_a_link_that_leads_out_is_refused(tmp_path: Path) -> None:
    (tmp_path / "private.ogg").write_bytes(b"OggS secret")
    root = tmp_path / "Songs"
    via_chart = put(root / "Chart", {"notes.chart": notes_chart(spec()).replace(
        b"Resolution", b'MusicStream = "backing.ogg"\n  Resolution')})
    via_ini = put(root / "Ini", {"notes.mid": notes_mid(spec()),
                                 "song.ini": b"[song]\nname = x\nsong = take.ogg\n"})
    for folder, name in ((via_chart, "backing.ogg"), (via_ini, "take.ogg")):
        (folder / name).symlink_to(tmp_path / "private.ogg")
    by_name = put(root / "Stem", {"notes.mid": notes_mid(spec())})
    (by_name / "song.ogg").symlink_to(tmp_path / "private.ogg")

    result = scan_library([root], workers=1)
    reasons = {s.folder: s.reason for s in result.skipped}
    outside = "a file outside the song folder; refused"
    assert reasons["Chart"] == f"notes.chart: line 7: MusicStream names 'backing.ogg', {outside}"
    assert reasons["Ini"] == f"song.ini: line 3: song names 'take.ogg', {outside}"
    (song,) = result.songs  # a stem found by its name alone is left out, the song kept
    assert song.folder == "Stem" and song.stems == {}
    assert any("song.ogg links outside the song folder" in w for w in song.summary.warnings)


def _chart_naming(audio: str) -> object:
    data = minimal_chart_data()
    data["metadata"]["audio"] = audio
    return parse_chart(data)


@pytest.mark.parametrize("name", ["../outside.wav", "/ABS/outside.wav", "link.wav", "sub/../../outside.wav",
                                  "..\\outside.wav", "C:\\Music\\outside.wav"])
def test_a_chart_json_naming_audio_outside_its_folder_is_refused(tmp_path: Path, name: str) -> None:
    write_wav(tmp_path / "outside.wav", np.zeros(4800, np.float32), 48000)
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "link.wav").symlink_to(tmp_path / "outside.wav")
    chart = _chart_naming(name.replace("/ABS", str(tmp_path)))
    path = charts / "song.json"
    for load in (lambda: load_user_track(chart, path, 48000),  # the game's backing
                 lambda: load_song_audio(chart, path, 48000),  # the editor's waveform and playback
                 lambda: chart_audio_file(chart, path)):
        with pytest.raises(UserAudioError) as info:
            load()
        assert str(info.value).startswith(f"{path}: metadata.audio names ")
        assert "a file outside the chart's folder; refused" in str(info.value)


def test_a_chart_json_naming_audio_beside_it_or_below_it_plays(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    write_wav(tmp_path / "sub" / "take.wav", np.full(4800, 0.5, np.float32), 48000)
    (tmp_path / "inside.wav").symlink_to(tmp_path / "sub" / "take.wav")  # a link that stays inside
    for name in ("sub/take.wav", "inside.wav", "./sub/../sub/take.wav"):
        track = load_user_track(_chart_naming(name), tmp_path / "song.json", 48000)
        assert float(np.max(track.samples)) == pytest.approx(0.5, abs=1e-3)


def test_the_export_does_not_copy_audio_from_outside_the_charts_folder(tmp_path: Path) -> None:
    (tmp_path / "outside.ogg").write_bytes(b"OggS private")
    charts = tmp_path / "charts"
    charts.mkdir()
    result = export_song(_chart_naming("../outside.ogg"), tmp_path / "out", chart_dir=charts)
    assert not (tmp_path / "out" / "song.ogg").exists()
    assert any("outside the chart's folder; not copied" in w for w in result.warnings)
