"""Practice mode reached from song select, as a player gets there: Practice... -> a
section, 70% speed, the AI on the other part -> play. Stepped time checks the session,
the AI and the loop; the wall-clock transport (no audio device) checks the speed
against real time."""

from __future__ import annotations

import time

import pygame
import pytest

from duet_drums.app.main import App
from duet_drums.app.routes import Title
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.practice import PracticeScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.transport import SteppedTransport, WallTransport
from duet_drums.core.practice import LOOP_LEAD_IN_S
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.support.app_driver import close, make_app, press, press_down_to, run_until

SECTION = "Pre-Chorus"


def _practice_from_song_select(app: App) -> PlayScene:
    app.nav.push(Title())
    press(app, pygame.K_RETURN)  # Play
    select = app.scene
    assert isinstance(select, SongSelectScene) and select.entry is not None
    assert select.entry.id == "summit-medley"
    press(app, pygame.K_TAB)
    press_down_to(app, lambda: [i.label for i in select.setup_menu.items],
                  lambda: select.setup_menu.selected, "Practice...")
    press(app, pygame.K_RETURN)
    practice = app.scene
    assert isinstance(practice, PracticeScene)

    def row(label: str) -> None:
        press_down_to(app, lambda: [i.label for i in practice.menu.items], lambda: practice.menu.selected,
                      label)

    row("Section")
    for _ in range(len(practice.sections)):
        if practice.section == SECTION:
            break
        press(app, pygame.K_RIGHT)
    assert practice.section == SECTION
    row("Speed")
    assert practice.menu.current.value is not None and practice.menu.current.value() == "80%"
    press(app, pygame.K_LEFT)
    press(app, pygame.K_LEFT)
    assert practice.menu.current.value() == "70%"
    row("Who practises")
    press(app, pygame.K_RIGHT)
    assert practice.who == "P1 (AI plays P2)"
    row("Start practice")
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    assert play.setup.loop_section == SECTION and play.setup.speed == pytest.approx(0.7)
    assert play.setup.players[0].input == "keyboard" and play.setup.players[1].is_ai
    return play


def test_practice_loops_a_section_at_70_percent_with_the_ai_on_p2() -> None:
    app = make_app(render=False)
    try:
        play = _practice_from_song_select(app)
        assert isinstance(play.transport, SteppedTransport) and play.transport.speed == pytest.approx(0.7)
        assert play.loop is not None
        start, end = play.loop.start, play.loop.end
        # The session holds exactly the section's notes, for both parts.
        full = DuetSession(play.full_chart, [PlayerSetup(c.part, c.difficulty, c.layout)
                                             for c in play.setup.players])
        for p in (0, 1):
            times = play.session.tracks[p].times
            whole = full.tracks[p].times
            expected = whole[(whole >= start - 1e-9) & (whole < end - 1e-9)]
            assert len(expected) > 10 and list(times) == pytest.approx(list(expected))
        assert set(play.bots) == {1}

        # Song time runs at 70% of the frame time, from 2 s before the section.
        before = play.song_time
        assert before == pytest.approx(start - LOOP_LEAD_IN_S, abs=0.05)
        for _ in range(10):
            app.step(0.05)
        assert play.song_time == pytest.approx(before + 10 * 0.05 * 0.7)

        # One pass: the AI plays P2's part, P1 (nobody at the keys) misses everything, and
        # the loop comes round to the section's start instead of ending the song.
        first = play.session
        resumed = play.song_time
        steps = run_until(app, lambda: len(play.state.loops) == 1, dt=0.05)
        # The pass ended when song time reached the section's end (+ the miss window).
        assert resumed + steps * 0.05 * 0.7 == pytest.approx(end + play.rules.miss, abs=0.05 * 0.7)
        assert app.scene is play
        assert play.song_time == pytest.approx(start - LOOP_LEAD_IN_S)
        p1_acc, p2_acc = play.state.loops[0].accuracy
        assert p1_acc == 0.0 and p2_acc > 80.0
        assert first.stats[1].score > 0 and first.stats[0].score == 0
        assert play.session is not first  # a fresh session for the next pass
        assert int((play.session.tracks[1].judgement >= 0).sum()) == 0
        app.step(0.05)
        assert play.song_time == pytest.approx(start - LOOP_LEAD_IN_S + 0.05 * 0.7)
    finally:
        close(app)


def test_practice_speed_follows_the_wall_clock_without_audio() -> None:
    """No audio device: the wall transport; song time = 0.7 x real time."""
    app = make_app(render=False, stepped=False, audio=False, midi=False)
    try:
        play = _practice_from_song_select(app)
        assert isinstance(play.transport, WallTransport)
        app.step()
        real0, song0 = time.perf_counter(), play.song_time
        deadline = real0 + 0.6
        while time.perf_counter() < deadline:
            app.step()
            time.sleep(0.01)
        real1, song1 = time.perf_counter(), play.song_time
        # song_time was read inside the last step, a moment before real1: allow a frame.
        assert (song1 - song0) / (real1 - real0) == pytest.approx(0.7, abs=0.03)
        assert play.loop is not None and song0 == pytest.approx(play.loop.start - LOOP_LEAD_IN_S, abs=0.5)
    finally:
        close(app)
