"""A MIDI flood through JACK into the real game, judged against a reference listener.

`bench/midi_flood.py`, shortened: 20,000 messages per second (clock, active sensing, CC4,
aftertouch, sysex, garbage, truncated messages) for 4 s in four stretches between quiet
ones, with a note every 10 ms for each of two players on two kits, into the real play
scene in real time. Judged against what happened in the same run: a reference JACK
client on the same kit outputs says which notes JACK delivered (each must be judged), the
kits' own record says what was sent (the game must take no hit that was not), and the
game's own frames in the quiet stretches are the baseline for its frames under the flood
(p99 at most doubled).

The bench runs in a process of its own, ahead of the machine's other work where the test
may (as a player's machine runs the game), with the kits and the listener as its children.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.jack import JackServer, jack_server
from tests.support.procs import prioritized

__all__ = ["jack_server"]  # the fixture is used by name

pytestmark = [pytest.mark.jack, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
RATE = 20_000


def run_flood(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    cmd = prioritized([sys.executable, str(ROOT / "bench" / "midi_flood.py"), *args])
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    print(json.dumps(result, indent=1))  # the numbers, for `pytest -s`
    return result


def test_every_note_jack_delivered_under_a_flood_is_judged(jack_server: JackServer) -> None:
    r = run_flood("--flood-s", "4", "--quiet-s", "5", "--blocks", "4", "--rate", str(RATE))
    why = json.dumps({k: v for k, v in r.items() if k != "players"}, indent=1)
    flood = r["flood"]
    # The condition the test set up: the flood JACK delivered (counted by the listener,
    # notes apart) was the rate asked for, with every kind of message in it.
    assert flood["delivered_per_s"] >= 0.9 * RATE, why
    assert set(flood["kinds"]) >= {"clock", "active_sensing", "cc", "aftertouch", "sysex", "garbage",
                                   "truncated"}, why
    for port in r["readers"].values():
        assert port["errors"] == 0, why
        assert port["merged"] > 0, why  # the truncated sysexes made rtmidi glue events
    for p, player in enumerate(r["players"]):
        about = f"player {p + 1}: {json.dumps(player)}"
        assert player["heard_by_listener"] >= 0.95 * player["notes_sent"], about
        assert player["listener_strangers"] == 0, about
        # Every note JACK delivered was judged; the game took no hit the kits did not send.
        assert player["lost_of_heard"] == 0, about
        assert player["judged_of_heard"] == player["heard_by_listener"], about
        assert player["hits_not_sent"] == 0 and player["kit_hits"] <= player["notes_sent"], about
    frames = r["frames_ms"]
    assert frames["quiet"]["n"] > 200 and frames["flooded"]["n"] > 200, why
    assert frames["flooded"]["p99"] <= 2.0 * frames["quiet"]["p99"], why
