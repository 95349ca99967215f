"""A community song folder: notes.mid or notes.chart, song.ini and audio stems.

`read_song` reads one folder (or one chart file) into drum pieces without building the
pydantic chart, which is what a library scan of thousands of songs needs; `summarize`
gives what the song list shows; `load_song` builds the chart the game and the editor use.
All three agree by construction: the chart's note lists are the summary's counts.

Safety, since song folders come from strangers: a chart or ini file larger than the
limits below is refused from its size alone, without reading it; anything but a regular
file (a FIFO, a device) is refused; a chart or ini that names an audio file outside its
folder is refused, and a stem that is a link leading out of the folder is left out.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from duet_drums.core.chart import DIFFICULTIES, MAX_SONG_SECONDS, Chart, ChartError, DrumType, parse_chart
from duet_drums.core.safe_read import FileReadError, leads_outside, read_bounded
from duet_drums.core.tempo import TempoMap
from duet_drums.formats.drum_part import RawDrumPart
from duet_drums.formats.drum_rules import DrumOptions, DrumPart, resolve_drums
from duet_drums.formats.errors import FormatError, line_place
from duet_drums.formats.notes_chart import STREAM_STEMS, read_notes_chart
from duet_drums.formats.notes_mid import read_notes_mid
from duet_drums.formats.song_ini import AUDIO_EXTENSIONS, SongIni, read_song_ini

CHART_FILES = ("notes.mid", "notes.chart")
INI_FILE = "song.ini"
MAX_CHART_BYTES = 32 * 1024 * 1024  # the largest real notes.mid files are a few MB
MAX_INI_BYTES = 1024 * 1024
PART = "drums"
STEMS = ("song", "guitar", "bass", "rhythm", "keys", "vocals", "vocals_1", "vocals_2",
         "drums", "drums_1", "drums_2", "drums_3", "drums_4", "crowd")
DRUM_STEMS = frozenset({"drums", "drums_1", "drums_2", "drums_3", "drums_4"})


@dataclass(frozen=True, slots=True)
class Song:
    """One song folder read into drum pieces (no pydantic yet)."""

    folder: Path
    chart_path: Path
    chart_file: str  # "notes.mid" or "notes.chart"
    label: str  # how messages name the chart file
    raw: RawDrumPart
    part: DrumPart
    ini: SongIni
    title: str
    artist: str
    charter: str
    stems: dict[str, str]
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SongSummary:
    """What a song list needs of a song, small enough to cache for thousands of songs."""

    chart_file: str
    title: str
    artist: str
    charter: str
    album: str
    genre: str
    year: str
    drum_type: DrumType
    notes: dict[str, int]
    first_note_ms: float | None  # expert's, from the tempo map alone (no offset)
    last_note_ms: float | None
    length_ms: float
    diff_drums: int | None
    preview_start_ms: float
    offset_ms: float
    stems: dict[str, str]
    sections: int
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SongSummary:
        """A summary from its `to_dict` (as the library cache keeps it); raises TypeError
        or ValueError when `data` is not one, so a damaged cache row is read again from
        its folder instead of reaching the song list."""
        data = dict(data)
        data["warnings"] = tuple(data.get("warnings", ()))
        summary = cls(**data)
        bad = [name for name, ok in summary._checks() if not ok]
        if bad:
            raise ValueError(f"not a song summary: {', '.join(bad)}")
        return summary

    def _checks(self) -> list[tuple[str, bool]]:
        def number(v: object, none: bool = False) -> bool:
            return (none and v is None) or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                            and math.isfinite(v))

        def table(v: object, kind: type) -> bool:
            return isinstance(v, dict) and all(isinstance(k, str) and isinstance(x, kind)
                                               and not isinstance(x, bool) for k, x in v.items())

        texts = (self.chart_file, self.title, self.artist, self.charter, self.album, self.genre, self.year)
        return [
            ("names", all(isinstance(t, str) for t in texts) and self.chart_file in CHART_FILES),
            ("drum_type", self.drum_type in get_args(DrumType)),
            ("notes", table(self.notes, int) and set(self.notes) == set(DIFFICULTIES)),
            ("times", all(number(v) for v in (self.length_ms, self.preview_start_ms, self.offset_ms))
             and number(self.first_note_ms, True) and number(self.last_note_ms, True)),
            ("diff_drums", self.diff_drums is None or (isinstance(self.diff_drums, int)
                                                       and not isinstance(self.diff_drums, bool))),
            ("stems", table(self.stems, str)),
            ("sections", isinstance(self.sections, int) and not isinstance(self.sections, bool)),
            ("warnings", all(isinstance(w, str) for w in self.warnings)),
        ]


@dataclass(frozen=True, slots=True)
class LoadedSong:
    """`load_song`'s answer: the chart and what the reader had to say about the files."""

    chart: Chart
    warnings: tuple[str, ...]
    folder: Path
    chart_path: Path
    stems: dict[str, str] = field(default_factory=dict)


def _read_file(path: Path, limit: int, label: str) -> bytes:
    """The file's bytes; a file over `limit`, or anything but a regular file (a FIFO, a
    link to a device), is refused from its `fstat` alone, before a byte is read."""
    try:
        return read_bounded(path, limit)
    except FileReadError as exc:
        raise FormatError(label, exc.reason) from None


def _listing(folder: Path, label: str) -> dict[str, str]:
    """lower-case name -> real name of the files in `folder`."""
    try:
        with os.scandir(folder) as entries:
            return {e.name.lower(): e.name for e in entries}
    except OSError as exc:
        raise FormatError(label, f"cannot list the folder: {exc.strerror or exc}") from None


def _check_named_audio(folder: Path, named: list[tuple[str, str, int]], label: str) -> None:
    for key, value, line in named:
        if leads_outside(folder, value):
            raise FormatError(label, f"{key} names {value!r}, a file outside the song folder; refused",
                              line_place(line))


def _stems(folder: Path, files: dict[str, str], chart_audio: list[tuple[str, str, int]],
           warnings: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for ext in AUDIO_EXTENSIONS:  # preference order when a stem exists twice
        for stem in STEMS:
            real = files.get(stem + ext)
            if real is not None and stem not in found:
                found[stem] = real
    for key, value, _ in chart_audio:
        real = files.get(value.replace("\\", "/").lower())
        stem = STREAM_STEMS[key]
        if real is not None and stem not in found:
            found[stem] = real
    for stem, name in list(found.items()):
        if os.path.islink(folder / name) and leads_outside(folder, name):
            warnings.append(f"{name} links outside the song folder; left out")
            del found[stem]
    return dict(sorted(found.items()))


def _pick_chart(path: Path, files: dict[str, str] | None, label: str, warnings: list[str]
                ) -> tuple[Path, str]:
    if files is None:
        name = path.name.lower()
        if name.endswith(".chart"):
            return path, "notes.chart"
        if name.endswith((".mid", ".midi")):
            return path, "notes.mid"
        raise FormatError(str(path), "not a song folder, a .mid or a .chart file")
    have = [name for name in CHART_FILES if name in files]
    if not have:
        raise FormatError(label, "no notes.mid or notes.chart in the folder")
    if len(have) == 2:
        warnings.append("the folder holds both notes.mid and notes.chart: read notes.mid, as Clone Hero "
                        "and YARG do")
    return path / files[have[0]], have[0]


def read_song(path: Path, *, short_labels: bool = False) -> Song:
    """Read a song folder, or one notes.mid / notes.chart file and the folder around it.

    `short_labels` names files by their name alone in messages (a library lists the
    folder beside the message); otherwise by the full path.
    """
    path = Path(path)
    folder_given = path.is_dir()
    folder = path if folder_given else path.parent
    warnings: list[str] = []
    folder_label = "song folder" if short_labels else str(folder)
    files = _listing(folder, folder_label)
    chart_path, chart_file = _pick_chart(path, files if folder_given else None, folder_label, warnings)
    label = chart_path.name if short_labels else str(chart_path)
    data = _read_file(chart_path, MAX_CHART_BYTES, label)
    raw = read_notes_chart(data, label) if chart_file == "notes.chart" else read_notes_mid(data, label)
    warnings += raw.warnings
    ini = SongIni()
    if INI_FILE in files:
        ini_path = folder / files[INI_FILE]
        ini_label = ini_path.name if short_labels else str(ini_path)
        try:
            ini = read_song_ini(_read_file(ini_path, MAX_INI_BYTES, ini_label), ini_label)
        except FormatError as exc:
            warnings.append(f"{exc}; default song details used")
        warnings += ini.warnings
        _check_named_audio(folder, ini.audio, ini_label)
    _check_named_audio(folder, raw.song.audio, label)
    part = resolve_drums(raw, DrumOptions(ini.five_lane_drums, ini.pro_drums, ini.chord_snap_threshold))
    warnings += part.warnings
    if not any(len(part.notes[d]) for d in DIFFICULTIES):
        raise FormatError(label, "the drum part has no notes")
    _check_length(raw, part, label)
    stems = _stems(folder, files, raw.song.audio, warnings)
    title = ini.title or raw.song.title or folder.resolve().name or "Untitled"
    return Song(folder, chart_path, chart_file, label, raw, part, ini, title, ini.artist or raw.song.artist,
                ini.charter or raw.song.charter, stems, tuple(warnings))


def _check_length(raw: RawDrumPart, part: DrumPart, label: str) -> None:
    """Refuse here, as our charts refuse it, a song whose last event (a note, the end of
    a fill or solo, a section, a tempo change) lies more than `MAX_SONG_SECONDS` in: a
    tiny tempo makes one tick hours long. Read on, it would be listed by the library and
    then fail when played."""
    ends = [int(part.notes[d].ticks[-1]) for d in DIFFICULTIES if len(part.notes[d])]
    ends += [end for _, _, end, _ in part.spans]
    ends += [t for t, _ in raw.sections] + [t for t, _ in raw.tempos] + [t for t, _, _ in raw.time_signatures]
    last = max(ends)
    seconds = TempoMap(raw.tempos, raw.resolution).seconds(last)
    if seconds > MAX_SONG_SECONDS:
        slowest = min(bpm for _, bpm in raw.tempos)
        raise FormatError(label, f"tick {last} comes {seconds:.3g} s into the song, but a song may last at "
                                 f"most {MAX_SONG_SECONDS // 60} minutes (check the tempo map: its slowest "
                                 f"tempo is {slowest:g} BPM at resolution {raw.resolution})", f"tick {last}")


def _offset_ms(song: Song) -> float:
    return song.ini.delay_ms if song.ini.delay_ms else song.raw.song.offset_ms


def _preview_ms(song: Song) -> float:
    if song.ini.preview_start_ms is not None:
        return song.ini.preview_start_ms
    return song.raw.song.preview_start_ms or 0.0


def summarize(song: Song) -> SongSummary:
    tempo = TempoMap(song.raw.tempos, song.raw.resolution)
    expert = song.part.notes["expert"].ticks
    first = round(tempo.seconds(int(expert[0])) * 1000.0, 3) if len(expert) else None
    last = round(tempo.seconds(int(expert[-1])) * 1000.0, 3) if len(expert) else None
    end_tick = max(int(song.part.notes[d].ticks[-1]) for d in DIFFICULTIES if len(song.part.notes[d]))
    length = song.ini.song_length_ms or tempo.seconds(end_tick) * 1000.0
    return SongSummary(
        chart_file=song.chart_file, title=song.title, artist=song.artist, charter=song.charter,
        album=song.ini.album or song.raw.song.album, genre=song.ini.genre or song.raw.song.genre,
        year=song.ini.year or song.raw.song.year, drum_type=song.part.drum_type,
        notes={d: len(song.part.notes[d]) for d in DIFFICULTIES}, first_note_ms=first, last_note_ms=last,
        length_ms=round(length, 3), diff_drums=song.ini.diff_drums, preview_start_ms=_preview_ms(song),
        offset_ms=_offset_ms(song), stems=dict(song.stems), sections=len(song.raw.sections),
        warnings=song.warnings,
    )


def song_id(artist: str, title: str, charter: str) -> str:
    """Stable across moves and renames of the folder, distinct per charter of a song."""
    base = unicodedata.normalize("NFKD", f"{artist}-{title}").encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", base).strip("-")[:48].strip("-")
    digest = hashlib.sha1(f"{artist}\0{title}\0{charter}".encode()).hexdigest()[:8]
    return f"{slug}-{digest}" if slug else f"song-{digest}"


def to_chart(song: Song) -> Chart:
    raw = song.raw
    part: dict[str, Any] = {"description": f"Drums from {song.chart_file} ({song.part.drum_type})"}
    for diff in DIFFICULTIES:
        rows = song.part.notes[diff].rows()
        part[diff] = [{"tick": t, "piece": p.value} if v is None else
                      {"tick": t, "piece": p.value, "velocity": v} for t, p, v in rows]
    part["spans"] = [{"kind": k, "tick": t, "end_tick": e} if d is None else
                     {"kind": k, "tick": t, "end_tick": e, "difficulties": list(d)}
                     for k, t, e, d in song.part.spans]
    data = {
        "format": 1,
        "metadata": {
            "title": song.title, "artist": song.artist, "charter": song.charter,
            "id": song_id(song.artist, song.title, song.charter), "resolution": raw.resolution,
            "preview_start_ms": _preview_ms(song),
            "song_folder": {
                "chart_file": song.chart_file, "drum_type": song.part.drum_type,
                "chart_offset_ms": raw.song.offset_ms, "ini_delay_ms": song.ini.delay_ms,
                "stems": song.stems, "album": song.ini.album or raw.song.album,
                "genre": song.ini.genre or raw.song.genre, "year": song.ini.year or raw.song.year,
                "diff_drums": song.ini.diff_drums, "song_length_ms": song.ini.song_length_ms,
            },
        },
        "tempo": [{"tick": t, "bpm": b} for t, b in raw.tempos],
        "time_signatures": [{"tick": t, "num": n, "den": d} for t, n, d in raw.time_signatures],
        "sections": [{"tick": t, "name": n} for t, n in raw.sections],
        "parts": {PART: part},
    }
    try:
        return parse_chart(data, song.label)
    except ChartError as exc:  # a rule above let something through: say so, by file
        raise FormatError(song.label, f"cannot become a chart: {exc}") from None


def load_song(path: Path) -> LoadedSong:
    """A song folder, notes.mid or notes.chart as one of our charts (one part, "drums").

    Raises `FormatError` (a `ChartError`) naming the file and the place on a bad song.
    """
    song = read_song(Path(path))
    return LoadedSong(to_chart(song), song.warnings, song.folder, song.chart_path, dict(song.stems))
