"""FramePacer: steady deadline-based cadence with ~1 kHz polling in between."""

from __future__ import annotations

import itertools
import time

import pytest

from duet_drums.inputs.pacing import FramePacer


def test_real_cadence_at_100_fps_polls_at_about_1_khz() -> None:
    pacer = FramePacer(100)
    poll_times: list[int] = []
    start = time.perf_counter()
    frames = 0
    while time.perf_counter() - start < 0.5:
        pacer.wait_for_next_frame(poll=lambda: poll_times.append(time.perf_counter_ns()))
        frames += 1
    stats = pacer.stats()
    assert stats.mean_s == pytest.approx(0.010, abs=0.0005)
    assert stats.p50_s == pytest.approx(0.010, abs=0.001)
    # ~10 polls per 10 ms frame (sleep overshoot makes it a little less than 1 kHz).
    assert 6 <= stats.mean_polls <= 12
    gaps = sorted(b - a for a, b in itertools.pairwise(poll_times))
    assert gaps[len(gaps) // 2] < 1_600_000  # median poll gap under 1.6 ms
    assert 45 <= frames <= 52


class FakeTime:
    def __init__(self, overshoot_ns: int = 400_000):
        self.now = 0
        self.overshoot = overshoot_ns
        self.sleeps: list[float] = []

    def clock(self) -> int:
        self.now += 2_000
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += round(seconds * 1e9) + self.overshoot


def test_deadlines_do_not_drift_despite_oversleeping() -> None:
    fake = FakeTime(overshoot_ns=400_000)  # every sleep 0.4 ms late
    pacer = FramePacer(60, clock=fake.clock, sleep=fake.sleep)
    returns: list[int] = []
    for _ in range(600):
        pacer.wait_for_next_frame(poll=lambda: None)
        returns.append(fake.now)
    period = 1e9 / 60
    # Frame k returns within a few µs of its deadline: start + k periods, no accumulated error.
    for k, t in enumerate(returns):
        assert abs(t - returns[0] - k * period) < 50_000, k
    assert pacer.late_frames == 0


def test_final_approach_is_spun_not_slept() -> None:
    fake = FakeTime(overshoot_ns=400_000)
    pacer = FramePacer(100, clock=fake.clock, sleep=fake.sleep, spin_s=0.0005)
    deadline_polls: list[int] = []
    pacer.wait_for_next_frame(poll=lambda: deadline_polls.append(fake.now))
    # The last poll happens at (not long after) the deadline even though sleeps overshoot.
    first = deadline_polls[0]
    assert 0 <= deadline_polls[-1] - (first + 10_000_000) < 30_000


def test_after_a_stall_the_schedule_restarts_instead_of_bursting() -> None:
    fake = FakeTime(overshoot_ns=50_000)
    pacer = FramePacer(100, clock=fake.clock, sleep=fake.sleep)
    for _ in range(5):
        pacer.wait_for_next_frame(poll=lambda: None)
    stalled = {"once": True}

    def stalling_poll() -> None:
        if stalled.pop("once", False):
            fake.now += 80_000_000  # 80 ms: eight frames lost
    pacer.wait_for_next_frame(poll=stalling_poll)
    before = fake.now
    pacer.wait_for_next_frame(poll=lambda: None)
    assert pacer.late_frames == 1
    assert fake.now - before == pytest.approx(10_000_000, abs=100_000)  # a full frame, not zero


def test_uncapped_polls_once_per_frame() -> None:
    fake = FakeTime()
    for fps in (None, 0):
        pacer = FramePacer(fps, clock=fake.clock, sleep=fake.sleep)
        calls: list[int] = []
        for _ in range(10):
            pacer.wait_for_next_frame(poll=lambda: calls.append(1))  # noqa: B023
        assert len(calls) == 10 and pacer.polls_last_frame == 1
        assert fake.sleeps == [] and pacer.fps is None


def test_negative_fps_is_refused() -> None:
    with pytest.raises(ValueError):
        FramePacer(-1)
