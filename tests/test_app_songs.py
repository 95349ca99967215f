"""Song select with a broken chart beside good ones, and a played score reaching SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pygame

from duet_drums.app.main import App
from duet_drums.app.routes import Title
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.scenes.title import TitleScene
from duet_drums.core.chart import load_chart
from duet_drums.storage.scores import ScoreDB
from tests.chart_factory import minimal_chart_data
from tests.support.app_driver import close, make_app, press, press_down_to, run_until, top_is


def _charts(tmp_path: Path) -> Path:
    folder = tmp_path / "charts"
    folder.mkdir()
    good = minimal_chart_data()
    good["metadata"]["title"] = "Tiny Song"
    (folder / "tiny.json").write_text(json.dumps(good))
    bad = minimal_chart_data()
    bad["parts"]["lead"]["hard"][2]["piece"] = "cowbell"
    (folder / "broken.json").write_text(json.dumps(bad))
    (folder / "notjson.json").write_text("{ this is not json")
    return folder


def _start(tmp_path: Path) -> App:
    app = make_app(charts_dirs=[_charts(tmp_path)])
    app.nav.push(Title())
    app.step()
    press(app, pygame.K_RETURN)
    assert isinstance(app.scene, SongSelectScene)
    return app


def test_broken_charts_are_listed_with_their_message_and_the_rest_play(tmp_path: Path) -> None:
    app = _start(tmp_path)
    try:
        select = app.scene
        assert isinstance(select, SongSelectScene)
        assert [e.title for e in select.ctx.catalog.charts] == ["Tiny Song"]
        broken = {b.path.name: b.message for b in select.ctx.catalog.broken}
        assert set(broken) == {"broken.json", "notjson.json"}
        assert str(tmp_path / "charts" / "broken.json") in broken["broken.json"]
        assert "parts.lead.hard[2].piece" in broken["broken.json"] and "cowbell" in broken["broken.json"]
        assert "invalid JSON" in broken["notjson.json"]
        # The broken rows are in the list; selecting one shows its message and cannot start.
        assert len(select.rows) == 3
        press(app, pygame.K_DOWN)
        assert select.entry is None and select.selected is not None
        press(app, pygame.K_RETURN)
        assert app.scene is select
        pygame.image.save(app.screen, str(tmp_path / "broken.png"))  # the draw path ran
        press(app, pygame.K_UP)
        # The good chart plays to the end with bots.
        select.ctx.settings.players[0].input = select.ctx.settings.players[1].input = "ai"
        press(app, pygame.K_RETURN)
        press(app, pygame.K_RETURN)
        assert isinstance(app.scene, PlayScene)
        run_until(app, top_is(app, ResultsScene), dt=0.05)
    finally:
        close(app)


def test_a_played_score_is_saved_and_shown_as_a_high_score(tmp_path: Path) -> None:
    app = _start(tmp_path)
    try:
        select = app.scene
        assert isinstance(select, SongSelectScene)
        s = select.ctx.settings
        s.players[0].name, s.players[0].part, s.players[0].difficulty, s.players[0].input = (
            "Ann", "lead", "expert", "keyboard")
        s.players[1].input = "ai"
        press(app, pygame.K_RETURN)
        press(app, pygame.K_RETURN)
        play = app.scene
        assert isinstance(play, PlayScene)
        # Lead expert at 120 BPM: kick+crash at 0 s, snare 0.5 s, kick 1.0 s, snare 1.5 s.
        # P1's default keys: c = kick, f = crash, a = snare.
        for t, keys in ((0.0, "cf"), (0.5, "a"), (1.0, "c"), (1.5, "a")):
            run_until(app, lambda t=t: play.song_time >= t - 1e-6, dt=0.05)
            for kind in (pygame.KEYDOWN, pygame.KEYUP):  # a held key does not strike again
                for k in keys:
                    pygame.event.post(pygame.event.Event(kind, key=pygame.key.key_code(k), mod=0, unicode=k,
                                                         scancode=0))
            app.step(0.05)
        run_until(app, top_is(app, ResultsScene), dt=0.05)
        results = app.scene
        assert isinstance(results, ResultsScene)
        p1 = results.result.players[0]
        assert p1.counts["perfect"] == 5 and p1.counts["miss"] == 0
        assert results.saved[0] is not None and results.saved[0].new_best
        assert results.saved[1] is None  # the AI partner is not ranked
        app.step()

        # Stored on disk, with a replay.
        db = ScoreDB()
        rows = db.top("tiny", "lead", "expert")
        assert [(r.player_name, r.score) for r in rows] == [("Ann", p1.score)]
        blob = db.replay(rows[0].id)
        assert rows[0].has_replay and blob
        db.close()
        # ... and that replay re-scores to exactly what the results screen showed.
        import gzip
        import json

        from duet_drums.core.replay import parse_replay, rescore

        replay = parse_replay(json.loads(gzip.decompress(blob)))
        assert rescore(replay, load_chart(play.setup.entry.path)) == results.result

        # Continue -> song select shows it in the high-score table.
        press(app, pygame.K_RETURN)
        assert isinstance(app.scene, SongSelectScene)
        table = app.scene.high_scores(0)
        assert [(r.player_name, r.score) for r in table] == [("Ann", p1.score)]

        # A second, worse run is no new best.
        press(app, pygame.K_RETURN)
        press(app, pygame.K_RETURN)
        run_until(app, top_is(app, ResultsScene), dt=0.05)
        again = app.scene
        assert isinstance(again, ResultsScene)
        assert again.saved[0] is not None and not again.saved[0].new_best
        assert again.saved[0].previous_best == p1.score
    finally:
        close(app)


def test_song_select_esc_goes_back(tmp_path: Path) -> None:
    app = _start(tmp_path)
    try:
        select = app.scene
        assert isinstance(select, SongSelectScene)
        press(app, pygame.K_TAB)
        press_down_to(app, lambda: [i.label for i in select.setup_menu.items],
                      lambda: select.setup_menu.selected, "Play")
        press(app, pygame.K_ESCAPE)
        assert select.focus == "list"
        press(app, pygame.K_ESCAPE)
        assert isinstance(app.scene, TitleScene)
    finally:
        close(app)
