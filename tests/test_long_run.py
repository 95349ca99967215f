"""The game left running, short: `bench/long_run.py --stepped --loops 2`.

The medley twice on autoplay in one game session, stepped at 30 frames per song second
(fast, drawn on the dummy video driver), with both kits' MIDI reader threads open on two
virtual JACK kits that strike now and then. Judged between the end of the first song and
the end of the second, in the same run: no thread and no file descriptor more, Python's
own memory (tracemalloc) about where it was; and once the game is closed, none of its
threads left running. The 30-minute real-time run is the bench itself.
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

__all__ = ["jack_server"]  # the fixture is used by name

pytestmark = [pytest.mark.jack, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


def run_long(*args: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "long_run.py"), *args], capture_output=True,
                          text=True, timeout=600, env=env, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout)
    print(json.dumps({k: v for k, v in result.items() if k != "samples"}, indent=1))
    return result


def test_two_songs_in_one_session_leave_no_thread_fd_or_memory_behind(jack_server: JackServer) -> None:
    r = run_long("--stepped", "--loops", "2", "--dt", str(1 / 30))
    why = json.dumps({k: v for k, v in r.items() if k not in ("samples", "largest_growth_by_line")}, indent=1)
    songs = r["songs"]
    assert len(songs) == 2 and all(min(s["accuracy"]) > 80 for s in songs), why
    # The kits' reader threads ran all along: every strike reached them, none failed.
    assert len(r["midi_readers"]) == 2, why
    for counts in r["midi_readers"].values():
        assert counts["errors"] == 0 and counts["hits"] > 0, why
    threads, fds = r["threads"], r["fds"]
    after_first, end = r["samples"][2], r["samples"][-2]
    assert after_first["at"] == "after song 1" and end["at"] == "after song 2"
    assert end["thread_names"] == after_first["thread_names"], why
    assert threads["end"] == threads["after_first_song"], why
    assert end["os_threads"] == after_first["os_threads"], why
    assert fds["end"] == fds["after_first_song"], why
    # Closing the game stops every thread it started (the readers, the port watcher).
    assert threads["after_close"] == 1, r["samples"][-1]["thread_names"]
    # Python's own memory: the second song leaves about what the first left (the last
    # result and replay replace the first's). RSS also holds what SDL and the C
    # libraries keep warm (text surfaces, fonts, SQLite), so only a gross leak shows there.
    growth = r["memory_growth_mb"]
    assert growth["traced_after_first_song_to_end"] < 4.0, (why, r["largest_growth_by_line"])
    assert growth["rss_after_first_song_to_end"] < 64.0, why
