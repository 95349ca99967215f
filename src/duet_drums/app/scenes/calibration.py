"""Calibration: tap along a click, and the game learns each input device's offset.

The click is an ordinary synthesized backing of a tiny built-in "chart" (a count-in and
then a bar of beats), played through the same audio engine and song clock as a song, so
what is measured is exactly what judging will see: the time from the click the player
hears to the stamp their key or pad gets, per device ("keyboard" or a MIDI port). The
offsets are saved into the settings' calibration and subtracted from every later hit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Calibration
from duet_drums.app.scenes.base import Scene
from duet_drums.app.transport import AudioTransport, SteppedTransport, Transport, WallTransport
from duet_drums.core.chart import Chart, parse_chart
from duet_drums.inputs.calibration import OffsetEstimate, estimate_offset, save_device_offset
from duet_drums.inputs.raw import RawHit

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

BPM = 100
COUNT_IN = 4
BEATS = 16


def click_chart() -> Chart:
    """A count-in and BEATS clicks at BPM: the calibration 'song' (no notes to judge)."""
    res = 480
    notes = [{"tick": i * res, "piece": "kick"} for i in range(BEATS)]
    data = {
        "format": 1,
        "metadata": {"title": "Calibration", "resolution": res,
                     "backing": {"click": True, "count_in_beats": COUNT_IN, "bass": "none"}},
        "tempo": [{"tick": 0, "bpm": BPM}],
        "parts": {"tap": {"easy": notes, "medium": notes, "hard": notes, "expert": notes}},
    }
    return parse_chart(data, "<calibration>")


class CalibrationScene(Scene):
    wants_hits = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Calibration) -> None:
        super().__init__(nav, ctx)
        self.chart = click_chart()
        beat = 60.0 / BPM
        self.clicks = [i * beat for i in range(BEATS)]  # the beats to tap on (after the count-in)
        self.start_at = -(COUNT_IN + 1) * beat
        self.end_at = self.clicks[-1] + 1.0
        self.taps: dict[str, list[float]] = defaultdict(list)
        self.estimates: dict[str, OffsetEstimate] = {}
        self.state = "ready"  # ready -> running -> done
        self.saved = False
        self.transport: Transport | None = None
        self.song_time = self.start_at

    def _make_transport(self) -> Transport:
        if self.ctx.stepped:
            return SteppedTransport()
        engine = self.ctx.audio()
        if engine is None:
            return WallTransport()
        engine.load_song(engine.render_backing(self.chart))
        return AudioTransport(engine)

    def start(self) -> None:
        self.taps.clear()
        self.estimates = {}
        self.saved = False
        self.transport = self._make_transport()
        self.transport.start(self.start_at)
        self.song_time = self.start_at
        self.state = "running"

    def finish(self) -> None:
        if self.transport is not None:
            self.transport.stop()
        self.state = "done"
        for device, taps in self.taps.items():
            self.estimates[device] = estimate_offset(taps, self.clicks)

    def save(self) -> None:
        for device, est in self.estimates.items():
            if est.n_used:
                save_device_offset(self.ctx.settings, device, est.offset_ms)
        self.ctx.save_settings()
        self.ctx.apply_audio_settings()
        self.saved = True

    def leave(self) -> None:
        if self.transport is not None and self.state == "running":
            self.transport.stop()
            self.state = "ready"

    def on_raw_hits(self, raws: list[RawHit]) -> None:
        if self.state != "running" or self.transport is None:
            return
        for raw in raws:
            self.taps[raw.device].append(self.transport.song_time_at(raw.stamp_ns))

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key == pygame.K_ESCAPE:
            self.nav.pop()
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.state == "done" and self.estimates and not self.saved:
                self.save()
            elif self.state != "running":
                self.start()

    def update(self, dt: float) -> None:
        if self.state != "running" or self.transport is None:
            return
        self.transport.tick(dt)
        self.song_time = self.transport.now()
        if self.song_time >= self.end_at:
            self.finish()

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Calibration", (30, 16), 40, theme.accent, bold=True)
        w.text_block(surface, theme,
                     f"Tap any of your drum keys or pads on each click ({BEATS} clicks after a "
                     f"{COUNT_IN}-beat count-in). Each keyboard and each kit gets its own offset.",
                     pygame.Rect(30, 70, width - 60, 60), 22, theme.text_dim)
        cx, cy = width // 2, 260
        beat = 60.0 / BPM
        if self.state == "running":
            phase = (self.song_time % beat) / beat
            radius = int(70 - 40 * min(1.0, phase * 2))
            color = theme.accent if self.song_time >= 0 else theme.text_dim
            pygame.draw.circle(surface, color, (cx, cy), radius)
            n = int(self.song_time // beat) + 1
            label = f"{n} / {BEATS}" if self.song_time >= 0 else f"count-in {COUNT_IN + n}"
            w.text(surface, theme, label, (cx, cy + 100), 26, theme.text, anchor="center")
        else:
            pygame.draw.circle(surface, theme.panel_border, (cx, cy), 40, width=3)
        y = 400
        for device, est in self.estimates.items():
            if est.n_used:
                line = (f"{device}: {est.offset_ms:+.1f} ms (spread {est.spread_ms:.1f} ms, "
                        f"{est.n_used} taps used)")
            else:
                line = f"{device}: not enough taps on the beat - try again"
            w.text(surface, theme, line, (cx, y), 24, theme.text, anchor="center")
            y += 32
        current = self.ctx.settings.calibration.input_offsets_ms
        if current:
            saved = ",  ".join(f"{d}: {v:+.1f} ms" for d, v in current.items())
            w.text(surface, theme, f"in use: {saved}", (cx, height - 70), 18, theme.text_dim,
                   anchor="center")
        hints = {"ready": "Enter: start   Esc: back", "running": "tap along...   Esc: back",
                 "done": "Enter: save these offsets   Esc: back" if not self.saved else "Saved.  Esc: back"}
        w.hint_bar(surface, theme, hints[self.state])
