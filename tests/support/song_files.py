"""Community song files written to the public spec, for the format tests and the library
benchmark: notes.mid through mido (an independent MIDI writer), .chart and song.ini as text.

A `SongSpec` describes a drum chart the way a charter thinks of it (lanes, cymbal or tom,
accents, ghosts); `notes_mid` and `notes_chart` write the same song in each format, with
each format's own conventions (cymbals by default with tom markers in .mid, toms by
default with cymbal markers in .chart).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from io import BytesIO

import mido

DIFFS = ("easy", "medium", "hard", "expert")
_MID_BASE = {"easy": 60, "medium": 72, "hard": 84, "expert": 96}
_MID_OFFSET = {"kick": 0, "red": 1, "yellow": 2, "blue": 3, "green": 4, "green5": 5, "kick2": -1}
_TOM_MARKER = {"yellow": 110, "blue": 111, "green": 112}
_CHART_LANE = {"kick": 0, "red": 1, "yellow": 2, "blue": 3, "green": 4, "green5": 5, "kick2": 32}
_CHART_CYMBAL = {"yellow": 66, "blue": 67, "green": 68}
_CHART_ACCENT = {"red": 34, "yellow": 35, "blue": 36, "green": 37, "green5": 38}
_CHART_GHOST = {"red": 40, "yellow": 41, "blue": 42, "green": 43, "green5": 44}


@dataclass(frozen=True)
class Gem:
    tick: int
    lane: str  # "kick", "red", "yellow", "blue", "green", "green5" (5-lane green) or "kick2"
    cymbal: bool = False  # yellow/blue/green only
    dynamic: str | None = None  # "accent" | "ghost"


@dataclass
class SongSpec:
    resolution: int = 480
    tempos: list[tuple[int, float]] = field(default_factory=lambda: [(0, 120.0)])
    signatures: list[tuple[int, int, int]] = field(default_factory=lambda: [(0, 4, 4)])
    sections: list[tuple[int, str]] = field(default_factory=list)
    gems: dict[str, list[Gem]] = field(default_factory=lambda: {d: [] for d in DIFFS})
    title: str = "Spec Song"
    artist: str = "Spec Artist"
    charter: str = "Spec Charter"
    # (kind, tick, length) instrument-wide phrases: "star", "solo", "fill", "roll", "roll2",
    # "versus1", "versus2".
    phrases: list[tuple[str, int, int]] = field(default_factory=list)


# A track as absolute-tick events, each the bytes of one MIDI message or meta event
# (meta: b"\xff" + type + data, without the length).
Timed = list[tuple[int, bytes]]


def _note(tick: int, length: int, note: int, velocity: int = 100, channel: int = 9) -> Timed:
    return [(tick, bytes((0x90 | channel, note, velocity))),
            (tick + length, bytes((0x80 | channel, note, 0)))]


def _meta(kind: int, data: bytes) -> bytes:
    return bytes((0xFF, kind)) + data


def _text(text: str) -> bytes:
    return _meta(0x01, text.encode())


def tempo_events(spec: SongSpec) -> Timed:
    events: Timed = [(t, _meta(0x51, round(60_000_000 / bpm).to_bytes(3, "big"))) for t, bpm in spec.tempos]
    events += [(t, _meta(0x58, bytes((n, d.bit_length() - 1, 24, 8)))) for t, n, d in spec.signatures]
    return events


def drum_events(spec: SongSpec, *, dynamics: bool = True) -> Timed:
    events: Timed = []
    if dynamics:
        events.append((0, _text("[ENABLE_CHART_DYNAMICS]")))
    gem_len = max(1, spec.resolution // 8)
    toms: set[tuple[int, str]] = set()
    for diff in DIFFS:
        for gem in spec.gems[diff]:
            vel = {"accent": 127, "ghost": 1}.get(gem.dynamic or "", 100)
            events += _note(gem.tick, gem_len, _MID_BASE[diff] + _MID_OFFSET[gem.lane], vel)
            if gem.lane in _TOM_MARKER and not gem.cymbal:
                toms.add((gem.tick, gem.lane))
    for tick, lane in sorted(toms):
        events += _note(tick, 1, _TOM_MARKER[lane])
    mid_phrases = {"star": 116, "solo": 103, "fill": 120, "roll": 126, "roll2": 127, "versus1": 105,
                   "versus2": 106}
    for kind, tick, length in spec.phrases:
        events += _note(tick, length, mid_phrases[kind])
    return events


def section_events(spec: SongSpec) -> Timed:
    return [(t, _text(f"[section {n}]")) for t, n in spec.sections]


def busy_events(spec: SongSpec, base: int, seed: int) -> Timed:
    """A non-drum part about as busy as the drums, which a drum reader must skip."""
    rng = random.Random(seed)
    events: Timed = []
    for gem in spec.gems["expert"][::2]:
        events += _note(gem.tick, spec.resolution // 4, base + rng.randrange(5), channel=0)
    return events


def song_tracks(spec: SongSpec, *, extra_tracks: bool = False,
                dynamics: bool = True) -> list[tuple[str, Timed]]:
    tracks = [("TEMPO TRACK", tempo_events(spec))]
    if extra_tracks:
        tracks += [("PART GUITAR", busy_events(spec, 95, 1)), ("PART BASS", busy_events(spec, 95, 2))]
    tracks.append(("PART DRUMS", drum_events(spec, dynamics=dynamics)))
    if extra_tracks:
        tracks.append(("PART VOCALS", busy_events(spec, 60, 3)))
    tracks.append(("EVENTS", section_events(spec)))
    return tracks


def midi_track(name: str, events: Timed) -> mido.MidiTrack:
    """mido's own messages from timed bytes, with deltas; stable by tick."""
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("track_name", name=name, time=0))
    now = 0
    for tick, raw in sorted(events, key=lambda e: e[0]):
        if raw[0] == 0xFF:
            msg: mido.Message | mido.MetaMessage = mido.MetaMessage.from_bytes(
                raw[:2] + bytes((len(raw) - 2,)) + raw[2:])
        else:
            msg = mido.Message.from_bytes(raw)
        track.append(msg.copy(time=tick - now))
        now = tick
    return track


def notes_mid(spec: SongSpec, *, extra_tracks: bool = False, dynamics: bool = True) -> bytes:
    """A type-1 notes.mid written by mido: tempo track, PART DRUMS, EVENTS (and with
    `extra_tracks` guitar, bass and vocals parts as busy as the drums)."""
    mid = mido.MidiFile(type=1, ticks_per_beat=spec.resolution)
    for name, events in song_tracks(spec, extra_tracks=extra_tracks, dynamics=dynamics):
        mid.tracks.append(midi_track(name, events))
    out = BytesIO()
    mid.save(file=out)
    return out.getvalue()


def _varlen(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    return bytes(reversed(out))


def notes_mid_fast(spec: SongSpec, *, extra_tracks: bool = False) -> bytes:
    """The same file as `notes_mid`, serialised by hand (mido takes ~0.2 s per song; the
    library benchmark writes a thousand)."""
    chunks = []
    for name, events in song_tracks(spec, extra_tracks=extra_tracks):
        body = bytearray(b"\x00" + _meta(0x03, _varlen(len(name)) + name.encode()))
        now = 0
        for tick, raw in sorted(events, key=lambda e: e[0]):
            body += _varlen(tick - now)
            body += raw[:2] + _varlen(len(raw) - 2) + raw[2:] if raw[0] == 0xFF else raw
            now = tick
        body += b"\x00\xff\x2f\x00"
        chunks.append(b"MTrk" + len(body).to_bytes(4, "big") + bytes(body))
    header = b"MThd" + (6).to_bytes(4, "big") + (1).to_bytes(2, "big") + len(chunks).to_bytes(2, "big")
    return header + spec.resolution.to_bytes(2, "big") + b"".join(chunks)


def notes_chart(spec: SongSpec, *, offset_s: float = 0.0, newline: str = "\n", indent: str = "  ",
                bom: bool = False, extra: str = "") -> bytes:
    lines = ["[Song]", "{", f'{indent}Name = "{spec.title}"', f'{indent}Artist = "{spec.artist}"',
             f'{indent}Charter = "{spec.charter}"', f"{indent}Offset = {offset_s}",
             f"{indent}Resolution = {spec.resolution}", "}", "[SyncTrack]", "{"]
    sync = [(t, f"TS {n}" + ("" if d == 4 else f" {d.bit_length() - 1}")) for t, n, d in spec.signatures]
    sync += [(t, f"B {round(bpm * 1000)}") for t, bpm in spec.tempos]
    lines += [f"{indent}{t} = {ev}" for t, ev in sorted(sync, key=lambda e: e[0])]
    lines += ["}", "[Events]", "{"]
    lines += [f'{indent}{t} = E "section {n}"' for t, n in spec.sections]
    lines += ["}"]
    chart_phrases = {"star": 2, "fill": 64, "roll": 65, "roll2": 66, "versus1": 0, "versus2": 1}
    for diff in DIFFS:
        lines += [f"[{diff.capitalize()}Drums]", "{"]
        body: list[tuple[int, str]] = []
        for gem in spec.gems[diff]:
            body.append((gem.tick, f"N {_CHART_LANE[gem.lane]} 0"))
            if gem.cymbal and gem.lane in _CHART_CYMBAL:
                body.append((gem.tick, f"N {_CHART_CYMBAL[gem.lane]} 0"))
            if gem.dynamic == "accent" and gem.lane in _CHART_ACCENT:
                body.append((gem.tick, f"N {_CHART_ACCENT[gem.lane]} 0"))
            if gem.dynamic == "ghost" and gem.lane in _CHART_GHOST:
                body.append((gem.tick, f"N {_CHART_GHOST[gem.lane]} 0"))
        for kind, tick, length in spec.phrases:
            if kind == "solo":
                body += [(tick, "E solo"), (tick + length - 1, "E soloend")]
            else:
                body.append((tick, f"S {chart_phrases[kind]} {length}"))
        lines += [f"{indent}{t} = {ev}" for t, ev in sorted(body, key=lambda e: e[0])]
        lines += ["}"]
    text = newline.join(lines) + newline + extra
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def song_ini(**fields: object) -> bytes:
    body = "".join(f"{k} = {v}\n" for k, v in fields.items())
    return f"[song]\n{body}".encode()


def groove(bars: int, resolution: int = 480, *, seed: int = 0, toms: bool = True) -> dict[str, list[Gem]]:
    """A plausible drum part: 8th hi-hats, kick/snare backbeat, a crash per phrase, tom fills;
    lower difficulties thinned from expert the way charters do (fewer hats, fewer kicks)."""
    rng = random.Random(seed)
    eighth = resolution // 2
    expert: list[Gem] = []
    for bar in range(bars):
        base = bar * resolution * 4
        fill = toms and bar % 8 == 7
        for k in range(8):
            tick = base + k * eighth
            if fill and k >= 4:
                lane = ("yellow", "blue", "green", "green")[k - 4]
                expert.append(Gem(tick, lane, cymbal=False))
                continue
            if k == 0 and bar % 4 == 0:
                expert.append(Gem(tick, "green", cymbal=True, dynamic="accent"))
            else:
                expert.append(Gem(tick, "yellow", cymbal=True,
                                  dynamic="ghost" if rng.random() < 0.1 else None))
            if k in (0, 3) or (k == 5 and rng.random() < 0.5):
                expert.append(Gem(tick, "kick"))
            if k in (2, 6):
                expert.append(Gem(tick, "red"))
            elif rng.random() < 0.15:
                expert.append(Gem(tick, "red", dynamic="ghost"))
    hard = [g for g in expert if g.lane != "kick" or (g.tick // eighth) % 2 == 0]
    medium = [g for g in hard if g.lane not in ("yellow",) or (g.tick // eighth) % 2 == 0]
    easy = [g for g in medium if g.lane in ("kick", "red", "green")]
    return {"easy": easy, "medium": medium, "hard": hard, "expert": expert}
