"""Frame time of the play screen on the densest 10 s of a chart, printed as JSON.

    SDL_VIDEODRIVER=dummy python3 bench/render.py [--chart assets/charts/summit-medley.json]
        [--frames 600] [--sizes 1280x720 1920x1080]

Both players on expert with humanised bots; the 10 s window with the most notes (both
players together) is found with numpy, the session is played up to its start, then
every frame of the window at 60 FPS is timed: feed that frame's bot hits and clock to
the engine (not timed), hand the events to the Playfield and draw onto an offscreen
Surface (timed). Each size is run `--repeats` times with a fresh session and the
per-frame minimum is reported (the first run's raw numbers too), since a shared machine's
scheduler adds spikes that are not the renderer's. The baseline, in the same run and on
the same surface size, is what any frame costs at minimum: fill the surface and blit one
full-screen layer. Reported: p50/p99/max in ms and the ratio to the baseline's p50.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np
import pygame

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from duet_drums.app.playfield import Playfield  # noqa: E402
from duet_drums.app.theme import Theme  # noqa: E402
from duet_drums.core.autoplay import bot_hits  # noqa: E402
from duet_drums.core.chart import load_chart  # noqa: E402
from duet_drums.core.session import DuetSession  # noqa: E402
from render_preview import build_session  # noqa: E402

WINDOW_S = 10.0
FPS = 60.0


def densest_window(session: DuetSession, length: float = WINDOW_S) -> tuple[float, int]:
    """Start time of the `length`-second window holding the most notes of both players."""
    times = np.sort(np.concatenate([tr.times for tr in session.tracks]))
    ends = np.searchsorted(times, times + length, side="left")
    counts = ends - np.arange(len(times))
    i = int(np.argmax(counts))
    return float(times[i]), int(counts[i])


def stats(samples: list[float]) -> dict[str, float]:
    arr = np.asarray(samples) * 1000.0
    return {"p50_ms": round(float(np.percentile(arr, 50)), 3),
            "p99_ms": round(float(np.percentile(arr, 99)), 3),
            "max_ms": round(float(arr.max()), 3)}


def run_window(chart_path: Path, size: tuple[int, int]) -> tuple[list[float], float, int, float]:
    """One fresh session played through the densest window; per-frame draw times."""
    chart = load_chart(chart_path)
    session = build_session(chart)
    start, notes = densest_window(session)
    field = Playfield(size, session, Theme(), title=chart.metadata.title,
                      player_names=("Player 1", "Player 2"))
    streams = [bot_hits(session.tracks[0], 0, mean_offset=-0.004, sigma=0.012, miss_rate=0.03, seed=1),
               bot_hits(session.tracks[1], 1, mean_offset=0.008, sigma=0.016, miss_rate=0.04, seed=2)]
    pos = [0, 0]
    surface = pygame.Surface(size)

    def feed(t: float) -> None:
        events = []
        for p in (0, 1):
            while pos[p] < len(streams[p]) and streams[p][pos[p]].t <= t:
                h = streams[p][pos[p]]
                pos[p] += 1
                events += session.hit(h)
                field.on_hit_input(p, session.tracks[p].layout.lane_of(h.piece), h.t)
        events += session.advance(t)
        field.on_events(events, t)

    feed(start - 0.5)
    field.draw(surface, start - 0.5)  # bakes the static layer once, as the first frame would
    frames = int(WINDOW_S * FPS)
    samples: list[float] = []
    drawn_notes = 0
    for k in range(frames):
        t = start + k / FPS
        feed(t)
        t0 = time.perf_counter()
        field.draw(surface, t)
        samples.append(time.perf_counter() - t0)
        drawn_notes += sum(len(range(*layer.visible_range(t))) for layer in field.notes)
    return samples, start, notes, drawn_notes / frames


def bench_size(chart_path: Path, size: tuple[int, int], repeats: int) -> dict[str, object]:
    runs = [run_window(chart_path, size) for _ in range(repeats)]
    samples, start, notes, in_view = runs[0]
    best = np.min(np.asarray([r[0] for r in runs]), axis=0).tolist()
    frames = len(samples)
    surface = pygame.Surface(size)
    # baseline: the least a frame can cost at this size (clear + one full-screen layer)
    layer = pygame.Surface(size, 0, surface)
    layer.fill((20, 20, 30))
    base_runs = []
    for _ in range(repeats):
        base: list[float] = []
        for _ in range(frames):
            t0 = time.perf_counter()
            surface.fill((0, 0, 0))
            surface.blit(layer, (0, 0))
            base.append(time.perf_counter() - t0)
        base_runs.append(base)
    base_best = np.min(np.asarray(base_runs), axis=0).tolist()
    play, baseline = stats(best), stats(base_best)
    return {
        "size": f"{size[0]}x{size[1]}",
        "window_start_s": round(start, 3),
        "notes_in_window": notes,
        "frames": frames,
        "mean_notes_in_view": round(in_view, 1),
        "repeats": repeats,
        "play_screen": play,
        "baseline_fill_blit": baseline,
        "play_screen_first_run_raw": stats(samples),
        "baseline_first_run_raw": stats(base_runs[0]),
        "ratio_p50": round(play["p50_ms"] / max(1e-9, baseline["p50_ms"]), 2),
        "ratio_p99": round(play["p99_ms"] / max(1e-9, baseline["p99_ms"]), 2),
        "target_p99_ms": 4.0 if size == (1280, 720) else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chart", type=Path, default=ROOT / "assets" / "charts" / "summit-medley.json")
    ap.add_argument("--sizes", nargs="+", default=["1280x720", "1920x1080"])
    ap.add_argument("--repeats", type=int, default=3,
                    help="runs per size; per-frame minimum across runs filters scheduler noise")
    args = ap.parse_args(argv)
    pygame.init()
    results = []
    for spec in args.sizes:
        w, h = (int(v) for v in spec.lower().split("x"))
        results.append(bench_size(args.chart, (w, h), max(1, args.repeats)))
    print(json.dumps({"bench": "render", "chart": args.chart.name, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
