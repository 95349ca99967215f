"""A community song's audio stems mixed into one backing at the device rate.

Song folders split the recording into stems (`song`, `guitar`, `bass`, `vocals`, `keys`,
`drums`, `drums_1`..`drums_4`, ...). The players are the drummers, so the recorded
drums must step back while they play: the stems are summed into two buses, the band
(everything else) and the drums, and the backing is ``band + gain * drums`` with the
gain from the settings (0 mutes them). Keeping the buses apart until then means a new
gain needs no new decode.

`load_stems` decodes each stem (in the caller's thread: the game runs it in a background
thread behind a progress bar) and caches the two buses on disk (`audio_cache`), keyed by
the stem files' paths, sizes and modification times. A missing or undecodable stem is
reported in `messages` and left out, never fatal; a song whose stems all fail has no
audio, and the caller falls back to the synthesized backing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.audio.audio_cache import AudioCache, source_key
from duet_drums.audio.decode import DecodeCancelled, DecodeError, decode_file
from duet_drums.audio.track import BackingTrack, anchored_track
from duet_drums.formats.song_folder import DRUM_STEMS

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class StemProgress:
    stem: str  # the stem being decoded ("" when answered from the cache)
    index: int  # 0-based among the stems
    count: int
    fraction: float  # of the whole job, 0..1


@dataclass(frozen=True, eq=False)
class StemMix:
    """The two buses of a song at `sample_rate`, and what decoding them said."""

    band: F32  # (n, 2): every stem but the drums, summed
    drums: F32  # (m, 2): the drum stems summed; m = 0 when the song has none
    sample_rate: int
    messages: tuple[str, ...] = ()
    stems: tuple[str, ...] = ()  # the stems in the mix
    cached: bool = False
    seconds: float = 0.0  # spent decoding (or loading from the cache)

    @property
    def frames(self) -> int:
        return max(len(self.band), len(self.drums))

    @property
    def empty(self) -> bool:
        return self.frames == 0

    def mixed(self, drum_gain: float) -> F32:
        """band + drum_gain * drums, clipped to full scale."""
        out = np.zeros((self.frames, 2), np.float32)
        out[: len(self.band)] += self.band
        if drum_gain > 0 and len(self.drums):
            out[: len(self.drums)] += np.float32(drum_gain) * self.drums
        np.clip(out, -1.0, 1.0, out=out)
        return out

    def track(self, *, drum_gain: float, offset_ms: float, speed: float = 1.0,
              lead_in: float = 1.0) -> BackingTrack:
        """The backing: a chart note at tempo-map time t sounds with the recording at
        t + `offset_ms` (the community's sign: positive = the notes come later)."""
        return anchored_track(self.mixed(drum_gain), offset_ms / 1000.0, self.sample_rate, speed, lead_in,
                              f"stems:{'+'.join(self.stems)}")


def _add(bus: F32, x: F32) -> F32:
    if len(x) > len(bus):
        bus = np.concatenate([bus, np.zeros((len(x) - len(bus), 2), np.float32)])
    bus[: len(x)] += x
    return bus


def _from_cache(samples: F32, rate: int, messages: tuple[str, ...], started: float) -> StemMix:
    stems = tuple(m.removeprefix("mixed: ") for m in messages if m.startswith("mixed: "))
    notes = tuple(m for m in messages if not m.startswith("mixed: "))
    names = stems[0].split("+") if stems and stems[0] else []
    return StemMix(np.ascontiguousarray(samples[:, :2]), np.ascontiguousarray(samples[:, 2:4]), rate, notes,
                   tuple(names), cached=True, seconds=time.perf_counter() - started)


def load_stems(folder: Path, stems: Mapping[str, str], sample_rate: int, *, cache: AudioCache | None = None,
               progress: Callable[[StemProgress], None] | None = None,
               cancel: threading.Event | None = None) -> StemMix:
    """Decode and sum `stems` (stem name -> file name in `folder`). Raises
    `DecodeCancelled` when `cancel` is set; never raises for a bad stem."""
    started = time.perf_counter()
    names = sorted(stems)
    paths = [Path(folder) / stems[name] for name in names]
    key = source_key(paths, sample_rate) if cache is not None else None
    if cache is not None and key is not None:
        hit = cache.load(key)
        if hit is not None and hit.samples.ndim == 2 and hit.samples.shape[1] == 4:
            if progress is not None:
                progress(StemProgress("", len(names), len(names), 1.0))
            return _from_cache(hit.samples, sample_rate, hit.messages, started)
    band = np.zeros((0, 2), np.float32)
    drums = np.zeros((0, 2), np.float32)
    messages: list[str] = []
    mixed: list[str] = []
    for index, (name, path) in enumerate(zip(names, paths, strict=True)):
        def step(frac: float, name: str = name, index: int = index) -> None:
            if progress is not None:
                progress(StemProgress(name, index, len(names), (index + frac) / len(names)))

        step(0.0)
        try:
            x = decode_file(path, sample_rate, progress=step, cancel=cancel)
        except DecodeCancelled:
            raise
        except DecodeError as exc:
            messages.append(f"stem {name!r} left out: {exc}")
            continue
        except MemoryError:
            messages.append(f"stem {name!r} left out: {path}: too large to decode")
            continue
        if name in DRUM_STEMS:
            drums = _add(drums, x)
        else:
            band = _add(band, x)
        mixed.append(name)
    if cancel is not None and cancel.is_set():
        raise DecodeCancelled(str(folder))
    mix = StemMix(band, drums, sample_rate, tuple(messages), tuple(mixed),
                  seconds=time.perf_counter() - started)
    if cache is not None and key is not None and not mix.empty:
        both = np.zeros((mix.frames, 4), np.float32)
        both[: len(band), :2] = band
        both[: len(drums), 2:] = drums
        cache.store(key, both, [f"mixed: {'+'.join(mixed)}", *messages])
    return mix
