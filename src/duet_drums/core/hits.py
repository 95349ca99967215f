"""The one event every input adapter produces and the engine consumes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from duet_drums.core.kit import Piece

HitSource = Literal["keyboard", "midi", "bot", "replay"]


@dataclass(frozen=True, slots=True)
class Hit:
    """A stroke by `player` (0 = left/player 1, 1 = right/player 2) on `piece`.

    `t` is in song seconds, already calibrated (device input offset subtracted) and
    mapped through the song clock: the engine never sees wall-clock time.
    `velocity` is None for inputs without dynamics (keyboards).
    """

    player: int
    piece: Piece
    t: float
    velocity: int | None = None
    source: HitSource = "keyboard"
