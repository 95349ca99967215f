"""The layers below as the app sees them: the audio engine, its song clock, the MIDI
layer. Protocols, not the classes, so a scene's needs are written down in one place and
anything that meets them (the real engine, a test double, a future network kit) fits;
mypy checks the real classes against them where the context creates them.
"""

from __future__ import annotations

import os
from typing import Protocol

from duet_drums.audio.samples import HitTone
from duet_drums.audio.track import BackingTrack
from duet_drums.core.chart import Chart
from duet_drums.core.kit import Piece
from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.midi_inputs import MidiStatus
from duet_drums.settings import Calibration


class SongClockView(Protocol):
    def now(self) -> float:
        """Song seconds now."""

    def song_time_at(self, stamp_ns: int) -> float:
        """Song seconds at a `perf_counter_ns` stamp (when a hit arrived)."""


class AudioEngineView(Protocol):
    """Sound and song time: the backing track, hit sounds, and the clock that follows the
    audio device. Every call returns at once; the audio thread applies it."""

    track: BackingTrack | None

    @property
    def clock(self) -> SongClockView: ...

    def open(self) -> str | None:
        """Open the device; a warning when it had to fall back to playing silently."""

    def notices(self) -> list[str]:
        """After `open`: each thing about the sound the player should know (no device,
        drum samples that could not be loaded), in words."""

    def close(self) -> None: ...

    def set_volumes(self, master: float | None = None, backing: float | None = None,
                    hits: float | None = None, click: float | None = None) -> None: ...

    def set_calibration(self, calibration: Calibration) -> None: ...

    def render_backing(self, chart: Chart, speed: float = 1.0,
                       quiet: tuple[tuple[float, float], ...] = ()) -> BackingTrack: ...

    def backing_for(self, chart: Chart, chart_path: str | os.PathLike[str] | None,
                    speed: float = 1.0, quiet: tuple[tuple[float, float], ...] = ()
                    ) -> tuple[BackingTrack, str | None]: ...

    def load_song(self, track: BackingTrack) -> None: ...

    def start(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    def seek(self, song_time: float) -> None: ...

    def play_hit(self, piece: Piece, velocity: int | None, player: int,
                 stamp_ns: int | None = None, tone: HitTone = "standard") -> None: ...


class MidiControl(Protocol):
    """The MIDI layer: kits, their owners and note maps, learn mode, plug notices. Hits
    do not come through here: the reader threads put them on the context's input queue."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> MidiStatus: ...

    def poll_ports(self) -> None: ...

    def drain_events(self) -> list[PortEvent]: ...

    def assign(self, port: str, player: int | None) -> None: ...

    def preset_of(self, port: str) -> str: ...

    def set_preset(self, port: str, preset: str) -> None: ...

    def start_learn(self, port: str) -> None: ...

    def learned(self) -> tuple[int, int] | None: ...

    def save_learned(self, piece: Piece, map_name: str | None = None) -> str: ...

    def stop_learn(self) -> None: ...
