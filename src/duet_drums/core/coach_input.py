"""What the duo coach reads from a finished duet, extracted once into plain arrays.

The coach never looks at a live session again after this: `coach_input(session)` copies
out each player's per-note timing errors and pieces, the unisons with the session's own
asynchronies and credits, the chart's sections and fills, and the tempo map. Because a
replay re-scores through a fresh session to the identical note arrays, a report made
from a replay is the same report, number for number.

Timing errors are kept only for notes hit and not judged Miss (a Miss-by-hit is too far
off to say anything about a player's timing, as the results screen already counts it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import Chart
from duet_drums.core.kit import CYMBALS, KICKS, PIECES, Piece
from duet_drums.core.notes import NoteTrack
from duet_drums.core.result import SectionSync
from duet_drums.core.rules import MISS_INDEX, Rules
from duet_drums.core.session import DuetSession
from duet_drums.core.sync import Unisons
from duet_drums.core.tempo import TempoMap

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

# The drum pairings the coach reports: a unison counts for a pairing when both players
# strike a piece of that group there. "any" is every unison, as the sync score sees it.
PAIRINGS: dict[str, frozenset[Piece]] = {
    "kick": KICKS,
    "snare": frozenset({Piece.SNARE}),
    "cymbal": CYMBALS,
}
ANY = "any"
PAIRING_NAMES: tuple[str, ...] = (*PAIRINGS, ANY)
PAIRING_LABELS = {"kick": "kick", "snare": "snare", "cymbal": "hi-hat/cymbal", ANY: "all"}


@dataclass(frozen=True, slots=True)
class Fill:
    tick: int
    end_tick: int
    t: float
    end_t: float
    section: str  # the section the fill starts in ("the fill in Chorus 2")


@dataclass(frozen=True, slots=True)
class PlayerInput:
    label: str                  # the name the coach uses in sentences
    times: FloatArray           # chart time of each note (s)
    ticks: npt.NDArray[np.int64]
    pieces: tuple[Piece, ...]
    piece_codes: npt.NDArray[np.int16]  # index of each note's piece in kit.PIECES
    errors: FloatArray          # hit minus note (s); NaN when missed
    unison_of: IntArray         # unison id of each note, -1 outside unisons

    @property
    def hit(self) -> npt.NDArray[np.bool_]:
        return np.isfinite(self.errors)


@dataclass(frozen=True, slots=True)
class CoachInput:
    title: str
    rules: Rules
    players: tuple[PlayerInput, PlayerInput]
    unison_ticks: npt.NDArray[np.int64]
    unison_times: FloatArray
    asynchronies: FloatArray    # P1 minus P2 (s) per unison, NaN where either missed
    credits: FloatArray
    sections: tuple[SectionSync, ...]
    fills: tuple[Fill, ...]
    tempo_map: TempoMap

    @property
    def n_unisons(self) -> int:
        return len(self.unison_ticks)


_CODE = {p: i for i, p in enumerate(PIECES)}


def _player(label: str, track: NoteTrack, unisons: Unisons, player: int) -> PlayerInput:
    good = (track.judgement >= 0) & (track.judgement < MISS_INDEX)
    errors = np.where(good, track.errors, np.nan).astype(np.float64)
    codes = np.fromiter((_CODE[p] for p in track.pieces), dtype=np.int16, count=len(track))
    return PlayerInput(label=label, times=track.times.copy(), ticks=track.ticks.copy(),
                       pieces=tuple(track.pieces), piece_codes=codes, errors=errors,
                       unison_of=_note_map(unisons, player, len(track)))


def _note_map(unisons: Unisons, player: int, n_notes: int) -> IntArray:
    """`Unisons.note_map` without its Python loop: each unison's notes are one run."""
    starts, ends = unisons.starts[player], unisons.ends[player]
    lengths = ends - starts
    out: IntArray = np.full(n_notes, -1, dtype=np.intp)
    run_start = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    out[np.arange(int(lengths.sum())) + run_start] = np.repeat(np.arange(len(starts)), lengths)
    return out


def _fills(chart: Chart, parts: tuple[tuple[str, str], ...], tempo_map: TempoMap,
           sections: tuple[SectionSync, ...]) -> tuple[Fill, ...]:
    """Both players' fill spans (a fill by either moves the pair), once each, in order."""
    spans: set[tuple[int, int]] = set()
    for part, difficulty in parts:
        chart_part = chart.parts.get(part)
        if chart_part is None:
            continue
        for span in chart_part.spans:
            if span.kind == "fill" and (span.difficulties is None or difficulty in span.difficulties):
                spans.add((span.tick, span.end_tick))
    starts = [s.tick for s in sections]
    out = []
    for tick, end in sorted(spans):
        i = max(0, int(np.searchsorted(starts, tick, side="right")) - 1)
        name = sections[i].name if sections else ""
        out.append(Fill(tick, end, tempo_map.seconds(tick), tempo_map.seconds(end), name))
    return tuple(out)


def coach_input(session: DuetSession) -> CoachInput:
    """The coach's view of a finished session (call after `finish()`)."""
    if not session.finished:
        raise ValueError("the coach reads a finished session: call finish() first")
    tracks = session.tracks
    unisons = Unisons.build(tracks)
    state = session.sync
    asyncs = np.array([np.nan if a is None else a for a in state.asynchronies], dtype=np.float64)
    credits = np.asarray(state.credits, dtype=np.float64)
    sections = tuple(session.finish().sync.sections)
    labels = tuple(setup.name or f"P{p + 1}" for p, setup in enumerate(session.players))
    parts = tuple((s.part, s.difficulty) for s in session.players)
    return CoachInput(
        title=session.chart.metadata.title,
        rules=session.rules,
        players=(_player(labels[0], tracks[0], unisons, 0), _player(labels[1], tracks[1], unisons, 1)),
        unison_ticks=unisons.ticks.copy(),
        unison_times=unisons.times.copy(),
        asynchronies=asyncs,
        credits=credits,
        sections=sections,
        fills=_fills(session.chart, parts, session.tempo_map, sections),
        tempo_map=session.tempo_map,
    )


def unison_errors(player: PlayerInput, n_unisons: int,
                  pieces: frozenset[Piece] | None = None) -> FloatArray:
    """The player's mean timing error (s) at each unison over their notes there (only
    those of `pieces` when given); NaN where they have no such note or missed one."""
    ids = player.unison_of
    member = ids >= 0
    if pieces is not None:
        member &= np.isin(player.piece_codes, [_CODE[p] for p in pieces])
    ok = member & player.hit
    bad = member & ~player.hit
    sums = np.bincount(ids[ok], weights=player.errors[ok], minlength=n_unisons)
    counts = np.bincount(ids[ok], minlength=n_unisons)
    missed = np.bincount(ids[bad], minlength=n_unisons)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: FloatArray = np.where((counts > 0) & (missed == 0), sums / counts, np.nan)
    return out


def pairing_asynchronies(inp: CoachInput, pairing: str) -> tuple[IntArray, FloatArray]:
    """(unison ids, P1 minus P2 in s) for the unisons of `pairing` both players hit.

    For a drum pairing the asynchrony is between the two players' strokes *on that
    drum*, so a laid-back snare is not blurred by the hi-hat struck with it."""
    if pairing == ANY:
        a = inp.asynchronies
    else:
        group = PAIRINGS[pairing]
        e1 = unison_errors(inp.players[0], inp.n_unisons, group)
        e2 = unison_errors(inp.players[1], inp.n_unisons, group)
        a = e1 - e2
    ids = np.flatnonzero(np.isfinite(a))
    return ids, a[ids]


def pairing_share(inp: CoachInput, pairing: str) -> FloatArray:
    """Per unison, how much of the pair's unison time comes from `pairing`'s drums: the
    share of each player's notes there that are of that group, averaged over the two.
    Moving one drum by x moves a unison's asynchrony by about x times this."""
    if pairing == ANY:
        return np.ones(inp.n_unisons)
    codes = [_CODE[p] for p in PAIRINGS[pairing]]
    shares = []
    for player in inp.players:
        ids = player.unison_of
        member = ids >= 0
        group = member & np.isin(player.piece_codes, codes)
        total = np.bincount(ids[member], minlength=inp.n_unisons)
        shares.append(np.bincount(ids[group], minlength=inp.n_unisons) / np.maximum(total, 1))
    out: FloatArray = 0.5 * (shares[0] + shares[1])
    return out
