"""The realtime mix: backing track + hit voices into one device buffer.

`Mixer.render(out, device_frame)` is what the audio callback runs, every ~5 ms. It is
pure numpy on preallocated data and knows nothing about devices, so it is tested
directly. The game thread never touches the mixer's state: it queues commands (a deque;
appends and pops are atomic) that the next `render` applies *at that buffer's first
frame*. That frame is also where the mixer tells the song clock that the timeline
changed (start, pause, resume, seek), so the clock is exact to the sample in audio terms.

Commands are small frozen dataclasses (`MixerCommand`), matched exhaustively with
`assert_never`: a command kind nobody handles fails the type check, and a mistyped one
cannot be queued at all (round one's bare strings were dropped silently).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import assert_never

import numpy as np
import numpy.typing as npt

from duet_drums.audio.clock import SongClock
from duet_drums.audio.samples import CHOKE_FADE_S, chokes
from duet_drums.audio.track import BackingTrack
from duet_drums.core.kit import Piece

F32 = npt.NDArray[np.float32]

MAX_VOICES = 48
# Player 1 a little left, player 2 a little right (equal-power pan), so a duet is easy to
# follow by ear; hits of "player" -1 or anything else sit in the middle.
PLAYER_PAN = {0: 0.38, 1: 0.62}


@dataclass
class Voice:
    sample: F32
    gain_l: float
    gain_r: float
    start: int  # device frame where it should begin
    piece: Piece | None
    pos: int = 0  # frames of `sample` already rendered
    fade_end: int | None = None  # choked: silent from this device frame on
    fade_total: int = 1  # length of the fade-out ramp (frames)
    begun: bool = False


@dataclass(frozen=True, slots=True)
class Gains:
    master: float = 0.8
    backing: float = 0.7
    hits: float = 0.8


@dataclass(frozen=True, slots=True)
class Load:
    """Make `track` the backing, stopped at its start."""

    track: BackingTrack


@dataclass(frozen=True, slots=True)
class Unload:
    """No backing at all (song time stands at 0)."""


@dataclass(frozen=True, slots=True)
class Start:
    """Play the backing from its first sample (the count-in)."""


@dataclass(frozen=True, slots=True)
class Pause:
    pass


@dataclass(frozen=True, slots=True)
class Resume:
    pass


@dataclass(frozen=True, slots=True)
class Stop:
    """Back to the track's start, silent."""


@dataclass(frozen=True, slots=True)
class Seek:
    song_time: float


@dataclass(frozen=True, slots=True)
class Continue:
    """Go on with `track` from the song time the loaded one has reached, in the same
    state: the next stretch of a song rendered in pieces (the editor's playback), with no
    gap and no jump of the clock."""

    track: BackingTrack


@dataclass(frozen=True, slots=True)
class SetGains:
    gains: Gains


@dataclass(frozen=True, slots=True)
class AddVoice:
    voice: Voice


MixerCommand = Load | Unload | Start | Pause | Resume | Stop | Seek | SetGains | AddVoice | Continue


class Mixer:
    def __init__(self, sample_rate: int, clock: SongClock):
        self.sample_rate = sample_rate
        self.clock = clock
        self._cmds: deque[MixerCommand] = deque()
        self.track: BackingTrack | None = None
        self.pos = 0  # track frame that the next buffer starts with
        self.state = "stopped"  # "stopped" | "playing" | "paused"
        self.finished = False
        self.voices: list[Voice] = []
        self.gains = Gains()
        self.clipped_frames = 0

    # -- game thread: queue commands ---------------------------------------------------
    def command(self, cmd: MixerCommand) -> None:
        self._cmds.append(cmd)

    # -- audio thread --------------------------------------------------------------------
    def render(self, out: F32, device_frame: int) -> None:
        """Fill `out` (n, 2) float32 with the next n frames, starting at `device_frame`."""
        n = len(out)
        while self._cmds:
            self._apply(self._cmds.popleft(), device_frame)
        out.fill(0.0)
        track = self.track
        if track is not None and self.state == "playing":
            a, b = self.pos, self.pos + n
            lo, hi = max(a, 0), min(b, track.frames)
            if hi > lo:
                out[lo - a:hi - a] = track.samples[lo:hi]
                out *= np.float32(self.gains.backing)
            self.pos = b
            if b >= track.frames:
                self.finished = True
        if self.voices:
            self._render_voices(out, device_frame)
        out *= np.float32(self.gains.master)
        peak = float(np.max(np.abs(out)))
        if peak > 1.0:
            self.clipped_frames += n
            np.clip(out, -1.0, 1.0, out=out)

    def _apply(self, cmd: MixerCommand, frame: int) -> None:
        match cmd:
            case Load(track):
                self.track, self.pos, self.state, self.finished = track, 0, "stopped", False
                self.clock.set_anchor(frame, track.start_time, 0.0, jump=True)
            case SetGains(gains):
                self.gains = gains
            case AddVoice(voice):
                self._add_voice(voice)
            case Continue(track):
                self._continue(track, frame)
            case Unload():
                self.track, self.state, self.finished = None, "stopped", False
                self.clock.set_anchor(frame, 0.0, 0.0, jump=True)
            case Start() | Pause() | Resume() | Stop() | Seek():
                if self.track is not None:
                    self._transport(cmd, self.track, frame)
            case _:
                assert_never(cmd)

    def _transport(self, cmd: Start | Pause | Resume | Stop | Seek, track: BackingTrack, frame: int) -> None:
        """Commands that move the loaded track's timeline (ignored with no track)."""
        match cmd:
            case Start():
                self.pos, self.state, self.finished = 0, "playing", False
                self.clock.set_anchor(frame, track.start_time, self._rate(track), jump=True)
            case Pause():
                if self.state == "playing":
                    self.state = "paused"
                    self.clock.set_anchor(frame, track.song_time_of(self.pos), 0.0)
            case Resume():
                if self.state == "paused":
                    self.state = "playing"
                    self.clock.set_anchor(frame, track.song_time_of(self.pos), self._rate(track))
            case Stop():
                self.pos, self.state, self.finished = 0, "stopped", False
                self.clock.set_anchor(frame, track.start_time, 0.0, jump=True)
            case Seek(song_time):
                self.pos = track.frame_of(float(song_time))
                self.finished = self.pos >= track.frames
                rate = self._rate(track) if self.state == "playing" else 0.0
                self.clock.set_anchor(frame, track.song_time_of(self.pos), rate, jump=True)
            case _:
                assert_never(cmd)

    def _continue(self, track: BackingTrack, frame: int) -> None:
        old = self.track
        if old is None or self.state == "stopped":
            self.track, self.pos, self.state, self.finished = track, 0, "stopped", False
            self.clock.set_anchor(frame, track.start_time, 0.0, jump=True)
            return
        song = old.song_time_of(self.pos)
        self.track, self.pos = track, track.frame_of(song)
        self.finished = self.pos >= track.frames
        rate = self._rate(track) if self.state == "playing" else 0.0
        self.clock.set_anchor(frame, track.song_time_of(self.pos), rate)

    def _rate(self, track: BackingTrack) -> float:
        return track.speed / self.sample_rate

    def _add_voice(self, v: Voice) -> None:
        if len(self.voices) >= MAX_VOICES:
            self.voices.pop(0)
        self.voices.append(v)

    def _render_voices(self, out: F32, frame: int) -> None:
        n = len(out)
        end = frame + n
        # Chokes first, at the frame where the choking voice begins, so a closed hi-hat
        # silences the open one from its own onset, not from the next buffer.
        for v in self.voices:
            if not v.begun and v.start < end:
                v.begun = True
                v.start = max(v.start, frame)
                if v.piece is not None:
                    self._choke(chokes(v.piece), v.start, v)
        keep: list[Voice] = []
        for v in self.voices:
            if v.start >= end:
                keep.append(v)
                continue
            off = v.start - frame
            k = min(n - off, len(v.sample) - v.pos)
            if k > 0:
                seg = v.sample[v.pos:v.pos + k]
                if v.fade_end is not None:
                    frames = np.arange(v.start, v.start + k, dtype=np.float32)
                    seg = seg * np.clip((v.fade_end - frames) / v.fade_total, 0.0, 1.0)
                out[off:off + k, 0] += seg * np.float32(v.gain_l)
                out[off:off + k, 1] += seg * np.float32(v.gain_r)
                v.pos += k
            v.start = end
            if v.pos < len(v.sample) and (v.fade_end is None or v.fade_end > end):
                keep.append(v)
        self.voices = keep

    def _choke(self, pieces: frozenset[Piece], at_frame: int, by: Voice) -> None:
        if not pieces:
            return
        fade = max(1, int(CHOKE_FADE_S * self.sample_rate))
        for v in self.voices:
            if v is not by and v.piece in pieces and v.begun and v.fade_end is None:
                v.fade_end = at_frame + fade
                v.fade_total = fade


def make_voice(sample: F32, gain: float, player: int, start: int, piece: Piece | None) -> Voice:
    pan = PLAYER_PAN.get(player, 0.5)
    theta = pan * math.pi / 2
    # Equal-power pan normalised so a centred voice keeps `gain` on each side.
    norm = math.sqrt(2)
    return Voice(sample, gain * math.cos(theta) * norm, gain * math.sin(theta) * norm, start, piece)
