"""A small community song library written to disk for the app tests: real notes.mid
(through mido) and notes.chart files, song.ini files, and real audio stems (soundfile),
plus a folder that cannot be read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid, song_ini

RATE = 48000


@dataclass(frozen=True)
class Made:
    title: str
    artist: str
    charter: str
    bars: int
    bpm: float
    tier: int | None  # ini diff_drums
    mid: bool = True


# Titles, artists, lengths and tiers chosen so each sort order differs.
SONGS = (
    Made("Moonlight Drive", "The Doors", "Alice", 6, 120.0, 3),
    Made("Another One Bites the Dust", "Queen", "Bob", 10, 110.0, 2, mid=False),
    Made("Beyoncé Intro", "Zed", "Carol", 4, 100.0, None),
    Made("Mr. Brightside", "The Killers", "Dave", 8, 148.0, 5, mid=False),
    Made("Killer Queen", "Queen", "Erin", 5, 117.0, 4),
    Made("Zebra Crossing", "Abba", "Frank", 3, 90.0, 1),
)


def write_stem(path: Path, clicks: dict[float, float], seconds: float, rate: int = RATE) -> None:
    x = np.zeros((int(seconds * rate), 2), np.float32)
    for at, amp in clicks.items():
        i = int(at * rate)
        x[i : i + 8] = amp
    fmt, subtype = {".ogg": ("OGG", "VORBIS"), ".wav": ("WAV", "PCM_16"), ".opus": ("OGG", "OPUS")}[
        path.suffix
    ]
    with soundfile.SoundFile(str(path), "w", rate, 2, format=fmt, subtype=subtype) as fh:
        for k in range(0, len(x), 4096):
            fh.write(x[k : k + 4096])


def write_song(folder: Path, made: Made, *, stems: bool = False, delay_ms: int = 0) -> SongSpec:
    folder.mkdir(parents=True)
    res = 480
    spec = SongSpec(
        resolution=res,
        tempos=[(0, made.bpm)],
        sections=[(b * res * 4, f"Part {b // 2 + 1}") for b in range(0, made.bars, 2)],
        gems=groove(made.bars, res, seed=len(made.title)),
        title=made.title,
        artist=made.artist,
        charter=made.charter,
    )
    if made.mid:
        (folder / "notes.mid").write_bytes(notes_mid(spec))
    else:
        (folder / "notes.chart").write_bytes(notes_chart(spec))
    ini: dict[str, object] = {
        "name": made.title,
        "artist": made.artist,
        "charter": made.charter,
        "pro_drums": "True",
        "diff_drums": -1 if made.tier is None else made.tier,
    }
    if delay_ms:
        ini["delay"] = delay_ms
    (folder / "song.ini").write_bytes(song_ini(**ini))
    if stems:
        seconds = made.bars * 4 * 60.0 / made.bpm + 2.0
        write_stem(folder / "song.ogg", {0.5: 0.3}, seconds)
        write_stem(folder / "drums.wav", {1.0: 0.8}, seconds)
        (folder / "guitar.ogg").write_bytes(b"OggS" + bytes(range(256)) * 4)  # corrupt
    return spec


def write_library(root: Path, *, stems_for: str | None = None) -> Path:
    """The songs above under artist folders, and one folder whose chart is broken."""
    for made in SONGS:
        write_song(root / made.artist / made.title, made, stems=made.title == stems_for)
    broken = root / "Broken" / "Empty Chart"
    broken.mkdir(parents=True)
    (broken / "notes.chart").write_text("[Song]\n{\n  Resolution = 192\n}\n[ExpertDrums]\n{\n}\n")
    return root
