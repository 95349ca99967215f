"""How fast the song library scans a big collection, first and from the cache, as JSON.

    python3 bench/library_scan.py [--songs 2000] [--workers 2] [--keep DIR]

Generates `--songs` song folders in a temp dir, laid out as real libraries are (artist
folders holding song folders): half notes.mid (tempo track, PART GUITAR, PART BASS, PART
DRUMS, PART VOCALS, EVENTS; the non-drum parts as busy as the drums), half notes.chart;
each 3-6 minutes at 90-180 BPM with a tempo change, an 8th-note groove with kicks,
snares, crashes, ghost notes and tom fills on expert (about 7 gems a second) thinned for
the lower difficulties; a song.ini and an (empty) song.ogg beside each.

`--keep DIR` writes the songs there and reuses them next time (skipping generation).

Then, in the same run:
- baseline: walk the folders and read every chart file's bytes: the floor any scan pays;
- first scan: `scan_library` with an empty cache (every song read, in worker processes);
- cached scan: the same again, every song from the cache.
Targets: first scan under 10 s, cached scan under 1 s, on 2 cores. The first scan's CPU
seconds (this process and its readers) and the load average are printed too: on a shared
machine the wall time depends on what else runs, the CPU time does not.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid_fast, song_ini  # noqa: E402

from duet_drums.library.cache import LibraryCache  # noqa: E402
from duet_drums.library.scan import default_workers, scan_library  # noqa: E402

TARGET_FIRST_S = 10.0
TARGET_CACHED_S = 1.0


def generate(root: Path, count: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    made = {"mid": 0, "chart": 0, "expert_gems": 0}
    for i in range(count):
        bpm = rng.randrange(90, 181)
        minutes = rng.uniform(3.0, 6.0)
        bars = int(minutes * bpm / 4)
        res = 480 if i % 2 == 0 else 192
        change = (bars // 2) * res * 4
        spec = SongSpec(resolution=res, tempos=[(0, float(bpm)), (change, float(bpm + 8))],
                        sections=[(b * res * 4, f"Part {b // 8 + 1}") for b in range(0, bars, 8)],
                        gems=groove(bars, res, seed=i), title=f"Song {i:04d}", artist=f"Artist {i // 10:03d}",
                        phrases=[("star", res * 16, res * 8), ("fill", res * 60, res * 4)])
        folder = root / f"Artist {i // 10:03d}" / f"Song {i:04d}"
        folder.mkdir(parents=True)
        if i % 2 == 0:
            (folder / "notes.mid").write_bytes(notes_mid_fast(spec, extra_tracks=True))
            made["mid"] += 1
        else:
            (folder / "notes.chart").write_bytes(notes_chart(spec))
            made["chart"] += 1
        (folder / "song.ini").write_bytes(song_ini(name=spec.title, artist=spec.artist, charter="Bench",
                                                   diff_drums=rng.randrange(7), pro_drums="True"))
        (folder / "song.ogg").write_bytes(b"")
        made["expert_gems"] += len(spec.gems["expert"])
    return made


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def baseline(root: Path) -> float:
    started = time.perf_counter()
    for folder, _, files in os.walk(root):
        for name in files:
            if name in ("notes.mid", "notes.chart"):
                Path(folder, name).read_bytes()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=None,
                        help="reader processes (default: CPU count, <= 4)")
    parser.add_argument("--keep", type=Path,
                        help="generate into this folder and keep it (a folder already there is reused)")
    args = parser.parse_args()
    workers = args.workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="duet-library-") as tmp:
        root = args.keep or Path(tmp) / "songs"
        started = time.perf_counter()
        if root.exists():
            made = {kind: len(list(root.glob(f"*/*/notes.{kind}"))) for kind in ("mid", "chart")}
            made["expert_gems"] = 0
            args.songs = made["mid"] + made["chart"]
        else:
            made = generate(root, args.songs)
        generate_s = time.perf_counter() - started
        base_s = baseline(root)
        cache = LibraryCache(Path(tmp) / "library.sqlite3")
        cpu_before = _cpu_seconds()
        load_before = os.getloadavg()[0]
        first = scan_library([root], cache=cache, workers=workers)
        first_cpu = _cpu_seconds() - cpu_before
        cached = scan_library([root], cache=cache, workers=workers)
    result = {
        "songs": args.songs, "notes_mid": made["mid"], "notes_chart": made["chart"],
        "expert_gems_per_song": round(made["expert_gems"] / max(1, args.songs)),
        "workers": workers, "cpu_count": os.cpu_count(), "generate_s": round(generate_s, 2),
        "baseline_read_s": round(base_s, 3),
        "first_scan_s": round(first.seconds, 3), "first_scan_read": first.read,
        # CPU time of the first scan in this process and its reader processes: what the
        # scan costs whatever else the machine is running (the load average beside it).
        "first_scan_cpu_s": round(first_cpu, 2), "load_average_before": round(load_before, 2),
        "cached_scan_s": round(cached.seconds, 3), "cached_scan_cached": cached.cached,
        "found": len(first.songs), "skipped": len(first.skipped),
        "first_vs_baseline": round(first.seconds / base_s, 1) if base_s else None,
        "cached_vs_baseline": round(cached.seconds / base_s, 2) if base_s else None,
        "targets_s": {"first_scan": TARGET_FIRST_S, "cached_scan": TARGET_CACHED_S},
        "ok": first.seconds < TARGET_FIRST_S and cached.seconds < TARGET_CACHED_S
        and len(first.songs) == args.songs and cached.cached == args.songs,
    }
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
