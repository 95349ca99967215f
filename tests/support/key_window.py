"""A real pygame window running the game's keyboard loop, driven from outside by xdotool.

Run as a script (in a subprocess, with SDL_VIDEODRIVER=x11 and DISPLAY set) it opens a
small window and runs `render(); pacer.wait_for_next_frame(poll=...)` with the real
`KeyboardPoller` and `FramePacer` — or, with `--mode naive`, a typical
`clock.tick(fps)` loop that stamps events at the frame that finds them, or with
`--mode spin` a loop that does nothing but pump (the floor for benchmarks) — until it
sees Escape, then prints one JSON line with every key event it stamped.

`KeyWindow` is the parent side used by the tests and `bench/input_latency.py`: it
starts the script, waits until the window is mapped (`xdotool search --sync`), focuses it
and sends keys with xdotool. Without a window manager, `windowfocus` sets the X input
focus directly, which is all SDL needs to receive key events.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

READY = "KEYWINDOW-READY"
RESULT = "KEYWINDOW-RESULT"


# -- child side --------------------------------------------------------------------------
def _run_window(fps: float, mode: str, timeout_s: float, render_ms: float) -> dict[str, Any]:
    import pygame

    from duet_drums.inputs.keyboard import KeyboardPoller
    from duet_drums.inputs.keymap import KeyMap
    from duet_drums.inputs.pacing import FramePacer
    from duet_drums.settings import DEFAULT_KEYS

    pygame.display.init()
    screen = pygame.display.set_mode((320, 200))
    pygame.display.set_caption("duet-drums key window")
    keymap = KeyMap.from_settings(list(DEFAULT_KEYS), strict=True)
    poller = KeyboardPoller(keymap)
    print(READY, json.dumps({"wid": pygame.display.get_wm_info().get("window"),
                             "repeat": list(pygame.key.get_repeat())}), flush=True)
    hits: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    stop_at = time.perf_counter() + timeout_s
    running = True
    frame = 0

    def collect(events: Sequence[Any], hit_list: Sequence[Any]) -> None:
        nonlocal running
        for h in hit_list:
            hits.append({"player": h.player, "piece": h.piece.value, "stamp_ns": h.stamp_ns,
                         "device": h.device})
        for ev in events:
            if ev.type in (pygame.KEYDOWN, pygame.KEYUP):
                keys.append({"key": pygame.key.name(ev.key), "down": ev.type == pygame.KEYDOWN,
                             "stamp_ns": ev.stamp_ns, "bound": ev.binding is not None})
                if ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE:
                    running = False
            elif ev.type == pygame.QUIT:
                running = False

    def poll() -> None:
        result = poller.pump()
        collect(result.other_events, result.hits)

    pacer = FramePacer(fps)
    clock = pygame.time.Clock()
    while running and time.perf_counter() < stop_at:
        screen.fill((frame % 256, 40, 80))
        pygame.display.flip()
        if render_ms:
            busy_until = time.perf_counter() + render_ms / 1000
            while time.perf_counter() < busy_until:
                pass
        frame += 1
        if mode == "ours":
            pacer.wait_for_next_frame(poll=poll)
        elif mode == "spin":
            # The floor: pump as fast as possible, no frames; what is left is transport.
            spin_until = time.perf_counter() + 0.25
            while running and time.perf_counter() < spin_until:
                poll()
        else:
            # The naive loop: sleep the whole frame away, then stamp whatever is queued
            # with the time the frame finds it.
            clock.tick(fps)
            now = time.perf_counter_ns()
            for ev in pygame.event.get():
                if ev.type in (pygame.KEYDOWN, pygame.KEYUP):
                    ev.stamp_ns, ev.binding = now, keymap.lookup(ev.key)
                    if ev.type == pygame.KEYDOWN and ev.binding is not None:
                        hits.append({"player": ev.binding.player, "piece": ev.binding.piece.value,
                                     "stamp_ns": now, "device": "keyboard"})
                collect([ev], [])
    stats = pacer.stats()
    pygame.display.quit()
    return {"hits": hits, "keys": keys, "frames": frame, "timed_out": running,
            "mean_frame_s": stats.mean_s, "mean_polls": stats.mean_polls}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fps", type=float, default=60.0)
    parser.add_argument("--mode", choices=("ours", "naive", "spin"), default="ours")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--render-ms", type=float, default=0.0)
    args = parser.parse_args(argv)
    result = _run_window(args.fps, args.mode, args.timeout, args.render_ms)
    print(RESULT, json.dumps(result), flush=True)


# -- parent side -------------------------------------------------------------------------
class KeyWindow:
    """Start the window script on `display` and talk to it with xdotool."""

    def __init__(self, display: str, fps: float, mode: str = "ours", timeout_s: float = 20.0,
                 render_ms: float = 0.0):
        self.display = display
        self.wm_class = f"duetdrums-keytest-{uuid.uuid4().hex[:8]}"
        self.env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11",
                    "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
                    "SDL_VIDEO_X11_WMCLASS": self.wm_class}
        # (Parent-side imports here: the child runs this file as a script, without `tests`.)
        from tests.support.procs import prioritized

        # Prioritized like the game in the end-to-end test: this is the game's keyboard loop.
        self.args = prioritized([sys.executable, str(Path(__file__).resolve()), "--fps", str(fps),
                                 "--mode", mode, "--timeout", str(timeout_s), "--render-ms", str(render_ms)])
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen[str] | None = None
        self.wid = ""
        self.info: dict[str, Any] = {}

    def __enter__(self) -> KeyWindow:
        self.proc = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith(READY):
                self.info = json.loads(line[len(READY):])
                break
        else:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"key window did not start: {err}")
        found = self.xdotool("search", "--sync", "--classname", self.wm_class, timeout=10).split()
        self.wid = str(self.info.get("wid") or found[0])
        if self.wid not in found:
            raise RuntimeError(f"window {self.wid} not among {found}")
        self.xdotool("windowfocus", "--sync", self.wid, timeout=10)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def xdotool(self, *args: str, timeout: float = 10) -> str:
        proc = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)} failed: {proc.stderr.strip()}")
        return proc.stdout

    def press(self, keysyms: Sequence[str], gaps_s: Sequence[float] = ()) -> list[int]:
        """Press and release each entry of `keysyms` (a key, or "a+j" for keys pressed
        together in one flush) through XTEST from this process, sleeping `gaps_s[i]` after
        the i-th; returns the perf_counter_ns at which each press was flushed to the X
        server. A test compares what the window stamped with these, not with the gaps it
        meant to leave: a busy machine stretches a sleep, never the truth."""
        from tests.support.xtest import XTest

        sender = XTest(self.display)
        try:
            sent = []
            for i, keys in enumerate(keysyms):
                chord = keys.split("+")
                sent.append(sender.send(chord, down=True))
                sender.send(chord, down=False)
                if i < len(gaps_s):
                    time.sleep(gaps_s[i])
            return sent
        finally:
            sender.close()

    def session(self) -> subprocess.Popen[str]:
        """A persistent `xdotool -` reading commands from stdin: no process start per key,
        so a key is sent within a fraction of a millisecond of writing its line."""
        return subprocess.Popen(["xdotool", "-"], env=self.env, stdin=subprocess.PIPE, text=True,
                                bufsize=1)

    def finish(self) -> dict[str, Any]:
        """Press Escape (which ends the loop) and return the window's JSON result."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.xdotool("key", "--delay", "0", "Escape")
        out, err = self.proc.communicate(timeout=self.timeout_s + 10)
        for line in out.splitlines():
            if line.startswith(RESULT):
                result: dict[str, Any] = json.loads(line[len(RESULT):])
                return result
        raise RuntimeError(f"key window gave no result (rc={self.proc.returncode}): {err}")


if __name__ == "__main__":
    main()
