"""Screenshots of the real game window under Xvfb, for docs/screenshots/.

    python3 tools/screenshots.py [--out docs/screenshots]

Starts a private Xvfb (1280x720), runs the game in a child process with
SDL_VIDEODRIVER=x11 on it, drives the real scenes with injected key events and fixed
time steps (so every run gives the same pictures), and saves the window's surface after
each scene has been drawn and flipped (what the X server shows; no ImageMagick needed). Both players are the
AI partner, so the play screenshot shows both highways busy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xvfb_child import screenshot_main

SIZE = (1280, 720)
PLAY_AT_S = 121.0  # mid-song: the chorus of "Golden", both parts busy


def _capture(path: Path) -> None:
    import pygame

    pygame.image.save(pygame.display.get_surface(), str(path))
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
    return screenshot_main(__file__, _child, __doc__, argv, SIZE, timeout_s=300)


if __name__ == "__main__":
    sys.exit(main())
