"""Sound faults: no audio device, a device that fails to open, broken drum samples.

Each is a game that goes on silently (or without that one sound) and says so where the
players look: on the play screen, and for `duet-drums play` on stderr; never a crash.
The device faults are real SDL ones, set up in a fresh process (SDL reads
SDL_AUDIODRIVER once per process): a driver that does not exist, and SDL's disk driver
told to write into a folder that is not there, so opening the device itself fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from duet_drums.audio.engine import AudioEngine
from duet_drums.core.kit import Piece
from duet_drums.paths import samples_dir
from duet_drums.settings import AudioSettings, Calibration
from tests.chart_factory import minimal_chart_data

ROOT = Path(__file__).resolve().parents[1]
SILENTLY = "playing silently (song time follows the wall clock)"

FAULTS: dict[str, tuple[dict[str, str], str]] = {
    # SDL_AUDIODRIVER names a driver SDL does not have: no audio device at all.
    "no audio driver": ({"SDL_AUDIODRIVER": "no_such_driver"}, "Audio target 'no_such_driver' not available"),
    # The driver starts, the device does not open (its file cannot be created).
    "device fails to open": ({"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": "{tmp}/no-such-folder/out.raw"},
                             "Couldn't open {tmp}/no-such-folder/out.raw"),
}


def short_chart(folder: Path) -> Path:
    """Both players, a note every quarter second for two seconds."""
    folder.mkdir(parents=True, exist_ok=True)
    data = minimal_chart_data()
    data["metadata"]["title"] = "Short"
    notes = [{"tick": 240 * i, "piece": ("kick", "snare")[i % 2]} for i in range(8)]
    for part in ("lead", "partner"):
        data["parts"][part] = {d: notes for d in ("easy", "medium", "hard", "expert")}
    path = folder / "short.json"
    path.write_text(json.dumps(data))
    return path


def game_env(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    env["SDL_VIDEODRIVER"] = "dummy"
    env.update({k: v.format(tmp=tmp_path) for k, v in extra.items()})
    return env


def probe(chart: Path, env: dict[str, str], seconds: float = 3.0) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "tests.support.play_probe", str(chart), str(seconds)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("fault", list(FAULTS))
def test_without_a_working_device_the_song_plays_silently_and_the_play_screen_says_why(
        fault: str, tmp_path: Path) -> None:
    extra, reason = FAULTS[fault]
    r = probe(short_chart(tmp_path / "charts"), game_env(tmp_path, extra))
    why = json.dumps(r, indent=1)
    notice = f"cannot open an audio output device: {reason.format(tmp=tmp_path)}"
    assert any(n.startswith(notice) and n.endswith(SILENTLY) for n in r["notices"]), why
    assert r["warning_pixels_at_bottom"] > 0, why  # drawn, not only kept
    assert r["audio"]["silent"] is True and r["audio"]["callback_errors"] == 0, why
    # A silent game, still a game: song time ran and the bots' hits were judged.
    assert r["transport"] == "AudioTransport" and r["song_now"] > r["song_start"], why
    assert sum(r["judged"]) > 0, why


@pytest.mark.slow
@pytest.mark.parametrize("fault", list(FAULTS))
def test_duet_drums_play_says_on_stderr_that_it_plays_silently(fault: str, tmp_path: Path) -> None:
    extra, reason = FAULTS[fault]
    chart = short_chart(tmp_path / "charts")
    result = tmp_path / "result.json"
    command = [sys.executable, "-m", "duet_drums", "play", str(chart), "--autoplay", "--fps", "60",
               "--exit-after-song", "--result-out", str(result)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=120, env=game_env(tmp_path, extra),
                          cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr
    notice = f"warning: audio: cannot open an audio output device: {reason.format(tmp=tmp_path)}"
    lines = proc.stderr.splitlines()
    assert any(line.startswith(notice) and line.endswith(SILENTLY) for line in lines), proc.stderr
    played = json.loads(result.read_text())
    hit = [sum(p["counts"][j] for j in ("perfect", "great", "good")) for p in played["players"]]
    assert all(count > 0 for count in hit) and len(hit) == 2, played


def broken_kit(folder: Path) -> Path:
    """The bundled samples, with the snare gone and tom 1 not a WAV file any more."""
    shutil.copytree(samples_dir(), folder)
    (folder / "snare.wav").unlink()
    (folder / "tom1.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot really")
    return folder


def test_a_missing_or_broken_sample_is_named_and_only_that_sound_is_silent(tmp_path: Path) -> None:
    engine = AudioEngine(AudioSettings(), Calibration(), broken_kit(tmp_path / "kit"))
    try:
        assert engine.open() is None  # the device itself is fine (SDL's dummy driver)
        notices = engine.notices()
        assert len(notices) == 2, notices
        assert notices[0].startswith(str(tmp_path / "kit" / "snare.wav")) and "missing sample" in notices[0]
        assert "tom1.wav" in notices[1] and notices[1].endswith("that sound will be silent")
        assert engine.bank.get(Piece.SNARE) is None and engine.bank.get(Piece.TOM1) is None
        assert engine.bank.get(Piece.KICK) is not None and engine.bank.get(Piece.CRASH) is not None
        for piece in (Piece.SNARE, Piece.TOM1, Piece.KICK):  # the silent ones are skipped
            engine.play_hit(piece, 100, 0)
        time.sleep(0.1)
        assert engine.stats()["callback_errors"] == 0 and engine.frames_consumed > 0
    finally:
        engine.close()


def test_a_whole_missing_samples_folder_is_one_line(tmp_path: Path) -> None:
    engine = AudioEngine(AudioSettings(), Calibration(), tmp_path / "nothing here", force_silent=True)
    try:
        engine.open()
        notices = engine.notices()
        assert notices[0] == "audio disabled; playing silently"
        assert len(notices) == 2 and notices[1].startswith("15 drum sounds could not be loaded and will be "
                                                           "silent (first: "), notices
    finally:
        engine.close()


def test_the_play_screen_names_the_broken_samples(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    broken_kit(assets / "samples")
    chart = short_chart(assets / "charts")
    env = game_env(tmp_path, {"SDL_AUDIODRIVER": "dummy", "DUET_DRUMS_ASSETS": str(assets)})
    r = probe(chart, env)
    why = json.dumps(r, indent=1)
    assert r["audio"]["silent"] is False and r["audio"]["callback_errors"] == 0, why
    assert [n.split(": ")[0] for n in r["notices"]] == [str(assets / "samples" / "snare.wav"),
                                                        str(assets / "samples" / "tom1.wav")], why
    assert r["warning_pixels_at_bottom"] > 0, why
    assert sum(r["judged"]) > 0, why


def test_the_audio_callback_never_waits_for_the_clocks_lock() -> None:
    """Under a CPU hog the game thread, descheduled in the middle of a refit, held the
    clock's lock for up to 5 ms and the audio callback waited as long in `observe`
    (measured with AudioEngine.stats()). Here the lock is held outright, as a query that
    never finishes would: the callback's calls still return, and what they said is taken
    in by the next query, in order."""
    from duet_drums.audio.clock import SongClock

    now = [1_000_000_000]
    clock = SongClock(48000, time_ns=lambda: now[0])
    done = threading.Event()

    def audio_thread() -> None:
        clock.set_anchor(0, -1.0, 1.0 / 48000, jump=True)
        for k in range(400):  # 2.1 s of 256-frame callbacks
            clock.observe(now[0] + k * 5_333_333, 256 * k, 256)
        clock.set_anchor(48000 * 2, 0.5, 0.0)  # paused at 0.5 s of song, 2 s of audio in
        done.set()

    with clock._lock:  # a query that holds the lock (as one preempted mid-refit does)
        thread = threading.Thread(target=audio_thread)
        thread.start()
        thread.join(timeout=10)
        assert done.is_set(), "the audio thread waited for the clock's lock"
    now[0] += 400 * 5_333_333
    assert clock.rate_estimate == pytest.approx(48000, rel=1e-3)
    assert clock.song_time_of_frame(48000) == pytest.approx(0.0)
    assert clock.song_time_of_frame(48000 * 3) == pytest.approx(0.5)
