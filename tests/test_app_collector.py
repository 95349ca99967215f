"""No full garbage collection walks the game's objects during a song (app/collector.py).

While a screen that takes drum hits is on top, what was alive when it arrived is frozen,
so a collection Python starts mid-song walks only what the song made since; between
songs (results, pause, menus) it is thawed and collected, so nothing stays kept for good.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pygame

from duet_drums.app.catalog import load_entry
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import Play
from duet_drums.app.scenes.pause import PauseScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.results import ResultsScene
from tests.support.app_driver import close, make_app, press, run_until, top_is
from tests.test_audio_faults import short_chart


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_song_freezes_what_is_alive_and_the_results_thaw_and_collect_it(tmp_path: Path) -> None:
    chart = short_chart(tmp_path / "charts")
    app = make_app([chart.parent])
    try:
        made_in_the_menu = Cycle()
        left_in_the_menu = weakref.ref(made_in_the_menu)
        del made_in_the_menu
        setup = PlaySetup(load_entry(chart), (PlayerChoice("P1", "lead", "expert", "ai"),
                                              PlayerChoice("P2", "partner", "expert", "ai")))
        app.nav.push(Play(setup))
        play = app.scene
        assert isinstance(play, PlayScene)
        # The menus' garbage was collected before the song, not frozen with it.
        assert left_in_the_menu() is None
        frozen = gc.get_freeze_count()
        assert app.collector.frozen and frozen > 10_000
        # A full collection now walks only what is not frozen: a small part of the game.
        assert len(gc.get_objects()) < frozen / 4
        keeps = Cycle()
        kept = weakref.ref(keeps)
        play.session_note = keeps  # type: ignore[attr-defined]  # frozen with the song at the resume...

        press(app, pygame.K_ESCAPE)  # pause: between songs, for the collector
        assert isinstance(app.scene, PauseScene)
        assert not app.collector.frozen and gc.get_freeze_count() == 0
        press(app, pygame.K_ESCAPE)  # resume
        assert app.scene is play and app.collector.frozen

        del play.session_note  # ...garbage during the song
        del keeps
        run_until(app, top_is(app, ResultsScene))
        assert not app.collector.frozen and gc.get_freeze_count() == 0
        assert kept() is None  # collected once the song was over
        app.nav.replace(Play(setup))
        assert app.collector.frozen
    finally:
        close(app)
    assert gc.get_freeze_count() == 0  # closing the game leaves nothing frozen
