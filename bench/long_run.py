"""The game left running: the medley on autoplay, looped, with both kits' readers open.

    python bench/long_run.py [--minutes 30]            # real time, SDL dummy drivers
    python bench/long_run.py --stepped --loops 2       # fast: fixed steps (the CI test)

One game (one context, one window, as a player's session) plays the bundled medley with
two AI partners, then from the results screen plays it again, until `--minutes` of wall
time (or `--loops` songs) have passed. In real time it runs on the audio engine (SDL's
dummy driver) at the game's 120 FPS; `--stepped` steps song time by `--dt` per frame as
fast as it can, without a sound device. Either way the MIDI layer is the real one: two
virtual JACK kits (a process of their own, `tests/support/flood_kits.py`) are assigned to
the players and strike a pad now and then, so both reader threads and the port watcher
run all along (their hits are not the bots' to judge, so the play scene refuses them).

Printed as JSON, at the start, after each song, and after closing the game: RSS, Python's
traced memory (tracemalloc), Python and OS thread counts, open file descriptors; frame
cost (the time `App.step` took) over the first and the last 5 minutes (or songs, when
stepped); garbage-collection pauses; the largest growths by source line between the end
of the first song and the end of the last. Targets: memory grows by less than 20 MB,
frame time does not grow, no thread or file handle is left behind.

Whether frame time grew is judged against the machine's own pace in the same windows:
a shared machine is faster or slower from one quarter hour to the next, and a game
whose frames got 30 % dearer on a machine that got 30 % slower has not grown. Every
half second, between frames, a fixed piece of work (`Probe`: the drawing, numpy and
Python work a frame is made of, on objects made once) is timed; the frames' p50 and
p99 are divided by the probe's in the same window before first and last are compared.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
DRIVERS = {"SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}
for var, value in DRIVERS.items():
    os.environ.setdefault(var, value)  # before pygame is imported

import numpy as np  # noqa: E402
from tests.support.bench_env import private_game  # noqa: E402
from tests.support.children import child, talk  # noqa: E402
from tests.support.frame_loop import FrameLog, run_paced  # noqa: E402
from tests.support.jack import bench_server, jack_query  # noqa: E402

MEDLEY = "summit-medley"
WINDOW_S = 300.0  # "the first and the last 5 minutes"
PROBE_EVERY_FRAMES = 60  # half a second at 120 FPS


class Probe:
    """A fixed frame-sized piece of work, timed now and then: the machine's pace.

    Made of what a frame does (fill and blit surfaces, draw shapes, a little numpy, dict
    and list work in Python), on objects built once, so the work cannot change over the
    run; only the machine's speed (and its other load) can change its time.
    """

    def __init__(self) -> None:
        import pygame

        self._pygame = pygame
        self.surface = pygame.Surface((1280, 720))
        self.tile = pygame.Surface((64, 64))
        self.tile.fill((40, 120, 200))
        self.values = np.linspace(0.0, 1.0, 4096)
        self.table = {i: str(i) for i in range(256)}
        self.log = FrameLog()  # the probe's own starts and costs, as the frames' are kept

    def __call__(self) -> None:
        start = time.perf_counter_ns()
        draw = self._pygame.draw
        self.surface.fill((10, 10, 20))
        for i in range(120):
            self.surface.blit(self.tile, ((i * 37) % 1216, (i * 53) % 656))
            draw.rect(self.surface, (200, 80, 40), ((i * 11) % 1200, (i * 7) % 700, 40, 12))
        float(np.percentile(self.values * 1.5 + 0.25, 99))
        total = 0
        for k in range(2000):
            total += len(self.table[k & 255])
        self.log.starts_ns.append(start)
        self.log.costs_ns.append(time.perf_counter_ns() - start)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def sample(label: str, started: float) -> dict[str, Any]:
    """The process as it stands: memory, threads, file descriptors. Garbage is collected
    first, so what is counted is what is still reachable (a scene just left is garbage,
    in a cycle, until the next full collection)."""
    gc.collect()
    traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else None
    return {"at": label, "t_s": round(time.perf_counter() - started, 1), "rss_mb": round(rss_mb(), 2),
            "traced_mb": None if traced is None else round(traced, 3),
            "threads": threading.active_count(), "os_threads": len(os.listdir("/proc/self/task")),
            "fds": len(os.listdir("/proc/self/fd")),
            "thread_names": sorted(t.name for t in threading.enumerate())}


class GcPauses:
    """Every collection's duration, by generation (a full one stops every thread), and
    apart those made while a song played (the game's collector holds the heap frozen
    then: see app/collector.py) from those between songs (its own, and this bench's)."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.in_song: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.during_song: Any = lambda: False
        self._start = 0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter_ns()
        else:
            ms = (time.perf_counter_ns() - self._start) / 1e6
            self.pauses[info["generation"]].append(ms)
            if self.during_song():
                self.in_song[info["generation"]].append(ms)

    def summary(self) -> dict[str, Any]:
        def stats(pauses: dict[int, list[float]]) -> dict[str, Any]:
            return {f"gen{g}": {"count": len(p), "max_ms": round(max(p), 2) if p else 0.0,
                                "total_ms": round(sum(p), 1)} for g, p in pauses.items()}
        return {**stats(self.pauses), "during_songs": stats(self.in_song)}


def dist(values: np.ndarray) -> dict[str, float]:
    if values.size == 0:
        return {"n": 0}
    return {"n": int(values.size), "p50": round(float(np.percentile(values, 50)), 3),
            "p99": round(float(np.percentile(values, 99)), 3), "mean": round(float(values.mean()), 3),
            "max": round(float(values.max()), 3)}


def run(minutes: float, loops: int | None, stepped: bool, dt: float, trace: bool,
        song: str = MEDLEY, audio: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, bench_server() as jack:
        private_game(Path(tmp))
        clients = [f"long-kit-a-{os.getpid()}", f"long-kit-b-{os.getpid()}"]
        ports = [f"{c}:out" for c in clients]
        hours = 24 * 3600
        config = {"clients": clients, "first_note_s": 0.5, "note_every_s": 1.0, "notes": hours,
                  "flood_windows": [], "flood_per_s": 0, "period_frames": jack_query("jack_bufsize") or 256,
                  "sample_rate": jack_query("jack_samplerate") or 48000, "max_catch_up_periods": 2,
                  "step_s": 0.01}
        with child(["tests.support.flood_kits", json.dumps(config)]) as kits:
            assert kits.stdin is not None
            kits.stdin.write(json.dumps({"origin_ns": time.perf_counter_ns()}) + "\n")
            kits.stdin.flush()
            result = _session(ports, minutes, loops, stepped, dt, trace, song, audio)
            kits.stdin.close()  # they stop striking, report and close their ports
            sent = talk(kits, None)
        result["kit_notes_sent"] = [len(k["notes_sent_ns"]) for k in sent["kits"]]
        result["jack"] = jack
        return result


def _session(ports: list[str], minutes: float, loops: int | None, stepped: bool, dt: float,
             trace: bool, song: str, audio: bool) -> dict[str, Any]:
    from duet_drums.app.context import AppContext
    from duet_drums.app.main import App
    from duet_drums.app.play_setup import PlayerChoice, PlaySetup
    from duet_drums.app.routes import Play
    from duet_drums.app.scenes.play import PlayScene
    from duet_drums.audio.engine import AudioEngine
    from duet_drums.inputs.midi_inputs import MidiInputs
    from duet_drums.settings import Settings, save_settings

    settings = Settings()
    settings.midi.assignments = {ports[0]: 0, ports[1]: 1}
    save_settings(settings)
    pauses = GcPauses()
    gc.callbacks.append(pauses)
    started = time.perf_counter()
    if trace:
        tracemalloc.start(1)
    samples = [sample("before the game", started)]
    ctx = AppContext.load(stepped=stepped, audio_enabled=audio and not stepped, midi_enabled=True)
    app = App(ctx)
    pauses.during_song = lambda: app.collector.frozen
    log = FrameLog()
    probe = Probe()

    def on_frame(_start: int) -> None:
        if len(log.costs_ns) % PROBE_EVERY_FRAMES == 0:
            probe()

    songs: list[dict[str, Any]] = []
    snapshots: list[tracemalloc.Snapshot] = []
    midi_counts: dict[str, Any] = {}
    try:
        midi = ctx.midi()
        assert isinstance(midi, MidiInputs)
        if sorted(midi.readers()) != sorted(ports):
            raise RuntimeError(f"the kits were not opened: {midi.status()}")
        entry = ctx.catalog.find(song)
        assert entry is not None
        setup = PlaySetup(entry, (PlayerChoice("Bot 1", "lead", "expert", "ai"),
                                  PlayerChoice("Bot 2", "partner", "expert", "ai")))
        samples.append(sample("game open, kits read", started))
        deadline = started + minutes * 60
        while len(songs) < loops if loops is not None else time.perf_counter() < deadline:
            if app.stack:
                app.nav.replace(Play(setup))  # the results screen -> the song again
            else:
                app.nav.push(Play(setup))
            play = app.scene
            assert isinstance(play, PlayScene)
            t0 = time.perf_counter()
            first = len(log.costs_ns)
            if stepped:
                _stepped(app, dt, lambda play=play: play.result is not None, log, on_frame)
            else:
                run_paced(app, ctx.fps or 120, lambda play=play: play.result is not None, log, on_frame)
            app.step(dt)  # the results screen, drawn once
            result = play.result
            assert result is not None
            songs.append({"song": len(songs) + 1, "wall_s": round(time.perf_counter() - t0, 1),
                          "frames": len(log.costs_ns) - first,
                          "accuracy": [round(p.accuracy, 2) for p in result.players]})
            samples.append(sample(f"after song {len(songs)}", started))
            if trace and len(snapshots) < 2:
                snapshots.append(tracemalloc.take_snapshot())
            elif trace:
                snapshots[1] = tracemalloc.take_snapshot()
        midi_counts = {port: {k: getattr(r, k) for k in ("messages", "hits", "errors")}
                       for port, r in midi.readers().items()}
        engine = ctx.audio()
        wanted = ("recent_callback", "underruns", "callback_")
        audio_stats = None if not isinstance(engine, AudioEngine) else {
            k: v for k, v in engine.stats().items() if k.startswith(wanted)}
    finally:
        app.close()
        ctx.close()
    samples.append(sample("after closing the game", started))
    gc.callbacks.remove(pauses)
    return _report(samples, songs, log, probe, snapshots, pauses, midi_counts, audio_stats, stepped, dt,
                   started)


def _stepped(app: Any, dt: float, until: Any, log: FrameLog, on_frame: Any) -> None:
    while app.running and not until():
        start = time.perf_counter_ns()
        app.step(dt)
        log.starts_ns.append(start)
        log.costs_ns.append(time.perf_counter_ns() - start)
        on_frame(start)


def _report(samples: list[dict[str, Any]], songs: list[dict[str, Any]], log: FrameLog, probe: Probe,
            snapshots: list[tracemalloc.Snapshot], pauses: GcPauses, midi: dict[str, Any],
            audio: dict[str, Any] | None, stepped: bool, dt: float, started: float) -> dict[str, Any]:
    starts = np.asarray(log.starts_ns, dtype=np.float64) / 1e9 - started
    costs = np.asarray(log.costs_ns, dtype=np.float64) / 1e6
    if stepped or starts.size == 0 or starts[-1] - starts[0] < 3 * WINDOW_S:
        # Short runs: the first song against the last.
        edges = np.cumsum([0] + [s["frames"] for s in songs])
        first, last = costs[edges[0]:edges[1]], costs[edges[-2]:edges[-1]]
        first_ns = (log.starts_ns[edges[0]], log.starts_ns[edges[1] - 1])
        last_ns = (log.starts_ns[edges[-2]], log.starts_ns[edges[-1] - 1])
        windows = "first and last song"
    else:
        first = costs[starts <= starts[0] + WINDOW_S]
        last = costs[starts >= starts[-1] - WINDOW_S]
        first_ns = (log.starts_ns[0], log.starts_ns[0] + round(WINDOW_S * 1e9))
        last_ns = (log.starts_ns[-1] - round(WINDOW_S * 1e9), log.starts_ns[-1])
        windows = "first and last 5 minutes"
    probe_first = probe.log.costs_ms(lambda s: first_ns[0] <= s <= first_ns[1])
    probe_last = probe.log.costs_ms(lambda s: last_ns[0] <= s <= last_ns[1])
    relative = _relative(first, last, probe_first, probe_last)
    after_first = samples[2]
    end = samples[-2]
    growth = []
    if len(snapshots) == 2:
        for stat in snapshots[1].compare_to(snapshots[0], "lineno")[:8]:
            frame = stat.traceback[0]
            growth.append({"where": f"{frame.filename}:{frame.lineno}", "kb": round(stat.size_diff / 1024, 1),
                           "count": stat.count_diff})
    frames = {"windows": windows, "first": dist(first), "last": dist(last),
              "probe_first": dist(probe_first), "probe_last": dist(probe_last),
              "relative_to_probe": relative}
    rss_growth = end["rss_mb"] - after_first["rss_mb"]
    traced_growth = None if end["traced_mb"] is None else end["traced_mb"] - after_first["traced_mb"]
    return {
        "mode": f"stepped, dt {dt:.4f} s" if stepped else "real time, SDL dummy drivers",
        "wall_minutes": round((time.perf_counter() - started) / 60, 2), "songs": songs,
        "samples": samples,
        "memory_growth_mb": {"rss_after_first_song_to_end": round(rss_growth, 2),
                             "traced_after_first_song_to_end": None if traced_growth is None
                             else round(traced_growth, 3),
                             "rss_start_to_end": round(end["rss_mb"] - samples[1]["rss_mb"], 2)},
        "largest_growth_by_line": growth,
        "frame_ms": frames,
        "gc_pauses": pauses.summary(),
        "midi_readers": midi, "audio": audio,
        "threads": {"start": samples[1]["threads"], "after_first_song": after_first["threads"],
                    "end": end["threads"], "after_close": samples[-1]["threads"],
                    "os_start": samples[1]["os_threads"], "os_end": end["os_threads"]},
        "fds": {"start": samples[1]["fds"], "after_first_song": after_first["fds"], "end": end["fds"],
                "after_close": samples[-1]["fds"]},
        "targets": {
            "memory_grows_less_than_20_mb": rss_growth < 20,
            "frame_time_does_not_grow": relative is not None
            and relative["p50_growth"] <= 1.2 and relative["p99_growth"] <= 1.5,
            "no_thread_leak": end["threads"] == after_first["threads"]
            and end["os_threads"] == after_first["os_threads"],
            "no_fd_leak": end["fds"] == after_first["fds"],
        },
    }


def _relative(first: np.ndarray, last: np.ndarray, probe_first: np.ndarray,
              probe_last: np.ndarray) -> dict[str, float] | None:
    """Frame p50 and p99 over the probe's in each window, and how much each grew (last
    over first): growth the machine's pace does not explain."""
    if min(first.size, last.size, probe_first.size, probe_last.size) == 0:
        return None
    out: dict[str, float] = {}
    for q in (50, 99):
        a = float(np.percentile(first, q) / np.percentile(probe_first, q))
        b = float(np.percentile(last, q) / np.percentile(probe_last, q))
        out[f"p{q}_first"] = round(a, 3)
        out[f"p{q}_last"] = round(b, 3)
        out[f"p{q}_growth"] = round(b / a, 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0, help="wall time to play for (real time)")
    parser.add_argument("--loops", type=int, default=None, help="songs to play instead of --minutes")
    parser.add_argument("--stepped", action="store_true", help="fixed steps, as fast as it goes, no sound")
    parser.add_argument("--dt", type=float, default=1 / 60, help="song seconds per frame when stepped")
    parser.add_argument("--song", default=MEDLEY, help="bundled chart id to loop (default the medley)")
    parser.add_argument("--no-audio", action="store_true", help="the wall clock, no audio engine")
    parser.add_argument("--no-tracemalloc", action="store_true", help="RSS only (tracemalloc slows Python)")
    args = parser.parse_args()
    result = run(args.minutes, args.loops, args.stepped, args.dt, not args.no_tracemalloc, args.song,
                 not args.no_audio)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
