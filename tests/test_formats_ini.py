"""song.ini in every shape real song folders carry, and what it changes about the song."""

from __future__ import annotations

from pathlib import Path

import pytest

from duet_drums.formats import LoadedSong, load_song
from duet_drums.formats.song_folder import read_song, summarize
from duet_drums.formats.song_ini import read_song_ini
from tests.support.song_files import Gem, SongSpec, notes_chart, notes_mid

NONE: dict[str, list[Gem]] = {"easy": [], "medium": [], "hard": []}


def folder_with(tmp_path: Path, ini: bytes, *, spec: SongSpec | None = None, fmt: str = "chart") -> Path:
    folder = tmp_path / "Some Band - Some Song"
    folder.mkdir(parents=True, exist_ok=True)
    spec = spec or SongSpec(gems={**NONE, "expert": [Gem(0, "red"), Gem(480, "yellow")]})
    if fmt == "chart":
        (folder / "notes.chart").write_bytes(notes_chart(spec))
    else:
        (folder / "notes.mid").write_bytes(notes_mid(spec))
    (folder / "song.ini").write_bytes(ini)
    return folder


def loaded(tmp_path: Path, ini: bytes, **kw: object) -> LoadedSong:
    return load_song(folder_with(tmp_path, ini, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize("ini", [
    b"[song]\nname = Lonely Road\nartist = The Band\ncharter = Someone\n",
    b"[Song]\r\nname=Lonely Road\r\nartist=The Band\r\ncharter=Someone\r\n",
    b"[SONG]\n  name   =   Lonely Road  \nartist=The Band\nfrets = Someone\n",
    b"\xef\xbb\xbf; made by an editor\n[song]\nname = Lonely Road\nartist = The Band\ncharter = Someone\n",
    "[song]\nname = Lonely Road\nartist = The Band\ncharter = Someone\n".encode("utf-16"),
])
def test_every_shape_gives_the_same_song(tmp_path: Path, ini: bytes) -> None:
    meta = loaded(tmp_path, ini).chart.metadata
    assert (meta.title, meta.artist, meta.charter) == ("Lonely Road", "The Band", "Someone")


def test_rich_text_tags_are_dropped_from_names(tmp_path: Path) -> None:
    ini = b"[song]\nname = <color=#AEFFFF>Lonely</color> <b>Road</b>\nartist = <size=20>Band</size> & Co\n"
    meta = loaded(tmp_path, ini).chart.metadata
    assert (meta.title, meta.artist) == ("Lonely Road", "Band & Co")


@pytest.mark.parametrize(("value", "expected"), [("True", True), ("true", True), ("1", True), ("0", False),
                                                 ("False", False), ("yes", None)])
def test_booleans(value: str, expected: bool | None) -> None:
    assert read_song_ini(f"[song]\npro_drums = {value}\n".encode(), "song.ini").pro_drums is expected


def test_diff_drums_minus_one_means_none() -> None:
    assert read_song_ini(b"[song]\ndiff_drums = -1\n", "song.ini").diff_drums is None
    assert read_song_ini(b"[song]\ndiff_drums = 4\n", "song.ini").diff_drums == 4


def test_an_ini_that_is_not_text_keeps_the_chart_with_default_details(tmp_path: Path) -> None:
    song = loaded(tmp_path, b"\0" * 512)
    assert song.chart.metadata.title == "Spec Song"  # the .chart's own name
    assert [n.piece.value for n in song.chart.parts["drums"].expert] == ["snare", "tom1"]
    assert any("NUL" in w and "song.ini" in w for w in song.warnings)


def test_unreadable_lines_are_reported_with_their_number() -> None:
    ini = read_song_ini(b"[song]\nname = A\nthis line has no equals\ndelay = soon\n", "song.ini")
    assert ini.title == "A"
    assert any("line 3" in w for w in ini.warnings)
    assert any("line 4" in w and "delay" in w for w in ini.warnings)


def test_pro_drums_and_five_lane_flags_set_the_drum_type(tmp_path: Path) -> None:
    plain = SongSpec(gems={"easy": [], "medium": [], "hard": [],
                           "expert": [Gem(0, "yellow", cymbal=True), Gem(480, "green", cymbal=True)]})
    pro = read_song(folder_with(tmp_path / "pro", b"[song]\npro_drums = True\n", spec=plain))
    assert pro.part.drum_type == "four_lane_pro"
    plain_mid = folder_with(tmp_path / "none", b"[song]\n", spec=plain, fmt="mid")
    assert summarize(read_song(plain_mid)).drum_type == "four_lane"
    five = read_song(folder_with(tmp_path / "five", b"[song]\nfive_lane_drums = 1\n", spec=plain, fmt="mid"))
    assert five.part.drum_type == "five_lane"
    assert [p.value for _, p, _ in five.part.notes["expert"].rows()] == ["hihat", "crash"]


def test_when_the_ini_contradicts_the_chart_the_chart_wins(tmp_path: Path) -> None:
    toms = SongSpec(gems={**NONE, "expert": [Gem(0, "yellow"), Gem(480, "blue")]})
    song = read_song(folder_with(tmp_path / "a", b"[song]\nfive_lane_drums = True\n", spec=toms, fmt="mid"))
    assert song.part.drum_type == "four_lane_pro"  # the .mid's tom markers
    assert [p.value for _, p, _ in song.part.notes["expert"].rows()] == ["tom1", "tom2"]
    assert any("five_lane_drums" in w for w in song.warnings)
    greens = SongSpec(gems={**NONE, "expert": [Gem(0, "green5"), Gem(480, "green")]})
    song = read_song(folder_with(tmp_path / "b", b"[song]\npro_drums = True\n", spec=greens))
    assert song.part.drum_type == "five_lane"
    assert any("pro_drums" in w for w in song.warnings)


def test_diff_drums_minus_one_does_not_hide_a_drum_part(tmp_path: Path) -> None:
    summary = summarize(read_song(folder_with(tmp_path, b"[song]\ndiff_drums = -1\n")))
    assert summary.diff_drums is None
    assert summary.notes["expert"] == 2


def test_delay_is_kept_and_wins_over_the_chart_offset(tmp_path: Path) -> None:
    folder = tmp_path / "song"
    folder.mkdir()
    spec = SongSpec(gems={**NONE, "expert": [Gem(0, "red")]})
    (folder / "notes.chart").write_bytes(notes_chart(spec, offset_s=0.5))
    ini = b"[song]\ndelay = -120\npreview_start_time = 30000\nsong_length = 200000\n"
    (folder / "song.ini").write_bytes(ini)
    info = load_song(folder).chart.metadata.song_folder
    assert info is not None
    assert (info.chart_offset_ms, info.ini_delay_ms, info.offset_ms) == (500.0, -120.0, -120.0)
    assert info.song_length_ms == 200000.0
    assert read_song_ini(b"[song]\ndelay_seconds = 0.25\n", "song.ini").delay_ms == 250.0
    summary = summarize(read_song(folder))
    assert (summary.offset_ms, summary.preview_start_ms, summary.length_ms) == (-120.0, 30000.0, 200000.0)


def test_names_of_zero_or_minus_one_are_no_names() -> None:
    ini = read_song_ini(b"[song]\nname = 0\nartist = -1\ncharter = Someone\n", "song.ini")
    assert (ini.title, ini.artist, ini.charter) == ("", "", "Someone")
