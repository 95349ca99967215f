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

import numpy as np
import numpy.typing as npt

import duet_drums.formats.drum_part as dp
from duet_drums.core.chart import DIFFICULTIES, DrumType
from duet_drums.core.kit import FIVE_LANE, PIECES, Piece
from duet_drums.formats.drum_part import RawDrumPart, RawSpan, merge_spans

ACCENT_VELOCITY = 127
GHOST_VELOCITY = 30  # soft enough for `core.kit.dynamic_of`, loud enough to hear

# One note of the result as a row: (tick, piece, velocity or None).
DrumNote = tuple[int, Piece, int | None]

_CODE = {piece: i for i, piece in enumerate(PIECES)}  # a piece's code is its order in PIECES
_HIGHWAY_LANE = np.array([FIVE_LANE.lane_of(piece) for piece in PIECES], np.int64)
_VELOCITY = np.array([0, ACCENT_VELOCITY, GHOST_VELOCITY], np.int64)  # by dynamic; 0: none


@dataclass(frozen=True, slots=True)
class DrumNotes:
    """One difficulty's notes as columns, sorted by tick then piece order; a velocity of
    0 means "no velocity" (a normal note)."""

    ticks: npt.NDArray[np.int64]
    pieces: npt.NDArray[np.int64]  # index into core.kit.PIECES
    velocities: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.ticks)

    def rows(self) -> list[DrumNote]:
        return [(t, PIECES[p], v or None)
                for t, p, v in zip(self.ticks.tolist(), self.pieces.tolist(), self.velocities.tolist(),
                                   strict=True)]


@dataclass(frozen=True, slots=True)
class DrumOptions:
    """What song.ini says about the drum part (None: the ini does not say)."""

    five_lane_drums: bool | None = None
    pro_drums: bool | None = None
    chord_snap_threshold: int = 0


@dataclass(slots=True)
class DrumPart:
    drum_type: DrumType
    notes: dict[str, DrumNotes]
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


def _piece_table(five: bool, cymbals_by_default: bool) -> npt.NDArray[np.int64]:
    """Piece code by `lane * 2 + marked`, for the usual case of a lane alone on its tick."""
    table: list[Piece] = []
    for lane in range(7):
        for marked in (False, True):
            cymbal = marked != cymbals_by_default
            if lane in (dp.KICK, dp.KICK2, dp.RED):
                piece = {dp.KICK: Piece.KICK, dp.KICK2: Piece.KICK2, dp.RED: Piece.SNARE}[lane]
            elif lane == dp.GREEN5:
                piece = Piece.TOM3  # the 5-lane green is a green tom in every layout
            elif five:
                piece = {dp.YELLOW: Piece.HIHAT, dp.BLUE: Piece.TOM2, dp.GREEN4: Piece.CRASH}[lane]
            elif lane == dp.YELLOW:
                piece = Piece.HIHAT if cymbal else Piece.TOM1
            elif lane == dp.BLUE:
                piece = Piece.RIDE if cymbal else Piece.TOM2
            else:
                piece = Piece.CRASH if cymbal else Piece.TOM3
            table.append(piece)
    return np.array([_CODE[p] for p in table], np.int64)


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


def _snap_chords(ticks: npt.NDArray[np.int64], threshold: int) -> npt.NDArray[np.int64]:
    """ini `chord_snap_threshold`: gems closer than it to the previous chord join it."""
    unique = np.unique(ticks).tolist()
    moved: dict[int, int] = {}
    anchor: int | None = None
    for tick in unique:
        if anchor is not None and tick - anchor < threshold:
            moved[tick] = anchor
        else:
            anchor = tick
    if not moved:
        return ticks
    return np.array([moved.get(t, t) for t in ticks.tolist()], np.int64)


def _inside(ticks: npt.NDArray[np.int64], windows: list[tuple[int, int]]) -> npt.NDArray[np.bool_]:
    starts = np.array([w[0] for w in windows], np.int64)
    ends = np.array([w[1] for w in windows], np.int64)
    i = np.searchsorted(starts, ticks, side="right") - 1
    return (i >= 0) & (ticks < ends[np.maximum(i, 0)])


def _resolve_difficulty(gems: dp.Gems, table: npt.NDArray[np.int64], together: dict[int, Piece],
                        windows: list[tuple[int, int]], snap: int, has_green5: bool) -> DrumNotes:
    order = np.lexsort((gems.lanes, gems.ticks))  # by tick, then by the file's lane
    ticks = gems.ticks[order]
    if snap > 0:
        snapped = _snap_chords(ticks, snap)
        again = np.lexsort((gems.lanes[order], snapped))
        order, ticks = order[again], snapped[again]
    lanes = gems.lanes[order].astype(np.int64)
    pieces = table[lanes * 2 + gems.marked[order]]
    if has_green5:
        both = np.intersect1d(ticks[lanes == dp.GREEN4], ticks[lanes == dp.GREEN5])
        if len(both):
            at_both = np.isin(ticks, both)
            for lane, piece in together.items():
                pieces[at_both & (lanes == lane)] = _CODE[piece]
    if windows:
        flipped = _inside(ticks, windows)
        pieces[flipped & (lanes == dp.RED)] = _CODE[Piece.HIHAT]
        pieces[flipped & (lanes == dp.YELLOW)] = _CODE[Piece.SNARE]
    # One gem per highway lane per tick: sorted by the file's lane, the first of a tick
    # and lane is the gem the file charted on that lane itself, and it stays.
    _, keep = np.unique(ticks * 8 + _HIGHWAY_LANE[pieces], return_index=True)
    ticks, pieces = ticks[keep], pieces[keep]
    kicks = (lanes[keep] == dp.KICK) | (lanes[keep] == dp.KICK2)
    velocities = np.where(kicks, 0, _VELOCITY[gems.dynamics[order][keep]])
    final = np.lexsort((pieces, ticks))
    return DrumNotes(ticks[final], pieces[final], velocities[final])


def resolve_drums(raw: RawDrumPart, options: DrumOptions) -> DrumPart:
    has_green5 = any(bool((g.lanes == dp.GREEN5).any()) for g in raw.gems.values())
    kind, warning = drum_type(options, raw.has_markers, has_green5)
    five = kind == "five_lane"
    table = _piece_table(five, cymbals_by_default=raw.format == "mid")
    # Orange with green: in 5-lane the orange moves to the ride (blue cymbal); in a 4-lane
    # chart the 5-lane green moves to the blue tom. Either way the two stay apart.
    together = {dp.GREEN4: Piece.RIDE} if five else {dp.GREEN5: Piece.TOM2}
    notes: dict[str, DrumNotes] = {}
    spans = list(raw.spans)
    for diff in DIFFICULTIES:
        windows = [] if five else _disco_windows(raw.disco.get(diff, []), raw.end_tick)
        spans += [("disco", start, end, (diff,)) for start, end in windows]
        notes[diff] = _resolve_difficulty(raw.gems[diff], table, together, windows,
                                          options.chord_snap_threshold, has_green5)
    return DrumPart(kind, notes, merge_spans(spans), [warning] if warning else [])
