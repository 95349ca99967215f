"""The rules a performance is scored under: hit windows, points, multiplier, dynamics
bonus, sync thresholds and duet bonus, in one frozen object.

They live in one object so a session, a replay and the results screen all agree on
exactly which numbers were in force, and so a replay can carry them: a replay re-scores
under the rules it was recorded with, never under whatever the constants are today
(changing a scoring number must not silently change every stored score). A strictness
preset scales the hit windows and sets the sync thresholds, which stay in absolute
milliseconds (not tied to tempo), because what two drummers hear as "together" does not
change with the song's BPM.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Literal

from duet_drums.core.kit import ACCENT_HIT_MIN_VELOCITY, GHOST_HIT_MAX_VELOCITY, Dynamic, dynamic_of


class Judgement(StrEnum):
    PERFECT = "perfect"
    GREAT = "great"
    GOOD = "good"
    MISS = "miss"


# The order NoteTrack.judgement indexes into (0 = perfect ... 3 = miss), and the order of
# the per-judgement tuples in `Rules`.
JUDGEMENT_ORDER: tuple[Judgement, ...] = (
    Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD, Judgement.MISS,
)
MISS_INDEX = JUDGEMENT_ORDER.index(Judgement.MISS)
JUDGEMENT_INDEX: dict[Judgement, int] = {j: i for i, j in enumerate(JUDGEMENT_ORDER)}

STRICTNESS_NAMES: tuple[str, ...] = ("relaxed", "standard", "strict")

# Who plays ahead at a unison: "" when nobody can tell (no unison both players hit).
Leader = Literal["P1", "P2", "together", ""]

PerJudgement = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Rules:
    """Windows and sync thresholds are half-widths in seconds.

    A hit within `miss` of a note but outside `good` still consumes that note as a Miss
    (a sloppy stroke aimed at it), while a hit farther than `miss` from every open note
    of its lane is an overhit. Sync credit is full at |asynchrony| <= `sync_full`, none at
    >= `sync_none`, linear in between.

    Points: `points` per judgement (in JUDGEMENT_ORDER) times the multiplier showing when
    the note was hit, which rises by one every `combo_per_multiplier_step` notes of combo
    up to `max_multiplier`. A kit hit at or above `accent_hit_min_velocity` on an accent,
    or at or below `ghost_hit_max_velocity` on a ghost, earns `dynamics_bonus` flat.
    Accuracy weighs each judged note by `accuracy_weights` (in JUDGEMENT_ORDER).

    Duet bonus: after `duet_streak` consecutive unisons each with credit >=
    `duet_min_credit`, both players earn `duet_bonus` x credit per unison while the run
    lasts.
    """

    perfect: float = 0.025
    great: float = 0.050
    good: float = 0.090
    miss: float = 0.135
    sync_full: float = 0.010
    sync_none: float = 0.050
    strictness: str = "standard"
    points: PerJudgement = (100, 70, 40, 0)
    accuracy_weights: tuple[float, float, float, float] = (1.0, 0.75, 0.5, 0.0)
    combo_per_multiplier_step: int = 10
    max_multiplier: int = 4
    dynamics_bonus: int = 20
    accent_hit_min_velocity: int = ACCENT_HIT_MIN_VELOCITY
    ghost_hit_max_velocity: int = GHOST_HIT_MAX_VELOCITY
    duet_streak: int = 4
    duet_min_credit: float = 0.5
    duet_bonus: int = 50

    def __post_init__(self) -> None:
        if not 0 < self.perfect <= self.great <= self.good <= self.miss:
            raise ValueError(
                "hit windows must satisfy 0 < perfect <= great <= good <= miss, got "
                f"{self.perfect}/{self.great}/{self.good}/{self.miss} s"
            )
        if not 0 <= self.sync_full < self.sync_none:
            raise ValueError(
                f"sync thresholds must satisfy 0 <= full < none, got {self.sync_full}/{self.sync_none} s"
            )
        if self.combo_per_multiplier_step < 1 or self.max_multiplier < 1:
            raise ValueError("the multiplier needs a step of at least 1 note and a cap of at least 1, got "
                             f"{self.combo_per_multiplier_step}/{self.max_multiplier}")
        if self.duet_streak < 1:
            raise ValueError(f"the duet bonus needs a streak of at least 1 unison, got {self.duet_streak}")

    # -- judging ------------------------------------------------------------------------
    def judgement_for(self, error: float) -> Judgement:
        """The judgement of a hit `error` seconds off its note (caller checked <= miss)."""
        e = abs(error)
        if e <= self.perfect:
            return Judgement.PERFECT
        if e <= self.great:
            return Judgement.GREAT
        if e <= self.good:
            return Judgement.GOOD
        return Judgement.MISS

    # -- points -------------------------------------------------------------------------
    def points_for(self, judgement: Judgement) -> int:
        return self.points[JUDGEMENT_INDEX[judgement]]

    def multiplier_for(self, combo: int) -> int:
        return min(self.max_multiplier, 1 + combo // self.combo_per_multiplier_step)

    def dynamics_bonus_for(self, note_velocity: int | None, hit_velocity: int | None) -> int:
        """Bonus for playing an accent loud or a ghost soft; keyboards (no velocity) get none."""
        if hit_velocity is None or not note_velocity:
            return 0
        dynamic = dynamic_of(note_velocity)
        if dynamic is Dynamic.ACCENT and hit_velocity >= self.accent_hit_min_velocity:
            return self.dynamics_bonus
        if dynamic is Dynamic.GHOST and hit_velocity <= self.ghost_hit_max_velocity:
            return self.dynamics_bonus
        return 0

    def accuracy_percent(self, counts: dict[Judgement, int]) -> float:
        """Weighted share of judged notes; 100 when nothing is judged yet (nothing missed)."""
        judged = sum(counts.values())
        if judged == 0:
            return 100.0
        weights = self.accuracy_weights
        return 100.0 * sum(weights[JUDGEMENT_INDEX[j]] * n for j, n in counts.items()) / judged

    # -- sync ---------------------------------------------------------------------------
    def sync_credit(self, asynchrony: float) -> float:
        a = abs(asynchrony)
        if a <= self.sync_full:
            return 1.0
        if a >= self.sync_none:
            return 0.0
        return (self.sync_none - a) / (self.sync_none - self.sync_full)

    def leader_of(self, asynchrony_ms: float | None) -> Leader:
        """Who plays ahead, from an asynchrony (P1 minus P2, ms): 'together' inside the
        full-credit sync window (the pair loses nothing there, so nobody "leads"),
        '' when there is no asynchrony to tell from."""
        if asynchrony_ms is None:
            return ""
        if abs(asynchrony_ms) < self.sync_full * 1000.0:
            return "together"
        return "P2" if asynchrony_ms > 0 else "P1"

    def duet_bonus_points(self, credit: float) -> int:
        return round(self.duet_bonus * credit)


RULE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Rules))


@dataclass(frozen=True, slots=True)
class StrictnessPreset:
    window_scale: float
    sync_full: float
    sync_none: float


STRICTNESS_PRESETS: dict[str, StrictnessPreset] = {
    "relaxed": StrictnessPreset(1.4, 0.020, 0.080),
    "standard": StrictnessPreset(1.0, 0.010, 0.050),
    "strict": StrictnessPreset(0.7, 0.005, 0.030),
}
DEFAULT_RULES = Rules()


def rules_for(strictness: str, base: Rules = DEFAULT_RULES,
              presets: dict[str, StrictnessPreset] = STRICTNESS_PRESETS) -> Rules:
    """`base` with its hit windows scaled and its sync thresholds set by a preset."""
    try:
        preset = presets[strictness]
    except KeyError:
        raise ValueError(
            f"unknown strictness {strictness!r}; known: {', '.join(presets)}"
        ) from None
    scale = preset.window_scale
    return replace(base, perfect=base.perfect * scale, great=base.great * scale, good=base.good * scale,
                   miss=base.miss * scale, sync_full=preset.sync_full, sync_none=preset.sync_none,
                   strictness=strictness)
