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

import bisect
import re

from duet_drums.core.chart import DIFFICULTIES, SpanKind
from duet_drums.formats.drum_part import (
    ACCENT,
    BLUE,
    GHOST,
    GREEN4,
    KICK,
    KICK2,
    NORMAL,
    YELLOW,
    Gem,
    RawDrumPart,
    RawSpan,
    checked_bpm,
    last_per_tick,
)
from duet_drums.formats.errors import FormatError, midi_place
from duet_drums.formats.midi_file import TrackChunk, TrackEvents, decode_track, read_midi

DRUM_TRACK = "PART DRUMS"
FALLBACK_DRUM_TRACKS = ("PART DRUM", "PART REAL_DRUMS_PS")
EVENTS_TRACK = "EVENTS"
_KNOWN = (DRUM_TRACK, *FALLBACK_DRUM_TRACKS, EVENTS_TRACK)

# note number -> (difficulty, lane) for the playable gems.
_GEM_NOTES: dict[int, tuple[str, int]] = {}
for _diff, _base in zip(DIFFICULTIES, (60, 72, 84, 96), strict=True):
    _GEM_NOTES[_base - 1] = (_diff, KICK2)
    for _lane in range(6):
        _GEM_NOTES[_base + _lane] = (_diff, _lane)

_TOM_MARKERS = {110: YELLOW, 111: BLUE, 112: GREEN4}
_SPAN_NOTES: dict[int, SpanKind] = {
    103: "solo", 105: "versus1", 106: "versus2", 116: "star", 120: "fill", 121: "fill", 122: "fill",
    123: "fill", 124: "fill", 126: "roll", 127: "roll2"}
_DYNAMICS = ("ENABLE_CHART_DYNAMICS", "[ENABLE_CHART_DYNAMICS]")
DISCO_RE = re.compile(r"^\s*\[?mix[ _]([0-3])[ _]drums([0-5])(d|dnoflip|easy|easynokick|)\]?\s*$")
_SECTION_RE = re.compile(r"^\[(?:section|prc)[ _](.*)\]$|^(?:section|prc)[ _](.*)$")


def section_name(text: str) -> str | None:
    """`[section Verse 1]`, `[prc_chorus_1]` or unbracketed: the name, or None."""
    m = _SECTION_RE.match(text)
    if m is None:
        return None
    name = (m.group(1) if m.group(1) is not None else m.group(2)).replace("_", " ").strip()
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


def _pair(notes: list[tuple[int, int, int, int]]) -> tuple[list[tuple[int, int, int, int]], int]:
    """(start, end, note, velocity) for every note-on closed by a note-off; and how many
    note-ons were never closed."""
    open_notes: dict[int, list[tuple[int, int]]] = {}
    paired: list[tuple[int, int, int, int]] = []
    for tick, note, velocity, channel in notes:
        key = note | channel << 8
        if velocity:
            stack = open_notes.get(key)
            if stack is None:
                open_notes[key] = [(tick, velocity)]
            else:
                stack.append((tick, velocity))
        else:
            stack = open_notes.get(key)
            if stack:
                start, vel = stack.pop()
                paired.append((start, tick, note, vel))
    return paired, sum(len(s) for s in open_notes.values())


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


def _inside(tick: int, starts: list[int], ends: list[int]) -> bool:
    i = bisect.bisect_right(starts, tick) - 1
    return i >= 0 and tick < ends[i]


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
    if events_chunk is not None:
        for tick, text in decode_track(midi, events_chunk, notes=False).texts:
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

    paired, unclosed = _pair(drums.notes)
    if unclosed:
        warnings.append(f"{file}: {unclosed} note-on event(s) in {drums_chunk.label} never end; "
                        "ignored, as the games ignore them")
    raw_gems: list[tuple[str, int, int, int]] = []  # (difficulty, tick, lane, velocity)
    toms: dict[int, list[tuple[int, int]]] = {YELLOW: [], BLUE: [], GREEN4: []}
    spans: list[RawSpan] = []
    gem_notes = _GEM_NOTES
    for start, end, note, velocity in paired:
        hit = gem_notes.get(note)
        if hit is not None:
            raw_gems.append((hit[0], start, hit[1], velocity))
        elif note in _TOM_MARKERS:
            toms[_TOM_MARKERS[note]].append((start, max(end, start + 1)))
        elif note in _SPAN_NOTES:
            kind = _SPAN_NOTES[note]
            spans.append((kind, start, end, roll_difficulties(velocity) if kind.startswith("roll") else None))

    marker_cover = {lane: _covered(intervals) for lane, intervals in toms.items()}
    any_cover = _covered([iv for intervals in toms.values() for iv in intervals])
    gems = RawDrumPart.empty_gems()
    has_markers = False
    for diff, tick, lane, velocity in raw_gems:
        marked = False
        if lane in marker_cover and marker_cover[lane][0]:
            marked = _inside(tick, *marker_cover[lane])
        if not has_markers and any_cover[0]:
            has_markers = _inside(tick, *any_cover)
        dyn = NORMAL
        if dynamics and lane not in (KICK, KICK2):
            dyn = ACCENT if velocity == 127 else GHOST if velocity == 1 else NORMAL
        gem: Gem = (tick, lane, dyn, marked)
        gems[diff].append(gem)
    last = max((n[0] for n in drums.notes), default=0)
    last = max([last] + [t for t, _ in drums.texts])
    return RawDrumPart("mid", midi.ticks_per_beat, tempos, signatures, sections, gems, has_markers,
                       spans, disco, last, warnings=warnings)
