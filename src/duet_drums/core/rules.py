"""Hit windows and sync thresholds: the numbers every judgement is measured against.

They live in one frozen object so a session, a replay and the results screen all agree
on exactly which windows were in force; a strictness preset scales the hit windows and
sets the sync thresholds, which stay in absolute milliseconds (not tied to tempo),
because what two drummers hear as "together" does not change with the song's BPM.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Judgement(StrEnum):
    PERFECT = "perfect"
    GREAT = "great"
    GOOD = "good"
    MISS = "miss"


# The order NoteTrack.judgement indexes into (0 = perfect ... 3 = miss).
JUDGEMENT_ORDER: tuple[Judgement, ...] = (
    Judgement.PERFECT, Judgement.GREAT, Judgement.GOOD, Judgement.MISS,
)
MISS_INDEX = JUDGEMENT_ORDER.index(Judgement.MISS)

STRICTNESS_NAMES: tuple[str, ...] = ("relaxed", "standard", "strict")


@dataclass(frozen=True, slots=True)
class Rules:
    """Windows are half-widths in seconds around a note.

    A hit within `miss` of a note but outside `good` still consumes that note as a Miss
    (a sloppy stroke aimed at it), while a hit farther than `miss` from every open note
    of its lane is an overhit. Sync credit is full at |asynchrony| <= `sync_full`, none at
    >= `sync_none`, linear in between.
    """

    perfect: float = 0.025
    great: float = 0.050
    good: float = 0.090
    miss: float = 0.135
    sync_full: float = 0.010
    sync_none: float = 0.050
    strictness: str = "standard"

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

    def sync_credit(self, asynchrony: float) -> float:
        a = abs(asynchrony)
        if a <= self.sync_full:
            return 1.0
        if a >= self.sync_none:
            return 0.0
        return (self.sync_none - a) / (self.sync_none - self.sync_full)


_BASE = Rules()
# strictness -> (window scale, sync_full, sync_none)
_PRESETS: dict[str, tuple[float, float, float]] = {
    "relaxed": (1.4, 0.020, 0.080),
    "standard": (1.0, 0.010, 0.050),
    "strict": (0.7, 0.005, 0.030),
}


def rules_for(strictness: str) -> Rules:
    try:
        scale, full, none = _PRESETS[strictness]
    except KeyError:
        raise ValueError(
            f"unknown strictness {strictness!r}; known: {', '.join(STRICTNESS_NAMES)}"
        ) from None
    return Rules(
        perfect=_BASE.perfect * scale,
        great=_BASE.great * scale,
        good=_BASE.good * scale,
        miss=_BASE.miss * scale,
        sync_full=full,
        sync_none=none,
        strictness=strictness,
    )
