"""Record mode: a take of hits played along the click becomes notes on the snap grid.

The window records through the game's own input layer, so a take is a list of
`core.hits.Hit` already in song seconds with the device's calibration subtracted,
exactly as the judge would see them. Here the take is quantized to the chosen snap and
written into one part and difficulty as *one* edit, so one undo removes a whole take.

As Moonscraper's maintainer argues, free-form recording tempts authors to skip the tempo
map; a take is therefore always quantized to the tempo map (free snap = whole ticks).
Dynamics: a kit's velocity is kept only where it makes an accent or a ghost, so a take
does not litter the chart with velocities that change nothing; keyboard hits are plain.
Two hits of one piece landing on one grid line become one note, the louder one.

Replace clears the recorded range [start, end) of the take's part and difficulty before
writing the take (a punch-in); merge keeps what was there and adds the take on top.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from duet_drums.core.chart import Chart, Note
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Dynamic, dynamic_of
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.rebuild import EditError, NoteKey, key_of, new_note, notes_of, with_notes
from duet_drums.editor.snap import Division, snap_tick

Mode = Literal["replace", "merge"]


def _loudness(n: Note) -> int:
    return n.velocity if n.velocity is not None else 64


def quantize_take(hits: Iterable[Hit], tm: TempoMap, division: Division,
                  start_s: float = 0.0, end_s: float | None = None) -> list[Note]:
    """The take's hits between `start_s` and `end_s` (song seconds) as notes on the grid."""
    out: dict[NoteKey, Note] = {}
    for hit in hits:
        if hit.t < start_s or (end_s is not None and hit.t >= end_s) or hit.t < 0:
            continue
        velocity = hit.velocity if dynamic_of(hit.velocity) is not Dynamic.NORMAL else None
        note = new_note(snap_tick(tm, tm.tick_at(hit.t), division), hit.piece, velocity)
        old = out.get(key_of(note))
        if old is None or _loudness(note) > _loudness(old):
            out[key_of(note)] = note
    return sorted(out.values(), key=lambda n: n.tick)


def apply_take(chart: Chart, part: str, difficulty: str, take: list[Note], start_tick: int,
               end_tick: int, mode: Mode = "replace") -> Chart:
    """Write a quantized take over [start_tick, end_tick) of one part and difficulty."""
    if mode not in ("replace", "merge"):
        raise EditError(f"unknown record mode {mode!r}: replace or merge")
    if end_tick <= start_tick:
        raise EditError("the take is empty: recording stopped where it started")
    notes = notes_of(chart, part, difficulty)
    taken = {key_of(n) for n in take}
    if mode == "replace":
        kept = [n for n in notes if not start_tick <= n.tick < end_tick and key_of(n) not in taken]
    else:
        kept = [n for n in notes if key_of(n) not in taken]
    return with_notes(chart, part, difficulty, [*kept, *take])


def record_take(chart: Chart, part: str, difficulty: str, hits: Iterable[Hit], division: Division,
                start_s: float, end_s: float, mode: Mode = "replace") -> Chart:
    """Quantize a take recorded from `start_s` to `end_s` and write it: the one call the
    window makes when recording stops."""
    tm = TempoMap.from_chart(chart)
    take = quantize_take(hits, tm, division, start_s, end_s)
    start_tick = max(0, round(tm.tick_at(start_s)))
    end_tick = max(start_tick + 1, round(tm.tick_at(end_s)))
    return apply_take(chart, part, difficulty, take, start_tick, end_tick, mode)
