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
saved once, the coach's report made, there) and the results route carries what that did.

The coach's drills run here by their rules from core: the quiet count asks the audio
engine for a backing whose click is silent in the dropped bars; swap the lead replaces
the AI partner by a bot that follows the human, then leads, by phase (fed the engine's
own events); the screen says which bars are quiet and who leads. `LiveCoach` reads the
same events for the sync meter's live lines (who leads lately, rushing or dragging).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.clock_log import ClockLog
from duet_drums.app.play_setup import backing_for_setup, hit_tones
from duet_drums.app.playfield import Playfield
from duet_drums.app.routes import Pause, Play, Results
from duet_drums.app.scenes.base import Scene
from duet_drums.app.transport import AudioTransport, SteppedTransport, Transport, WallTransport
from duet_drums.audio.track import BackingTrack
from duet_drums.core.autoplay import AI_PARTNER_PROFILES, BotPlayer
from duet_drums.core.coach_live import LiveCoach
from duet_drums.core.drills import LeadPhase, is_within
from duet_drums.core.events import Event
from duet_drums.core.hits import Hit
from duet_drums.core.lead_bot import SwapLeadBot
from duet_drums.core.practice import PracticeLoop, section_bounds
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
    from duet_drums.app.protocols import AudioEngineView

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
        self.tones = hit_tones(setup, settings.distinct_hit_sounds)
        self.quiet_spans, self.lead_phases = self._drill_rules()
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
    def _drill_rules(self) -> tuple[tuple[tuple[float, float], ...], tuple[LeadPhase, ...]]:
        """(quiet spans, lead phases) of the setup's drill over what is played: the
        looped section, or the whole song."""
        drill = self.setup.drill
        if drill is None:
            return (), ()
        start, end = 0, self.full_chart.last_tick()
        if self.setup.loop_section is not None:
            start, section_end = section_bounds(self.full_chart, self.setup.loop_section)
            end = section_end if section_end is not None else end
        if drill.kind == "quiet_count":
            return drill.quiet.silent_spans(self.tempo, start, end), ()
        sections = tuple(s.tick for s in self.full_chart.sections)
        return (), drill.swap.phases(self.tempo, start, end, sections)

    def _new_session(self) -> None:
        players = [PlayerSetup(c.part, c.difficulty, c.layout, c.display_name) for c in self.setup.players]
        self.session = DuetSession(self.chart, players, self.rules, self.tempo)
        self.live = LiveCoach(self.session)
        self.bots: dict[int, BotPlayer | SwapLeadBot] = {}
        for p, c in enumerate(self.setup.players):
            if not c.is_ai:
                continue
            seed = self.setup.seed + p + 17 * len(self.state.loops)
            if self.lead_phases:
                self.bots[p] = SwapLeadBot(self.session.tracks[p], p, self.lead_phases, seed=seed)
            else:
                self.bots[p] = BotPlayer(self.session.tracks[p], p, AI_PARTNER_PROFILES[p], seed=seed)
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
            track, warning = self.backing(engine)
            self.warning = warning
            engine.load_song(track)
            return AudioTransport(engine, speed)
        except Exception as exc:  # no sound is better than no game
            log.exception("backing failed")
            self.warning = f"no backing audio ({exc})"
            return WallTransport(speed)

    def backing(self, engine: AudioEngineView) -> tuple[BackingTrack, str | None]:
        """What this run plays under the drums: the song's backing at the practice
        speed, its click silent in the quiet count's dropped bars."""
        return backing_for_setup(engine, self.setup, self.ctx.settings.library, self.setup.speed,
                                 quiet=self.quiet_spans)

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
            self.transport.play_hit(hit.piece, hit.velocity, hit.player, stamp_ns, self.tones[hit.player])

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
            self.live.feed(events)
            for bot in self.bots.values():
                if isinstance(bot, SwapLeadBot):
                    bot.observe(events)
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
        run = self.ctx.runs.finish(self.setup, self.session, result, self.ctx.settings.calibration)
        self.nav.replace(Results(self.setup, result, self.rules, run.report, run.coach))

    # -- drills -----------------------------------------------------------------------------
    def quiet_now(self) -> bool:
        """Whether the click is silent at the current song time (the quiet count)."""
        return bool(self.quiet_spans) and is_within(self.quiet_spans, self.song_time)

    def drill_text(self) -> str:
        """What the drill banner says now ("" when no drill runs)."""
        drill = self.setup.drill
        if drill is None:
            return ""
        if drill.kind == "quiet_count":
            if self.quiet_now():
                return "QUIET: the click is off, keep the count together"
            return f"Quiet count - click on ({drill.quiet.label})"
        humans = [c.display_name for c in self.setup.players if not c.is_ai]
        who = humans[0] if len(humans) == 1 else "you"
        bot = next(iter(self.bots.values()), None)
        role = bot.role_at(self.song_time) if isinstance(bot, SwapLeadBot) else "follow"
        if role == "follow":
            return f"{who.upper()} LEADS: the bot follows you ({drill.swap.label})"
        return f"BOT LEADS: {who}, follow it ({drill.swap.label})"

    # -- drawing ------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        self.playfield.draw(surface, self.song_time)
        self.playfield.sync_meter.draw_coach(surface, self.live.reading)
        theme = self.ctx.theme
        rects = self.playfield.rects()
        banner = self.drill_text()
        if banner:
            self._draw_banner(surface, banner, rects["top_bar"])
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
        notices = self.notices()
        if notices:
            # On a strip of their own along the bottom edge: drawn straight over the
            # players' panels, the panel borders ran through the words.
            width, height = surface.get_size()
            strip = pygame.Rect(0, height - 2 - 20 * len(notices), width, 2 + 20 * len(notices))
            surface.fill(theme.panel, strip)
            pygame.draw.line(surface, theme.bad, strip.topleft, strip.topright, 1)
            for k, notice in enumerate(reversed(notices)):
                w.text(surface, theme, w.fit(theme, notice, 16, width - 24), (12, height - 20 - 20 * k),
                       16, theme.bad)

    def notices(self) -> list[str]:
        """The lines along the bottom of the screen: what the sound could not do (no
        device, so the song plays silently; drum sounds that could not be loaded) and a
        backing that failed to load. A silent game must say why, where the players look."""
        return [*self.ctx.audio_notices, *([self.warning] if self.warning else [])]

    def _draw_banner(self, surface: pygame.Surface, message: str, top_bar: pygame.Rect) -> None:
        """The drill's state, in the top bar under the section name (both players glance
        there for the section anyway; the highways and the sync meter stay clear)."""
        theme = self.ctx.theme
        scale = self.playfield.layout.scale
        loud = message.startswith(("QUIET", "BOT LEADS"))
        color = theme.accent if loud else theme.good
        size = max(11, round(15 * scale))
        room = top_bar.width // 2
        shown = w.fit(theme, message, size, room - round(24 * scale))
        text_w = theme.font(size, bold=True).size(shown)[0]
        box = pygame.Rect(0, 0, text_w + round(24 * scale), round(18 * scale))
        box.midtop = (top_bar.centerx, top_bar.y + round(30 * scale))
        w.panel(surface, theme, box, border=color, alpha=235)
        w.text(surface, theme, shown, box.center, size, color, bold=True, anchor="center")
