"""`duet-drums coach REPLAY [--json]`: the duo coach's report for an exported replay.

The replay re-plays through a fresh session (as `rescore` does) and the coach reads
that session, so the report is the one the results screen showed for that song. The
chart is found as `rescore` finds it: `--chart` (a chart file or a song folder), or the
bundled or user chart with the replay's chart id.
"""

from __future__ import annotations

import argparse
import json
import sys

from duet_drums.commands.engine import replay_and_chart
from duet_drums.core.chart import ChartError
from duet_drums.core.coach import coach_session
from duet_drums.core.coach_models import CoachReport, Interval, PlayerCoach, TempoWindow
from duet_drums.core.replay import ReplayError, replay_session


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x:+.1f} ms"


def _interval(x: Interval, unit: str, with_n: bool = True) -> str:
    """ms and BPM to a tenth; correlations and ratios to a hundredth."""
    if unit in ("ms", "BPM"):
        text = f"{x.value:+.1f} {unit} [{x.low:+.1f}, {x.high:+.1f}]"
    else:
        text = f"{unit} {x.value:.2f} [{x.low:.2f}, {x.high:.2f}]"
    return f"{text} n={x.n}" if with_n else text


def _drifts(windows: list[TempoWindow], significant_only: bool) -> list[str]:
    out = []
    for w in windows:
        if w.drift is None or (significant_only and not w.significant):
            continue
        out.append(f"{w.name}: {w.drift_kind} {_interval(w.drift, 'BPM')}")
    return out


def _player_lines(p: PlayerCoach) -> list[str]:
    ur = "-" if p.unstable_rate is None else f"{p.unstable_rate:.0f}"
    sd = "-" if p.sd_ms is None else f"{p.sd_ms:.1f} ms"
    lines = [f"{p.label}: mean error {_ms(p.mean_error_ms)}, SD {sd}, unstable rate {ur}"
             f" ({p.hits} of {p.notes} notes hit)"]
    for t in p.pieces:
        m = t.mean_ms
        lines.append(f"    {t.piece:<12} n={t.n:<4} mean {m.value:+.1f} ms [{m.low:+.1f}, {m.high:+.1f}]"
                     f"  SD {t.sd_ms:.1f} ms"
                     f"  early {t.early} / late {t.late}")
    drifts = _drifts(p.tempo.windows, significant_only=False)
    lines.append("    tempo vs chart: " + ("; ".join(drifts) if drifts else "steady (no drift of note)"))
    return lines


def format_report(r: CoachReport) -> str:
    pair = r.pair
    p1, p2 = (p.label for p in r.players)
    lines = [f"{r.chart_title} — duo coach ({r.strictness})", ""]
    for p in r.players:
        lines += _player_lines(p)
    lines += ["", f"Pair: sync {pair.sync_percent:.1f} % over {pair.unisons} unisons "
                  f"({pair.hit_unisons} hit by both)",
              f"  lean per pairing ({p1} − {p2}; + means {p2} ahead):"]
    for o in pair.offsets:
        if o.mean_ms is None:
            lines.append(f"    {o.label:<14} n={o.n:<4} too few to say")
            continue
        flag = f"  {o.ahead} ahead" if o.significant else ""
        lines.append(f"    {o.label:<14} n={o.n:<4} {_interval(o.mean_ms, 'ms', with_n=False)}{flag}")
    s = pair.spread
    if s.sd_ms is not None and s.mean_abs_ms is not None:
        shares = "/".join(f"{100 * (x or 0.0):.0f}" for x in (s.within_10, s.within_20, s.within_50))
        lines.append(f"  spread: SD {s.sd_ms:.1f} ms, mean |a| {s.mean_abs_ms:.1f} ms, "
                     f"within 10/20/50 ms: {shares} %")
    c = pair.coupling
    rs = ", ".join("-" if x is None else f"{x:+.2f}" for x in (c.r_lag_minus1, c.r_lag0, c.r_lag_plus1))
    threshold = "-" if c.threshold is None else f"{c.threshold:.2f}"
    lines.append(f"  who adapts: {c.text} (r at lag -1/0/+1: {rs}; threshold {threshold}, n={c.n})")
    drifts = _drifts(pair.drift.windows, significant_only=True)
    lines.append("  joint drift: " + ("; ".join(drifts) if drifts else "none"))
    lines += ["", "Coach:"]
    if not r.messages:
        lines.append("  nothing stands out: no lean, drift or leader is certain at this many unisons.")
    for i, m in enumerate(r.messages, start=1):
        lines.append(f"  {i}. {m.text}")
        lines.append(f"     ({m.statistic}: {_interval(m.estimate, m.unit)}; "
                     f"worth ~{m.recovers_percent:.1f} sync points)")
    return "\n".join(lines)


def _cmd_coach(args: argparse.Namespace) -> int:
    try:
        replay, chart = replay_and_chart(args.replay, args.chart)
        session = replay_session(replay, chart, force=args.force, file=str(args.replay))
    except (ReplayError, ChartError) as exc:
        print(exc, file=sys.stderr)
        return 1
    report = coach_session(session)
    if args.json:
        print(json.dumps(report.model_dump(mode="json"), indent=2))
    else:
        print(format_report(report))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "coach", help="the duo coach's report for a saved replay (text, or --json)",
        description="Re-play REPLAY and print how the two players came apart: per player, "
                    "for the pair, and at most three things to practise.")
    p.add_argument("replay", metavar="REPLAY", help="replay file (.json or .json.gz)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--chart", metavar="CHART",
                   help="chart file or community song folder (default: the bundled or user chart "
                          "with the replay's chart id)")
    p.add_argument("--force", action="store_true",
                   help="coach even if the chart changed since the replay was recorded")
    p.set_defaults(func=_cmd_coach)
