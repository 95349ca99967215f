"""`duet-drums scores`: the high-score tables outside the game, and stored replays out.

Replays live inside the score database (gzip-compressed JSON blobs); exporting one gives
a file that `duet-drums rescore` re-scores to the identical result.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time

from duet_drums.core.atomic import atomic_write_bytes
from duet_drums.storage.scores import ScoreDB, scores_path


def _cmd_scores(args: argparse.Namespace) -> int:
    if not scores_path().exists():
        print(f"no scores yet ({scores_path()})")
        return 0
    db = ScoreDB()
    try:
        if args.export_replay is not None:
            row_id, out = args.export_replay
            blob = db.replay(int(row_id))
            if blob is None:
                print(f"error: {scores_path()}: no replay stored for score #{row_id}", file=sys.stderr)
                return 1
            data = blob if out.endswith(".gz") else gzip.decompress(blob)
            atomic_write_bytes(out, data)
            print(f"wrote {out}")
            return 0
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
