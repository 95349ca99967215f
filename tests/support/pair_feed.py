"""Play simulated drummers' hits into the real play scene as its song clock reaches them.

`PairFeed` is an `App.after_frame` hook: after each frame it hands the play scene the
hits whose time has come. Two ways in:
- `raw=True`: through the input path (`on_raw_hits`, as the keyboard poller delivers
  them: accepted or not by the scene, stamped by the transport, sounded), so a stepped
  transport stamps each at the frame's song time (the step size is the resolution);
- `raw=False`: as already-stamped hits (`pending`, what the input path produces), at
  their exact times: for drills whose truth is in milliseconds.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from duet_drums.app.main import App
from duet_drums.app.scenes.play import PlayScene
from duet_drums.core.hits import Hit
from duet_drums.inputs.raw import RawHit


class PairFeed:
    def __init__(self, hits: Iterable[Hit], *, raw: bool = False, players: tuple[int, ...] = (0, 1)):
        self.hits = sorted((h for h in hits if h.player in players), key=lambda h: h.t)
        self._times = [h.t for h in self.hits]
        self.raw = raw
        self.next = 0
        self.scene: PlayScene | None = None
        self.last_t = 0.0

    def __call__(self, app: App) -> None:
        if not app.nav or not isinstance(app.scene, PlayScene):
            return
        scene = app.scene
        if scene is not self.scene or scene.song_time < self.last_t:
            # a new song, or a new pass of a loop: start where its clock is
            self.scene = scene
            self.next = bisect.bisect_left(self._times, scene.song_time)
        self.last_t = scene.song_time
        end = bisect.bisect_right(self._times, scene.song_time, lo=self.next)
        due = self.hits[self.next:end]
        self.next = end
        if not due:
            return
        if self.raw:
            scene.on_raw_hits([RawHit(h.player, h.piece, 0, h.velocity, "keyboard", "keyboard") for h in due])
        else:
            scene.pending.extend(Hit(h.player, h.piece, h.t, h.velocity, "keyboard") for h in due)
