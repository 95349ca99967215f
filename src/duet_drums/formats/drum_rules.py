"""The community's drum rules, applied once for notes.mid and .chart alike.

From lanes and markers to drum pieces:

- the drum type, in the community's order (ini `five_lane_drums`, ini `pro_drums`, any
  cymbal or tom marker, any 5-lane green note, else four-lane), except where the ini
  contradicts the chart: then the chart's own evidence wins (see `drum_type`);
- cymbal or tom by the format's default and its markers (notes.mid: cymbals unless a tom
  marker; .chart: toms unless a cymbal marker), 5-lane charts converted to 4-lane pro
  (orange -> crash, green -> tom 3; orange with green -> ride + tom 3);
- disco flip (4-lane only): inside `[mix D drumsNd]` red is played on the hi-hat and
  yellow on the snare, so the pieces are swapped and a `disco` span remembers it;
- one gem per highway lane per tick: a repeated gem (a kick and a 2x kick together, a
  blue tom and a converted ride) counts once, as every game and scan-chart count it.

The result holds pieces, not lanes: yellow cymbal -> hi-hat, yellow tom -> tom 1, blue
cymbal -> ride, blue tom -> tom 2, green cymbal -> crash, green tom -> tom 3, which the
5-lane layout in `core.kit` puts back on the lanes they came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duet_drums.formats.drum_part as dp
from duet_drums.core.chart import DIFFICULTIES, DrumType
from duet_drums.core.kit import FIVE_LANE, KICKS, Piece
from duet_drums.formats.drum_part import RawDrumPart, RawSpan, merge_spans

ACCENT_VELOCITY = 127
GHOST_VELOCITY = 30  # soft enough for `core.kit.dynamic_of`, loud enough to hear

# One note of the result: (tick, piece, velocity or None).
DrumNote = tuple[int, Piece, int | None]

_VELOCITY = {dp.ACCENT: ACCENT_VELOCITY, dp.GHOST: GHOST_VELOCITY}
_LANE_OF_PIECE = {piece: FIVE_LANE.lane_of(piece) for piece in Piece}
_PIECE_ORDER = {piece: i for i, piece in enumerate(Piece)}


@dataclass(frozen=True, slots=True)
class DrumOptions:
    """What song.ini says about the drum part (None: the ini does not say)."""

    five_lane_drums: bool | None = None
    pro_drums: bool | None = None
    chord_snap_threshold: int = 0


@dataclass(slots=True)
class DrumPart:
    drum_type: DrumType
    notes: dict[str, list[DrumNote]]
    spans: list[RawSpan]
    warnings: list[str] = field(default_factory=list)


def drum_type(options: DrumOptions, has_markers: bool, has_green5: bool) -> tuple[DrumType, str | None]:
    """The community's order, except where the ini contradicts what the chart holds.

    An ini that says five-lane for a chart with cymbal/tom markers and no 5-lane green, or
    pro for a chart with 5-lane greens and no markers, describes some other chart (ini
    files get copied between songs): reading the notes by the ini would put the wrong
    pieces under the player's sticks, so the chart's markers win and we say so.
    """
    if options.five_lane_drums:
        if has_markers and not has_green5:
            return "four_lane_pro", ("song.ini says five_lane_drums, but the chart marks cymbals/toms "
                                     "and has no 5-lane green note: read as 4-lane pro")
        return "five_lane", None
    if options.pro_drums:
        if has_green5 and not has_markers:
            return "five_lane", ("song.ini says pro_drums, but the chart has 5-lane green notes and no "
                                 "cymbal or tom marker: read as 5-lane")
        return "four_lane_pro", None
    if has_markers:
        return "four_lane_pro", None
    if has_green5:
        return "five_lane", None
    return "four_lane", None


def _four_lane_piece(lane: int, marked: bool, cymbals_by_default: bool, with_orange: bool) -> Piece:
    cymbal = marked != cymbals_by_default
    if lane == dp.YELLOW:
        return Piece.HIHAT if cymbal else Piece.TOM1
    if lane == dp.BLUE:
        return Piece.RIDE if cymbal else Piece.TOM2
    if lane == dp.GREEN4:
        return Piece.CRASH if cymbal else Piece.TOM3
    # The 5-lane green in a 4-lane chart is a green tom; beside an orange it moves to blue.
    return Piece.TOM2 if with_orange else Piece.TOM3


def _five_lane_piece(lane: int, with_green5: bool) -> Piece:
    if lane == dp.YELLOW:
        return Piece.HIHAT
    if lane == dp.BLUE:
        return Piece.TOM2
    if lane == dp.GREEN4:
        return Piece.RIDE if with_green5 else Piece.CRASH
    return Piece.TOM3


def _disco_windows(events: list[tuple[int, str]], song_end: int) -> list[tuple[int, int]]:
    """[start, end) stretches where disco flip is on; the last one may run to the end of
    the song. Several mix events on one tick: "off" wins, then "d" (the games' order)."""
    by_tick: dict[int, str] = {}
    rank = {"off": 0, "d": 1, "noflip": 2}
    for tick, state in events:
        if tick not in by_tick or rank[state] < rank[by_tick[tick]]:
            by_tick[tick] = state
    windows: list[tuple[int, int]] = []
    start: int | None = None
    for tick in sorted(by_tick):
        on = by_tick[tick] == "d"
        if on and start is None:
            start = tick
        elif not on and start is not None:
            windows.append((start, tick))
            start = None
    if start is not None:
        windows.append((start, max(song_end, start) + 1))
    return windows


def _snap_chords(gems: list[tuple[int, int, int, bool]], threshold: int) -> list[tuple[int, int, int, bool]]:
    """ini `chord_snap_threshold`: gems closer than it to the previous chord join it."""
    out: list[tuple[int, int, int, bool]] = []
    anchor: int | None = None
    for tick, lane, dyn, marked in gems:
        if anchor is not None and tick != anchor and tick - anchor < threshold:
            tick = anchor
        else:
            anchor = tick
        out.append((tick, lane, dyn, marked))
    return out


def resolve_drums(raw: RawDrumPart, options: DrumOptions) -> DrumPart:
    has_green5 = any(g[1] == dp.GREEN5 for gems in raw.gems.values() for g in gems)
    kind, warning = drum_type(options, raw.has_markers, has_green5)
    warnings = [warning] if warning else []
    five = kind == "five_lane"
    cymbals_by_default = raw.format == "mid"
    notes: dict[str, list[DrumNote]] = {}
    spans = list(raw.spans)
    for diff in DIFFICULTIES:
        gems = sorted(raw.gems[diff])
        if options.chord_snap_threshold > 0:
            gems = _snap_chords(gems, options.chord_snap_threshold)
        windows = [] if five else _disco_windows(raw.disco.get(diff, []), raw.end_tick)
        spans += [("disco", start, end, (diff,)) for start, end in windows]
        chords: dict[int, set[int]] = {}
        for tick, lane, _, _ in gems:
            chords.setdefault(tick, set()).add(lane)
        # (tick, highway lane, lane in the file, piece, velocity): sorting puts, for each
        # lane and tick, the gem the file charted on that lane itself first.
        placed: list[tuple[int, int, int, Piece, int | None]] = []
        w = 0
        for tick, lane, dyn, marked in gems:
            if lane == dp.KICK:
                piece = Piece.KICK
            elif lane == dp.KICK2:
                piece = Piece.KICK2
            elif lane == dp.RED:
                piece = Piece.SNARE
            elif five:
                piece = _five_lane_piece(lane, dp.GREEN5 in chords[tick])
            else:
                chord = chords[tick]
                both_greens = dp.GREEN4 in chord and dp.GREEN5 in chord
                piece = _four_lane_piece(lane, marked, cymbals_by_default, both_greens)
            while w < len(windows) and tick >= windows[w][1]:
                w += 1
            if w < len(windows) and windows[w][0] <= tick and lane in (dp.RED, dp.YELLOW):
                piece = Piece.HIHAT if lane == dp.RED else Piece.SNARE
            velocity = None
            if piece not in KICKS:
                velocity = _VELOCITY.get(dyn)
            placed.append((tick, _LANE_OF_PIECE[piece], lane, piece, velocity))
        placed.sort(key=lambda p: (p[0], p[1], p[2]))
        kept: list[DrumNote] = []
        last: tuple[int, int] | None = None
        for tick, highway_lane, _, piece, velocity in placed:
            if (tick, highway_lane) == last:
                continue
            last = (tick, highway_lane)
            kept.append((tick, piece, velocity))
        kept.sort(key=lambda n: (n[0], _PIECE_ORDER[n[1]]))
        notes[diff] = kept
    return DrumPart(kind, notes, merge_spans(spans), warnings)
