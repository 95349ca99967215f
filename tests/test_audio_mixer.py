"""Mixer, samples and WAV reading, without a device: the realtime path as pure numpy."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import numpy as np
import pytest

from duet_drums.audio.clock import SongClock
from duet_drums.audio.mixer import (
    AddVoice,
    Gains,
    Load,
    Mixer,
    Pause,
    Resume,
    Seek,
    SetGains,
    Start,
    Stop,
    Unload,
    make_voice,
)
from duet_drums.audio.samples import CHOKE_FADE_S, SampleBank, velocity_gain
from duet_drums.audio.track import BackingTrack
from duet_drums.audio.wavfile import WavError, read_wav, resample, write_wav
from duet_drums.core.kit import Piece

RATE = 48000
N = 256


def ramp_track(seconds: float = 1.0, start_time: float = -0.5, speed: float = 1.0) -> BackingTrack:
    n = int(seconds * RATE)
    x = (np.arange(n, dtype=np.float32) + 1) / n * 0.5
    return BackingTrack(np.stack([x, -x], axis=1), start_time, speed, RATE)


def make_mixer() -> tuple[Mixer, SongClock]:
    clock = SongClock(RATE)
    mixer = Mixer(RATE, clock)
    mixer.gains = Gains(master=1.0, backing=1.0, hits=1.0)
    return mixer, clock


def render(mixer: Mixer, frame: int, buffers: int = 1) -> np.ndarray:
    out = []
    for b in range(buffers):
        buf = np.full((N, 2), 9.0, np.float32)  # garbage: render must overwrite it
        mixer.render(buf, frame + b * N)
        out.append(buf.copy())
    return np.concatenate(out)


def test_track_plays_from_its_start_and_anchors_the_clock() -> None:
    mixer, clock = make_mixer()
    track = ramp_track()
    mixer.command(Load(track))
    assert np.all(render(mixer, 0) == 0)
    mixer.command(Start())
    out = render(mixer, N, 4)
    assert np.array_equal(out, track.samples[:4 * N])
    assert clock.song_time_of_frame(N) == pytest.approx(-0.5)
    assert clock.song_time_of_frame(N + RATE // 10) == pytest.approx(-0.4)


def test_timeline_commands_wait_for_a_track_and_unload_silences_it() -> None:
    mixer, clock = make_mixer()
    for cmd in (Start(), Pause(), Resume(), Seek(0.2), Stop()):
        mixer.command(cmd)  # no track yet: nothing to move
    assert np.all(render(mixer, 0) == 0) and mixer.state == "stopped"
    track = ramp_track()
    mixer.command(Load(track))
    mixer.command(Start())
    mixer.command(SetGains(Gains(master=0.5, backing=1.0, hits=1.0)))
    out = render(mixer, N)
    assert np.allclose(out, track.samples[:N] * 0.5)
    mixer.command(Stop())
    render(mixer, 2 * N)
    assert (mixer.state, mixer.pos) == ("stopped", 0)
    assert clock.song_time_of_frame(3 * N) == pytest.approx(track.start_time)
    mixer.command(Start())
    mixer.command(Unload())
    assert np.all(render(mixer, 3 * N) == 0) and mixer.track is None
    assert clock.song_time_of_frame(4 * N) == 0.0


def test_pause_holds_sound_and_clock_then_resume_continues() -> None:
    mixer, clock = make_mixer()
    track = ramp_track()
    mixer.command(Load(track))
    mixer.command(Start())
    render(mixer, 0, 2)
    mixer.command(Pause())
    assert np.all(render(mixer, 2 * N, 3) == 0)
    assert clock.song_time_of_frame(2 * N) == clock.song_time_of_frame(4 * N) == pytest.approx(
        track.song_time_of(2 * N))
    mixer.command(Resume())
    out = render(mixer, 5 * N)
    assert np.array_equal(out, track.samples[2 * N:3 * N])
    assert clock.song_time_of_frame(5 * N + 10) == pytest.approx(track.song_time_of(2 * N + 10))


def test_seek_and_speed() -> None:
    mixer, clock = make_mixer()
    track = ramp_track(speed=0.7)
    mixer.command(Load(track))
    mixer.command(Start())
    mixer.command(Seek(0.0))
    out = render(mixer, 1000)
    first = track.frame_of(0.0)
    assert first == round(0.5 * RATE / 0.7)
    assert np.array_equal(out, track.samples[first:first + N])
    # 1 s of audio after the seek is 0.7 s of song.
    assert clock.song_time_of_frame(1000 + RATE) == pytest.approx(0.7, abs=1e-4)


def test_finished_after_the_last_sample() -> None:
    mixer, _ = make_mixer()
    track = ramp_track(seconds=0.01)
    mixer.command(Load(track))
    mixer.command(Start())
    render(mixer, 0)
    assert not mixer.finished
    render(mixer, N)
    assert mixer.finished


def test_voice_starts_on_its_frame_and_pans_by_player() -> None:
    mixer, _ = make_mixer()
    sample = np.linspace(1.0, 0.1, 1000, dtype=np.float32)
    mixer.command(AddVoice(make_voice(sample, 0.5, 0, 3 * N + 100, Piece.SNARE)))
    out = render(mixer, 2 * N, 6)
    nz = np.flatnonzero(out[:, 0])
    assert nz[0] == N + 100  # frame 3N+100, rendered from frame 2N on
    left, right = out[N + 100, 0], out[N + 100, 1]
    assert left > right > 0  # player 1 sits left of centre
    assert left**2 + right**2 == pytest.approx(2 * 0.25, rel=1e-5)  # equal power
    assert np.allclose(out[N + 100:N + 1100, 0] / left, sample, rtol=1e-5)


def test_late_voice_starts_at_once() -> None:
    mixer, _ = make_mixer()
    sample = np.ones(50, np.float32)
    mixer.command(AddVoice(make_voice(sample, 1.0, -1, 10, Piece.KICK)))
    out = render(mixer, 5 * N)
    assert np.flatnonzero(out[:, 0])[0] == 0


def test_closed_hihat_chokes_the_open_one() -> None:
    mixer, _ = make_mixer()
    ring = np.ones(RATE, np.float32) * 0.3
    mixer.command(AddVoice(make_voice(ring, 1.0, -1, 0, Piece.HIHAT_OPEN)))
    render(mixer, 0, 4)
    tick = np.zeros(10, np.float32)
    mixer.command(AddVoice(make_voice(tick, 1.0, -1, 4 * N, Piece.HIHAT)))
    fade = int(CHOKE_FADE_S * RATE)
    out = render(mixer, 4 * N, fade // N + 3)
    level = np.abs(out[:, 0])
    assert level[0] > 0.25
    assert np.all(np.diff(level[: fade]) <= 1e-7)  # fading, no jump
    assert np.all(level[fade + 1:] == 0)
    assert mixer.voices == []
    # A crash does not choke the open hi-hat.
    mixer.command(AddVoice(make_voice(ring, 1.0, -1, 0, Piece.HIHAT_OPEN)))
    render(mixer, 100 * N)
    mixer.command(AddVoice(make_voice(tick, 1.0, -1, 0, Piece.CRASH)))
    out = render(mixer, 101 * N, 10)
    assert np.abs(out[-1, 0]) > 0.25


def test_overload_is_clipped_and_counted() -> None:
    mixer, _ = make_mixer()
    for _ in range(8):
        mixer.command(AddVoice(make_voice(np.ones(N, np.float32), 1.0, -1, 0, Piece.KICK)))
    out = render(mixer, 0)
    assert np.max(np.abs(out)) == 1.0
    assert mixer.clipped_frames == N


def test_velocity_curve() -> None:
    assert velocity_gain(127) == pytest.approx(1.0)
    assert velocity_gain(None) == velocity_gain(100)
    gains = [velocity_gain(v) for v in range(1, 128)]
    assert all(b >= a for a, b in itertools.pairwise(gains))
    assert all(b > a for a, b in itertools.pairwise(gains[20:]))
    # A ghost note (v=30) sits well over 15 dB under an accent.
    assert 20 * np.log10(velocity_gain(30) / velocity_gain(127)) < -15


def write_float_wav(path: Path, x: np.ndarray, rate: int) -> None:
    data = x.astype("<f4").tobytes()
    ch = x.shape[1]
    fmt = struct.pack("<HHIIHH", 3, ch, rate, rate * ch * 4, ch * 4, 32)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", len(data)) + data)
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_wav_reader_formats(tmp_path: Path) -> None:
    x = (np.sin(np.arange(1000) / 10) * 0.5).astype(np.float32)[:, None]
    write_wav(tmp_path / "a.wav", x, 44100)
    y, rate = read_wav(tmp_path / "a.wav")
    assert rate == 44100 and y.shape == (1000, 1)
    assert np.allclose(y, x, atol=1 / 32767)
    stereo = np.concatenate([x, -x], axis=1)
    write_float_wav(tmp_path / "f.wav", stereo, 48000)
    y, rate = read_wav(tmp_path / "f.wav")
    assert rate == 48000 and np.array_equal(y, stereo)
    (tmp_path / "bad.wav").write_bytes(b"not a wav at all")
    with pytest.raises(WavError, match=r"bad\.wav: not a WAV"):
        read_wav(tmp_path / "bad.wav")


def test_resample_keeps_timing() -> None:
    x = np.zeros(44100, np.float32)
    x[22050] = 1.0
    y = resample(x, 44100, 48000)
    assert len(y) == 48000
    assert abs(int(np.argmax(y)) - 24000) <= 1


def test_sample_bank_loads_resamples_and_warns(tmp_path: Path) -> None:
    kick = np.linspace(1, 0, 4410, dtype=np.float32)[:, None]
    write_wav(tmp_path / "kick.wav", kick, 44100)
    (tmp_path / "snare.wav").write_bytes(b"RIFF....WAVEjunk")
    bank = SampleBank.load(tmp_path, RATE)
    k = bank.get(Piece.KICK)
    assert k is not None and len(k) == 4800 and k.dtype == np.float32
    assert bank.get(Piece.SNARE) is None
    assert any("snare.wav" in w for w in bank.warnings)
    assert any("crash.wav: missing" in w for w in bank.warnings)


def test_bundled_samples_load() -> None:
    from duet_drums.paths import samples_dir

    bank = SampleBank.load(samples_dir(), RATE)
    assert bank.get(Piece.KICK) is not None
    assert bank.click_sounds() is not None
