"""Drum pieces and lane layouts.

A chart names *pieces* (what the drummer strikes); a *layout* decides how pieces are
grouped into highway lanes. Judging matches hits to notes by lane, so the same chart can
be played on a 5-lane highway (kick + four pads, as Rock Band-style community charts use)
or on a full-kit highway, and a kit player's tom hit still counts on a 5-lane pad.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Piece(StrEnum):
    KICK = "kick"
    KICK2 = "kick2"
    SNARE = "snare"
    HIHAT = "hihat"
    HIHAT_OPEN = "hihat_open"
    HIHAT_PEDAL = "hihat_pedal"
    TOM1 = "tom1"
    TOM2 = "tom2"
    TOM3 = "tom3"
    CRASH = "crash"
    RIDE = "ride"
    CHINA = "china"
    SPLASH = "splash"


PIECES: tuple[Piece, ...] = tuple(Piece)

# What menus call each piece; the 5-lane pads also name their lane colour, since that is
# what a keyboard player sees on the highway.
PIECE_LABELS: dict[Piece, str] = {
    Piece.KICK: "Kick", Piece.KICK2: "Kick 2 (double pedal)", Piece.SNARE: "Snare (red)",
    Piece.HIHAT: "Hi-hat (yellow)", Piece.HIHAT_OPEN: "Open hi-hat", Piece.HIHAT_PEDAL: "Hi-hat pedal",
    Piece.TOM1: "Tom 1", Piece.TOM2: "Tom 2 (blue)", Piece.TOM3: "Tom 3", Piece.CRASH: "Crash (green)",
    Piece.RIDE: "Ride", Piece.CHINA: "China", Piece.SPLASH: "Splash",
}
CYMBALS: frozenset[Piece] = frozenset(
    {Piece.HIHAT, Piece.HIHAT_OPEN, Piece.HIHAT_PEDAL, Piece.CRASH, Piece.RIDE,
     Piece.CHINA, Piece.SPLASH}
)
TOMS: frozenset[Piece] = frozenset({Piece.TOM1, Piece.TOM2, Piece.TOM3})
KICKS: frozenset[Piece] = frozenset({Piece.KICK, Piece.KICK2})

# Velocity thresholds for dynamics. Charts store MIDI velocity (1..127); a note without a
# velocity is a normal note. Community formats mark accents as 127 and ghosts as 1, so
# the thresholds are generous enough to catch hand-authored values too.
ACCENT_MIN_VELOCITY = 110
GHOST_MAX_VELOCITY = 45
# What an input hit must reach to count as "played as an accent" / "played as a ghost".
ACCENT_HIT_MIN_VELOCITY = 100
GHOST_HIT_MAX_VELOCITY = 60


class Dynamic(StrEnum):
    NORMAL = "normal"
    ACCENT = "accent"
    GHOST = "ghost"


def dynamic_of(velocity: int | None) -> Dynamic:
    """Dynamics are derived from velocity so the chart keeps one source of truth."""
    if velocity is None:
        return Dynamic.NORMAL
    if velocity >= ACCENT_MIN_VELOCITY:
        return Dynamic.ACCENT
    if velocity <= GHOST_MAX_VELOCITY:
        return Dynamic.GHOST
    return Dynamic.NORMAL


def shape_of(piece: Piece) -> str:
    """'kick', 'cymbal', 'tom' or 'pad' (the snare): what the renderer draws."""
    if piece in KICKS:
        return "kick"
    if piece in CYMBALS:
        return "cymbal"
    if piece in TOMS:
        return "tom"
    return "pad"


@dataclass(frozen=True, slots=True)
class Lane:
    name: str
    pieces: tuple[Piece, ...]
    color: tuple[int, int, int]
    # The piece a key bound to this lane produces.
    primary: Piece
    # Kick lanes are drawn as a bar across the whole highway.
    is_kick: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    lanes: tuple[Lane, ...]

    def lane_of(self, piece: Piece) -> int:
        return _LANE_INDEX[self.name][piece]

    @property
    def pad_lanes(self) -> tuple[Lane, ...]:
        return tuple(lane for lane in self.lanes if not lane.is_kick)

    def lane_names(self) -> list[str]:
        return [lane.name for lane in self.lanes]


_KICK_COLOR = (255, 150, 40)

FIVE_LANE = Layout(
    "5-lane",
    (
        Lane("kick", (Piece.KICK, Piece.KICK2), _KICK_COLOR, Piece.KICK, is_kick=True),
        Lane("red", (Piece.SNARE,), (230, 60, 60), Piece.SNARE),
        Lane("yellow", (Piece.HIHAT, Piece.HIHAT_OPEN, Piece.HIHAT_PEDAL, Piece.TOM1),
             (240, 210, 50), Piece.HIHAT),
        Lane("blue", (Piece.RIDE, Piece.TOM2), (60, 130, 240), Piece.TOM2),
        Lane("green", (Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.TOM3),
             (60, 200, 90), Piece.CRASH),
    ),
)

FULL_KIT = Layout(
    "full-kit",
    (
        Lane("kick", (Piece.KICK, Piece.KICK2), _KICK_COLOR, Piece.KICK, is_kick=True),
        Lane("hihat", (Piece.HIHAT, Piece.HIHAT_OPEN, Piece.HIHAT_PEDAL), (240, 210, 50),
             Piece.HIHAT),
        Lane("snare", (Piece.SNARE,), (230, 60, 60), Piece.SNARE),
        Lane("tom1", (Piece.TOM1,), (250, 140, 200), Piece.TOM1),
        Lane("tom2", (Piece.TOM2,), (60, 130, 240), Piece.TOM2),
        Lane("tom3", (Piece.TOM3,), (140, 90, 230), Piece.TOM3),
        Lane("crash", (Piece.CRASH, Piece.CHINA, Piece.SPLASH), (60, 200, 90), Piece.CRASH),
        Lane("ride", (Piece.RIDE,), (80, 210, 220), Piece.RIDE),
    ),
)

LAYOUTS: dict[str, Layout] = {FIVE_LANE.name: FIVE_LANE, FULL_KIT.name: FULL_KIT}

_LANE_INDEX: dict[str, dict[Piece, int]] = {}
for _layout in LAYOUTS.values():
    _index = {piece: i for i, lane in enumerate(_layout.lanes) for piece in lane.pieces}
    assert set(_index) == set(PIECES), f"layout {_layout.name} must place every piece"
    _LANE_INDEX[_layout.name] = _index


def get_layout(name: str) -> Layout:
    try:
        return LAYOUTS[name]
    except KeyError:
        raise ValueError(f"unknown lane layout {name!r}; known: {', '.join(LAYOUTS)}") from None
