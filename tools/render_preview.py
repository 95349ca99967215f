"""Write a PNG of the play screen at a given song time, with bots playing up to it.

    python3 tools/render_preview.py [--chart assets/charts/summit-medley.json] [--time 60]
        [--size 1280x720] [--difficulty expert expert] [--layout 5-lane full-kit]
        [--out docs/screenshots/play.png]

Renders offscreen with SDL's dummy video driver, so it works without a display. The two
bots are humanised (different timing spread, one leaning late, a few skipped notes) so
the screenshot shows what a real duet looks like: hit flashes, pop-ups, greyed misses,
a sync meter off centre.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from duet_drums.app.playfield import Playfield
from duet_drums.app.theme import Theme
from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import Chart, load_chart
from duet_drums.core.kit import get_layout
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHART = ROOT / "assets" / "charts" / "summit-medley.json"


def build_session(chart: Chart, difficulties: tuple[str, str] = ("expert", "expert"),
                  layouts: tuple[str, str] = ("5-lane", "5-lane"),
                  names: tuple[str, str] = ("Player 1", "Player 2")) -> DuetSession:
    parts = list(chart.parts)
    p2_part = parts[1] if len(parts) > 1 else parts[0]
    return DuetSession(chart, [PlayerSetup(parts[0], difficulties[0], layouts[0], names[0]),
                               PlayerSetup(p2_part, difficulties[1], layouts[1], names[1])],
                       rules_for("standard"))


def play_until(session: DuetSession, field: Playfield | None, t_end: float, *, fps: float = 120.0,
               seeds: tuple[int, int] = (1, 2)) -> None:
    """Feed both bots' hits and the clock up to `t_end`, frame by frame like the game loop,
    so the Playfield sees the same events (and animations start at the same times)."""
    streams = [
        bot_hits(session.tracks[0], 0, mean_offset=-0.004, sigma=0.012, miss_rate=0.03, seed=seeds[0]),
        bot_hits(session.tracks[1], 1, mean_offset=0.008, sigma=0.016, miss_rate=0.04, seed=seeds[1]),
    ]
    pos = [0, 0]
    t = min(0.0, t_end)
    step = 1.0 / fps
    while t < t_end:
        t = min(t_end, t + step)
        events = []
        for p in (0, 1):
            hits = streams[p]
            while pos[p] < len(hits) and hits[pos[p]].t <= t:
                h = hits[pos[p]]
                pos[p] += 1
                events += session.hit(h)
                if field is not None:
                    lane = session.tracks[p].layout.lane_of(h.piece)
                    field.on_hit_input(p, lane, h.t)
        events += session.advance(t)
        if field is not None:
            field.on_events(events, t)


def render(chart_path: Path, t: float, size: tuple[int, int], out: Path,
           difficulties: tuple[str, str], layouts: tuple[str, str]) -> Path:
    pygame.init()
    chart = load_chart(chart_path)
    for name in layouts:
        get_layout(name)
    session = build_session(chart, difficulties, layouts)
    field = Playfield(size, session, Theme(), note_speed=1.0, title=chart.metadata.title,
                      player_names=("Player 1", "Player 2"))
    play_until(session, field, t)
    surface = pygame.Surface(size)
    field.draw(surface, t)
    out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(out))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chart", type=Path, default=DEFAULT_CHART)
    ap.add_argument("--time", type=float, default=60.0, help="song time in seconds")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--difficulty", nargs=2, default=["expert", "expert"])
    ap.add_argument("--layout", nargs=2, default=["5-lane", "5-lane"])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "play.png")
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    out = render(args.chart, args.time, (w, h), args.out, tuple(args.difficulty), tuple(args.layout))
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
