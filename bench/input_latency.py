"""Input stamp error: keyboard under Xvfb (ours vs. naive per-frame stamping), and MIDI.

Keyboard: a private Xvfb runs the real pygame window loop (tests/support/key_window.py).
Keys are sent with XTEST from this process (libXtst through ctypes — what xdotool uses,
without a pipe and a second process in the way; `--sender xdotool` uses one persistent
`xdotool -` session instead), and `perf_counter_ns()` is read just before each request
is flushed — the same clock the window stamps with (CLOCK_MONOTONIC is system-wide).
Key presses come at random gaps, so they fall at every phase of a frame. Measured, in ms,
`stamp − send` for:

- `floor_spin`: a loop that does nothing but pump: the transport (pipe, xdotool, X
  server, SDL) — the baseline every other number is compared against;
- `ours_<fps>fps`: FramePacer + KeyboardPoller (midpoint of ~1 kHz pumps) at 30/60/300 FPS;
- `naive_60fps`: `clock.tick(60)` then `pygame.event.get()`, stamped at that frame.

Each window "renders" for `--render-ms` of busy CPU per frame, like a real frame would.
`abs_error_ms` is |stamp − send − transport|, transport being the floor's median: the
stamp error proper. Ratios: naive / ours at 60 FPS on its p50, mean and p99.

MIDI: `measure()` from bench/input_latency_midi.py (its own JACK server), under "midi".

  python bench/input_latency.py [--n 200] [--render-ms 2] [--no-midi]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.support (the Xvfb and window helpers)

from tests.support.key_window import KeyWindow  # noqa: E402
from tests.support.xtest import XTest  # noqa: E402
from tests.support.xvfb import missing_tools, running_xvfb  # noqa: E402

# Bound keys of both players, cycled so every press is a fresh key.
KEYS = ("c", "a", "s", "d", "f", "m", "j", "k", "l", "semicolon")


class XTestSender:
    """Fake key events with XTEST straight from this process: the send stamp is taken
    right before the request is flushed to the X server (tests/support/xtest.py)."""

    def __init__(self, display: str):
        self.xtest = XTest(display)

    def key(self, keysym: str, down: bool) -> int:
        return self.xtest.send([keysym], down)

    def close(self) -> None:
        self.xtest.close()


class XdotoolSender:
    """Fallback: one persistent `xdotool -` session reading commands from a pipe."""

    def __init__(self, window: KeyWindow):
        self.proc = window.session()

    def key(self, keysym: str, down: bool) -> int:
        assert self.proc.stdin is not None
        sent = time.perf_counter_ns()
        self.proc.stdin.write(f"{'keydown' if down else 'keyup'} {keysym}\n")
        self.proc.stdin.flush()
        return sent

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def make_sender(window: KeyWindow, kind: str) -> XTestSender | XdotoolSender:
    if kind == "xtest":
        try:
            return XTestSender(window.display)
        except OSError:
            pass
    return XdotoolSender(window)


def distribution(values_ms: list[float]) -> dict[str, float]:
    ordered = sorted(values_ms)
    n = len(ordered)
    return {
        "n": n,
        "p50": round(ordered[n // 2], 3),
        "p99": round(ordered[min(n - 1, int(n * 0.99))], 3),
        "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3),
        "min": round(ordered[0], 3),
    }


def run_mode(display: str, mode: str, fps: float, n: int, render_ms: float, seed: int,
             sender_kind: str) -> tuple[list[float], dict[str, Any]]:
    """Errors (stamp − send, ms) of `n` presses, and the window's frame statistics."""
    rng = random.Random(seed)
    sends: list[int] = []
    with KeyWindow(display, fps=fps, mode=mode, timeout_s=n * 0.1 + 20, render_ms=render_ms) as window:
        sender = make_sender(window, sender_kind)
        time.sleep(0.2)  # let the window settle into its loop
        for i in range(n):
            key = KEYS[i % len(KEYS)]
            sends.append(sender.key(key, down=True))
            time.sleep(0.008)
            sender.key(key, down=False)
            time.sleep(rng.uniform(0.015, 0.045))
        sender.close()
        result = window.finish()
    stamps = [k["stamp_ns"] for k in result["keys"] if k["down"] and k["bound"]]
    if len(stamps) != n:
        raise RuntimeError(f"{mode}@{fps}: sent {n} keys, window stamped {len(stamps)}")
    errors = [(s - t) / 1e6 for s, t in zip(stamps, sends, strict=True)]
    frames = {}
    if mode == "ours":
        frames = {"mean_frame_ms": round(result["mean_frame_s"] * 1000, 3),
                  "polls_per_frame": round(result["mean_polls"], 1)}
    return errors, frames


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b > 0 else float("inf")


def keyboard(n: int, render_ms: float, sender_kind: str) -> dict[str, Any]:
    reason = missing_tools()
    if reason:
        return {"skipped": reason}
    modes = {"floor_spin": ("spin", 0.0, 0.0), "ours_30fps": ("ours", 30.0, render_ms),
             "ours_60fps": ("ours", 60.0, render_ms), "ours_300fps": ("ours", 300.0, render_ms),
             "naive_60fps": ("naive", 60.0, render_ms)}
    errors: dict[str, list[float]] = {}
    runs: dict[str, Any] = {}
    with running_xvfb() as display:
        for seed, (name, (mode, fps, render)) in enumerate(modes.items()):
            errors[name], frames = run_mode(display, mode, fps, n, render, seed, sender_kind)
            runs[name] = {"stamp_minus_send_ms": distribution(errors[name]), **frames}
    # The transport (sender -> X server -> SDL) takes about the floor's median whatever we
    # do; the stamp error proper is how far a stamp is from send + that median.
    transport = statistics.median(errors["floor_spin"])
    for name, errs in errors.items():
        runs[name]["abs_error_ms"] = distribution([abs(e - transport) for e in errs])
    ours, naive = runs["ours_60fps"]["abs_error_ms"], runs["naive_60fps"]["abs_error_ms"]
    runs["ratio_naive_over_ours_60fps"] = {q: ratio(naive[q], ours[q]) for q in ("p50", "mean", "p99")}
    runs["target_5x_met"] = all(v >= 5 for v in runs["ratio_naive_over_ours_60fps"].values())
    runs["setup"] = {"sender": sender_kind, "transport_median_ms": round(transport, 3),
                     "render_ms": render_ms, "n_per_mode": n}
    return runs


def midi() -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        from input_latency_midi import measure  # type: ignore[import-not-found]
    except Exception as exc:  # any import failure means "not available"
        return {"skipped": f"bench/input_latency_midi.py not importable: {exc}"}
    try:
        result: dict[str, Any] = measure()
    except Exception as exc:  # report, don't lose the keyboard numbers
        return {"skipped": f"measure() failed: {type(exc).__name__}: {exc}"}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="key presses per mode")
    parser.add_argument("--render-ms", type=float, default=2.0, help="busy CPU per frame")
    parser.add_argument("--sender", choices=("xtest", "xdotool"), default="xtest")
    parser.add_argument("--no-midi", action="store_true")
    args = parser.parse_args()
    report = {"keyboard": keyboard(args.n, args.render_ms, args.sender)}
    report["midi"] = {"skipped": "--no-midi"} if args.no_midi else midi()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
