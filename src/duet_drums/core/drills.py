"""The coach's drills: what each message offers to practise, and the rules each drill
plays by (which bars the click drops out in, when the bot partner follows or leads).

A message names a problem; its drill must aim at it, not at the song in general. So
`drill_offers` picks, per message, the section where that very problem cost the most:
for a lean on the snare, the section whose snare unisons would win back the most sync
with the lean taken out (re-credited as the coach ranks messages); for a drift, the
window it was found in; for a scattering player, the least synced section; for swap the
lead, the least synced section long enough for a turn each at leading. Everything is
computed from the finished song's `CoachInput`, so the offers re-compute from a replay
like the report does.

Bars are counted on the chart's own bar lines from where the drill starts (a section's
first bar, or bar 1), so "two bars on, two off" lines up with the music at any tempo
map or practice speed; times are song seconds, as everywhere in core.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from duet_drums.core.coach_input import ANY, CoachInput, pairing_asynchronies, pairing_share
from duet_drums.core.coach_messages import credits
from duet_drums.core.coach_models import CoachReport, Drill, Message
from duet_drums.core.result import MIN_UNISONS_FOR_WEAKEST
from duet_drums.core.tempo import TempoMap

LOOP_SPEED = 0.8          # loop a lean or a scatter slower, where it can be heard and fixed
DRIFT_SPEED = 1.0         # a drift is a tempo problem: practise it at tempo
SWAP_MIN_BARS = 8         # swap the lead needs room for a turn each (4 bars each by default)
SPAN_EPS_S = 1e-6

Role = Literal["follow", "lead"]


@dataclass(frozen=True, slots=True)
class DrillOffer:
    """What a message's button opens: `kind` of drill on `section` (None: the whole
    song) at `speed`; `practiser` is the player who should play it against the bot
    (swap the lead: the one who follows should learn to lead), None for both."""

    kind: Drill
    section: str | None
    speed: float
    problem: str
    practiser: int | None = None
    practiser_name: str = ""

    @property
    def label(self) -> str:
        where = self.section or "the whole song"
        if self.kind == "loop_section":
            return f"Loop {where} at {round(self.speed * 100)} %"
        if self.kind == "quiet_count":
            return f"Quiet count: {where}"
        return f"Swap the lead: {self.practiser_name} leads" if self.practiser_name else "Swap the lead"


def _section_of(inp: CoachInput, times: np.ndarray) -> np.ndarray:
    starts = np.asarray([s.t for s in inp.sections], dtype=np.float64)
    idx: np.ndarray = np.searchsorted(starts, times, side="right") - 1
    return idx


def _offset_section(inp: CoachInput, report: CoachReport, message: Message) -> str | None:
    """The section whose unisons of the message's pairing would win back the most sync
    with its lean taken out; the weakest section when no section stands out."""
    offset = next((o for o in report.pair.offsets if o.mean_ms == message.estimate), None)
    if offset is None or offset.mean_ms is None or not inp.sections:
        return report.pair.weakest_section
    ids, _ = pairing_asynchronies(inp, offset.pairing)
    a = inp.asynchronies[ids]
    keep = np.isfinite(a)
    ids, a = ids[keep], a[keep]
    share = pairing_share(inp, offset.pairing)[ids] if offset.pairing != ANY else np.ones(ids.size)
    gain = credits(inp, a - offset.mean_ms.value / 1000.0 * share) - credits(inp, a)
    per_section = np.bincount(_section_of(inp, inp.unison_times[ids]).clip(0), weights=gain,
                              minlength=len(inp.sections))
    if per_section.size == 0 or float(per_section.max()) <= 0.0:
        return report.pair.weakest_section
    return inp.sections[int(np.argmax(per_section))].name


def _swap_section(inp: CoachInput) -> str | None:
    """The least synced section long enough for the bot and the player to take a turn
    each at leading; None (the whole song) when no section is."""
    tm = inp.tempo_map
    best: tuple[float, str] | None = None
    for i, s in enumerate(inp.sections):
        if s.sync_percent is None or s.unisons < MIN_UNISONS_FOR_WEAKEST or i + 1 >= len(inp.sections):
            continue
        bar = tm.signature_at(s.tick)[1] * tm.beat_ticks(s.tick)
        long_enough = (inp.sections[i + 1].tick - s.tick) / bar >= SWAP_MIN_BARS
        if long_enough and (best is None or s.sync_percent < best[0]):
            best = (s.sync_percent, s.name)
    return None if best is None else best[1]


def _offer(inp: CoachInput, report: CoachReport, message: Message) -> DrillOffer | None:
    labels = [p.label for p in inp.players]
    if message.drill == "loop_section":
        if message.kind == "offset":
            return DrillOffer("loop_section", _offset_section(inp, report, message), LOOP_SPEED,
                              problem=message.text)
        section = message.section or report.pair.weakest_section
        return DrillOffer("loop_section", section, LOOP_SPEED, problem=message.text)
    if message.drill == "quiet_count":
        return DrillOffer("quiet_count", message.section, DRIFT_SPEED, problem=message.text)
    if message.drill == "swap_lead":
        verdict = report.pair.coupling.verdict
        follower = 1 if verdict == "p2_follows_p1" else 0 if verdict == "p1_follows_p2" else None
        return DrillOffer("swap_lead", _swap_section(inp), DRIFT_SPEED, problem=message.text,
                          practiser=follower, practiser_name="" if follower is None else labels[follower])
    return None


def drill_offers(inp: CoachInput, report: CoachReport) -> tuple[DrillOffer | None, ...]:
    """One offer per message of `report` (None for a message without a drill)."""
    return tuple(_offer(inp, report, m) for m in report.messages)


# -- bars -----------------------------------------------------------------------------------
def bar_lines(tempo_map: TempoMap, start_tick: int, end_tick: int) -> list[float]:
    """Song seconds of every bar line from the first at or after `start_tick` to the
    first at or after `end_tick` (so the last bar is closed)."""
    lines = [g for g in tempo_map.grid(start_tick, end_tick + 8 * tempo_map.resolution * 4)
             if g.measure is not None]
    out: list[float] = []
    for g in lines:
        out.append(g.seconds)
        if g.tick >= end_tick:
            break
    return out


@dataclass(frozen=True, slots=True)
class QuietCount:
    """The click plays `on_bars`, then is silent for `off_bars`, over and over, counted
    from the drill's first bar (the count-in and a loop's lead-in always click)."""

    on_bars: int = 2
    off_bars: int = 2

    def __post_init__(self) -> None:
        if self.on_bars < 1 or self.off_bars < 1:
            raise ValueError(f"quiet count needs at least one bar on and one off, got "
                             f"{self.on_bars} on / {self.off_bars} off")

    @property
    def label(self) -> str:
        return f"click {self.on_bars} bar{'s' * (self.on_bars > 1)}, silent {self.off_bars}"

    def silent_spans(self, tempo_map: TempoMap, start_tick: int, end_tick: int
                     ) -> tuple[tuple[float, float], ...]:
        """[start, end) song seconds where the click is silent, merged, in order."""
        bars = bar_lines(tempo_map, start_tick, end_tick)
        cycle = self.on_bars + self.off_bars
        spans: list[tuple[float, float]] = []
        for b in range(len(bars) - 1):
            if b % cycle < self.on_bars:
                continue
            if spans and abs(spans[-1][1] - bars[b]) < SPAN_EPS_S:
                spans[-1] = (spans[-1][0], bars[b + 1])
            else:
                spans.append((bars[b], bars[b + 1]))
        return tuple(spans)


def is_within(spans: tuple[tuple[float, float], ...], t: float) -> bool:
    """Whether song time `t` falls in one of the half-open `spans`."""
    return any(a - SPAN_EPS_S <= t < b - SPAN_EPS_S for a, b in spans)


# -- who leads ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LeadPhase:
    """From `start` to `end` (song seconds) the bot partner `role`s: "follow" (it
    corrects toward the human, so the human leads) or "lead" (it keeps the click and
    ignores the human, so the human must follow)."""

    start: float
    end: float
    role: Role


@dataclass(frozen=True, slots=True)
class SwapLead:
    """Who leads alternates every `every_bars` bars, or at every section start when
    `every_bars` is 0. The bot follows first: the practising player leads first."""

    every_bars: int = 4

    def __post_init__(self) -> None:
        if self.every_bars < 0:
            raise ValueError(f"swap the lead every {self.every_bars} bars: must be >= 0 (0: by section)")

    @property
    def label(self) -> str:
        return "every section" if self.every_bars == 0 else f"every {self.every_bars} bars"

    def phases(self, tempo_map: TempoMap, start_tick: int, end_tick: int,
               section_ticks: tuple[int, ...] = ()) -> tuple[LeadPhase, ...]:
        """The phases from `start_tick` to `end_tick`; the first starts at -inf (the
        lead-in) and the last runs on to +inf."""
        if self.every_bars == 0:
            cuts = [tempo_map.seconds(t) for t in section_ticks if start_tick < t < end_tick]
        else:
            bars = bar_lines(tempo_map, start_tick, end_tick)
            cuts = bars[self.every_bars:-1:self.every_bars]
        edges = [-np.inf, *cuts, np.inf]
        roles: tuple[Role, Role] = ("follow", "lead")
        return tuple(LeadPhase(float(edges[i]), float(edges[i + 1]), roles[i % 2])
                     for i in range(len(edges) - 1))


def role_at(phases: tuple[LeadPhase, ...], t: float) -> Role:
    for ph in phases:
        if ph.start <= t < ph.end:
            return ph.role
    return "follow"
