"""A finished song is saved once, when it completes, by the run records service; the
results screen only shows what that did (building or redrawing it writes nothing)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from duet_drums.app.catalog import resolve
from duet_drums.app.main import App
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import Play, Results
from duet_drums.app.run_records import save_run
from duet_drums.app.scenes.results import ResultsScene, leader_text
from duet_drums.core.replay import parse_replay, rescore
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.settings import Calibration, InputKind
from duet_drums.storage.scores import ScoreDB
from tests.chart_factory import minimal_chart_data
from tests.support.app_driver import close, make_app, run_until, top_is


@pytest.fixture
def charts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A charts folder with one tiny chart, which `resolve("tiny")` finds."""
    folder = tmp_path / "charts"
    folder.mkdir()
    (folder / "tiny.json").write_text(json.dumps(minimal_chart_data()))
    monkeypatch.setattr("duet_drums.app.catalog.charts_dir", lambda: folder)
    return folder


PAIR = [PlayerSetup("lead", "expert", name="Ann"), PlayerSetup("partner", "expert", name="Ben")]


def _setup(inputs: tuple[InputKind, InputKind], section: str | None = None) -> PlaySetup:
    entry = resolve("tiny")
    return PlaySetup(entry, (PlayerChoice("Ann", "lead", "expert", inputs[0]),
                             PlayerChoice("Ben", "partner", "expert", inputs[1])), loop_section=section)


def _play_to_results(app: App, setup: PlaySetup) -> ResultsScene:
    app.nav.push(Play(setup))
    run_until(app, top_is(app, ResultsScene), dt=0.05)
    results = app.scene
    assert isinstance(results, ResultsScene)
    return results


def test_the_song_is_saved_once_when_it_completes_and_results_only_show_it(charts: Path) -> None:
    app = make_app(charts_dirs=[charts])
    try:
        results = _play_to_results(app, _setup(("keyboard", "ai")))
        assert app.ctx.scores.count() == 1  # Ann's run; the AI partner's is not stored
        route = app.nav.route
        assert isinstance(route, Results)
        saved = route.report.saved
        assert saved[0] is not None and saved[0].new_best and saved[1] is None
        assert results.saved == saved and route.report.error is None
        last = app.ctx.runs.last
        assert last is not None and last.result == results.result == route.result
        # Showing the results again (or drawing them for a while) saves nothing more.
        for _ in range(30):
            app.step()
        app.nav.replace(route)
        assert isinstance(app.scene, ResultsScene) and app.scene is not results
        app.step()
        assert app.ctx.scores.count() == 1
        # What was stored is the replay of this very run.
        rows = app.ctx.scores.top("tiny", "lead", "expert")
        assert [(r.id, r.player_name, r.score) for r in rows] == [
            (saved[0].row_id, "Ann", route.result.players[0].score)]
    finally:
        close(app)


def test_a_failed_save_is_shown_on_the_results_screen_and_kept_for_next_time(charts: Path) -> None:
    app = make_app(charts_dirs=[charts])
    try:
        app.nav.push(Play(_setup(("keyboard", "ai"))))
        app.ctx.scores.close()  # the database goes away mid-song
        run_until(app, top_is(app, ResultsScene), dt=0.05)
        results = app.scene
        assert isinstance(results, ResultsScene)
        # The players are told the score is not in the table yet, and where it is kept.
        assert results.save_error is not None and results.save_error.startswith("score not saved yet")
        assert "pending" in results.save_error
        kept = results.saved[0]
        assert kept is not None and kept.stored == "pending" and kept.row_id is None
        assert results.saved[1] is None  # the AI partner is never stored
        app.step()  # drawn with the notice in the hint bar, no crash
        assert isinstance(app.scene, ResultsScene)
        score = results.result.players[0].score
    finally:
        # The next start adds the kept run to the table, and says so.
        app.ctx.scores = reopened = ScoreDB()
        close(app)
    assert any("added 1 run" in n for n in reopened.notices)
    db = ScoreDB()
    try:
        rows = db.top("tiny", "lead", "expert")
        assert [(r.player_name, r.score) for r in rows] == [("Ann", score)]
    finally:
        db.close()


@pytest.mark.parametrize(("inputs", "section"), [(("ai", "ai"), None), (("keyboard", "ai"), "Intro")])
def test_bots_and_practice_loops_are_not_ranked(charts: Path, tmp_path: Path,
                                                inputs: tuple[InputKind, InputKind],
                                                section: str | None) -> None:
    setup = _setup(inputs, section)
    session = DuetSession(setup.entry.chart, PAIR)
    db = ScoreDB(tmp_path / "scores.sqlite3")
    try:
        report = save_run(db, setup, session, session.finish(), Calibration(), "2025-01-01T00:00:00")
        assert report.saved == (None, None) and report.error is None and db.count() == 0
    finally:
        db.close()


def test_a_saved_replay_carries_the_calibration_and_rescores(charts: Path, tmp_path: Path) -> None:
    setup = _setup(("keyboard", "keyboard"))
    session = DuetSession(setup.entry.chart, PAIR, rules_for("strict"))
    result = session.finish()
    db = ScoreDB(tmp_path / "scores.sqlite3")
    try:
        report = save_run(db, setup, session, result, Calibration(input_offsets_ms={"keyboard": 12.0}),
                          "2025-01-01T00:00:00")
        assert report.saved[0] is not None and report.saved[1] is not None and db.count() == 2
        blob = db.replay(report.saved[0].row_id)
        assert blob is not None
        replay = parse_replay(json.loads(gzip.decompress(blob)))
        assert replay.calibration["input_offsets_ms"] == {"keyboard": 12.0}
        assert replay.rules == rules_for("strict") and replay.created == "2025-01-01T00:00:00"
        assert rescore(replay, setup.entry.chart) == result
    finally:
        db.close()


def test_who_leads_uses_the_rules_full_credit_window() -> None:
    standard, strict = rules_for("standard"), rules_for("strict")
    assert leader_text(None, standard) == "no shared notes were both hit"
    # 7 ms: inside standard's 10 ms full-credit window, outside strict's 5 ms one.
    assert leader_text(7.0, standard) == "together: P2 7.0 ms ahead (< 10 ms)"
    assert leader_text(-0.01, standard) == "together: 0.0 ms apart"
    assert leader_text(7.0, strict) == "P2 ahead by 7.0 ms"
    assert leader_text(-12.5, standard) == "P1 ahead by 12.5 ms"
    assert standard.leader_of(-9.9) == "together" and standard.leader_of(-10.0) == "P1"

