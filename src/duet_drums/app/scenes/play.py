"""The play scene: inputs -> session -> playfield, once per frame.

Per frame: drum hits that arrived since the last frame (keyboard and MIDI, stamped on
arrival) are turned into calibrated song-time `Hit`s; the AI partner's hits that are due
are added; all of them go to `session.hit` in time order, then `session.advance(now)`
passes the notes nobody played. The engine's events start the playfield's animations.
Nothing here judges anything: the scene only decides *whose* input counts (a kit player's
input pauses while their kit is unplugged; an AI-partner player's keys are ignored).

Practice: the session is built on the chart cut to the looped section (core's
`PracticeLoop`), so notes outside the loop neither count nor show, and each pass of the
loop is a fresh session; song time stays in chart seconds at every speed (the transport
maps it).

When the song ends the run is handed to the context's `RunRecords` (scores and replay
saved once, there) and the results route carries what that did.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.clock_log import ClockLog
from duet_drums.app.play_setup import backing_for_setup
from duet_drums.app.playfield import Playfield
from duet_drums.app.routes import Pause, Play, Results
from duet_drums.app.scenes.base import Scene
from duet_drums.app.transport import AudioTransport, SteppedTransport, Transport, WallTransport
from duet_drums.core.autoplay import AI_PARTNER_PROFILES, BotPlayer
from duet_drums.core.events import Event
from duet_drums.core.hits import Hit
from duet_drums.core.practice import PracticeLoop
from duet_drums.core.result import Result
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.core.tempo import TempoMap
from duet_drums.inputs.calibration import HitStamper
from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.raw import RawHit

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

log = logging.getLogger(__name__)

# Seconds the song keeps running after the last note's window closes, so the last
# judgement pop-up is seen before the results.
END_GRACE_S = 1.0
# Minimum time before the first note (charts without a count-in still get a lead-in).
MIN_LEAD_IN_S = 2.0
# Until the App says how big the window is (it always does before the first frame).
INITIAL_SIZE = (1280, 720)

@dataclass
class LoopPass:
    accuracy: tuple[float, float]
    sync_percent: float


@dataclass
class PlayState:
    """What the scene shows beyond the playfield (tests read it too)."""

    kit_unplugged: list[str | None] = field(default_factory=lambda: [None, None])
    loops: list[LoopPass] = field(default_factory=list)


class PlayScene(Scene):
    wants_hits = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Play) -> None:
        super().__init__(nav, ctx)
        self.setup = setup = route.setup
        settings = self.ctx.settings
        self.size = INITIAL_SIZE
        self.rules = rules_for(settings.strictness)
        self.full_chart = setup.entry.chart
        self.tempo = TempoMap.from_chart(self.full_chart)
        self.loop: PracticeLoop | None = None
        self.chart = self.full_chart
        if setup.loop_section is not None:
            self.loop = PracticeLoop.of(self.full_chart, setup.loop_section, self.tempo)
            self.chart = self.loop.chart
        self.state = PlayState()
        self.warning: str | None = None
        self.result: Result | None = None
        self.transport: Transport = self._make_transport()
        self.stamper = HitStamper(self.transport.song_time_at, settings.calibration)
        # Debug hook (off unless DUET_DRUMS_CLOCK_LOG is set; real time only): see clock_log.
        self.clock_log = None if self.ctx.stepped else ClockLog.from_env()
        self._new_session()
        self.started = False
        self.song_time = self.start_time

    # -- construction --------------------------------------------------------------------
    def _new_session(self) -> None:
        players = [PlayerSetup(c.part, c.difficulty, c.layout, c.display_name) for c in self.setup.players]
        self.session = DuetSession(self.chart, players, self.rules, self.tempo)
        self.bots: dict[int, BotPlayer] = {
            p: BotPlayer(self.session.tracks[p], p, AI_PARTNER_PROFILES[p],
                         seed=self.setup.seed + p + 17 * len(self.state.loops))
            for p, c in enumerate(self.setup.players) if c.is_ai
        }
        self.pending: list[Hit] = []
        self.playfield = Playfield(
            self.size, self.session, self.ctx.theme,
            note_speed=self.ctx.settings.note_speed,
            lefty=(self.ctx.settings.lefty_flip, self.ctx.settings.lefty_flip),
            title=self._title(),
            player_names=(self.setup.players[0].display_name, self.setup.players[1].display_name),
        )
        if self.loop is not None:
            for bot in self.bots.values():
                bot.seek(self.loop.pass_start)

    def _title(self) -> str:
        title = self.full_chart.metadata.title
        if self.setup.loop_section:
            title += f"  -  practice: {self.setup.loop_section}"
        if self.setup.speed != 1.0:
            title += f"  @ {round(self.setup.speed * 100)}%"
        return title

    @property
    def start_time(self) -> float:
        if self.loop is not None:
            return self.loop.pass_start
        beats = self.full_chart.metadata.backing.count_in_beats
        count_in = beats * 60.0 / self.full_chart.tempo[0].bpm
        return -max(count_in, MIN_LEAD_IN_S)

    @property
    def end_time(self) -> float:
        if self.loop is not None:
            return self.loop.pass_end(self.rules.miss)
        return max(self.session.end_time, self.setup.entry.duration_s) + END_GRACE_S

    def _make_transport(self) -> Transport:
        speed = self.setup.speed
        if self.ctx.stepped:
            return SteppedTransport(speed)
        engine = self.ctx.audio()
        if engine is None:
            return WallTransport(speed)
        try:
            track, warning = backing_for_setup(engine, self.setup, self.ctx.settings.library, speed)
            self.warning = warning
            engine.load_song(track)
            return AudioTransport(engine, speed)
        except Exception as exc:  # no sound is better than no game
            log.exception("backing failed")
            self.warning = f"no backing audio ({exc})"
            return WallTransport(speed)

    # -- scene life cycle -----------------------------------------------------------------
    def enter(self) -> None:
        if not self.started:
            self.started = True
            self.transport.start(self.start_time)
            if any(c.input == "midi" for c in self.setup.players):
                self.ctx.midi()
        else:
            self.transport.resume()

    def leave(self) -> None:
        self.transport.pause()

    def stop(self) -> None:
        self.transport.stop()
        if self.clock_log is not None:
            self.clock_log.close()

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.playfield.resize(size)

    # -- input ----------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        pause_key = event.type == pygame.KEYDOWN and event.key in (pygame.K_ESCAPE, pygame.K_PAUSE)
        # Losing the window mid-song (alt-tab) pauses: nobody is watching the notes.
        focus_lost = event.type == pygame.WINDOWFOCUSLOST and not self.ctx.stepped
        if pause_key or focus_lost:
            self.nav.push(Pause(self))

    def accepts(self, raw: RawHit) -> bool:
        """Whose input counts: a player's own kind of input, never an AI player's, and
        not a kit player's while their kit is unplugged."""
        if raw.player not in (0, 1):
            return False
        choice = self.setup.players[raw.player]
        if choice.is_ai or self.state.kit_unplugged[raw.player]:
            return False
        wanted = "midi" if choice.input == "midi" else "keyboard"
        return raw.source == wanted

    def on_raw_hits(self, raws: list[RawHit]) -> None:
        for raw in raws:
            if not self.accepts(raw):
                continue
            hit = self.stamper.to_hit(raw)
            self.pending.append(hit)
            self._struck(hit, raw.stamp_ns)

    def on_midi_status(self, events: list[PortEvent]) -> None:
        for ev in events:
            player = ev.player
            if player not in (0, 1) or self.setup.players[player].input != "midi":
                continue
            self.state.kit_unplugged[player] = ev.port if ev.kind == "disconnected" else None

    def _struck(self, hit: Hit, stamp_ns: int | None = None) -> None:
        """Light the pad and sound the drum (sounded from the moment it was struck)."""
        track = self.session.tracks[hit.player]
        self.playfield.on_hit_input(hit.player, track.layout.lane_of(hit.piece), hit.t)
        if self.setup.players[hit.player].sounds:
            self.transport.play_hit(hit.piece, hit.velocity, hit.player, stamp_ns)

    # -- the frame --------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        self.transport.tick(dt)
        if self.clock_log is not None:
            self.clock_log.record(self.transport)
        t = self.transport.now()
        self.song_time = t
        hits = self.pending
        self.pending = []
        for bot in self.bots.values():
            for hit in bot.due(t):
                hits.append(hit)
                self._struck(hit)
        # Each player's hits in time order; stable, so equal times keep arrival order.
        hits.sort(key=lambda h: h.t)
        events: list[Event] = []
        for hit in hits:
            events += self.session.hit(hit)
        events += self.session.advance(t)
        if events:
            self.playfield.on_events(events, t)
        if t >= self.end_time:
            self._complete()

    def _complete(self) -> None:
        result = self.session.finish()
        if self.loop is not None:
            self.state.loops.append(LoopPass(
                (result.players[0].accuracy, result.players[1].accuracy), result.sync.sync_percent))
            self._new_session()
            self.transport.seek(self.start_time)
            self.song_time = self.start_time
            return
        self.result = result
        self.stop()
        report = self.ctx.runs.finish(self.setup, self.session, result, self.ctx.settings.calibration)
        self.nav.replace(Results(self.setup, result, self.rules, report))

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        self.playfield.draw(surface, self.song_time)
        theme = self.ctx.theme
        rects = self.playfield.rects()
        for p in (0, 1):
            port = self.state.kit_unplugged[p]
            if port:
                hw = rects[f"highway{p + 1}"]
                box = pygame.Rect(hw.left, hw.centery - 60, hw.width, 120)
                w.panel(surface, theme, box, border=theme.bad, alpha=245)
                w.text(surface, theme, "KIT UNPLUGGED", (box.centerx, box.top + 32), 34, theme.bad,
                       bold=True, anchor="center")
                w.text(surface, theme, f"{port} - input paused, plug it back in", (box.centerx, box.top + 78),
                       18, theme.text, anchor="center")
        if self.loop is not None and self.state.loops:
            last = self.state.loops[-1]
            msg = (f"Loop {len(self.state.loops) + 1}   last pass: P1 {last.accuracy[0]:.0f}%  "
                   f"P2 {last.accuracy[1]:.0f}%  sync {last.sync_percent:.0f}%")
            w.text(surface, theme, msg, (surface.get_width() // 2, surface.get_height() - 18), 20,
                   theme.accent, anchor="center")
        if self.warning:
            w.text(surface, theme, self.warning, (12, surface.get_height() - 22), 16, theme.bad)
