"""The order drums are listed in on the keys and key test screens: the five 5-lane
pieces first, as they sit on the highway (what most people bind), then the full kit's
extras."""

from __future__ import annotations

from duet_drums.core.kit import PIECES, Piece

FIVE_LANE = (Piece.KICK, Piece.SNARE, Piece.HIHAT, Piece.TOM2, Piece.CRASH)
DRUM_ORDER: tuple[Piece, ...] = (*FIVE_LANE, *(p for p in PIECES if p not in FIVE_LANE))
