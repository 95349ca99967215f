"""Playback for the editor: from any point, at 25-100 % speed, with the parts' drum
samples, a metronome and the chart's own audio file, each part soloed or muted.

Song time comes from where the game gets it: the audio engine's clock, which follows
the samples the device consumed (`audio.clock`), so the highway scrolls with what is
heard and a recorded hit is stamped on the same clock the game judges with. Without an
audio device the editor falls back to the wall clock, silently, and in fixed-step mode
(tests) time moves only by the frames' dt, as in the game.

The sound is rendered in stretches (`audio.preview`): a short one so play starts at
once, then the next one on a worker thread while the current one plays, handed over
seamlessly. What plays is the chart as it was when play started; an edit made while
playing is heard from the next play.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from duet_drums.app.context import AppContext
from duet_drums.audio.engine import AudioEngine
from duet_drums.audio.preview import (
    MAX_SPEED,
    MIN_SPEED,
    PreviewPart,
    SongAudio,
    load_song_audio,
    render_stretch,
)
from duet_drums.audio.track import BackingTrack
from duet_drums.audio.userfile import UserAudioError
from duet_drums.core.chart import Chart
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap

log = logging.getLogger(__name__)

SPEED_STEP = 0.05
# Audio seconds per rendered stretch: short first (play starts at once), then longer.
FIRST_STRETCH_S = 3.0
NEXT_STRETCH_S = 12.0
OVERLAP_S = 1.5  # the next stretch starts this much (audio) before the current one ends
PREROLL_S = 0.25  # audio seconds played before the start point, so its note is not cut


@dataclass
class Mix:
    """Which parts sound: a soloed part alone, else every part not muted."""

    muted: set[str] = field(default_factory=set)
    solo: str | None = None
    click: bool = True

    def sounding(self, part: str) -> bool:
        return part == self.solo if self.solo is not None else part not in self.muted

    def toggle_solo(self, part: str) -> None:
        self.solo = None if self.solo == part else part

    def toggle_mute(self, part: str) -> None:
        self.muted ^= {part}
        if part in self.muted and self.solo == part:
            self.solo = None

    def state(self, part: str) -> str:
        if self.solo == part:
            return "solo"
        return "on" if self.sounding(part) else "muted"


@dataclass
class _Stretch:
    start: float
    end: float


class Playback:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.speed = 1.0
        self.mix = Mix()
        self.playing = False
        self.warning: str | None = None
        self.audio: SongAudio | None = None
        self.audio_error: str | None = None
        self._audio_key: tuple[str, str | None, float] | None = None
        self._audio_job: concurrent.futures.Future[SongAudio | None] | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="editor-audio")
        self._engine: AudioEngine | None = None
        self._engine_tried = False
        # Fixed-step and wall-clock time (no engine): song time, and where it started.
        self._t = 0.0
        self._wall_origin: tuple[int, float] | None = None
        # What is playing (engine): the chart snapshot, its parts, and the stretches.
        self._chart: Chart | None = None
        self._tempo: TempoMap | None = None
        self._parts: tuple[PreviewPart, ...] = ()
        self._current: _Stretch | None = None
        self._next: concurrent.futures.Future[tuple[_Stretch, BackingTrack]] | None = None

    # -- the chart's audio file -------------------------------------------------------------
    def load_audio(self, chart: Chart, chart_path: str | os.PathLike[str] | None) -> None:
        """Decode the chart's audio file in the background (the waveform and playback use
        it once ready); a chart without one, or unsaved, has none."""
        key = (str(chart_path), chart.metadata.audio, chart.metadata.audio_offset_ms)
        if key == self._audio_key:
            return
        self._audio_key = key
        self.audio, self.audio_error = None, None
        if chart_path is None or not chart.metadata.audio:
            self._audio_job = None
            return
        rate = self.ctx.settings.audio.sample_rate
        path = Path(chart_path)
        self._audio_job = self._pool.submit(load_song_audio, chart, path, rate)

    def poll_audio(self) -> None:
        job = self._audio_job
        if job is None or not job.done():
            return
        self._audio_job = None
        try:
            self.audio = job.result()
        except UserAudioError as exc:
            self.audio_error = str(exc)
        except Exception as exc:  # a broken file must cost the waveform, not the editor
            log.exception("decoding the chart's audio failed")
            self.audio_error = f"cannot read the audio file: {exc}"

    # -- the device ---------------------------------------------------------------------------
    def engine(self) -> AudioEngine | None:
        if not self._engine_tried:
            self._engine_tried = True
            engine = self.ctx.audio()
            if isinstance(engine, AudioEngine):
                self._engine = engine
            elif not self.ctx.stepped:
                self.warning = "no audio device: playing silently on the wall clock"
        return self._engine

    # -- transport -----------------------------------------------------------------------------
    def set_speed(self, speed: float) -> None:
        self.speed = round(min(MAX_SPEED, max(MIN_SPEED, speed)), 2)

    def start(self, chart: Chart, at: float, parts: Sequence[PreviewPart]) -> None:
        """Play from song time `at` (a little before it, so its note is heard whole)."""
        self.stop()
        self.poll_audio()
        self.playing = True
        begin = at - PREROLL_S * self.speed
        engine = self.engine()
        if engine is None:
            self._t = begin
            self._wall_origin = (time.perf_counter_ns(), begin)
            return
        self._chart, self._tempo, self._parts = chart, TempoMap.from_chart(chart), tuple(parts)
        end = begin + FIRST_STRETCH_S * self.speed
        engine.load_song(self._render(begin, end))
        engine.start()
        self._current = _Stretch(begin, end)

    def _render(self, start: float, end: float) -> BackingTrack:
        assert self._chart is not None and self._engine is not None
        return render_stretch(self._chart, self._engine.bank, start, end, speed=self.speed, parts=self._parts,
                              click=self.mix.click, audio=self.audio, tempo=self._tempo)

    def _render_next(self, start: float, end: float) -> tuple[_Stretch, BackingTrack]:
        return _Stretch(start, end), self._render(start, end)

    def stop(self) -> None:
        if not self.playing:
            return
        self.playing = False
        if self._engine is not None:
            self._engine.stop()
        if self._next is not None:
            self._next.cancel()
        self._next, self._current, self._wall_origin = None, None, None

    def tick(self, dt: float) -> None:
        """Once a frame: fixed-step time moves; the next stretch is rendered and handed over."""
        self.poll_audio()
        if not self.playing:
            return
        if self._engine is None:
            if self.ctx.stepped:
                self._t += dt * self.speed
            return
        cur = self._current
        if cur is None:
            return
        now = self._engine.clock.now()
        if self._next is None and now > cur.end - NEXT_STRETCH_S * self.speed / 2:
            start = cur.end - OVERLAP_S * self.speed
            self._next = self._pool.submit(self._render_next, start, start + NEXT_STRETCH_S * self.speed)
        if self._next is not None and self._next.done():
            stretch, track = self._next.result()
            if now >= stretch.start + 0.05 * self.speed:
                self._engine.continue_with(track)
                self._current, self._next = stretch, None

    def now(self) -> float:
        if self._engine is not None:
            return self._engine.clock.now()
        if self._wall_origin is not None and not self.ctx.stepped:
            return self.song_time_at(time.perf_counter_ns())
        return self._t

    def song_time_at(self, stamp_ns: int) -> float:
        """The song time of an input stamp (`perf_counter_ns`), as the game maps it."""
        if self._engine is not None:
            return self._engine.clock.song_time_at(stamp_ns)
        if self._wall_origin is not None and not self.ctx.stepped:
            origin_ns, origin_t = self._wall_origin
            return origin_t + (stamp_ns - origin_ns) / 1e9 * self.speed
        return self._t

    def play_hit(self, piece: Piece, velocity: int | None, stamp_ns: int | None = None) -> None:
        if self._engine is not None:
            self._engine.play_hit(piece, velocity, -1, stamp_ns)

    def close(self) -> None:
        self.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)
