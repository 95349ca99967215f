"""Song transports: where the play scene gets song time from, and who plays the sound.

Song time is always in *chart* seconds (practice speed is the transport's business, not
the engine's). Three transports share one small interface:

- `AudioTransport` follows the audio engine's clock (samples the device consumed), the
  normal case;
- `WallTransport` follows `perf_counter` when no audio device could be opened, so the
  game stays playable (silently) rather than refusing to start;
- `SteppedTransport` advances only when the frame loop says so, by a fixed step: tests and
  `play --headless` use it so a whole song runs in a fraction of a second and gives the
  same result on every run.

Every transport counts the hits it was asked to sound, per player (`hits_sounded`), and
the kits they were sounded on (`tones_sounded`): the stepped and wall transports have no
mixer to listen to, and "a kit player's hits make no sound, a keyboard player's do" and
"P2 sounds on another kit than P1" must be checkable on all three.
"""

from __future__ import annotations

import time
from typing import Protocol

from duet_drums.app.protocols import AudioEngineView
from duet_drums.audio.samples import HitTone
from duet_drums.core.kit import Piece


class Transport(Protocol):
    speed: float
    hits_sounded: list[int]  # play_hit calls so far, per player (P1, P2)
    tones_sounded: tuple[set[HitTone], set[HitTone]]  # the kits each player's hits used

    def start(self, at: float) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def seek(self, t: float) -> None: ...
    def stop(self) -> None: ...
    def tick(self, dt: float) -> None: ...
    def now(self) -> float: ...
    def song_time_at(self, stamp_ns: int) -> float: ...
    def play_hit(self, piece: Piece, velocity: int | None, player: int,
                 stamp_ns: int | None = None, tone: HitTone = "standard") -> None: ...


class SteppedTransport:
    """Fixed-step time: `tick(dt)` moves the song by dt * speed (nothing while paused).

    Inputs arriving between two ticks are all stamped at the current song time: with a
    fixed step there is no finer truth to give them.
    """

    def __init__(self, speed: float = 1.0):
        self.speed = speed
        self.hits_sounded = [0, 0]
        self.tones_sounded: tuple[set[HitTone], set[HitTone]] = (set(), set())
        self._t = 0.0
        self.paused = True

    def start(self, at: float) -> None:
        self._t = at
        self.paused = False

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def seek(self, t: float) -> None:
        self._t = t

    def stop(self) -> None:
        self.paused = True

    def tick(self, dt: float) -> None:
        if not self.paused:
            self._t += dt * self.speed

    def now(self) -> float:
        return self._t

    def song_time_at(self, stamp_ns: int) -> float:
        return self._t

    def play_hit(self, piece: Piece, velocity: int | None, player: int, stamp_ns: int | None = None,
                 tone: HitTone = "standard") -> None:
        self.hits_sounded[player] += 1  # nothing to sound: only counted
        self.tones_sounded[player].add(tone)


class WallTransport:
    """perf_counter-driven song time, for a game with no audio device."""

    def __init__(self, speed: float = 1.0):
        self.speed = speed
        self.hits_sounded = [0, 0]
        self.tones_sounded: tuple[set[HitTone], set[HitTone]] = (set(), set())
        self._origin_ns = time.perf_counter_ns()
        self._origin_song = 0.0
        self._paused_at: float | None = 0.0

    def start(self, at: float) -> None:
        self._origin_ns = time.perf_counter_ns()
        self._origin_song = at
        self._paused_at = None

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self.now()

    def resume(self) -> None:
        if self._paused_at is not None:
            self.start(self._paused_at)

    def seek(self, t: float) -> None:
        if self._paused_at is not None:
            self._paused_at = t
        else:
            self.start(t)

    def stop(self) -> None:
        self.pause()

    def tick(self, dt: float) -> None:
        pass

    def now(self) -> float:
        return self.song_time_at(time.perf_counter_ns())

    def song_time_at(self, stamp_ns: int) -> float:
        if self._paused_at is not None:
            return self._paused_at
        return self._origin_song + (stamp_ns - self._origin_ns) / 1e9 * self.speed

    def play_hit(self, piece: Piece, velocity: int | None, player: int, stamp_ns: int | None = None,
                 tone: HitTone = "standard") -> None:
        self.hits_sounded[player] += 1  # nothing to sound: only counted
        self.tones_sounded[player].add(tone)


class AudioTransport:
    """The audio engine's song clock and mixer (backing already loaded by the caller)."""

    def __init__(self, engine: AudioEngineView, speed: float = 1.0):
        self.engine = engine
        self.speed = speed
        self.hits_sounded = [0, 0]
        self.tones_sounded: tuple[set[HitTone], set[HitTone]] = (set(), set())

    def start(self, at: float) -> None:
        # The backing track begins at its own start_time (the count-in); starting
        # elsewhere (practice loops) is a seek.
        self.engine.start()
        track = self.engine.track
        if track is None or at > track.start_time + 1e-3:
            self.engine.seek(at)

    def pause(self) -> None:
        self.engine.pause()

    def resume(self) -> None:
        self.engine.resume()

    def seek(self, t: float) -> None:
        self.engine.seek(t)

    def stop(self) -> None:
        self.engine.stop()

    def tick(self, dt: float) -> None:
        pass

    def now(self) -> float:
        return self.engine.clock.now()

    def song_time_at(self, stamp_ns: int) -> float:
        return self.engine.clock.song_time_at(stamp_ns)

    def play_hit(self, piece: Piece, velocity: int | None, player: int, stamp_ns: int | None = None,
                 tone: HitTone = "standard") -> None:
        self.hits_sounded[player] += 1
        self.tones_sounded[player].add(tone)
        self.engine.play_hit(piece, velocity, player, stamp_ns, tone)
