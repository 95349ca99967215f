"""A community song's stems: decoded in-process, mixed at the device rate, drums at the
configured gain, the chart's offset applied, cached on disk, bad stems reported.

The stems are real files written by soundfile (WAV, OGG Vorbis, FLAC), each carrying one
click at a known time, so every check reads the rendered samples.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile

from duet_drums.audio.audio_cache import AudioCache
from duet_drums.audio.decode import DecodeCancelled, DecodeError, decode_file
from duet_drums.audio.stems import StemMix, load_stems

RATE = 48000


def write_stem(path: Path, clicks: dict[float, float], seconds: float = 2.0, rate: int = RATE,
               channels: int = 2) -> None:
    """A stem of silence with a short click (amplitude by time in seconds); written in
    blocks, as libsndfile's Vorbis encoder wants."""
    x = np.zeros((int(seconds * rate), channels), np.float32)
    for at, amp in clicks.items():
        i = int(at * rate)
        x[i: i + 8] = amp
    fmt = {".ogg": "OGG", ".wav": "WAV", ".flac": "FLAC"}[path.suffix]
    subtype = {"OGG": "VORBIS", "WAV": "FLOAT", "FLAC": "PCM_16"}[fmt]
    with soundfile.SoundFile(str(path), "w", rate, channels, format=fmt, subtype=subtype) as fh:
        for k in range(0, len(x), 4096):
            fh.write(x[k: k + 4096])


def peak_time(track_samples: np.ndarray, start: int = 0, stop: int | None = None) -> int:
    """Where the click begins: the first sample above half its height."""
    seg = np.abs(track_samples[start:stop, 0])
    return start + int(np.argmax(seg > 0.5 * seg.max()))


@pytest.fixture
def song(tmp_path: Path) -> Path:
    folder = tmp_path / "song"
    folder.mkdir()
    write_stem(folder / "song.wav", {0.5: 0.4})
    write_stem(folder / "drums.wav", {1.0: 0.8})
    write_stem(folder / "drums_1.flac", {1.5: 0.6}, channels=1)
    return folder


STEMS = {"song": "song.wav", "drums": "drums.wav", "drums_1": "drums_1.flac"}


def test_drum_stems_play_at_the_configured_gain_and_muted(song: Path) -> None:
    mix = load_stems(song, STEMS, RATE)
    assert set(mix.stems) == {"song", "drums", "drums_1"} and not mix.messages
    full = mix.mixed(1.0)
    quiet = mix.mixed(0.25)
    muted = mix.mixed(0.0)
    at = {t: int(t * RATE) + 2 for t in (0.5, 1.0, 1.5)}
    assert full[at[0.5], 0] == pytest.approx(0.4, abs=1e-3)
    assert full[at[1.0], 0] == pytest.approx(0.8, abs=1e-3)
    assert full[at[1.5], 1] == pytest.approx(0.6, abs=1e-3)  # mono drum stem on both sides
    assert quiet[at[1.0], 0] == pytest.approx(0.2, abs=1e-3)
    assert quiet[at[1.5], 0] == pytest.approx(0.15, abs=1e-3)
    assert quiet[at[0.5], 0] == pytest.approx(0.4, abs=1e-3)  # the band is not touched
    assert muted[at[1.0], 0] == 0.0 and muted[at[1.5], 0] == 0.0
    assert muted[at[0.5], 0] == pytest.approx(0.4, abs=1e-3)
    track = mix.track(drum_gain=0.0, offset_ms=0.0)
    assert np.count_nonzero(np.abs(track.samples[:, 0]) > 0.05) == 8  # only the song's click


@pytest.mark.parametrize("offset_ms", [0.0, 250.0, -300.0, 1500.0])
def test_the_chart_offset_shifts_the_audio_by_its_samples(song: Path, offset_ms: float) -> None:
    mix = load_stems(song, {"song": "song.wav"}, RATE)
    track = mix.track(drum_gain=1.0, offset_ms=offset_ms, lead_in=1.0)
    peak = peak_time(track.samples)
    # Positive offset: the notes come later against the audio, so the click (0.5 s into
    # the file) is heard `offset` earlier in song (chart) time.
    assert track.song_time_of(peak) == pytest.approx(0.5 - offset_ms / 1000.0, abs=0.5 / RATE)
    assert track.start_time <= -1.0
    base = mix.track(drum_gain=1.0, offset_ms=0.0, lead_in=1.0)
    shift = base.frame_of(0.0) - track.frame_of(0.0)
    assert (peak - track.frame_of(0.0)) - (peak_time(base.samples) - base.frame_of(0.0)) == \
        round(-offset_ms / 1000.0 * RATE)
    assert isinstance(shift, int)


def test_practice_speed_plays_the_mix_like_tape(song: Path) -> None:
    mix = load_stems(song, STEMS, RATE)
    slow = mix.track(drum_gain=1.0, offset_ms=100.0, speed=0.6)
    peaks = []
    for t in (0.5, 1.0, 1.5):  # file times; song time = t - 0.1
        near = slow.frame_of(t - 0.1)
        peaks.append(slow.song_time_of(peak_time(slow.samples, near - 400, near + 400)))
    assert peaks == pytest.approx([0.4, 0.9, 1.4], abs=2 / RATE)
    assert slow.frames == pytest.approx(mix.track(drum_gain=1.0, offset_ms=100.0).frames / 0.6, rel=1e-3)


def test_stems_at_another_rate_are_resampled_on_time(tmp_path: Path) -> None:
    write_stem(tmp_path / "guitar.ogg", {1.25: 0.7}, seconds=3.0, rate=44100)
    x = decode_file(tmp_path / "guitar.ogg", RATE)
    assert len(x) == pytest.approx(3.0 * RATE, abs=2)
    assert peak_time(x) == pytest.approx(1.25 * RATE, abs=4)  # Vorbis smears a click a little


def test_the_decode_cache_is_hit_on_the_second_load(song: Path, tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "cache")
    first = load_stems(song, STEMS, RATE, cache=cache)
    assert not first.cached and len(cache.entries()) == 1
    second = load_stems(song, STEMS, RATE, cache=cache)
    assert second.cached and second.stems == first.stems
    assert np.max(np.abs(second.mixed(0.3) - first.mixed(0.3))) < 2 / 32767
    # Another rate, or a stem that changed, is decoded again.
    assert not load_stems(song, STEMS, 44100, cache=cache).cached
    write_stem(song / "drums.wav", {0.25: 0.5})
    os.utime(song / "drums.wav", ns=(1, 1))
    third = load_stems(song, STEMS, RATE, cache=cache)
    assert not third.cached
    assert third.mixed(1.0)[int(0.25 * RATE) + 2, 0] == pytest.approx(0.5, abs=1e-3)


def test_a_corrupt_or_missing_stem_is_reported_and_skipped(song: Path, tmp_path: Path) -> None:
    (song / "guitar.ogg").write_bytes(b"OggS" + bytes(range(256)) * 8)
    (song / "bass.mp3").write_bytes(b"")
    stems = {**STEMS, "guitar": "guitar.ogg", "bass": "bass.mp3", "keys": "keys.opus"}
    cache = AudioCache(tmp_path / "cache")
    mix = load_stems(song, stems, RATE, cache=cache)
    assert set(mix.stems) == {"song", "drums", "drums_1"}
    text = "\n".join(mix.messages)
    assert "stem 'guitar' left out" in text and "guitar.ogg: cannot decode audio" in text
    assert "stem 'bass' left out" in text and "bass.mp3" in text
    assert "stem 'keys' left out" in text and "keys.opus: audio file not found" in text
    assert mix.mixed(1.0)[int(1.0 * RATE) + 2, 0] == pytest.approx(0.8, abs=1e-3)


def test_a_corrupt_stem_is_reported_again_from_the_cache(song: Path, tmp_path: Path) -> None:
    (song / "vocals.wav").write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunkjunk")
    stems = {**STEMS, "vocals": "vocals.wav"}
    cache = AudioCache(tmp_path / "cache")
    first = load_stems(song, stems, RATE, cache=cache)
    second = load_stems(song, stems, RATE, cache=cache)
    assert second.cached and second.messages == first.messages
    assert any("vocals.wav" in m for m in second.messages)


def test_a_song_whose_stems_all_fail_has_no_audio(tmp_path: Path) -> None:
    (tmp_path / "song.ogg").write_bytes(b"")
    mix = load_stems(tmp_path, {"song": "song.ogg"}, RATE, cache=AudioCache(tmp_path / "c"))
    assert mix.empty and mix.messages
    assert AudioCache(tmp_path / "c").entries() == []


def test_the_cache_keeps_under_its_cap_dropping_the_least_recently_used(tmp_path: Path) -> None:
    one_entry = 48000 * 4 * 2  # a second of 4-channel int16, plus a little
    cache = AudioCache(tmp_path / "cache", cap_bytes=int(one_entry * 2.5))
    x = np.full((48000, 4), 0.1, np.float32)
    for k, key in enumerate(("a", "b", "c")):
        assert cache.store(key, x * (k + 1))
        os.utime(cache.folder / f"{key}.npz", (1000 + k, 1000 + k))
    assert cache.load("a") is None and cache.load("b") is not None  # "a" was the oldest
    assert cache.store("d", x)
    names = sorted(p.stem for p, _, _ in cache.entries())
    assert names == ["b", "d"]  # "b" was just used, so "c" went
    got = cache.load("d")
    assert got is not None and float(got.samples[0, 0]) == pytest.approx(0.1, abs=1e-4)
    assert not AudioCache(tmp_path / "off", cap_bytes=0).store("e", x)


def test_a_damaged_cache_entry_is_a_miss(song: Path, tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "cache")
    load_stems(song, STEMS, RATE, cache=cache)
    (path,) = [p for p, _, _ in cache.entries()]
    path.write_bytes(path.read_bytes()[:100])
    again = load_stems(song, STEMS, RATE, cache=cache)
    assert not again.cached and set(again.stems) == {"song", "drums", "drums_1"}


def test_decoding_can_be_cancelled_and_reports_progress(song: Path) -> None:
    seen: list[float] = []
    cancel = threading.Event()
    load_stems(song, STEMS, RATE, progress=lambda p: seen.append(p.fraction))
    assert seen[0] == 0.0 and seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    cancel.set()
    with pytest.raises(DecodeCancelled):
        load_stems(song, STEMS, RATE, cancel=cancel)


def test_unsupported_and_unreadable_files_name_the_file(tmp_path: Path) -> None:
    (tmp_path / "x.aiff").write_bytes(b"FORM")
    with pytest.raises(DecodeError, match=r"x\.aiff: unsupported audio format"):
        decode_file(tmp_path / "x.aiff", RATE)
    (tmp_path / "zeros.ogg").write_bytes(bytes(4096))
    with pytest.raises(DecodeError, match=r"zeros\.ogg: cannot decode audio"):
        decode_file(tmp_path / "zeros.ogg", RATE)


def test_an_empty_mix_is_silent() -> None:
    mix = StemMix(np.zeros((0, 2), np.float32), np.zeros((0, 2), np.float32), RATE)
    assert mix.empty and mix.mixed(1.0).shape == (0, 2)
