"""A player's notes as flat numpy arrays, plus the live judging state of each note.

The renderer draws straight from these arrays every frame and the judge updates them in
place, so both see one truth without copying: `judgement[i] == -1` means note `i` is still
open. Notes are ordered by (tick, lane, piece) so indices are stable for a given chart,
part, difficulty and layout — replays and results refer to notes by that index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import Chart
from duet_drums.core.kit import PIECES, Layout, Piece, get_layout
from duet_drums.core.tempo import TempoMap

_PIECE_ORDER = {p: i for i, p in enumerate(PIECES)}
NOT_JUDGED = -1


@dataclass(eq=False)
class NoteTrack:
    part: str
    difficulty: str
    layout: Layout
    times: npt.NDArray[np.float64]
    ticks: npt.NDArray[np.int64]
    lanes: npt.NDArray[np.int16]
    pieces: list[Piece]
    velocities: npt.NDArray[np.int16]
    judgement: npt.NDArray[np.int8]
    errors: npt.NDArray[np.float64]
    hit_times: npt.NDArray[np.float64]
    # Per lane: indices of that lane's notes in time order (what the judge bisects).
    lane_notes: tuple[npt.NDArray[np.intp], ...] = field(default=())

    @classmethod
    def build(
        cls,
        chart: Chart,
        part: str,
        difficulty: str,
        layout_name: str = "5-lane",
        tempo_map: TempoMap | None = None,
    ) -> NoteTrack:
        layout = get_layout(layout_name)
        tempo_map = tempo_map or TempoMap.from_chart(chart)
        notes = chart.notes(part, difficulty)
        n = len(notes)
        ticks = np.fromiter((note.tick for note in notes), dtype=np.int64, count=n)
        lanes = np.fromiter((layout.lane_of(note.piece) for note in notes), dtype=np.int16, count=n)
        order_keys = np.fromiter((_PIECE_ORDER[note.piece] for note in notes), dtype=np.int16, count=n)
        order = np.lexsort((order_keys, lanes, ticks))
        ticks = ticks[order]
        lanes = lanes[order]
        pieces = [notes[i].piece for i in order]
        velocities = np.fromiter(
            (notes[i].velocity or 0 for i in order), dtype=np.int16, count=n
        )
        times = tempo_map.seconds_array(ticks)
        lane_notes = tuple(
            np.flatnonzero(lanes == k) for k in range(len(layout.lanes))
        )
        return cls(
            part=part,
            difficulty=difficulty,
            layout=layout,
            times=times,
            ticks=ticks,
            lanes=lanes,
            pieces=pieces,
            velocities=velocities,
            judgement=np.full(n, NOT_JUDGED, dtype=np.int8),
            errors=np.full(n, np.nan, dtype=np.float64),
            hit_times=np.full(n, np.nan, dtype=np.float64),
            lane_notes=lane_notes,
        )

    def __len__(self) -> int:
        return len(self.times)

    def fresh(self) -> NoteTrack:
        """The same notes with every judgement cleared (for a restart or a re-score)."""
        n = len(self.times)
        return NoteTrack(
            part=self.part, difficulty=self.difficulty, layout=self.layout,
            times=self.times, ticks=self.ticks, lanes=self.lanes, pieces=self.pieces,
            velocities=self.velocities,
            judgement=np.full(n, NOT_JUDGED, dtype=np.int8),
            errors=np.full(n, np.nan, dtype=np.float64),
            hit_times=np.full(n, np.nan, dtype=np.float64),
            lane_notes=self.lane_notes,
        )
