"""The chart catalog: every chart file the game can find, good or broken.

A broken chart must not hide the others, so scanning never raises: each file becomes
either a `ChartEntry` (ready to play, with what song select shows) or a `BrokenChart`
holding the loader's message, which already names the file and the JSON path. The loader
refuses hostile files itself (pipes, devices, huge or deeply nested files, absurd times:
see `core.chart`); anything it still did not foresee is caught per file, never per scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from duet_drums.core.chart import Chart, ChartError, chart_hash, chart_id, load_chart
from duet_drums.core.tempo import TempoMap
from duet_drums.formats import load_song
from duet_drums.paths import charts_dir
from duet_drums.settings import data_dir

# The bundled medley is the game's showcase: it is listed first; the rest by title.
FEATURED: tuple[str, ...] = ("summit-medley",)


@dataclass(frozen=True, slots=True)
class ChartEntry:
    path: Path
    chart: Chart
    id: str
    hash: str
    title: str
    artist: str
    duration_s: float
    bpm_min: float
    bpm_max: float
    sections: tuple[str, ...]
    parts: tuple[str, ...]

    @property
    def bpm_text(self) -> str:
        lo, hi = round(self.bpm_min), round(self.bpm_max)
        return f"{lo} BPM" if lo == hi else f"{lo}-{hi} BPM"

    @property
    def duration_text(self) -> str:
        total = round(self.duration_s)
        return f"{total // 60}:{total % 60:02d}"


@dataclass(frozen=True, slots=True)
class BrokenChart:
    path: Path
    message: str

    @property
    def first_line(self) -> str:
        return self.message.splitlines()[0] if self.message else str(self.path)


@dataclass(frozen=True, slots=True)
class Catalog:
    charts: tuple[ChartEntry, ...]
    broken: tuple[BrokenChart, ...]

    def find(self, key: str) -> ChartEntry | None:
        """By chart id, file stem or (case-insensitive) title."""
        for entry in self.charts:
            if key in (entry.id, entry.path.stem) or key.lower() == entry.title.lower():
                return entry
        return None


def user_charts_dir() -> Path:
    return data_dir() / "charts"


def default_dirs() -> list[Path]:
    return [charts_dir(), user_charts_dir()]


def describe(chart: Chart, path: Path) -> ChartEntry:
    tempo = TempoMap.from_chart(chart)
    bpms = [t.bpm for t in chart.tempo]
    return ChartEntry(
        path=path,
        chart=chart,
        id=chart_id(chart, path),
        hash=chart_hash(chart),
        title=chart.metadata.title,
        artist=chart.metadata.artist,
        duration_s=tempo.seconds(chart.last_tick()),
        bpm_min=min(bpms),
        bpm_max=max(bpms),
        sections=tuple(s.name for s in chart.sections),
        parts=tuple(chart.parts),
    )


def unexpected_failure(path: Path, exc: Exception) -> str:
    """The message for a chart the loader did not foresee: still the file and the reason,
    so the scan (and `list`) can go on with the others."""
    return f"{path}: cannot be loaded ({type(exc).__name__}: {str(exc)[:200]})"


def load_entry(path: Path) -> ChartEntry:
    """Load one chart file; raises ChartError (message names the file)."""
    return describe(load_chart(path), path)


def scan(dirs: Iterable[Path] | None = None) -> Catalog:
    good: list[ChartEntry] = []
    broken: list[BrokenChart] = []
    seen_ids: set[str] = set()
    for folder in dirs if dirs is not None else default_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                entry = load_entry(path)
            except ChartError as exc:
                broken.append(BrokenChart(path, str(exc)))
                continue
            except Exception as exc:  # one file must never stop the scan
                broken.append(BrokenChart(path, unexpected_failure(path, exc)))
                continue
            if entry.id in seen_ids:
                broken.append(BrokenChart(path, f"{path}: chart id {entry.id!r} is already used by "
                                                "another chart; give this one its own metadata.id"))
                continue
            seen_ids.add(entry.id)
            good.append(entry)
    return Catalog(tuple(sorted(good, key=_order)), tuple(broken))


def _order(entry: ChartEntry) -> tuple[int, str]:
    rank = FEATURED.index(entry.id) if entry.id in FEATURED else len(FEATURED)
    return rank, entry.title.lower()


def is_song_folder_path(path: Path) -> bool:
    """A community song: a folder, or a notes.mid / .chart file (not one of our JSON charts)."""
    return path.is_dir() or path.suffix.lower() in (".mid", ".midi", ".chart")


def load_community(path: Path) -> tuple[ChartEntry, tuple[str, ...]]:
    """A song folder (or its notes.mid / notes.chart) as a playable entry, with what the
    reader had to say; raises `FormatError` (a ChartError) naming the file and place.
    The entry's path is the song folder: the stems are found beside it."""
    loaded = load_song(path)
    return describe(loaded.chart, loaded.folder), loaded.warnings


def resolve(key: str, dirs: Sequence[Path] | None = None) -> ChartEntry:
    """A chart given on the command line: a path to a chart file or a community song
    folder (notes.mid / notes.chart), or an id/title in the catalog."""
    path = Path(key)
    if path.suffix != ".json" and path.exists() and is_song_folder_path(path):
        return load_community(path)[0]
    if path.suffix == ".json" or path.exists():
        return load_entry(path)
    catalog = scan(dirs)
    entry = catalog.find(key)
    if entry is None:
        known = ", ".join(e.id for e in catalog.charts) or "none"
        raise ChartError(key, [("", f"no chart file or chart id {key!r} (known charts: {known})")])
    return entry
