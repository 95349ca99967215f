""".chart (Clone Hero / Moonscraper, text): the drum part, tempo map, sections, song facts.

Real files come in UTF-8 with or without a BOM (or UTF-16), CRLF or LF, tabs or spaces;
resolutions 120, 192, 480 and others (192 when `Resolution` is missing). `TS n d` stores
log2 of the denominator; `A` anchors only help editors and are skipped; drum notes may
carry sustains, which a drum ignores. `[ExpertDoubleDrums]` is not a difficulty (it is
the 2x-kick copy some editors write); like the community's tools we ignore it. A drum
section may be empty. Lines we cannot read are skipped and reported with their number;
what makes the whole file unusable (no drum section, a zero tempo, a bad resolution) is
an error naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import DIFFICULTIES, SpanKind
from duet_drums.formats.drum_part import (
    ACCENT,
    BLUE,
    GHOST,
    GREEN4,
    GREEN5,
    KICK,
    KICK2,
    NORMAL,
    RED,
    YELLOW,
    Gems,
    RawDrumPart,
    RawSpan,
    SongText,
    big_rock_ending,
    checked_bpm,
    coda_tick,
    last_per_tick,
)
from duet_drums.formats.errors import FormatError, line_place
from duet_drums.formats.notes_mid import disco_state, section_name
from duet_drums.formats.text import decode_text, line_of, strip_tags

DEFAULT_RESOLUTION = 192
DRUM_SECTIONS = {f"{d.capitalize()}Drums": d for d in DIFFICULTIES}
MAX_RESOLUTION = 32768

_HEADER = re.compile(r"^[ \t]*\[([^\]\r\n]*)\][ \t]*(\{)?[ \t]*\r?$", re.M)
_OPEN = re.compile(r"[ \t\r\n]*\{[ \t]*\r?(?:\n|$)")
_EVENT = re.compile(r"^[ \t]*([0-9]{1,18})[ \t]*=[ \t]*([A-Za-z]+)[ \t]*([^\r\n]*?)[ \t]*\r?$", re.M)
_NONBLANK = re.compile(r"^[ \t]*\S", re.M)
_NOTE_LINE = re.compile(
    r"^[ \t]*([0-9]{1,18})[ \t]*=[ \t]*([NS])[ \t]+([0-9]{1,18})(?:[ \t]+([0-9]{1,18}))?[ \t\r]*$", re.M)
_NS_LINE = re.compile(r"^[ \t]*[0-9]{1,18}[ \t]*=[ \t]*[NS](?![A-Za-z])[^\r\n]*$", re.M)
_TEXT_LINE = re.compile(r"^[ \t]*([0-9]{1,18})[ \t]*=[ \t]*E(?![A-Za-z])([^\r\n]*)", re.M)
_KEY_VALUE = re.compile(r"^[ \t]*([^=\r\n]+?)[ \t]*=[ \t]*([^\r\n]*?)[ \t]*\r?$", re.M)

_LANES = {0: KICK, 1: RED, 2: YELLOW, 3: BLUE, 4: GREEN4, 5: GREEN5, 32: KICK2}
# Modifier notes: value -> (kind, the lane it modifies); kind 1 accent, 2 ghost, 3 cymbal.
_MODIFIERS = {34: (1, RED), 35: (1, YELLOW), 36: (1, BLUE), 37: (1, GREEN4), 38: (1, GREEN5),
              40: (2, RED), 41: (2, YELLOW), 42: (2, BLUE), 43: (2, GREEN4), 44: (2, GREEN5),
              66: (3, YELLOW), 67: (3, BLUE), 68: (3, GREEN4)}
# By N value (0-127; larger values mean nothing): the lane of a gem (-1: not a gem), the
# kind of a modifier (0: none) and the lane a gem or modifier is about.
_NOTE_LANE = np.full(128, -1, np.int64)
_NOTE_KIND = np.zeros(128, np.int64)
_NOTE_TARGET = np.zeros(128, np.int64)
for _value, _lane in _LANES.items():
    _NOTE_LANE[_value] = _lane
    _NOTE_TARGET[_value] = _lane
for _value, (_kind, _lane) in _MODIFIERS.items():
    _NOTE_KIND[_value] = _kind
    _NOTE_TARGET[_value] = _lane
_MAX_DIGITS = 18
_MAX_NUMBER = 10**_MAX_DIGITS - 1
_PHRASES: dict[int, SpanKind] = {0: "versus1", 1: "versus2", 2: "star", 64: "fill", 65: "roll", 66: "roll2"}
STREAM_STEMS = {"MusicStream": "song", "GuitarStream": "guitar", "BassStream": "bass",
                "RhythmStream": "rhythm", "KeysStream": "keys", "VocalStream": "vocals",
                "DrumStream": "drums", "Drum2Stream": "drums_2", "Drum3Stream": "drums_3",
                "Drum4Stream": "drums_4", "CrowdStream": "crowd"}


class _Section:
    __slots__ = ("body", "name", "start", "text")

    def __init__(self, name: str, text: str, start: int, end: int):
        self.name = name
        self.text = text
        self.start = start
        self.body = text[start:end]

    def line(self, offset_in_body: int) -> int:
        return line_of(self.text, self.start + offset_in_body)


def _sections(text: str, file: str, warnings: list[str]) -> dict[str, _Section]:
    found: dict[str, _Section] = {}
    pos = 0
    while (header := _HEADER.search(text, pos)) is not None:
        name = header.group(1).strip()
        body_start = header.end()
        if header.group(2) is None:
            opening = _OPEN.match(text, body_start)
            if opening is None:
                warnings.append(f"{file}: {line_place(line_of(text, header.start()))}: section [{name}] "
                                "has no '{' after it; skipped")
                pos = body_start
                continue
            body_start = opening.end()
        close = _closing_line(text, body_start)
        body_end = close if close is not None else len(text)
        if close is None:
            warnings.append(f"{file}: section [{name}] is never closed with '}}'; read to the end")
        if name in found:
            warnings.append(f"{file}: {line_place(line_of(text, header.start()))}: a second [{name}] "
                            "section; it replaces the first")
        found[name] = _Section(name, text, body_start, body_end)
        pos = close + 1 if close is not None else len(text)
    return found


def _closing_line(text: str, start: int) -> int | None:
    """Where the line holding a section's closing "}" starts (found with str.find: a
    regex over every line of a big section costs more than the rest of the parse)."""
    at = start
    while (at := text.find("}", at)) >= 0:
        line_start = text.rfind("\n", 0, at) + 1
        if not text[line_start:at].strip(" \t"):
            return line_start
        at += 1
    return None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value.strip('"')


def _uint(text: str) -> int | None:
    """A plain non-negative integer as the files write it (no sign, no exponent)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS else None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _song_section(section: _Section | None, file: str, warnings: list[str]) -> tuple[int, SongText]:
    song = SongText()
    resolution: int | None = None
    if section is None:
        warnings.append(f"{file}: no [Song] section; resolution {DEFAULT_RESOLUTION}")
        return DEFAULT_RESOLUTION, song
    for m in _KEY_VALUE.finditer(section.body):
        key, raw = m.group(1).strip(), m.group(2)
        value = _unquote(raw)
        if key == "Resolution":
            number = _number(value)
            place = line_place(section.line(m.start()))
            if number is None or number != int(number) or number <= 0:
                raise FormatError(file, f"Resolution {value!r} is not a positive whole number", place)
            if number > MAX_RESOLUTION:
                raise FormatError(file, f"Resolution {int(number)} is above the {MAX_RESOLUTION} the game "
                                        "reads", place)
            resolution = int(number)
        elif key in ("Name", "Artist", "Charter", "Album", "Genre"):
            setattr(song, {"Name": "title"}.get(key, key.lower()), strip_tags(value))
        elif key == "Year":
            song.year = value.removeprefix(", ").strip()
        elif key in ("Offset", "PreviewStart"):
            number = _number(value)
            if number is None:
                warnings.append(f"{file}: {line_place(section.line(m.start()))}: {key} {value!r} is not a "
                                "number; ignored")
            elif key == "Offset":
                song.offset_ms = number * 1000.0
            else:
                song.preview_start_ms = max(0.0, number * 1000.0)
        elif key in STREAM_STEMS and value:
            song.audio.append((key, value, section.line(m.start())))
    if resolution is None:
        warnings.append(f"{file}: [Song] has no Resolution; {DEFAULT_RESOLUTION} assumed")
        resolution = DEFAULT_RESOLUTION
    return resolution, song


def _first_unreadable(section: _Section, good: Callable[[str], object]) -> int:
    """Line number of the first non-blank line that is not `good` (for a warning)."""
    offset = 0
    for line in section.body.splitlines(keepends=True):
        if line.strip() and not good(line.rstrip("\r\n")):
            return section.line(offset)
        offset += len(line)
    return section.line(0)


def _count_unreadable(section: _Section, readable: int, file: str, warnings: list[str]) -> None:
    lines = len(_NONBLANK.findall(section.body))
    if lines != readable:
        where = line_place(_first_unreadable(section, _EVENT.match))
        warnings.append(f"{file}: [{section.name}] has {lines - readable} line(s) that are not "
                        f"'tick = event' (the first at {where}); skipped")


def _events(section: _Section, file: str, warnings: list[str]) -> list[tuple[int, str, str, int]]:
    """(tick, kind, rest, offset in the body) per readable line; unreadable lines reported."""
    events = [(int(m.group(1)), m.group(2), m.group(3), m.start()) for m in _EVENT.finditer(section.body)]
    _count_unreadable(section, len(events), file, warnings)
    return events


def _tempo_map(section: _Section | None, file: str, warnings: list[str]
               ) -> tuple[list[tuple[int, float]], list[tuple[int, int, int]]]:
    tempos: list[tuple[int, float]] = []
    signatures: list[tuple[int, int, int]] = []
    if section is not None:
        for tick, kind, rest, offset in _events(section, file, warnings):
            if kind not in ("B", "TS"):
                continue  # "A" anchors and anything newer
            parts = rest.split()
            numbers = [n for n in map(_uint, parts) if n is not None]
            place = line_place(section.line(offset))
            if not parts or len(numbers) != len(parts):
                warnings.append(f"{file}: {place}: {kind} {rest!r} is not a number; ignored")
            elif kind == "B":
                tempos.append((tick, checked_bpm(numbers[0] / 1000.0, file, place)))
            else:
                num = numbers[0]
                exponent = numbers[1] if len(numbers) > 1 else 2
                if not 1 <= num <= 64 or exponent > 6:
                    warnings.append(f"{file}: {place}: time signature TS {rest} cannot be shown; ignored")
                else:
                    signatures.append((tick, num, 1 << exponent))
    tempos = last_per_tick(tempos)
    if not tempos or tempos[0][0] != 0:
        tempos.insert(0, (0, 120.0))
    signatures = last_per_tick(signatures)
    if not signatures or signatures[0][0] != 0:
        signatures.insert(0, (0, 4, 4))
    return tempos, signatures


def _tokens_fast(body: str) -> tuple[list[str], str] | None:
    """The N/S lines of a section as (ticks + values + lengths, kinds), when every line is
    exactly `tick = N|S value length`, which is what editors write (one line per "\n",
    no blank or other lines). None sends the section to the line-by-line regex instead."""
    tokens = body.split()
    n = len(tokens) // 5
    if not n or len(tokens) != 5 * n or body.count("\n") != n or tokens[1::5].count("=") != n:
        return None
    kinds = "".join(tokens[2::5])
    numbers = tokens[0::5] + tokens[3::5] + tokens[4::5]
    joined = "".join(numbers)
    if len(kinds) != n or kinds.strip("NS") or not joined.isascii() or not joined.isdigit():
        return None
    return numbers, kinds


def _ns_columns(body: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.int64],
                                    npt.NDArray[np.int64]]:
    """(ticks, is S, values, lengths) of the section's N and S lines."""
    fast = _tokens_fast(body)
    columns = np.zeros(0, np.int64)
    if fast is not None:
        numbers, kinds = fast
        # numpy parses the digits (checked above) in C; it clamps what int64 cannot hold,
        # so numbers longer than the regex allows send the section to the regex too.
        columns = np.fromstring(" ".join(numbers), dtype=np.int64, sep=" ")
    if fast is None or columns.max() > _MAX_NUMBER:
        rows = _NOTE_LINE.findall(body)
        kinds = "".join(r[1] for r in rows)
        columns = np.array([int(r[0]) for r in rows] + [int(r[2]) for r in rows]
                           + [int(r[3] or 0) for r in rows], np.int64)
    n = len(kinds)
    is_phrase = np.frombuffer(kinds.encode("ascii"), np.uint8) == ord("S")
    return columns[:n], is_phrase, columns[n:2 * n], columns[2 * n:]


def _among(keys: npt.NDArray[np.int64], wanted: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which `keys` are in `wanted` (np.isin, without its cost on small sets)."""
    if not len(wanted):
        return np.zeros(len(keys), bool)
    wanted = np.sort(wanted)
    i = np.minimum(np.searchsorted(wanted, keys), len(wanted) - 1)
    found: npt.NDArray[np.bool_] = wanted[i] == keys
    return found


class _DrumSection:
    """One difficulty's lines: gems, their modifiers, phrases, solos and mix events.

    N and S lines are most of a chart: they are split into columns in one pass and every
    rule runs on whole columns; the rare E lines (solos, mix events) get their own pass.
    """

    def __init__(self, difficulty: str, section: _Section, file: str, warnings: list[str]):
        self.spans: list[RawSpan] = []
        self.disco: list[tuple[int, str]] = []
        body = section.body
        texts: list[tuple[str, str]] = []
        if "E" in body:  # N and S lines hold no "E"
            texts = _TEXT_LINE.findall(body)
            body = _TEXT_LINE.sub("", body)
        ticks, is_phrase, values, lengths = _ns_columns(body)
        if body.count("\n") != len(ticks) and len(_NONBLANK.findall(body)) != len(ticks):
            self._report(section, file, warnings)  # lines of some other shape
        only = (difficulty,)
        for tick, value, length in zip(ticks[is_phrase].tolist(), values[is_phrase].tolist(),
                                       lengths[is_phrase].tolist(), strict=True):
            phrase = _PHRASES.get(value)
            if phrase is not None:
                self.spans.append((phrase, tick, tick + length, only))
        notes = ~is_phrase
        ticks, values = ticks[notes], np.minimum(values[notes], 127)
        lanes = _NOTE_LANE[values]
        gem = lanes >= 0
        keys = ticks * 8 + _NOTE_TARGET[values]
        gem_keys = keys[gem]
        self.ticks, self.lanes = ticks[gem], lanes[gem]
        hands = (self.lanes != KICK) & (self.lanes != KICK2)
        kinds = _NOTE_KIND[values]
        accent = _among(gem_keys, keys[kinds == 1]) & hands
        ghost = _among(gem_keys, keys[kinds == 2]) & hands & ~accent
        self.dynamics = np.where(accent, ACCENT, np.where(ghost, GHOST, NORMAL)).astype(np.int64)
        cymbal_keys = keys[kinds == 3]
        self.cymbals = _among(gem_keys, cymbal_keys)
        self.has_markers = len(cymbal_keys) > 0
        last = int(ticks.max()) if len(ticks) else 0
        solo_starts: list[int] = []
        for t, raw_text in texts:
            tick = int(t)
            last = max(last, tick)
            text = _unquote(raw_text.strip()).strip()
            if text == "solo":
                solo_starts.append(tick)
            elif text == "soloend" and solo_starts:
                self.spans.append(("solo", solo_starts.pop(), tick + 1, only))
            else:
                state = disco_state(text)
                if state is not None and state[0] == difficulty:
                    self.disco.append((tick, state[1]))
        self.last_tick = last

    @staticmethod
    def _report(section: _Section, file: str, warnings: list[str]) -> None:
        body = section.body
        _count_unreadable(section, len(_EVENT.findall(body)), file, warnings)
        numeric_kinds = len(_NS_LINE.findall(body))
        readable = len(_NOTE_LINE.findall(body))
        if numeric_kinds != readable:
            where = line_place(_first_unreadable(
                section, lambda line: _NS_LINE.match(line) is None or _NOTE_LINE.match(line) is not None))
            warnings.append(f"{file}: [{section.name}] has {numeric_kinds - readable} N/S line(s) whose "
                            f"values are not numbers (the first at {where}); skipped")

    def gems(self) -> Gems:
        return Gems(self.ticks, self.lanes, self.dynamics, self.cymbals)


def read_notes_chart(data: bytes, file: str) -> RawDrumPart:
    text = decode_text(data)
    warnings: list[str] = []
    sections = _sections(text, file, warnings)
    if not sections:
        raise FormatError(file, "not a .chart file: no [Song], [SyncTrack] or track sections found", "line 1")
    resolution, song = _song_section(sections.get("Song"), file, warnings)
    tempos, signatures = _tempo_map(sections.get("SyncTrack"), file, warnings)
    drum_sections = {diff: sections[name] for name, diff in DRUM_SECTIONS.items() if name in sections}
    if not drum_sections:
        raise FormatError(file, "no drum part: no [ExpertDrums], [HardDrums], [MediumDrums] or [EasyDrums] "
                                "section", "sections")
    sections_found: list[tuple[int, str]] = []
    events = sections.get("Events")
    texts = [] if events is None else [(tick, _unquote(rest)) for tick, kind, rest, _ in
                                       _events(events, file, warnings) if kind == "E"]
    for tick, text in texts:
        name = section_name(text)
        if name is not None:
            sections_found.append((tick, name))
    sections_found.sort(key=lambda s: s[0])
    gems = RawDrumPart.empty_gems()
    spans: list[RawSpan] = []
    disco: dict[str, list[tuple[int, str]]] = {}
    has_markers = False
    end_tick = 0
    for diff, section in drum_sections.items():
        part = _DrumSection(diff, section, file, warnings)
        gems[diff] = part.gems()
        spans += part.spans
        if part.disco:
            disco[diff] = part.disco
        has_markers = has_markers or part.has_markers
        end_tick = max(end_tick, part.last_tick)
    spans = big_rock_ending(spans, coda_tick(texts))
    return RawDrumPart("chart", resolution, tempos, signatures, sections_found, gems, has_markers, spans,
                       disco, end_tick, song, warnings)
