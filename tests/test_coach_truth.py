"""The duo coach on simulated pairs whose truth is known (core.ensemble through a real
session): it names what the pair did, and nothing it did not."""

from __future__ import annotations

import numpy as np
import pytest

from duet_drums.core.coach import coach_session
from duet_drums.core.coach_input import coach_input
from duet_drums.core.coach_pair import coupling
from duet_drums.core.ensemble import Musician, TempoDrift, calibration_taps
from duet_drums.core.kit import Piece
from duet_drums.inputs.calibration import HitStamper, estimate_offset
from duet_drums.inputs.raw import RawHit
from duet_drums.settings import Calibration
from tests.coach_support import bar_time, drift_chart, medley, play

FOLLOWER = (Musician(click_gain=0.3, timer_sigma=0.006), Musician(partner_gain=0.5, timer_sigma=0.006))
INDEPENDENT = (Musician(click_gain=0.3, timer_sigma=0.006), Musician(click_gain=0.3, timer_sigma=0.006))


@pytest.fixture(scope="module")
def chart():
    return medley()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_late_snare_is_named_and_nothing_else(chart, seed):
    session = play(chart, (Musician(), Musician(piece_offsets={Piece.SNARE: 0.015})), seed=seed)
    report = coach_session(session)
    by = {o.pairing: o for o in report.pair.offsets}
    snare = by["snare"]
    assert snare.significant and snare.distinct and snare.ahead == "P1"
    assert snare.mean_ms is not None and -18.0 < snare.mean_ms.value < -12.0
    assert snare.mean_ms.high < 0  # P1 minus P2: P2 behind
    for name in ("kick", "cymbal"):
        assert by[name].shown and not by[name].significant and not by[name].distinct
    offsets = [m for m in report.messages if m.kind == "offset"]
    assert len(offsets) == 1
    text = offsets[0].text
    assert text.startswith("On snare unisons P1 lands ~1") and "ahead of P2" in text
    assert "P2" in text and "push the snare" in text  # P2 is the one off the click
    assert offsets[0].estimate == snare.mean_ms and "snare" in offsets[0].statistic
    assert all("kick" not in m.text and "cymbal" not in m.text for m in report.messages)


def test_a_lean_on_every_drum_is_one_sentence_about_the_pair(chart):
    report = coach_session(play(chart, (Musician(), Musician(offset=0.012)), seed=4))
    offsets = [m for m in report.messages if m.kind == "offset"]
    assert [m.text.split(" P1")[0] for m in offsets] == ["On every drum"]
    assert "~12 ms" in offsets[0].text


def _verdicts(chart, musicians, seeds):
    out = []
    for seed in seeds:
        session = play(chart, musicians, seed=seed)
        out.append(coupling(coach_input(session)).verdict)
    return out


def test_a_follower_is_found_every_time(chart):
    assert _verdicts(chart, FOLLOWER, range(6)) == ["p2_follows_p1"] * 6


def test_the_reverse_follower_too(chart):
    flipped = (FOLLOWER[1], FOLLOWER[0])
    assert _verdicts(chart, flipped, range(3)) == ["p1_follows_p2"] * 3


def test_independent_players_are_unclear(chart):
    # The verdict is a 95 % test, so an odd seed may cross it; most must not.
    verdicts = _verdicts(chart, INDEPENDENT, range(10))
    assert verdicts.count("unclear") >= 8, verdicts


def test_the_follower_message_names_who_follows_and_its_statistic(chart):
    report = coach_session(play(chart, FOLLOWER, seed=2))
    c = report.pair.coupling
    assert c.verdict == "p2_follows_p1" and c.text.startswith("P2 follows P1")
    assert c.r_lag_plus1 is not None and c.threshold is not None and c.r_lag_plus1 > c.threshold
    # the phase-correction fit agrees on the direction
    assert c.gain_p2 is not None and c.gain_p1 is not None and c.gain_p2.value > c.gain_p1.value
    msg = next(m for m in report.messages if m.kind == "coupling")
    assert msg.text.startswith("P2 follows P1; P1 rarely listens back") and msg.drill == "swap_lead"
    assert msg.estimate.value == pytest.approx(c.r_lag_plus1) and msg.estimate.low > 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_joint_drift_is_reported_where_it_happened(seed):
    ramp = TempoDrift(bar_time(8), bar_time(10), 4.0)  # Part 5 = bars 8-9
    session = play(drift_chart(), (Musician(drifts=(ramp,)), Musician(drifts=(ramp,))), seed=seed)
    report = coach_session(session)
    flagged = [w for w in report.pair.drift.windows if w.significant]
    assert [w.name for w in flagged] == ["Part 5"]
    w = flagged[0]
    assert w.drift is not None and w.drift_kind == "end" and 2.5 < w.drift.value < 5.5
    drift = [m for m in report.messages if m.kind == "drift"]
    assert len(drift) == 1 and drift[0].text.startswith("You both sped up ~")
    assert "over Part 5" in drift[0].text and drift[0].section == "Part 5"
    assert drift[0].unit == "BPM" and drift[0].estimate.low > 0


def test_a_drift_after_a_fill_is_placed_after_the_fill():
    chart = drift_chart(fill_bars=(8,))  # lead fills bar 8 (in Part 5); window: bars 9-10
    ramp = TempoDrift(bar_time(9), bar_time(11), -4.0)
    report = coach_session(play(chart, (Musician(drifts=(ramp,)), Musician(drifts=(ramp,))), seed=3))
    drift = [m for m in report.messages if m.kind == "drift"]
    assert len(drift) == 1
    assert drift[0].text.startswith("You both slowed down ~") and "after the fill in Part 5" in drift[0].text


def test_one_player_drifting_is_not_a_joint_drift():
    ramp = TempoDrift(bar_time(8), bar_time(10), 4.0)
    report = coach_session(play(drift_chart(), (Musician(drifts=(ramp,)), Musician()), seed=1))
    assert [w.name for w in report.players[0].tempo.windows if w.significant] == ["Part 5"]
    assert not [w for w in report.pair.drift.windows if w.significant]
    assert not [m for m in report.messages if m.kind == "drift"]


def _stamped(chart, kit, offset_ms, seed):
    """Both players' hits through the game's input path: RawHits stamped by the device
    (late by its latency), turned into Hits by HitStamper with the calibration."""
    from duet_drums.core.ensemble import simulate_pair
    from duet_drums.core.session import DuetSession
    from tests.coach_support import MEDLEY_PAIR

    tracks = DuetSession(chart, MEDLEY_PAIR).tracks
    p1, p2 = simulate_pair(tracks, (Musician(), kit), DuetSession(chart, MEDLEY_PAIR).tempo_map, seed=seed)
    base = 10**12
    raws = [RawHit(h.player, h.piece, base + round(h.t * 1e9), h.velocity, "midi", f"kit-{h.player + 1}")
            for h in p1 + p2]
    stamper = HitStamper(lambda ns: (ns - base) / 1e9, Calibration(input_offsets_ms={"kit-2": offset_ms}))
    hits = stamper.to_hits(raws)
    return [h for h in hits if h.player == 0], [h for h in hits if h.player == 1]


def test_a_calibrated_device_latency_is_not_a_leader(chart):
    kit = Musician(latency=0.030)
    clicks = np.arange(32) * 0.5 + 1.0
    measured = estimate_offset(calibration_taps(clicks, kit, seed=5).tolist(), clicks.tolist())
    assert 25.0 < measured.offset_ms < 35.0
    report = coach_session(play(chart, (Musician(), kit), hits=_stamped(chart, kit, measured.offset_ms, 1)))
    assert not any(o.significant for o in report.pair.offsets)
    assert not [m for m in report.messages if m.kind in ("offset", "coupling")]
    assert report.pair.coupling.verdict == "unclear"


def test_an_uncalibrated_latency_is_named_with_its_likely_cause(chart):
    kit = Musician(latency=0.030)
    report = coach_session(play(chart, (Musician(), kit), hits=_stamped(chart, kit, 0.0, 1)))
    offsets = [m for m in report.messages if m.kind == "offset"]
    assert len(offsets) == 1
    assert offsets[0].text.startswith("On every drum P1 lands ~3")
    assert "calibrate" in offsets[0].text.lower()
    assert 27.0 < -offsets[0].estimate.value < 33.0


def test_at_most_three_messages_ranked_by_the_sync_they_recover(chart):
    busy = (Musician(sigma=0.006, click_gain=0.3, timer_sigma=0.005),
            Musician(sigma=0.016, partner_gain=0.5, timer_sigma=0.005,
                     piece_offsets={Piece.SNARE: 0.014, Piece.KICK: -0.010}))
    report = coach_session(play(chart, busy, seed=5))
    assert len(report.messages) == 3
    recovered = [m.recovers_percent for m in report.messages]
    assert recovered == sorted(recovered, reverse=True) and recovered[0] > 0
    for m in report.messages:
        assert m.estimate.low <= m.estimate.value <= m.estimate.high and m.estimate.n > 0


def test_a_clean_pair_gets_no_message(chart):
    report = coach_session(play(chart, (Musician(sigma=0.006), Musician(sigma=0.006)), seed=8))
    assert report.messages == []
    assert report.pair.spread.within_50 == 1.0
