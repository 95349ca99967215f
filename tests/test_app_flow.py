"""The real scenes, driven headlessly with posted key events and fixed time steps."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
import pytest

from duet_drums.app.main import App
from duet_drums.app.routes import Title
from duet_drums.app.scenes.pause import PauseScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.core.rules import JUDGEMENT_ORDER
from tests.support.app_driver import (
    close,
    expected_bot_result,
    make_app,
    press,
    press_down_to,
    run_until,
    top_is,
)


@pytest.fixture
def app() -> Iterator[App]:
    app = make_app()
    app.nav.push(Title())
    app.step()
    yield app
    close(app)


def _setup_rows(scene: SongSelectScene) -> tuple[list[str], int]:
    return [i.label for i in scene.setup_menu.items], scene.setup_menu.selected


def test_menus_from_title_to_a_song(app: App) -> None:
    press(app, pygame.K_RETURN)  # "Play"
    assert isinstance(app.scene, SongSelectScene)
    select = app.scene
    titles = [e.title for e in select.ctx.catalog.charts]
    assert titles[0] == "Summit Medley" and {"Dynamite", "Golden"} <= set(titles)
    press(app, pygame.K_DOWN)
    assert select.entry is not None and select.entry.title == titles[1]
    press(app, pygame.K_UP)
    assert select.entry is not None and select.entry.id == "summit-medley"

    press(app, pygame.K_TAB)  # into the player setup
    assert select.focus == "setup"
    press_down_to(app, lambda: _setup_rows(select)[0], lambda: select.setup_menu.selected, "P1 difficulty")
    before = select.ctx.settings.players[0].difficulty
    press(app, pygame.K_RIGHT)
    after = select.ctx.settings.players[0].difficulty
    assert after != before
    press_down_to(app, lambda: _setup_rows(select)[0], lambda: select.setup_menu.selected, "P2 input")
    press(app, pygame.K_RIGHT)
    press(app, pygame.K_RIGHT)
    assert select.ctx.settings.players[1].input == "ai"
    press_down_to(app, lambda: _setup_rows(select)[0], lambda: select.setup_menu.selected, "Play")
    press(app, pygame.K_RETURN)

    assert isinstance(app.scene, PlayScene)
    play = app.scene
    assert play.setup.entry.id == "summit-medley"
    assert play.setup.players[0].difficulty == after and play.setup.players[1].is_ai
    assert play.song_time < 0  # the count-in
    # Song select remembers the choices in the settings file.
    from duet_drums.settings import load_settings

    saved, warning = load_settings()
    assert warning is None and saved.players[1].input == "ai" and saved.players[0].difficulty == after


def test_autoplay_medley_results_equal_the_engine(app: App) -> None:
    settings = app.ctx.settings
    p1, p2 = settings.players
    p1.part, p1.difficulty, p1.input = "lead", "expert", "ai"
    p2.part, p2.difficulty, p2.input = "partner", "easy", "ai"
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, SongSelectScene)
    press(app, pygame.K_RETURN)  # focus the setup on "Play"
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    app.render_enabled = False  # the song itself runs undrawn for speed; results are drawn
    run_until(app, top_is(app, ResultsScene), dt=0.05)
    app.render_enabled = True
    app.step()
    results = app.scene
    assert isinstance(results, ResultsScene)

    expected = expected_bot_result(play.setup.entry.chart, [("lead", "expert"), ("partner", "easy")])
    assert results.result == expected
    assert expected.players[0].score > expected.players[1].score > 0
    for p in (0, 1):
        pr = expected.players[p]
        lines = results.player_lines(p)
        assert lines[0] == f"{pr.score:,}"
        assert f"Accuracy {pr.accuracy:.1f}%" in lines and f"Max combo {pr.max_combo}" in lines
        for j in JUDGEMENT_ORDER:
            assert f"{j.value.capitalize()} {pr.counts[j]}" in lines
    assert results.sync_lines()[0] == f"Sync {expected.sync.sync_percent:.1f}%"
    assert expected.sync.weakest_section is not None
    assert results.menu.items[-1].label == f"Practice this: {expected.sync.weakest_section}"
    # Bots' runs never enter the high-score table.
    assert app.ctx.scores.count() == 0

    # "Practice this" opens practice mode looping that section.
    press_down_to(app, lambda: [i.label for i in results.menu.items], lambda: results.menu.selected,
                  results.menu.items[-1].label)
    press(app, pygame.K_RETURN)
    from duet_drums.app.scenes.practice import PracticeScene

    practice = app.scene
    assert isinstance(practice, PracticeScene) and practice.section == expected.sync.weakest_section
    press(app, pygame.K_RETURN)  # "Start practice" is preselected
    looped = app.scene
    assert isinstance(looped, PlayScene) and looped.loop is not None
    start, end = looped.loop.start, looped.loop.end
    assert looped.song_time == pytest.approx(start - 2.0, abs=0.05)  # one frame in
    # Only the section's notes are in the practice session.
    times = looped.session.tracks[0].times
    assert len(times) and times.min() >= start - 1e-9 and times.max() < end
    # Play through the loop once: it comes round again rather than ending.
    app.render_enabled = False
    run_until(app, lambda: len(looped.state.loops) == 1, dt=0.05)
    assert app.scene is looped and looped.song_time < start


def test_pause_freezes_song_time_and_resume_continues(app: App) -> None:
    settings = app.ctx.settings
    settings.players[0].input = settings.players[1].input = "ai"
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    run_until(app, lambda: play.song_time > 3.0, dt=0.05)
    judged_before = int((play.session.tracks[0].judgement >= 0).sum())
    press(app, pygame.K_ESCAPE)
    assert isinstance(app.scene, PauseScene)
    frozen = play.song_time
    for _ in range(120):
        app.step(0.05)  # six seconds of frames while paused
    assert play.song_time == frozen
    assert int((play.session.tracks[0].judgement >= 0).sum()) == judged_before
    press(app, pygame.K_ESCAPE, dt=0.05)  # Esc resumes; that frame runs too
    assert app.scene is play
    for _ in range(10):
        app.step(0.05)
    assert play.song_time == pytest.approx(frozen + 0.05 * 11)
    assert int((play.session.tracks[0].judgement >= 0).sum()) > judged_before

    # Pause -> Quit song goes back to song select.
    press(app, pygame.K_ESCAPE)
    pause = app.scene
    assert isinstance(pause, PauseScene)
    press_down_to(app, lambda: [i.label for i in pause.menu.items], lambda: pause.menu.selected, "Quit song")
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, SongSelectScene)


def test_pause_restart_starts_the_song_over(app: App) -> None:
    app.ctx.settings.players[0].input = app.ctx.settings.players[1].input = "ai"
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    press(app, pygame.K_RETURN)
    play = app.scene
    assert isinstance(play, PlayScene)
    run_until(app, lambda: play.song_time > 2.0, dt=0.05)
    press(app, pygame.K_ESCAPE)
    pause = app.scene
    assert isinstance(pause, PauseScene)
    press_down_to(app, lambda: [i.label for i in pause.menu.items], lambda: pause.menu.selected, "Restart")
    press(app, pygame.K_RETURN)
    again = app.scene
    assert isinstance(again, PlayScene) and again is not play
    assert again.song_time < 0 and again.session.stats[0].score == 0
    assert [type(s).__name__ for s in app.stack] == ["TitleScene", "SongSelectScene", "PlayScene"]
