"""`duet-drums scores`: the high-score tables outside the game, and stored replays out.

Replays live inside the score database (gzip-compressed JSON blobs); exporting one gives
a file that `duet-drums rescore` re-scores to the identical result.
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import time
import zlib

from duet_drums.core.atomic import atomic_write_bytes
from duet_drums.core.jsonfile import JsonProblem, decode_json
from duet_drums.core.replay import ReplayError, parse_replay
from duet_drums.storage.scores import ScoreDB, scores_path


def _export(db: ScoreDB, row_text: str, out: str) -> int:
    """Every way this can fail is the user's to fix, so each gets a message, not a traceback."""
    try:
        row_id = int(row_text)
    except ValueError:
        print(f"error: {row_text!r} is not a score number (the numbers are shown as 'replay #N' "
              "by `duet-drums scores`)", file=sys.stderr)
        return 2
    if os.path.isdir(out):
        example = os.path.join(out, f"replay-{row_id}.json")
        print(f"error: {out} is a folder; give the file to write, e.g. {example}", file=sys.stderr)
        return 2
    blob = db.replay(row_id)
    if blob is None:
        print(f"error: {db.path}: no replay stored for score #{row_id}", file=sys.stderr)
        return 1
    try:
        data = _unpacked(blob)
    except ValueError as exc:
        print(f"error: {db.path}: the replay stored for score #{row_id} is damaged ({exc}); "
              "nothing written", file=sys.stderr)
        return 1
    try:
        atomic_write_bytes(out, blob if out.endswith(".gz") else data)
    except OSError as exc:
        print(f"error: cannot write {out} ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _unpacked(blob: bytes) -> bytes:
    """The replay JSON in a stored blob, checked: a damaged blob must not be exported as
    if it were a replay."""
    try:
        data = gzip.decompress(blob) if blob[:2] == b"\x1f\x8b" else blob
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"corrupt gzip data: {exc}") from None
    try:
        parse_replay(decode_json(data))
    except (JsonProblem, ReplayError) as exc:
        raise ValueError(str(exc)) from None
    return data


def _cmd_scores(args: argparse.Namespace) -> int:
    if not scores_path().exists():
        print(f"no scores yet ({scores_path()})")
        return 0
    db = ScoreDB()
    for notice in db.notices:
        print(f"warning: {notice}", file=sys.stderr)
    try:
        if args.export_replay is not None:
            return _export(db, *args.export_replay)
        keys = db.keys()
        if args.chart:
            keys = [k for k in keys if k[0] == args.chart]
        if args.part:
            keys = [k for k in keys if k[1] == args.part]
        if args.difficulty:
            keys = [k for k in keys if k[2] == args.difficulty]
        if not keys:
            print("no scores match")
            return 0
        for chart_id, part, difficulty in keys:
            print(f"{chart_id}  {part} / {difficulty}")
            for rank, row in enumerate(db.top(chart_id, part, difficulty, args.limit), start=1):
                played = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.played_at))
                sync = "" if row.sync_percent is None else f"  sync {row.sync_percent:.1f}%"
                replay = f"  replay #{row.id}" if row.has_replay else ""
                print(f"  {rank:>2}. {row.player_name:<16} {row.score:>9,}  {row.accuracy:5.1f}%"
                      f"  combo {row.max_combo:<5}{sync}  {played}{replay}")
        return 0
    finally:
        db.close()


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("scores", help="high-score tables; export a stored replay to a file")
    p.add_argument("chart", nargs="?", help="chart id (default: every chart with scores)")
    p.add_argument("--part")
    p.add_argument("--difficulty")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--export-replay", nargs=2, metavar=("ID", "FILE"),
                   help="write the replay of score ID to FILE (JSON; .gz keeps it compressed)")
    p.set_defaults(func=_cmd_scores)
