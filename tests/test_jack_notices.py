"""jackd's xrun notices, read as they come: the witness `test_midi_flood` trusts.

A JACK client whose process is stopped for a few periods misses its cycles; jackd says
so ("client = X was not finished"), and the server log must hand that notice back with
the client's name and a time inside the stall's aftermath, in the machine's shared
clock.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.support.children import child, talk
from tests.support.jack import JackServer, jack_server

__all__ = ["jack_server"]  # the fixture is used by name

pytestmark = [pytest.mark.jack]


def test_a_client_held_up_past_its_periods_is_reported_late_by_name_and_time(jack_server: JackServer) -> None:
    assert jack_server.log is not None
    with child(["tests.support.jack_listener"]) as client:
        time.sleep(0.2)  # a few quiet cycles first
        before = time.perf_counter_ns()
        assert jack_server.log.late_clients(before) == []
        os.kill(client.pid, signal.SIGSTOP)
        try:
            time.sleep(10 * jack_server.period_ms / 1000)
        finally:
            os.kill(client.pid, signal.SIGCONT)
        resumed = time.perf_counter_ns()
        deadline = time.monotonic() + 5
        while not jack_server.log.late_clients(before) and time.monotonic() < deadline:
            time.sleep(0.05)
        talk(client, "stop")
    late = [t for t, name in jack_server.log.late_clients(before) if name == "duet-reference"]
    assert late, jack_server.log.tail()
    assert all(before <= t <= resumed + 2_000_000_000 for t in late), (before, resumed, late)
