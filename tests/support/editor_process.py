"""The real editor (`duet-drums-editor edit CHART --report`) in a child process on a
private X server, driven with xdotool like a person at the keyboard and mouse.

The child prints one JSON line per thing it did (`editor.window.report`); a reader
thread collects them so the test can wait for "saved", "autosaved" or an action with
the expected number of notes instead of sleeping. Its own settings and data folders keep
the user's out of it.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from duet_drums.editor.window.report import parse
from tests.support.procs import close_pipes

TIMEOUT_S = 60.0  # only a failure detector: every wait ends as soon as its event comes


class EditorProcess:
    def __init__(self, display: str, chart: Path, home: Path, *extra: str) -> None:
        self.wm_class = f"duetdrums-editor-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy",
                    "PYGAME_HIDE_SUPPORT_PROMPT": "1", "SDL_VIDEO_X11_WMCLASS": self.wm_class,
                    "DUET_DRUMS_CONFIG_DIR": str(home / "config"), "DUET_DRUMS_DATA_DIR": str(home / "data")}
        self.args = [sys.executable, "-m", "duet_drums.editor.main", "edit", str(chart), "--report", *extra]
        self.proc: subprocess.Popen[str] | None = None
        self.events: list[dict[str, Any]] = []
        self._next = 0
        self._lines: queue.SimpleQueue[dict[str, Any] | None] = queue.SimpleQueue()
        self.output: list[str] = []
        self.wid = ""

    def __enter__(self) -> EditorProcess:
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.wait_for("ready")
        self._next = 0  # what came before the window was ready is still to be waited for
        self.wid = self.xdotool("search", "--sync", "--classname", self.wm_class).split()[0]
        self.xdotool("windowfocus", "--sync", self.wid)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.kill()  # a test that failed half-way leaves no window behind
        self.proc.wait(timeout=TIMEOUT_S)
        self._reader.join(timeout=TIMEOUT_S)  # it reads to the end of the output first
        close_pipes(self.proc)

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            event = parse(line)
            if event is not None:
                self._lines.put(event)
        self._lines.put(None)

    def wait_for(self, kind: str, **fields: Any) -> dict[str, Any]:
        """The first event of `kind` with these fields after the one the last wait returned."""
        deadline = time.monotonic() + TIMEOUT_S
        i = self._next
        while True:
            while i < len(self.events):
                event = self.events[i]
                i += 1
                if event["event"] == kind and all(event.get(k) == v for k, v in fields.items()):
                    self._next = i
                    return event
            try:
                line = self._lines.get(timeout=0.1)
            except queue.Empty:
                line = None if time.monotonic() > deadline else {}
            if line is None:
                break
            if line:
                self.events.append(line)
        raise AssertionError(f"no {kind} event with {fields}; output:\n{''.join(self.output[-40:])}")

    def xdotool(self, *args: str) -> str:
        proc = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def keys(self, *names: str) -> None:
        self.xdotool("key", "--delay", "40", *names)

    def click(self, x: int, y: int, *modifiers: str) -> None:
        self.xdotool("mousemove", "--window", self.wid, "--sync", str(x), str(y))
        for m in modifiers:
            self.xdotool("keydown", m)
        self.xdotool("click", "1")
        for m in modifiers:
            self.xdotool("keyup", m)

    def wait_exit(self) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout=TIMEOUT_S)

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or cleaned up."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT_S)
