"""Record mode: play along the click, on a MIDI kit or the keyboard, into the chart.

An overlay over the editor that takes stamped drum hits, the way the play screen does:
`wants_hits` routes the players' bound keys through the app's keyboard poller (stamped
between frames at about 1 kHz) and the kits come through the MIDI reader threads; each
`RawHit` becomes a song-time `Hit` through `HitStamper` with the device's calibrated
offset, on the same audio clock that plays the click. So a take is stamped exactly as
the game would judge it. Opening it as its own screen is what makes the app reset the
poller's timing on arrival, so the first hit of a take is stamped as precisely as the rest.

Space or Enter stops and keeps the take (one undoable edit, quantized to the snap,
replace or merge as chosen); Esc throws it away. Keyboard hits are heard; a kit makes
its own sound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.scenes.base import Scene
from duet_drums.core.hits import Hit
from duet_drums.editor.window.routes import Record
from duet_drums.inputs.calibration import HitStamper
from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.raw import RawHit

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

STOP_KEYS = (pygame.K_SPACE, pygame.K_RETURN, pygame.K_KP_ENTER)


class RecordScene(Scene):
    overlay = True
    wants_hits = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Record) -> None:
        super().__init__(nav, ctx)
        self.host = route.host
        self.hits: list[Hit] = []
        self.start_s: float | None = None
        self.now = 0.0
        self.stamper = HitStamper(self.host.song_time_at, ctx.settings.calibration)
        self.kits: list[str] = []

    def enter(self) -> None:
        if self.start_s is None:
            midi = self.ctx.midi()
            if midi is not None:
                self.kits = [p.name for p in midi.status().ports if p.player is not None and p.connected]
            self.start_s = self.host.record_start()
            self.now = self.host.record_tick(0.0)

    def on_raw_hits(self, raws: list[RawHit]) -> None:
        for raw in raws:
            self.hits.append(self.stamper.to_hit(raw))
            if raw.source == "keyboard":
                self.host.sound_hit(raw.piece, raw.velocity, raw.stamp_ns)

    def on_midi_status(self, events: list[PortEvent]) -> None:
        for ev in events:
            if ev.kind == "disconnected" and ev.port in self.kits:
                self.kits.remove(ev.port)
            elif ev.kind == "connected" and ev.player is not None and ev.port not in self.kits:
                self.kits.append(ev.port)

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN or getattr(event, "binding", None) is not None:
            return  # a drum key is a hit, not a command
        if event.key in STOP_KEYS:
            assert self.start_s is not None
            end = self.host.record_tick(0.0)
            self.host.record_finish(sorted(self.hits, key=lambda h: h.t), self.start_s, end)
            self.nav.pop()
        elif event.key == pygame.K_ESCAPE:
            self.host.record_cancel()
            self.nav.pop()

    def update(self, dt: float) -> None:
        self.now = self.host.record_tick(dt)

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        width = surface.get_width()
        bar = pygame.Rect(0, 0, width, 40)
        surface.fill((70, 16, 20), bar)
        pygame.draw.circle(surface, theme.bad, (24, 20), 9)
        counting = self.start_s is not None and self.now < self.start_s
        state = "count-in" if counting else "REC"
        w.text(surface, theme, f"{state}  {self.host.record_label()}", (42, 20), 20, theme.text, bold=True,
               anchor="midleft")
        kits = ", ".join(self.kits) if self.kits else "keyboard (no kit assigned)"
        info = f"{len(self.hits)} hits   input: {kits}   Space: stop and keep   Esc: discard"
        w.text(surface, theme, w.fit(theme, info, 17, width // 2), (width - 16, 20), 17, theme.text_dim,
               anchor="midright")
