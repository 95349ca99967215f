"""`duet-drums list`, `validate` and `schema`: chart tools that need no window."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from duet_drums.app.catalog import unexpected_failure
from duet_drums.commands.args import load_chart_or_report
from duet_drums.core.chart import DIFFICULTIES, Chart, ChartError, chart_id, chart_json_schema, load_chart
from duet_drums.core.tempo import TempoMap
from duet_drums.paths import charts_dir


@dataclass(frozen=True)
class ChartSummary:
    path: Path
    id: str
    title: str
    artist: str
    duration_s: float
    bpm_min: float
    bpm_max: float
    sections: list[str]
    note_counts: dict[str, dict[str, int]]


def summarize(chart: Chart, path: Path) -> ChartSummary:
    tempo = TempoMap.from_chart(chart)
    return ChartSummary(
        path=path,
        id=chart_id(chart, path),
        title=chart.metadata.title,
        artist=chart.metadata.artist,
        duration_s=tempo.seconds(chart.last_tick()),
        bpm_min=min(t.bpm for t in chart.tempo),
        bpm_max=max(t.bpm for t in chart.tempo),
        sections=[s.name for s in chart.sections],
        note_counts={name: {d: len(part.notes(d)) for d in DIFFICULTIES}
                     for name, part in chart.parts.items()},
    )


def _fmt_time(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def _cmd_list(args: argparse.Namespace) -> int:
    folder = Path(args.dir) if args.dir else charts_dir()
    files = sorted(folder.glob("*.json"))
    if not files:
        print(f"no charts in {folder}", file=sys.stderr)
        return 1
    broken = 0
    rows: list[dict[str, object]] = []  # one JSON object per file (--json)
    for path in files:
        try:
            s = summarize(load_chart(path), path)
        except Exception as exc:  # a ChartError, or what the loader did not foresee
            message = str(exc) if isinstance(exc, ChartError) else unexpected_failure(path, exc)
            broken += 1
            rows.append({"file": str(path), "error": message})
            if not args.json:
                print(f"BROKEN {message}", file=sys.stderr)
            continue
        rows.append({"file": str(path), "id": s.id, "title": s.title, "artist": s.artist,
                     "duration_s": round(s.duration_s, 2), "bpm": [s.bpm_min, s.bpm_max],
                     "sections": s.sections, "notes": s.note_counts})
        if not args.json:
            bpm = f"{s.bpm_min:g}" if s.bpm_min == s.bpm_max else f"{s.bpm_min:g}-{s.bpm_max:g}"
            print(f"{s.title} [{s.id}]  {_fmt_time(s.duration_s)}  {bpm} BPM  "
                  f"{len(s.sections)} sections  ({path.name})")
            for part, counts in s.note_counts.items():
                cells = "  ".join(f"{d} {counts[d]:>4}" for d in DIFFICULTIES)
                print(f"    {part:<10} {cells}")
    if args.json:
        print(json.dumps(rows, indent=2))
    return 1 if broken and args.strict else 0


def _cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        chart = load_chart_or_report(name)
        if chart is None:
            failed += 1
            continue
        total = sum(len(p.notes(d)) for p in chart.parts.values() for d in DIFFICULTIES)
        print(f"ok {name}: {chart.metadata.title}, {len(chart.parts)} parts, {total} notes")
    return 1 if failed else 0


def _cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(chart_json_schema(), indent=2))
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("list", help="list charts with parts, difficulties, note counts, duration, BPM")
    p.add_argument("--dir", help="charts folder (default: the bundled charts)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--strict", action="store_true", help="exit 1 when any chart is broken")
    p.set_defaults(func=_cmd_list)
    p = sub.add_parser("validate", help="check chart files; exit 1 with the problems on a bad chart")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=_cmd_validate)
    p = sub.add_parser("schema", help="print the chart JSON Schema")
    p.set_defaults(func=_cmd_schema)
