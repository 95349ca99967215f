"""The duo coach's report: plain frozen pydantic models a screen draws and a file stores.

Conventions, the same everywhere in the report:
- asynchronies are P1 minus P2 in ms (positive = P2 ahead), as the sync score's;
- timing errors are hit minus note in ms (negative = early);
- tempo is BPM against the chart (positive = faster than the click);
- an `Interval` is an estimate with its 95 % interval and the n behind it. Anything the
  coach would not say at that n is None, or flagged `significant = False`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from duet_drums.core.coach_stats import Estimate

REPORT_VERSION = 1

Verdict = Literal["p2_follows_p1", "p1_follows_p2", "mutual", "unclear"]
MessageKind = Literal["offset", "coupling", "drift", "steadiness"]
Drill = Literal["loop_section", "quiet_count", "swap_lead"]
WindowKind = Literal["song", "section", "after_fill"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Interval(_Model):
    value: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, est: Estimate, factor: float = 1.0) -> Interval:
        e = est.scaled(factor)
        return cls(value=e.value, low=e.low, high=e.high, n=e.n)

    @property
    def excludes_zero(self) -> bool:
        return self.low > 0.0 or self.high < 0.0


class PieceTiming(_Model):
    """One player's timing on one piece; early/late count hits outside the Perfect
    window on each side, as the results screen's early/late do."""

    piece: str
    n: int
    mean_ms: Interval
    sd_ms: float
    early: int
    late: int


class TempoWindow(_Model):
    """Tempo against the chart over a stretch: `mean_bpm` on average, `end_bpm` at its
    last note and `change_bpm` from first note to last (the last two not for the whole
    song), each with its 95 % interval. `drift` is the one of mean and end worth saying
    (`drift_kind` says which): at least MIN_DRIFT_BPM and certain even after allowing for
    every window of the song being tested (Bonferroni), so forty windows a song do not
    make a drift out of noise. `significant`: there is such a drift (for the pair: each
    player drifted the same way there too)."""

    kind: WindowKind
    name: str
    section: str
    start: float
    end: float
    n: int
    mean_bpm: Interval | None
    end_bpm: Interval | None
    change_bpm: Interval | None
    drift: Interval | None
    drift_kind: Literal["mean", "end"] | None
    significant: bool


class TempoReport(_Model):
    # (time s, BPM against the chart) per bar, over the two bars from there: the curve
    # a progress plot draws.
    curve: list[tuple[float, float]]
    windows: list[TempoWindow]


class PlayerCoach(_Model):
    label: str
    notes: int
    hits: int
    mean_error_ms: float | None
    sd_ms: float | None
    unstable_rate: float | None  # 10 × SD in ms, as osu! players know it
    pieces: list[PieceTiming]
    tempo: TempoReport


class PairingOffset(_Model):
    """Signed mean asynchrony on one drum pairing. `shown` once n is large enough to
    give an interval at all; `significant` when it is also a lean worth naming.
    `versus_rest_ms`: this pairing's mean minus the mean of the other unisons (a normal
    95 % interval); `distinct` when that difference is itself a lean worth naming, i.e.
    this drum leans on its own rather than with the whole pair."""

    pairing: str
    label: str
    n: int
    shown: bool
    mean_ms: Interval | None
    sd_ms: float | None
    significant: bool
    ahead: str  # the label of the player ahead when significant, else ""
    versus_rest_ms: Interval | None
    distinct: bool


class Spread(_Model):
    n: int
    sd_ms: float | None
    mean_abs_ms: float | None
    within_10: float | None  # shares 0..1 of unisons within 10 / 20 / 50 ms
    within_20: float | None
    within_50: float | None


class Coupling(_Model):
    """Who adapts to whom, from the two players' inter-onset intervals between unisons
    (each interval minus the chart's). `r_lag_plus1` is corr(P1's interval, P2's next
    one): P2 tracking P1; `r_lag_minus1` the reverse. A correlation counts only beyond
    `threshold` (1.96/√n). Phase-correction gains are least-squares fits, biased by
    motor noise, so only their difference is read, never their size."""

    n: int
    r_lag_minus1: float | None
    r_lag0: float | None
    r_lag_plus1: float | None
    threshold: float | None
    gain_p1: Interval | None
    gain_p2: Interval | None
    verdict: Verdict
    text: str


class PairCoach(_Model):
    unisons: int
    hit_unisons: int
    sync_percent: float
    weakest_section: str | None
    offsets: list[PairingOffset]
    spread: Spread
    coupling: Coupling
    drift: TempoReport


class Message(_Model):
    """One thing to practise. `estimate` is the statistic behind the sentence, in `unit`;
    `recovers_percent` is how many points of sync fixing it would give back (what the
    messages are ranked by); `section` and `drill` say where and how to practise it."""

    kind: MessageKind
    text: str
    statistic: str
    unit: str
    estimate: Interval
    recovers_percent: float
    section: str | None
    drill: Drill | None


class CoachReport(_Model):
    version: int = REPORT_VERSION
    chart_title: str
    strictness: str
    players: list[PlayerCoach]
    pair: PairCoach
    messages: list[Message]
