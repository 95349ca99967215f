"""Retry from the results screen, with the real audio engine (SDL's dummy driver).

The play screen of the next song can take longer to build than one audio buffer (the
medley's does), so the callback loads and starts the new backing before the screen first
asks the song clock the time. The new song must begin at its count-in, not be judged
whole in its first frame at the last song's end time (a 30-minute run did that now and
then: the clock's guard against running backwards took the new song for the old one).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.results import ResultsScene
from tests.support.frame_loop import run_paced, start_song
from tests.test_audio_faults import short_chart


def ended(play: PlayScene) -> Callable[[], bool]:
    return lambda: play.result is not None


def test_retry_starts_the_song_again_at_its_count_in(tmp_path: Path) -> None:
    ctx, app, play = start_song(short_chart(tmp_path / "charts"), ("ai", "ai"), audio=True, midi=False)
    try:
        assert ctx.audio() is not None, ctx.audio_notices
        for attempt in range(2):
            run_paced(app, 120, ended(play))
            assert play.song_time > play.session.end_time  # the song was played to its end
            app.step(1 / 120)
            results = app.scene
            assert isinstance(results, ResultsScene)
            results.retry()  # the Retry row
            again = app.scene
            assert isinstance(again, PlayScene) and again is not play
            time.sleep(0.05)  # the screen took a while: the callback started the backing
            app.step(1 / 120)
            assert again.result is None, f"attempt {attempt}: the song ended in its first frame"
            assert again.song_time < 0.0, f"attempt {attempt}: {again.song_time:.2f} s, not the count-in"
            play = again
    finally:
        app.close()
        ctx.close()
