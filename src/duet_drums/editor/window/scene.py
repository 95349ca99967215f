"""The editor window's scene: a thin adapter between pygame and `editor.session`.

Every key, click and menu item becomes one call into `editor.session` (or a pure edit
passed to `session.edit`), which returns a new session; the scene then draws
`session.chart` and shows `session.message`. What is not the chart is the window's: the
view (scroll and zoom), the mouse gestures, playback and the autosave timer.

Mouse: a click in a lane places or removes a note at the snapped time; a drag draws a
selection box (Shift adds to the selection); Ctrl+click selects one note; the wheel
steps the cursor by the snap, Ctrl+wheel zooms; dragging a beat line in the waveform
strip pins that beat to the audio (`session.drag_anchor`).

Autosave: every `EditorOptions.autosave_s` seconds (60 by default) with unsaved edits
the chart goes to its side file (`editor.autosave`); the start-up offers a recovery
when the last session did not end cleanly. Closing the window with unsaved edits
keeps their autosave, so the next start offers them again: nothing typed is lost.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Route
from duet_drums.app.scenes.base import Scene
from duet_drums.audio.preview import PreviewPart
from duet_drums.core.chart import DIFFICULTIES, ChartError
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import autosave, snap
from duet_drums.editor import session as es
from duet_drums.editor.edits import notes_at
from duet_drums.editor.files import new_chart
from duet_drums.editor.selection import Selection, select_notes
from duet_drums.editor.session import Session
from duet_drums.editor.window import actions
from duet_drums.editor.window.keys import KEYMAP, Chord, lane_of_key
from duet_drums.editor.window.layout import TimeView, editor_layout
from duet_drums.editor.window.panels import Analyser, SidePanel
from duet_drums.editor.window.playback import Playback
from duet_drums.editor.window.report import Reporter
from duet_drums.editor.window.routes import Choice, Editor
from duet_drums.editor.window.timeline import TimelinePainter, TimelineState, bar_beat
from duet_drums.editor.window.waveform import Envelope
from duet_drums.settings import data_dir as user_data_dir

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

log = logging.getLogger(__name__)

DRAG_PX = 5  # a press that moves further than this is a drag, not a click
ANCHOR_GRAB_PX = 6
TAP_COMMIT_S = 2.0  # tapping stops this long: the tapped tempo is set
UNTITLED = "Untitled"


class EditorScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Editor) -> None:
        super().__init__(nav, ctx)
        self.options = route.options
        self.data_dir = route.options.data_dir or user_data_dir()
        self.report = Reporter(route.options.report)
        self.size = (1280, 720)
        self.view = TimeView(0, 1)
        self.painter = TimelinePainter(ctx.theme)
        self.panel = SidePanel(ctx.theme, self.painter)
        self.analyser = Analyser()
        self.playback = Playback(ctx)
        self.ghost_difficulty: str | None = None  # None: the edited difficulty
        self.taps: list[float] = []
        self._later: list[Route] = []
        self._clock = 0.0  # monotonic seconds (fixed-step: the sum of dt)
        self._last_autosave = 0.0
        self._autosaved: object | None = None
        self._press: tuple[int, int] | None = None
        self._box: pygame.Rect | None = None
        self._anchor: tuple[int, float] | None = None
        self._hover: tuple[int, int] | None = None
        self._reported: tuple[str, int, int, int] | None = None
        self._ready = False
        self._caption = ""
        self._envelope: tuple[object, Envelope] | None = None
        self.recording = False
        self.header_chips: list[tuple[pygame.Rect, str]] = []
        self.s: Session = es.start(new_chart(UNTITLED), None)
        self.layout = editor_layout(self.size, len(self.s.lanes.lanes))
        crashed = autosave.crashed_session(self.data_dir)
        if route.path is not None and not route.create:
            self.open_path(route.path, offer_recovery=crashed is None)
        if route.create and route.path is not None:
            self.later(actions.new_chart_form(self, route.path))
        if crashed is not None:
            self.later(self.recovery_choice(crashed))
        self._note_session(self.s.path)
        self._last_autosave = self.now()

    def _note_session(self, path: Path | None) -> None:
        """Note the open chart for crash recovery; when that cannot be written (a
        read-only data folder) the author is told on the status line: editing goes on,
        but a crash would not be offered back."""
        problem = autosave.begin_session(self.data_dir, path)
        if problem is not None:
            self.s = replace(self.s, message=problem)

    # -- helpers the actions use -------------------------------------------------------------------
    @property
    def tempo(self) -> TempoMap:
        return self.s.tempo_map()

    def now(self) -> float:
        return self._clock if self.ctx.stepped else time.monotonic()

    def later(self, route: Route) -> None:
        """Open `route` once the dialog on top (if any) has closed."""
        self._later.append(route)
        if self.nav.scenes and self.nav.scenes[-1] is self:
            self._open_later()

    def _open_later(self) -> None:
        if self._later:
            self.nav.push(self._later.pop(0))

    def apply(self, change: Callable[[Session], Session]) -> Session:
        """Run one session function and keep its result: the only way the scene edits."""
        self.s = change(self.s)
        return self.s

    def center_cursor(self) -> None:
        self.view.view_t = self.tempo.seconds(self.s.cursor)

    def ghost(self) -> tuple[str, str] | None:
        """The other part shown beside the edited one: the next part of the chart."""
        parts = list(self.s.chart.parts)
        if len(parts) < 2:
            return None
        other = parts[(parts.index(self.s.part) + 1) % len(parts)]
        return other, self.ghost_difficulty or self.s.difficulty

    def duet_pair(self) -> tuple[tuple[str, str], tuple[str, str]] | None:
        """(lead, partner) for the duet panel: the chart's first part leads."""
        ghost = self.ghost()
        if ghost is None:
            return None
        mine = (self.s.part, self.s.difficulty)
        parts = list(self.s.chart.parts)
        return (mine, ghost) if parts.index(mine[0]) < parts.index(ghost[0]) else (ghost, mine)

    def on_chord(self, change: Callable[[Session], Session]) -> None:
        """A note action: on the selection, or (nothing selected) on the chord at the cursor,
        which is then left unselected again."""
        if len(self.s.selection.present(self.s.chart)):
            self.apply(change)
            return
        chord = notes_at(self.s.chart, self.s.part, self.s.difficulty, self.s.cursor)
        if not chord:
            self.s = replace(self.s, message="no note at the cursor and nothing selected")
            return
        picked = select_notes(self.s.part, self.s.difficulty, [(n.tick, n.piece) for n in chord])
        out = self.apply(lambda s: change(es.select(s, picked)))
        self.s = replace(out, selection=Selection(self.s.part, self.s.difficulty))

    # -- files ---------------------------------------------------------------------------------------
    def open_path(self, path: Path, offer_recovery: bool = True) -> bool:
        try:
            opened = es.open_file(path)
        except ChartError as exc:
            self.s = replace(self.s, message=str(exc).splitlines()[0])
            self.later(Choice("Cannot open the chart", str(exc), (("OK", lambda: None),), cancel=0))
            return False
        self.load_session(opened)
        self.report("opened", path=str(path), notes=self.note_count())
        if offer_recovery:
            offer = autosave.find_recovery(path, self.data_dir)
            if offer is not None:
                self.later(self.recovery_choice(offer))
        return True

    def load_session(self, new: Session) -> None:
        self.playback.stop()
        self.s = new
        self._autosaved = None
        self.ghost_difficulty = None
        self.resize(self.size)
        self.view.view_t = 0.0
        self.playback.load_audio(new.chart, new.path)
        self._note_session(new.path)

    def recovery_choice(self, offer: autosave.Recovery) -> Choice:
        chart_name = str(offer.chart_path) if offer.chart_path else "an unsaved new chart"
        if offer.chart is None:
            self.report("recovery-broken", autosave=str(offer.autosave))
            return Choice("Autosave cannot be read",
                          f"The editor closed without saving {chart_name}, but its autosave {offer.autosave} "
                          f"cannot be read ({offer.error}). It is kept as it is for you to rescue.",
                          (("OK", lambda: None),), cancel=0)
        self.report("recovery-offered", autosave=str(offer.autosave), chart=str(offer.chart_path))

        def recover() -> None:
            self.load_session(es.recover(offer))
            self.report("recovered", notes=self.note_count())

        def discard() -> None:
            autosave.discard_autosave(offer.chart_path, self.data_dir)
            self.s = replace(self.s, message=f"discarded the autosave {offer.autosave}")
            self.report("recovery-discarded")

        return Choice("Recover unsaved edits?",
                      f"The editor did not close cleanly. Its autosave of {chart_name} "
                      f"({offer.autosave}) holds edits that were never saved.",
                      (("Recover", recover), ("Discard the autosave", discard)), cancel=None)

    def save(self, path: Path | None = None) -> bool:
        before = self.s
        try:
            self.apply(lambda s: es.save(s, path, self.data_dir))
        except OSError as exc:
            self.s = replace(self.s, message=f"could not save: {exc}")
            return False
        if self.s.path is None:
            self.later(actions.save_as_form(self))
            return False
        if path is not None and before.path != self.s.path:
            self._note_session(self.s.path)
            self.playback.load_audio(self.s.chart, self.s.path)
        self._autosaved = None
        self.report("saved", path=str(self.s.path), notes=self.note_count())
        return True

    def write_autosave(self) -> None:
        if self.s.chart is self._autosaved:
            return
        try:
            path = autosave.write_autosave(self.s.chart, self.s.path, self.data_dir)
        except OSError as exc:
            self.s = replace(self.s, message=f"autosave failed: {exc}")
            return
        self._autosaved = self.s.chart
        self.report("autosaved", path=str(path), depth=self.s.history.depth, notes=self.note_count())

    def shutdown(self) -> None:
        """The window is closing: unsaved edits stay in the autosave (offered next time);
        with nothing unsaved the session ends cleanly."""
        self.playback.close()
        self.analyser.close()
        if self.s.dirty:
            self.write_autosave()
            self.report("closed-unsaved")
        else:
            autosave.discard_autosave(self.s.path, self.data_dir)
            autosave.end_session(self.data_dir)
            self.report("closed")

    def note_count(self) -> int:
        return len(self.s.chart.notes(self.s.part, self.s.difficulty))

    # -- life cycle --------------------------------------------------------------------------------
    def enter(self) -> None:
        if not self._ready:  # the window has its size now (the App resizes before entering)
            self._ready = True
            self.report("ready", **self.geometry())
        self._open_later()

    def leave(self) -> None:
        if not self.recording:
            self.playback.stop()

    def resize(self, size: tuple[int, int]) -> None:
        self.size = size
        self.layout = editor_layout(size, len(self.s.lanes.lanes))
        top, bottom = self.layout.lanes.top, self.layout.lanes.bottom
        self.view = TimeView(top, bottom, self.view.pps, self.view.view_t)

    # -- events ------------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN:
            self._key(event)
        elif event.type == pygame.MOUSEBUTTONDOWN:
            self._mouse_down(event)
        elif event.type == pygame.MOUSEMOTION:
            self._mouse_move(event)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self._mouse_up(event)
        elif event.type == pygame.MOUSEWHEEL:
            self._wheel(event)

    def _key(self, event: pygame.event.Event) -> None:
        chord = Chord.of(event)
        lane = lane_of_key(event.key)
        if lane is not None and not chord.ctrl and not chord.shift:
            if lane < len(self.s.lanes.lanes):
                if chord.alt:
                    self.apply(lambda s: es.select_lanes(s, [lane]))
                else:
                    self.apply(lambda s: es.lane_key(s, lane))
            return
        name = KEYMAP.get(chord)
        if name is not None:
            actions.ACTIONS[name](self)

    def _tick_at(self, y: float) -> float:
        return max(0.0, self.tempo.tick_at(self.view.t_of(y)))

    def _mouse_down(self, event: pygame.event.Event) -> None:
        pos = event.pos
        lay = self.layout
        if event.button in (4, 5):
            return  # old-style wheel buttons: MOUSEWHEEL handles the wheel
        if event.button != 1:
            return
        if lay.panel.collidepoint(pos):
            actions.panel_click(self, self.panel.click(pos))
        elif actions.header_click(self, pos):
            pass
        elif lay.wave.collidepoint(pos):
            self._grab_beat(pos[1])
        elif lay.lanes.collidepoint(pos):
            if pygame.key.get_mods() & (pygame.KMOD_CTRL | pygame.KMOD_META):
                self._select_one(pos)
            else:
                self._press = pos
        elif lay.ruler.collidepoint(pos) or lay.ghost.collidepoint(pos) or lay.gutter.collidepoint(pos):
            self.apply(lambda s: es.set_cursor(s, self._tick_at(pos[1])))

    def _grab_beat(self, y: int) -> None:
        tm = self.tempo
        t_lo, t_hi = self.view.span()
        lines = tm.grid(int(max(0.0, tm.tick_at(max(0.0, t_lo)))), int(tm.tick_at(max(0.0, t_hi))) + 1)
        near = [ln for ln in lines if abs(self.view.y_of(ln.seconds) - y) <= ANCHOR_GRAB_PX]
        if near:
            line = min(near, key=lambda ln: abs(self.view.y_of(ln.seconds) - y))
            self._anchor = (line.tick, line.seconds)
        else:
            self.s = replace(self.s, message="drag a beat line in the audio strip to pin it to the recording")

    def _select_one(self, pos: tuple[int, int]) -> None:
        lane = self.layout.lane_at(pos[0])
        if lane is None:
            return
        pieces = self.s.lanes.lanes[lane].pieces
        tm = self.tempo
        near = [n for n in self.s.chart.notes(self.s.part, self.s.difficulty)
                if n.piece in pieces and abs(self.view.y_of(tm.seconds(n.tick)) - pos[1]) <= 8]
        if near:
            n = min(near, key=lambda n: abs(self.view.y_of(tm.seconds(n.tick)) - pos[1]))
            self.apply(lambda s: es.select(s, s.selection.toggled((n.tick, n.piece))))

    def _mouse_move(self, event: pygame.event.Event) -> None:
        x, y = event.pos
        if self._anchor is not None:
            self._anchor = (self._anchor[0], self.view.t_of(y))
            return
        if self._press is not None:
            px, py = self._press
            if self._box is not None or abs(x - px) > DRAG_PX or abs(y - py) > DRAG_PX:
                self._box = pygame.Rect(min(px, x), min(py, y), abs(x - px) + 1, abs(y - py) + 1)
        lane = self.layout.lane_at(x) if self.layout.lanes.collidepoint(x, y) else None
        self._hover = None
        if lane is not None and self._press is None:
            self._hover = (snap.snap_tick(self.tempo, self._tick_at(y), self.s.division), lane)

    def _mouse_up(self, event: pygame.event.Event) -> None:
        if self._anchor is not None:
            tick, seconds = self._anchor[0], self.view.t_of(event.pos[1])
            self._anchor = None
            self.apply(lambda s: es.drag_anchor(s, tick, seconds))
            self.report("anchored", tick=tick, seconds=seconds, message=self.s.message)
            return
        press, box = self._press, self._box
        self._press, self._box = None, None
        if press is None:
            return
        if box is not None:
            lanes = self.layout.lanes_between(box.left, box.right)
            lo, hi = self._tick_at(box.bottom), self._tick_at(box.top)
            add = bool(pygame.key.get_mods() & pygame.KMOD_SHIFT)
            self.apply(lambda s: es.select_box(s, lo, hi, lanes, add))
            return
        lane = self.layout.lane_at(press[0])
        if lane is not None:
            at = self._tick_at(press[1])
            self.apply(lambda s: es.click(s, at, lane))

    def _wheel(self, event: pygame.event.Event) -> None:
        steps = int(event.y)
        if not steps:
            return
        if self.layout.panel.collidepoint(pygame.mouse.get_pos()):
            self.panel.wheel(-steps)
        elif pygame.key.get_mods() & (pygame.KMOD_CTRL | pygame.KMOD_META):
            self.view.zoom(steps)
        else:
            for _ in range(abs(steps)):
                self.apply(lambda s: es.step_cursor(s, 1 if steps > 0 else -1))
            self.center_cursor()

    # -- the frame ---------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        self._clock += dt
        self.playback.tick(dt)
        if self.playback.playing:
            self.view.view_t = self.playback.now()
        if self.taps and self.now() - self.taps[-1] >= TAP_COMMIT_S:
            actions.commit_taps(self)
        unsaved = self.s.dirty and self.s.chart is not self._autosaved
        if autosave.autosave_due(self.now(), self._last_autosave, unsaved, self.options.autosave_s):
            self._last_autosave = self.now()
            self.write_autosave()
        self.analyser.want(self.s.chart, self.duet_pair())
        self.analyser.poll()
        self._caption_and_report()

    def _caption_and_report(self) -> None:
        title = self.s.chart.metadata.title
        caption = f"{title}{' *' if self.s.dirty else ''} - Duet Drums editor"
        if caption != self._caption:
            self._caption = caption
            pygame.display.set_caption(caption)
        state = (self.s.message, self.s.history.depth, id(self.s.chart), self.s.cursor)
        if state != self._reported:
            self._reported = state
            self.report("action", message=self.s.message, depth=self.s.history.depth, dirty=self.s.dirty,
                        cursor=self.s.cursor, notes=self.note_count(),
                        selected=len(self.s.selection.present(self.s.chart)))

    def geometry(self) -> dict[str, object]:
        """Where things are on screen, for scripts that click (`--report`)."""
        lay, tm = self.layout, self.tempo
        ticks = snap.grid_points(tm, 0, tm.resolution * 8, 4)
        return {"size": list(self.size), "lanes_x": [lay.lane_x(i) for i in range(lay.n_lanes)],
                "lanes": self.s.lanes.lane_names(),
                "tick_y": {t: round(self.view.y_of(tm.seconds(t))) for t in ticks},
                "path": str(self.s.path), "notes": self.note_count(), "part": self.s.part,
                "difficulty": self.s.difficulty}

    def timeline_state(self) -> TimelineState:
        return TimelineState(self.s.chart, self.tempo, self.s.part, self.s.difficulty, self.ghost(),
                             self.s.lanes, self.s.selection.keys, self.s.cursor, self.s.division,
                             self.playback.now() if self.playback.playing else None, self._hover, self._box,
                             self._anchor)

    def envelope(self) -> Envelope | None:
        audio = self.playback.audio
        if audio is None:
            return None
        if self._envelope is None or self._envelope[0] is not audio:
            self._envelope = (audio, Envelope.of(audio))
        return self._envelope[1]

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        surface.fill(theme.background)
        lay = self.layout
        st = self.timeline_state()
        self.painter.draw(surface, lay, self.view, st, self.envelope(), self._wave_note())
        analysis = self.analyser.result
        self.panel.draw(surface, lay.panel, analysis, self.analyser.fresh(self.s.chart), self.s.chart,
                        st.tempo, self.view.view_t, self.s.lanes)
        actions.draw_header(self, surface)
        self._status(surface, st.tempo)

    def _wave_note(self) -> str | None:
        if self.playback.audio is not None:
            return None
        if self.playback.audio_error:
            return "audio file|unreadable"
        if self.s.chart.metadata.audio and self.s.path is None:
            return "save to|load audio"
        return "decoding..." if self.s.chart.metadata.audio else "no audio|file (F9)"

    def _status(self, surface: pygame.Surface, tm: TempoMap) -> None:
        theme = self.ctx.theme
        rect = self.layout.status
        surface.fill(theme.panel, rect)
        bar, beat = bar_beat(tm, self.s.cursor)
        sig = tm.signature_at(self.s.cursor)
        chord = notes_at(self.s.chart, self.s.part, self.s.difficulty, self.s.cursor)
        held = " ".join(n.piece.value + (f" v{n.velocity}" if n.velocity else "") for n in chord)
        right = (f"bar {bar} beat {beat} | tick {self.s.cursor} | {tm.seconds(self.s.cursor):.3f} s | "
                 f"{tm.bpm_at(self.s.cursor):g} BPM {sig[1]}/{sig[2]}" + (f" | {held}" if held else ""))
        r = w.text(surface, theme, w.fit(theme, right, 16, rect.w // 2), (rect.right - 10, rect.centery), 16,
                   theme.text, anchor="midright")
        message = self.s.message or self.playback.warning or ""
        w.text(surface, theme, w.fit(theme, message, 16, r.left - 30), (10, rect.centery), 16, theme.accent,
               anchor="midleft")

    # -- record host ---------------------------------------------------------------------------------
    def record_label(self) -> str:
        s = self.s
        return (f"{s.part} {s.difficulty}  {s.record_mode}  snap {snap.label(s.division)}  "
                f"{round(self.playback.speed * 100)}%")

    def sounding_parts(self, without: str | None = None) -> list[PreviewPart]:
        ghost = self.ghost()
        out = []
        for i, name in enumerate(self.s.chart.parts):
            if name == without or not self.playback.mix.sounding(name):
                continue
            difficulty = ghost[1] if ghost is not None and name == ghost[0] else self.s.difficulty
            out.append(PreviewPart(name, difficulty if difficulty in DIFFICULTIES else "expert",
                                   0.35 if i == 0 else 0.65))
        return out

    def record_start(self) -> float:
        tm = self.tempo
        self.recording = True
        cursor_s = tm.seconds(self.s.cursor)
        _, num, den = tm.signature_at(self.s.cursor)
        bar_s = num * 60.0 / tm.bpm_at(self.s.cursor) * 4 / den
        step: float = self.s.division or 16.0
        half_step_s = 60.0 / tm.bpm_at(self.s.cursor) * 4 / den / step / 2
        muted = self.s.part if self.s.record_mode == "replace" else None
        self.playback.start(self.s.chart, cursor_s - bar_s, self.sounding_parts(without=muted))
        self.report("recording", start=cursor_s - half_step_s)
        return cursor_s - half_step_s

    def record_tick(self, dt: float) -> float:
        self._clock += dt
        self.playback.tick(dt)
        now = self.playback.now()
        self.view.view_t = now
        return now

    def song_time_at(self, stamp_ns: int) -> float:
        return self.playback.song_time_at(stamp_ns)

    def sound_hit(self, piece: Piece, velocity: int | None, stamp_ns: int) -> None:
        self.playback.play_hit(piece, velocity, stamp_ns)

    def record_finish(self, hits: Sequence[Hit], start_s: float, end_s: float) -> None:
        self.recording = False
        self.playback.stop()
        take = list(hits)
        self.apply(lambda s: es.record(s, take, start_s, end_s))
        self.center_cursor()
        self.report("recorded", hits=[[h.piece.value, round(h.t, 4)] for h in take], message=self.s.message,
                    notes=self.note_count())

    def record_cancel(self) -> None:
        self.recording = False
        self.playback.stop()
        self.center_cursor()
        self.s = replace(self.s, message="take discarded")
