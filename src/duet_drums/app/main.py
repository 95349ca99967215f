"""The App: one window, the navigator's stack of scenes, and the frame loop.

Scenes are opened by route through `self.nav` (see `navigator.py`); the App tells each
scene that arrives on top the window size, and draws the top scene with the overlays
under it.

Real time (`run`): render a frame, then let the FramePacer poll input at about 1 kHz until
the next frame is due (that polling is what stamps keyboard hits precisely between
frames), then hand the collected events and hits to the top scene and update it with the
measured frame time.

Fixed-step time (`step`): the same poll -> dispatch -> update -> render sequence with a
given dt and no sleeping, which is how tests drive real scenes with posted key events and
how `play --headless` runs a whole song in a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pygame

from duet_drums.app.collector import Collector
from duet_drums.app.context import AppContext
from duet_drums.app.navigator import Navigator, SceneRegistry
from duet_drums.app.registry import default_registry
from duet_drums.app.scenes.base import Scene
from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.keyboard import KeyboardPoller
from duet_drums.inputs.keymap import KeyMap
from duet_drums.inputs.pacing import FramePacer
from duet_drums.inputs.raw import RawHit

DEFAULT_SIZE = (1280, 720)


class App:
    def __init__(self, ctx: AppContext, size: tuple[int, int] = DEFAULT_SIZE, render: bool = True,
                 registry: SceneRegistry | None = None):
        self.ctx = ctx
        self.render_enabled = render
        pygame.display.init()
        pygame.font.init()
        flags = pygame.RESIZABLE
        if ctx.settings.fullscreen and not ctx.stepped:
            flags = pygame.FULLSCREEN
            size = (0, 0)
        self.screen = pygame.display.set_mode(size, flags)
        pygame.display.set_caption("Duet Drums")
        pygame.key.set_repeat()  # drums must not auto-repeat
        self.collector = Collector()  # see collector.py: no full collection during a song
        self.nav = Navigator(ctx, registry if registry is not None else default_registry(), self)
        self.running = True
        self.frames = 0
        self.poller = KeyboardPoller(KeyMap.from_settings(ctx.settings))
        self._keymap_version = ctx.keymap_version
        self._events: list[pygame.event.Event] = []
        self._hits: list[RawHit] = []
        self._midi_status: list[PortEvent] = []
        self._sized: dict[int, tuple[int, int]] = {}
        # Called after each frame (screenshot tools hook in here).
        self.after_frame: Callable[[App], None] | None = None

    # -- scene stack (the navigator owns it; these are its host callbacks) ----------------
    @property
    def stack(self) -> list[Scene]:
        return list(self.nav.scenes)

    @property
    def scene(self) -> Scene:
        return self.nav.scenes[-1]

    def scene_arrived(self, scene: Scene) -> None:
        if scene.wants_hits:
            # Menus pumped events without the poller: its next batch must be stamped
            # "now", not at the middle of the time since its last pump.
            self.poller.forget_timing()
        size = self.screen.get_size()
        if self._sized.get(id(scene)) != size:  # rebuilding a playfield is not free
            scene.resize(size)
            self._sized[id(scene)] = size
        # Before `enter`: the collection is done before a song's sound starts.
        if scene.wants_hits:
            self.collector.hold()
        else:
            self.collector.release()
        scene.enter()

    def scene_closed(self, scene: Scene) -> None:
        self._sized.pop(id(scene), None)

    def quit(self) -> None:
        self.running = False

    # -- the loop ----------------------------------------------------------------------
    def _poll(self) -> None:
        if self._keymap_version != self.ctx.keymap_version:  # rebound in the keys screen
            self._keymap_version = self.ctx.keymap_version
            self.poller = KeyboardPoller(KeyMap.from_settings(self.ctx.settings))
        if self.nav and self.scene.wants_hits:
            pumped = self.poller.pump()
            self._hits.extend(pumped.hits)
            self._events.extend(pumped.other_events)
        else:
            self._events.extend(pygame.event.get())
        for item in self.ctx.drain_midi():
            if isinstance(item, RawHit):
                self._hits.append(item)
            else:
                self._midi_status.append(item)

    def _dispatch(self) -> None:
        events, self._events = self._events, []
        hits, self._hits = self._hits, []
        status, self._midi_status = self._midi_status, []
        midi = self.ctx.midi_if_running()
        if midi is not None:
            status.extend(midi.drain_events())
        for event in events:
            if event.type == pygame.QUIT:
                self.running = False
            elif event.type in (pygame.VIDEORESIZE, pygame.WINDOWSIZECHANGED):
                size = self.screen.get_size()
                for scene in self.nav.scenes:
                    scene.resize(size)
                    self._sized[id(scene)] = size
            elif self.nav:
                self.scene.handle_event(event)
        if status:
            # Every scene hears about plugs and unplugs, not only the top one: a kit pulled
            # while the pause menu is open must still show on the play screen below it.
            for scene in self.nav.scenes:
                scene.on_midi_status(status)
        if hits and self.nav and self.scene.wants_hits:
            self.scene.on_raw_hits(hits)

    def _update(self, dt: float) -> None:
        if self.nav:
            self.scene.update(dt)

    def _render(self) -> None:
        if not self.render_enabled or not self.nav:
            return
        scenes = self.nav.scenes
        first = len(scenes) - 1
        while first > 0 and scenes[first].overlay:
            first -= 1
        for scene in scenes[first:]:
            scene.draw(self.screen)
        pygame.display.flip()

    def step(self, dt: float = 1 / 60) -> None:
        """One fixed-step frame: poll, dispatch, update by `dt`, render."""
        self._poll()
        self._dispatch()
        if not self.running:
            return
        self._update(dt)
        self._render()
        self.frames += 1
        if self.after_frame is not None:
            self.after_frame(self)

    def run_steps(self, n: int, dt: float = 1 / 60, until: Callable[[], bool] | None = None) -> int:
        """Up to `n` fixed steps, stopping early when `until()` is true; returns steps run."""
        for i in range(n):
            if until is not None and until():
                return i
            self.step(dt)
            if not self.running:
                return i + 1
        return n

    def frame_rate(self) -> int | None:
        """Frames per second for the real-time loop: the display's refresh rate when the
        settings ask to follow it and the display reports one, else the configured cap."""
        if self.ctx.fps_follow_display:
            try:
                rate = int(pygame.display.get_current_refresh_rate())
            except (pygame.error, AttributeError):
                rate = 0
            if 30 <= rate <= 500:
                return rate
        return self.ctx.fps

    def run(self) -> int:
        """Real-time loop until the last scene is popped or the window is closed."""
        pacer = FramePacer(self.frame_rate())
        last = time.perf_counter()
        self._render()
        while self.running and self.nav:
            pacer.wait_for_next_frame(poll=self._poll)
            now = time.perf_counter()
            dt, last = min(now - last, 0.25), now
            self._dispatch()
            if not self.running:
                break
            self._update(dt)
            self._render()
            self.frames += 1
            if self.after_frame is not None:
                self.after_frame(self)
        return 0

    def close(self) -> None:
        self.nav.close_all()
        self.collector.release()
        pygame.display.quit()
