"""MIDI input latency through a real JACK server; prints JSON.

A virtual "kit" (rtmidi MidiOut on the JACK API) sends notes at a steady rate; the
game's own `MidiInputs` reads them. For every note we know `perf_counter_ns()` just
before `send_message`, the stamp the game gives the hit (rebuilt from the driver's
`delta_time`) and our reader thread's naive arrival stamp. Reported in ms, stamp - send
and arrival - send: p50 / p99 / max. JACK delivers on period boundaries, so the floor is
"wait for the next period" (uniform 0..period); the target is p99 < 2 ms + one period.

`gil_load=True` runs a pure-Python busy thread during the run, as a game frame does:
that is when naive arrival stamps fall apart and rebuilt ones must not.

Uses the running JACK server (JACK_DEFAULT_SERVER or "default") if there is one, else
starts a private dummy-driver server like the tests do.

  python bench/input_latency_midi.py [--n 2000] [--rate 500]
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.jack import VirtualKit, bench_server, jack_query  # noqa: E402

from duet_drums.inputs.midi_inputs import MidiInputs  # noqa: E402
from duet_drums.inputs.midi_reader import TapEvent  # noqa: E402
from duet_drums.inputs.raw import RawHit  # noqa: E402
from duet_drums.settings import MidiSettings  # noqa: E402

NOTES = [36, 38, 42, 46, 44, 48, 45, 43, 49, 51, 52, 55]


def _dist(values_ns: list[int]) -> dict[str, float]:
    if not values_ns:
        return {}
    ms = np.asarray(values_ns, dtype=np.float64) / 1e6
    return {"p50": round(float(np.percentile(ms, 50)), 3), "p99": round(float(np.percentile(ms, 99)), 3),
            "max": round(float(ms.max()), 3), "min": round(float(ms.min()), 3),
            "mean": round(float(ms.mean()), 3)}


def _busy(stop: threading.Event) -> None:
    """Pure-Python work that holds the GIL in 5 ms slices, like rendering a frame."""
    while not stop.is_set():
        total = 0
        for i in range(20_000):
            total += i * i


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(n: int = 2000, rate_hz: float = 500.0, gil_load: bool = True) -> dict[str, Any]:
    """Send `n` notes at `rate_hz` through JACK; latency distributions in ms."""
    previous_api = os.environ.get("DUET_DRUMS_MIDI_API")
    os.environ["DUET_DRUMS_MIDI_API"] = "jack"
    try:
        with bench_server() as jack:
            return {**jack, **_run(n, rate_hz, gil_load)}
    finally:
        if previous_api is None:
            os.environ.pop("DUET_DRUMS_MIDI_API", None)
        else:
            os.environ["DUET_DRUMS_MIDI_API"] = previous_api


def _run(n: int, rate_hz: float, gil_load: bool) -> dict[str, Any]:
    period = jack_query("jack_bufsize")
    rate = jack_query("jack_samplerate")
    period_ms = 1000.0 * period / rate if period and rate else None
    with VirtualKit(f"bench-kit-{os.getpid()}") as kit:
        hits: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
        inputs = MidiInputs(MidiSettings(assignments={kit.name: 0}, debounce_ms=0), hits)
        inputs.start()
        try:
            if inputs.status().api != "JACK" or kit.name not in inputs.readers():
                raise RuntimeError(f"the kit port was not opened: {inputs.status()}")
            taps = inputs.open_monitor()
            # CPU of the whole process while idle: the reader polling an empty port, the
            # watcher, and the JACK client threads (ours and the virtual kit's).
            cpu0, wall0 = _cpu_s(), time.perf_counter()
            time.sleep(1.0)
            idle_cpu_percent = 100.0 * (_cpu_s() - cpu0) / (time.perf_counter() - wall0)

            stop = threading.Event()
            loader = threading.Thread(target=_busy, args=(stop,), daemon=True)
            if gil_load:
                loader.start()
            sends: list[int] = []
            step_ns = round(1e9 / rate_hz)
            next_ns = time.perf_counter_ns() + step_ns
            for i in range(n):
                while (wait := next_ns - time.perf_counter_ns()) > 0:
                    time.sleep(min(wait / 1e9, 0.0005))
                note = [0x99, NOTES[i % len(NOTES)], 1 + (i // len(NOTES)) % 127]
                sends.append(time.perf_counter_ns())
                kit.send(note)
                next_ns += step_ns
            stop.set()
            if gil_load:
                loader.join()
            time.sleep(0.2)
            events: list[TapEvent] = []
            while True:
                try:
                    events.append(taps.get_nowait())
                except queue.Empty:
                    break
        finally:
            inputs.stop()

    # Match received notes to sent ones by their (note, velocity) id, in order.
    stamp_lat: list[int] = []
    arrival_lat: list[int] = []
    k = 0
    for event in events:
        if event.kind != "note":
            continue
        while k < n and (NOTES[k % len(NOTES)], 1 + (k // len(NOTES)) % 127) != (event.number, event.value):
            k += 1
        if k == n:
            break
        stamp_lat.append(event.stamp_ns - sends[k])
        arrival_lat.append(event.arrival_ns - sends[k])
        k += 1
    stamp = _dist(stamp_lat)
    target = None if period_ms is None else round(2.0 + period_ms, 3)
    return {
        "n": n, "rate_hz": rate_hz, "gil_load": gil_load, "received": len(stamp_lat),
        "period_ms": None if period_ms is None else round(period_ms, 3),
        "stamp_minus_send_ms": stamp,
        "arrival_minus_send_ms": _dist(arrival_lat),
        "target_p99_ms": target,
        "meets_target": None if target is None or not stamp else stamp["p99"] < target,
        "idle_process_cpu_percent": round(idle_cpu_percent, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500.0)
    args = parser.parse_args()
    result = {"busy": measure(args.n, args.rate, gil_load=True),
              "idle": measure(args.n, args.rate, gil_load=False)}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
