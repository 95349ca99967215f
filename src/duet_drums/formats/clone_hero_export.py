"""Export one part of a chart as a Clone Hero / YARG song folder (notes.mid + song.ini).

Those games have one drum part with four difficulties on a 5-lane pro-drums highway,
so the exported part (the lead, by default) is written to `PART DRUMS` as the community
format has it (shared/reference/chart-formats.md):

- lanes: kick 96 (expert; 84/72/60 below), red 97, yellow 98, blue 99, green 100; the
  2x kick is 95 on expert (below expert a 2x kick is written as the kick);
- yellow/blue/green are cymbals unless tom markers 110/111/112 cover them. The markers
  hold for every difficulty at once, so when difficulties disagree at one tick (a tom
  on easy, a cymbal on expert) the hardest difficulty's shape wins and the export says
  how many gems changed shape;
- `[ENABLE_CHART_DYNAMICS]`, with accents at velocity 127 and ghosts at 1 (kicks carry
  no dynamics in those games);
- the pieces those games have no gem for: the hi-hat pedal is left out; two pieces of
  one lane on one tick (crash and floor tom) keep the more important one;
- star power 116, fills 120-124, solos 103, versus phrases 105/106, rolls 126/127 (a
  roll limited to some difficulties uses the roll velocity rule: 41-50 down to hard,
  31-40 to medium, 21-30 to easy);
- sections as `[section Name]` on the `EVENTS` track, then `[end]`; the tempo map and
  time signatures on track 0.

song.ini gets name, artist, charter, song length, preview start, `delay` (the chart's
audio offset: both mean "chart time 0 is this many ms into the audio"), `pro_drums`,
and a rough drum difficulty tier from expert's notes per second. The author's audio
file, when the chart names one that exists, is copied in as `song.<ext>`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import mido  # type: ignore[import-untyped]  # mido ships no type hints

from duet_drums.core.atomic import atomic_write_bytes, atomic_write_text
from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Span
from duet_drums.core.kit import FIVE_LANE, KICKS, TOMS, Dynamic, Piece
from duet_drums.core.safe_read import FileReadError, leads_outside, read_bounded
from duet_drums.core.tempo import TempoMap
from duet_drums.formats.general_midi import (
    NOTE_TICKS_PER_QUARTER,
    Timed,
    end_tick,
    midi_bytes,
    new_midi_file,
    note_events,
    tempo_events,
    to_track,
)

DRUM_TRACK = "PART DRUMS"
BASE_NOTE = {"easy": 60, "medium": 72, "hard": 84, "expert": 96}
LANE_OFFSET = {"kick": 0, "red": 1, "yellow": 2, "blue": 3, "green": 4}
DOUBLE_KICK_NOTE = 95
TOM_MARKER = {"yellow": 110, "blue": 111, "green": 112}
SPAN_NOTES: dict[str, tuple[int, ...]] = {
    "star": (116,), "fill": (120, 121, 122, 123, 124), "solo": (103,), "versus1": (105,),
    "versus2": (106,), "roll": (126,), "roll2": (127,),
}
ROLL_VELOCITY = {"easy": 25, "medium": 35, "hard": 45, "expert": 100}
ACCENT, GHOST, NORMAL = 127, 1, 100
DYNAMICS_EVENT = "[ENABLE_CHART_DYNAMICS]"
AUDIO_TYPES = (".ogg", ".opus", ".mp3", ".wav")
# A recording copied into a song folder: far above any song, far below what a machine holds.
MAX_AUDIO_BYTES = 1 << 30
# Expert notes per second at which the drum tier goes up (song.ini diff_drums 0-6).
TIER_NPS = (2.0, 3.5, 5.0, 6.5, 8.0, 10.0)
# Which piece of a shared lane survives (the snare and kick never share one).
_LANE_RANK = {p: i for i, p in enumerate((
    Piece.KICK, Piece.SNARE, Piece.CRASH, Piece.CHINA, Piece.SPLASH, Piece.TOM1, Piece.TOM2,
    Piece.TOM3, Piece.HIHAT_OPEN, Piece.RIDE, Piece.HIHAT, Piece.KICK2, Piece.HIHAT_PEDAL))}


class ExportError(ValueError):
    """A chart or folder that cannot be exported; the message says which and why."""


@dataclass
class SongExport:
    folder: Path
    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Gem:
    tick: int
    lane: str
    tom: bool
    note: int
    velocity: int


def _lane(piece: Piece) -> str:
    return FIVE_LANE.lanes[FIVE_LANE.lane_of(piece)].name


def _gems(notes: list[Note], difficulty: str, warnings: list[str]) -> list[_Gem]:
    chosen: dict[tuple[int, str], Note] = {}
    pedals = dropped = 0
    for n in notes:
        if n.piece is Piece.HIHAT_PEDAL:
            pedals += 1
            continue
        key = (n.tick, _lane(n.piece))
        old = chosen.get(key)
        if old is not None:
            dropped += 1
            if _LANE_RANK[old.piece] <= _LANE_RANK[n.piece]:
                continue
        chosen[key] = n
    if pedals:
        warnings.append(f"{difficulty}: left out {pedals} hi-hat pedal notes (no gem for them)")
    if dropped:
        warnings.append(f"{difficulty}: {dropped} notes shared a lane with another on one tick; "
                        "kept one each")
    base = BASE_NOTE[difficulty]
    gems = []
    for (tick, lane), n in sorted(chosen.items()):
        if n.piece is Piece.KICK2 and difficulty == "expert":
            note = DOUBLE_KICK_NOTE
        else:
            note = base + LANE_OFFSET[lane]
        if n.piece in KICKS or n.dynamic is Dynamic.NORMAL:
            velocity = NORMAL
        else:
            velocity = ACCENT if n.dynamic is Dynamic.ACCENT else GHOST
        gems.append(_Gem(tick, lane, n.piece in TOMS, note, velocity))
    return gems


def _dedupe_kicks(gems: list[_Gem]) -> list[_Gem]:
    """Below expert a 2x kick becomes a kick and may land on one already there."""
    seen: set[tuple[int, int]] = set()
    out = []
    for g in gems:
        if (g.tick, g.note) not in seen:
            seen.add((g.tick, g.note))
            out.append(g)
    return out


def _tom_spans(per_diff: dict[str, list[_Gem]], warnings: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Tom marker spans per lane; where difficulties disagree the hardest one decides."""
    shape: dict[tuple[int, str], bool] = {}
    changed = 0
    for diff in reversed(DIFFICULTIES):
        for g in per_diff[diff]:
            if g.lane not in TOM_MARKER:
                continue
            key = (g.tick, g.lane)
            if key not in shape:
                shape[key] = g.tom
            elif shape[key] != g.tom:
                changed += 1
    if changed:
        warnings.append(f"{changed} gems on easier difficulties take the cymbal/tom shape of a harder "
                        "one at the same tick (tom markers hold for every difficulty)")
    spans: dict[str, list[tuple[int, int]]] = {}
    for lane in TOM_MARKER:
        ticks = sorted((t, tom) for (t, ln), tom in shape.items() if ln == lane)
        run: list[int] = []
        out: list[tuple[int, int]] = []
        for t, tom in [*ticks, (-1, False)]:
            if tom:
                run.append(t)
            elif run:
                out.append((run[0], run[-1] + 1))
                run = []
        spans[lane] = out
    return spans


def _merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _span_velocity(span: Span, warnings: list[str]) -> int | None:
    if span.kind not in ("roll", "roll2") or span.difficulties is None:
        return ROLL_VELOCITY["easy"] if span.kind in ("roll", "roll2") else NORMAL
    if "expert" not in span.difficulties:
        warnings.append(f"a {span.kind} at tick {span.tick} without expert cannot be written; left out")
        return None
    lowest = min(span.difficulties, key=DIFFICULTIES.index)
    return ROLL_VELOCITY[lowest]


def _marker_events(spans: dict[int, list[tuple[int, int]]], velocity: dict[tuple[int, int, int], int]
                   ) -> list[Timed]:
    events: list[Timed] = []
    for note, intervals in spans.items():
        for a, b in _merged(intervals):
            v = velocity.get((note, a, b), NORMAL)
            # Before the gems of that tick, so a reader going event by event already
            # knows the gem at the marker's start is a tom.
            events.append((a, -1, mido.Message("note_on", channel=0, note=note, velocity=v)))
            events.append((b, 0, mido.Message("note_off", channel=0, note=note, velocity=0)))
    return events


def drum_track_events(chart: Chart, part: str, warnings: list[str]) -> list[Timed]:
    """Every event of `PART DRUMS` (absolute ticks), for the chosen part."""
    p = chart.parts[part]
    per_diff = {d: _dedupe_kicks(_gems(p.notes(d), d, warnings)) for d in DIFFICULTIES}
    markers: dict[int, list[tuple[int, int]]] = {
        TOM_MARKER[lane]: spans for lane, spans in _tom_spans(per_diff, warnings).items()}
    velocity: dict[tuple[int, int, int], int] = {}
    for span in p.spans:
        v = _span_velocity(span, warnings)
        if v is None:
            continue
        for note in SPAN_NOTES[span.kind]:
            markers.setdefault(note, []).append((span.tick, span.end_tick))
            velocity[(note, span.tick, span.end_tick)] = v
    length = max(1, chart.resolution // NOTE_TICKS_PER_QUARTER)
    hits = [(g.tick, g.note, g.velocity) for d in DIFFICULTIES for g in per_diff[d]]
    events: list[Timed] = [
        (0, -3, mido.MetaMessage("track_name", name=DRUM_TRACK)),
        (0, -2, mido.MetaMessage("text", text=DYNAMICS_EVENT)),
    ]
    events += note_events(hits, length, channel=0)
    events += _marker_events(markers, velocity)
    return events


def _events_track(chart: Chart, end: int) -> list[tuple[int, int, mido.MetaMessage]]:
    events = [(0, 0, mido.MetaMessage("track_name", name="EVENTS"))]
    events += [(s.tick, 1, mido.MetaMessage("text", text=f"[section {s.name}]")) for s in chart.sections]
    events.append((end, 2, mido.MetaMessage("text", text="[end]")))
    return events


def notes_mid(chart: Chart, part: str, warnings: list[str]) -> mido.MidiFile:
    if part not in chart.parts:
        raise ExportError(f"the chart has no part {part!r}; parts: {', '.join(chart.parts)}")
    end = end_tick(chart)
    mid = new_midi_file(chart.resolution)
    mid.tracks.append(to_track(tempo_events(chart), end))
    mid.tracks.append(to_track(drum_track_events(chart, part, warnings), end))
    mid.tracks.append(to_track(_events_track(chart, end), end))
    return mid


def drum_tier(chart: Chart, part: str) -> int:
    length = TempoMap.from_chart(chart).seconds(chart.last_tick())
    nps = len(chart.notes(part, "expert")) / length if length > 0 else 0.0
    return sum(nps >= t for t in TIER_NPS)


def _ini_value(text: str) -> str:
    return " ".join(text.split())


def song_ini(chart: Chart, part: str) -> str:
    tm = TempoMap.from_chart(chart)
    m = chart.metadata
    lines = [
        "[song]",
        f"name = {_ini_value(m.title)}",
        f"artist = {_ini_value(m.artist)}",
        f"charter = {_ini_value(m.charter)}",
        f"song_length = {round(tm.seconds(chart.last_tick()) * 1000)}",
        f"preview_start_time = {round(m.preview_start_ms)}",
        f"delay = {round(m.audio_offset_ms)}",
        "pro_drums = True",
        "five_lane_drums = False",
        f"diff_drums = {drum_tier(chart, part)}",
    ]
    return "\n".join(lines) + "\n"


def export_song(chart: Chart, folder: str | os.PathLike[str], part: str | None = None,
                chart_dir: str | os.PathLike[str] | None = None) -> SongExport:
    """Write notes.mid, song.ini (and the audio, if any) into `folder`.

    `part` defaults to the chart's first part (the lead); `chart_dir` is where a relative
    audio path in the chart is found (the chart file's folder)."""
    name = part or next(iter(chart.parts))
    out = SongExport(Path(folder))
    mid = notes_mid(chart, name, out.warnings)
    out.folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out.folder / "notes.mid", midi_bytes(mid))
    atomic_write_text(out.folder / "song.ini", song_ini(chart, name))
    out.files += [out.folder / "notes.mid", out.folder / "song.ini"]
    audio = chart.metadata.audio
    if audio is None:
        out.warnings.append("the chart names no audio file: the games will play it in silence; put a "
                            f"recording you own in {out.folder} as song.ogg")
        return out
    folder = Path(chart_dir) if chart_dir is not None else Path.cwd()
    source = folder / audio
    if leads_outside(folder, audio):
        out.warnings.append(f"{audio}: the chart's audio file is outside the chart's folder; not copied "
                            f"(put the recording beside the chart, or copy it to {out.folder} yourself)")
    elif source.suffix.lower() not in AUDIO_TYPES:
        out.warnings.append(f"{source}: the games read {', '.join(AUDIO_TYPES)} audio; convert it to "
                            f"song.ogg in {out.folder}")
    elif not source.is_file():
        out.warnings.append(f"{source}: the chart's audio file is not there; copy it to {out.folder} "
                            f"as song{source.suffix.lower()}")
    else:
        target = out.folder / f"song{source.suffix.lower()}"
        try:
            atomic_write_bytes(target, read_bounded(source, MAX_AUDIO_BYTES))
        except FileReadError as exc:
            out.warnings.append(f"{source}: {exc.reason}; not copied")
            return out
        out.files.append(target)
    return out
