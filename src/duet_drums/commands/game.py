"""`duet-drums` (no command) and `duet-drums play CHART ...`: the game itself.

`play --headless --autoplay` runs the real play scene with two bots on a fixed-step
transport (SDL dummy drivers, nothing drawn, no sound device) and prints the engine's
Result as JSON: a whole song in about a second, identical on every run for a given
`--seed`. pygame is imported only inside the commands, after the SDL drivers are chosen.

For scripts and the end-to-end test (tests/test_e2e_realtime.py), a real-time `play` can
hand its outcome over and end by itself: `--result-out FILE` writes the engine's Result
JSON (atomically) when the song finishes, and `--exit-after-song` quits once the results
screen has been drawn, instead of waiting for a player to press a key. The song clock can
be logged for such scripts with `DUET_DRUMS_CLOCK_LOG` (see duet_drums.app.clock_log).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from duet_drums.commands.args import part_difficulty

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.play_setup import PlaySetup
    from duet_drums.app.routes import Route
    from duet_drums.core.result import Result

INPUTS = ("keyboard", "midi", "ai")
HEADLESS_STEP_S = 1 / 60
# Song time a headless run may take beyond the chart's length (count-in, the last
# note's window, the grace before the results) before it is called stuck.
HEADLESS_MARGIN_S = 30.0




def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.5 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"practice speed must be between 0.5 and 1.0, got {value}")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    game = sub.add_parser("game", help="start the game on the title screen (same as no command)")
    game.add_argument("--fps", type=int, default=None,
                      help="frame rate cap; 0 = uncapped (default: the settings' FPS limit)")
    game.set_defaults(func=cmd_game)

    play = sub.add_parser("play", help="start a song directly (or play it headless with bots)",
                          description="Start a song directly. CHART is a chart file, a chart id "
                                      "from the charts folder (e.g. summit-medley), or a community "
                                      "song folder (notes.mid / notes.chart, song.ini, stems).")
    play.add_argument("chart")
    play.add_argument("--p1", type=part_difficulty, metavar="PART:DIFF", help="player 1, e.g. lead:expert")
    play.add_argument("--p2", type=part_difficulty, metavar="PART:DIFF", help="player 2, e.g. partner:easy")
    for p in (1, 2):
        play.add_argument(f"--p{p}-input", choices=INPUTS,
                          help=f"player {p} plays on the keyboard, a MIDI kit, or is the AI partner")
    play.add_argument("--practice-speed", type=_speed, default=1.0, metavar="SPEED",
                      help="0.5 to 1.0: practice slower (not ranked)")
    play.add_argument("--section", metavar="NAME", help="practice: loop this chart section")
    play.add_argument("--autoplay", action="store_true", help="both players are bots")
    play.add_argument("--headless", action="store_true",
                      help="no window, no sound: step song time and print the Result as JSON")
    play.add_argument("--seed", type=int, default=0, help="bots' random seed (default 0)")
    play.add_argument("--fps", type=int, default=None, help="frame rate cap; 0 = uncapped")
    play.add_argument("--result-out", metavar="FILE",
                      help="write the Result as JSON to FILE when the song finishes")
    play.add_argument("--exit-after-song", action="store_true",
                      help="quit after the song instead of staying on the results screen")
    play.set_defaults(func=cmd_play)


def _fps(ctx_fps_limit: int, override: int | None) -> int | None:
    """The pacer's cap: --fps wins (0 = uncapped); else the settings' limit. A limit of 0
    means 'the display's refresh': the App asks the display once the window is open and
    falls back to this 120 where the display does not say (Xvfb, dummy drivers)."""
    if override is not None:
        return override or None
    return ctx_fps_limit or 120


def _context(stepped: bool, fps: int | None) -> AppContext:
    from duet_drums.app.context import AppContext

    ctx = AppContext.load(stepped=stepped)
    ctx.fps = _fps(ctx.settings.fps_limit, fps)
    ctx.fps_follow_display = fps is None and not ctx.settings.fps_limit
    # Settings repaired or set aside, a score database set aside or held in memory only.
    for warning in ctx.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return ctx


def no_screen_reason() -> str | None:
    """Why a window cannot be shown, or None.

    - With no display SDL quietly falls back to its offscreen driver and the game would
      run invisibly: the player is told instead.
    - A DISPLAY (or WAYLAND_DISPLAY) that is set but where no server answers ends the same
      way, and is named: "no display set" would send the player looking in the wrong place.
    - An explicitly chosen SDL_VIDEODRIVER that cannot start (x11 with no X server) is
      named with SDL's reason, instead of a traceback from the window code.
    - SDL_VIDEODRIVER=dummy or offscreen (tests, screenshots, headless runs) is taken as meant.
    """
    import pygame

    chosen = os.environ.get("SDL_VIDEODRIVER", "")
    if not chosen:
        os.environ.pop("SDL_VIDEODRIVER", None)  # set but empty: SDL would look for "windows"
    if chosen in ("dummy", "offscreen"):
        return None
    hint = "Without a screen, try: duet-drums play summit-medley --headless --autoplay"
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
    except pygame.error as exc:
        if chosen:
            return (f"SDL_VIDEODRIVER={chosen} cannot open a display ({exc}); check that its display "
                    "server runs and DISPLAY / WAYLAND_DISPLAY point at it, or unset SDL_VIDEODRIVER. "
                    f"{hint}")
        return f"no video device ({exc}). {hint}"
    if driver in ("offscreen", "dummy"):
        pygame.display.quit()
        named = [f"{var}={os.environ[var]}" for var in ("DISPLAY", "WAYLAND_DISPLAY") if os.environ.get(var)]
        if named:
            return (f"cannot open the display: {' and '.join(named)} is set, but no display server "
                    f"answers there (is it running? is access allowed?). {hint}")
        return f"no display found (DISPLAY / WAYLAND_DISPLAY not set): the game needs a screen. {hint}"
    return None


def run_default(fps: int | None = None) -> int:
    from duet_drums.app.main import App
    from duet_drums.app.routes import Title

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    why = no_screen_reason()
    if why:
        print(f"error: {why}", file=sys.stderr)
        return 2
    ctx = _context(False, fps)
    ctx.library.start(ctx.settings.library.folders)  # in the background: ready by song select
    app = App(ctx)
    try:
        app.nav.push(Title())
        return app.run()
    finally:
        app.close()
        ctx.close()


def cmd_game(args: argparse.Namespace) -> int:
    return run_default(args.fps)


def cmd_play(args: argparse.Namespace) -> int:
    if args.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    from duet_drums.app.catalog import resolve
    from duet_drums.app.play_setup import PlayerChoice, PlaySetup
    from duet_drums.core.chart import ChartError
    from duet_drums.core.practice import section_bounds

    try:
        entry = resolve(args.chart)
    except ChartError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    why = None if args.headless else no_screen_reason()
    if why:
        print(f"error: {why}", file=sys.stderr)
        return 2
    ctx = _context(args.headless, args.fps)
    try:
        choices = []
        for p, (pd, kind) in enumerate(((args.p1, args.p1_input), (args.p2, args.p2_input))):
            ps = ctx.settings.players[p]
            part, difficulty = pd if pd else (ps.part, ps.difficulty)
            if pd is None and part not in entry.parts:  # a community song: its one part, "drums"
                part = entry.parts[min(p, len(entry.parts) - 1)]
            if part not in entry.parts:
                print(f"error: {entry.path}: no part {part!r} (parts: {', '.join(entry.parts)})",
                      file=sys.stderr)
                return 2
            base = PlayerChoice.from_settings(ps)
            kind = "ai" if args.autoplay else kind or ps.input
            choices.append(PlayerChoice(base.name, part, difficulty, kind, base.layout, base.hit_sounds))
        if args.section is not None:
            try:
                section_bounds(entry.chart, args.section)
            except ValueError as exc:
                print(f"error: {entry.path}: {exc}", file=sys.stderr)
                return 2
        setup = PlaySetup(entry, (choices[0], choices[1]), speed=args.practice_speed,
                          loop_section=args.section, seed=args.seed)
        if args.headless:
            return _play_headless(ctx, setup, args.result_out)
        if setup.loop_section is not None and (args.exit_after_song or args.result_out):
            print("error: --section loops forever; it never finishes to --exit-after-song or "
                  "--result-out", file=sys.stderr)
            return 2
        return _play_window(ctx, setup, args.result_out, args.exit_after_song)
    finally:
        ctx.close()


def _write_result(result: Result, path: str) -> None:
    from duet_drums.core.atomic import atomic_write_text

    atomic_write_text(path, result.model_dump_json(indent=2))


def _play_window(ctx: AppContext, setup: PlaySetup, result_out: str | None = None,
                 exit_after_song: bool = False) -> int:
    from duet_drums.app.main import App

    # The sound is opened before the window, so that what it could not do (no device: a
    # silent song) is said here too, not only on the play screen.
    ctx.audio()
    for notice in ctx.audio_notices:
        print(f"warning: audio: {notice}", file=sys.stderr)
    app = App(ctx)
    try:
        app.nav.push(_first_route(setup))
        if result_out or exit_after_song:
            done = False

            def after_song(app: App) -> None:
                # Runs after every frame; acts once, on the frame the results appeared.
                nonlocal done
                finished = ctx.runs.last
                if done or finished is None:
                    return
                done = True
                if result_out:
                    _write_result(finished.result, result_out)
                if exit_after_song:
                    app.quit()

            app.after_frame = after_song
        return app.run()
    finally:
        app.close()


def _first_route(setup: PlaySetup) -> Route:
    """Play, or for a community song the loading screen first (its stems are decoded in
    the background, then it plays)."""
    from duet_drums.app.routes import LoadSong, Play

    if setup.entry.chart.metadata.song_folder is None:
        return Play(setup)
    return LoadSong(setup.entry.path, setup.entry.title, setup.players, speed=setup.speed, seed=setup.seed,
                    entry=setup.entry)


def _play_headless(ctx: AppContext, setup: PlaySetup, result_out: str | None = None) -> int:
    from duet_drums.app.main import App
    from duet_drums.app.routes import Play

    if setup.loop_section is not None:
        print("error: --section loops forever; it cannot be played --headless", file=sys.stderr)
        return 2
    app = App(ctx, render=False)
    try:
        app.nav.push(Play(setup))
        limit = int((setup.entry.duration_s + HEADLESS_MARGIN_S) / setup.speed / HEADLESS_STEP_S)
        app.run_steps(limit, HEADLESS_STEP_S, until=lambda: ctx.runs.last is not None)
        finished = ctx.runs.last
        if finished is None:
            print("error: the song did not finish", file=sys.stderr)
            return 1
        if result_out:
            _write_result(finished.result, result_out)
        print(finished.result.model_dump_json(indent=2))
        return 0
    finally:
        app.close()
