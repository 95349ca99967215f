"""How long a community song's stems take to become a backing, first and from the cache.

    python3 bench/stems.py [--minutes 4] [--stems 5]

Writes `--stems` OGG Vorbis stems (44.1 kHz stereo, `--minutes` long: song, guitar, bass,
vocals, drums...) of band-limited noise into a temp folder, then in the same run:
- baseline: reading the files' bytes (the floor any decode pays);
- first load: `load_stems` at 48 kHz with an empty cache (decode, resample, sum, cache);
- cached load: the same again, from the decoded-audio cache;
- building the backing (drum gain, offset) at speed 1.0 and, like tape, at 0.8.
Prints JSON. The game does all of this in a background thread behind a progress bar.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from duet_drums.audio.audio_cache import AudioCache  # noqa: E402
from duet_drums.audio.stems import load_stems  # noqa: E402

NAMES = ("song", "guitar", "bass", "vocals", "drums", "drums_1", "drums_2", "keys")


def write_stems(folder: Path, count: int, minutes: float, rate: int = 44100) -> dict[str, str]:
    rng = np.random.default_rng(5)
    stems = {}
    frames = int(minutes * 60 * rate)
    for name in NAMES[:count]:
        path = folder / f"{name}.ogg"
        with soundfile.SoundFile(str(path), "w", rate, 2, format="OGG", subtype="VORBIS") as fh:
            for start in range(0, frames, rate):
                n = min(rate, frames - start)
                block = rng.standard_normal((n, 2)).astype(np.float32) * 0.05
                fh.write(np.cumsum(block, axis=0) * 0.02)  # brown-ish noise: realistic bitrate
        stems[name] = path.name
    return stems


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--stems", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="duet-stems-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        stems = write_stems(folder, args.stems, args.minutes)
        write_s = time.perf_counter() - t
        t = time.perf_counter()
        size = sum(len((folder / f).read_bytes()) for f in stems.values())
        base_s = time.perf_counter() - t
        cache = AudioCache(folder / "cache")
        first = load_stems(folder, stems, 48000, cache=cache)
        cached = load_stems(folder, stems, 48000, cache=cache)
        t = time.perf_counter()
        first.track(drum_gain=0.25, offset_ms=120.0)
        track_s = time.perf_counter() - t
        t = time.perf_counter()
        first.track(drum_gain=0.25, offset_ms=120.0, speed=0.8)
        slow_s = time.perf_counter() - t
        cache_mb = sum(s for _, s, _ in cache.entries()) / 2**20
    print(
        json.dumps(
            {
                "stems": args.stems,
                "minutes": args.minutes,
                "ogg_mb": round(size / 2**20, 1),
                "write_s": round(write_s, 2),
                "read_bytes_s": round(base_s, 3),
                "first_load_s": round(first.seconds, 2),
                "cached": cached.cached,
                "cached_load_s": round(cached.seconds, 2),
                "cache_entry_mb": round(cache_mb, 1),
                "backing_s": round(track_s, 2),
                "backing_at_0.8_s": round(slow_s, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
