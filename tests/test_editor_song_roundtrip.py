"""`export-song` read back by our own importer: a duet chart's lead part, written as a
Clone Hero / YARG song folder, comes back with the same notes, pieces (as far as a
5-lane pro-drums highway can say them), dynamics and sections.

What the community format cannot carry is stated, not glossed over: the hi-hat pedal
has no gem; two pieces of one lane on one tick become one gem; a lane's tom or cymbal
shape is shared by every difficulty at a tick (the hardest one decides); a 2x kick below
expert is a kick; kicks carry no dynamics. Everything else must survive exactly.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from duet_drums.core.chart import DIFFICULTIES, Chart, load_chart
from duet_drums.core.kit import FIVE_LANE, TOMS, Dynamic, Piece, dynamic_of
from duet_drums.formats import load_song

ROOT = Path(__file__).resolve().parents[1]
CHARTS = sorted((ROOT / "assets" / "charts").glob("*.json"))

# The piece our reader gives each lane and shape.
_READ_BACK = {
    ("kick", False): Piece.KICK, ("red", False): Piece.SNARE,
    ("yellow", False): Piece.HIHAT, ("yellow", True): Piece.TOM1,
    ("blue", False): Piece.RIDE, ("blue", True): Piece.TOM2,
    ("green", False): Piece.CRASH, ("green", True): Piece.TOM3,
}
# Which piece of a shared lane the exporter keeps (the more important one).
_RANK = {p: i for i, p in enumerate((
    Piece.KICK, Piece.SNARE, Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.TOM1, Piece.TOM2,
    Piece.TOM3, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.KICK2))}

Gem = tuple[Fraction, Piece, Dynamic]


def _lane(piece: Piece) -> str:
    return FIVE_LANE.lanes[FIVE_LANE.lane_of(piece)].name


def expected_gems(chart: Chart, part: str) -> dict[str, set[Gem]]:
    """Each difficulty's gems as the community format can hold them, in beats."""
    res = chart.resolution
    kept: dict[str, dict[tuple[int, str], Piece]] = {}
    velocity: dict[tuple[str, int, str], int | None] = {}
    for diff in DIFFICULTIES:
        lanes: dict[tuple[int, str], Piece] = {}
        for note in chart.notes(part, diff):
            if note.piece is Piece.HIHAT_PEDAL:
                continue
            piece: Piece = Piece.KICK if note.piece is Piece.KICK2 and diff != "expert" else note.piece
            key = (note.tick, _lane(piece))
            if key not in lanes or _RANK[piece] < _RANK[lanes[key]]:
                lanes[key] = piece
                velocity[(diff, *key)] = note.velocity
        kept[diff] = lanes
    out: dict[str, set[Gem]] = {}
    for diff, lanes in kept.items():
        gems: set[Gem] = set()
        for (tick, lane), piece in lanes.items():
            read: Piece
            if piece in (Piece.KICK, Piece.KICK2):
                read = piece
                dynamic = Dynamic.NORMAL
            else:
                # The hardest difficulty with a gem in this lane at this tick decides the shape.
                decider = next(kept[d][(tick, lane)] for d in reversed(DIFFICULTIES)
                               if (tick, lane) in kept[d])
                read = _READ_BACK[(lane, decider in TOMS)]
                dynamic = dynamic_of(velocity[(diff, tick, lane)])
            gems.add((Fraction(tick, res), read, dynamic))
        out[diff] = gems
    return out


def read_gems(chart: Chart) -> dict[str, set[Gem]]:
    (part,) = chart.parts
    res = chart.resolution
    return {d: {(Fraction(n.tick, res), n.piece, n.dynamic) for n in chart.notes(part, d)}
            for d in DIFFICULTIES}


@pytest.mark.parametrize("path", CHARTS, ids=[p.stem for p in CHARTS])
def test_export_song_reads_back_to_the_same_notes_pieces_dynamics_and_sections(
        path: Path, tmp_path: Path) -> None:
    out = tmp_path / "song"
    proc = subprocess.run([sys.executable, "-m", "duet_drums.editor.main", "export-song", str(path),
                           "-o", str(out)], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    source = load_chart(path)
    lead = next(iter(source.parts))
    song = load_song(out)
    back = song.chart

    want, got = expected_gems(source, lead), read_gems(back)
    for diff in DIFFICULTIES:
        assert got[diff] == want[diff], (diff, sorted(got[diff] ^ want[diff])[:10])
    assert sum(len(g) for g in got.values()) > 1000  # the song really came back

    assert [(Fraction(s.tick, back.resolution), s.name) for s in back.sections] == \
        [(Fraction(s.tick, source.resolution), s.name) for s in source.sections]
    assert [(Fraction(t.tick, back.resolution), round(t.bpm, 3)) for t in back.tempo] == \
        [(Fraction(t.tick, source.resolution), round(t.bpm, 3)) for t in source.tempo]
    assert back.metadata.title == source.metadata.title
    assert back.metadata.song_folder is not None
    assert back.metadata.song_folder.drum_type == "four_lane_pro"


def test_import_of_an_exported_song_folder_writes_our_chart(tmp_path: Path) -> None:
    """`duet-drums-editor import SONG_FOLDER -o OUT.json`: the folder becomes one of our
    charts, which the game's own loader accepts."""
    medley = ROOT / "assets" / "charts" / "summit-medley.json"
    folder, out = tmp_path / "song", tmp_path / "imported.json"
    editor = [sys.executable, "-m", "duet_drums.editor.main"]
    subprocess.run([*editor, "export-song", str(medley), "-o", str(folder)], check=True,
                   capture_output=True, timeout=120)
    proc = subprocess.run([*editor, "import", str(folder), "-o", str(out)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"into {out}" in proc.stdout
    chart = load_chart(out)
    assert list(chart.parts) == ["drums"]
    assert read_gems(chart) == read_gems(load_song(folder).chart)
