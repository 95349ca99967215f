"""Helper processes of ours that a bench or a test talks to by lines on stdin/stdout.

A child prints `ready` once it is set up, answers with one JSON line when asked (or when
done), and ends by itself when its stdin closes. Ending it that way, not by a signal,
lets it close its JACK client itself: a client killed while connected can make jackd die
of SIGPIPE as it stops, and a jackd that dies so keeps its slot in JACK's server registry
(eight slots, shared by everyone on the machine).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.procs import log_tail, stop_process

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def child(args: list[str]) -> Iterator[subprocess.Popen[str]]:
    """A helper process of ours (python -m ...), which prints `ready` when it is. Its
    stderr goes to a file (a pipe nobody reads could fill up and stop it)."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, "-m", *args], cwd=ROOT, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            if line != "ready":
                proc.wait(timeout=10)
                raise RuntimeError(f"{args[0]} did not start: {line!r} {log_tail(errors)}")
            yield proc
        finally:
            # Asked to end (stdin closed): it closes its JACK client itself.
            with contextlib.suppress(OSError):
                assert proc.stdin is not None
                proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
            stop_process(proc)


def talk(proc: subprocess.Popen[str], line: str | None) -> dict[str, Any]:
    """Send `line` (if any) and read the process's one JSON answer."""
    assert proc.stdin is not None and proc.stdout is not None
    if line is not None:
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
    answer = proc.stdout.readline()
    if not answer:
        raise RuntimeError(f"no answer from {proc.args}")
    result: dict[str, Any] = json.loads(answer)
    return result
