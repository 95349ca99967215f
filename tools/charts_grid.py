"""Drum grids: one bar of a part written as text, one row per piece, one character per
16th note, so an arrangement reads like drum notation and can be reviewed in a diff.

    {"hihat": "x-x-x-x-x-x-x-x-", "snare": "----X--g----X--g", "kick": "x---x---x---x---"}

Characters: ``-`` rest, ``x`` normal, ``X`` accent (velocity 120), ``g`` ghost (velocity
30). A row key may carry the lowest difficulty it is played on: ``"hihat@hard"`` is only
in the hard and expert charts; that is how the arranger keeps a newcomer's hi-hat off
easy and medium without relying on the automatic reduction alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from duet_drums.core.kit import Piece

STEPS = 16
RESOLUTION = 480
STEP_TICKS = RESOLUTION * 4 // STEPS
BAR_TICKS = RESOLUTION * 4
DIFF_ORDER: tuple[str, ...] = ("easy", "medium", "hard", "expert")
ACCENT_VELOCITY = 120
GHOST_VELOCITY = 30
REST = "-"
_VELOCITY = {"x": None, "X": ACCENT_VELOCITY, "g": GHOST_VELOCITY}

Pattern = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Hit:
    """A note before it becomes a chart Note: `min_diff` is the index in DIFF_ORDER of
    the easiest difficulty that may keep it."""

    tick: int
    piece: Piece
    velocity: int | None = None
    min_diff: int = 0


def row_key(key: str) -> tuple[Piece, int]:
    piece, _, diff = key.partition("@")
    return Piece(piece), DIFF_ORDER.index(diff) if diff else 0


def merge(*patterns: Pattern) -> dict[str, str]:
    """Overlay patterns; where two rows of the same key both have a note, the later wins."""
    out: dict[str, str] = {}
    for pattern in patterns:
        for key, row in pattern.items():
            if len(row) != STEPS or any(c != REST and c not in _VELOCITY for c in row):
                raise ValueError(f"bad grid row {key!r}: {row!r}")
            old = out.get(key, REST * STEPS)
            out[key] = "".join(n if n != REST else o for o, n in zip(old, row, strict=True))
    return out


def cut(pattern: Pattern, start: int = 0, end: int = STEPS) -> dict[str, str]:
    """Keep only the steps in [start, end): used to splice a fill into a groove bar."""
    return {k: REST * start + row[start:end] + REST * (STEPS - end) for k, row in pattern.items()}


def splice(groove: Pattern, fill: Pattern, at: int) -> dict[str, str]:
    """The groove up to step `at`, then the fill: how a drummer leaves the beat."""
    return merge(cut(groove, 0, at), cut(fill, at))


def hits(pattern: Pattern, bar_tick: int) -> list[Hit]:
    out: list[Hit] = []
    for key, row in pattern.items():
        piece, min_diff = row_key(key)
        for step, c in enumerate(row):
            if c != REST:
                out.append(Hit(bar_tick + step * STEP_TICKS, piece, _VELOCITY[c], min_diff))
    return out
