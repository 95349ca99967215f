"""The pair's sync score: unisons, asynchrony, credit, the meter and the duet bonus."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import load_chart
from duet_drums.core.events import UnisonJudged
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.paths import charts_dir
from tests.engine_support import EXPERT_PAIR, feed, groove_chart, make_chart, merged

Q = 480  # a quarter = 0.5 s at 120 BPM


def unison_events(events):
    return [e for e in events if isinstance(e, UnisonJudged)]


def both_play(s: DuetSession, t1: float, t2: float, p1=Piece.SNARE, p2=Piece.SNARE):
    return s.hit(Hit(0, p1, t1)) + s.hit(Hit(1, p2, t2))


def test_credit_is_linear_between_the_thresholds():
    r = rules_for("standard")
    assert [r.sync_credit(a) for a in (0.0, 0.01, -0.01, 0.05, 0.2)] == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert r.sync_credit(0.03) == pytest.approx(0.5)
    assert r.sync_credit(-0.02) == pytest.approx(0.75)


def test_unisons_are_shared_ticks_whatever_the_pieces():
    s = DuetSession(make_chart([(Q, "snare"), (2 * Q, "hihat"), (3 * Q, "kick")],
                               [(Q, "crash"), (3 * Q, "kick"), (4 * Q, "kick")]), EXPERT_PAIR)
    assert s.sync.unisons_total == 2
    r = s.finish()
    assert [t for t, _, _ in r.sync.timeline] == [0.5, 1.5]


def test_asynchrony_sign_and_leader():
    s = DuetSession(make_chart([(Q, "snare")], [(Q, "snare")]), EXPERT_PAIR)
    (u,) = unison_events(both_play(s, 0.52, 0.50))  # P1 20 ms late: P2 leads
    assert u.asynchrony == pytest.approx(0.02)
    assert u.credit == pytest.approx(rules_for("standard").sync_credit(0.02))
    assert s.sync.leader == "P2" and s.sync.running_ms == pytest.approx(20.0)
    assert s.finish().sync.leader == "P2"


def test_both_late_together_is_in_sync():
    s = DuetSession(make_chart([(Q, "snare")], [(Q, "kick")]), EXPERT_PAIR)
    (u,) = unison_events(both_play(s, 0.53, 0.53, p2=Piece.KICK))
    assert u.credit == 1.0 and u.asynchrony == 0.0
    assert s.sync.leader == "together"


def test_a_miss_by_either_player_earns_nothing():
    s = DuetSession(make_chart([(Q, "snare"), (2 * Q, "snare")], [(Q, "snare"), (2 * Q, "snare")]),
                    EXPERT_PAIR)
    # Unison 1: P2 is 110 ms late (a Miss by hit). Unison 2: P1 never plays.
    both_play(s, 0.5, 0.61)
    s.hit(Hit(1, Piece.SNARE, 1.0))
    r = s.finish()
    assert [c for _, _, c in r.sync.timeline] == [0.0, 0.0]
    assert [a for _, a, _ in r.sync.timeline] == [None, None]
    assert r.sync.missed_unisons == 2 and r.sync.sync_percent == 0.0


def test_player_time_at_a_chord_is_the_mean_of_their_hits():
    s = DuetSession(make_chart([(Q, "snare"), (Q, "crash")], [(Q, "kick")]), EXPERT_PAIR)
    s.hit(Hit(0, Piece.SNARE, 0.49))
    s.hit(Hit(0, Piece.CRASH, 0.53))
    (u,) = unison_events(s.hit(Hit(1, Piece.KICK, 0.51)))
    assert u.asynchrony == pytest.approx(0.0)
    assert u.credit == 1.0


def test_a_chord_half_missed_loses_the_unison():
    s = DuetSession(make_chart([(Q, "snare"), (Q, "crash")], [(Q, "kick")]), EXPERT_PAIR)
    s.hit(Hit(0, Piece.SNARE, 0.5))
    s.hit(Hit(1, Piece.KICK, 0.5))
    (u,) = unison_events(s.advance(1.0))  # the crash passes unplayed
    assert u.credit == 0.0 and u.asynchrony is None


def test_unisons_are_finalised_in_tick_order():
    # P2 misses unison 1 (its window closes at 0.635 s); both nail unison 2 at 0.6 s first.
    s = DuetSession(make_chart([(Q, "snare"), (Q + 96, "kick")], [(Q, "snare"), (Q + 96, "kick")]),
                    EXPERT_PAIR)
    s.hit(Hit(0, Piece.SNARE, 0.5))
    events = both_play(s, 0.6, 0.6, Piece.KICK, Piece.KICK)
    assert not unison_events(events)  # unison 2 waits for unison 1
    us = unison_events(s.advance(0.7))
    assert [u.tick for u in us] == [Q, Q + 96]
    assert [u.credit for u in us] == [0.0, 1.0]


def test_duet_bonus_needs_four_synced_unisons_and_goes_to_both():
    n = 8
    s = DuetSession(make_chart([(i * Q, "snare") for i in range(1, n + 1)],
                               [(i * Q, "snare") for i in range(1, n + 1)]), EXPERT_PAIR)
    offsets = [0.0, 0.0, 0.0, 0.0, 0.0, 0.045, 0.0, 0.02]  # the 6th unison is out of sync
    actives = []
    for i, off in enumerate(offsets):
        (u,) = unison_events(both_play(s, (i + 1) * 0.5 + off, (i + 1) * 0.5))
        actives.append(u.duet_active)
        assert s.sync.duet_active is u.duet_active
    assert actives == [False, False, False, True, True, False, False, False]
    r = s.finish()
    expected = 2 * rules_for("standard").duet_bonus  # two full-credit unisons with the bonus on
    assert r.sync.duet_bonus_points == expected
    assert r.players[0].duet_bonus_points == r.players[1].duet_bonus_points == expected
    assert r.players[1].score == 8 * 100 + expected


def test_running_meter_averages_the_last_eight():
    n = 12
    s = DuetSession(make_chart([(i * Q, "snare") for i in range(1, n + 1)],
                               [(i * Q, "snare") for i in range(1, n + 1)]), EXPERT_PAIR)
    asyncs_ms = [-20, -20, -20, -20, 0, 0, 0, 0, 4, 4, 4, 4]
    for i, a in enumerate(asyncs_ms):
        both_play(s, (i + 1) * 0.5 + a / 1000, (i + 1) * 0.5)
    assert s.sync.running_ms == pytest.approx(sum(asyncs_ms[-8:]) / 8)
    assert s.sync.leader == "together"
    assert s.sync.unisons_judged == n
    assert s.sync.percent == pytest.approx(100 * (4 * 0.75 + 8) / 12)


def test_sections_and_weakest_section():
    # Unisons every quarter; "Verse" from beat 4, "Chorus" from beat 10. P1 rushes the chorus.
    n = 16
    chart = make_chart([(i * Q, "snare") for i in range(n)], [(i * Q, "kick") for i in range(n)],
                       sections=[(4 * Q, "Verse"), (10 * Q, "Chorus")])
    s = DuetSession(chart, EXPERT_PAIR)
    for i in range(n):
        early = 0.03 if i >= 10 else 0.0
        both_play(s, i * 0.5 - early, i * 0.5, p2=Piece.KICK)
    r = s.finish().sync
    assert [(x.name, x.unisons) for x in r.sections] == [("Intro", 4), ("Verse", 6), ("Chorus", 6)]
    assert r.sections[2].sync_percent == pytest.approx(50.0)
    assert r.sections[2].mean_asynchrony_ms == pytest.approx(-30.0)
    assert r.sections[1].sync_percent == 100.0 and r.sections[1].t == 2.0
    assert r.weakest_section == "Chorus"


def test_weakest_section_ignores_sections_with_few_unisons():
    chart = make_chart([(i * Q, "snare") for i in range(6)], [(i * Q, "snare") for i in range(6)],
                       sections=[(0, "A"), (4 * Q, "B")])
    s = DuetSession(chart, EXPERT_PAIR)
    for i in range(6):
        both_play(s, i * 0.5, i * 0.5 + (0.04 if i >= 4 else 0.0))
    r = s.finish().sync
    assert [x.name for x in r.sections] == ["A", "B"]  # no Intro: section A starts at tick 0
    assert r.sections[1].sync_percent < r.sections[0].sync_percent
    assert r.weakest_section == "A"  # B has only 2 unisons


def test_different_difficulties_sync_on_the_chosen_tracks():
    chart = groove_chart(bars=4)
    players = (PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert"))
    s = DuetSession(chart, players)
    shared = np.intersect1d(s.tracks[0].ticks, s.tracks[1].ticks)
    assert s.sync.unisons_total == len(shared) > 0
    # The same lead against an empty easy partner part: no unisons at all.
    s2 = DuetSession(chart, (PlayerSetup("lead", "expert"), PlayerSetup("partner", "easy")))
    assert s2.sync.unisons_total == 0


def _sync_percent(chart, strictness: str, sigma: float, players=EXPERT_PAIR) -> float:
    s = DuetSession(chart, players, rules_for(strictness))
    feed(s, merged(bot_hits(s.tracks[0], 0, sigma=sigma, seed=11),
                   bot_hits(s.tracks[1], 1, sigma=sigma, seed=12)))
    return s.finish().sync.sync_percent


def _expected_credit(sd: float, full: float, none: float) -> float:
    """E[credit] for asynchrony ~ N(0, sd), by numerical integration."""
    a = np.linspace(0.0, 8 * sd, 200001)
    pdf = 2 * np.exp(-0.5 * (a / sd) ** 2) / (sd * math.sqrt(2 * math.pi))
    credit = np.clip((none - a) / (none - full), 0.0, 1.0)
    return float(np.sum((credit * pdf)[:-1] * np.diff(a)))


@pytest.mark.parametrize(("strictness", "target"), [("standard", 96.0), ("strict", 84.0)])
def test_ten_ms_asynchrony_spread_scores_as_the_design_says(strictness, target):
    # One note per player per unison, so asynchrony SD = sigma * sqrt(2) = 10 ms.
    n = 1500
    chart = make_chart([(i * 240, "snare") for i in range(n)], [(i * 240, "kick") for i in range(n)])
    got = _sync_percent(chart, strictness, 0.010 / math.sqrt(2))
    rules = rules_for(strictness)
    expected = 100 * _expected_credit(0.010, rules.sync_full, rules.sync_none)
    assert got == pytest.approx(expected, abs=1.5)
    assert got == pytest.approx(target, abs=2.0)


def _medley():
    return load_chart(charts_dir() / "summit-medley.json")


@pytest.mark.parametrize("which", ["generated", "medley"])
def test_sync_falls_as_relative_jitter_grows(which):
    chart = groove_chart(bars=48) if which == "generated" else _medley()
    percents = [_sync_percent(chart, "standard", sigma / 1000) for sigma in (0, 5, 10, 20, 40)]
    assert percents[0] == 100.0
    assert all(a > b for a, b in itertools.pairwise(percents)), percents
