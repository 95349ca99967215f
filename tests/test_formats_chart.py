""".chart files as Clone Hero charters' editors write them (and as old ones mangle them),
written as text, read into the notes a drummer plays."""

from __future__ import annotations

from pathlib import Path

import pytest

from duet_drums.core.tempo import TempoMap
from duet_drums.formats import FormatError, LoadedSong, load_song
from duet_drums.formats.song_folder import read_song, summarize
from duet_drums.library.scan import scan_library


def chart(*drum_lines: str, difficulty: str = "Expert", resolution: int | None = 192,
          sync: str = "0 = B 120000", extra: str = "", song: str = "") -> str:
    res = f"  Resolution = {resolution}\n" if resolution is not None else ""
    body = "".join(f"  {line}\n" for line in drum_lines)
    return (f"[Song]\n{{\n{res}  Name = \"Tested\"\n{song}}}\n[SyncTrack]\n{{\n  {sync}\n}}\n"
            f"[Events]\n{{\n}}\n[{difficulty}Drums]\n{{\n{body}}}\n{extra}")


def load(tmp_path: Path, text: str | bytes) -> LoadedSong:
    folder = tmp_path / "song"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "notes.chart").write_bytes(text.encode() if isinstance(text, str) else text)
    return load_song(folder)


def notes(song: LoadedSong, difficulty: str = "expert") -> list[tuple[int, str, int | None]]:
    return [(n.tick, n.piece.value, n.velocity) for n in song.chart.parts["drums"].notes(difficulty)]


def test_lanes_are_toms_unless_a_cymbal_marker_says_otherwise(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 0 0", "0 = N 32 0", "192 = N 1 0", "384 = N 2 0", "576 = N 3 0",
                                "768 = N 4 0",
                                "960 = N 2 0", "960 = N 66 0", "1152 = N 3 0", "1152 = N 67 0",
                                "1344 = N 4 0", "1344 = N 68 0", "1536 = N 32 0"))
    assert notes(song) == [(0, "kick", None), (192, "snare", None), (384, "tom1", None), (576, "tom2", None),
                           (768, "tom3", None), (960, "hihat", None), (1152, "ride", None),
                           (1344, "crash", None),
                           (1536, "kick2", None)]
    assert song.chart.metadata.song_folder is not None
    assert song.chart.metadata.song_folder.drum_type == "four_lane_pro"


def test_without_any_marker_a_chart_is_four_lane_toms(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 2 0", "192 = N 3 0", "384 = N 4 0"))
    assert notes(song) == [(0, "tom1", None), (192, "tom2", None), (384, "tom3", None)]
    assert summarize(read_song(song.folder)).drum_type == "four_lane"


def test_accents_and_ghosts_accent_wins_and_kicks_have_none(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 0", "0 = N 34 0", "192 = N 2 0", "192 = N 41 0",
                                "384 = N 3 0", "384 = N 36 0", "384 = N 42 0", "576 = N 0 0", "576 = N 4 0",
                                "576 = N 43 0"))
    assert notes(song) == [(0, "snare", 127), (192, "tom1", 30), (384, "tom2", 127), (576, "kick", None),
                           (576, "tom3", 30)]


def test_five_lane_chart_is_converted(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 2 0", "192 = N 3 0", "384 = N 4 0", "576 = N 5 0", "768 = N 4 0",
                                "768 = N 5 0"))
    assert notes(song) == [(0, "hihat", None), (192, "tom2", None), (384, "crash", None), (576, "tom3", None),
                           (768, "tom3", None), (768, "ride", None)]
    assert summarize(read_song(song.folder)).drum_type == "five_lane"


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("indent", ["  ", "\t", ""])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_bom_crlf_tabs_and_spaces(tmp_path: Path, newline: str, indent: str, bom: bytes) -> None:
    text = chart("0 = N 1 0", "192 = N 2 0", "192 = N 66 0").replace("  ", indent).replace("\n", newline)
    song = load(tmp_path, bom + text.encode())
    assert notes(song) == [(0, "snare", None), (192, "hihat", None)]
    assert song.chart.metadata.title == "Tested"
    assert not song.warnings


def test_utf16_with_a_bom(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 0", song='  Artist = "Bjørk"\n').encode("utf-16"))
    assert song.chart.metadata.artist == "Bjørk"
    assert notes(song) == [(0, "snare", None)]


@pytest.mark.parametrize("resolution", [120, 192, 480])
def test_resolutions(tmp_path: Path, resolution: int) -> None:
    song = load(tmp_path, chart(f"{resolution} = N 1 0", f"{4 * resolution} = N 1 0", resolution=resolution))
    summary = summarize(read_song(song.folder))
    assert (summary.first_note_ms, summary.last_note_ms) == (500.0, 2000.0)


def test_missing_resolution_means_192(tmp_path: Path) -> None:
    song = load(tmp_path, chart("192 = N 1 0", resolution=None))
    assert song.chart.resolution == 192
    assert any("Resolution" in w for w in song.warnings)


def test_time_signatures_store_log2_of_the_denominator_and_anchors_are_skipped(tmp_path: Path) -> None:
    sync = ("0 = TS 4\n  0 = B 120000\n  0 = A 0\n  768 = TS 6 3\n  768 = A 2000000\n  1152 = TS 3 1\n"
            "  1152 = B 90000")
    song = load(tmp_path, chart("1152 = N 1 0", "1344 = N 1 0", sync=sync))
    signatures = [(s.tick, s.num, s.den) for s in song.chart.time_signatures]
    assert signatures == [(0, 4, 4), (768, 6, 8), (1152, 3, 2)]
    assert [(t.tick, t.bpm) for t in song.chart.tempo] == [(0, 120.0), (1152, 90.0)]
    assert TempoMap.from_chart(song.chart).seconds(1344) == pytest.approx(3.0 + 60 / 90)


def test_tiny_tempos_are_kept_exactly(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 0", "1 = N 1 0", sync="0 = B 1"))  # 0.001 BPM
    assert song.chart.tempo[0].bpm == 0.001
    assert summarize(read_song(song.folder)).last_note_ms == pytest.approx(60_000_000 / 192, rel=1e-12)


def test_sustains_on_drum_notes_do_not_matter(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 96", "192 = N 0 1000"))
    assert notes(song) == [(0, "snare", None), (192, "kick", None)]


def test_phrases_solos_and_disco_flip(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = S 2 768", "0 = S 64 192", "192 = S 65 96", "384 = S 66 96",
                                "0 = S 0 384", "384 = S 1 384", "0 = E solo", "575 = E soloend",
                                "0 = E mix 3 drums0d",
                                "384 = E mix_3_drums0", "192 = N 1 0", "192 = N 2 0", "192 = N 66 0",
                                "576 = N 1 0"))
    got = {(s.kind, s.tick, s.end_tick, tuple(s.difficulties or ())) for s in song.chart.parts["drums"].spans}
    only = ("expert",)
    assert got == {("star", 0, 768, only), ("fill", 0, 192, only), ("roll", 192, 288, only),
                   ("roll2", 384, 480, only), ("versus1", 0, 384, only), ("versus2", 384, 768, only),
                   ("solo", 0, 576, only), ("disco", 0, 384, only)}
    assert notes(song) == [(192, "snare", None), (192, "hihat", None), (576, "snare", None)]
    flipped = [p.value for _, p, _ in read_song(song.folder).part.notes["expert"].rows()]
    assert flipped[:2] == ["snare", "hihat"]  # the yellow cymbal became the snare, the red the hi-hat


def test_expert_double_drums_is_not_a_difficulty_and_empty_sections_are_fine(tmp_path: Path) -> None:
    extra = "[ExpertDoubleDrums]\n{\n  0 = N 3 0\n}\n[HardDrums]\n{\n}\n"
    song = load(tmp_path, chart("0 = N 1 0", extra=extra))
    assert notes(song) == [(0, "snare", None)]
    assert notes(song, "hard") == []
    assert summarize(read_song(song.folder)).notes == {"easy": 0, "medium": 0, "hard": 0, "expert": 1}


def test_offset_and_preview_start_are_kept_in_ms(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 0", song="  Offset = 0.25\n  PreviewStart = 12.5\n"))
    assert song.chart.metadata.song_folder is not None
    assert song.chart.metadata.song_folder.chart_offset_ms == 250.0
    assert song.chart.metadata.song_folder.offset_ms == 250.0
    assert song.chart.metadata.preview_start_ms == 12500.0
    summary = summarize(read_song(song.folder))
    assert summary.first_note_ms == 0.0  # the tempo map alone; the offset applies when playing


def test_lines_that_cannot_be_read_are_skipped_and_named(tmp_path: Path) -> None:
    song = load(tmp_path, chart("0 = N 1 0", "this is not a line", "192 = N x 0", "384 = N 2 0"))
    assert notes(song) == [(0, "snare", None), (384, "tom1", None)]
    assert any("line 16" in w and "not 'tick = event'" in w for w in song.warnings)
    assert any("line 17" in w and "not numbers" in w for w in song.warnings)


def test_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"notes\.chart: line 3: Resolution 'abc'"):
        load(tmp_path / "a", chart("0 = N 1 0", resolution="abc"))  # type: ignore[arg-type]
    with pytest.raises(FormatError, match=r"line 8: tempo of 0 BPM"):
        load(tmp_path / "b", chart("0 = N 1 0", sync="0 = B 0"))
    with pytest.raises(FormatError, match="no drum part"):
        load(tmp_path / "c", chart("0 = N 1 0").replace("ExpertDrums", "ExpertSingle"))
    with pytest.raises(FormatError, match=r"not a \.chart file"):
        load(tmp_path / "d", b"\0" * 64)
    with pytest.raises(FormatError, match="the drum part has no notes"):
        load(tmp_path / "e", chart())


def test_a_fill_after_the_coda_is_the_big_rock_ending(tmp_path: Path) -> None:
    text = chart("0 = N 1 0", "192 = S 64 192", "1536 = S 64 768").replace(
        "[Events]\n{\n", '[Events]\n{\n  0 = E "section Intro"\n  1536 = E "coda"\n')
    song = load(tmp_path, text)
    assert [(s.kind, s.tick) for s in song.chart.parts["drums"].spans] == [("fill", 192), ("coda", 1536)]
    assert [s.name for s in song.chart.sections] == ["Intro"]


def test_section_names_lose_their_rich_text_tags_and_underscores(tmp_path: Path) -> None:
    text = chart("0 = N 1 0").replace(
        "[Events]\n{\n", '[Events]\n{\n  0 = E "section <b>Drop</b> 1"\n  192 = E "section verse_2a"\n'
                         '  384 = E "section <color=#AEFFFF>Outro</color>"\n')
    song = load(tmp_path, text)
    names = [(s.tick, s.name) for s in song.chart.sections]
    assert names == [(0, "Drop 1"), (192, "verse 2a"), (384, "Outro")]


@pytest.mark.parametrize("late", ["2977 = N 1 0", "0 = S 64 2977", "E_SECTION"])
def test_a_song_longer_than_a_chart_may_be_is_refused_when_read_not_when_played(
        tmp_path: Path, late: str) -> None:
    """Found by the fuzz test: after a tempo of 0.001 BPM, a fill's end (or a note, or a
    section) hours into the song. The library must skip it with the reason, not list it
    and fail when the players pick it."""
    sync = "0 = B 120000\n  192 = B 1"
    lines = ["0 = N 0 0"] + ([] if late == "E_SECTION" else [late])
    text = chart(*lines, sync=sync)
    if late == "E_SECTION":
        text = text.replace("[Events]\n{\n", '[Events]\n{\n  2977 = E "section Late"\n')
    folder = tmp_path / "song"
    folder.mkdir()
    (folder / "notes.chart").write_text(text)
    with pytest.raises(FormatError, match=r"tick 2977 comes 8\.7e\+05 s into the song, but a song may last "
                                          r"at most 120 minutes \(check the tempo map: its slowest tempo is "
                                          r"0\.001 BPM at resolution 192\)"):
        read_song(folder)
    scan = scan_library([tmp_path], cache=None, workers=1)
    assert not scan.songs and [s.folder for s in scan.skipped] == ["song"]
    assert "tick 2977 comes 8.7e+05 s into the song" in scan.skipped[0].reason
