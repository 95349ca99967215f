"""Screenshots of the real game window under Xvfb, for docs/screenshots/.

    python3 tools/screenshots.py [--out docs/screenshots]

Starts a private Xvfb (1280x720), runs the game in a child process with
SDL_VIDEODRIVER=x11 on it, drives the real scenes with injected key events and fixed
time steps (so every run gives the same pictures), and captures the X root window with
ImageMagick's `import` after each scene has been drawn and flipped. Both players are the
AI partner, so the play screenshot shows both highways busy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 720)
PLAY_AT_S = 121.0  # mid-song: the chorus of "Golden", both parts busy


def _capture(path: Path) -> None:
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)
    print(f"wrote {path}")


def _child(out: Path) -> int:
    """Runs inside the Xvfb display: drive the game and capture each screen."""
    import pygame

    from duet_drums.app.context import AppContext
    from duet_drums.app.main import App
    from duet_drums.app.routes import Title
    from duet_drums.app.scenes.play import PlayScene
    from duet_drums.app.scenes.results import ResultsScene
    from duet_drums.app.scenes.song_select import SongSelectScene

    ctx = AppContext.load(stepped=True)
    p1, p2 = ctx.settings.players
    p1.part, p1.difficulty, p1.input = "lead", "expert", "ai"
    p2.part, p2.difficulty, p2.input = "partner", "medium", "ai"
    app = App(ctx, size=SIZE)
    if pygame.display.get_driver() != "x11":
        print(f"expected the x11 video driver, got {pygame.display.get_driver()}", file=sys.stderr)
        return 1

    def key(k: int, dt: float = 1 / 60) -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
        app.step(dt)

    def settle(frames: int = 20) -> None:
        for _ in range(frames):
            app.step(1 / 60)

    try:
        app.nav.push(Title())
        settle(40)
        _capture(out / "title.png")
        key(pygame.K_RETURN)
        assert isinstance(app.scene, SongSelectScene)
        key(pygame.K_TAB)
        settle()
        _capture(out / "song_select.png")
        app.scene.setup_menu.select_label("Play")
        key(pygame.K_RETURN)
        play = app.scene
        assert isinstance(play, PlayScene)
        app.render_enabled = False
        app.run_steps(100_000, 0.05, until=lambda: play.song_time >= PLAY_AT_S - 0.5)
        app.render_enabled = True
        app.run_steps(100_000, 1 / 60, until=lambda: play.song_time >= PLAY_AT_S)
        _capture(out / "play.png")
        app.render_enabled = False
        app.run_steps(100_000, 0.05, until=lambda: isinstance(app.scene, ResultsScene))
        app.render_enabled = True
        settle()
        _capture(out / "results.png")
    finally:
        app.close()
        ctx.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return _child(out)
    sys.path.insert(0, str(ROOT))
    from tests.support.xvfb import running_xvfb

    with running_xvfb(f"{SIZE[0]}x{SIZE[1]}x24") as display, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1",
               # A clean profile: no personal settings or scores in the documentation.
               "DUET_DRUMS_CONFIG_DIR": f"{home}/config", "DUET_DRUMS_DATA_DIR": f"{home}/data"}
        proc = subprocess.run([sys.executable, __file__, "--child", "--out", str(out)], env=env,
                              cwd=ROOT, timeout=300, check=False)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
