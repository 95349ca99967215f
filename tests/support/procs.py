"""Stopping helper servers (jackd, Xvfb) started by tests, and reading what they said."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from typing import IO


def stop_process(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Terminate politely, then kill: a server that ignores SIGTERM must not outlive the run.
    Its pipes are closed too (an open one is a ResourceWarning, an error in this suite)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    close_pipes(proc)


def close_pipes(proc: subprocess.Popen[bytes] | subprocess.Popen[str]) -> None:
    """Close the pipes to a process that has ended (whoever read them is done)."""
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def log_tail(log: IO[bytes], chars: int = 1500) -> str:
    """The end of a server's output file (its stdout and stderr), for a failure message:
    why a server would not start is in what it printed."""
    log.flush()
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-chars:].strip() or "(nothing)"



PRIORITY_NICENESS = -10


def prioritized(cmd: list[str]) -> list[str]:
    """`cmd` run ahead of the machine's other work (nice -10, every thread), when we may.

    For what a real-time test sets up as the player's machine: the X server that brings
    the keys (a stand-in for the keyboard's interrupt, as the realtime JACK server is for
    the kit's) and the game itself, which on a player's machine has the CPU it asks for.
    A test of the game must not measure how long the kernel queued it behind someone
    else's busy loop (two CPU hogs starve a 120 FPS render loop of half its time, and a
    key waits for the frame to end). Lowering niceness needs root (CI runs as root);
    elsewhere the command runs as it is.
    """
    if os.geteuid() != 0 or shutil.which("nice") is None:
        return cmd
    return ["nice", "-n", str(PRIORITY_NICENESS), *cmd]
