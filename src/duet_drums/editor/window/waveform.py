"""The waveform strip: the author's recording drawn against song time, beside the notes.

Tempo-mapping is done by eye: a drum hit on the record is a spike, and the beat line
should sit on it. The envelope (peak of |sample| per millisecond) is computed once when
the audio is decoded; per frame each pixel row takes the peak of the milliseconds it
covers, so any zoom level draws in one vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pygame

from duet_drums.audio.preview import SongAudio
from duet_drums.editor.window.layout import TimeView

F32 = npt.NDArray[np.float32]
BIN_S = 0.001


@dataclass(frozen=True, eq=False)
class Envelope:
    peaks: F32  # peak |sample| per BIN_S, both channels
    start_time: float  # song seconds of bin 0

    @classmethod
    def of(cls, audio: SongAudio) -> Envelope:
        step = max(1, round(audio.sample_rate * BIN_S))
        x = np.abs(audio.samples).max(axis=1)
        n = len(x) // step
        peaks = x[: n * step].reshape(n, step).max(axis=1) if n else np.zeros(0, np.float32)
        return cls(peaks.astype(np.float32), audio.start_time)

    def rows(self, view: TimeView, top: int, bottom: int) -> F32:
        """Peak per pixel row from `top` to `bottom` (row i covers y = top + i)."""
        h = bottom - top
        n = len(self.peaks)
        if h <= 0 or n == 0:
            return np.zeros(max(0, h), np.float32)
        ys = np.arange(bottom, top - 1, -1, dtype=np.float64)  # bottom up: time increasing
        pos = (view.view_t + (view.anchor_y - ys) / view.pps - self.start_time) / BIN_S
        idx = np.clip(np.floor(pos), 0, n).astype(np.intp)
        padded = np.append(self.peaks, np.float32(0))
        # reduceat: the peak of bins idx[i]..idx[i+1] (one bin when a row is narrower than it).
        up = np.maximum.reduceat(padded, idx)[:h]
        up[(pos[1:] <= 0) | (pos[:-1] >= n)] = 0.0
        out: F32 = up[::-1].astype(np.float32)
        return out


def draw_waveform(surface: pygame.Surface, rect: pygame.Rect, envelope: Envelope | None, view: TimeView,
                  color: tuple[int, int, int]) -> None:
    """Peaks mirrored about the strip's centre line, one line per pixel row."""
    if envelope is None:
        return
    peaks = envelope.rows(view, rect.top, rect.bottom)
    half = rect.w / 2 - 3
    cx = rect.centerx
    widths = np.minimum(1.0, peaks) * half  # linear: a drum hit stands out from the ringing after it
    for i, wpx in enumerate(widths.tolist()):
        if wpx >= 0.5:
            y = rect.top + i
            surface.fill(color, (round(cx - wpx), y, max(1, round(2 * wpx)), 1))
