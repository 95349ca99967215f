"""Properties of a whole duet session on small random charts with random tempo maps."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.events import NoteJudged
from duet_drums.core.hits import Hit
from duet_drums.core.kit import PIECES
from duet_drums.core.rules import Judgement
from duet_drums.core.session import DuetSession
from tests.engine_support import EXPERT_PAIR, charts, feed, merged

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def junk_hits(data: st.DataObject, end: float, max_size: int = 40) -> list[Hit]:
    return data.draw(st.lists(
        st.builds(Hit, st.integers(0, 1), st.sampled_from(PIECES),
                  st.floats(-0.5, end + 0.5, allow_nan=False),
                  st.one_of(st.none(), st.integers(1, 127)), st.just("keyboard")),
        max_size=max_size))


def humanish_hits(session: DuetSession, data: st.DataObject) -> list[Hit]:
    sigma = data.draw(st.sampled_from([0.0, 0.01, 0.04]))
    miss = data.draw(st.sampled_from([0.0, 0.2]))
    seed = data.draw(st.integers(0, 1000))
    return merged(*(bot_hits(session.tracks[p], p, sigma=sigma, miss_rate=miss, seed=seed + p)
                    for p in (0, 1)))


@SETTINGS
@given(charts())
def test_perfect_bots_score_full_accuracy_and_sync(chart):
    s = DuetSession(chart, EXPERT_PAIR)
    feed(s, merged(bot_hits(s.tracks[0], 0), bot_hits(s.tracks[1], 1)))
    r = s.finish()
    for p in r.players:
        assert p.accuracy == 100.0
        assert p.counts[Judgement.PERFECT] == p.notes and p.overhits == 0
    assert r.sync.sync_percent == (100.0 if r.sync.unisons else 0.0)
    assert r.sync.missed_unisons == 0


@SETTINGS
@given(charts(), st.data())
def test_every_note_is_judged_exactly_once_whatever_the_hits(chart, data):
    s = DuetSession(chart, EXPERT_PAIR)
    hits = humanish_hits(s, data) + junk_hits(data, s.end_time)
    if data.draw(st.booleans()):
        hits = data.draw(st.permutations(hits))  # even out of order
    events = feed(s, hits) + s.advance(math.inf)
    seen = Counter((e.player, e.index) for e in events if isinstance(e, NoteJudged))
    expected = {(p, i) for p in (0, 1) for i in range(len(s.tracks[p]))}
    assert set(seen) == expected
    assert all(n == 1 for n in seen.values())
    r = s.finish()
    for p, pr in enumerate(r.players):
        assert sum(pr.counts.values()) == pr.notes == len(s.tracks[p])
        assert (s.tracks[p].judgement >= 0).all()
    assert r.sync.unisons == len(r.sync.timeline)


@SETTINGS
@given(charts(), st.integers(0, 1), st.floats(0.0, 0.05), st.integers(0, 100))
def test_one_player_alone_earns_no_sync(chart, player, sigma, seed):
    s = DuetSession(chart, EXPERT_PAIR)
    feed(s, bot_hits(s.tracks[player], player, sigma=sigma, seed=seed))
    r = s.finish()
    assert r.sync.sync_percent == 0.0
    assert r.sync.duet_bonus_points == 0
    assert r.sync.missed_unisons == r.sync.unisons


def _min_lane_gap(session: DuetSession) -> float:
    gaps = [math.inf]
    for track in session.tracks:
        for idx in track.lane_notes:
            t = track.times[idx]
            d = t[1:] - t[:-1]
            d = d[d > 0]
            if len(d):
                gaps.append(float(d.min()))
    return min(gaps)


@SETTINGS
@given(charts(), st.floats(-1.0, 1.0))
def test_both_players_shifted_alike_stay_fully_in_sync(chart, fraction):
    s = DuetSession(chart, EXPERT_PAIR)
    # Within the Good window, and less than half the closest same-lane gap, so every
    # shifted hit still lands nearest its own note.
    reach = min(s.rules.good - 0.001, _min_lane_gap(s) / 2 - 0.001)
    offset = fraction * max(0.0, reach)
    feed(s, merged(bot_hits(s.tracks[0], 0, mean_offset=offset),
                   bot_hits(s.tracks[1], 1, mean_offset=offset)))
    r = s.finish()
    assert r.sync.sync_percent == (100.0 if r.sync.unisons else 0.0)
    assert all(p.counts[Judgement.MISS] == 0 for p in r.players)


@SETTINGS
@given(charts(), st.data())
def test_result_does_not_depend_on_advance_interleaving(chart, data):
    hits_session = DuetSession(chart, EXPERT_PAIR)
    hits = humanish_hits(hits_session, data) + sorted(junk_hits(data, hits_session.end_time, 15),
                                                      key=lambda h: h.t)
    hits.sort(key=lambda h: h.t)

    plain = DuetSession(chart, EXPERT_PAIR)
    feed(plain, hits)
    expected = plain.finish()

    # The same per-player streams, the two players interleaved in a random (not
    # time-sorted) order, with advance() calls that never pass a hit still to come.
    streams = [[h for h in hits if h.player == p] for p in (0, 1)]
    order = data.draw(st.permutations([0] * len(streams[0]) + [1] * len(streams[1])))
    s = DuetSession(chart, EXPERT_PAIR)
    pos = [0, 0]
    for p in order:
        pending = [streams[q][pos[q]].t for q in (0, 1) if pos[q] < len(streams[q])]
        if data.draw(st.booleans()):
            s.advance(min(pending) - data.draw(st.floats(0.0, 0.3)))
        s.hit(streams[p][pos[p]])
        pos[p] += 1
    s.advance(s.end_time + 1)
    assert s.finish() == expected
