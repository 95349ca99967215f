"""Judging rules from DESIGN.md: which note a hit takes and what it is worth."""

from __future__ import annotations

import pytest

from duet_drums.core.events import ComboBroken, NoteJudged, Overhit
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.rules import JUDGEMENT_ORDER, Judgement, Rules, rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.engine_support import make_chart

# 120 BPM at 480 ticks per quarter: 1 tick = 1/960 s, a quarter = 0.5 s.
Q = 480


def session_for(lead, partner=(), rules: Rules | None = None, layout: str = "5-lane") -> DuetSession:
    chart = make_chart(lead, partner)
    players = (PlayerSetup("lead", "expert", layout), PlayerSetup("partner", "expert", layout))
    return DuetSession(chart, players, rules or rules_for("standard"))


def judged(events, kind=NoteJudged):
    return [e for e in events if isinstance(e, kind)]


def state(session: DuetSession, player: int = 0) -> list[Judgement | None]:
    return [JUDGEMENT_ORDER[j] if j >= 0 else None for j in session.tracks[player].judgement.tolist()]


def test_nearest_note_of_the_lane_wins():
    # Snares at 1.0 s and 1.1 s; a hit at 1.07 s is nearer the second one.
    s = session_for([(2 * Q, "snare"), (2 * Q + 96, "snare")])
    (ev,) = judged(s.hit(Hit(0, Piece.SNARE, 1.07)))
    assert ev.index == 1
    assert ev.error == pytest.approx(-0.03)
    assert state(s) == [None, Judgement.GREAT]


def test_equidistant_hit_takes_the_earlier_note():
    s = session_for([(2 * Q, "snare"), (2 * Q + 96, "snare")])
    (ev,) = judged(s.hit(Hit(0, Piece.SNARE, 1.05)))
    assert ev.index == 0


def test_a_hit_judges_only_one_note():
    # Two snares 20 ms apart: one stroke must not clear both.
    s = session_for([(2 * Q, "snare"), (2 * Q + 19, "snare")])
    events = s.hit(Hit(0, Piece.SNARE, 1.01))
    assert len(judged(events)) == 1
    assert state(s).count(None) == 1
    # A second stroke takes the remaining one.
    s.hit(Hit(0, Piece.SNARE, 1.02))
    assert None not in state(s)


def test_chord_is_judged_note_by_note():
    s = session_for([(2 * Q, "snare"), (2 * Q, "crash"), (2 * Q, "kick")])
    (ev,) = judged(s.hit(Hit(0, Piece.CRASH, 1.0)))
    assert ev.piece == Piece.CRASH
    assert sorted(p for p, j in zip(s.tracks[0].pieces, state(s), strict=True) if j) == [Piece.CRASH]
    s.hit(Hit(0, Piece.SNARE, 1.004))
    result = s.finish()
    assert result.players[0].counts[Judgement.PERFECT] == 2
    assert result.players[0].counts[Judgement.MISS] == 1  # the kick was never played


def test_same_lane_chord_needs_two_strokes():
    # kick and kick2 share the kick lane: a double-pedal chord takes two strokes.
    s = session_for([(2 * Q, "kick"), (2 * Q, "kick2")])
    s.hit(Hit(0, Piece.KICK, 1.0))
    assert state(s).count(None) == 1
    s.hit(Hit(0, Piece.KICK2, 1.001))
    assert None not in state(s)


def test_overhit_breaks_the_combo():
    s = session_for([(i * Q, "snare") for i in range(1, 5)])
    for i in range(1, 4):
        s.hit(Hit(0, Piece.SNARE, i * 0.5))
    assert s.stats[0].combo == 3
    events = s.hit(Hit(0, Piece.CRASH, 1.6))  # no crash anywhere near
    assert [type(e) for e in events] == [Overhit, ComboBroken]
    assert events[1].combo == 3
    assert s.stats[0].combo == 0
    assert s.stats[0].overhits == 1


def test_hit_100ms_off_is_a_miss_of_that_note_not_an_overhit():
    s = session_for([(2 * Q, "snare"), (4 * Q, "snare")])
    s.hit(Hit(0, Piece.SNARE, 0.5))  # nothing within reach: overhit, nothing judged
    s.hit(Hit(0, Piece.SNARE, 1.0))
    events = s.hit(Hit(0, Piece.SNARE, 2.1))
    (ev,) = judged(events)
    assert ev.judgement is Judgement.MISS
    assert ev.error == pytest.approx(0.1)
    assert not judged(events, Overhit)
    assert [e.combo for e in judged(events, ComboBroken)] == [1]
    assert s.stats[0].overhits == 1


def test_hit_140ms_early_is_an_overhit_and_the_note_stays_open():
    s = session_for([(2 * Q, "snare")])
    events = s.hit(Hit(0, Piece.SNARE, 0.86))
    assert judged(events, Overhit) and not judged(events)
    assert state(s) == [None]
    # ...and is then passed as a Miss once its window closes.
    (ev,) = judged(s.advance(1.2))
    assert ev.judgement is Judgement.MISS and ev.error is None


def test_hit_140ms_late_finds_the_note_already_passed():
    s = session_for([(2 * Q, "snare")])
    events = s.hit(Hit(0, Piece.SNARE, 1.14))
    assert [type(e) for e in events] == [NoteJudged, Overhit]
    assert events[0].judgement is Judgement.MISS and events[0].error is None


def test_wrong_lane_is_an_overhit():
    s = session_for([(2 * Q, "snare")])
    assert judged(s.hit(Hit(0, Piece.RIDE, 1.0)), Overhit)
    assert state(s) == [None]


def test_layout_decides_which_pieces_share_a_lane():
    # On 5-lane the yellow pad carries hi-hat and tom1: a tom hit takes a hi-hat note.
    five = session_for([(2 * Q, "hihat")], layout="5-lane")
    assert judged(five.hit(Hit(0, Piece.TOM1, 1.0)))[0].judgement is Judgement.PERFECT
    full = session_for([(2 * Q, "hihat")], layout="full-kit")
    assert judged(full.hit(Hit(0, Piece.TOM1, 1.0)), Overhit)


def test_players_never_take_each_others_notes():
    s = session_for([(2 * Q, "snare")], [(4 * Q, "snare")])
    assert judged(s.hit(Hit(1, Piece.SNARE, 1.0)), Overhit)
    assert state(s, 0) == [None]


@pytest.mark.parametrize(
    ("strictness", "error", "expected"),
    [
        ("relaxed", 0.030, Judgement.PERFECT),
        ("standard", 0.030, Judgement.GREAT),
        ("strict", 0.030, Judgement.GREAT),
        ("relaxed", 0.060, Judgement.GREAT),
        ("strict", 0.060, Judgement.GOOD),
        ("relaxed", 0.110, Judgement.GOOD),
        ("standard", 0.110, Judgement.MISS),
        ("strict", 0.110, None),  # beyond the strict miss window (94.5 ms): overhit
    ],
)
def test_strictness_scales_the_windows(strictness, error, expected):
    s = session_for([(2 * Q, "snare")], rules=rules_for(strictness))
    events = s.hit(Hit(0, Piece.SNARE, 1.0 - error))
    if expected is None:
        assert judged(events, Overhit) and not judged(events)
    else:
        assert judged(events)[0].judgement is expected


def test_strictness_presets():
    relaxed, standard, strict = (rules_for(n) for n in ("relaxed", "standard", "strict"))
    for attr in ("perfect", "great", "good", "miss"):
        assert getattr(relaxed, attr) == pytest.approx(getattr(standard, attr) * 1.4)
        assert getattr(strict, attr) == pytest.approx(getattr(standard, attr) * 0.7)
    assert (standard.perfect, standard.great, standard.good, standard.miss) == (0.025, 0.05, 0.09, 0.135)
    assert (relaxed.sync_full, relaxed.sync_none) == (0.020, 0.080)
    assert (strict.sync_full, strict.sync_none) == (0.005, 0.030)
    with pytest.raises(ValueError, match="unknown strictness 'lenient'"):
        rules_for("lenient")


def test_advance_misses_only_notes_whose_window_closed():
    s = session_for([(2 * Q, "snare"), (3 * Q, "snare")])
    assert not s.advance(1.1)
    (ev,) = judged(s.advance(1.136))
    assert ev.index == 0 and ev.judgement is Judgement.MISS
    assert state(s) == [Judgement.MISS, None]


def test_late_arriving_hit_still_judges_an_open_note():
    s = session_for([(2 * Q, "snare")])
    s.advance(1.1)  # the frame ran ahead of a MIDI stamp...
    (ev,) = judged(s.hit(Hit(0, Piece.SNARE, 1.01)))  # ...that arrives afterwards
    assert ev.judgement is Judgement.PERFECT


def test_every_event_names_lane_and_piece_for_the_renderer():
    s = session_for([(2 * Q, "crash")])
    (ev,) = judged(s.hit(Hit(0, Piece.SPLASH, 1.0)))
    assert ev.lane == s.tracks[0].layout.lane_of(Piece.CRASH)
    assert ev.piece == Piece.CRASH  # the note's piece, not the stroke's
    assert s.tracks[0].hit_times[0] == 1.0


def test_impossible_hits_are_refused():
    s = session_for([(2 * Q, "snare")])
    with pytest.raises(ValueError, match="player 2"):
        s.hit(Hit(2, Piece.SNARE, 1.0))
    with pytest.raises(ValueError, match="finite"):
        s.hit(Hit(0, Piece.SNARE, float("nan")))
    assert state(s) == [None]


def test_empty_player_track_gives_a_result():
    s = session_for([(2 * Q, "snare")], [])
    s.hit(Hit(1, Piece.SNARE, 1.0))
    r = s.finish()
    assert r.players[1].notes == 0 and r.players[1].overhits == 1
    assert r.sync.unisons == 0 and r.sync.sync_percent == 0.0
