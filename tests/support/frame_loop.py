"""The game's frame loop in real time, with every frame's own cost recorded.

`App.run` paces frames and pumps the keyboard between them; a bench that must also stop
the loop, and time each frame, runs the same steps through `App.step` (poll, dispatch,
update, render) at the same pace. A frame's cost is the time `step` took; the time
between frames is the pacer's sleep, which is not the game's work.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from duet_drums.app.catalog import load_entry
from duet_drums.app.context import AppContext
from duet_drums.app.main import App
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import Play
from duet_drums.app.scenes.play import PlayScene
from duet_drums.settings import InputKind


@dataclass
class FrameLog:
    """Each frame's start (perf_counter_ns) and cost (ns), packed: a long run's log must
    not be what grows in the memory it measures."""

    starts_ns: array[int] = field(default_factory=lambda: array("q"))
    costs_ns: array[int] = field(default_factory=lambda: array("q"))

    def costs_ms(self, keep: Callable[[int], bool] | None = None) -> np.ndarray:
        """Frame costs in ms, of the frames whose start `keep` accepts (all by default)."""
        costs = [c for s, c in zip(self.starts_ns, self.costs_ns, strict=True) if keep is None or keep(s)]
        return np.asarray(costs, dtype=np.float64) / 1e6


def run_paced(app: App, fps: float, until: Callable[[], bool], log: FrameLog | None = None,
              on_frame: Callable[[int], None] | None = None) -> FrameLog:
    """Step `app` at `fps` until `until()` (checked before each frame) or the app quits.

    A late frame is not followed by a burst of catch-up frames: the schedule restarts from
    now, as the game's pacer does. `on_frame(start_ns)` runs after each frame, untimed.
    """
    log = log if log is not None else FrameLog()
    period = 1.0 / fps
    next_t = time.perf_counter()
    last = next_t
    while app.running and not until():
        now = time.perf_counter()
        if next_t > now:
            time.sleep(next_t - now)
        start = time.perf_counter_ns()
        app.step(min(start / 1e9 - last, 0.25))
        end = time.perf_counter_ns()
        last = start / 1e9
        log.starts_ns.append(start)
        log.costs_ns.append(end - start)
        if on_frame is not None:
            on_frame(start)
        next_t = max(next_t + period, time.perf_counter() - period)
    return log


def start_song(chart: Path, inputs: tuple[InputKind, InputKind], *, audio: bool, midi: bool,
               stepped: bool = False) -> tuple[AppContext, App, PlayScene]:
    """The game's context and window on the settings in the config dir, with CHART playing
    (part lead for P1, partner for P2, on expert) straight away, as `duet-drums play` does.
    The caller closes both (`app.close()`, then `ctx.close()`)."""
    ctx = AppContext.load(stepped=stepped, charts_dirs=[chart.parent], audio_enabled=audio, midi_enabled=midi)
    app = App(ctx)
    setup = PlaySetup(load_entry(chart), (PlayerChoice("P1", "lead", "expert", inputs[0]),
                                          PlayerChoice("P2", "partner", "expert", inputs[1])))
    app.nav.push(Play(setup))
    play = app.scene
    assert isinstance(play, PlayScene)
    return ctx, app, play
