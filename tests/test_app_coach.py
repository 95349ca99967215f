"""The duo coach in the game: the results' coach page, the pair history, the live meter.

Simulated pairs (`core.ensemble`) play through the real, stepped play scene; their hits
enter where the input path leaves stamped hits (`tests/support/pair_feed.py`)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pygame
import pytest

from duet_drums.app.catalog import ChartEntry, resolve
from duet_drums.app.coach_view import panel_text
from duet_drums.app.main import App
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import PairHistory, Play, Practice, Results
from duet_drums.app.run_records import CoachOutcome, SaveReport, coach_run
from duet_drums.app.scenes.pair_history import PairHistoryScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.practice import PracticeScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.core.chart import Chart, save_chart
from duet_drums.core.coach import coach_session
from duet_drums.core.coach_models import CoachReport
from duet_drums.core.ensemble import Musician, TempoDrift, simulate_pair
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.replay import parse_replay, replay_session
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.settings import InputKind
from duet_drums.storage.pair_history import PairHistoryDB
from tests.coach_support import bar_time, drift_chart, play
from tests.support.app_driver import close, make_app, press, press_down_to, run_until, top_is
from tests.support.pair_feed import PairFeed

SNARE_LATE = (Musician(sigma=0.006), Musician(sigma=0.006, piece_offsets={Piece.SNARE: 0.015}))


def _entry(tmp_path: Path, chart: Chart, name: str) -> ChartEntry:
    path = tmp_path / f"{name}.json"
    save_chart(chart, path)
    return resolve(str(path))


def _setup(entry: ChartEntry, inputs: tuple[InputKind, InputKind] = ("keyboard", "keyboard"),
           names: tuple[str, str] = ("Ann", "Ben"), speed: float = 1.0) -> PlaySetup:
    return PlaySetup(entry, (PlayerChoice(names[0], "lead", "expert", inputs[0]),
                             PlayerChoice(names[1], "partner", "expert", inputs[1])), speed=speed)


def _pair_hits(entry: ChartEntry, musicians: tuple[Musician, Musician], seed: int) -> list[Hit]:
    session = DuetSession(entry.chart, [PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")])
    p1, p2 = simulate_pair(session.tracks, musicians, session.tempo_map, seed=seed)
    return p1 + p2


def _lean(report: CoachReport, pairing: str) -> float:
    mean = next(o for o in report.pair.offsets if o.pairing == pairing).mean_ms
    assert mean is not None
    return mean.value


def _play(app: App, setup: PlaySetup, hits: list[Hit], dt: float = 1 / 60) -> ResultsScene:
    app.after_frame = PairFeed(hits)
    app.nav.push(Play(setup))
    run_until(app, top_is(app, ResultsScene), dt=dt)
    results = app.scene
    assert isinstance(results, ResultsScene)
    return results


def test_the_coach_page_says_what_the_saved_replay_says(tmp_path: Path) -> None:
    """The report is made when the song completes, carried by the route, and is the
    one `duet-drums coach` computes from the stored replay: panel words included."""
    entry = _entry(tmp_path, drift_chart(bars=32, section_bars=4), "groove")
    app = make_app(render=True)
    try:
        results = _play(app, _setup(entry), _pair_hits(entry, SNARE_LATE, seed=4))
        route = app.nav.route
        assert isinstance(route, Results) and route.coach is not None and results.coach is route.coach
        saved = route.report.saved[0]
        assert saved is not None and saved.row_id is not None
        blob = app.ctx.scores.replay(saved.row_id)
        assert blob is not None
        session = replay_session(parse_replay(json.loads(gzip.decompress(blob))), entry.chart)
        report, offers = coach_run(session)
        assert report == coach_session(session) == route.coach.report
        assert offers == route.coach.offers
        assert results.coach_lines() == panel_text(CoachOutcome(report, offers, ("Ann", "Ben")))
        # ... and it says something true about this pair: Ben's snare is 15 ms late.
        lines = results.coach_lines()
        assert any(line.startswith("snare: Ann ahead 1") for line in lines), lines
        assert any(line.startswith("kick: together") for line in lines), lines
        assert report.messages and "snare" in report.messages[0].text
        # The page is drawn; Tab goes there and back; its buttons are the drills.
        press(app, pygame.K_TAB)
        assert results.page == "coach"
        labels = [i.label for i in results.menu.items]
        assert labels[:len([o for o in offers if o])] == [o.label for o in offers if o is not None]
        assert labels[-3:] == ["Pair history", "Scores", "Continue"]
        press(app, pygame.K_TAB)
        assert results.page == "score"
    finally:
        close(app)


def test_a_drill_button_opens_practice_on_the_problem(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=32, section_bars=4), "groove")
    app = make_app(render=False)
    try:
        results = _play(app, _setup(entry), _pair_hits(entry, SNARE_LATE, seed=4))
        assert results.coach is not None
        offer = results.coach.offers[0]
        assert offer is not None and offer.kind == "loop_section" and offer.section is not None
        results.show_coach()
        press_down_to(app, lambda: [i.label for i in results.menu.items], lambda: results.menu.selected,
                      offer.label)
        press(app, pygame.K_RETURN)
        practice = app.scene
        assert isinstance(practice, PracticeScene)
        route = app.nav.route
        assert isinstance(route, Practice) and route.offer == offer
        assert practice.section == offer.section and practice.speed == 0.8 and practice.drill == "loop only"
        assert offer.problem in practice.problem
        press_down_to(app, lambda: [i.label for i in practice.menu.items], lambda: practice.menu.selected,
                      "Start practice")
        press(app, pygame.K_RETURN)
        play = app.scene
        assert isinstance(play, PlayScene)
        assert play.setup.loop_section == offer.section and play.setup.speed == 0.8
        assert not play.setup.ranked and play.setup.human_pair is None
    finally:
        close(app)


def test_the_pair_history_accumulates_across_runs_on_disk(tmp_path: Path) -> None:
    """Two people's songs are kept under their names (either side), in the database on
    disk; songs with the AI partner and practice runs are not."""
    entry = _entry(tmp_path, drift_chart(bars=16, section_bars=4), "groove")
    hits = _pair_hits(entry, SNARE_LATE, seed=5)
    reports = []
    app = make_app(render=False)
    try:
        for setup in (_setup(entry), _setup(entry, names=("Ben", "Ann")), _setup(entry, ("keyboard", "ai")),
                      _setup(entry, speed=0.8)):
            results = _play(app, setup, hits, dt=0.02)
            assert results.coach is not None
            reports.append(results.coach)
    finally:
        close(app)
    assert [r.pair for r in reports] == [("Ann", "Ben"), ("Ben", "Ann"), None, None]
    db = PairHistoryDB()  # a new connection: what the game wrote is on disk
    try:
        assert db.pairs() == [("Ann", "Ben")]
        prog = db.progress("Ann", "Ben")
        assert len(prog) == 2 and prog.chart_ids == ["groove", "groove"]
        assert prog.sync_percent == pytest.approx([r.report.pair.sync_percent for r in reports[:2]])
        # Ben sat on the left the second time: his P1 lean is turned to Ann-minus-Ben.
        first, second = (_lean(r.report, "snare") for r in reports[:2])
        assert prog.offsets_ms["snare"] == pytest.approx([first, -second])
    finally:
        db.close()
    # The history screen of a fresh game shows both songs.
    app = make_app(render=True)
    try:
        app.nav.push(PairHistory(names=("Ann", "Ben")))
        app.step()
        scene = app.scene
        assert isinstance(scene, PairHistoryScene) and scene.progress is not None
        assert len(scene.progress) == 2 and scene.summary().startswith("2 songs in 1 sitting")
    finally:
        close(app)


@pytest.mark.parametrize("songs", [1, 3, 300])
def test_the_pair_history_screen_reads_with_few_and_many_songs(tmp_path: Path, songs: int) -> None:
    chart = drift_chart(bars=16)
    report = coach_session(play(chart, SNARE_LATE, seed=1))
    db = PairHistoryDB()
    for k in range(songs):  # ten songs a sitting, a day apart
        at = 1_700_000_000.0 + 1800.0 * k + 86400.0 * (k // 10)
        db.record(("Ann", "Ben"), "groove", report, played_at=at)
    db.close()
    app = make_app(render=True)
    try:
        app.nav.push(PairHistory())
        app.step()
        scene = app.scene
        assert isinstance(scene, PairHistoryScene) and scene.pair == ("Ann", "Ben")
        assert scene.progress is not None and len(scene.progress) == songs
        sittings = (songs - 1) // 10 + 1
        assert scene.progress.session[-1] + 1 == sittings
        assert scene.summary().startswith(f"{songs} song{'s' * (songs > 1)} in {sittings} sitting")
        press(app, pygame.K_DOWN)
        press(app, pygame.K_RIGHT)  # one song only: the same, here
        assert scene.chart == "groove" and len(scene.progress) == songs
        press(app, pygame.K_DOWN)
        press(app, pygame.K_RETURN)  # swap sides: Ben's view, leans turned
        assert scene.pair == ("Ben", "Ann")
        assert scene.progress.offsets_ms["snare"][0] == pytest.approx(-_lean(report, "snare"))
    finally:
        close(app)


def test_the_pair_history_says_when_there_is_none_yet() -> None:
    app = make_app(render=True)
    try:
        app.nav.push(PairHistory())
        app.step()
        scene = app.scene
        assert isinstance(scene, PairHistoryScene) and scene.pair is None and scene.progress is None
        assert scene.summary() == ""
    finally:
        close(app)


def test_the_live_meter_names_the_leader_and_the_pair_rushing(tmp_path: Path) -> None:
    """Ben steadily 20 ms ahead; both speed up 4 BPM over bars 8-10: the meter's coach
    lines name Ben after enough unisons, and say RUSHING while it happens."""
    entry = _entry(tmp_path, drift_chart(), "drift")
    ramp = TempoDrift(bar_time(8), bar_time(10), 4.0)
    pair = (Musician(drifts=(ramp,)), Musician(offset=-0.020, drifts=(ramp,)))
    seen: list[tuple[float, list[str]]] = []
    app = make_app(render=True)
    try:
        feed = PairFeed(_pair_hits(entry, pair, seed=2))

        def hook(a: App) -> None:
            feed(a)
            scene = a.scene
            if isinstance(scene, PlayScene):
                meter = scene.playfield.sync_meter
                seen.append((scene.song_time, [t for t, _ in meter.coach_lines(scene.live.reading)]))

        app.nav.push(Play(_setup(entry)))
        app.after_frame = hook
        run_until(app, top_is(app, ResultsScene), dt=1 / 60)
    finally:
        close(app)
    # Not on the first strokes: a lean needs MIN_LEAD_UNISONS (the sixth comes at 1.25 s).
    early = [lines for t, lines in seen if t < 1.2]
    assert early and all(not any("ahead lately" in x for x in lines) for lines in early)
    later = [lines for t, lines in seen if bar_time(3) < t < bar_time(8)]
    assert later and all(lines and lines[0].startswith("Ben ahead lately (") for lines in later)
    assert all(15 <= int(re.findall(r"\((\d+) ms\)", lines[0])[0]) <= 25 for lines in later)
    rushing = [lines for t, lines in seen if bar_time(9) + 1.0 <= t < bar_time(10)]
    assert rushing and all(any(x.startswith("RUSHING +") for x in lines) for lines in rushing[-30:])
    before = [lines for t, lines in seen if t < bar_time(8)]
    assert not any("RUSHING" in x or "DRAGGING" in x for lines in before for x in lines)


@pytest.mark.parametrize("size", [(800, 600), (1280, 720), (1920, 1080)])
def test_the_coach_page_and_history_draw_at_any_window_size(tmp_path: Path, size: tuple[int, int]) -> None:
    entry = _entry(tmp_path, drift_chart(bars=16, section_bars=4), "groove")
    session = play(entry.chart, SNARE_LATE, seed=4)
    report, offers = coach_run(session)
    db = PairHistoryDB()
    db.record(("Ann", "Ben"), "groove", report, played_at=1_700_000_000.0)
    db.close()
    outcome = CoachOutcome(report, offers, ("Ann", "Ben"))
    app = make_app(render=False)
    try:
        app.nav.push(Results(_setup(entry), session.finish(), session.rules, SaveReport(), outcome))
        results = app.scene
        assert isinstance(results, ResultsScene) and results.coach_page is not None
        surface = pygame.Surface(size)
        results.coach_page.draw(surface)
        results.draw(surface)
        app.nav.push(PairHistory(names=("Ann", "Ben")))
        history = app.scene
        assert isinstance(history, PairHistoryScene)
        history.draw(surface)
    finally:
        close(app)
