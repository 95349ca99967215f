"""What a human can play at one instant, for reductions and the validation panel.

Two hands and two feet; closed and open hi-hat never sound together (it is one
cymbal); an accent cymbal replaces the time-keeping cymbal the same hand would have
played; and on a 5-lane highway (how community charts are played) one lane holds one gem
at a time, so two pieces of one lane on one tick cannot both be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from duet_drums.core.chart import Note
from duet_drums.core.kit import FIVE_LANE, Piece

FEET = frozenset({Piece.KICK, Piece.KICK2, Piece.HIHAT_PEDAL})
TIMEKEEPING = frozenset({Piece.HIHAT, Piece.HIHAT_OPEN, Piece.RIDE})
ACCENT_CYMBALS = frozenset({Piece.CRASH, Piece.CHINA, Piece.SPLASH})

# Which note survives when a chord has to lose one: earlier = more important. The snare
# carries the backbeat, the kick the groove; crashes mark the phrase; time-keeping
# cymbals are the first to go.
KEEP_ORDER: tuple[Piece, ...] = (
    Piece.SNARE, Piece.KICK, Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.TOM1, Piece.TOM2,
    Piece.TOM3, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.HIHAT_PEDAL, Piece.KICK2,
)
RANK: dict[Piece, int] = {p: i for i, p in enumerate(KEEP_ORDER)}


def chords(notes: Iterable[Note]) -> dict[int, list[Note]]:
    """Notes grouped by tick, in tick order."""
    out: dict[int, list[Note]] = {}
    for n in sorted(notes, key=lambda n: n.tick):
        out.setdefault(n.tick, []).append(n)
    return out


def hands(pieces: Iterable[Piece]) -> list[Piece]:
    return [p for p in pieces if p not in FEET]


def feet(pieces: Iterable[Piece]) -> list[Piece]:
    return [p for p in pieces if p in FEET]


def playable_chord(chord: Sequence[Note]) -> list[Note]:
    """The chord with the physically impossible or doubled gems dropped (by KEEP_ORDER)."""
    pieces = {n.piece for n in chord}
    group = list(chord)
    if pieces & ACCENT_CYMBALS:
        group = [n for n in group if n.piece not in TIMEKEEPING]
    if Piece.HIHAT_OPEN in pieces:
        group = [n for n in group if n.piece is not Piece.HIHAT]
    lanes: set[int] = set()
    out: list[Note] = []
    for n in sorted(group, key=lambda n: RANK[n.piece]):
        lane = FIVE_LANE.lane_of(n.piece)
        if lane not in lanes:
            lanes.add(lane)
            out.append(n)
    return out


def playable(notes: Iterable[Note]) -> list[Note]:
    return [n for chord in chords(notes).values() for n in playable_chord(chord)]


def chord_problems(pieces: Sequence[Piece]) -> list[tuple[str, str]]:
    """Why a chord cannot be played as written, as (code, message); empty when it can."""
    problems: list[tuple[str, str]] = []
    names = ", ".join(p.value for p in pieces)
    if len(hands(pieces)) > 2:
        problems.append(("three-gems", f"{names} needs more than two hands"))
    if len(feet(pieces)) > 2:
        problems.append(("three-feet", f"{names} needs more than two feet"))
    if Piece.HIHAT in pieces and Piece.HIHAT_OPEN in pieces:
        problems.append(("open-and-closed-hihat", "closed and open hi-hat together"))
    lanes = [FIVE_LANE.lane_of(p) for p in pieces]
    if len(set(lanes)) != len(lanes):
        problems.append(("shared-lane", f"{names} share a 5-lane lane (a 5-lane player sees one gem)"))
    return problems
