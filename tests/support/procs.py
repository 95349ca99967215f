"""Stopping helper servers (jackd, Xvfb) started by tests."""

from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """Terminate politely, then kill: a server that ignores SIGTERM must not outlive the run."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
