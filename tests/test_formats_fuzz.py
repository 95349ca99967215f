"""Fuzzing the community-format readers: whatever bytes a notes.mid, .chart or song.ini
holds, reading it gives a song or a `FormatError` naming the file, never another
exception; and whatever reads as a song also becomes a valid chart with the same counts."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.chart import DIFFICULTIES
from duet_drums.formats import FormatError
from duet_drums.formats.notes_chart import read_notes_chart
from duet_drums.formats.notes_mid import read_notes_mid
from duet_drums.formats.song_folder import read_song, summarize, to_chart
from duet_drums.formats.song_ini import read_song_ini
from tests.support.song_files import Gem, SongSpec, groove, notes_chart, notes_mid, song_ini

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@cache
def valid_files() -> dict[str, bytes]:
    gems = groove(4, 192, seed=2)
    gems["expert"].append(Gem(0, "green5"))
    spec = SongSpec(resolution=192, tempos=[(0, 120.0), (768, 140.0)], signatures=[(0, 4, 4), (1536, 3, 4)],
                    sections=[(0, "Intro")], gems=gems, phrases=[("star", 0, 384), ("roll", 384, 192)])
    chart = notes_chart(spec).replace(b"[ExpertDrums]\n{\n", b'[ExpertDrums]\n{\n  0 = E "mix 3 drums0d"\n'
                                                           b'  0 = E solo\n  300 = E soloend\n')
    mid = notes_mid(spec, extra_tracks=True)
    return {"notes.mid": mid, "notes.chart": chart,
            "song.ini": song_ini(name="<b>Fuzz</b>", artist="A", delay=-20, pro_drums="True", diff_drums=-1)}


READERS = {"notes.mid": read_notes_mid, "notes.chart": read_notes_chart}


def _read(name: str, data: bytes) -> None:
    try:
        if name == "song.ini":
            read_song_ini(data, name)
        else:
            READERS[name](data, name)
    except FormatError as exc:
        assert str(exc).startswith(f"{name}: "), str(exc)


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    data = bytearray(valid_files()[name])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "repeat"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 16))]
        else:
            data[at:at] = data[at:at + draw(st.integers(1, 64))]
    return bytes(data)


@FUZZ
@given(name=st.sampled_from(["notes.mid", "notes.chart", "song.ini"]), data=st.binary(max_size=400))
def test_arbitrary_bytes_give_a_song_or_a_named_error(name: str, data: bytes) -> None:
    _read(name, data)


@FUZZ
@given(data=st.binary(max_size=300))
def test_arbitrary_bytes_after_a_midi_header(data: bytes) -> None:
    header = b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0"
    track = b"MTrk" + len(data).to_bytes(4, "big") + b"\x00\xff\x03\x0aPART DRUMS" + data
    _read("notes.mid", header + b"MTrk\x00\x00\x00\x04\x00\xff\x2f\x00" + track)


@FUZZ
@given(st.data())
def test_mutated_real_files_give_a_song_or_a_named_error(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["notes.mid", "notes.chart", "song.ini"]))
    _read(name, data.draw(mutated(name)))


@FUZZ
@given(st.data())
def test_chart_lines_shuffled_dropped_and_garbled(data: st.DataObject) -> None:
    lines = valid_files()["notes.chart"].decode().splitlines()
    for _ in range(data.draw(st.integers(1, 8))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "garble", "swap"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "garble":
            lines[i] = data.draw(st.sampled_from(["{", "}", "[ExpertDrums]", "0 = N",
                                                 "5 = N 99999999999999999999 0", "x = N 1 0", "7 = TS 0",
                                                 "8 = B -1", "9 = S 2", "= =",
                                                 "10 = E", "11 = N 1 0 0 0", "Resolution = 0", "[Song]"]))
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    _read("notes.chart", "\n".join(lines).encode())


@FUZZ
@given(st.data())
def test_whatever_reads_as_a_song_becomes_a_chart_with_the_same_counts(tmp_path: Path,
                                                                         data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["notes.mid", "notes.chart"]))
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    chart = data.draw(mutated(name))
    if name == "notes.chart":
        stream = data.draw(st.sampled_from([b"", b'MusicStream = "song.ogg"', b'DrumStream = "../x.ogg"',
                                            b'MusicStream = "a\x00b.ogg"', b"GuitarStream = " + b"x" * 5000]))
        chart = chart.replace(b"{\n", b"{\n" + stream + b"\n", 1)
    (folder / name).write_bytes(chart)
    ini = data.draw(st.sampled_from([valid_files()["song.ini"], b"\0\0", b"[song]\n",
                                     b"[song]\nsong = ../../x.ogg\n",
                                     b"[song]\nicon = " + b"y" * 5000 + b".ogg\n"]))
    (folder / "song.ini").write_bytes(ini)
    try:
        song = read_song(folder, short_labels=True)
    except FormatError as exc:
        assert str(exc).startswith(f"{name}: ") or "song.ini" in str(exc), str(exc)
        return
    chart = to_chart(song)
    summary = summarize(song)
    assert summary.notes == {d: len(chart.notes("drums", d)) for d in DIFFICULTIES}
