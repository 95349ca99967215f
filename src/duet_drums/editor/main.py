"""`duet-drums-editor` / `tools/chart_editor.py`: chart authoring from the command line.

This round it checks and normalises charts (the canonical form keeps one note per line so
version control diffs stay readable) and shows what a chart holds; the interactive editor
and the community-format importers come next and will hang off this entry point.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from duet_drums.commands.args import load_chart_or_report
from duet_drums.core.chart import DIFFICULTIES, save_chart
from duet_drums.core.tempo import TempoMap


def _info(args: argparse.Namespace) -> int:
    chart = load_chart_or_report(args.chart)
    if chart is None:
        return 1
    tm = TempoMap.from_chart(chart)
    print(f"{chart.metadata.title} — {chart.metadata.artist} (charted by {chart.metadata.charter or '?'})")
    print(f"resolution {chart.resolution}, {len(chart.tempo)} tempo changes, "
          f"{len(chart.time_signatures)} time signatures")
    for s in chart.sections:
        print(f"  {tm.seconds(s.tick):7.2f}s  measure {tm.measure_of(s.tick):>3}  {s.name}")
    for name, part in chart.parts.items():
        for d in DIFFICULTIES:
            notes = part.notes(d)
            pieces = Counter(n.piece.value for n in notes)
            top = ", ".join(f"{p} {c}" for p, c in pieces.most_common(6))
            print(f"  {name:<10} {d:<7} {len(notes):>5} notes  {top}")
    return 0


def _format(args: argparse.Namespace) -> int:
    status = 0
    for name in args.charts:
        chart = load_chart_or_report(name)
        if chart is None:
            status = 1
            continue
        before = Path(name).read_text(encoding="utf-8")
        save_chart(chart, name)
        changed = Path(name).read_text(encoding="utf-8") != before
        print(f"{'formatted' if changed else 'unchanged'} {name}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="duet-drums-editor", description="Duet Drums chart tools")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("info", help="show sections and note counts per part and difficulty")
    p.add_argument("chart")
    p.set_defaults(func=_info)
    p = sub.add_parser("format", help="validate and rewrite charts in canonical form (atomic)")
    p.add_argument("charts", nargs="+")
    p.set_defaults(func=_format)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
