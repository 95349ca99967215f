"""A MIDI flood through JACK into the real game, judged against a reference listener.

    python bench/midi_flood.py [--flood-s 30] [--quiet-s 20] [--blocks 1] [--rate 20000]

Two virtual kits (`tests/support/flood_kits.py`, a process of their own, standing for
the drum modules) each send a note every 10 ms for their player, and during the flood
windows `--rate` other messages per second between them (clock, active sensing, CC4,
aftertouch, sysex, garbage bytes, truncated messages), paced by JACK period. The game is
the real one in real time: the play scene on the wall-clock transport (the game's own
transport when there is no sound device; judging does not depend on it), the game's own
`MidiInputs` reader threads, frames run by the game's steps at 120 FPS. A reference
listener (`tests/support/jack_listener.py`, a plain libjack client in its own process)
is connected to the same kit outputs and records what JACK really delivered.

Judged in the same run: every note the listener received must be judged (not missed,
and no hit the listener did not hear), and the game's frame time p99 while flooded must
be at most twice its p99 in the quiet stretches of the same run (`--blocks` alternates
quiet and flooded stretches, so a change in the machine's other load hits both alike).
Prints JSON. Uses the JACK server JACK_DEFAULT_SERVER names if one runs, else starts a
private one; the user folders are temporary.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.bench_env import private_game  # noqa: E402
from tests.support.children import child, talk  # noqa: E402
from tests.support.flood_kits import NOTES, note_index_key  # noqa: E402
from tests.support.frame_loop import run_paced, start_song  # noqa: E402
from tests.support.jack import bench_server, jack_query  # noqa: E402

NOTE_EVERY_S = 0.010
PIECES = {36: "kick", 38: "snare", 48: "tom1", 45: "tom2", 43: "tom3"}
NOTE_OF = {piece: note for note, piece in PIECES.items()}
MISS = 3  # index of Miss in core.rules.JUDGEMENT_ORDER
JUDGEMENTS = ("perfect", "great", "good", "miss")


def schedule(flood_s: float, quiet_s: float, blocks: int) -> tuple[list[tuple[float, float]], float]:
    """Flood windows (song seconds) and the song length: quiet and flooded stretches
    alternating, starting and ending quiet."""
    quiet = quiet_s / (blocks + 1)
    flood = flood_s / blocks
    windows = []
    t = quiet
    for _ in range(blocks):
        windows.append((t, t + flood))
        t += flood + quiet
    return windows, t


def write_chart(folder: Path, notes: int) -> Path:
    """A note every 10 ms for both players (125 BPM at 480 ticks per beat: 1 ms a tick),
    the pieces cycling through the five lanes as the kits' notes do."""
    ticks = [{"tick": round(i * NOTE_EVERY_S * 1000), "piece": PIECES[NOTES[i % len(NOTES)]]}
             for i in range(notes)]
    part = {d: ticks for d in ("easy", "medium", "hard", "expert")}
    data = {"format": 1, "metadata": {"title": "Flood", "artist": "bench", "resolution": 480},
            "tempo": [{"tick": 0, "bpm": 125.0}], "time_signatures": [{"tick": 0, "num": 4, "den": 4}],
            "sections": [{"tick": 0, "name": "Flood"}], "parts": {"lead": part, "partner": part}}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "flood.json"
    path.write_text(json.dumps(data))
    return path


def dist(values: Any) -> dict[str, float]:
    a = np.asarray(values, dtype=np.float64)
    if a.size == 0:
        return {"n": 0}
    return {"n": int(a.size), "p50": round(float(np.percentile(a, 50)), 3),
            "p99": round(float(np.percentile(a, 99)), 3), "max": round(float(a.max()), 3),
            "min": round(float(a.min()), 3)}


# How far ahead a received note is looked for among those sent: far less than the 635
# notes after which a kit's (note, velocity) id comes round again.
HORIZON = 200


def sent_indices(received: list[tuple[int, int]], sent: int) -> tuple[list[int], int, int]:
    """Which sent note (index) each received (note, velocity) was: the next one sent with
    that id, within HORIZON notes. Also how many received were a repeat of a note already
    matched (JACK can hand a client it left behind a cycle twice), and how many match no
    note sent near there (invented). One stray never throws the rest off."""
    out: list[int] = []
    matched: set[int] = set()
    repeats = strangers = 0
    i = 0
    for key in received:
        j = next((j for j in range(i, min(sent, i + HORIZON)) if note_index_key(j) == key), None)
        if j is not None:
            out.append(j)
            matched.add(j)
            i = j + 1
        elif any(note_index_key(k) == key for k in range(max(0, i - HORIZON), i) if k in matched):
            repeats += 1
        else:
            strangers += 1
    return out, repeats, strangers


def clients_reading(ports: list[str]) -> dict[str, list[str]]:
    """The JACK clients connected to each port (`jack_lsp -c`): which of the game's
    clients reads which kit, to match jackd's xrun notices (they name clients)."""
    proc = subprocess.run(["jack_lsp", "-c"], capture_output=True, text=True, check=False, timeout=10)
    readers: dict[str, list[str]] = {port: [] for port in ports}
    current = None
    for line in proc.stdout.splitlines():
        if not line.startswith((" ", "\t")):
            current = line.strip()
        elif current in readers:
            readers[current].append(line.strip().split(":")[0])
    return readers


def judge_player(p: int, play: Any, heard: dict[str, Any], sent_ns: list[int],
                 origin_ns: int) -> dict[str, Any]:
    from duet_drums.app.scenes.play import PlayScene

    assert isinstance(play, PlayScene)
    track = play.session.tracks[p]
    idx, heard_twice, strangers = sent_indices([(n, v) for _, n, v in heard["notes"]], len(sent_ns))
    judged = track.judgement[idx] if idx else np.zeros(0, dtype=np.int8)
    lost = [i for i, j in zip(idx, judged.tolist(), strict=True) if j < 0 or j == MISS]
    heard_set = set(idx)
    judged_unheard = [i for i, j in enumerate(track.judgement.tolist()) if j >= 0 and j != MISS
                      and i not in heard_set]
    kit_hits = [h for h in play.session.hits if h.player == p and h.source == "midi"]
    # Every hit the game took must be a note a kit sent (the listener, a Python client in
    # JACK's realtime thread, itself misses an event now and then in an xrun).
    _, taken_twice, invented = sent_indices([(NOTE_OF[h.piece.value], h.velocity or 0) for h in kit_hits],
                                            len(sent_ns))
    ok = [i for i in idx if track.judgement[i] >= 0 and track.judgement[i] != MISS]
    counts = {name: int(np.sum(judged == k)) for k, name in enumerate(JUDGEMENTS)}
    # The game's part of each error: the song time the game gave the hit minus the song
    # time the kit sent the note at (JACK's period wait included).
    sent_song = np.array([(sent_ns[i] - origin_ns) / 1e9 for i in ok])
    game_minus_send = (track.hit_times[ok] - sent_song) * 1000 if ok else []
    if os.environ.get("FLOOD_DETAIL"):
        Path(os.environ["FLOOD_DETAIL"] + f".p{p}.json").write_text(json.dumps({
            "idx": idx, "judgement": track.judgement.tolist(), "errors": track.errors.tolist(),
            "hit_times": track.hit_times.tolist(), "sent_song": [(s - origin_ns) / 1e9 for s in sent_ns],
            "heard": heard["notes"]}))
    return {
        "notes_sent": len(sent_ns), "heard_by_listener": len(idx), "listener_strangers": strangers,
        "listener_repeats": heard_twice,
        "judged_of_heard": len(ok), "lost_of_heard": len(lost), "lost_examples": lost[:10],
        "lost_sent_ns": [sent_ns[i] for i in lost],
        "judged_not_heard": len(judged_unheard), "kit_hits": len(kit_hits), "hits_not_sent": invented,
        "hits_repeated": taken_twice,
        "judgements_of_heard": counts,
        "error_ms": dist(track.errors[ok] * 1000 if ok else []),
        "game_minus_send_ms": dist(game_minus_send),
    }


def run(flood_s: float, quiet_s: float, blocks: int, rate: float, fps: float) -> dict[str, Any]:
    windows, song_s = schedule(flood_s, quiet_s, blocks)
    notes = int(song_s / NOTE_EVERY_S)
    with tempfile.TemporaryDirectory() as tmp, bench_server() as jack:
        private_game(Path(tmp))
        period = jack_query("jack_bufsize") or 256
        sample_rate = jack_query("jack_samplerate") or 48000
        clients = [f"flood-kit-a-{os.getpid()}", f"flood-kit-b-{os.getpid()}"]
        ports = [f"{c}:out" for c in clients]
        config = {"clients": clients, "first_note_s": 0.0, "note_every_s": NOTE_EVERY_S, "notes": notes,
                  "flood_windows": windows, "flood_per_s": rate / 2, "period_frames": period,
                  "sample_rate": sample_rate, "max_catch_up_periods": 2, "step_s": 0.001}
        chart = write_chart(Path(tmp) / "charts", notes)
        with child(["tests.support.flood_kits", json.dumps(config)]) as kits, \
                child(["tests.support.jack_listener", *ports]) as listener:
            return {"jack": {**jack, "period_frames": period, "sample_rate": sample_rate},
                    **_play(chart, ports, kits, listener, windows, notes, rate, fps)}


def _play(chart: Path, ports: list[str], kits: subprocess.Popen[str], listener: subprocess.Popen[str],
          windows: list[tuple[float, float]], notes: int, rate: float, fps: float) -> dict[str, Any]:
    from duet_drums.inputs.midi_inputs import MidiInputs
    from duet_drums.settings import Settings, save_settings

    settings = Settings()
    settings.midi.assignments = {ports[0]: 0, ports[1]: 1}
    settings.midi.presets = {ports[0]: "gm", ports[1]: "gm"}
    save_settings(settings)
    ctx, app, play = start_song(chart, ("midi", "midi"), audio=False, midi=True)
    try:
        midi = ctx.midi()
        assert isinstance(midi, MidiInputs)
        if sorted(midi.readers()) != sorted(ports):
            raise RuntimeError(f"the kits were not opened: {midi.status()}")
        readers_of = clients_reading(ports)
        now = time.perf_counter_ns()
        origin_ns = now - round(play.transport.song_time_at(now) * 1e9)
        assert kits.stdin is not None
        kits.stdin.write(json.dumps({"origin_ns": origin_ns}) + "\n")
        kits.stdin.flush()
        log = run_paced(app, fps, until=lambda: play.result is not None)
        sent = talk(kits, None)
        heard = talk(listener, "stop")
        counters = ("messages", "hits", "debounced", "errors", "merged", "stale")
        readers = {port: {k: getattr(r, k) for k in counters} for port, r in midi.readers().items()}
        players = [judge_player(p, play, heard["ports"][p], sent["kits"][p]["notes_sent_ns"], origin_ns)
                   for p in (0, 1)]
    finally:
        app.close()
        ctx.close()
    last_note = (notes - 1) * NOTE_EVERY_S

    def song_s(start_ns: int) -> float:
        return (start_ns - origin_ns) / 1e9

    def flooded(start_ns: int) -> bool:
        return any(a <= song_s(start_ns) < b for a, b in windows)

    def playing(start_ns: int) -> bool:
        return 0.0 <= song_s(start_ns) <= last_note

    on = log.costs_ms(lambda s: playing(s) and flooded(s))
    off = log.costs_ms(lambda s: playing(s) and not flooded(s))
    flood_s = sum(b - a for a, b in windows)
    delivered = [p["events"] - len(p["notes"]) for p in heard["ports"]]
    kinds: dict[str, int] = {}
    for kit in sent["kits"]:
        for kind, count in kit["kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + count
    frames_on, frames_off = dist(on), dist(off)
    ratio = None
    if frames_on.get("n") and frames_off.get("n"):
        ratio = round(frames_on["p99"] / frames_off["p99"], 3)
    return {
        "clients": {"kits": {port: port.split(":")[0] for port in ports},
                    "readers": {port: [c for c in cs if c != "duet-reference"]
                                for port, cs in readers_of.items()}},
        "flood": {"windows_song_s": windows, "seconds": round(flood_s, 3), "rate_asked_per_s": rate,
                  "sent": sum(k["flood_sent"] for k in sent["kits"]), "kinds": kinds,
                  "delivered_per_s": round(sum(delivered) / flood_s, 1) if flood_s else 0.0,
                  "held_back_by_pacing": sent["held_back"], "most_in_one_step": sent["most_in_one_step"]},
        "listener": {"xruns": heard["xruns"], "events": [p["events"] for p in heard["ports"]],
                     "by_status": [p["by_status"] for p in heard["ports"]]},
        "players": players,
        "readers": readers,
        "frames_ms": {"quiet": frames_off, "flooded": frames_on, "p99_ratio": ratio},
        "every_heard_note_judged": all(p["lost_of_heard"] == 0 for p in players),
        "no_invented_hits": all(p["hits_not_sent"] == 0
                                and p["kit_hits"] - p["hits_repeated"] <= p["notes_sent"] for p in players),
        "p99_at_most_doubled": ratio is not None and ratio <= 2.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flood-s", type=float, default=30.0, help="seconds of flood in all")
    parser.add_argument("--quiet-s", type=float, default=20.0, help="seconds without flood in all")
    parser.add_argument("--blocks", type=int, default=1, help="flooded stretches (quiet ones between)")
    parser.add_argument("--rate", type=float, default=20000.0, help="flood messages per second, both kits")
    parser.add_argument("--fps", type=float, default=120.0)
    args = parser.parse_args()
    print(json.dumps(run(args.flood_s, args.quiet_s, args.blocks, args.rate, args.fps), indent=1))


if __name__ == "__main__":
    main()
