"""Autoplay bots: humanised, seeded, and handing hits out as the song clock reaches them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from duet_drums.core.autoplay import NORMAL_VELOCITY, BotPlayer, BotProfile, bot_hits
from duet_drums.core.notes import NoteTrack
from tests.engine_support import groove_chart


@pytest.fixture(scope="module")
def track() -> NoteTrack:
    return NoteTrack.build(groove_chart(bars=64), "lead", "expert")


def test_perfect_bot_plays_every_note_on_time(track):
    hits = bot_hits(track, 1)
    assert [h.t for h in hits] == track.times.tolist()
    assert [h.piece for h in hits] == track.pieces
    assert all(h.player == 1 and h.source == "bot" for h in hits)


def test_bot_plays_chart_dynamics_or_none(track):
    hits = bot_hits(track, 0)
    expected = [v or NORMAL_VELOCITY for v in track.velocities.tolist()]
    assert [h.velocity for h in hits] == expected
    assert all(h.velocity is None for h in bot_hits(track, 0, velocity_from_chart=False))


def test_humanised_timing_has_the_asked_offset_and_spread(track):
    hits = bot_hits(track, 0, mean_offset=-0.02, sigma=0.015, seed=5)
    t = np.array([h.t for h in hits])
    err = np.sort(t) - np.sort(track.times)  # sorted jitter is small against note spacing
    assert len(hits) == len(track)
    assert err.mean() == pytest.approx(-0.02, abs=0.002)
    assert 0.010 < err.std() < 0.020
    assert all(a.t <= b.t for a, b in itertools.pairwise(hits))


def test_same_seed_same_performance_other_seed_other(track):
    a = bot_hits(track, 0, sigma=0.01, miss_rate=0.1, seed=7)
    b = bot_hits(track, 0, sigma=0.01, miss_rate=0.1, seed=7)
    c = bot_hits(track, 0, sigma=0.01, miss_rate=0.1, seed=8)
    assert a == b
    assert a != c


def test_miss_rate_skips_notes(track):
    hits = bot_hits(track, 0, miss_rate=0.25, seed=1)
    assert len(hits) == pytest.approx(0.75 * len(track), rel=0.08)
    assert bot_hits(track, 0, miss_rate=1.0) == []


def test_bad_parameters_are_refused(track):
    with pytest.raises(ValueError, match="miss_rate"):
        bot_hits(track, 0, miss_rate=1.5)
    with pytest.raises(ValueError, match="sigma"):
        bot_hits(track, 0, sigma=-1)


def test_bot_player_hands_out_hits_as_time_passes(track):
    bot = BotPlayer(track, 1, BotProfile(sigma=0.01), seed=2)
    everything = bot_hits(track, 1, sigma=0.01, seed=2)
    got = []
    for frame in np.arange(-0.5, track.times[-1] + 1.0, 1 / 60):
        due = bot.due(float(frame))
        assert all(h.t <= frame for h in due)
        got += due
    assert got == everything and bot.done
    assert bot.due(1e9) == []


def test_bot_player_seek_restarts_from_a_time(track):
    bot = BotPlayer(track, 0)
    bot.due(30.0)
    bot.seek(10.0)
    again = bot.due(12.0)
    assert again and all(10.0 <= h.t <= 12.0 for h in again)
