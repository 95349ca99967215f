"""The synthesized backing: click + count-in, bass on the chord roots, a soft chord pad.

Why synthesize: songs' own recordings are never shipped, so a chart must be playable out
of the box, and practice mode must be able to slow a song down *exactly*. Everything is
placed by the tempo map at ``(song_time - start_time) * rate / speed`` (rounded to the
nearest sample), so at 70 % every onset lands at its chart time / 0.7 while the pitch stays
put (we synthesize at the slowed times instead of stretching audio).

Pure numpy, deterministic (no randomness), and quick: bass notes are cut from one
pre-rendered note per pitch, the pad is rendered at a quarter of the sample rate and
interpolated up (its partials stay far below that Nyquist), so a three-minute song renders
in a fraction of a second. Results are cached by (chart hash, speed, options).

The "quiet count" drill drops the click out for bars at a time (`quiet`: the song-time
spans where it is silent; the count-in always plays): the bass and pad go on, so the
pair still hears the song, but nobody hears the beat they must keep.

Sound design: every event has a short attack ramp and a release fade so nothing clicks;
the mix is scaled down only if its peak would exceed 0.98 (never clipped).
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from duet_drums.audio.track import BackingTrack
from duet_drums.core.chart import Chart, chart_hash
from duet_drums.core.drills import is_within
from duet_drums.core.kit import KICKS
from duet_drums.core.tempo import TempoMap

F32 = npt.NDArray[np.float32]

CHORD_QUALITIES: dict[str, tuple[int, ...]] = {
    "": (0, 4, 7),
    "m": (0, 3, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
}
_NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_CHORD_RE = re.compile(r"^([A-G])([#b]?)(m|maj7|m7|7|sus2|sus4|dim|aug)?$")


@dataclass(frozen=True, slots=True)
class ChordTones:
    name: str
    root: int  # pitch class, C = 0
    intervals: tuple[int, ...]

    def pitch_classes(self) -> tuple[int, ...]:
        return tuple((self.root + i) % 12 for i in self.intervals)


def parse_chord(name: str) -> ChordTones:
    """"Cm7" -> root 0, intervals (0, 3, 7, 10). Same grammar as the chart schema."""
    m = _CHORD_RE.match(name)
    if not m:
        raise ValueError(f"unknown chord {name!r} (expected e.g. C, F#m, Bbmaj7, Gsus4)")
    letter, accidental, quality = m.group(1), m.group(2), m.group(3) or ""
    root = (_NOTE_PC[letter] + {"#": 1, "b": -1, "": 0}[accidental]) % 12
    return ChordTones(name, root, CHORD_QUALITIES[quality])


def midi_hz(note: float) -> float:
    return float(440.0 * 2.0 ** ((note - 69) / 12))


def bass_note(root_pc: int) -> int:
    """The root in A1..G#2 (55-104 Hz): low enough to sit under the kit, high enough
    for laptop speakers to hint at it."""
    return 33 + (root_pc - 9) % 12


def pad_notes(chord: ChordTones) -> list[int]:
    """Close voicing around middle C: root in F3..E4, the other tones stacked above."""
    root = 53 + (chord.root - 5) % 12
    return [root + i for i in chord.intervals]


# -- events ---------------------------------------------------------------------------------
def click_events(chart: Chart, tempo: TempoMap | None = None) -> list[tuple[float, bool]]:
    """(song seconds, accent) of every click: the count-in before 0, then every beat to
    the end of the chart; accents on each measure's first beat."""
    tempo = tempo or TempoMap.from_chart(chart)
    out: list[tuple[float, bool]] = []
    n = chart.metadata.backing.count_in_beats
    if n:
        beat_s = _first_beat_seconds(chart, tempo)
        num = tempo.time_signatures[0][1]
        out += [(-(n - i) * beat_s, i % num == 0) for i in range(n)]
    for line in tempo.grid(0, chart.last_tick()):
        out.append((line.seconds, line.measure is not None))
    return out


def _first_beat_seconds(chart: Chart, tempo: TempoMap) -> float:
    _, _, den = tempo.time_signatures[0]
    return 60.0 / tempo.bpms[0] * 4 / den


def bass_events(chart: Chart, tempo: TempoMap | None = None) -> list[tuple[float, int]]:
    """(song seconds, MIDI note) of every bass note: the current chord's root on the lead
    part's expert kicks ("kick") or on every eighth note ("eighths")."""
    tempo = tempo or TempoMap.from_chart(chart)
    backing = chart.metadata.backing
    if backing.bass == "none" or not backing.chords:
        return []
    if backing.bass == "kick":
        part = chart.parts.get("lead") or next(iter(chart.parts.values()))
        ticks = sorted({n.tick for n in part.expert if n.piece in KICKS})
    else:
        step = max(1, chart.resolution // 2)
        ticks = list(range(0, chart.last_tick() + 1, step))
    chord_ticks = [c.tick for c in backing.chords]
    roots = [bass_note(parse_chord(c.name).root) for c in backing.chords]
    idx = np.searchsorted(chord_ticks, ticks, side="right") - 1
    secs = tempo.seconds_array(ticks)
    return [(float(s), roots[i]) for s, i in zip(secs, idx, strict=True) if i >= 0]


def chord_spans(chart: Chart, tempo: TempoMap | None = None, end_s: float | None = None
                ) -> list[tuple[float, float, ChordTones]]:
    """(start s, end s, chord) for the pad; the last chord lasts to `end_s`."""
    tempo = tempo or TempoMap.from_chart(chart)
    chords = chart.metadata.backing.chords
    end = tempo.seconds(chart.last_tick()) + 1.0 if end_s is None else end_s
    out = []
    for i, c in enumerate(chords):
        start = tempo.seconds(c.tick)
        stop = tempo.seconds(chords[i + 1].tick) if i + 1 < len(chords) else end
        if stop > start:
            out.append((start, stop, parse_chord(c.name)))
    return out


# -- sounds ---------------------------------------------------------------------------------
def synth_click(sample_rate: int, accent: bool) -> F32:
    """A short woodblock-like tick: 0.5 ms attack, ~10 ms decay, silent after 40 ms."""
    n = int(0.040 * sample_rate)
    t = np.arange(n) / sample_rate
    f = 1760.0 if accent else 1320.0
    env = np.exp(-t / 0.010) * np.minimum(1.0, t / 0.0005)
    wave = np.sin(2 * np.pi * f * t) + 0.3 * np.sin(2 * np.pi * 2.5 * f * t)
    out = (env * wave / 1.3).astype(np.float32)
    out[-int(0.005 * sample_rate):] *= np.linspace(1, 0, int(0.005 * sample_rate), dtype=np.float32)
    return out


def _bass_voice(note: int, sample_rate: int, max_s: float) -> F32:
    n = int(max_s * sample_rate)
    t = np.arange(n) / sample_rate
    ph = 2 * np.pi * midi_hz(note) * t
    wave = np.sin(ph) + 0.45 * np.sin(2 * ph) + 0.18 * np.sin(3 * ph)
    env = np.minimum(1.0, t / 0.004) * (0.55 + 0.45 * np.exp(-t / 0.08)) * np.exp(-t / 1.2)
    return (env * wave / 1.63).astype(np.float32)


def _fade_out(n: int, sample_rate: int, seconds: float = 0.015) -> F32:
    k = min(n, max(1, int(seconds * sample_rate)))
    env = np.ones(n, np.float32)
    env[n - k:] = np.cos(np.linspace(0, np.pi / 2, k)) ** 2
    return env


def _add(dst: F32, at: int, src: F32) -> None:
    """dst[at:at+len(src)] += src, clipped to dst's bounds."""
    lo, hi = max(0, at), min(len(dst), at + len(src))
    if hi > lo:
        dst[lo:hi] += src[lo - at:hi - at]


def _render_pad(spans: list[tuple[int, int, ChordTones]], n: int, sample_rate: int) -> F32:
    """Stereo pad (n, 2). Rendered at rate/4 and linearly interpolated up: its partials
    are below 1.5 kHz, so the interpolation images sit ~50 dB down."""
    factor = 4 if sample_rate % 4 == 0 else 1
    sr = sample_rate // factor
    m = n // factor + 2
    low = np.zeros((m, 2), np.float32)
    attack, release = 0.35, 0.6
    for start, stop, chord in spans:
        a, b = start // factor, stop // factor
        rel = int(release * sr)
        length = b - a + rel
        if length <= 0:
            continue
        t = np.arange(length, dtype=np.float32) / np.float32(sr)
        env = np.minimum(1.0, t / attack)
        env[b - a:] *= np.cos(np.linspace(0, np.pi / 2, rel, dtype=np.float32)) ** 2
        env *= np.float32(0.85) + np.float32(0.15) * np.cos(np.float32(2 * np.pi * 0.25) * t)
        notes = pad_notes(chord)
        tone = np.zeros((length, 2), np.float32)
        for ch, detune in ((0, -0.0012), (1, 0.0012)):
            for note in notes:
                w = np.float32(2 * np.pi * midi_hz(note) * (1 + detune)) * t
                tone[:, ch] += np.sin(w) + np.float32(0.18) * np.sin(2 * w)
        tone *= (env / np.float32(len(notes) * 1.18))[:, None]
        _add(low, a, tone)
    if factor == 1:
        return low[:n]
    frac = np.arange(factor, dtype=np.float32) / factor
    out = np.empty((n, 2), np.float32)
    for ch in range(2):
        x = low[:, ch]
        up = (x[:-1, None] + (x[1:] - x[:-1])[:, None] * frac[None, :]).ravel()
        out[:, ch] = up[:n]
    return out


# -- the render -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BackingVolumes:
    click: float = 0.5
    bass: float = 0.55
    pad: float = 0.22


_CACHE: OrderedDict[tuple[object, ...], BackingTrack] = OrderedDict()
_CACHE_SIZE = 4


def render_backing(
    chart: Chart,
    sample_rate: int = 48000,
    speed: float = 1.0,
    *,
    click: bool | None = None,
    volumes: BackingVolumes | None = None,
    click_sounds: tuple[F32, F32] | None = None,
    lead_in: float = 0.5,
    tail: float = 2.0,
    quiet: tuple[tuple[float, float], ...] = (),
) -> BackingTrack:
    """Render the backing of `chart` at `speed` (0.5..1.0 for practice; 1.0 = full speed).

    `click=None` follows the chart's ``metadata.backing.click``. `click_sounds` are the
    (normal, accent) click samples at `sample_rate` (e.g. assets/samples/click*.wav);
    without them a click is synthesized. The track starts `lead_in` seconds before the
    count-in and ends `tail` seconds after the chart's last tick (song seconds).
    `quiet`: [start, end) song-second spans in which no click sounds.
    """
    if not 0.1 <= speed <= 4.0:
        raise ValueError(f"speed {speed} out of range")
    volumes = volumes or BackingVolumes()
    click = chart.metadata.backing.click if click is None else click
    sounds_key = None if click_sounds is None else tuple(hash(c.tobytes()) for c in click_sounds)
    key: tuple[object, ...] = (chart_hash(chart), sample_rate, round(speed, 6), click, volumes,
                               lead_in, tail, sounds_key, tuple(quiet))
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    track = _render(chart, sample_rate, speed, click, volumes, click_sounds, lead_in, tail, quiet)
    _CACHE[key] = track
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return track


def audible_clicks(chart: Chart, tempo: TempoMap, quiet: tuple[tuple[float, float], ...] = ()
                   ) -> list[tuple[float, bool]]:
    """`click_events` without those inside a quiet span (the count-in, before 0, always
    plays: it is how the pair knows the tempo to keep)."""
    events = click_events(chart, tempo)
    if not quiet:
        return events
    return [(s, acc) for s, acc in events if s < 0 or not is_within(quiet, s)]


def _render(chart: Chart, sample_rate: int, speed: float, click: bool, volumes: BackingVolumes,
            click_sounds: tuple[F32, F32] | None, lead_in: float, tail: float,
            quiet: tuple[tuple[float, float], ...]) -> BackingTrack:
    tempo = TempoMap.from_chart(chart)
    count_in = chart.metadata.backing.count_in_beats
    start_time = -(count_in * _first_beat_seconds(chart, tempo) if count_in else 0.0) - lead_in
    end_time = tempo.seconds(chart.last_tick()) + tail
    n = math.ceil((end_time - start_time) * sample_rate / speed)

    def at(song_s: float) -> int:
        return round((song_s - start_time) * sample_rate / speed)

    mono = np.zeros(n, np.float32)
    if click and volumes.click > 0:
        normal, accent = click_sounds or (synth_click(sample_rate, False), synth_click(sample_rate, True))
        normal = normal * np.float32(volumes.click * 0.8)
        accent = accent * np.float32(volumes.click)
        for s, acc in audible_clicks(chart, tempo, quiet):
            _add(mono, at(s), accent if acc else normal)
    if volumes.bass > 0:
        events = bass_events(chart, tempo)
        max_s = 0.6
        voices: dict[int, F32] = {}
        for i, (s, note) in enumerate(events):
            start = at(s)
            nxt = at(events[i + 1][0]) if i + 1 < len(events) else start + int(max_s * sample_rate)
            length = min(nxt - start - int(0.002 * sample_rate), int(max_s * sample_rate))
            if length <= 0:
                continue
            if note not in voices:
                voices[note] = _bass_voice(note, sample_rate, max_s) * np.float32(volumes.bass)
            _add(mono, start, voices[note][:length] * _fade_out(length, sample_rate))
    spans = [(at(a), at(b), c) for a, b, c in chord_spans(chart, tempo, end_time - tail / 2)]
    if volumes.pad > 0 and spans:
        out = _render_pad(spans, n, sample_rate)
        out *= np.float32(volumes.pad)
        out += mono[:, None]
    else:
        out = np.empty((n, 2), np.float32)
        out[:, 0] = mono
        out[:, 1] = mono
    peak = float(np.max(np.abs(out))) if n else 0.0
    if peak > 0.98:
        out *= np.float32(0.98 / peak)
    out.flags.writeable = False
    return BackingTrack(out, start_time, speed, sample_rate, f"synth:{chart.metadata.title}")
