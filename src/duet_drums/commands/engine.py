"""`duet-drums simulate` and `rescore`: the duet engine without a window.

`simulate` plays a chart with two autoplay bots (humanised by an offset and a spread in
milliseconds) and prints the Result as JSON — handy to tune charts and windows, and to
make replays for tests. `rescore` re-runs a saved replay against its chart.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from duet_drums.app.catalog import resolve, scan
from duet_drums.commands.args import load_chart_or_report, part_difficulty
from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import Chart, ChartError, chart_id
from duet_drums.core.kit import LAYOUTS
from duet_drums.core.replay import Replay, ReplayError, load_replay, replay_from_session, rescore, save_replay
from duet_drums.core.result import Result
from duet_drums.core.rules import STRICTNESS_NAMES, rules_for
from duet_drums.core.session import DuetSession, PlayerSetup


def _print_result(result: Result) -> None:
    print(json.dumps(result.model_dump(mode="json"), indent=2))


def _cmd_simulate(args: argparse.Namespace) -> int:
    chart = load_chart_or_report(args.chart)
    if chart is None:
        return 1
    setups = []
    for n, (part, difficulty) in enumerate((args.p1, args.p2), start=1):
        layout = getattr(args, f"p{n}_layout") or args.layout
        setups.append(PlayerSetup(part, difficulty, layout, f"P{n} bot"))
    try:
        session = DuetSession(chart, setups, rules_for(args.strictness))
    except ValueError as exc:
        print(f"{args.chart}: {exc}", file=sys.stderr)
        return 1
    streams = []
    for p in (0, 1):
        n = p + 1
        streams += bot_hits(session.tracks[p], p,
                            mean_offset=getattr(args, f"p{n}_offset") / 1000.0,
                            sigma=getattr(args, f"p{n}_sigma") / 1000.0,
                            miss_rate=getattr(args, f"p{n}_miss"),
                            seed=args.seed + p)
    streams.sort(key=lambda h: (h.t, h.player))
    for hit in streams:
        session.hit(hit)
    result = session.finish()
    if args.replay_out:
        replay = replay_from_session(session, chart_id(chart, args.chart),
                                     datetime.now(UTC).isoformat(timespec="seconds"))
        save_replay(replay, args.replay_out)
    _print_result(result)
    return 0


def replay_and_chart(replay_file: str, chart_arg: str | None) -> tuple[Replay, Chart]:
    """A saved replay and the chart it was played on: `--chart` (a chart file or a
    community song folder) when given, else the chart with the replay's id among the
    bundled charts and the player's own (the game's catalog). Raises ReplayError or
    ChartError, each naming the file."""
    replay = load_replay(replay_file)
    if chart_arg:
        return replay, resolve(chart_arg).chart
    entry = scan().find(replay.chart_id)
    if entry is None:
        raise ChartError(replay_file, [("", f"no chart with id {replay.chart_id!r} among the bundled "
                                            "charts and yours; pass --chart FILE (a chart or a song "
                                            "folder)")])
    return replay, entry.chart


def _cmd_rescore(args: argparse.Namespace) -> int:
    try:
        replay, chart = replay_and_chart(args.replay, args.chart)
        result = rescore(replay, chart, force=args.force, file=str(args.replay))
    except (ReplayError, ChartError) as exc:
        print(exc, file=sys.stderr)
        return 1
    _print_result(result)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sim = subparsers.add_parser(
        "simulate", help="play a chart with two autoplay bots and print the result as JSON",
        description="Play CHART with two humanised bots and print the Result (JSON). "
                    "Times are in milliseconds.")
    sim.add_argument("chart", metavar="CHART", help="chart JSON file")
    sim.add_argument("--p1", type=part_difficulty, default=("lead", "expert"), metavar="PART:DIFF",
                     help="player 1's part and difficulty (default lead:expert)")
    sim.add_argument("--p2", type=part_difficulty, default=("partner", "expert"), metavar="PART:DIFF",
                     help="player 2's part and difficulty (default partner:expert)")
    for n in (1, 2):
        sim.add_argument(f"--p{n}-sigma", type=float, default=0.0, metavar="MS",
                         help=f"player {n}'s timing spread (standard deviation, ms)")
        sim.add_argument(f"--p{n}-offset", type=float, default=0.0, metavar="MS",
                         help=f"player {n}'s mean timing offset (ms, negative = early)")
        sim.add_argument(f"--p{n}-miss", type=float, default=0.0, metavar="RATE",
                         help=f"share of notes player {n} skips (0..1)")
        sim.add_argument(f"--p{n}-layout", choices=list(LAYOUTS), default=None,
                         help=f"player {n}'s lane layout (default: --layout)")
    sim.add_argument("--seed", type=int, default=1, help="random seed (player 2 uses seed+1)")
    sim.add_argument("--strictness", choices=STRICTNESS_NAMES, default="standard")
    sim.add_argument("--layout", choices=list(LAYOUTS), default="5-lane")
    sim.add_argument("--replay-out", metavar="FILE", help="also save the replay (.json or .json.gz)")
    sim.set_defaults(func=_cmd_simulate)

    res = subparsers.add_parser(
        "rescore", help="re-score a saved replay and print the result as JSON",
        description="Re-run REPLAY's hit stream against its chart and print the Result (JSON).")
    res.add_argument("replay", metavar="REPLAY", help="replay file (.json or .json.gz)")
    res.add_argument("--chart", metavar="CHART",
                     help="chart file or community song folder (default: the bundled or user chart "
                          "with the replay's chart id)")
    res.add_argument("--force", action="store_true",
                     help="re-score even if the chart changed since the replay was recorded")
    res.set_defaults(func=_cmd_rescore)
