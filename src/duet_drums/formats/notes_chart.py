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

from duet_drums.core.chart import DIFFICULTIES
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
    Gem,
    RawDrumPart,
    RawSpan,
    SongText,
    checked_bpm,
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
_CLOSE = re.compile(r"^[ \t]*\}", re.M)
_EVENT = re.compile(r"^[ \t]*([0-9]{1,15})[ \t]*=[ \t]*([A-Za-z]+)[ \t]*([^\r\n]*?)[ \t]*\r?$", re.M)
_KEY_VALUE = re.compile(r"^[ \t]*([^=\r\n]+?)[ \t]*=[ \t]*([^\r\n]*?)[ \t]*\r?$", re.M)

_LANES = {0: KICK, 1: RED, 2: YELLOW, 3: BLUE, 4: GREEN4, 5: GREEN5, 32: KICK2}
_ACCENTS = {34: RED, 35: YELLOW, 36: BLUE, 37: GREEN4, 38: GREEN5}
_GHOSTS = {40: RED, 41: YELLOW, 42: BLUE, 43: GREEN4, 44: GREEN5}
_CYMBALS = {66: YELLOW, 67: BLUE, 68: GREEN4}
_PHRASES = {0: "versus1", 1: "versus2", 2: "star", 64: "fill", 65: "roll", 66: "roll2"}
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
        close = _CLOSE.search(text, body_start)
        body_end = close.start() if close is not None else len(text)
        if close is None:
            warnings.append(f"{file}: section [{name}] is never closed with '}}'; read to the end")
        if name in found:
            warnings.append(f"{file}: {line_place(line_of(text, header.start()))}: a second [{name}] "
                            "section; it replaces the first")
        found[name] = _Section(name, text, body_start, body_end)
        pos = close.end() if close is not None else len(text)
    return found


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value.strip('"')


def _uint(text: str) -> int | None:
    """A plain non-negative integer as the files write it (no sign, no exponent)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 15 else None


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


def _events(section: _Section, file: str, warnings: list[str]) -> list[tuple[int, str, str, int]]:
    """(tick, kind, rest, offset in the body) per readable line; unreadable lines reported."""
    events = [(int(m.group(1)), m.group(2), m.group(3), m.start()) for m in _EVENT.finditer(section.body)]
    lines = sum(1 for line in section.body.splitlines() if line.strip())
    if lines != len(events):
        bad = next((i for i, line in enumerate(section.body.splitlines(keepends=True))
                    if line.strip() and _EVENT.fullmatch(line.rstrip("\n")) is None), 0)
        offset = sum(len(line) for line in section.body.splitlines(keepends=True)[:bad])
        warnings.append(f"{file}: [{section.name}] has {lines - len(events)} line(s) that are not "
                        f"'tick = event' (the first at {line_place(section.line(offset))}); skipped")
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


class _DrumSection:
    """One difficulty's lines: gems, their modifiers, phrases, solos and mix events."""

    def __init__(self, difficulty: str, section: _Section, file: str, warnings: list[str]):
        self.gems: list[tuple[int, int]] = []
        self.modifiers: dict[tuple[int, int], set[str]] = {}
        self.spans: list[RawSpan] = []
        self.disco: list[tuple[int, str]] = []
        self.has_markers = False
        self.last_tick = 0
        solo_starts: list[int] = []
        only = (difficulty,)
        for tick, kind, rest, offset in _events(section, file, warnings):
            self.last_tick = max(self.last_tick, tick)
            if kind == "E":
                text = _unquote(rest).strip()
                if text == "solo":
                    solo_starts.append(tick)
                elif text == "soloend" and solo_starts:
                    self.spans.append(("solo", solo_starts.pop(), tick + 1, only))
                else:
                    state = disco_state(text)
                    if state is not None and state[0] == difficulty:
                        self.disco.append((tick, state[1]))
                continue
            if kind not in ("N", "S"):
                continue
            numbers = [_uint(p) for p in rest.split()[:2]]
            if not numbers or None in numbers:
                where = line_place(section.line(offset))
                warnings.append(f"{file}: {where}: {kind} {rest!r} is not a number; ignored")
                continue
            value = numbers[0] or 0
            length = numbers[1] or 0 if len(numbers) > 1 else 0
            if kind == "S":
                phrase = _PHRASES.get(value)
                if phrase is not None:
                    self.spans.append((phrase, tick, tick + length, only))  # type: ignore[arg-type]
            elif value in _LANES:
                self.gems.append((tick, _LANES[value]))
            elif value in _ACCENTS:
                self.modifiers.setdefault((tick, _ACCENTS[value]), set()).add("accent")
            elif value in _GHOSTS:
                self.modifiers.setdefault((tick, _GHOSTS[value]), set()).add("ghost")
            elif value in _CYMBALS:
                self.has_markers = True
                self.modifiers.setdefault((tick, _CYMBALS[value]), set()).add("cymbal")

    def resolved_gems(self) -> list[Gem]:
        out: list[Gem] = []
        for tick, lane in self.gems:
            mods = self.modifiers.get((tick, lane), ())
            dyn = NORMAL
            if lane not in (KICK, KICK2):
                dyn = ACCENT if "accent" in mods else GHOST if "ghost" in mods else NORMAL
            out.append((tick, lane, dyn, "cymbal" in mods))
        return out


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
    if events is not None:
        for tick, kind, rest, _ in _events(events, file, warnings):
            if kind == "E":
                name = section_name(_unquote(rest))
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
        gems[diff] = part.resolved_gems()
        spans += part.spans
        if part.disco:
            disco[diff] = part.disco
        has_markers = has_markers or part.has_markers
        end_tick = max(end_tick, part.last_tick)
    return RawDrumPart("chart", resolution, tempos, signatures, sections_found, gems, has_markers, spans,
                       disco, end_tick, song, warnings)
