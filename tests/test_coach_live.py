"""The live coach beside the sync meter: who leads on the last unisons, and the pair's
tempo against the click, each only once it is significant."""

from __future__ import annotations

from duet_drums.core.coach_live import LiveCoach, LiveReading
from duet_drums.core.ensemble import Musician, TempoDrift, simulate_pair
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.coach_support import MEDLEY_PAIR, bar_time, drift_chart
from tests.engine_support import merged


def _live(chart, musicians, seed=1, names=("", "")):
    setups = tuple(PlayerSetup(s.part, s.difficulty, name=n) for s, n in zip(MEDLEY_PAIR, names, strict=True))
    session = DuetSession(chart, setups)
    live = LiveCoach(session)
    hits = merged(*simulate_pair(session.tracks, musicians, session.tempo_map, seed=seed))
    readings: list[tuple[float, LiveReading]] = []
    for hit in hits:
        readings.append((hit.t, live.feed(session.hit(hit))))
    readings.append((session.end_time, live.feed(session.advance(float("inf")))))
    return readings


def test_a_steady_lean_names_the_leader_with_names():
    readings = _live(drift_chart(), (Musician(), Musician(offset=0.020)), names=("Ana", "Ben"))
    last = readings[-1][1]
    assert last.leader == "Ana" and last.lead_ms is not None and -25 < last.lead_ms < -15
    assert last.tempo == "" and last.tempo_bpm is None
    # not before a handful of unisons: a first stroke is not a lean
    assert readings[0][1].leader == ""


def test_a_pair_together_has_no_leader():
    readings = _live(drift_chart(), (Musician(), Musician()), seed=3)
    leaders = [r.leader for _, r in readings if r.unisons > 16]
    assert leaders.count("") >= 0.9 * len(leaders)


def test_joint_rushing_is_shown_while_it_happens_and_not_before():
    ramp = TempoDrift(bar_time(8), bar_time(10), 4.0)  # both speed up to +4 BPM over bars 8-9
    readings = _live(drift_chart(), (Musician(drifts=(ramp,)), Musician(drifts=(ramp,))), seed=2)
    before = [r.tempo for t, r in readings if t < bar_time(8)]
    during = [r for t, r in readings if bar_time(9) <= t < bar_time(10)]
    assert set(before) == {""}
    assert [r.tempo for r in during[-4:]] == ["rushing"] * 4
    assert all(r.tempo != "dragging" for r in during)
    bpm = [r.tempo_bpm for r in during if r.tempo_bpm is not None]
    assert bpm and 2.5 <= max(bpm) < 6.0
    after = [r.tempo for t, r in readings if t >= bar_time(11) + 2.0]
    assert set(after) == {""}  # back on the click, the reading clears


def test_dragging_is_the_other_way():
    ramp = TempoDrift(bar_time(8), bar_time(10), -4.0)
    readings = _live(drift_chart(), (Musician(drifts=(ramp,)), Musician(drifts=(ramp,))), seed=2)
    during = [r.tempo for t, r in readings if bar_time(9) <= t < bar_time(10)]
    assert during[-4:] == ["dragging"] * 4
