"""Song folders: the chart file, the stems, the safety rules, and the promise that a .chart
and a notes.mid of the same song give the same notes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from duet_drums.core.chart import DIFFICULTIES, load_chart, save_chart
from duet_drums.formats import FormatError, load_song
from duet_drums.formats import song_folder as song_folder_module
from duet_drums.formats.song_folder import read_song, summarize
from tests.support.song_files import Gem, SongSpec, groove, notes_chart, notes_mid, notes_mid_fast, song_ini


def full_spec() -> SongSpec:
    gems = groove(12, 480, seed=4)
    gems["expert"] += [Gem(5760 + 120, "kick2"), Gem(5760 + 360, "kick2"), Gem(0, "kick2")]
    return SongSpec(resolution=480, tempos=[(0, 128.0), (1920 * 4, 96.0)],
                    signatures=[(0, 4, 4), (1920 * 8, 3, 4)],
                    sections=[(0, "Intro"), (1920 * 4, "Verse")], gems=gems,
                    phrases=[("star", 1920, 1920), ("fill", 1920 * 7, 960), ("versus1", 0, 1920),
                             ("versus2", 1920, 1920)])


def song_dir(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    for file, data in files.items():
        (folder / file).write_bytes(data)
    return folder


def test_a_chart_and_a_notes_mid_of_the_same_song_give_the_same_notes(tmp_path: Path) -> None:
    spec = full_spec()
    mid = load_song(song_dir(tmp_path, "mid", {"notes.mid": notes_mid(spec, extra_tracks=True)}))
    chart = load_song(song_dir(tmp_path, "chart", {"notes.chart": notes_chart(spec)}))
    for difficulty in DIFFICULTIES:
        assert mid.chart.notes("drums", difficulty) == chart.chart.notes("drums", difficulty), difficulty
    assert mid.chart.notes("drums", "expert")  # and there are notes to compare
    assert {n.dynamic.value for n in mid.chart.notes("drums", "expert")} == {"normal", "accent", "ghost"}
    pieces = {n.piece.value for n in mid.chart.notes("drums", "expert")}
    assert pieces >= {"kick", "kick2", "snare", "hihat", "crash", "tom1", "tom2", "tom3"}
    assert mid.chart.sections == chart.chart.sections
    assert mid.chart.time_signatures == chart.chart.time_signatures
    assert mid.chart.parts["drums"].spans == chart.chart.parts["drums"].spans
    a, b = summarize(read_song(mid.folder)), summarize(read_song(chart.folder))
    assert (a.notes, a.drum_type) == (b.notes, b.drum_type)
    assert a.first_note_ms == pytest.approx(b.first_note_ms, abs=1.0)
    assert a.last_note_ms == pytest.approx(b.last_note_ms, abs=1.0)


def test_the_fast_bench_writer_writes_what_mido_writes(tmp_path: Path) -> None:
    spec = full_spec()
    slow = read_song(song_dir(tmp_path, "slow", {"notes.mid": notes_mid(spec, extra_tracks=True)}))
    fast = read_song(song_dir(tmp_path, "fast", {"notes.mid": notes_mid_fast(spec, extra_tracks=True)}))
    for difficulty in DIFFICULTIES:
        assert fast.part.notes[difficulty].rows() == slow.part.notes[difficulty].rows()


def test_a_loaded_song_is_a_valid_chart_file(tmp_path: Path) -> None:
    song = load_song(song_dir(tmp_path, "song", {"notes.mid": notes_mid(full_spec()),
                                                 "song.ini": song_ini(name="Round Trip", artist="Tests")}))
    save_chart(song.chart, tmp_path / "out.json")
    assert load_chart(tmp_path / "out.json") == song.chart
    assert song.chart.metadata.id is not None and song.chart.metadata.id.startswith("tests-round-trip-")


def test_notes_mid_wins_over_notes_chart_and_says_so(tmp_path: Path) -> None:
    spec = full_spec()
    other = SongSpec(gems={"easy": [], "medium": [], "hard": [], "expert": [Gem(0, "red")]})
    folder = song_dir(tmp_path, "both", {"notes.mid": notes_mid(spec), "notes.chart": notes_chart(other)})
    song = load_song(folder)
    assert song.chart_path.name == "notes.mid"
    assert len(song.chart.notes("drums", "expert")) > 1
    assert any("both notes.mid and notes.chart" in w for w in song.warnings)


def test_a_chart_file_can_be_loaded_by_itself_and_file_names_ignore_case(tmp_path: Path) -> None:
    folder = song_dir(tmp_path, "song", {"NOTES.CHART": notes_chart(full_spec()), "Song.ogg": b""})
    assert load_song(folder / "NOTES.CHART").chart == load_song(folder).chart
    assert summarize(read_song(folder)).chart_file == "notes.chart"
    assert load_song(folder).stems == {"song": "Song.ogg"}


def test_stems_are_listed_by_name(tmp_path: Path) -> None:
    files = {"notes.mid": notes_mid(full_spec()), "song.ogg": b"", "song.mp3": b"", "drums_1.opus": b"",
             "drums_2.opus": b"", "guitar.mp3": b"", "crowd.wav": b"", "preview.ogg": b"", "album.png": b"",
             "vocals.flac": b""}
    song = load_song(song_dir(tmp_path, "song", files))
    assert song.stems == {"crowd": "crowd.wav", "drums_1": "drums_1.opus", "drums_2": "drums_2.opus",
                          "guitar": "guitar.mp3", "song": "song.ogg"}
    info = song.chart.metadata.song_folder
    assert info is not None and info.stems == song.stems


def test_a_chart_stream_naming_a_file_in_the_folder_is_a_stem(tmp_path: Path) -> None:
    text = notes_chart(full_spec()).replace(b"Resolution", b'MusicStream = "Full Mix.ogg"\n  Resolution')
    song = load_song(song_dir(tmp_path, "song", {"notes.chart": text, "Full Mix.ogg": b""}))
    assert song.stems == {"song": "Full Mix.ogg"}


@pytest.mark.parametrize("name", ["../../secret.ogg", "/etc/secret.ogg", "..\\..\\secret.ogg",
                                  "C:\\Music\\x.ogg", "sub/../../secret.ogg"])
def test_a_chart_naming_audio_outside_its_folder_is_refused(tmp_path: Path, name: str) -> None:
    text = notes_chart(full_spec()).replace(b"Resolution", f'MusicStream = "{name}"\n  Resolution'.encode())
    folder = song_dir(tmp_path, "song", {"notes.chart": text})
    with pytest.raises(FormatError, match=r"notes\.chart: line 7: MusicStream names .* outside the song"):
        load_song(folder)


def test_an_ini_naming_audio_outside_its_folder_is_refused(tmp_path: Path) -> None:
    ini = b"[song]\nname = x\nsong = ../../../home/me/music.ogg\n"
    folder = song_dir(tmp_path, "song", {"notes.mid": notes_mid(full_spec()), "song.ini": ini})
    with pytest.raises(FormatError, match=r"song\.ini: line 3: song names .* outside the song folder"):
        load_song(folder)


def test_a_stem_linking_out_of_the_folder_is_left_out(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.ogg").write_bytes(b"")
    folder = song_dir(tmp_path, "song", {"notes.mid": notes_mid(full_spec()), "guitar.ogg": b""})
    os.symlink(tmp_path / "elsewhere.ogg", folder / "song.ogg")
    song = load_song(folder)
    assert song.stems == {"guitar": "guitar.ogg"}
    assert any("song.ogg links outside" in w for w in song.warnings)


def test_a_huge_chart_is_refused_by_its_size_without_being_opened(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "huge"
    folder.mkdir()
    with open(folder / "notes.mid", "wb") as fh:
        fh.truncate(1024**3)  # a sparse 1 GB file: no disk used
    opened: list[object] = []
    monkeypatch.setattr(song_folder_module, "open", lambda *a, **k: opened.append(a), raising=False)
    with pytest.raises(FormatError, match=r"notes\.mid: too large: 1024\.0 MB \(the limit is 32\.0 MB\)"):
        load_song(folder)
    assert opened == []


def test_a_fifo_named_like_a_chart_is_refused_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / "song"
    folder.mkdir()
    os.mkfifo(folder / "notes.chart")
    with pytest.raises(FormatError, match=r"notes\.chart: a pipe \(FIFO\), not a file"):
        load_song(folder)


def test_a_folder_without_a_chart_and_a_missing_path_are_clear_errors(tmp_path: Path) -> None:
    folder = song_dir(tmp_path, "song", {"song.ini": b"[song]\nname = x\n"})
    with pytest.raises(FormatError, match=r"no notes\.mid or notes\.chart"):
        load_song(folder)
    with pytest.raises(FormatError, match="cannot"):
        load_song(tmp_path / "nowhere" / "notes.mid")


def test_the_title_falls_back_to_the_folder_name(tmp_path: Path) -> None:
    folder = song_dir(tmp_path, "Artist - Title", {"notes.mid": notes_mid(full_spec())})
    assert load_song(folder).chart.metadata.title == "Artist - Title"


def test_a_file_that_is_neither_mid_nor_chart_is_refused(tmp_path: Path) -> None:
    folder = song_dir(tmp_path, "song", {"song.ini": b"[song]\n"})
    with pytest.raises(FormatError, match=r"not a song folder, a \.mid or a \.chart file"):
        load_song(folder / "song.ini")


def test_a_stream_name_no_file_system_accepts_is_refused(tmp_path: Path) -> None:
    text = notes_chart(full_spec()).replace(b"Resolution", b'GuitarStream = "gui\x00tar.ogg"\n  Resolution')
    with pytest.raises(FormatError, match=r"GuitarStream names .* outside the song folder"):
        load_song(song_dir(tmp_path, "song", {"notes.chart": text}))
