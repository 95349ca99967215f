"""`duet-drums devices`: which MIDI system and kits the game sees, and a live monitor.

For drummers setting up: the list answers "is my kit there, whose is it, which note
map does it use"; `--monitor` shows every pad strike as the game will get it (note,
piece, velocity, rebuilt time), so a wrong note map or a flaky pad shows at once.
"""

from __future__ import annotations

import argparse
import queue
import time
from typing import Any

from duet_drums.inputs.input_queue import InputQueue
from duet_drums.inputs.midi_inputs import MidiInputs, MidiStatus
from duet_drums.inputs.midi_reader import TapEvent
from duet_drums.inputs.notemaps import PRESET_LABELS
from duet_drums.settings import load_settings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "devices", help="list MIDI drum kits (ports), their players and note maps",
        description="List the MIDI system in use and every MIDI input port with its player and "
                    "note map. With --monitor, print each pad hit live.")
    parser.add_argument("--monitor", action="store_true", help="print every hit as it arrives")
    parser.add_argument("--seconds", type=float, default=None,
                        help="with --monitor: stop after this many seconds (default: until Ctrl+C)")
    parser.set_defaults(func=run)


def describe(status: MidiStatus) -> list[str]:
    """The device list as text lines (also what the settings screen could show)."""
    if status.api is None:
        return [f"MIDI: none. {status.reason}"]
    lines = [f"MIDI: {status.api}"]
    if not status.ports:
        lines.append("  no MIDI input ports found (is the kit switched on and plugged in?)")
    for port in status.ports:
        player = "unassigned" if port.player is None else f"player {port.player + 1}"
        preset = PRESET_LABELS.get(port.preset, f"custom map {port.preset!r}")
        state = "connected" if port.connected else "NOT CONNECTED"
        if port.error:
            state += f" ({port.error})"
        lines.append(f"  {port.name}: {player}, {preset}, {state}")
    return lines


def _format_tap(event: TapEvent, start_ns: int) -> str:
    t = (event.stamp_ns - start_ns) / 1e9
    if event.kind == "cc":
        return f"{t:9.4f}s  {event.port}  hi-hat pedal CC{event.number} = {event.value}"
    piece = event.piece.value if event.piece is not None else "(not mapped)"
    note = "" if event.delivered or event.player is None or event.piece is None else "  (debounced/soft)"
    return f"{t:9.4f}s  {event.port}  note {event.number:3d}  {piece:<12} vel {event.value:3d}{note}"


def run(args: argparse.Namespace) -> int:
    settings, warning = load_settings()
    if warning:
        print(f"warning: {warning}")
    hits: InputQueue = queue.SimpleQueue()
    inputs = MidiInputs(settings.midi, hits)
    inputs.start()
    try:
        for line in describe(inputs.status()):
            print(line)
        if args.monitor and inputs.status().api is not None:
            _monitor(inputs, args.seconds)
    finally:
        inputs.stop()
    return 0


def _monitor(inputs: MidiInputs, seconds: float | None) -> None:
    taps = inputs.open_monitor()
    inputs.drain_events()
    start = time.perf_counter_ns()
    deadline = None if seconds is None else time.monotonic() + seconds
    print("Monitoring: hit the pads (Ctrl+C to stop).", flush=True)
    try:
        while deadline is None or time.monotonic() < deadline:
            for event in inputs.drain_events():
                who = "" if event.player is None else f" (player {event.player + 1})"
                print(f"  {event.port}{who} {event.kind}", flush=True)
            try:
                event_tap = taps.get(timeout=0.05)
            except queue.Empty:
                continue
            print(_format_tap(event_tap, start), flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        inputs.close_monitor()
