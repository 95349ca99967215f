"""The editor's commands (`duet-drums-editor`, `tools/chart_editor.py`): `edit` opens the
window (`editor.window`; also what no command at all does), the others run without one.

Every command prints what it did and exits 1 with a message naming the file and the
problem on bad input (argparse's usage errors exit 2). Nothing is overwritten by
surprise: commands that rewrite a chart do it atomically, in place unless `-o` names
another file, and commands that create files refuse to replace existing ones without
`--force`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from duet_drums.core.chart import DIFFICULTIES, Chart, ChartError, load_chart, save_chart
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.autosave import AUTOSAVE_INTERVAL_S
from duet_drums.editor.duet import notes_per_second, section_duet, unison_percent
from duet_drums.editor.files import audio_outside, new_chart
from duet_drums.editor.partner import build_partner
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.reduce import on_beat_kept, reduce_from, reduce_part
from duet_drums.editor.validate import validate_file
from duet_drums.formats import load_song
from duet_drums.formats.clone_hero_export import ExportError, export_song
from duet_drums.formats.general_midi import (
    MidiImportError,
    read_general_midi,
    read_midi_file,
    write_general_midi,
)

# Track names that make a .mid a Rock Band / Clone Hero chart rather than a plain GM file.
GAME_DRUM_TRACKS = ("PART DRUMS", "PART DRUM", "PART REAL_DRUMS_PS")
# The autosave interval when --autosave-interval is not given (seconds).
AUTOSAVE_ENV = "DUET_DRUMS_EDITOR_AUTOSAVE_S"


class CliError(Exception):
    """A refusal: the message is printed as it is and the command exits 1."""


def _load(path: str) -> Chart:
    try:
        return load_chart(path)
    except ChartError as exc:
        raise CliError(str(exc)) from None


def _free(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise CliError(f"{path} exists; pass --force to replace it")


def _densities(chart: Chart, part: str) -> str:
    return ", ".join(f"{d} {len(chart.notes(part, d))} ({notes_per_second(chart, part, d):.2f}/s)"
                     for d in reversed(DIFFICULTIES))


def _unisons(chart: Chart, lead: str, partner: str) -> str:
    return ", ".join(f"{d} {unison_percent(chart, (lead, d), (partner, d)):.0f}%" for d in DIFFICULTIES)


# -- info, format, validate -----------------------------------------------------------------
def _info(args: argparse.Namespace) -> int:
    chart = _load(args.chart)
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
            top = ", ".join(f"{p} {c}" for p, c in pieces.most_common())  # all: they add up to the total
            nps = notes_per_second(chart, name, d)
            print(f"  {name:<10} {d:<7} {len(notes):>5} notes {nps:5.2f}/s  {top}")
    parts = list(chart.parts)
    if len(parts) >= 2:
        lead, partner = parts[0], parts[1]
        print(f"unisons ({partner}'s notes on a {lead} note, same difficulty): "
              f"{_unisons(chart, lead, partner)}")
        print(f"  per section, expert: {'section':<24} {lead + ' n/s':>10} {partner + ' n/s':>12} unison")
        for row in section_duet(chart, (lead, "expert"), (partner, "expert")):
            print(f"  {'':21}{row.name:<24} {row.lead_nps:>10.2f} {row.partner_nps:>12.2f} "
                  f"{row.unison_percent:5.0f}%")
    return 0


def _format(args: argparse.Namespace) -> int:
    status = 0
    for name in args.charts:
        try:
            chart = _load(name)
        except CliError as exc:
            print(exc, file=sys.stderr)
            status = 1
            continue
        before = Path(name).read_text(encoding="utf-8")
        save_chart(chart, name)
        changed = Path(name).read_text(encoding="utf-8") != before
        print(f"{'formatted' if changed else 'unchanged'} {name}")
    return status


def _validate(args: argparse.Namespace) -> int:
    status = 0
    for name in args.charts:
        chart, problems = validate_file(name)
        errors = [p for p in problems if p.level == "error"]
        for p in problems:
            print(f"{name}: {p}", file=sys.stderr if p.level == "error" else sys.stdout)
        if errors or (args.strict and problems):
            status = 1
        verdict = "broken" if chart is None else f"{len(problems)} warnings" if problems else "ok"
        print(f"{name}: {verdict}")
    return status


# -- reduce, partner -----------------------------------------------------------------------
def _write(chart: Chart, args: argparse.Namespace) -> Path:
    out = Path(args.output or args.chart)
    save_chart(chart, out)
    return out


def _reduce(args: argparse.Namespace) -> int:
    chart = _load(args.chart)
    if args.part not in chart.parts:
        raise CliError(f"{args.chart}: no part {args.part!r}; parts: {', '.join(chart.parts)}")
    reduced = reduce_part(chart, args.part, args.source)
    out = _write(reduced, args)
    kept = on_beat_kept(reduced.notes(args.part, "expert"), reduced.notes(args.part, "hard"),
                        TempoMap.from_chart(reduced))
    print(f"reduced {args.part} from {args.source} into {out}: {_densities(reduced, args.part)}")
    print(f"hard keeps {kept:.0%} of expert's kicks and snares on the beat")
    return 0


def _partner(args: argparse.Namespace) -> int:
    chart = _load(args.chart)
    built = build_partner(chart, args.lead, args.name)
    out = _write(built, args)
    verb = "replaced" if args.name in chart.parts else "added"
    print(f"{verb} part {args.name!r} from {args.lead!r} in {out}: {_densities(built, args.name)}")
    print(f"unisons with {args.lead} at the same difficulty: {_unisons(built, args.lead, args.name)}")
    return 0


# -- import, export ---------------------------------------------------------------------------
def _is_game_chart(path: Path) -> bool:
    try:
        mid = read_midi_file(path)
    except MidiImportError:
        return path.name.lower() == "notes.mid"
    return any(track.name.strip() in GAME_DRUM_TRACKS for track in mid.tracks)


def _load_song(path: Path) -> tuple[Chart, list[str]]:
    """A song folder, notes.mid or notes.chart through the `formats` readers."""
    try:
        song = load_song(path)
    except ChartError as exc:
        raise CliError(str(exc)) from None
    return song.chart, list(song.warnings)


def _import(args: argparse.Namespace) -> int:
    src, out = Path(args.source), Path(args.output)
    _free(out, args.force)
    if not src.exists() and not src.is_symlink():  # a link loop: the reader says what is wrong
        raise CliError(f"{src}: no such file or folder")
    if src.suffix.lower() == ".json":
        raise CliError(f"{src} is already a Duet Drums chart; open it, or run `format` on it")
    if src.is_dir() or src.suffix.lower() == ".chart" or (src.suffix.lower() in (".mid", ".midi")
                                                            and _is_game_chart(src)):
        chart, warnings = _load_song(src)
        kind = "song"
    elif src.suffix.lower() in (".mid", ".midi"):
        try:
            result = read_general_midi(src, title=args.title, part=args.part)
        except MidiImportError as exc:
            raise CliError(str(exc)) from None
        chart, warnings, kind = result.chart, result.warnings, "General MIDI drum file"
        if args.reduce:
            part = chart.parts[args.part]
            levels = reduce_from(part.expert, "expert", TempoMap.from_chart(chart))
            chart = chart.model_copy(update={"parts": {args.part: part.model_copy(update=levels)}})
    else:
        raise CliError(f"{src}: not a song folder, .mid/.midi or .chart file")
    save_chart(chart, out)
    for w in warnings:
        print(f"warning: {src}: {w}")
    for name in chart.parts:
        print(f"imported {kind} {src} into {out}: part {name!r}: {_densities(chart, name)}")
    print(f"tempo: {', '.join(f'{t.bpm:g}' for t in chart.tempo)} BPM; {len(chart.sections)} sections")
    return 0


def _export_midi(args: argparse.Namespace) -> int:
    chart = _load(args.chart)
    out = Path(args.output)
    _free(out, args.force)
    if args.part not in chart.parts:
        raise CliError(f"{args.chart}: no part {args.part!r}; parts: {', '.join(chart.parts)}")
    write_general_midi(chart, args.part, args.difficulty, out)
    print(f"wrote {out}: {len(chart.notes(args.part, args.difficulty))} notes of {args.part} "
          f"{args.difficulty} on channel 10, {len(chart.tempo)} tempo changes, {len(chart.sections)} markers")
    return 0


def _export_song(args: argparse.Namespace) -> int:
    chart = _load(args.chart)
    folder = Path(args.output)
    for name in ("notes.mid", "song.ini"):
        _free(folder / name, args.force)
    try:
        result = export_song(chart, folder, args.part, chart_dir=Path(args.chart).parent)
    except ExportError as exc:
        raise CliError(f"{args.chart}: {exc}") from None
    for w in result.warnings:
        print(f"warning: {w}")
    part = args.part or next(iter(chart.parts))
    print(f"wrote {', '.join(str(f) for f in result.files)}: {part} as PART DRUMS "
          f"({_densities(chart, part)})")
    return 0


def _new(args: argparse.Namespace) -> int:
    out = Path(args.output)
    _free(out, args.force)
    num, sep, den = args.time_signature.partition("/")
    if not sep or not num.isdigit() or not den.isdigit():
        raise CliError(f"--time-signature {args.time_signature!r}: expected NUM/DEN, e.g. 4/4 or 6/8")
    problem = audio_outside(out.resolve().parent, args.audio)
    if problem is not None:
        raise CliError(f"--audio: {problem}")
    chart = new_chart(args.title, args.artist, args.bpm, int(num), int(den), args.audio, args.charter)
    save_chart(chart, out)
    print(f"created {out}: {chart.metadata.title!r}, {args.bpm:g} BPM, {num}/{den}, parts "
          f"{', '.join(chart.parts)}")
    return 0


def _edit(args: argparse.Namespace) -> int:
    """The window (`editor.window`); a chart that exists must load, one that does not is
    created through the new-chart form."""
    path = Path(args.chart).expanduser().resolve() if args.chart else None
    if path is not None and path.exists():
        _load(str(path))
    if args.autosave_interval <= 0:
        raise CliError(f"--autosave-interval {args.autosave_interval:g}: must be more than 0 seconds")
    from duet_drums.editor.window.routes import EditorOptions
    from duet_drums.editor.window.run import run_editor

    options = EditorOptions(autosave_s=args.autosave_interval, report=args.report)
    return run_editor(path, options, create=path is not None and not path.exists())


def _autosave_default() -> float:
    text = os.environ.get(AUTOSAVE_ENV, "")
    try:
        return float(text) if text else AUTOSAVE_INTERVAL_S
    except ValueError:
        return AUTOSAVE_INTERVAL_S


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="duet-drums-editor", description="Duet Drums chart tools")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Any, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("edit", _edit, "open the editor window (the default when no command is given)")
    p.add_argument("chart", nargs="?",
                   help="the chart to open; a new file is created through the new-chart form")
    p.add_argument("--autosave-interval", type=float, default=_autosave_default(), metavar="SECONDS",
                   help=f"autosave unsaved edits this often (default {AUTOSAVE_INTERVAL_S:g}, "
                        f"or ${AUTOSAVE_ENV})")
    p.add_argument("--report", action="store_true",
                   help="print one JSON line per editor action on stdout (for scripts and tests)")
    p = add("info", _info, "show sections, note counts, densities and the unison map")
    p.add_argument("chart")
    p = add("format", _format, "validate and rewrite charts in canonical form (atomic)")
    p.add_argument("charts", nargs="+")
    p = add("validate", _validate, "list loader problems and community drum checks, with their place")
    p.add_argument("charts", nargs="+")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p = add("reduce", _reduce, "rebuild hard, medium and easy of a part from expert")
    p.add_argument("chart")
    p.add_argument("--part", required=True)
    p.add_argument("--from", dest="source", default="expert", choices=DIFFICULTIES[1:])
    p.add_argument("-o", "--output", help="write here instead of in place")
    p = add("partner", _partner, "build a beginner's partner part from the lead")
    p.add_argument("chart")
    p.add_argument("--lead", default="lead")
    p.add_argument("--name", default="partner")
    p.add_argument("-o", "--output", help="write here instead of in place")
    p = add("import", _import, "make a chart from a GM drum file, a song folder, notes.mid or notes.chart")
    p.add_argument("source")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--title", help="title (GM files; default: the file's track name or file name)")
    p.add_argument("--part", default="lead", help="the part a GM file's drums go to")
    p.add_argument("--reduce", action="store_true", help="also build hard, medium and easy (GM files)")
    p.add_argument("--force", action="store_true")
    p = add("export-midi", _export_midi, "write one part and difficulty as a General MIDI drum file")
    p.add_argument("chart")
    p.add_argument("--part", required=True)
    p.add_argument("--difficulty", required=True, choices=DIFFICULTIES)
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--force", action="store_true")
    p = add("export-song", _export_song, "write a Clone Hero / YARG song folder (notes.mid + song.ini)")
    p.add_argument("chart")
    p.add_argument("-o", "--output", required=True, help="the song folder")
    p.add_argument("--part", help="the part to export (default: the first, the lead)")
    p.add_argument("--force", action="store_true")
    p = add("new", _new, "start a chart from the template")
    p.add_argument("output")
    p.add_argument("--title", required=True)
    p.add_argument("--artist", default="")
    p.add_argument("--charter", default="")
    p.add_argument("--bpm", type=float, default=120.0)
    p.add_argument("--time-signature", default="4/4")
    p.add_argument("--audio", help="your recording of the song (path relative to the chart)")
    p.add_argument("--force", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["edit", *argv]
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (CliError, EditError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
