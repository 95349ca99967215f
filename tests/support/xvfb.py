"""A private X server for tests and benchmarks that need real key events.

Tests that check the keyboard path must go through a real X server and a real SDL
window: that is where the timing of key events is decided. Xvfb gives one without a
screen; xdotool sends real XTEST key events to it. Each server gets a free display
number (an existing `/tmp/.X<N>-lock` or a lost race for one means "try the next"), and
is only handed out once `xdpyinfo` can talk to it, so a test never races the server's
start-up.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.need import unavailable
from tests.support.procs import log_tail, prioritized, stop_process

REQUIRED_TOOLS = ("Xvfb", "xdotool", "xdpyinfo")
FIRST_DISPLAY = 90
LAST_DISPLAY = 190


def missing_tools() -> str | None:
    """Why the X tests cannot run here, or None when they can."""
    missing = [tool for tool in REQUIRED_TOOLS if shutil.which(tool) is None]
    if missing:
        return f"needs {', '.join(missing)} (Debian packages xvfb, xdotool, x11-utils)"
    return None


def _display_free(number: int) -> bool:
    return not (Path(f"/tmp/.X{number}-lock").exists()
                or Path(f"/tmp/.X11-unix/X{number}").exists())


def _wait_until_ready(display: str, proc: subprocess.Popen[bytes], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    env = {**os.environ, "DISPLAY": display}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False  # lost the race for the lock, or the server refused to start
        probe = subprocess.run(["xdpyinfo"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
        if probe.returncode == 0:
            # Alive after a successful probe: this server holds the lock, so the display
            # answering is ours and not another process's that won the race.
            return proc.poll() is None
        time.sleep(0.02)
    return False


@contextlib.contextmanager
def running_xvfb(screen: str = "1280x720x24", timeout_s: float = 10.0) -> Iterator[str]:
    """Start Xvfb on a free display, yield its DISPLAY (":N"), and kill it afterwards.

    Raises RuntimeError when no display could be started (the tools are missing, or
    every candidate display number is taken).
    """
    reason = missing_tools()
    if reason:
        raise RuntimeError(reason)
    # Start at a random number so parallel test runs rarely collide on the same one.
    span = LAST_DISPLAY - FIRST_DISPLAY
    start = random.randrange(span)
    last_words = ""
    for i in range(span):
        number = FIRST_DISPLAY + (start + i) % span
        if not _display_free(number):
            continue
        display = f":{number}"
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                prioritized(["Xvfb", display, "-screen", "0", screen, "-nolisten", "tcp"]),
                stdout=log, stderr=subprocess.STDOUT,
            )
            if not _wait_until_ready(display, proc, timeout_s):
                stop_process(proc)
                last_words = f"; Xvfb {display} said: {log_tail(log)}"
                continue  # someone else took this number between our check and the lock
        try:
            yield display
        finally:
            stop_process(proc)
        return
    raise RuntimeError(f"no X display between :{FIRST_DISPLAY} and :{LAST_DISPLAY} started{last_words}")


@pytest.fixture(scope="module")
def xvfb_display() -> Iterator[str]:
    """DISPLAY of a private Xvfb for this test module; `unavailable` (skip, or fail in CI)
    when Xvfb/xdotool are missing or no server starts.

    Import it into a test module with an assignment (`xvfb_display = xvfb.xvfb_display`)
    so pytest registers it there.
    """
    reason = missing_tools()
    if reason:
        unavailable(f"X server tests {reason}")
    with contextlib.ExitStack() as stack:
        try:
            display = stack.enter_context(running_xvfb())
        except RuntimeError as exc:
            problem = str(exc)
        else:
            yield display
            return
    unavailable(f"X server tests: {problem}")
