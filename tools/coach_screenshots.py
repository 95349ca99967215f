"""Screenshots of the duo coach in the real game window under Xvfb, for docs/screenshots/.

    python3 tools/coach_screenshots.py [--out docs/screenshots]

Starts a private Xvfb (1280x720) and runs the game in a child process on it (SDL's x11
driver), in fixed time steps so every run gives the same pictures (but for the history's
dates, counted back from today). Each picture is the window's own surface, saved by
`pygame.image.save` from the App's `after_frame` hook (no ImageMagick needed).

The players are a simulated pair whose truth is known (`core.ensemble`), so the coach
has something real to say: Ann (P1) keeps time against the click; Ben (P2) plays his
snare 15 ms late, follows Ann (phase-correction gain 0.5) and both speed up 4 BPM after
the fill in Chorus 2. Their hits enter the play scene as stamped hits at their exact
times. Before that song the pair history is given eleven earlier songs by the same
simulated pair, improving over four sittings (the snare lean shrinking), computed by the
coach from sessions played in core.

Pictures: coach-live.png (the play screen when the live coach first says RUSHING after
that fill), coach-results.png (the results' coach page), coach-history.png (the pair
history), coach-practice.png (the drill a message's button opens), coach-drill.png
(swap the lead running, in the bot's first lead phase).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from xvfb_child import screenshot_main

SIZE = (1280, 720)
LIVE_FROM_S = 76.0    # after the fill in Chorus 2, where the pair speeds up together


def _child(out: Path) -> int:
    import pygame
    from tests.support.app_driver import press, press_down_to
    from tests.support.pair_feed import PairFeed

    from duet_drums.app.catalog import resolve
    from duet_drums.app.context import AppContext
    from duet_drums.app.main import App
    from duet_drums.app.play_setup import PlayerChoice, PlaySetup
    from duet_drums.app.routes import Play
    from duet_drums.app.scenes.pair_history import PairHistoryScene
    from duet_drums.app.scenes.play import PlayScene
    from duet_drums.app.scenes.practice import PracticeScene
    from duet_drums.app.scenes.results import ResultsScene
    from duet_drums.app.widgets import Menu
    from duet_drums.core.coach import coach_session
    from duet_drums.core.ensemble import Musician, TempoDrift, simulate_pair
    from duet_drums.core.kit import Piece
    from duet_drums.core.session import DuetSession, PlayerSetup

    ctx = AppContext.load(stepped=True)
    app = App(ctx, size=SIZE)
    if pygame.display.get_driver() != "x11":
        print(f"expected the x11 video driver, got {pygame.display.get_driver()}", file=sys.stderr)
        return 1
    entry = resolve("summit-medley")
    players = (PlayerChoice("Ann", "lead", "expert"), PlayerChoice("Ben", "partner", "expert"))
    setup = PlaySetup(entry, players)
    parts = [PlayerSetup("lead", "expert", name="Ann"), PlayerSetup("partner", "expert", name="Ben")]

    def pair(snare_late: float, follow: float, drift: bool) -> tuple[Musician, Musician]:
        drifts = (TempoDrift(75.79, 80.0, 4.0),) if drift else ()
        return (Musician(sigma=0.008, timer_sigma=0.004, click_gain=0.3, drifts=drifts),
                Musician(sigma=0.010, timer_sigma=0.004, click_gain=0.3 - follow / 2, partner_gain=follow,
                         piece_offsets={Piece.SNARE: snare_late}, drifts=drifts))

    # The history: eleven songs over four sittings, a week to a day ago.
    history = ctx.runs.history()
    now = time.time()
    k = 0
    for sitting, days_ago in enumerate((9, 6, 3, 1)):
        for song in range(3 if sitting < 3 else 2):
            session = DuetSession(entry.chart, parts)
            lean = 0.026 - 0.004 * sitting - 0.001 * song
            p1, p2 = simulate_pair(session.tracks, pair(lean, 0.6 - 0.03 * k, drift=k % 4 == 1),
                                   session.tempo_map, seed=100 + k)
            for hit in sorted(p1 + p2, key=lambda h: h.t):
                session.hit(hit)
            session.finish()
            history.record(("Ann", "Ben"), entry.id, coach_session(session),
                           played_at=now - 86400 * days_ago + 900 * song)
            k += 1

    captures: list[Path] = []
    feed: list[Callable[[App], None]] = []

    def after(a: App) -> None:
        for f in feed:
            f(a)
        while captures:
            path = captures.pop()
            pygame.image.save(a.screen, str(path))
            print(f"wrote {path}")

    app.after_frame = after

    def capture(name: str) -> None:
        captures.append(out / name)
        app.step(1 / 60)

    def key(k: int) -> None:
        press(app, k)

    def select(menu: Callable[[], Menu], label: str) -> None:
        press_down_to(app, lambda: [i.label for i in menu().items], lambda: menu().selected, label)

    try:
        session = DuetSession(entry.chart, parts)
        p1, p2 = simulate_pair(session.tracks, pair(0.015, 0.5, drift=True), session.tempo_map, seed=3)
        feed[:] = [PairFeed(p1 + p2)]
        app.nav.push(Play(setup))
        play = app.scene
        assert isinstance(play, PlayScene)
        app.render_enabled = False
        app.run_steps(100_000, 1 / 60, until=lambda: play.song_time >= LIVE_FROM_S - 0.5)
        app.render_enabled = True
        app.run_steps(100_000, 1 / 60, until=lambda: play.song_time >= LIVE_FROM_S
                      and play.live.reading.tempo == "rushing")
        capture("coach-live.png")
        app.render_enabled = False
        app.run_steps(100_000, 1 / 60, until=lambda: isinstance(app.scene, ResultsScene))
        app.render_enabled = True
        results = app.scene
        assert isinstance(results, ResultsScene) and results.coach is not None
        key(pygame.K_TAB)
        capture("coach-results.png")
        print("\n".join(results.coach_lines()))
        select(lambda: results.menu, "Pair history")
        key(pygame.K_RETURN)
        assert isinstance(app.scene, PairHistoryScene)
        capture("coach-history.png")
        key(pygame.K_ESCAPE)
        offer = next(o for o in results.coach.offers if o is not None and o.kind == "swap_lead")
        select(lambda: results.menu, offer.label)
        key(pygame.K_RETURN)
        practice = app.scene
        assert isinstance(practice, PracticeScene)
        capture("coach-practice.png")
        drill_setup = practice.play_setup()
        human = 1 if drill_setup.players[0].is_ai else 0
        feed[:] = [PairFeed(p1 + p2, players=(human,))]
        select(lambda: practice.menu, "Start practice")
        key(pygame.K_RETURN)
        drill = app.scene
        assert isinstance(drill, PlayScene)
        leads = next(ph for ph in drill.lead_phases if ph.role == "lead")  # the bot's first lead
        at = leads.start + 0.6 * (min(leads.end, drill.end_time) - leads.start)
        app.render_enabled = False
        app.run_steps(100_000, 1 / 60, until=lambda: drill.song_time >= at - 0.5)
        app.render_enabled = True
        app.run_steps(100_000, 1 / 60, until=lambda: drill.song_time >= at)
        capture("coach-drill.png")
        print(drill.drill_text())
    finally:
        app.close()
        ctx.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    return screenshot_main(__file__, _child, __doc__, argv, SIZE, timeout_s=600)


if __name__ == "__main__":
    sys.exit(main())
