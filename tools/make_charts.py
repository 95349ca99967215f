"""Generate the bundled charts (assets/charts/*.json) from the arrangements in
tools/charts_songs.py.

Why a script rather than hand-edited JSON: the four difficulties of both parts are
derived from one expert arrangement by the same reduction rules every time, the
playability rules are checked on every run, and the output is byte-for-byte
reproducible, so a reviewer reads the grooves in charts_songs.py, not 10,000 note lines.

Usage:
    python tools/make_charts.py           # write assets/charts/{summit-medley,dynamite,golden}.json
    python tools/make_charts.py --check   # exit 1 unless the files on disk are what it writes
    python tools/make_charts.py --stats   # notes, notes/s, unison % per difficulty pairing
    python tools/make_charts.py --out DIR # write somewhere else
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from charts_grid import BAR_TICKS, DIFF_ORDER, RESOLUTION, STEP_TICKS, Hit, hits, merge
from charts_reduce import cleanup, playability_problems, reduce
from charts_songs import Section, dynamite, dynamite_ending, golden, transition
from duet_drums.core.chart import (
    DIFFICULTIES,
    Backing,
    Chart,
    Chord,
    Metadata,
    Note,
    Part,
    Span,
    TempoChange,
    chart_to_json,
    save_chart,
)
from duet_drums.core.chart import Section as ChartSection
from duet_drums.core.tempo import TempoMap
from duet_drums.paths import charts_dir
from generated_files import check_generated

CHARTER = "Duet Drums"
DESCRIPTION = (
    "Original drum arrangements written for Duet Drums in the style of the songs named "
    "in the title: grooves, fills and a generic pop chord progression for the synthesized "
    "backing. No recording, melody or lyric of the original songs is included; point the "
    "chart's audio at a recording you own if you want to play along with it."
)
LEAD_DESCRIPTION = (
    "For a seasoned drummer: hi-hat and open-hat grooves with ghost notes and accents, tom "
    "fills into every section, crashes on the downbeats, ride and double kick in the choruses."
)
PARTNER_DESCRIPTION = (
    "For a newcomer: kick and snare locked to the lead's kick and backbeat, hi-hats from "
    "hard up; a versus trade in the post-chorus."
)
CRASH_IN = {"crash": "X---------------", "kick": "x---------------"}


@dataclass
class Arrangement:
    """A song laid out on the tick grid, before difficulties are derived."""

    hits: dict[str, list[Hit]] = field(default_factory=lambda: {"lead": [], "partner": []})
    fills: list[tuple[int, int]] = field(default_factory=list)
    spans: dict[str, list[Span]] = field(default_factory=lambda: {"lead": [], "partner": []})
    tempo: list[TempoChange] = field(default_factory=list)
    sections: list[ChartSection] = field(default_factory=list)
    chords: list[Chord] = field(default_factory=list)


def lay_out(sections: list[Section]) -> Arrangement:
    out = Arrangement()
    tick = 0
    # Every chart opens like the bar after a fill: crash and kick together on the one.
    after_fill = True
    star_start: int | None = None
    for section in sections:
        out.sections.append(ChartSection(tick=tick, name=section.name))
        for i, bar in enumerate(section.bars):
            chord = section.chords[i % len(section.chords)]
            if not out.chords or out.chords[-1].name != chord:
                out.chords.append(Chord(tick=tick, name=chord))
            for beat, bpm in enumerate(bar.tempo):
                if not out.tempo or out.tempo[-1].bpm != bpm:
                    out.tempo.append(TempoChange(tick=tick + beat * RESOLUTION, bpm=bpm))
            lead, partner = bar.lead, bar.partner
            if after_fill:
                lead, partner = merge(lead, CRASH_IN), merge(partner, CRASH_IN)
            out.hits["lead"] += hits(lead, tick)
            out.hits["partner"] += hits(partner, tick)
            if bar.fill_from is not None:
                start = tick + bar.fill_from * STEP_TICKS
                out.fills.append((start, tick + BAR_TICKS))
                out.spans["lead"].append(Span(kind="fill", tick=start, end_tick=tick + BAR_TICKS))
            if bar.versus is not None:
                kind = "versus1" if bar.versus == 1 else "versus2"
                for part in ("lead", "partner"):
                    out.spans[part].append(Span(kind=kind, tick=tick, end_tick=tick + BAR_TICKS))
            if bar.star and star_start is None:
                star_start = tick
            if not bar.star and star_start is not None:
                for part in ("lead", "partner"):
                    out.spans[part].append(Span(kind="star", tick=star_start, end_tick=tick))
                star_start = None
            after_fill = bar.fill_from is not None
            tick += BAR_TICKS
    if star_start is not None:
        for part in ("lead", "partner"):
            out.spans[part].append(Span(kind="star", tick=star_start, end_tick=tick))
    for part in ("lead", "partner"):
        out.spans[part].sort(key=lambda s: (s.tick, s.kind))
    return out


def difficulties(expert_hits: list[Hit], fills: list[tuple[int, int]], label: str) -> dict[str, list[Note]]:
    """Expert as arranged, then each easier difficulty reduced from the one above."""
    charts: dict[str, list[Hit]] = {"expert": cleanup(expert_hits)}
    for harder, diff in (("expert", "hard"), ("hard", "medium"), ("medium", "easy")):
        charts[diff] = cleanup(reduce(charts[harder], diff, fills))
    out: dict[str, list[Note]] = {}
    for diff in DIFF_ORDER:
        problems = playability_problems(charts[diff])
        if problems:
            raise SystemExit(f"{label} {diff} is unplayable:\n  " + "\n  ".join(problems[:10]))
        out[diff] = [Note(tick=h.tick, piece=h.piece, velocity=h.velocity) for h in charts[diff]]
    return out


@dataclass(frozen=True)
class Song:
    file: str
    id: str
    title: str
    artist: str
    sections: Callable[[], list[Section]]


SONGS: tuple[Song, ...] = (
    Song("summit-medley.json", "summit-medley", "Summit Medley",
         "Duet Drums arrangement (after BTS / the Golden soundtrack)",
         lambda: dynamite() + transition() + golden("Golden — ")),
    Song("dynamite.json", "dynamite", "Dynamite", "Duet Drums arrangement (after BTS)",
         lambda: dynamite() + dynamite_ending()),
    Song("golden.json", "golden", "Golden", "Duet Drums arrangement (after the Golden soundtrack)",
         golden),
)


def build(song: Song) -> Chart:
    arr = lay_out(song.sections())
    parts = {}
    for name, description, fills in (("lead", LEAD_DESCRIPTION, arr.fills),
                                     ("partner", PARTNER_DESCRIPTION, [])):
        notes = difficulties(arr.hits[name], fills, f"{song.title} {name}")
        parts[name] = Part(description=description, spans=arr.spans[name], **notes)
    tempo_map = TempoMap(((t.tick, t.bpm) for t in arr.tempo), RESOLUTION)
    chorus = next(s.tick for s in arr.sections if "Chorus" in s.name)
    metadata = Metadata(
        title=song.title, artist=song.artist, charter=CHARTER, id=song.id, resolution=RESOLUTION,
        preview_start_ms=round(tempo_map.seconds(chorus) * 1000, 1),
        backing=Backing(click=True, count_in_beats=4, chords=arr.chords, bass="kick"),
        description=DESCRIPTION,
    )
    return Chart(metadata=metadata, tempo=arr.tempo, sections=arr.sections, parts=parts)


# -- statistics ---------------------------------------------------------------------------
def unison_percent(chart: Chart, lead_diff: str, partner_diff: str) -> float:
    """Share of the partner's notes on a tick where the lead also has a note."""
    lead_ticks = {n.tick for n in chart.notes("lead", lead_diff)}
    partner = chart.notes("partner", partner_diff)
    return 100.0 * sum(n.tick in lead_ticks for n in partner) / len(partner)


def stats_text(chart: Chart) -> str:
    tm = TempoMap.from_chart(chart)
    duration = tm.seconds(chart.last_tick())
    bpms = ", ".join(f"{t.bpm:g}" for t in chart.tempo)
    lines = [f"{chart.metadata.title} ({chart.metadata.id}): {duration:.1f} s "
             f"({int(duration // 60)}:{duration % 60:04.1f}), {len(chart.sections)} sections, BPM {bpms}"]
    for part in chart.parts:
        for diff in DIFFICULTIES:
            notes = chart.notes(part, diff)
            span = tm.seconds(notes[-1].tick) - tm.seconds(notes[0].tick)
            lines.append(f"  {part:8} {diff:7} {len(notes):5} notes  {len(notes) / span:5.2f} notes/s")
    lines.append("  unison % of partner notes (rows: lead difficulty, columns: partner difficulty)")
    lines.append("           " + "".join(f"{d:>9}" for d in DIFFICULTIES))
    for ld in DIFFICULTIES:
        lines.append(f"  {ld:8} " + "".join(f"{unison_percent(chart, ld, pd):9.1f}" for pd in DIFFICULTIES))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=charts_dir(), help="output directory")
    parser.add_argument("--check", action="store_true", help="verify the files on disk; exit 1 if stale")
    parser.add_argument("--stats", action="store_true", help="print chart statistics")
    args = parser.parse_args(argv)
    charts = {song.file: build(song) for song in SONGS}
    if args.stats:
        print("\n\n".join(stats_text(c) for c in charts.values()))
    if args.check:
        expected = {f: chart_to_json(c).encode("utf-8") for f, c in charts.items()}
        return check_generated(args.out, expected, "charts", "make_charts.py")
    if not args.stats:
        for f, chart in charts.items():
            save_chart(chart, args.out / f)
        print(f"wrote {len(charts)} charts to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
