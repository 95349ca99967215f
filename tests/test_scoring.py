"""Points, combo multiplier, accuracy, dynamics bonus and timing statistics."""

from __future__ import annotations

import pytest

from duet_drums.core.events import ComboBroken, NoteJudged
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.rules import DEFAULT_RULES, Judgement
from duet_drums.core.session import DuetSession
from tests.engine_support import EXPERT_PAIR, make_chart

Q = 480  # a quarter note = 0.5 s at 120 BPM


def snares(n: int, velocity: int | None = None) -> DuetSession:
    notes = [(i * Q, "snare", velocity) if velocity else (i * Q, "snare") for i in range(1, n + 1)]
    return DuetSession(make_chart(notes), EXPERT_PAIR)


def play(s: DuetSession, errors: list[float | None], velocity: int | None = None) -> list[NoteJudged]:
    out = []
    for i, err in enumerate(errors):
        if err is not None:
            out += [e for e in s.hit(Hit(0, Piece.SNARE, (i + 1) * 0.5 + err, velocity))
                    if isinstance(e, NoteJudged)]
    return out


def test_points_per_judgement():
    s = snares(3)
    events = play(s, [0.0, 0.04, -0.08])
    assert [(e.judgement, e.points) for e in events] == [
        (Judgement.PERFECT, 100), (Judgement.GREAT, 70), (Judgement.GOOD, 40)]
    assert s.stats[0].score == 210


def test_multiplier_rises_every_ten_and_caps_at_four():
    s = snares(45)
    events = play(s, [0.0] * 45)
    points = [e.points for e in events]
    assert points[:10] == [100] * 10          # shown x1 while the combo is 0..9
    assert points[10:20] == [200] * 10
    assert points[20:30] == [300] * 10
    assert points[30:] == [400] * 15          # capped at x4
    assert s.stats[0].multiplier == 4
    assert s.stats[0].score == sum(points)
    assert [DEFAULT_RULES.multiplier_for(c) for c in (0, 9, 10, 29, 30, 500)] == [1, 1, 2, 3, 4, 4]


def test_miss_resets_combo_and_multiplier():
    s = snares(15)
    play(s, [0.0] * 12)
    assert s.stats[0].multiplier == 2
    events = s.advance(7.0)  # note 13 at 6.5 s passes unplayed
    assert [type(e) for e in events] == [NoteJudged, ComboBroken]
    assert events[1].combo == 12
    assert (s.stats[0].combo, s.stats[0].multiplier, s.stats[0].max_combo) == (0, 1, 12)
    (ev,) = [e for e in s.hit(Hit(0, Piece.SNARE, 7.0)) if isinstance(e, NoteJudged)]
    assert ev.points == DEFAULT_RULES.points_for(Judgement.PERFECT) == 100


def test_accuracy_before_any_note_is_full():
    assert snares(2).stats[0].accuracy == 100.0


def test_accuracy_weights_judged_notes():
    s = snares(4)
    play(s, [0.0, 0.04, 0.08, None])
    # Live accuracy covers the notes judged so far; the last one is still open.
    assert s.stats[0].accuracy == pytest.approx(100 * (1 + 0.75 + 0.5) / 3)
    result = s.finish()
    assert result.players[0].accuracy == pytest.approx(100 * (1 + 0.75 + 0.5 + 0) / 4)
    assert result.players[0].counts == {Judgement.PERFECT: 1, Judgement.GREAT: 1,
                                        Judgement.GOOD: 1, Judgement.MISS: 1}


@pytest.mark.parametrize(
    ("note_velocity", "hit_velocity", "bonus"),
    [
        (127, 110, 20),   # accent played loud
        (127, 80, 0),     # accent played normally
        (30, 40, 20),     # ghost played soft
        (30, 90, 0),      # ghost played normally
        (80, 127, 0),     # a normal note earns nothing extra
        (127, None, 0),   # keyboards have no velocity
    ],
)
def test_dynamics_bonus(note_velocity, hit_velocity, bonus):
    s = snares(1, note_velocity)
    (ev,) = play(s, [0.0], hit_velocity)
    assert ev.points == 100 + bonus
    assert s.finish().players[0].dynamics_bonus_points == bonus


def test_no_dynamics_bonus_on_a_missed_note():
    s = snares(1, 127)
    (ev,) = play(s, [0.12], 127)
    assert ev.judgement is Judgement.MISS and ev.points == 0


def test_timing_statistics_and_early_late():
    s = snares(6)
    play(s, [-0.03, -0.01, 0.0, 0.02, 0.06, 0.11])
    r = s.finish().players[0]
    hits = [-30, -10, 0, 20, 60]  # the 110 ms Miss does not count toward timing stats
    mean = sum(hits) / len(hits)
    assert r.mean_error_ms == pytest.approx(mean)
    assert r.std_error_ms == pytest.approx((sum((h - mean) ** 2 for h in hits) / len(hits)) ** 0.5)
    assert (r.early, r.late) == (1, 2)  # Perfects are neither; the Miss counts as late
    assert s.stats[0].mean_error_ms == pytest.approx(mean)


def test_streaks_and_timeline():
    s = snares(7)
    play(s, [0.0, 0.0, 0.04, 0.0, 0.0, 0.0, None])
    r = s.finish().players[0]
    assert r.longest_perfect_streak == 3
    assert r.max_combo == 6
    assert [(t, j) for t, _, j in r.timeline] == [
        ((i + 1) * 0.5, j) for i, j in enumerate(
            [Judgement.PERFECT] * 2 + [Judgement.GREAT] + [Judgement.PERFECT] * 3 + [Judgement.MISS])]
    assert r.timeline[2][1] == pytest.approx(40.0)
    assert r.timeline[6][1] is None


def test_overhits_do_not_cost_points_but_are_counted():
    s = snares(2)
    play(s, [0.0])
    s.hit(Hit(0, Piece.KICK, 0.7))
    r = s.finish().players[0]
    assert r.overhits == 1 and r.score == 100
