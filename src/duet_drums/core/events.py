"""What the engine tells the game after each hit or clock tick.

The game loop turns these into feedback (judgement pop-ups, lane flashes, sounds, the
sync meter); nothing here is needed to compute the result, which comes from the session
state itself, so a dropped event can never change a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from duet_drums.core.kit import Piece
from duet_drums.core.rules import Judgement


@dataclass(frozen=True, slots=True)
class NoteJudged:
    """`error` is hit minus note in seconds (negative = early); None for a passed note.
    `t` is the hit time, or the note's time for a note that was passed."""

    player: int
    index: int
    judgement: Judgement
    error: float | None
    t: float
    lane: int
    piece: Piece
    points: int


@dataclass(frozen=True, slots=True)
class Overhit:
    player: int
    t: float
    lane: int
    piece: Piece


@dataclass(frozen=True, slots=True)
class UnisonJudged:
    """`asynchrony` is P1 minus P2 in seconds (positive = P2 leads); None when either
    player missed the unison. `t` is the unison's chart time."""

    tick: int
    t: float
    asynchrony: float | None
    credit: float
    duet_active: bool


@dataclass(frozen=True, slots=True)
class ComboBroken:
    player: int
    combo: int


Event = NoteJudged | Overhit | UnisonJudged | ComboBroken
