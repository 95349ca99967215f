"""How much the duo coach adds to the end of a song, printed as JSON.

    python3 bench/coach.py [--chart assets/charts/summit-medley.json] [--runs 15]

Two expert drummers play the medley as a simulated pair (`core.ensemble`: motor jitter,
a wandering timekeeper with phase correction, P2 following P1, a laid-back snare), once
as lead expert vs partner expert and once as lead expert vs lead expert (every note a
unison: the most the coach ever reads). Each run judges the song in a fresh session
(every hit, then `finish()`: the session's own work for the song) and then times
`coach_session(session)` on it: extraction, bootstraps, fits and messages.

Baseline, in the same run: the session's judging time, so a loaded machine shows up in
both numbers. Target: the coach adds under 20 ms (median).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from duet_drums.core.chart import Chart, load_chart
from duet_drums.core.coach import coach_session
from duet_drums.core.ensemble import Musician, simulate_pair
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.session import DuetSession, PlayerSetup

ROOT = Path(__file__).resolve().parents[1]
MEDLEY = ROOT / "assets" / "charts" / "summit-medley.json"
TARGET_MS = 20.0
PAIR = (Musician(sigma=0.008, timer_sigma=0.004, click_gain=0.3),
        Musician(sigma=0.012, timer_sigma=0.004, click_gain=0.1, partner_gain=0.4,
                 piece_offsets={Piece.SNARE: 0.012}))


def _hits(chart: Chart, setups: tuple[PlayerSetup, PlayerSetup]) -> list[Hit]:
    session = DuetSession(chart, setups)
    p1, p2 = simulate_pair(session.tracks, PAIR, session.tempo_map, seed=7)
    return sorted(p1 + p2, key=lambda h: (h.t, h.player))


def measure(chart: Chart, setups: tuple[PlayerSetup, PlayerSetup], runs: int) -> dict[str, object]:
    hits = _hits(chart, setups)
    judge_s: list[float] = []
    coach_s: list[float] = []
    messages: list[str] = []
    for _ in range(runs):
        session = DuetSession(chart, setups)
        t0 = time.perf_counter()
        for hit in hits:
            session.hit(hit)
        session.finish()
        t1 = time.perf_counter()
        report = coach_session(session)
        t2 = time.perf_counter()
        judge_s.append(t1 - t0)
        coach_s.append(t2 - t1)
        messages = [m.text for m in report.messages]
    judge_ms = 1000.0 * statistics.median(judge_s)
    coach_ms = 1000.0 * statistics.median(coach_s)
    return {
        "players": [f"{s.part}:{s.difficulty}" for s in setups],
        "hits": len(hits),
        "unisons": report.pair.unisons,
        "judge_ms_median": round(judge_ms, 2),
        "coach_ms_median": round(coach_ms, 2),
        "coach_ms_max": round(1000.0 * max(coach_s), 2),
        "coach_vs_judge": round(coach_ms / judge_ms, 3) if judge_ms else None,
        "within_target": coach_ms < TARGET_MS,
        "messages": messages,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chart", type=Path, default=MEDLEY)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    chart = load_chart(args.chart)
    cases = [
        measure(chart, (PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")), args.runs),
        measure(chart, (PlayerSetup("lead", "expert"), PlayerSetup("lead", "expert")), args.runs),
    ]
    print(json.dumps({
        "chart": args.chart.name, "runs": args.runs, "target_ms": TARGET_MS, "cases": cases,
        "ok": all(c["within_target"] for c in cases),
    }, indent=2))


if __name__ == "__main__":
    main()
