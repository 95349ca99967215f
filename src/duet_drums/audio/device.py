"""Output devices: an SDL callback device we feed ourselves, or a silent wall-clock feeder.

Why a callback device (`pygame._sdl2.audio.AudioDevice`) rather than pygame.mixer: the
song clock must come from frames the game itself hands to the device, and with a
callback every buffer the device consumes passes through our code, counted and stamped.
We ask SDL for float32 stereo with no allowed changes, so SDL converts to whatever the
hardware wants and our callback always sees the same format.

The engine owns the audio device: opening it shuts pygame.mixer down (SDL's dummy
driver allows one open device per process, and two mixers would fight over latency).

Pausing or closing goes through SDL directly via ctypes, not through pygame: pygame's
`AudioDevice.pause()`/`close()` keep the GIL while SDL waits for the audio thread to
finish its callback, and that callback is waiting for the GIL, so they deadlock
(reproduced with the disk driver). ctypes releases the GIL around foreign calls.

When no device can be opened (no sound card, driver missing), `SilentFeeder` calls the
same fill function from a thread paced by `perf_counter`, so the song clock, the mixer
and everything above them behave the same, only without sound.
"""

from __future__ import annotations

import ctypes
import glob
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
Fill = Callable[[F32], None]


class AudioOpenError(RuntimeError):
    pass


class OutputDevice(Protocol):
    sample_rate: int
    buffer_frames: int
    driver: str
    device_name: str

    def close(self) -> None: ...


def _sdl_library() -> ctypes.CDLL | None:
    """The SDL2 library pygame already loaded (same handle: dlopen is refcounted)."""
    import pygame

    pkg = os.path.dirname(pygame.__file__)
    patterns = [
        os.path.join(os.path.dirname(pkg), "pygame_ce.libs", "libSDL2-*.so*"),  # Linux wheels
        os.path.join(pkg, ".dylibs", "libSDL2-*.dylib"),  # macOS wheels
        os.path.join(pkg, ".dylibs", "libSDL2.dylib"),
        os.path.join(pkg, "SDL2.dll"),  # Windows wheels
    ]
    candidates = [p for pat in patterns for p in sorted(glob.glob(pat))]
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
                candidates += sorted(set(re.findall(r"(/\S*/libSDL2-2\.0\.so\S*)", f.read())))
        except OSError:
            pass
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
            lib.SDL_CloseAudioDevice.argtypes = [ctypes.c_uint32]
            lib.SDL_PauseAudioDevice.argtypes = [ctypes.c_uint32, ctypes.c_int]
            lib.SDL_GetCurrentAudioDriver.restype = ctypes.c_char_p
            return lib
        except (OSError, AttributeError):
            continue
    return None


class SdlOutput:
    """An SDL audio device whose callback calls `fill` with an (n, 2) float32 view."""

    def __init__(self, sample_rate: int, buffer_frames: int, fill: Fill):
        try:
            import pygame
            import pygame._sdl2.audio as sdl_audio
            import pygame._sdl2.sdl2 as sdl2
        except ImportError as exc:  # pragma: no cover - pygame-ce is a dependency
            raise AudioOpenError(f"pygame-ce audio module unavailable: {exc}") from None
        self._fill = fill
        # Our callback needs the GIL every ~5 ms; by default a thread waiting for it can
        # wait 5 ms (the interpreter's switch interval) while the game thread computes,
        # which would cost a whole buffer. 1 ms keeps the callback on time at a negligible
        # cost to the game thread.
        sys.setswitchinterval(min(sys.getswitchinterval(), 0.001))
        try:
            if pygame.mixer.get_init():
                pygame.mixer.quit()
            sdl2.init_subsystem(sdl2.INIT_AUDIO)
            names = sdl_audio.get_audio_device_names(False)
            self._dev: Any = sdl_audio.AudioDevice(
                None, False, int(sample_rate), sdl_audio.AUDIO_F32, 2, int(buffer_frames), 0,
                self._callback,
            )
        except Exception as exc:
            raise AudioOpenError(f"cannot open an audio output device: {exc or type(exc).__name__}") from None
        self.sample_rate = int(self._dev.frequency)
        self.buffer_frames = int(self._dev.chunksize)
        self._sdl = _sdl_library()
        driver = self._sdl.SDL_GetCurrentAudioDriver() if self._sdl is not None else None
        self.driver = driver.decode() if driver else os.environ.get("SDL_AUDIODRIVER", "auto")
        self.device_name = names[0] if names else "default"
        self._dev.pause(0)  # unpausing is safe: no callback is running yet

    def _callback(self, _dev: Any, mem: memoryview) -> None:
        buf = np.frombuffer(mem, dtype=np.float32).reshape(-1, 2)
        self._fill(buf)

    def close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is None:
            return
        if self._sdl is not None:
            self._sdl.SDL_CloseAudioDevice(int(dev.deviceid))  # GIL released by ctypes
            self._closed_dev = dev  # keep pygame's object (and our callback) alive
        else:  # pragma: no cover - no SDL library found: best effort
            self._fill = _silence
            dev.close()


def _silence(buf: F32) -> None:
    buf.fill(0.0)


class SilentFeeder:
    """Calls `fill` every buffer period of `perf_counter` time, discarding the audio."""

    driver = "silent"
    device_name = "none (silent wall-clock feeder)"

    def __init__(self, sample_rate: int, buffer_frames: int, fill: Fill):
        self.sample_rate = int(sample_rate)
        self.buffer_frames = int(buffer_frames)
        self._fill = fill
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="duet-drums-silent-audio", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buf = np.zeros((self.buffer_frames, 2), np.float32)
        period_ns = self.buffer_frames * 1_000_000_000 // self.sample_rate
        frac = self.buffer_frames * 1_000_000_000 % self.sample_rate
        acc = 0
        due = time.perf_counter_ns()
        while not self._stop.is_set():
            self._fill(buf)
            # Exact long-run rate: carry the fractional nanoseconds of each period.
            acc += frac
            due += period_ns + acc // self.sample_rate
            acc %= self.sample_rate
            now = time.perf_counter_ns()
            if now - due > 20 * period_ns:  # we were suspended: don't race to catch up
                due = now
            if due > now:
                self._stop.wait((due - now) / 1e9)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)
