"""The synthesized backing: onsets on the right samples at 100 % and 70 %, chords, bass."""

from __future__ import annotations

import itertools
import time
from typing import Any

import numpy as np
import pytest

from duet_drums.audio import backing
from duet_drums.audio.backing import (
    CHORD_QUALITIES,
    BackingVolumes,
    bass_events,
    bass_note,
    click_events,
    midi_hz,
    parse_chord,
    render_backing,
)
from duet_drums.core.chart import Chart, parse_chart
from duet_drums.core.tempo import TempoMap

RATE = 48000


def make_chart(*, seconds: float = 20, bpm: float = 120.0, count_in: int = 4, bass: str = "kick",
               chords: list[dict[str, Any]] | None = None, tempo_change: bool = True,
               num: int = 4, click: bool = True) -> Chart:
    res = 480
    beats = int(seconds * bpm / 60)
    notes = [{"tick": b * res, "piece": "kick" if b % 2 == 0 else "snare"} for b in range(beats)]
    if chords is None:
        names = ["C", "Am", "F", "G7"]
        chords = [{"tick": m * num * res, "name": names[m % 4]} for m in range(beats // num)]
    tempo = [{"tick": 0, "bpm": bpm}]
    if tempo_change:
        tempo.append({"tick": (beats // 2) * res + res // 3, "bpm": bpm * 1.25})
    data = {
        "format": 1,
        "metadata": {"title": "Backing test", "backing": {
            "count_in_beats": count_in, "chords": chords, "bass": bass, "click": click}},
        "tempo": tempo,
        "time_signatures": [{"tick": 0, "num": num, "den": 4}],
        "parts": {"lead": {"easy": [], "medium": [], "hard": [], "expert": notes},
                  "partner": {"easy": [], "medium": [], "hard": [], "expert": notes[::2]}},
    }
    return parse_chart(data)


def onsets(x: np.ndarray, threshold: float = 0.02, min_gap: int = 4800) -> np.ndarray:
    """First sample of each burst of sound after at least `min_gap` quieter samples."""
    loud = np.flatnonzero(np.abs(x) > threshold)
    if len(loud) == 0:
        return loud
    starts = [loud[0]] + [b for a, b in itertools.pairwise(loud) if b - a > min_gap]
    return np.array(starts)


CLICK_ONLY = BackingVolumes(click=0.5, bass=0.0, pad=0.0)


@pytest.mark.parametrize("speed", [1.0, 0.7])
def test_click_onsets_land_on_the_beat(speed: float) -> None:
    chart = make_chart()
    track = render_backing(chart, RATE, speed, volumes=CLICK_ONLY)
    tempo = TempoMap.from_chart(chart)
    beats = [s for s, _ in click_events(chart, tempo)]
    # The count-in: 4 beats at 120 BPM before 0, so the track starts before -2 s.
    assert beats[:5] == pytest.approx([-2.0, -1.5, -1.0, -0.5, 0.0])
    assert track.start_time < -2.0
    expected = np.array([round((s - track.start_time) * RATE / speed) for s in beats])
    found = onsets(track.samples[:, 0])
    assert len(found) == len(expected)
    err_ms = (found - expected) / RATE * 1000
    assert np.all(np.abs(err_ms) < 1.0), err_ms
    # Each onset, mapped back through the track's own rule, is at its song time.
    assert [track.song_time_of(f) for f in found] == pytest.approx(beats, abs=0.001)


def test_accents_on_the_first_beat_of_each_measure() -> None:
    chart = make_chart(num=3, tempo_change=False, count_in=3)
    track = render_backing(chart, RATE, 1.0, volumes=CLICK_ONLY)
    events = click_events(chart)
    peaks = [float(np.max(np.abs(track.samples[track.frame_of(s):track.frame_of(s) + 2000, 0])))
             for s, _ in events]
    accents = [acc for _, acc in events]
    assert accents[:7] == [True, False, False, True, False, False, True]
    loud = np.mean([p for p, a in zip(peaks, accents, strict=True) if a])
    soft = np.mean([p for p, a in zip(peaks, accents, strict=True) if not a])
    assert loud > soft * 1.1


def test_chord_parsing_every_quality() -> None:
    expected = {"": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10), "maj7": (0, 4, 7, 11),
                "m7": (0, 3, 7, 10), "sus2": (0, 2, 7), "sus4": (0, 5, 7), "dim": (0, 3, 6),
                "aug": (0, 4, 8)}
    assert set(expected) == set(CHORD_QUALITIES)
    for quality, intervals in expected.items():
        assert parse_chord(f"D{quality}").intervals == intervals
    assert parse_chord("Cm7").root == 0
    assert parse_chord("F#").root == 6
    assert parse_chord("Gb").root == 6
    assert parse_chord("Bbmaj7").root == 10
    assert parse_chord("Cb").root == 11
    assert parse_chord("B#").root == 0
    assert parse_chord("Gsus4").pitch_classes() == (7, 0, 2)
    with pytest.raises(ValueError, match="unknown chord"):
        parse_chord("H7")


def dominant_hz(x: np.ndarray) -> float:
    win = x * np.hanning(len(x))
    spec = np.abs(np.fft.rfft(win, n=len(x) * 4))
    return float(np.argmax(spec) * RATE / (len(x) * 4))


@pytest.mark.parametrize("speed", [1.0, 0.7])
def test_bass_plays_the_chord_root_on_the_kicks(speed: float) -> None:
    chords = [{"tick": 0, "name": "E"}, {"tick": 480 * 8, "name": "Bbmaj7"},
              {"tick": 480 * 16, "name": "F#m7"}]
    chart = make_chart(seconds=12, chords=chords, tempo_change=False, count_in=0)
    track = render_backing(chart, RATE, speed, click=False, volumes=BackingVolumes(bass=0.6, pad=0.0))
    kicks = [n.tick for n in chart.parts["lead"].expert if n.piece == "kick"]
    tempo = TempoMap.from_chart(chart)
    events = bass_events(chart)
    assert [s for s, _ in events] == pytest.approx([tempo.seconds(t) for t in kicks])
    found = onsets(track.samples[:, 0], threshold=0.01, min_gap=2000)
    expected = np.array([track.frame_of(s) for s, _ in events])
    assert len(found) == len(expected)
    assert np.all(np.abs(found - expected) < RATE / 1000)
    # Pitch: the root (E1/E2 range for E, Bb, F#) at the same pitch whatever the speed.
    for s, note in events[:: 3]:
        a = track.frame_of(s) + 200
        hz = dominant_hz(track.samples[a:a + 9600, 0])
        assert hz == pytest.approx(midi_hz(note), rel=0.03)
    assert {n for _, n in events} == {bass_note(4), bass_note(10), bass_note(6)}


def test_bass_on_eighths_and_none() -> None:
    chart = make_chart(seconds=4, bass="eighths", tempo_change=False, count_in=0)
    secs = [s for s, _ in bass_events(chart)]
    assert np.diff(secs) == pytest.approx(0.25)
    assert bass_events(make_chart(seconds=4, bass="none")) == []


def test_pad_sounds_the_chord_tones() -> None:
    chords = [{"tick": 0, "name": "Am"}]
    chart = make_chart(seconds=6, chords=chords, bass="none", tempo_change=False, count_in=0)
    track = render_backing(chart, RATE, 1.0, click=False, volumes=BackingVolumes(bass=0.0, pad=0.5))
    a = track.frame_of(2.0)
    x = track.samples[a:a + RATE, 0].astype(np.float64)
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    top = sorted(freqs[np.argsort(spec)[-40:]])
    pcs = {round(12 * np.log2(f / 440.0) + 69) % 12 for f in top if 100 < f < 1000}
    assert pcs == {9, 0, 4}  # A, C, E
    # Slow attack: no sound pops in at the chord's start.
    start = track.frame_of(0.0)
    assert np.max(np.abs(track.samples[start:start + 480])) < 0.02


def test_full_mix_never_clips_and_is_deterministic() -> None:
    chart = make_chart(seconds=30)
    loud = BackingVolumes(click=1.0, bass=1.0, pad=1.0)
    a = render_backing(chart, RATE, 1.0, volumes=loud)
    backing._CACHE.clear()
    b = render_backing(chart, RATE, 1.0, volumes=loud)
    assert a is not b
    assert np.array_equal(a.samples, b.samples)
    assert float(np.max(np.abs(a.samples))) <= 0.98 + 1e-6
    assert a.samples.dtype == np.float32 and a.samples.shape[1] == 2
    # No click at the edges: the first and last few ms are (near) silent.
    assert np.max(np.abs(a.samples[:100])) < 1e-3
    assert np.max(np.abs(a.samples[-100:])) < 1e-3


def test_cached_by_chart_and_speed() -> None:
    chart = make_chart(seconds=10)
    a = render_backing(chart, RATE, 0.8)
    assert render_backing(chart, RATE, 0.8) is a
    assert render_backing(chart, RATE, 0.9) is not a
    assert not a.samples.flags.writeable


def test_three_minute_song_renders_quickly() -> None:
    chart = make_chart(seconds=180, tempo_change=False)
    t = time.perf_counter()
    track = render_backing(chart, RATE, 0.7)
    elapsed = time.perf_counter() - t
    assert track.end_time > 180
    # Not a benchmark (bench/ has numbers); a generous bound that catches an O(n^2) slip.
    assert elapsed < 5.0
