"""Two virtual kits in a process of their own: notes on a schedule, and a MIDI flood.

Run as `python -m tests.support.flood_kits CONFIG_JSON`. The kits are rtmidi JACK output
ports (as `VirtualKit`), one per player; they stand for the drum modules, so they live
outside the game's process and never take its GIL. Protocol: prints `ready` once the
ports exist; then reads one JSON line `{"origin_ns": N}`, the `perf_counter_ns` at which
song time is 0 in the game (perf_counter is CLOCK_MONOTONIC: one clock for every process
on the machine); plays; prints one JSON line with what it sent. When its stdin closes it
stops playing (if it still was), closes its ports and ends.

Each kit sends note `i` at song time `first_note_s + i * note_every_s`, and during the
flood windows (song seconds) a stream of other messages at `flood_per_s` per kit: clock,
active sensing, CC4 with changing values, aftertouch, pitch bend, program change,
sysexes, and junk (data bytes above 127, undefined status bytes, a lone data byte,
truncated CC and note-on, and a sysex that never ends, which the next sysex closes, so
rtmidi glues what comes between onto it).

Paced by period: the loop wakes every `step_s` (1 ms) and sends what is due since the
flood began, but never more than `max_catch_up_periods` JACK periods' worth at once. A
late wake-up on a busy machine so never turns into the burst of thousands of events in
one period that JACK drops (reference/kits-and-timing.md); what a cap held back is
counted (`held_back`), not sent later.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.jack import VirtualKit

# Note `i` of a kit: a piece cycling through five lanes (kick, snare, toms; no hi-hat, so
# the flood's CC4 cannot turn a note into another piece) and a velocity that makes
# (note, velocity) unique within 5 * 127 notes, so a witness can tell which note it got.
NOTES = (36, 38, 48, 45, 43)


def note_message(i: int, channel: int = 9) -> list[int]:
    return [0x90 | channel, NOTES[i % len(NOTES)], 1 + (i // len(NOTES)) % 127]


def note_index_key(i: int) -> tuple[int, int]:
    message = note_message(i)
    return message[1], message[2]


# The junk and non-note stream, cycled. The truncated sysex (F0 7D 10 11) is closed by
# the sysex four entries later; no stray data byte follows an unfinished message, so
# nothing in the stream can read as a note even with its event boundaries gone.
FLOOD_CYCLE: tuple[tuple[int, ...], ...] = (
    (0xF8,), (0xFE,), (0xB9, 4, -1), (0xA9, 38, 20), (0xD9, 40),
    (0xF0, 0x7D, 0x01, 0x02, 0x03, 0xF7), (0xF8,), (0x99, 0xC8, 0x2C), (0xF4,), (0x42,),
    (0xB9, 4), (0x99, 38), (0xF0, 0x7D, 0x10, 0x11), (0xF8,), (0xFE,), (0xA9, 40, 30),
    (0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7), (0xE9, 0, 64), (0xC9, 5), (0xFD,),
    (0xB9, 4, -1), (0xF8,), (0xF0, 0x7D, *range(0, 120), 0xF7), (0xFE,),
)
CLOSING_SYSEX = (0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7)
KINDS = {0xF8: "clock", 0xFE: "active_sensing", 0xB0: "cc", 0xA0: "aftertouch", 0xD0: "aftertouch",
         0xF0: "sysex", 0xE0: "pitch_bend", 0xC0: "program"}


def flood_message(k: int) -> list[int]:
    entry = FLOOD_CYCLE[k % len(FLOOD_CYCLE)]
    return [(k * 7) % 128 if b == -1 else b for b in entry]  # CC4: a moving foot


def kind_of(entry: tuple[int, ...]) -> str:
    status = entry[0]
    if status == 0xF0:
        return "sysex" if entry[-1] == 0xF7 else "truncated"
    if status < 0x80 or status in (0xF4, 0xFD) or any(b >= 0x80 for b in entry[1:] if b != -1):
        return "garbage"
    expected = 1 + (1 if 0xC0 <= status < 0xE0 else 2) if status < 0xF0 else 1
    if len(entry) < expected:
        return "truncated"
    return KINDS.get(status if status >= 0xF0 else status & 0xF0, "other")


@dataclass
class KitPlan:
    client: str
    notes: int
    sent_ns: list[int] = field(default_factory=list)
    flood_sent: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    open_sysex: bool = False  # the last sysex sent had no F7


def play(config: dict[str, Any], kits: list[VirtualKit], origin_ns: int,
         stop: threading.Event) -> dict[str, Any]:
    first_ns = origin_ns + round(config["first_note_s"] * 1e9)
    every_ns = round(config["note_every_s"] * 1e9)
    windows = [(origin_ns + round(a * 1e9), origin_ns + round(b * 1e9)) for a, b in config["flood_windows"]]
    per_s = float(config["flood_per_s"])
    period_s = config["period_frames"] / config["sample_rate"]
    cap = max(1, round(per_s * period_s * config["max_catch_up_periods"]))
    step_s = config["step_s"]
    plans = [KitPlan(kit.client, config["notes"]) for kit in kits]
    end_ns = max(first_ns + every_ns * config["notes"], max((b for _, b in windows), default=0))
    held_back = 0
    most_in_one_step = 0
    wakeups = 0
    now = time.perf_counter_ns()
    while now < end_ns + every_ns and not stop.is_set():
        wakeups += 1
        # Flood: what is due since each window began (a fraction carries over).
        flood_due_total = sum(max(0, min(now, b) - a) for a, b in windows if now > a)
        due = int(flood_due_total / 1e9 * per_s)
        sent_this_step = 0
        for plan, kit in zip(plans, kits, strict=True):
            lag = due - plan.flood_sent
            if lag > cap:
                held_back += lag - cap
                plan.flood_sent += lag - cap  # skipped for good: the pace stays the pace
                lag = cap
            for _ in range(lag):
                k = plan.flood_sent
                message = flood_message(k)
                kit.send(message)
                entry = FLOOD_CYCLE[k % len(FLOOD_CYCLE)]
                kind = kind_of(entry)
                plan.kinds[kind] = plan.kinds.get(kind, 0) + 1
                if entry[0] == 0xF0:
                    plan.open_sysex = entry[-1] != 0xF7
                plan.flood_sent += 1
                sent_this_step += 1
            if plan.open_sysex and not any(a < now < b for a, b in windows):
                # A stretch of flood ends with every sysex closed: one left open would
                # keep rtmidi gluing the notes after it (a fault of its own, tested apart).
                kit.send(list(CLOSING_SYSEX))
                plan.kinds["sysex"] = plan.kinds.get("sysex", 0) + 1
                plan.open_sysex = False
            # Notes: every one that is due, each stamped just before it goes out.
            while len(plan.sent_ns) < plan.notes and first_ns + len(plan.sent_ns) * every_ns <= now:
                i = len(plan.sent_ns)
                plan.sent_ns.append(time.perf_counter_ns())
                kit.send(note_message(i))
        most_in_one_step = max(most_in_one_step, sent_this_step)
        time.sleep(step_s)
        now = time.perf_counter_ns()
    return {
        "kits": [{"client": p.client, "notes_sent_ns": p.sent_ns, "flood_sent": p.flood_sent,
                  "kinds": p.kinds} for p in plans],
        "held_back": held_back, "most_in_one_step": most_in_one_step, "cap_per_step": cap,
        "wakeups": wakeups,
    }


def main(argv: list[str]) -> int:
    config = json.loads(argv[1])
    kits = [VirtualKit(name) for name in config["clients"]]
    try:
        print("ready", flush=True)
        line = sys.stdin.readline()
        if not line:
            return 1
        origin_ns = int(json.loads(line)["origin_ns"])
        # Playing ends early when stdin closes; the ports stay until then (the game must
        # not see them vanish).
        stop = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
        print(json.dumps(play(config, kits, origin_ns, stop)), flush=True)
        stop.wait()
    finally:
        for kit in kits:
            kit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
