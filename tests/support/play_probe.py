"""The real play scene in real time, for a moment, in a process of its own; says what it showed.

    python -m tests.support.play_probe CHART SECONDS

For tests of faults the SDL drivers decide (SDL reads SDL_AUDIODRIVER once per process):
the game's own context opens the sound as it would for a player (`audio_enabled`, not
stepped), two AI partners play CHART for SECONDS of frames at 60 FPS, drawn on the dummy
video driver. Prints one JSON line: the notices the play screen shows, how far song time
went, the transport and the audio engine's stats, how many of the screen's pixels at the
bottom are in the warning colour (the notices were drawn), and the bots' hits judged.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def main(argv: list[str]) -> int:
    import pygame

    from tests.support.frame_loop import run_paced, start_song

    chart, seconds = Path(argv[1]), float(argv[2])
    ctx, app, play = start_song(chart, ("ai", "ai"), audio=True, midi=False)
    try:
        start = play.song_time
        until = time.perf_counter() + seconds
        run_paced(app, 60, until=lambda: time.perf_counter() > until or play.result is not None)
        screen = app.screen
        width, height = screen.get_size()
        bottom = pygame.Rect(0, height - 24 - 20 * max(1, len(play.notices())), width // 2,
                             24 + 20 * max(1, len(play.notices())))
        colour = pygame.Color(*ctx.theme.bad)
        drawn = sum(1 for x in range(bottom.left, bottom.right, 2) for y in range(bottom.top, bottom.bottom)
                    if screen.get_at((x, y)) == colour)
        engine = ctx.audio()
        stats = None
        if engine is not None:
            from duet_drums.audio.engine import AudioEngine

            assert isinstance(engine, AudioEngine)
            stats = {k: v for k, v in engine.stats().items() if k != "sample_warnings"}
        judged = [int((track.judgement >= 0).sum()) for track in play.session.tracks]
        print(json.dumps({"notices": play.notices(), "warnings": ctx.warnings, "song_start": start,
                          "song_now": play.song_time, "transport": type(play.transport).__name__,
                          "audio": stats, "warning_pixels_at_bottom": drawn, "judged": judged,
                          "hits": len(play.session.hits)}))
    finally:
        app.close()
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
