"""Drum one-shots in memory: loading, velocity -> gain, and hi-hat choking.

Samples are kept as mono float32 at the device rate so the audio callback only adds
slices (no conversion on the realtime path). A missing or broken sample file makes that
piece silent with a warning, never a crash: the game stays playable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from duet_drums.audio.wavfile import WavError, read_wav, resample
from duet_drums.core.kit import PIECES, Piece

F32 = npt.NDArray[np.float32]

# Velocity of a hit that carries none (keyboard, or a chart note without dynamics).
DEFAULT_VELOCITY = 100

# Hitting the closed hi-hat or closing it with the pedal silences a ringing open hi-hat,
# as on a real kit.
CHOKES: dict[Piece, frozenset[Piece]] = {
    Piece.HIHAT: frozenset({Piece.HIHAT_OPEN}),
    Piece.HIHAT_PEDAL: frozenset({Piece.HIHAT_OPEN}),
}
CHOKE_FADE_S = 0.012


def velocity_gain(velocity: int | None) -> float:
    """MIDI velocity -> linear gain, (v/127)^1.7 with a floor.

    A power curve is what drum modules use: loudness follows velocity roughly in dB, so
    ghost notes (v≈30) come out about 20 dB under an accent instead of only 12 dB with a
    linear map, and the default velocity (100) sits about 3.5 dB under full.
    """
    v = DEFAULT_VELOCITY if velocity is None else min(127, max(1, int(velocity)))
    return max(0.02, float((v / 127.0) ** 1.7))


@dataclass
class SampleBank:
    sample_rate: int
    pieces: dict[Piece, F32] = field(default_factory=dict)
    click: F32 | None = None
    click_accent: F32 | None = None
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, samples_dir: Path, sample_rate: int) -> SampleBank:
        """Load ``<piece>.wav`` for every piece plus click.wav / click_accent.wav."""
        bank = cls(sample_rate)
        for piece in PIECES:
            x = bank._load_one(samples_dir / f"{piece.value}.wav")
            if x is not None:
                bank.pieces[piece] = x
        bank.click = bank._load_one(samples_dir / "click.wav")
        bank.click_accent = bank._load_one(samples_dir / "click_accent.wav")
        return bank

    def _load_one(self, path: Path) -> F32 | None:
        if not path.exists():
            self.warnings.append(f"{path}: missing sample; that sound will be silent")
            return None
        try:
            x, rate = read_wav(path)
        except WavError as exc:
            self.warnings.append(f"{exc}; that sound will be silent")
            return None
        mono = x.mean(axis=1) if x.shape[1] > 1 else x[:, 0]
        out = resample(np.ascontiguousarray(mono, np.float32), rate, self.sample_rate)
        out.flags.writeable = False
        return out

    def get(self, piece: Piece) -> F32 | None:
        return self.pieces.get(piece)

    def click_sounds(self) -> tuple[F32, F32] | None:
        """(normal, accent) for `render_backing`, when both files loaded."""
        if self.click is None or self.click_accent is None:
            return None
        return self.click, self.click_accent


def chokes(piece: Piece) -> frozenset[Piece]:
    """The pieces whose ringing voices a hit on `piece` cuts short."""
    return CHOKES.get(piece, frozenset())
