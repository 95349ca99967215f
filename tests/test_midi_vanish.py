"""A kit unplugged mid-song and plugged back, through JACK into the real play scene.

Two virtual kits (one per player) play a song in the real scenes, stepped in time with
the real MIDI layer on (as in test_app_midi.py): each note is sent when the song stands
at its time, so a heard note is judged Perfect. Mid-song player 2's kit client is closed
(the port vanishes, as an unplugged USB kit's does), later created again under the same
name. Judged by what the game reported and did in the same run: the "KIT UNPLUGGED"
notice for player 2 only, player 1 undisturbed, and from the moment the game says the kit
is back, every note of it judged.
"""

from __future__ import annotations

import itertools
import json
import queue
import time
from pathlib import Path

import pygame
import pytest

from duet_drums.app.main import App
from duet_drums.app.routes import Title
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.core.kit import Piece
from duet_drums.core.rules import JUDGEMENT_ORDER, Judgement
from duet_drums.inputs import midi_inputs
from duet_drums.settings import Settings, save_settings
from tests.chart_factory import minimal_chart_data
from tests.support.app_driver import close, make_app, press
from tests.support.jack import JackServer, VirtualKit, jack_server

__all__ = ["jack_server"]  # the fixture is used by name

pytestmark = pytest.mark.jack

_names = itertools.count(1)
DT = 0.01
EVERY_TICKS = 240  # a note every 0.25 s at 120 BPM
NOTES = 48  # 12 s of song
PIECES = [("kick", 36), ("snare", 38), ("tom1", 48), ("tom2", 45), ("tom3", 43)]


def _chart(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "charts"
    folder.mkdir()
    data = minimal_chart_data()
    data["metadata"]["title"] = "Unplugged"
    notes = [{"tick": i * EVERY_TICKS, "piece": PIECES[i % len(PIECES)][0]} for i in range(NOTES)]
    for part in ("lead", "partner"):
        data["parts"][part] = {d: notes for d in ("easy", "medium", "hard", "expert")}
    (folder / "unplugged.json").write_text(json.dumps(data))
    return [folder]


def _judgements(play: PlayScene, player: int) -> list[Judgement | None]:
    return [JUDGEMENT_ORDER[c] if c >= 0 else None for c in play.session.tracks[player].judgement.tolist()]


def test_a_kit_unplugged_mid_song_is_shown_for_its_player_and_heard_again_when_back(
        jack_server: JackServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DUET_DRUMS_MIDI_API", "jack")
    clients = [f"vanishA{next(_names)}", f"vanishB{next(_names)}"]
    kits: list[VirtualKit | None] = [VirtualKit(c) for c in clients]
    ports = [f"{c}:out" for c in clients]
    settings = Settings()
    settings.midi.assignments = {ports[0]: 0, ports[1]: 1}
    for p in (0, 1):
        settings.players[p].input = "midi"
    settings.players[0].part, settings.players[1].part = "lead", "partner"
    save_settings(settings)
    app = make_app(charts_dirs=_chart(tmp_path), midi=True)
    try:
        play = _start(app)
        t_note = [play.tempo.seconds(i * EVERY_TICKS) for i in range(NOTES)]
        sent: list[list[int]] = [[], []]  # note indices each kit sent
        shown: list[tuple[str | None, str | None]] = []  # the notices while it was away
        unplug_at, replug_at, back_at = t_note[8] + 0.1, None, None
        midi_queue: queue.SimpleQueue[object] = app.ctx.midi_queue
        i = 0
        while play.result is None:
            t = play.song_time
            if unplug_at is not None and t >= unplug_at:
                kit = kits[1]
                assert kit is not None
                kit.close()  # unplugged
                kits[1], unplug_at = None, None
            if kits[1] is None and replug_at is None and play.state.kit_unplugged[1]:
                replug_at = t + 1.0  # the game said so; a second later it is back
            if replug_at is not None and kits[1] is None and t >= replug_at:
                kits[1] = VirtualKit(clients[1])  # plugged back in, under the same name
            if kits[1] is not None and replug_at is not None and back_at is None \
                    and play.state.kit_unplugged[1] is None:
                back_at = t  # the notice is gone: from here on, the kit counts
            if replug_at is not None and back_at is None:
                shown.append((play.state.kit_unplugged[0], play.state.kit_unplugged[1]))
            if i < NOTES and t >= t_note[i] - 1e-9:
                expected = 0
                for p, kit in enumerate(kits):
                    if kit is not None and (p == 0 or replug_at is None or back_at is not None):
                        kit.note(PIECES[i % len(PIECES)][1], 100)
                        sent[p].append(i)
                        expected += 1
                deadline = time.monotonic() + 5.0
                while midi_queue.qsize() < expected:  # the readers have them: the next frame hands them over
                    assert time.monotonic() < deadline, f"note {i} never arrived ({expected} sent)"
                    time.sleep(0.001)
                i += 1
            app.step(DT)
            time.sleep(0.002)  # real time for the port watcher, as frames take on a real game
        assert back_at is not None, "the game never said the kit was back"
        print(f"unplug shown over {len(shown)} frames; plugged back at song {replug_at:.2f} s, "
              f"heard again at {back_at:.2f} s; P2 sent {len(sent[1])} of {NOTES} notes")
        # While it was away: the notice was shown for player 2 only, naming the port.
        assert shown and all(s == (None, ports[1]) for s in shown), shown[:5]
        # Player 1 never noticed: every note judged on time.
        assert _judgements(play, 0) == [Judgement.PERFECT] * NOTES
        # Player 2: before the unplug and from the return on, every note the kit sent is
        # judged (none lost after it came back); the notes it could not send are misses.
        judged = _judgements(play, 1)
        assert sent[1] == [k for k in range(NOTES) if k <= 8 or t_note[k] >= back_at]
        assert [judged[k] for k in sent[1]] == [Judgement.PERFECT] * len(sent[1])
        assert all(judged[k] is Judgement.MISS for k in range(NOTES) if k not in sent[1])
        assert len(sent[1]) >= NOTES - 25  # the kit was back for a good part of the song
        p2_hits = [h for h in play.session.hits if h.player == 1]
        assert [h.piece for h in p2_hits] == [Piece(PIECES[k % len(PIECES)][0]) for k in sent[1]]
        assert all(h.source == "midi" for h in p2_hits)
    finally:
        close(app)
        for kit in kits:
            if kit is not None:
                kit.close()


def _start(app: App) -> PlayScene:
    app.nav.push(Title())
    press(app, pygame.K_RETURN)
    select = app.scene
    assert isinstance(select, SongSelectScene) and select.entry is not None
    press(app, pygame.K_RETURN)  # into the setup, on "Play"
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    assert midi_inputs.MISSING_WATCH_INTERVAL_S <= 0.1
    return play
