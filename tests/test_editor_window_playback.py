"""Playback on the real audio engine (SDL's dummy driver, which keeps its own pace): the
timeline follows the engine's clock, and the hand-over from one rendered stretch to the
next neither stops the sound nor makes song time jump. Judged against the frames the
device consumed in the same run, never against the wall clock."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pygame
import pytest

from duet_drums.audio.engine import AudioEngine
from duet_drums.core.chart import Note, save_chart
from duet_drums.core.kit import Piece
from duet_drums.editor.window.playback import FIRST_STRETCH_S
from tests.editor_support import chart_with
from tests.support.editor_window import EditorHarness


@pytest.mark.slow
def test_playback_hands_over_stretches_without_a_jump_in_song_time(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    save_chart(chart_with([Note(tick=t, piece=Piece.KICK) for t in range(0, 19200, 240)], partner=[]), path)
    h = EditorHarness(path, tmp_path / "data", stepped=False, audio=True)
    try:
        for _ in range(3):
            h.key(pygame.K_COMMA)  # 85 %
        h.key(pygame.K_SPACE)
        playback = h.editor.playback
        engine = playback.engine()
        assert playback.playing and isinstance(engine, AudioEngine)
        first = engine.track
        speed, rate = playback.speed, engine.sample_rate
        samples: list[tuple[int, float]] = []  # (device frames consumed, song time)
        handed_over = None
        while handed_over is None or len(samples) < 400:
            h.step()
            samples.append((engine.frames_consumed, playback.now()))
            if handed_over is None and engine.track is not first:
                handed_over = len(samples)
            assert h.editor.view.view_t == pytest.approx(playback.now(), abs=0.05)
            assert samples[-1][1] < FIRST_STRETCH_S * 10  # a failure ends, not hangs
            time.sleep(0.004)
        assert engine.mixer.track is engine.track and engine.stats()["callback_errors"] == 0
        times = [t for _, t in samples]
        assert all(b >= a for a, b in itertools.pairwise(times))  # never backwards
        (f0, t0), (f1, t1) = samples[handed_over - 20], samples[-1]
        # Across the hand-over, song time advanced as the device consumed frames, at the speed.
        assert t1 - t0 == pytest.approx((f1 - f0) * speed / rate, abs=0.03)
        h.key(pygame.K_SPACE)
        assert not playback.playing
        deadline = time.monotonic() + 10
        while engine.mixer.state != "stopped":  # the audio thread applies it at its next buffer
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        h.close()
