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

`finish`: the same, as the game runs it at the end of a song. Two named keyboard players
(so the pair history is written too) finish the medley through `RunRecords.finish` on a
score database in a temporary folder; its median is set against `save_run` alone (the
score and replay saving that finish did before the coach), alternating the two, and the
coach's own part (`coach_run` + the history insert) is timed inside the same runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from duet_drums.app.catalog import resolve
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.run_records import RunRecords, coach_run, save_run
from duet_drums.core.chart import Chart, load_chart
from duet_drums.core.coach import coach_session
from duet_drums.core.ensemble import Musician, simulate_pair
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.settings import Calibration
from duet_drums.storage.scores import ScoreDB

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


def measure_finish(chart_path: Path, runs: int) -> dict[str, object]:
    """The end of a song in the game: RunRecords.finish vs saving alone (two experts)."""
    entry = resolve(str(chart_path))
    players = (PlayerChoice("Ann", "lead", "expert"), PlayerChoice("Ben", "partner", "expert"))
    setup = PlaySetup(entry, players)
    setups = (PlayerSetup("lead", "expert", name="Ann"), PlayerSetup("partner", "expert", name="Ben"))
    hits = _hits(entry.chart, setups)
    finish_s: list[float] = []
    save_s: list[float] = []
    coach_s: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        scores = ScoreDB(Path(tmp) / "scores.sqlite3")
        records = RunRecords(scores)
        history = records.history()
        try:
            for _ in range(runs):
                session = DuetSession(entry.chart, setups)
                for hit in hits:
                    session.hit(hit)
                result = session.finish()
                t0 = time.perf_counter()
                save_run(scores, setup, session, result, Calibration(), "2025-01-01T00:00:00")
                t1 = time.perf_counter()
                records.finish(setup, session, result, Calibration())
                t2 = time.perf_counter()
                report, _ = coach_run(session)
                history.record(("Ann", "Ben"), entry.id, report)
                t3 = time.perf_counter()
                save_s.append(t1 - t0)
                finish_s.append(t2 - t1)
                coach_s.append(t3 - t2)
            songs = len(history.progress("Ann", "Ben"))
        finally:
            records.close()
            scores.close()
    save_ms, finish_ms = 1000.0 * statistics.median(save_s), 1000.0 * statistics.median(finish_s)
    coach_ms = 1000.0 * statistics.median(coach_s)
    return {
        "players": ["lead:expert", "partner:expert"],
        "save_only_ms_median": round(save_ms, 2),
        "finish_ms_median": round(finish_ms, 2),
        "finish_minus_save_ms": round(finish_ms - save_ms, 2),
        "coach_and_history_ms_median": round(coach_ms, 2),
        "history_songs_written": songs,
        "within_target": coach_ms < TARGET_MS,
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
    finish = measure_finish(args.chart, args.runs)
    print(json.dumps({
        "chart": args.chart.name, "runs": args.runs, "target_ms": TARGET_MS, "cases": cases,
        "finish": finish, "ok": all(c["within_target"] for c in [*cases, finish]),
    }, indent=2))


if __name__ == "__main__":
    main()
