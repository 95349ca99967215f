"""The chart format: one JSON file per song, validated by pydantic.

Charts store time as integer ticks so edits snap exactly and tempo changes never shift
notes; `duet_drums.core.tempo` turns ticks into seconds. A chart never depends on a lane
layout: notes name drum pieces.

Loading never raises a traceback at a user: every problem becomes a `ChartError` whose
message names the file, the JSON path (``parts.lead.expert[12].piece``) and what is wrong.

Charts come from strangers, so a chart must also be *sane*, not only well-formed; these
limits are far beyond any real song and keep every time the game computes finite:

- a file is at most `MAX_CHART_BYTES` (8 MB; the bundled medley, 5,600 notes, is 0.3 MB),
  refused before it is read, and must be a regular file (see `core.safe_read`);
- JSON nests at most 64 levels and holds no NaN, Infinity or 30-digit numbers
  (see `core.jsonfile`);
- ticks are at most `MAX_TICK` (2**31 - 1, the range of MIDI-derived formats);
- tempos are at least `MIN_BPM` (0.001 BPM, the slowest a `.chart` can write: community
  charts use such "tiny tempos" for a few ticks to hold the highway, while 1e-300 BPM
  would put the second note centuries after the first; the 2-hour limit below catches a
  tiny tempo that lasts too long);
- the last event (note, section, span, chord, tempo or time signature) comes at most
  `MAX_SONG_SECONDS` (2 hours) into the song, and so do `preview_start_ms` and
  `audio_offset_ms`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from duet_drums.core.atomic import atomic_write_text
from duet_drums.core.jsonfile import JsonProblem, decode_json, format_path
from duet_drums.core.kit import PIECES, Dynamic, Piece, dynamic_of
from duet_drums.core.safe_read import FileReadError, read_bounded

FORMAT_VERSION = 1
DEFAULT_RESOLUTION = 480
DIFFICULTIES: tuple[str, ...] = ("easy", "medium", "hard", "expert")
Difficulty = Literal["easy", "medium", "hard", "expert"]
# "disco": a community chart's disco flip (red and yellow swapped); the notes inside are
# already the pieces the drummer plays, the span records where the file flipped them.
# "coda": a big rock ending (a community chart's fill after its [coda] event): free play.
SpanKind = Literal["fill", "solo", "star", "roll", "roll2", "versus1", "versus2", "disco", "coda"]
# How a community chart's drum part is laid out (the community's own names).
DrumType = Literal["four_lane", "four_lane_pro", "five_lane"]

MAX_CHART_BYTES = 8 << 20
MAX_TICK = 2**31 - 1
MIN_BPM = 0.001
MAX_SONG_SECONDS = 2 * 60 * 60
_MAX_SHOWN_PROBLEMS = 40

_PIECE_ORDER = {p: i for i, p in enumerate(PIECES)}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Note(_Model):
    tick: int = Field(ge=0)
    piece: Piece
    velocity: int | None = Field(default=None, ge=1, le=127)

    @property
    def dynamic(self) -> Dynamic:
        return dynamic_of(self.velocity)


class TempoChange(_Model):
    tick: int = Field(ge=0)
    bpm: float = Field(gt=0, le=1000)


class TimeSignature(_Model):
    tick: int = Field(ge=0)
    num: int = Field(ge=1, le=64)
    den: int = Field(ge=1, le=64)

    @model_validator(mode="after")
    def _den_power_of_two(self) -> TimeSignature:
        if self.den & (self.den - 1):
            raise ValueError(f"time signature denominator {self.den} is not a power of two")
        return self


class Section(_Model):
    tick: int = Field(ge=0)
    name: str = Field(min_length=1)


class Span(_Model):
    """A marked stretch of a part: drum fill, solo, star power, roll, or a versus phrase.

    `difficulties` limits the span to some difficulties (None = all of them), as
    community charts mark rolls per difficulty.
    """

    kind: SpanKind
    tick: int = Field(ge=0)
    end_tick: int = Field(ge=0)
    difficulties: list[Difficulty] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end_tick <= self.tick:
            raise ValueError(f"span ends at tick {self.end_tick}, not after its start {self.tick}")
        return self


class Chord(_Model):
    """A chord of the synthesized backing from `tick` until the next chord."""

    tick: int = Field(ge=0)
    name: str = Field(pattern=r"^[A-G][#b]?(m|maj7|m7|7|sus2|sus4|dim|aug)?$")


class Backing(_Model):
    """What the game synthesizes when the chart has no audio file of its own."""

    click: bool = True
    count_in_beats: int = Field(default=4, ge=0, le=16)
    chords: list[Chord] = Field(default_factory=list)
    # "kick": bass plays the chord root on the lead part's expert kicks; "eighths": on
    # every eighth note; "none": no bass.
    bass: Literal["kick", "eighths", "none"] = "kick"


class SongFolder(_Model):
    """Where a chart read from a community song folder (Rock Band / Clone Hero / YARG)
    came from, and what the game needs at play time that does not live in ticks.

    Offsets follow the community's sign: a positive offset makes the notes later against
    the audio, so a note at tempo-map time t is due at audio time t + `offset_ms`. The
    song.ini `delay` wins over the .chart `Offset` when both are set, as in Clone Hero.
    """

    chart_file: str = Field(min_length=1)
    drum_type: DrumType
    # .chart [Song] Offset, in ms (the file stores seconds).
    chart_offset_ms: float = 0.0
    # song.ini `delay` (or `delay_seconds`), in ms.
    ini_delay_ms: float = 0.0
    # Audio stems beside the chart: stem name ("song", "drums", "drums_1", ...) -> file
    # name inside the folder.
    stems: dict[str, str] = Field(default_factory=dict)
    album: str = ""
    genre: str = ""
    year: str = ""
    # song.ini `diff_drums` (0-6); None when the ini says -1 or nothing.
    diff_drums: int | None = Field(default=None, ge=0)
    song_length_ms: float | None = Field(default=None, ge=0)

    @property
    def offset_ms(self) -> float:
        return self.ini_delay_ms if self.ini_delay_ms else self.chart_offset_ms


class Metadata(_Model):
    title: str = Field(min_length=1)
    artist: str = ""
    charter: str = ""
    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    resolution: int = Field(default=DEFAULT_RESOLUTION, ge=1, le=32768)
    preview_start_ms: float = Field(default=0.0, ge=0)
    audio: str | None = None
    audio_offset_ms: float = 0.0
    backing: Backing = Field(default_factory=Backing)
    description: str = ""
    song_folder: SongFolder | None = None


class Part(_Model):
    description: str = ""
    easy: list[Note]
    medium: list[Note]
    hard: list[Note]
    expert: list[Note]
    spans: list[Span] = Field(default_factory=list)

    def notes(self, difficulty: str) -> list[Note]:
        if difficulty not in DIFFICULTIES:
            raise ValueError(f"unknown difficulty {difficulty!r}; known: {', '.join(DIFFICULTIES)}")
        notes: list[Note] = getattr(self, difficulty)
        return notes


class Chart(_Model):
    format: Literal[1] = 1
    metadata: Metadata
    tempo: list[TempoChange] = Field(min_length=1)
    time_signatures: list[TimeSignature] = Field(
        default_factory=lambda: [TimeSignature(tick=0, num=4, den=4)]
    )
    sections: list[Section] = Field(default_factory=list)
    parts: dict[str, Part] = Field(min_length=1)

    @model_validator(mode="after")
    def _semantic_checks(self) -> Chart:
        problems = chart_problems(self)
        if problems:
            raise ValueError("\n".join(f"{path}: {msg}" for path, msg in problems))
        return self

    @property
    def resolution(self) -> int:
        return self.metadata.resolution

    def notes(self, part: str, difficulty: str) -> list[Note]:
        try:
            p = self.parts[part]
        except KeyError:
            raise ValueError(
                f"chart {self.metadata.title!r} has no part {part!r}; parts: {', '.join(self.parts)}"
            ) from None
        return p.notes(difficulty)

    def last_tick(self) -> int:
        ticks = [n.tick for p in self.parts.values() for d in DIFFICULTIES for n in p.notes(d)[-1:]]
        ticks += [s.tick for s in self.sections]
        return max(ticks, default=0)


def _sorted_unique(items: list[Any], path: str, what: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i in range(1, len(items)):
        if items[i].tick < items[i - 1].tick:
            out.append((f"{path}[{i}].tick",
                        f"{what} at tick {items[i].tick} comes after tick {items[i - 1].tick}: "
                        "ticks must be in order"))
        elif items[i].tick == items[i - 1].tick:
            out.append((f"{path}[{i}].tick", f"two {what}s at tick {items[i].tick}"))
    return out


def _timed_events(chart: Chart) -> list[tuple[str, int]]:
    """Every tick in the chart with its JSON path."""
    out: list[tuple[str, int]] = []
    lists: tuple[tuple[str, list[Any]], ...] = (
        ("tempo", chart.tempo), ("time_signatures", chart.time_signatures), ("sections", chart.sections),
        ("metadata.backing.chords", chart.metadata.backing.chords))
    for name, items in lists:
        out += [(f"{name}[{i}].tick", item.tick) for i, item in enumerate(items)]
    for part_name, part in chart.parts.items():
        for diff in DIFFICULTIES:
            out += [(f"parts.{part_name}.{diff}[{i}].tick", n.tick) for i, n in enumerate(part.notes(diff))]
        for i, span in enumerate(part.spans):
            out += [(f"parts.{part_name}.spans[{i}].tick", span.tick),
                    (f"parts.{part_name}.spans[{i}].end_tick", span.end_tick)]
    return out


def _seconds_at(tempo: list[TempoChange], resolution: int, tick: int) -> float:
    """Seconds of `tick` under an ordered tempo list starting at tick 0 (floats suffice:
    this only judges whether a chart is absurdly long; core.tempo does the exact maths)."""
    seconds = 0.0
    for i, change in enumerate(tempo):
        end = tick if i + 1 == len(tempo) else min(tick, tempo[i + 1].tick)
        if end <= change.tick:
            break
        seconds += (end - change.tick) * 60.0 / (change.bpm * resolution)
    return seconds


def _time_problems(chart: Chart, tempo_ok: bool) -> list[tuple[str, str]]:
    """Limits that keep every time finite and sane (see the module docstring)."""
    problems: list[tuple[str, str]] = []
    events = _timed_events(chart)
    problems += [(path, f"tick {tick} is beyond the largest tick, {MAX_TICK}")
                 for path, tick in events if tick > MAX_TICK]
    problems += [(f"tempo[{i}].bpm", f"BPM must be at least {MIN_BPM:g}, got {t.bpm!r}")
                 for i, t in enumerate(chart.tempo) if t.bpm < MIN_BPM]
    limit_ms = MAX_SONG_SECONDS * 1000.0
    for field in ("preview_start_ms", "audio_offset_ms"):
        value: float = getattr(chart.metadata, field)
        if abs(value) > limit_ms:
            problems.append((f"metadata.{field}", f"{value!r} ms is longer than a chart may last "
                                                  f"({MAX_SONG_SECONDS // 60} minutes)"))
    if problems or not tempo_ok or not events:
        return problems
    path, last = max(events, key=lambda e: e[1])
    seconds = _seconds_at(chart.tempo, chart.resolution, last)
    if seconds > MAX_SONG_SECONDS:
        slowest = min(range(len(chart.tempo)), key=lambda i: chart.tempo[i].bpm)
        problems.append((path, f"tick {last} comes {seconds:.3g} s into the song, but a chart may last "
                               f"at most {MAX_SONG_SECONDS // 60} minutes (check the tempo map: "
                               f"tempo[{slowest}] is {chart.tempo[slowest].bpm:g} BPM at resolution "
                               f"{chart.resolution})"))
    return problems


def chart_problems(chart: Chart) -> list[tuple[str, str]]:
    """Semantic checks pydantic's field types cannot express, each with its JSON path."""
    problems: list[tuple[str, str]] = []
    if chart.tempo[0].tick != 0:
        problems.append(("tempo[0].tick", "the first tempo must be at tick 0"))
    problems += _sorted_unique(chart.tempo, "tempo", "tempo change")
    tempo_ok = not problems
    if chart.time_signatures and chart.time_signatures[0].tick != 0:
        problems.append(("time_signatures[0].tick", "the first time signature must be at tick 0"))
    problems += _sorted_unique(chart.time_signatures, "time_signatures", "time signature")
    for i in range(1, len(chart.sections)):
        if chart.sections[i].tick < chart.sections[i - 1].tick:
            problems.append((f"sections[{i}].tick", "sections must be in tick order"))
    for i in range(1, len(chart.metadata.backing.chords)):
        if chart.metadata.backing.chords[i].tick < chart.metadata.backing.chords[i - 1].tick:
            problems.append((f"metadata.backing.chords[{i}].tick", "chords must be in tick order"))
    for name, part in chart.parts.items():
        for diff in DIFFICULTIES:
            notes = part.notes(diff)
            seen: set[tuple[int, Piece]] = set()
            for i, note in enumerate(notes):
                path = f"parts.{name}.{diff}[{i}]"
                if i and note.tick < notes[i - 1].tick:
                    problems.append((f"{path}.tick",
                                     f"note at tick {note.tick} comes after tick "
                                     f"{notes[i - 1].tick}: notes must be sorted by tick"))
                key = (note.tick, note.piece)
                if key in seen:
                    problems.append((path, f"duplicate note: {note.piece} twice at tick {note.tick}"))
                seen.add(key)
    return problems + _time_problems(chart, tempo_ok)


class ChartError(Exception):
    """A chart that cannot be used; `str()` is the message to show the user."""

    def __init__(self, file: str, problems: list[tuple[str, str]]):
        self.file = file
        self.problems = problems
        lines = [f"{file}: {path}: {msg}" if path else f"{file}: {msg}" for path, msg in problems]
        super().__init__("\n".join(lines))


def _shown(value: Any, limit: int = 60) -> str:
    """A bad value as the message quotes it: a 5 MB string is named, not pasted."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _explain(err: Any) -> list[tuple[str, str]]:
    loc = tuple(err["loc"])
    kind = err["type"]
    path = format_path(loc)
    if kind == "value_error" and not loc:
        # Our own semantic checks: the message already holds "path: problem" lines.
        text = str(err["ctx"]["error"])
        out = []
        for line in text.splitlines():
            p, _, m = line.partition(": ")
            out.append((p, m))
        return out
    if kind == "enum" and loc and loc[-1] == "piece":
        known = ", ".join(PIECES)
        return [(path, f"unknown piece {_shown(err['input'])} (known pieces: {known})")]
    if kind == "missing" and loc and loc[-1] in DIFFICULTIES:
        return [(path, f"missing difficulty {loc[-1]!r}: every part needs "
                       f"{', '.join(DIFFICULTIES)} (an empty list is fine)")]
    if kind == "literal_error" and loc == ("format",):
        return [(path, f"unsupported format version {_shown(err['input'])}; this game reads "
                       f"format {FORMAT_VERSION}")]
    if kind == "missing" and loc == ("format",):
        return [(path, f"missing format version; add \"format\": {FORMAT_VERSION}")]
    if kind in ("greater_than", "greater_than_equal") and loc and loc[-1] in ("bpm", "tick"):
        what = "BPM" if loc[-1] == "bpm" else "tick"
        return [(path, f"{what} must be {err['msg'].lower().removeprefix('input should be ')}, "
                       f"got {_shown(err['input'])}")]
    msg = err["msg"]
    if kind == "value_error":
        msg = str(err["ctx"]["error"])
    return [(path, f"{msg} (got {_shown(err['input'])})" if "input" in err and kind != "missing" and
             not isinstance(err["input"], (dict, list)) else msg)]


def parse_chart(data: Any, file: str = "<chart>") -> Chart:
    """Validate already-decoded JSON data; raises ChartError naming `file`."""
    if not isinstance(data, dict):
        raise ChartError(file, [("", "a chart must be a JSON object")])
    try:
        return Chart.model_validate(data)
    except ValidationError as exc:
        problems: list[tuple[str, str]] = []
        for err in exc.errors():
            problems += _explain(err)
        if len(problems) > _MAX_SHOWN_PROBLEMS:
            more = len(problems) - _MAX_SHOWN_PROBLEMS
            problems = [*problems[:_MAX_SHOWN_PROBLEMS], ("", f"... and {more:,} more problems")]
        raise ChartError(file, problems) from None


def load_chart(path: str | os.PathLike[str]) -> Chart:
    """Read, decode and validate a chart file; every failure is a ChartError naming the
    file and the place (the limits are in the module docstring)."""
    file = str(path)
    try:
        data = decode_json(read_bounded(path, MAX_CHART_BYTES))
    except FileReadError as exc:
        raise ChartError(file, [("", exc.reason)]) from None
    except JsonProblem as exc:
        raise ChartError(file, [(exc.place, exc.reason)]) from None
    return parse_chart(data, file)


def sort_notes(notes: list[Note]) -> list[Note]:
    return sorted(notes, key=lambda n: (n.tick, _PIECE_ORDER[n.piece]))


def chart_to_json(chart: Chart) -> str:
    """Canonical text: stable key order and one note per line, so diffs stay readable."""
    data = chart.model_dump(mode="json", exclude_none=True)
    for part in data["parts"].values():
        for diff in DIFFICULTIES:
            part[diff] = [json.dumps(n, separators=(", ", ": ")) for n in part[diff]]
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # Inline the pre-serialised notes: "{\"tick\": 0, ...}" -> {"tick": 0, ...}


    return re.sub(r'"(\{\\"tick.*?\})"', lambda m: json.loads(f'"{m.group(1)}"'), text) + "\n"


def save_chart(chart: Chart, path: str | os.PathLike[str]) -> None:
    atomic_write_text(path, chart_to_json(chart))


def chart_id(chart: Chart, path: str | os.PathLike[str] | None = None) -> str:
    if chart.metadata.id:
        return chart.metadata.id
    if path is not None:
        return Path(path).stem
    return chart.metadata.title.lower().replace(" ", "-")


def chart_hash(chart: Chart) -> str:
    """Content hash: a replay records it so re-scoring against an edited chart is caught."""
    data = chart.model_dump(mode="json", exclude_none=True)
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def chart_json_schema() -> dict[str, Any]:
    schema = Chart.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Duet Drums chart"
    return schema
