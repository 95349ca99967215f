"""General MIDI drum files: import a DAW export or a recorded performance, export one
a DAW opens.

A GM drum file is not a game chart: one drum track on channel 10, notes named by the GM
percussion map, a tempo map in track 0, maybe section markers. So the importer takes
every note-on on channel 10 (any track; type 0 and type 1 files), maps GM notes to
pieces, and keeps the file's own ticks per quarter as the chart's resolution, so no
note moves by rounding. Notes with no drum piece (cowbell, tambourine...) are skipped
and counted in the warnings.

Velocities: a performance has a velocity on every note, but a chart keeps only those
that make a dynamic (accent or ghost); the others become plain notes. The exporter
writes plain notes at `NORMAL_VELOCITY`, so export-then-import gives the same chart.
Tempo: MIDI stores integer microseconds per quarter, so 114 BPM is 526316 us; the
importer gives back the shortest BPM (up to 3 decimals) that is stored as the same
microseconds, so a round trip keeps "114", not "113.99995".

Kick: GM has two bass drums. The exporter writes the kick as 36 and the 2x kick (second
pedal) as 35; the importer reads 35 as the 2x kick when the file also uses 36, and as
the kick when it is the file's only bass drum (many kits send 35 for the kick). Our
own exports say so in a text event (`KICK2_TEXT`), so a part with only 2x kicks comes
back as it went out.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import mido  # type: ignore[import-untyped]  # mido ships no type hints
from pydantic import ValidationError

from duet_drums.core.atomic import atomic_write_bytes
from duet_drums.core.chart import Chart, Metadata, Note, Part, Section, TempoChange, TimeSignature, sort_notes
from duet_drums.core.jsonfile import format_path
from duet_drums.core.kit import Dynamic, Piece, dynamic_of
from duet_drums.core.safe_read import FileReadError, read_bounded

DRUM_CHANNEL = 9  # "channel 10"
NORMAL_VELOCITY = 100
NOTE_TICKS_PER_QUARTER = 8  # exported note length: a 32nd, cut short before the next hit
MAX_RESOLUTION = 32768
KICK2_TEXT = "duet-drums: note 35 is the 2x kick"
# A drum performance of an hour is well under 1 MB; mido builds a Python object per event,
# so a file of many megabytes would cost gigabytes before it said anything.
MAX_MIDI_BYTES = 4 << 20

EXPORT_NOTES: dict[Piece, int] = {
    Piece.KICK: 36, Piece.KICK2: 35, Piece.SNARE: 38, Piece.HIHAT: 42, Piece.HIHAT_OPEN: 46,
    Piece.HIHAT_PEDAL: 44, Piece.TOM1: 48, Piece.TOM2: 45, Piece.TOM3: 43, Piece.CRASH: 49,
    Piece.RIDE: 51, Piece.CHINA: 52, Piece.SPLASH: 55,
}

# The GM percussion notes that are drum-kit pieces (floor toms 41/43 both go to tom3).
IMPORT_NOTES: dict[int, Piece] = {
    35: Piece.KICK2, 36: Piece.KICK, 37: Piece.SNARE, 38: Piece.SNARE, 40: Piece.SNARE,
    42: Piece.HIHAT, 44: Piece.HIHAT_PEDAL, 46: Piece.HIHAT_OPEN,
    41: Piece.TOM3, 43: Piece.TOM3, 45: Piece.TOM2, 47: Piece.TOM2, 48: Piece.TOM1, 50: Piece.TOM1,
    49: Piece.CRASH, 57: Piece.CRASH, 51: Piece.RIDE, 59: Piece.RIDE, 53: Piece.RIDE,
    52: Piece.CHINA, 55: Piece.SPLASH,
}


Timed = tuple[int, int, "mido.Message | mido.MetaMessage"]
"""(absolute tick, order among the events of that tick, message): sorted into a track."""


class MidiImportError(ValueError):
    """A file that cannot be imported; the message names the file."""


@dataclass
class GmImport:
    chart: Chart
    warnings: list[str] = field(default_factory=list)


# -- export ---------------------------------------------------------------------------------------
def tempo_events(chart: Chart) -> list[Timed]:
    """Track 0 of a type-1 file: the song's name, time signatures and tempo map."""
    events: list[Timed] = [(0, 0, mido.MetaMessage("track_name", name=chart.metadata.title))]
    events += [(s.tick, 1, mido.MetaMessage("time_signature", numerator=s.num, denominator=s.den))
               for s in chart.time_signatures]
    events += [(t.tick, 2, mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(t.bpm))) for t in chart.tempo]
    return events


def end_tick(chart: Chart) -> int:
    """Where the tracks end: a beat after the last note, section or span."""
    spans = [s.end_tick for p in chart.parts.values() for s in p.spans]
    return max([chart.last_tick(), *spans]) + chart.resolution


def to_track(events: Iterable[Timed], end: int) -> mido.MidiTrack:
    """(absolute tick, order within the tick, message) -> a track with delta times."""
    track = mido.MidiTrack()
    now = 0
    for tick, _order, msg in sorted(events, key=lambda e: (e[0], e[1])):
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(0, end - now)))
    return track


def note_events(hits: Iterable[tuple[int, int, int]], length: int, channel: int) -> list[Timed]:
    """(tick, note, velocity) -> note on/off pairs; a note ends before the same note
    sounds again (offs sort before ons on one tick). Notes must be unique per tick."""
    by_note: dict[int, list[tuple[int, int]]] = {}
    for tick, note, velocity in hits:
        by_note.setdefault(note, []).append((tick, velocity))
    events: list[Timed] = []
    for note, items in by_note.items():
        items.sort()
        for i, (tick, velocity) in enumerate(items):
            end = tick + length
            if i + 1 < len(items):
                end = min(end, items[i + 1][0])
            events.append((tick, 1, mido.Message("note_on", channel=channel, note=note, velocity=velocity)))
            events.append((end, 0, mido.Message("note_off", channel=channel, note=note, velocity=0)))
    return events


def _velocity(n: Note) -> int:
    return n.velocity if n.velocity is not None else NORMAL_VELOCITY


def export_general_midi(chart: Chart, part: str, difficulty: str) -> mido.MidiFile:
    """A type-1 file: track 0 holds the tempo map, time signatures and section markers,
    track 1 the drums on channel 10."""
    notes = chart.notes(part, difficulty)
    end = end_tick(chart)
    length = max(1, chart.resolution // NOTE_TICKS_PER_QUARTER)
    markers = [(s.tick, 3, mido.MetaMessage("marker", text=s.name)) for s in chart.sections]
    drums = note_events(((n.tick, EXPORT_NOTES[n.piece], _velocity(n)) for n in notes), length, DRUM_CHANNEL)
    name = mido.MetaMessage("track_name", name=f"Drums ({part} {difficulty})")
    kick2 = mido.MetaMessage("text", text=KICK2_TEXT)
    mid = new_midi_file(chart.resolution)
    mid.tracks.append(to_track([*tempo_events(chart), *markers], end))
    mid.tracks.append(to_track([(0, -2, name), (0, -1, kick2), *drums], end))
    return mid


def new_midi_file(resolution: int) -> mido.MidiFile:
    """A type-1 file whose texts (titles, section names) are written as UTF-8."""
    return mido.MidiFile(type=1, ticks_per_beat=resolution, charset="utf-8")


def midi_bytes(mid: mido.MidiFile) -> bytes:
    buf = io.BytesIO()
    mid.save(file=buf)
    return buf.getvalue()


def write_general_midi(chart: Chart, part: str, difficulty: str, path: str | os.PathLike[str]) -> Path:
    atomic_write_bytes(path, midi_bytes(export_general_midi(chart, part, difficulty)))
    return Path(path)


# -- import ---------------------------------------------------------------------------------------
def bpm_of(us_per_quarter: int) -> float:
    """The shortest BPM that MIDI stores as these microseconds (see the module doc)."""
    exact = 60_000_000 / us_per_quarter
    for decimals in range(4):
        bpm = round(exact, decimals)
        if bpm > 0 and mido.bpm2tempo(bpm) == us_per_quarter:
            return float(bpm)
    return round(exact, 6)


def read_midi_file(path: str | os.PathLike[str]) -> mido.MidiFile:
    """The file parsed by mido; texts are read as UTF-8 (what we and most tools write),
    else as Latin-1. A file over `MAX_MIDI_BYTES`, a FIFO or a device is refused before
    it is read (mido would build an object per event of a huge file, or wait on a pipe
    forever); a file mido cannot parse is a `MidiImportError` naming the byte it
    stopped at."""
    try:
        data = read_bounded(path, MAX_MIDI_BYTES)
    except FileReadError as exc:
        raise MidiImportError(f"{path}: {exc.reason}") from None
    for charset in ("utf-8", "latin1"):
        buf = io.BytesIO(data)
        try:
            return mido.MidiFile(file=buf, clip=True, charset=charset)
        except UnicodeDecodeError:
            continue
        except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise MidiImportError(f"{path}: byte {buf.tell()}: not a readable MIDI file ({exc})") from None
    raise AssertionError("unreachable: latin-1 decodes every byte")


def _absolute(mid: mido.MidiFile) -> list[tuple[int, mido.Message | mido.MetaMessage]]:
    out: list[tuple[int, mido.Message | mido.MetaMessage]] = []
    for track in mid.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            out.append((tick, msg))
    out.sort(key=lambda e: e[0])
    return out


def _tempo_map(events: list[tuple[int, mido.Message | mido.MetaMessage]]
               ) -> tuple[list[TempoChange], list[TimeSignature]]:
    tempos: dict[int, float] = {}
    sigs: dict[int, TimeSignature] = {}
    for tick, msg in events:
        if msg.type == "set_tempo" and msg.tempo > 0:
            tempos[tick] = bpm_of(msg.tempo)
        elif msg.type == "time_signature":
            den = msg.denominator if msg.denominator and not msg.denominator & (msg.denominator - 1) else 4
            sigs[tick] = TimeSignature(tick=tick, num=max(1, min(64, msg.numerator)), den=min(64, den))
    if 0 not in tempos:
        tempos[0] = 120.0  # MIDI's default before the first tempo event
    if 0 not in sigs:
        sigs[0] = TimeSignature(tick=0, num=4, den=4)
    tempo = [TempoChange(tick=t, bpm=min(1000.0, b)) for t, b in sorted(tempos.items())]
    merged = [t for i, t in enumerate(tempo) if i == 0 or t.bpm != tempo[i - 1].bpm]
    return merged, [sigs[t] for t in sorted(sigs)]


def _drum_hits(events: list[tuple[int, mido.Message | mido.MetaMessage]], warnings: list[str]
               ) -> list[tuple[int, int, int]]:
    ons = [(tick, msg) for tick, msg in events if msg.type == "note_on" and msg.velocity > 0]
    drums = [(t, m) for t, m in ons if m.channel == DRUM_CHANNEL]
    if not drums and ons:
        channels = sorted({m.channel + 1 for _, m in ons})
        warnings.append(f"no notes on channel 10 (GM drums); read channel(s) {channels} as drums")
        drums = ons
    return [(t, m.note, m.velocity) for t, m in drums]


def _notes(hits: list[tuple[int, int, int]], warnings: list[str], ours: bool) -> list[Note]:
    mapping = dict(IMPORT_NOTES)
    used = {note for _, note, _ in hits}
    if 35 in used and 36 not in used and not ours:
        mapping[35] = Piece.KICK
    skipped: dict[int, int] = {}
    out: dict[tuple[int, Piece], Note] = {}
    doubled = 0
    for tick, note, velocity in hits:
        piece = mapping.get(note)
        if piece is None:
            skipped[note] = skipped.get(note, 0) + 1
            continue
        kept = velocity if dynamic_of(velocity) is not Dynamic.NORMAL else None
        new = Note(tick=tick, piece=piece, velocity=kept)
        old = out.get((tick, piece))
        if old is not None:
            doubled += 1
            if (old.velocity or NORMAL_VELOCITY) >= velocity:
                continue
        out[(tick, piece)] = new
    if skipped:
        listed = ", ".join(f"{n} ({c}x)" for n, c in sorted(skipped.items()))
        warnings.append(f"skipped {sum(skipped.values())} notes that are not drum-kit pieces: "
                        f"GM notes {listed}")
    if doubled:
        warnings.append(f"merged {doubled} notes that doubled a piece on the same tick (kept the louder)")
    return sort_notes(list(out.values()))


def _title(mid: mido.MidiFile, path: Path) -> str:
    if mid.tracks:
        for msg in mid.tracks[0]:
            if msg.type == "track_name" and msg.name.strip():
                return str(msg.name).strip()
    return path.stem


def read_general_midi(path: str | os.PathLike[str], title: str | None = None, part: str = "lead",
                      difficulty: str = "expert") -> GmImport:
    """A chart whose `part`/`difficulty` holds the file's drums (the others empty)."""
    mid = read_midi_file(path)
    if mid.type == 2:
        raise MidiImportError(f"{path}: a type-2 MIDI file (independent sequences) is not a song")
    if not 0 < mid.ticks_per_beat <= MAX_RESOLUTION:
        raise MidiImportError(f"{path}: {mid.ticks_per_beat} ticks per quarter note is not supported")
    warnings: list[str] = []
    events = _absolute(mid)
    try:
        tempo, sigs = _tempo_map(events)
        ours = any(m.type == "text" and m.text == KICK2_TEXT for _, m in events)
        notes = _notes(_drum_hits(events, warnings), warnings, ours)
        if not notes:
            raise MidiImportError(f"{path}: no drum notes found")
        sections = [Section(tick=t, name=str(m.text).strip()) for t, m in events
                    if m.type in ("marker", "cue_marker") and str(m.text).strip()]
        empty: list[Note] = []
        lanes = {d: empty for d in ("easy", "medium", "hard", "expert")} | {difficulty: notes}
        chart = Chart(
            metadata=Metadata(title=title or _title(mid, Path(path)), resolution=mid.ticks_per_beat),
            tempo=tempo, time_signatures=sigs, sections=sections, parts={part: Part(**lanes)})
    except ValidationError as exc:  # a tick past the largest, a song of a thousand hours...
        first = exc.errors()[0]
        where = format_path(tuple(first["loc"])) or exc.title
        raise MidiImportError(f"{path}: cannot become a chart: {where}: {first['msg']}") from None
    return GmImport(chart, warnings)
