"""Record mode's pure half: a take of stamped hits becomes one undoable edit on the grid."""

from __future__ import annotations

import random

import pytest

from duet_drums.core.chart import Note
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import history
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.record import apply_take, quantize_take, record_take
from tests.editor_support import chart_with

TM = TempoMap(((0, 120.0),), 480)  # a 16th is 0.125 s


def _hit(t: float, piece: Piece, velocity: int | None = None) -> Hit:
    return Hit(player=0, piece=piece, t=t, velocity=velocity, source="midi")


def test_a_sloppy_take_lands_on_the_sixteenth_grid() -> None:
    rng = random.Random(7)
    pattern = [(i, Piece.HIHAT) for i in range(16)] + [(0, Piece.KICK), (8, Piece.KICK),
                                                       (4, Piece.SNARE), (12, Piece.SNARE)]
    hits = [_hit(2.0 + step * 0.125 + rng.uniform(-0.05, 0.05), piece) for step, piece in pattern]
    take = quantize_take(hits, TM, 4)
    assert sorted((n.tick, n.piece) for n in take) == sorted((1920 + s * 120, p) for s, p in pattern)


def test_velocity_kept_only_where_it_is_a_dynamic_and_doubles_merge_to_the_louder() -> None:
    hits = [_hit(0.0, Piece.SNARE, 125), _hit(0.5, Piece.SNARE, 20), _hit(1.0, Piece.SNARE, 80),
            _hit(1.5, Piece.SNARE), _hit(2.0, Piece.CRASH, 70), _hit(2.01, Piece.CRASH, 127)]
    take = quantize_take(hits, TM, 4)
    assert [(n.tick, n.velocity) for n in take] == [(0, 125), (480, 20), (960, None), (1440, None),
                                                    (1920, 127)]


def test_hits_outside_the_take_are_dropped() -> None:
    hits = [_hit(-0.2, Piece.KICK), _hit(0.9, Piece.KICK), _hit(1.0, Piece.KICK), _hit(3.0, Piece.KICK)]
    assert [n.tick for n in quantize_take(hits, TM, 4, start_s=1.0, end_s=3.0)] == [960]


def test_free_snap_keeps_the_played_tick() -> None:
    assert [n.tick for n in quantize_take([_hit(0.2604, Piece.KICK)], TM, None)] == [250]


EXISTING = [Note(tick=t, piece=Piece.HIHAT) for t in range(0, 3840, 240)]


def test_replace_is_a_punch_in_and_merge_keeps_what_was_there() -> None:
    chart = chart_with(EXISTING)
    take = [Note(tick=1920, piece=Piece.SNARE), Note(tick=2400, piece=Piece.KICK)]
    replaced = apply_take(chart, "lead", "expert", take, 1920, 2880, "replace")
    notes = replaced.notes("lead", "expert")
    assert [n.tick for n in notes if n.piece is Piece.HIHAT] == [t for t in range(0, 3840, 240)
                                                               if not 1920 <= t < 2880]
    assert [(n.tick, n.piece) for n in notes if n.piece is not Piece.HIHAT] == [(1920, Piece.SNARE),
                                                                              (2400, Piece.KICK)]
    merged = apply_take(chart, "lead", "expert", take, 1920, 2880, "merge")
    assert len(merged.notes("lead", "expert")) == len(EXISTING) + 2
    with pytest.raises(EditError, match="unknown record mode 'overdub'"):
        apply_take(chart, "lead", "expert", take, 0, 10, "overdub")  # type: ignore[arg-type]
    with pytest.raises(EditError, match="take is empty"):
        apply_take(chart, "lead", "expert", take, 100, 100)


def test_one_take_is_one_undo() -> None:
    chart = chart_with(EXISTING)
    hits = [_hit(1.0 + 0.25 * i + 0.01, Piece.SNARE) for i in range(8)]
    h = history.start(chart)
    h = history.apply(h, lambda c: record_take(c, "lead", "expert", hits, 4, 1.0, 3.0), "record take")
    # The snares replaced the hi-hats of [960, 2880) tick for tick.
    assert [n.tick for n in h.present.notes("lead", "expert")] == list(range(0, 3840, 240))
    assert all(n.piece is Piece.SNARE for n in h.present.notes("lead", "expert") if 960 <= n.tick < 2880)
    assert history.undo(h).present == chart
