"""Drum one-shots in memory: loading, velocity -> gain, and hi-hat choking.

Samples are kept as mono float32 at the device rate so the audio callback only adds
slices (no conversion on the realtime path). A missing or broken sample file makes that
piece silent with a warning, never a crash: the game stays playable.

Two players on one set of samples sound like one drummer: partners who hear identical
sounds rush together more (Wolf et al. 2019), and neither can tell whose stroke was
early. So the bank also holds a second kit, every sample tuned up `TUNED_UP_SEMITONES`
(resampled, so it is also a little shorter, like a smaller kit), which P2 plays on when
both players' hits come from the game (`HitTone`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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

# The second kit: a major third up is heard at once as another drum, yet still a drum.
TUNED_UP_SEMITONES = 4.0
HitTone = Literal["standard", "tuned_up"]


def tune_up(x: F32, semitones: float = TUNED_UP_SEMITONES) -> F32:
    """`x` played faster by the pitch ratio of `semitones` (higher and shorter)."""
    ratio = 2.0 ** (semitones / 12.0)
    out = resample(x, ratio, 1.0)
    out.flags.writeable = False
    return out


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
    tuned_up: dict[Piece, F32] = field(default_factory=dict)
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
                bank.tuned_up[piece] = tune_up(x)
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

    def get(self, piece: Piece, tone: HitTone = "standard") -> F32 | None:
        return (self.tuned_up if tone == "tuned_up" else self.pieces).get(piece)

    def click_sounds(self) -> tuple[F32, F32] | None:
        """(normal, accent) for `render_backing`, when both files loaded."""
        if self.click is None or self.click_accent is None:
            return None
        return self.click, self.click_accent


def chokes(piece: Piece) -> frozenset[Piece]:
    """The pieces whose ringing voices a hit on `piece` cuts short."""
    return CHOKES.get(piece, frozenset())
