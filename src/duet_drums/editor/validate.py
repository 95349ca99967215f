"""The validation panel: what the loader refuses, plus the checks community tools run.

Loader problems (`errors`) make the file unusable; the drum checks (`warnings`) are
what scan-chart, EOF and the Harmonix review rules flag on charts that do load: 2x kick
below expert, three gems for two hands, two notes of one lane 15 ms or less apart, a
time signature off a measure start, a difficulty identical to the one above, a partner
part that never plays with the lead, and the human standards `reduce` keeps (no kick
with a gem on easy, no three-limb moment on medium). Each problem carries where it is
(part, difficulty, tick), so the window can jump there.

"One lane" is a 5-lane lane, as community charts are played; pieces that share a lane
on the same tick are reported as well, since a 5-lane player sees only one gem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from duet_drums.core.chart import DIFFICULTIES, Chart, ChartError, Note, load_chart
from duet_drums.core.kit import FIVE_LANE, KICKS, Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.playability import chord_problems, chords, feet, hands

Level = Literal["error", "warning"]

# Two notes of one lane closer than this cannot be told apart (scan-chart's limit).
MIN_GAP_S = 0.015
# EOF's Rock Band checks: tempos outside this range are almost always a mistake.
BPM_RANGE = (40.0, 300.0)


@dataclass(frozen=True)
class Problem:
    level: Level
    code: str
    message: str
    part: str | None = None
    difficulty: str | None = None
    tick: int | None = None
    path: str = ""  # the JSON path, for loader problems

    def where(self) -> str:
        bits = [b for b in (self.part, self.difficulty) if b]
        if self.tick is not None:
            bits.append(f"tick {self.tick}")
        return " ".join(bits) or self.path or "chart"

    def __str__(self) -> str:
        return f"{self.level}: {self.where()}: {self.message}"


_PATH = re.compile(r"^parts\.(?P<part>[^.\[]+)(?:\.(?P<diff>easy|medium|hard|expert))?")


def loader_problems(error: ChartError) -> list[Problem]:
    """The loader's refusal as panel rows (part and difficulty read off the JSON path)."""
    out = []
    for path, message in error.problems:
        m = _PATH.match(path)
        out.append(Problem("error", "load", message, m["part"] if m else None,
                           m["diff"] if m else None, None, path))
    return out


def validate_file(path: str | os.PathLike[str]) -> tuple[Chart | None, list[Problem]]:
    try:
        chart = load_chart(path)
    except ChartError as exc:
        return None, loader_problems(exc)
    return chart, validate_chart(chart)


def validate_chart(chart: Chart) -> list[Problem]:
    tm = TempoMap.from_chart(chart)
    problems = _tempo_problems(chart)
    for name, part in chart.parts.items():
        for diff in DIFFICULTIES:
            problems += _difficulty_problems(name, diff, part.notes(diff), tm)
        for harder, easier in zip(DIFFICULTIES[:0:-1], DIFFICULTIES[-2::-1], strict=True):
            if part.notes(easier) and part.notes(easier) == part.notes(harder):
                problems.append(Problem("warning", "identical-difficulty",
                                        f"{easier} is identical to {harder}", name, easier))
    problems += _duet_problems(chart)
    return problems


def _tempo_problems(chart: Chart) -> list[Problem]:
    out = []
    lo, hi = BPM_RANGE
    for t in chart.tempo:
        if not lo <= t.bpm <= hi:
            out.append(Problem("warning", "tempo-range",
                               f"{t.bpm:g} BPM is outside {lo:g}-{hi:g}: is it a half- or double-time slip?",
                               tick=t.tick))
    sigs = chart.time_signatures
    for k in range(1, len(sigs)):
        # Measures are counted under the signatures before this one.
        earlier = TempoMap(((0, 120.0),), chart.resolution, ((s.tick, s.num, s.den) for s in sigs[:k]))
        starts = {line.tick for line in earlier.grid(0, sigs[k].tick) if line.measure is not None}
        if sigs[k].tick not in starts:
            prev = sigs[k - 1]
            out.append(Problem("warning", "signature-off-measure",
                               f"time signature {sigs[k].num}/{sigs[k].den} cuts the {prev.num}/{prev.den} "
                               "measure before it short", tick=sigs[k].tick))
    return out


def _difficulty_problems(part: str, diff: str, notes: list[Note], tm: TempoMap) -> list[Problem]:
    out: list[Problem] = []

    def add(code: str, message: str, tick: int) -> None:
        out.append(Problem("warning", code, message, part, diff, tick))

    for tick, chord in chords(notes).items():
        pieces = [n.piece for n in chord]
        if diff != "expert" and Piece.KICK2 in pieces:
            add("double-kick-below-expert", "2x kick below expert", tick)
        for code, problem in chord_problems(pieces):
            add(code, problem, tick)
        if diff == "easy" and hands(pieces) and any(p in KICKS for p in pieces):
            add("easy-kick-with-gem", "easy: a kick together with a gem (easy plays one limb at a time)",
                tick)
        if diff == "medium" and len(hands(pieces)) + min(1, len(feet(pieces))) >= 3:
            add("medium-three-limbs", "medium: kick and two hands at once (three limbs)", tick)
    last: dict[int, Note] = {}
    for n in notes:
        lane = FIVE_LANE.lane_of(n.piece)
        prev = last.get(lane)
        if prev is not None and prev.tick != n.tick:
            gap = tm.seconds(n.tick) - tm.seconds(prev.tick)
            if gap <= MIN_GAP_S:
                add("too-close", f"{prev.piece} and {n.piece} {gap * 1000:.1f} ms apart in the "
                    f"{FIVE_LANE.lanes[lane].name} lane", n.tick)
        last[lane] = n
    return out


def _duet_problems(chart: Chart) -> list[Problem]:
    """Every part after the first is played with it; one that never meets it has no sync."""
    names = list(chart.parts)
    out = []
    for other in names[1:]:
        for diff in DIFFICULTIES:
            lead_ticks = {n.tick for n in chart.notes(names[0], diff)}
            notes = chart.notes(other, diff)
            if notes and not any(n.tick in lead_ticks for n in notes):
                out.append(Problem("warning", "no-unisons",
                                   f"no note shared with {names[0]} {diff}: the pair can earn no sync",
                                   other, diff))
    return out
