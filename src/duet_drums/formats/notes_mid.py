"""The drum part of a Rock Band / Clone Hero / YARG notes.mid.

Follows what the community's reference parsers do (scan-chart, YARG.Core), so a song
counts the same notes here as on the chart sites:

- the drum track is the one named exactly `PART DRUMS` among its tick-0 names (real
  files sometimes carry a bogus first name); `PART DRUM` and `PART REAL_DRUMS_PS` only
  when there is none, as YARG does; `PART DRUMS_2X`, `PART ELITE_DRUMS` and anything
  else are other tracks;
- the tempo map and time signatures come from the first track; sections from `EVENTS`;
- a note is a note-on paired with the next note-off of the same note and channel (last
  opened, first closed); a note-on never closed is dropped, as the games drop it;
- notes 60-66 / 72-78 / 84-90 / 96-102 are easy/medium/hard/expert (the one below each
  kick is its 2x kick); 103 solo, 105/106 versus phrases, 110-112 tom markers (the end
  tick excluded), 116 star power, 120-124 fill, 126/127 rolls (velocity picks the lower
  difficulties); animation notes 24-51 and anything else are ignored;
- velocity 127 / 1 are accents / ghosts only with `[ENABLE_CHART_DYNAMICS]`;
- `[mix D drumsNd]` text events turn disco flip on for difficulty D.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from duet_drums.core.chart import DIFFICULTIES, SpanKind
from duet_drums.formats.drum_part import (
    ACCENT,
    BLUE,
    GHOST,
    GREEN4,
    KICK,
    KICK2,
    YELLOW,
    Gems,
    RawDrumPart,
    RawSpan,
    big_rock_ending,
    checked_bpm,
    coda_tick,
    last_per_tick,
)
from duet_drums.formats.errors import FormatError, midi_place
from duet_drums.formats.midi_file import NoteColumns, TrackChunk, TrackEvents, decode_track, read_midi
from duet_drums.formats.text import strip_tags

DRUM_TRACK = "PART DRUMS"
FALLBACK_DRUM_TRACKS = ("PART DRUM", "PART REAL_DRUMS_PS")
EVENTS_TRACK = "EVENTS"
_KNOWN = (DRUM_TRACK, *FALLBACK_DRUM_TRACKS, EVENTS_TRACK)

# note number -> difficulty index / lane for the playable gems (-1: not a gem).
_GEM_DIFFICULTY = np.full(256, -1, np.int64)
_GEM_LANE = np.full(256, -1, np.int64)
for _index, _base in enumerate((60, 72, 84, 96)):
    _GEM_DIFFICULTY[_base - 1:_base + 6] = _index
    _GEM_LANE[_base - 1] = KICK2
    _GEM_LANE[_base:_base + 6] = np.arange(6)

_TOM_MARKERS = {110: YELLOW, 111: BLUE, 112: GREEN4}
_SPAN_NOTES: dict[int, SpanKind] = {
    103: "solo", 105: "versus1", 106: "versus2", 116: "star", 120: "fill", 121: "fill", 122: "fill",
    123: "fill", 124: "fill", 126: "roll", 127: "roll2"}
_DYNAMICS = ("ENABLE_CHART_DYNAMICS", "[ENABLE_CHART_DYNAMICS]")
DISCO_RE = re.compile(r"^\s*\[?mix[ _]([0-3])[ _]drums([0-5])(d|dnoflip|easy|easynokick|)\]?\s*$")
_SECTION_RE = re.compile(r"^\[(?:section|prc)[ _](.*)\]$|^(?:section|prc)[ _](.*)$")


def section_name(text: str) -> str | None:
    """`[section Verse 1]`, `[prc_chorus_1]` or unbracketed: the name, or None. Rich-text
    tags (`<b>Drop</b>`, as some charters write them) are left out, as the games show it."""
    m = _SECTION_RE.match(text)
    if m is None:
        return None
    name = strip_tags((m.group(1) if m.group(1) is not None else m.group(2)).replace("_", " "))
    return name or None


def disco_state(text: str) -> tuple[str, str] | None:
    """(difficulty, "d" | "off" | "noflip") for a mix event that changes the flip."""
    m = DISCO_RE.match(text)
    if m is None or m.group(3) in ("easy", "easynokick"):
        return None
    state = {"d": "d", "": "off", "dnoflip": "noflip"}[m.group(3)]
    return DIFFICULTIES[int(m.group(1))], state


def roll_difficulties(velocity: int) -> tuple[str, ...]:
    """Rolls live on expert; velocity 21-50 also marks hard, 21-40 medium, 21-30 easy."""
    out = ["expert"]
    if 21 <= velocity <= 50:
        out.append("hard")
    if 21 <= velocity <= 40:
        out.append("medium")
    if 21 <= velocity <= 30:
        out.append("easy")
    return tuple(d for d in DIFFICULTIES if d in out)


def _recognised(track: TrackChunk) -> str | None:
    for name in track.names:
        if name in _KNOWN:
            return name
    return None


def _pick_tracks(tracks: tuple[TrackChunk, ...], file: str,
                 warnings: list[str]) -> tuple[TrackChunk, TrackChunk | None]:
    named: dict[str, list[TrackChunk]] = {}
    for track in tracks:
        name = _recognised(track)
        if name is not None:
            named.setdefault(name, []).append(track)
    drums: TrackChunk | None = None
    for name in (DRUM_TRACK, *FALLBACK_DRUM_TRACKS):
        if name in named:
            drums = named[name][0]
            if name != DRUM_TRACK:
                warnings.append(f"{file}: no {DRUM_TRACK} track; read the drums from {name}")
            if len(named[name]) > 1:
                warnings.append(f"{file}: {len(named[name])} tracks named {name}; read the first")
            break
    if drums is None:
        names = [t.label for t in tracks]
        listed = ", ".join(repr(n) for n in names[:12]) + (", ..." if len(names) > 12 else "")
        raise FormatError(file, f"no drum track (a track named {DRUM_TRACK!r}); the tracks are {listed}",
                          "tracks")
    events = named.get(EVENTS_TRACK, [None])[0]
    return drums, events


def _pair_irregular(velocities: list[int], offset: int, paired: list[tuple[int, int]]) -> int:
    """One note's events in file order, paired the games' way: a note-off closes the last
    note-on still open. Appends (on index, off index) and returns how many stay open."""
    stack: list[int] = []
    for i, velocity in enumerate(velocities, start=offset):
        if velocity:
            stack.append(i)
        elif stack:
            paired.append((stack.pop(), i))
    return len(stack)


def _pair(notes: NoteColumns) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64],
                                       npt.NDArray[np.int64], int]:
    """(starts, ends, notes, velocities) of every note-on closed by a note-off of the same
    note and channel (the last opened closes first), and how many note-ons never close.

    Events are grouped by note and channel (a stable sort keeps file order in a group).
    Almost every group alternates on, off, on, off: those pair as neighbours at once;
    only the odd group (overlaps, stray offs) is paired one event at a time.
    """
    n = len(notes.ticks)
    empty = np.zeros(0, np.int64)
    if n == 0:
        return empty, empty, empty, empty, 0
    order = np.argsort(notes.keys, kind="stable")
    keys = notes.keys[order]
    ticks = notes.ticks[order]
    velocities = notes.velocities[order].astype(np.int64)
    first = np.empty(n, bool)
    first[0] = True
    first[1:] = keys[1:] != keys[:-1]
    group = np.cumsum(first) - 1
    starts = np.flatnonzero(first)
    lengths = np.diff(np.append(starts, n))
    position = np.arange(n) - starts[group]
    out_of_turn = (velocities > 0) != (position % 2 == 0)
    irregular = np.bincount(group[out_of_turn], minlength=len(starts)) > 0
    irregular |= lengths % 2 == 1
    regular = np.flatnonzero(~irregular[group])
    on_at, off_at = regular[0::2], regular[1::2]
    unclosed = 0
    if irregular.any():
        extra: list[tuple[int, int]] = []
        for g in np.flatnonzero(irregular).tolist():
            lo, hi = int(starts[g]), int(starts[g]) + int(lengths[g])
            unclosed += _pair_irregular(velocities[lo:hi].tolist(), lo, extra)
        if extra:
            more = np.array(extra, dtype=np.int64).T
            on_at = np.concatenate([on_at, more[0]])
            off_at = np.concatenate([off_at, more[1]])
    note_numbers = keys[on_at] & 0xFF
    return ticks[on_at], ticks[off_at], note_numbers, velocities[on_at], unclosed


def _covered(intervals: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Merge [start, end) intervals; returns parallel start/end lists for bisect."""
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(intervals):
        if starts and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _inside(ticks: npt.NDArray[np.int64], cover: tuple[list[int], list[int]]) -> npt.NDArray[np.bool_]:
    starts, ends = cover
    if not starts:
        return np.zeros(len(ticks), bool)
    i = np.searchsorted(np.asarray(starts), ticks, side="right") - 1
    return (i >= 0) & (ticks < np.asarray(ends)[np.maximum(i, 0)])


def _tempo_map(track0: TrackEvents, label: str, file: str, warnings: list[str]
               ) -> tuple[list[tuple[int, float]], list[tuple[int, int, int]]]:
    tempos: list[tuple[int, float]] = []
    for tick, micros in last_per_tick(track0.tempos):
        if micros == 0:
            raise FormatError(file, "tempo of 0 µs per quarter note", midi_place(label, tick))
        tempos.append((tick, checked_bpm(60_000_000 / micros, file, midi_place(label, tick))))
    if not tempos or tempos[0][0] != 0:
        tempos.insert(0, (0, 120.0))
    signatures: list[tuple[int, int, int]] = []
    for tick, num, exponent in last_per_tick(track0.time_signatures):
        if not 1 <= num <= 64 or exponent > 6:
            warnings.append(f"{file}: {midi_place(label, tick)}: time signature {num}/2^{exponent} "
                            "cannot be shown; ignored")
            continue
        signatures.append((tick, num, 1 << exponent))
    if not signatures or signatures[0][0] != 0:
        signatures.insert(0, (0, 4, 4))
    return tempos, signatures


def read_notes_mid(data: bytes, file: str) -> RawDrumPart:
    midi = read_midi(data, file)
    warnings = list(midi.warnings)
    drums_chunk, events_chunk = _pick_tracks(midi.tracks, file, warnings)
    track0 = midi.tracks[0]
    drums = decode_track(midi, drums_chunk)
    tempo_events = drums if drums_chunk is track0 else decode_track(midi, track0, notes=False)
    tempos, signatures = _tempo_map(tempo_events, track0.label, file, warnings)
    sections: list[tuple[int, str]] = []
    song_events = decode_track(midi, events_chunk, notes=False).texts if events_chunk is not None else []
    for tick, text in song_events:
        name = section_name(text)
        if name is not None:
            sections.append((tick, name))
    sections.sort(key=lambda s: s[0])

    dynamics = any(text in _DYNAMICS for _, text in drums.texts)
    disco: dict[str, list[tuple[int, str]]] = {}
    for tick, text in drums.texts:
        state = disco_state(text)
        if state is not None:
            disco.setdefault(state[0], []).append((tick, state[1]))

    starts, ends, numbers, velocities, unclosed = _pair(drums.notes)
    if unclosed:
        warnings.append(f"{file}: {unclosed} note-on event(s) in {drums_chunk.label} never end; "
                        "ignored, as the games ignore them")
    toms: dict[int, list[tuple[int, int]]] = {YELLOW: [], BLUE: [], GREEN4: []}
    spans: list[RawSpan] = []
    special = np.flatnonzero(numbers >= 103)
    rows = zip(starts[special].tolist(), ends[special].tolist(), numbers[special].tolist(),
               velocities[special].tolist(), strict=True)
    for start, end, note, velocity in rows:
        if note in _TOM_MARKERS:
            toms[_TOM_MARKERS[note]].append((start, max(end, start + 1)))
        elif note in _SPAN_NOTES:
            kind = _SPAN_NOTES[note]
            spans.append((kind, start, end, roll_difficulties(velocity) if kind.startswith("roll") else None))

    difficulty = _GEM_DIFFICULTY[np.minimum(numbers, 255)]
    gem = difficulty >= 0
    ticks, lanes, velocities = starts[gem], _GEM_LANE[numbers[gem]], velocities[gem]
    difficulty = difficulty[gem]
    dynamics_col = np.zeros(len(ticks), np.int64)
    if dynamics:
        hands = (lanes != KICK) & (lanes != KICK2)
        dynamics_col[hands & (velocities == 127)] = ACCENT
        dynamics_col[hands & (velocities == 1)] = GHOST
    marked = np.zeros(len(ticks), bool)
    has_markers = False
    if any(toms.values()):
        has_markers = bool(_inside(ticks, _covered([iv for ivs in toms.values() for iv in ivs])).any())
        for lane, intervals in toms.items():
            on_lane = lanes == lane
            marked[on_lane] = _inside(ticks[on_lane], _covered(intervals))
    gems = {diff: Gems(ticks[difficulty == i], lanes[difficulty == i], dynamics_col[difficulty == i],
                       marked[difficulty == i]) for i, diff in enumerate(DIFFICULTIES)}
    last = max(int(drums.notes.ticks[-1]) if len(drums.notes.ticks) else 0,
               drums.texts[-1][0] if drums.texts else 0)
    spans = big_rock_ending(spans, coda_tick(song_events))
    return RawDrumPart("mid", midi.ticks_per_beat, tempos, signatures, sections, gems, has_markers,
                       spans, disco, last, warnings=warnings)
