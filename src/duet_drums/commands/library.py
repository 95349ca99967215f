"""`duet-drums library scan DIR [--json] [--no-cache]`: the song library outside the game.

Scans a folder of Rock Band / Clone Hero / YARG songs the way the game does (same cache,
same readers) and lists every song with its drum type and note counts, and every bad
folder with its reason. `--json` prints one object:

    {"songs": [{"folder", "chart_file", "title", "artist", "charter", "drum_type",
                "notes": {"easy", "medium", "hard", "expert"}, "first_note_ms", "last_note_ms"}],
     "skipped": [{"folder", "reason"}], "seconds", "cached"}

`cached` is true when the cache answered for folders that did not change (the text
output says how many; `--no-cache` reads every folder and gives false); first and last note
are expert's, in ms from the tempo map alone (no .chart Offset, no ini delay). What was
done about a damaged, unwritable or locked cache is printed to stderr as a warning.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from duet_drums.core.chart import DIFFICULTIES
from duet_drums.library.scan import LibraryScan, scan_one
from duet_drums.library.walk import is_directory


def _print_table(scan: LibraryScan) -> None:
    for song in scan.songs:
        s = song.summary
        counts = "/".join(str(s.notes.get(d, 0)) for d in DIFFICULTIES)
        artist = f"{s.artist} - " if s.artist else ""
        print(f"{song.folder}: {artist}{s.title}  [{s.drum_type}, {s.chart_file}]  {counts} notes "
              "(easy/medium/hard/expert)")
    for skip in scan.skipped:
        print(f"SKIPPED {skip.folder}: {skip.reason}")
    print(f"{len(scan.songs)} songs, {len(scan.skipped)} skipped, {scan.seconds:.2f} s "
          f"({scan.cached} from the cache, {scan.read} read)")


def _cmd_scan(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    if not is_directory(root):
        print(f"error: {root}: not a folder", file=sys.stderr)
        return 2
    scan = scan_one(root, use_cache=not args.no_cache, workers=args.workers)
    for notice in scan.notices:
        print(f"warning: {notice}", file=sys.stderr)
    if args.json:
        print(json.dumps(scan.to_json(), indent=2, ensure_ascii=False))
    else:
        _print_table(scan)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("library", help="community song folders (Rock Band / Clone Hero / YARG)")
    inner = p.add_subparsers(dest="library_command", metavar="COMMAND", required=True)
    scan = inner.add_parser("scan", help="scan a folder of songs: drum type, note counts, bad folders")
    scan.add_argument("dir", help="folder holding song folders (searched recursively)")
    scan.add_argument("--json", action="store_true", help="print one JSON object")
    scan.add_argument("--no-cache", action="store_true",
                      help="read every song; neither use nor update the cache")
    scan.add_argument("--workers", type=int, default=None,
                      help="reader processes (default: the CPU count, up to 4)")
    scan.set_defaults(func=_cmd_scan)
