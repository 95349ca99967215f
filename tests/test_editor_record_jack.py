"""Record mode through real MIDI: a virtual kit on a private JACK server plays a groove
along the editor's click, and the take lands on the right ticks.

Everything between the kit and the chart is the real thing: rtmidi's JACK transport,
the game's MIDI reader thread and its stamps, the per-device calibration, the audio
engine's song clock (SDL's dummy driver, which runs at its own pace: the clock follows
it, not the wall), the record overlay and `session.record`. The kit is told to play
each note when the editor's own clock reaches it, plus the kit's latency; so what is
checked is the editor's stamping and quantizing against what the kit really did, with
no wall-clock bound.

The kit's calibrated offset is large on purpose (180 ms, a slow module): uncalibrated,
every hit would land a whole grid step late, so the test fails if the calibration is
not applied the way the game applies it.
"""

from __future__ import annotations

import itertools
import threading
import time
from pathlib import Path

import pygame
import pytest

from duet_drums.core.chart import load_chart, save_chart
from duet_drums.core.kit import Piece
from duet_drums.settings import Settings, save_settings
from tests.editor_support import chart_with
from tests.support.editor_window import CTRL, EditorHarness
from tests.support.jack import JackServer, VirtualKit, jack_server

pytestmark = pytest.mark.jack
__all__ = ["jack_server"]  # the fixture is used by name

KIT_LATENCY_S = 0.180
GM = {Piece.KICK: 36, Piece.SNARE: 38, Piece.HIHAT: 42}
_names = itertools.count(1)
# Bar 2 at 120 BPM (ticks 1920..3839, 2.0-4.0 s): a rock groove in eighths, with an
# accented and a ghosted snare. (tick, piece, velocity sent, velocity kept)
GROOVE = [
    (1920, Piece.KICK, 100, None), (1920, Piece.HIHAT, 90, None), (2160, Piece.HIHAT, 90, None),
    (2400, Piece.SNARE, 120, 120), (2400, Piece.HIHAT, 90, None), (2640, Piece.HIHAT, 90, None),
    (2640, Piece.SNARE, 30, 30), (2880, Piece.KICK, 100, None), (2880, Piece.HIHAT, 90, None),
    (3120, Piece.KICK, 100, None), (3120, Piece.HIHAT, 90, None), (3360, Piece.SNARE, 100, None),
    (3360, Piece.HIHAT, 90, None), (3600, Piece.HIHAT, 90, None),
]


@pytest.fixture
def jack_midi(jack_server: JackServer, monkeypatch: pytest.MonkeyPatch) -> JackServer:
    monkeypatch.setenv("DUET_DRUMS_MIDI_API", "jack")
    return jack_server


def test_a_kit_take_lands_on_the_ticks_it_was_played_on(jack_midi: JackServer, tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    save_chart(chart_with([], partner=[]), path)
    with VirtualKit(f"editorkit{next(_names)}") as kit:
        settings = Settings()
        settings.midi.assignments = {kit.name: 0}
        settings.midi.presets = {kit.name: "gm"}
        settings.calibration.input_offsets_ms = {kit.name: KIT_LATENCY_S * 1000}
        save_settings(settings)
        h = EditorHarness(path, tmp_path / "data", stepped=False, audio=True, midi=True)
        try:
            midi = h.app.ctx.midi()
            assert midi is not None
            deadline = time.monotonic() + 10
            while not any(p.name == kit.name and p.reading for p in midi.status().ports):
                assert time.monotonic() < deadline, midi.status()
                time.sleep(0.05)
            h.key(pygame.K_PAGEUP)  # the cursor to bar 2; the take counts in from bar 1
            h.key(pygame.K_LEFT)
            h.key(pygame.K_LEFT)  # snap 1/2 beat: the groove's eighths
            assert (h.editor.s.cursor, h.editor.s.division) == (1920, 2)
            h.key(pygame.K_r)
            playback = h.editor.playback
            assert playback.playing and playback.engine() is not None
            tempo = h.editor.tempo

            def play() -> None:
                for tick, piece, velocity, _ in GROOVE:
                    due = tempo.seconds(tick) + KIT_LATENCY_S
                    while playback.now() < due:
                        time.sleep(0.0005)
                    kit.note(GM[piece], velocity)

            drummer = threading.Thread(target=play)
            drummer.start()
            while drummer.is_alive():
                h.step()
                time.sleep(0.002)
            end = tempo.seconds(3840) + KIT_LATENCY_S
            while playback.now() < end:
                h.step()
                time.sleep(0.002)
            h.key(pygame.K_SPACE)  # stop and keep the take
            took = {(n.tick, n.piece, n.velocity) for n in h.editor.s.chart.notes("lead", "expert")}
            assert took == {(t, p, kept) for t, p, _, kept in GROOVE}
            assert h.editor.s.message == f"record {len(GROOVE)} hits (replace)"
            h.key(pygame.K_s, CTRL)
            assert len(load_chart(path).notes("lead", "expert")) == len(GROOVE)
            h.key(pygame.K_z, CTRL)  # the whole take is one edit
            assert h.editor.s.chart.notes("lead", "expert") == []
        finally:
            h.close()
