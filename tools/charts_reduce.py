"""Difficulty reduction and playability rules for the bundled charts.

The reduction follows the spirit of Onyx's drum reducer (see
shared/reference/chart-formats.md): greedy by metrical weight, snares first, then the
other hand notes, kicks last; each note is kept only when no kept note of its kind lies
within a window (Hard ±1/2 beat; Medium and Easy ±1 beat, kicks ±1 / ±2 beats). Each
difficulty is reduced from the one above it (expert -> hard -> medium -> easy), so a
harder chart never has fewer notes than an easier one. On top of that, the human
review rules: no ghosts or double kick below expert, no kicks inside fills on hard and
below, no three-limb moments on medium, and on easy a single gem at a time (never a gem
paired with a kick).

`cleanup` makes every difficulty physically playable: an accent cymbal replaces the
time-keeping cymbal the same hand would have played, closed and open hi-hat never
sound together, and two pieces never share a 5-lane lane on one tick.
"""

from __future__ import annotations

from collections.abc import Iterable

from charts_grid import BAR_TICKS, RESOLUTION, Hit
from duet_drums.core.kit import FIVE_LANE, GHOST_MAX_VELOCITY, Piece

FEET = frozenset({Piece.KICK, Piece.KICK2, Piece.HIHAT_PEDAL})
TIMEKEEPING = frozenset({Piece.HIHAT, Piece.HIHAT_OPEN, Piece.RIDE})
ACCENT_CYMBALS = frozenset({Piece.CRASH, Piece.CHINA, Piece.SPLASH})

# Which note survives when a difficulty has to drop one: earlier = more important.
KEEP_ORDER: tuple[Piece, ...] = (
    Piece.SNARE, Piece.KICK, Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.TOM1, Piece.TOM2,
    Piece.TOM3, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.HIHAT_PEDAL, Piece.KICK2,
)
# On easy one gem at a time; a crash (a section's downbeat, the final hit) or a tom says
# more about the music than the kick.
EASY_ORDER: tuple[Piece, ...] = (
    Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.SNARE, Piece.TOM1, Piece.TOM2, Piece.TOM3,
    Piece.KICK, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.HIHAT_PEDAL, Piece.KICK2,
)

# (hand window, kick window) in ticks, exclusive: a kept note's neighbour exactly this far
# away is kept too, so Hard keeps straight 8ths and Medium straight quarters.
WINDOWS = {
    "hard": (RESOLUTION // 2, RESOLUTION // 2),
    "medium": (RESOLUTION, RESOLUTION),
    "easy": (RESOLUTION, 2 * RESOLUTION),
}


def _kind(piece: Piece) -> str:
    if piece is Piece.SNARE:
        return "snare"
    if piece in (Piece.KICK, Piece.KICK2):
        return "kick"
    if piece is Piece.HIHAT_PEDAL:
        return "pedal"
    return "hand"


def _weight(tick: int) -> int:
    pos = tick % BAR_TICKS
    if pos == 0:
        return 4
    if pos == BAR_TICKS // 2:
        return 3
    if pos % RESOLUTION == 0:
        return 2
    if pos % (RESOLUTION // 2) == 0:
        return 1
    return 0


def order(hits: Iterable[Hit]) -> list[Hit]:
    """Sorted by tick, then piece: (tick, piece) is unique after `cleanup`, so velocities
    (None or int) are never compared."""
    return sorted(hits, key=lambda h: (h.tick, h.piece))


def by_tick(hits: Iterable[Hit]) -> dict[int, list[Hit]]:
    out: dict[int, list[Hit]] = {}
    for h in order(hits):
        out.setdefault(h.tick, []).append(h)
    return out


def cleanup(hits: Iterable[Hit]) -> list[Hit]:
    """Merge duplicates and apply the physical rules every difficulty must obey."""
    merged: dict[tuple[int, Piece], Hit] = {}
    for h in hits:
        old = merged.get((h.tick, h.piece))
        if old is not None:
            vel = max(old.velocity or 64, h.velocity or 64)
            h = Hit(h.tick, h.piece, None if vel == 64 else vel, min(old.min_diff, h.min_diff))
        merged[(h.tick, h.piece)] = h
    out: list[Hit] = []
    for group in by_tick(merged.values()).values():
        pieces = {h.piece for h in group}
        if pieces & ACCENT_CYMBALS:
            group = [h for h in group if h.piece not in TIMEKEEPING]
        if Piece.HIHAT_OPEN in pieces:
            group = [h for h in group if h.piece is not Piece.HIHAT]
        lanes: set[int] = set()
        for h in sorted(group, key=lambda h: KEEP_ORDER.index(h.piece)):
            lane = FIVE_LANE.lane_of(h.piece)
            if lane not in lanes:
                lanes.add(lane)
                out.append(h)
    return order(out)


def reduce(hits: list[Hit], difficulty: str, fills: list[tuple[int, int]]) -> list[Hit]:
    """One step down: `hits` is the next harder difficulty's chart."""
    level = ("easy", "medium", "hard").index(difficulty)
    hand_w, kick_w = WINDOWS[difficulty]
    pool = [
        h for h in hits
        if h.min_diff <= level
        and h.piece is not Piece.KICK2
        and not (h.velocity is not None and h.velocity <= GHOST_MAX_VELOCITY)
        and not (h.piece is Piece.KICK and any(a <= h.tick < b for a, b in fills))
    ]
    kept: dict[str, list[int]] = {}
    out: list[Hit] = []
    for h in sorted(pool, key=lambda h: (-_weight(h.tick), h.tick, KEEP_ORDER.index(h.piece))):
        kind = _kind(h.piece)
        window = kick_w if kind in ("kick", "pedal") else hand_w
        if all(abs(h.tick - t) >= window for t in kept.get(kind, [])):
            kept.setdefault(kind, []).append(h.tick)
            out.append(h)
    return _limit_limbs(out, difficulty)


def _limit_limbs(hits: list[Hit], difficulty: str) -> list[Hit]:
    out: list[Hit] = []
    for group in by_tick(hits).values():
        if difficulty == "easy":
            group = sorted(group, key=lambda h: EASY_ORDER.index(h.piece))[:1]
        else:
            group = sorted(group, key=lambda h: KEEP_ORDER.index(h.piece))
            feet = [h for h in group if h.piece in FEET][:1]
            hands = [h for h in group if h.piece not in FEET][:2]
            group = feet + hands
            if difficulty == "medium" and len(group) > 2:
                # Kick + snare + cymbal: the hands carry the groove, the kick yields
                # (a medium disco beat keeps its hi-hat rather than a kick under the snare).
                group = hands[:2] if len(hands) >= 2 else group[:2]
        out += group
    return order(out)


def playability_problems(hits: Iterable[Hit]) -> list[str]:
    """What a human could not play: more than two hands or two feet at once, closed and
    open hi-hat together, two notes in one 5-lane lane on one tick."""
    problems: list[str] = []
    for tick, group in by_tick(hits).items():
        pieces = [h.piece for h in group]
        hands = [p for p in pieces if p not in FEET]
        feet = [p for p in pieces if p in FEET]
        if len(hands) > 2 or len(feet) > 2:
            problems.append(f"tick {tick}: {pieces} needs more than two hands or feet")
        if Piece.HIHAT in pieces and Piece.HIHAT_OPEN in pieces:
            problems.append(f"tick {tick}: closed and open hi-hat together")
        lanes = [FIVE_LANE.lane_of(p) for p in pieces]
        if len(set(lanes)) != len(lanes):
            problems.append(f"tick {tick}: {pieces} share a 5-lane lane")
    return problems
