"""The MIDI screen and kit play through the real scenes and a real JACK transport.

A private jackd (dummy driver), `VirtualKit` ports as drum modules, the game's own
`MidiInputs` reader threads, and the real scenes stepped by the app driver: settings are
checked in the TOML file on disk, hits in the play scene's session. The scenes run in
stepped time with MIDI switched on (`make_app(midi=True)`), so a kit note sent while the
song stands at a note's time is judged at exactly that time.
"""

from __future__ import annotations

import itertools
import json
import queue
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pygame
import pytest

from duet_drums.app.main import App
from duet_drums.app.routes import SongSelect, Title
from duet_drums.app.scenes.midi_setup import MidiSetupScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.settings import SettingsScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.scenes.title import TitleScene
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.rules import JUDGEMENT_ORDER, Judgement
from duet_drums.inputs import midi_api
from duet_drums.settings import Settings, load_settings, save_settings
from tests.chart_factory import minimal_chart_data
from tests.support.app_driver import close, make_app, press, press_down_to, run_until
from tests.support.jack import JackServer, VirtualKit, jack_server

__all__ = ["jack_server"]  # the fixture is used by name

_names = itertools.count(1)
DT = 0.01  # 10 ms frames: a kit note sent at a note's time lands well inside Perfect


def _unique(prefix: str) -> str:
    """Fresh JACK client names per test: no port left over from an earlier test matches."""
    return f"{prefix}{next(_names)}"


@pytest.fixture
def jack_midi(jack_server: JackServer, monkeypatch: pytest.MonkeyPatch) -> JackServer:
    """The game's MIDI layer on the test's JACK server (forced: never a host's ALSA)."""
    monkeypatch.setenv("DUET_DRUMS_MIDI_API", "jack")
    return jack_server


def _labels(menu_owner: MidiSetupScene | SettingsScene) -> list[str]:
    return [i.label for i in menu_owner.menu.items]


def _goto(app: App, scene: MidiSetupScene | SettingsScene, label: str) -> None:
    press_down_to(app, lambda: _labels(scene), lambda: scene.menu.selected, label)


def _open_midi_screen(app: App) -> MidiSetupScene:
    """Title -> Settings -> MIDI kits..., with the keys a player uses."""
    app.nav.push(Title())
    title = app.scene
    assert isinstance(title, TitleScene)
    press_down_to(app, lambda: [i.label for i in title.menu.items], lambda: title.menu.selected, "Settings")
    press(app, pygame.K_RETURN)
    settings = app.scene
    assert isinstance(settings, SettingsScene)
    _goto(app, settings, "MIDI kits...")
    press(app, pygame.K_RETURN)
    scene = app.scene
    assert isinstance(scene, MidiSetupScene)
    return scene


def _wait(app: App, condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Real time passes (the kit's notes travel through JACK) while frames keep running."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the kit"
        app.step(DT)
        time.sleep(0.005)


# -- a tiny song whose notes the kit and the keyboard play --------------------------------
# 120 BPM, 480 ticks per beat: tick 480 k is k * 0.5 s.
P2_NOTES = [(960, "snare"), (1440, "tom2"), (1920, "kick"), (2400, "crash")]
P1_NOTES = [(960, "kick"), (1440, "snare"), (1920, "kick"), (2400, "snare")]
P1_KEYS = {"kick": "c", "snare": "a"}


def _kit_chart(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "charts"
    folder.mkdir(exist_ok=True)
    data = minimal_chart_data()
    data["metadata"]["title"] = "Kit Song"
    data["parts"]["lead"] = {d: [{"tick": t, "piece": p} for t, p in P1_NOTES]
                             for d in ("easy", "medium", "hard", "expert")}
    data["parts"]["partner"] = {d: [{"tick": t, "piece": p} for t, p in P2_NOTES]
                                for d in ("easy", "medium", "hard", "expert")}
    (folder / "kit.json").write_text(json.dumps(data))
    return [folder]


def _play_kit_song(app: App, kit: VirtualKit, kit_notes: list[int]) -> PlayScene:
    """Song select -> Play, then at each note time: P1 taps its keys, the kit strikes
    one note for P2; the frame after, both are in the session. Returns the play scene
    when the song has passed its last note."""
    app.nav.push(Title())
    press(app, pygame.K_RETURN)
    select = app.scene
    assert isinstance(select, SongSelectScene) and select.entry is not None
    assert select.input_value(1) == f"kit: {kit.name}", app.ctx.midi().status()
    press(app, pygame.K_RETURN)  # into the setup, on "Play"
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    tempo = play.tempo
    midi_queue: queue.SimpleQueue[object] = app.ctx.midi_queue
    for (tick, p1_piece), note in zip(P1_NOTES, kit_notes, strict=True):
        t = tempo.seconds(tick)
        run_until(app, lambda t=t: play.song_time >= t - 1e-9, dt=DT)
        key = pygame.key.key_code(P1_KEYS[p1_piece])
        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode=P1_KEYS[p1_piece], scancode=0))
        kit.note(note, 100)
        deadline = time.monotonic() + 5.0
        while midi_queue.empty():  # the reader thread has it: the next frame hands it over
            assert time.monotonic() < deadline, f"kit note {note} never arrived"
            time.sleep(0.001)
        app.step(DT)
    run_until(app, lambda: play.song_time > tempo.seconds(P1_NOTES[-1][0]) + 0.5, dt=DT)
    return play


def _hits_of(play: PlayScene, player: int) -> list[Hit]:
    return [h for h in play.session.hits if h.player == player]


def _judgements(play: PlayScene, player: int) -> list[Judgement | None]:
    """Each note's judgement in chart order (None: not judged yet)."""
    return [JUDGEMENT_ORDER[c] if c >= 0 else None for c in play.session.tracks[player].judgement.tolist()]


# -- the tests ------------------------------------------------------------------------------

def test_midi_screen_assigns_a_kit_picks_a_preset_and_learns_a_pad(
        jack_midi: JackServer, tmp_path: Path) -> None:
    with VirtualKit(_unique("setupkit")) as kit:
        app = make_app(midi=True)
        try:
            scene = _open_midi_screen(app)
            lines, ok = scene.status_lines()
            assert ok and lines[0].startswith("MIDI system: JACK")
            assert kit.name in scene.ports
            row = f"{kit.name[:28]}: player"

            # Assign to player 2: nobody -> Player 1 -> Player 2.
            _goto(app, scene, row)
            assert scene.menu.current.value is not None and scene.menu.current.value() == "nobody"
            press(app, pygame.K_RIGHT)
            press(app, pygame.K_RIGHT)
            assert scene.menu.current.value() == "Player 2"
            saved, warning = load_settings()
            assert warning is None and saved.midi.assignments == {kit.name: 1}
            status = {p.name: p for p in scene.midi.status().ports}[kit.name]
            assert status.player == 1 and status.reading  # the reader is open for player 2

            # Note map: General MIDI -> Roland TD, saved.
            _goto(app, scene, "    note map")
            assert scene.menu.current.value() == "General MIDI"
            press(app, pygame.K_RIGHT)
            assert scene.menu.current.value() == "Roland TD"
            assert load_settings()[0].midi.presets == {kit.name: "roland_td"}

            # Learn: a pad sending 77 (no preset knows it) becomes tom 2.
            _goto(app, scene, "    learn pads...")
            press(app, pygame.K_RETURN)
            assert scene.learning == kit.name
            press(app, pygame.K_RETURN)  # nothing struck yet: Enter saves nothing
            assert load_settings()[0].midi.custom_maps == {}
            kit.note(77, 99)
            _wait(app, lambda: scene.midi.learned() == (77, 99))
            for _ in range(len(Piece)):
                if scene.learn_piece is Piece.TOM2:
                    break
                press(app, pygame.K_RIGHT)
            assert scene.learn_piece is Piece.TOM2
            press(app, pygame.K_RETURN)
            assert "note 77 = tom2" in scene.message
            midi = load_settings()[0].midi
            map_name = midi.presets[kit.name]
            assert map_name not in ("gm", "roland_td")
            assert midi.custom_maps[map_name]["77"] is Piece.TOM2
            # The custom map starts from the port's Roland map: its other pads still work.
            assert midi.custom_maps[map_name]["26"] is Piece.HIHAT_OPEN
            assert midi.assignments == {kit.name: 1}
            assert scene.menu.items[1].value is not None
            assert scene.menu.items[1].value() == f"custom: {map_name}"
            pygame.image.save(app.screen, str(tmp_path / "midi_setup.png"))  # the screen drew
            press(app, pygame.K_ESCAPE)  # ends learn mode, stays on the screen
            assert scene.learning is None and app.scene is scene

            # A second kit plugged in while the screen is open: Rescan lists it at once,
            # and the cursor stays on "Rescan ports" although three rows appeared above.
            with VirtualKit(_unique("another")) as second:
                _goto(app, scene, "Rescan ports")
                press(app, pygame.K_RETURN)
                assert scene.ports == sorted([kit.name, second.name])
                assert scene.menu.current.label == "Rescan ports"
                assert load_settings()[0].midi.assignments == {kit.name: 1}  # nobody's yet
            press(app, pygame.K_RETURN)  # unplugged again: gone from the list
            assert scene.ports == [kit.name] and scene.menu.current.label == "Rescan ports"
            press(app, pygame.K_ESCAPE)
            assert isinstance(app.scene, SettingsScene)
        finally:
            close(app)

        # Later, in a song: the learned pad is tom 2 for player 2 (settings from disk).
        settings = load_settings()[0]
        settings.players[1].input = "midi"
        settings.players[1].part, settings.players[0].part = "partner", "lead"
        save_settings(settings)
        app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True, render=False)
        try:
            # Roland TD: 38 snare; learned 77 tom2; 36 kick; 49 crash.
            play = _play_kit_song(app, kit, [38, 77, 36, 49])
            assert [(h.piece, h.source) for h in _hits_of(play, 1)] == [
                (Piece.SNARE, "midi"), (Piece.TOM2, "midi"), (Piece.KICK, "midi"), (Piece.CRASH, "midi")]
            assert _judgements(play, 1) == [Judgement.PERFECT] * 4
        finally:
            close(app)


def test_kit_hits_are_judged_for_their_player_and_make_no_hit_sound(
        jack_midi: JackServer, tmp_path: Path) -> None:
    with VirtualKit(_unique("playkit")) as kit:
        settings = Settings()
        settings.midi.assignments = {kit.name: 1}
        settings.players[1].input = "midi"
        save_settings(settings)
        app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True, render=False)
        try:
            # General MIDI: 38 snare, 45 tom2, 36 kick, 57 crash 2.
            play = _play_kit_song(app, kit, [38, 45, 36, 57])
            assert [(h.piece, h.source) for h in _hits_of(play, 1)] == [
                (Piece.SNARE, "midi"), (Piece.TOM2, "midi"), (Piece.KICK, "midi"), (Piece.CRASH, "midi")]
            assert _judgements(play, 1) == [Judgement.PERFECT] * 4
            assert [(h.piece, h.source) for h in _hits_of(play, 0)] == [
                (Piece[p.upper()], "keyboard") for _, p in P1_NOTES]
            assert _judgements(play, 0) == [Judgement.PERFECT] * 4
            # Default hit sounds: the keyboard player hears every hit, the kit player none.
            assert play.transport.hits_sounded == [4, 0]
        finally:
            close(app)

        # The kit player who turns hit sounds on hears them: the counter does see kit hits.
        settings.players[1].hit_sounds = True
        save_settings(settings)
        app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True, render=False)
        try:
            play = _play_kit_song(app, kit, [38, 45, 36, 57])
            assert play.transport.hits_sounded == [4, 4]
        finally:
            close(app)

    # The kit unplugged before the next song: song select says so on P2's input row.
    app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True, render=False)
    try:
        app.nav.push(SongSelect())
        select = app.scene
        assert isinstance(select, SongSelectScene)
        assert select.input_value(1) == f"kit: {kit.name} (not connected)"
    finally:
        close(app)


@pytest.mark.parametrize("how", ["no JACK server", "switched off"])
def test_without_a_midi_system_the_screen_says_why_and_keys_still_play(
        how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "duet-drums-nonexistent")
    monkeypatch.setattr(midi_api, "ALSA_SEQ", tmp_path / "no-seq")
    if how == "switched off":
        monkeypatch.setenv("DUET_DRUMS_MIDI_API", "none")
        reason = "MIDI is switched off (DUET_DRUMS_MIDI_API=none): only keyboard play is available"
    else:
        monkeypatch.delenv("DUET_DRUMS_MIDI_API", raising=False)
        reason = ("No ALSA sequencer (/dev/snd/seq missing) and no JACK server running: "
                  "only keyboard play is available")
    settings = Settings()
    settings.midi.assignments = {"TD-17:TD-17 MIDI 1": 1}  # a kit set up on another day
    save_settings(settings)
    app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True)
    try:
        scene = _open_midi_screen(app)
        assert scene.status_lines() == ([reason], False)
        # The assigned kit is still listed (not connected) and can be given away.
        assert scene.ports == ["TD-17:TD-17 MIDI 1"]
        _goto(app, scene, "TD-17:TD-17 MIDI 1: player")
        press(app, pygame.K_RIGHT)
        assert load_settings()[0].midi.assignments == {}
        _goto(app, scene, "Rescan ports")
        press(app, pygame.K_RETURN)
        assert scene.status_lines() == ([reason], False)
        pygame.image.save(app.screen, str(tmp_path / "no_midi.png"))
        press(app, pygame.K_ESCAPE)
        press(app, pygame.K_ESCAPE)
        press(app, pygame.K_ESCAPE)
        assert not app.running
    finally:
        close(app)

    # Keyboard play is untouched: both players on keys, every note judged.
    app = make_app(charts_dirs=_kit_chart(tmp_path), midi=True, render=False)
    try:
        app.nav.push(Title())
        press(app, pygame.K_RETURN)
        select = app.scene
        assert isinstance(select, SongSelectScene)
        # Choosing a kit for P2 says there is no MIDI (rather than failing silently in
        # the song); back to the keyboard.
        press(app, pygame.K_TAB)
        press_down_to(app, lambda: [i.label for i in select.setup_menu.items],
                      lambda: select.setup_menu.selected, "P2 input")
        press(app, pygame.K_RIGHT)
        assert select.input_value(1) == ("MIDI kit (none assigned) - no MIDI system "
                                         "(see Settings > MIDI kits)")
        press(app, pygame.K_LEFT)
        assert select.input_value(1) == "keyboard (right half)"
        press_down_to(app, lambda: [i.label for i in select.setup_menu.items],
                      lambda: select.setup_menu.selected, "Play")
        press(app, pygame.K_RETURN)
        play = app.scene
        assert isinstance(play, PlayScene)
        p2_keys = {"snare": "j", "tom2": "l", "kick": "m", "crash": ";"}
        for (tick, p1), (_, p2) in zip(P1_NOTES, P2_NOTES, strict=True):
            t = play.tempo.seconds(tick)
            run_until(app, lambda t=t: play.song_time >= t - 1e-9, dt=DT)
            for kind in (pygame.KEYDOWN, pygame.KEYUP):
                for name in (P1_KEYS[p1], p2_keys[p2]):
                    pygame.event.post(pygame.event.Event(kind, key=pygame.key.key_code(name), mod=0,
                                                         unicode=name, scancode=0))
            app.step(DT)
        run_until(app, lambda: play.song_time > 1.7, dt=DT)
        assert _judgements(play, 0) == [Judgement.PERFECT] * 4
        assert _judgements(play, 1) == [Judgement.PERFECT] * 4
    finally:
        close(app)


def test_rescan_finds_a_midi_system_started_after_the_game(
        jack_midi: JackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "duet-drums-nonexistent")
    app = make_app(midi=True)
    try:
        scene = _open_midi_screen(app)
        lines, ok = scene.status_lines()
        assert not ok and "JACK cannot be opened" in lines[0] and scene.ports == []
        monkeypatch.setenv("JACK_DEFAULT_SERVER", jack_midi.name)  # the server is up now
        with VirtualKit(_unique("latekit")) as kit:
            _goto(app, scene, "Rescan ports")
            press(app, pygame.K_RETURN)
            lines, ok = scene.status_lines()
            assert ok and lines[0].startswith("MIDI system: JACK") and kit.name in scene.ports
    finally:
        close(app)


@pytest.fixture(autouse=True)
def _no_stray_events() -> Iterator[None]:
    """Posted events of a failed test must not leak into the next one."""
    yield
    if pygame.display.get_init():
        pygame.event.clear()
