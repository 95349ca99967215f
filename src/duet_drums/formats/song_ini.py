"""song.ini in every shape real song folders carry.

`[song]`, `[Song]` or `[SONG]`; `key = value` or `key=value`; booleans `True`, `true`, `1`
or `0`; `-1` (or `0` for names) meaning "not set"; names with rich-text tags; a file in
UTF-8, UTF-16 or Windows-1252; a file that is not text at all (all NUL bytes, a crashed
editor's leftovers). Reading an ini never fails: what cannot be read is reported with its
line number and the song keeps its defaults, because a broken ini should not hide a good
chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from duet_drums.formats.drum_part import SongNames
from duet_drums.formats.text import decode_text, strip_tags

AUDIO_EXTENSIONS = (".ogg", ".opus", ".mp3", ".wav")
_SECTION = re.compile(r"^\[(.+)\]$")


@dataclass(slots=True)
class SongIni(SongNames):
    delay_ms: float = 0.0
    preview_start_ms: float | None = None
    song_length_ms: float | None = None
    pro_drums: bool | None = None
    five_lane_drums: bool | None = None
    diff_drums: int | None = None
    chord_snap_threshold: int = 0
    # Values that name an audio file: (key, value, line number).
    audio: list[tuple[str, str, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    return None


def _number(value: str) -> float | None:
    """The leading number of a value, as the games read it ("5", "-1", "5.0", "120 ms")."""
    m = re.match(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)", value)
    if m is None:
        return None
    number = float(m.group(1))
    return number if abs(number) != float("inf") else None


def read_song_ini(data: bytes, file: str) -> SongIni:
    ini = SongIni()
    text = decode_text(data)
    nuls = text.count("\0")
    if nuls:
        text = text.replace("\0", "")
    song: dict[str, tuple[str, int]] = {}
    in_song = False
    found_song = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith((";", "#", "//")):
            continue
        section = _SECTION.match(line)
        if section is not None:
            in_song = section.group(1).strip().lower() == "song"
            found_song = found_song or in_song
            continue
        key, sep, value = line.partition("=")
        if not sep:
            if in_song:
                ini.warnings.append(f"{file}: line {number}: {line[:60]!r} is not 'key = value'; ignored")
            continue
        if in_song:
            song[key.strip().lower()] = (value.strip(), number)
    if not found_song:
        why = f" (it is not text: {nuls} NUL bytes)" if nuls and not text.strip() else ""
        ini.warnings.append(f"{file}: no [song] section{why}; default song details used")
        return ini
    _apply(ini, song, file)
    return ini


def _apply(ini: SongIni, song: dict[str, tuple[str, int]], file: str) -> None:
    def text(*keys: str) -> str:
        for key in keys:
            value = song.get(key, ("", 0))[0]
            if value and value not in ("0", "-1"):
                return strip_tags(value)
        return ""

    def number(key: str) -> float | None:
        if key not in song:
            return None
        value, line = song[key]
        parsed = _number(value)
        if parsed is None:
            ini.warnings.append(f"{file}: line {line}: {key} = {value[:40]!r} is not a number; ignored")
        return parsed

    def flag(*keys: str) -> bool | None:
        for key in keys:
            if key in song:
                value, line = song[key]
                parsed = _bool(value)
                if parsed is None:
                    ini.warnings.append(f"{file}: line {line}: {key} = {value[:40]!r} is not True/False; "
                                        "ignored")
                return parsed
        return None

    ini.title = text("name", "title")
    ini.artist = text("artist")
    ini.charter = text("charter", "frets")
    ini.album = text("album")
    ini.genre = text("genre")
    ini.year = text("year")
    delay = number("delay")
    if delay is None and "delay_seconds" in song:
        seconds = number("delay_seconds")
        delay = None if seconds is None else seconds * 1000.0
    ini.delay_ms = delay or 0.0
    preview = number("preview_start_time")
    ini.preview_start_ms = preview if preview is not None and preview >= 0 else None
    length = number("song_length")
    ini.song_length_ms = length if length is not None and length > 0 else None
    ini.pro_drums = flag("pro_drums", "pro_drum")
    ini.five_lane_drums = flag("five_lane_drums")
    diff = number("diff_drums")
    ini.diff_drums = int(diff) if diff is not None and 0 <= diff <= 100 else None
    snap = number("chord_snap_threshold")
    ini.chord_snap_threshold = int(snap) if snap is not None and 0 < snap < 1e9 else 0
    for key, (value, line) in song.items():
        if value.lower().strip('"').endswith(AUDIO_EXTENSIONS):
            ini.audio.append((key, value.strip('"'), line))
