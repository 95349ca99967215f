"""What a notes.mid or .chart reader hands on: the drum part as the file wrote it.

Both readers fill the same plain structure, and `drum_rules` turns it into drum pieces
by the community's rules once, for both formats. Gems are numpy columns, not objects: a
library scan reads thousands of songs of thousands of gems and needs only counts and two
times from each, so every rule is applied to whole columns at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import DIFFICULTIES, SpanKind
from duet_drums.formats.columns import int_columns
from duet_drums.formats.errors import FormatError

# Lanes as the files number them (.chart N 0-5; notes.mid 96-101 on expert), plus the 2x
# kick. GREEN4 is the 4-lane green pad, which is the orange cymbal of a 5-lane chart.
KICK, RED, YELLOW, BLUE, GREEN4, GREEN5, KICK2 = range(7)
LANE_NAMES = ("kick", "red", "yellow", "blue", "green", "5-lane green", "2x kick")

NORMAL, ACCENT, GHOST = 0, 1, 2

Format = Literal["mid", "chart"]

# One gem as a row: (tick, lane, dynamic, marked). `marked` is True when the format's
# marker overrides its default: a tom marker in notes.mid (cymbals by default), a cymbal
# marker in .chart (toms by default).
Gem = tuple[int, int, int, bool]
# A marked stretch: (kind, tick, end_tick, difficulties or None for all).
RawSpan = tuple[SpanKind, int, int, tuple[str, ...] | None]

# Tempo bounds the chart model accepts; a file beyond them is refused by name.
MAX_BPM = 1000.0


@dataclass(frozen=True, slots=True)
class Gems:
    """One difficulty's gems as columns (see `Gem` for what a row means)."""

    ticks: npt.NDArray[np.int64]
    lanes: npt.NDArray[np.int64]
    dynamics: npt.NDArray[np.int64]
    marked: npt.NDArray[np.bool_]


@dataclass(slots=True)
class SongNames:
    """What song.ini and a .chart [Song] section both name ("" when they do not)."""

    title: str = ""
    artist: str = ""
    charter: str = ""
    album: str = ""
    genre: str = ""
    year: str = ""


@dataclass(slots=True)
class SongText(SongNames):
    """Song facts a .chart [Song] section may carry (notes.mid carries none)."""

    offset_ms: float = 0.0
    preview_start_ms: float | None = None
    # Audio files the chart names: (key, file name as written, line number).
    audio: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass(slots=True)
class RawDrumPart:
    format: Format
    resolution: int
    tempos: list[tuple[int, float]]  # (tick, BPM), sorted, first at tick 0
    time_signatures: list[tuple[int, int, int]]  # (tick, numerator, denominator)
    sections: list[tuple[int, str]]
    gems: dict[str, Gems]
    # Any cymbal or tom marker that counts for the drum type (community rule: a .mid tom
    # marker counts when a gem lies under it; any .chart cymbal marker counts).
    has_markers: bool
    spans: list[RawSpan]
    # Per difficulty, mix events in tick order: (tick, state) with state "d" (disco flip
    # on), "off" or "noflip" (stems swap but the notes do not).
    disco: dict[str, list[tuple[int, str]]]
    end_tick: int
    song: SongText = field(default_factory=SongText)
    warnings: list[str] = field(default_factory=list)

    @staticmethod
    def empty_gems() -> dict[str, Gems]:
        ticks, lanes, dynamics = int_columns([], 3)
        return {d: Gems(ticks, lanes, dynamics, np.zeros(0, bool)) for d in DIFFICULTIES}


def checked_bpm(bpm: float, file: str, place: str) -> float:
    if not bpm > 0:
        raise FormatError(file, f"tempo of {bpm:g} BPM; a tempo must be above 0", place)
    if bpm > MAX_BPM:
        raise FormatError(file, f"tempo of {bpm:g} BPM is beyond the {MAX_BPM:g} BPM the game plays", place)
    return bpm


_Timed = TypeVar("_Timed", bound=tuple[Any, ...])


def last_per_tick(items: Iterable[_Timed]) -> list[_Timed]:
    """Sorted by tick, one item per tick: the last one written wins, as in the games."""
    by_tick: dict[int, _Timed] = {}
    for item in items:
        by_tick[item[0]] = item
    return [by_tick[t] for t in sorted(by_tick)]


_CODA = re.compile(r"^\s*\[?coda\]?\s*$")


def coda_tick(events: Iterable[tuple[int, str]]) -> int | None:
    """The first `[coda]` event of the song's events, if any."""
    return min((tick for tick, text in events if _CODA.match(text)), default=None)


def big_rock_ending(spans: list[RawSpan], coda: int | None) -> list[RawSpan]:
    """Fills from the coda on are the big rock ending, not fills to play through."""
    if coda is None:
        return spans
    return [("coda", tick, end, diffs) if kind == "fill" and tick >= coda else (kind, tick, end, diffs)
            for kind, tick, end, diffs in spans]


def merge_spans(spans: list[RawSpan]) -> list[RawSpan]:
    """One span per (kind, start, end), its difficulties joined; all four become None."""
    merged: dict[tuple[SpanKind, int, int], set[str] | None] = {}
    for kind, tick, end, diffs in spans:
        if end <= tick:
            continue
        key = (kind, tick, end)
        if key in merged and merged[key] is None:
            continue
        if diffs is None:
            merged[key] = None
        else:
            have = merged.setdefault(key, set())
            assert have is not None
            have.update(diffs)
    out: list[RawSpan] = []
    for (kind, tick, end), joined in sorted(merged.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        if joined is None or len(joined) == len(DIFFICULTIES):
            out.append((kind, tick, end, None))
        else:
            out.append((kind, tick, end, tuple(d for d in DIFFICULTIES if d in joined)))
    return out
