"""Simulated pairs whose truth is known: the ground the duo coach is tested on.

The autoplay bot (`core.autoplay`) plays each note at its time plus an offset and
independent jitter: two such bots never listen to each other, and that is all a pair of
them can show. A coach must tell *how* two drummers come apart, so its tests need pairs
that do what real ensembles do (see the duo-timing reference):

- a feel per drum (`piece_offsets`: a laid-back snare, a pushed kick);
- a timekeeper that wanders (`timer_sigma`) and corrects by linear phase correction at
  every unison, partly toward the click (`click_gain`) and partly toward the partner's
  last stroke (`partner_gain`): "P2 follows P1" is P2 with a partner gain and P1 without;
- a tempo drift over a stretch of the song (`TempoDrift`), which the player does not hear
  and so does not correct (that is what makes it a drift);
- a device whose stamps arrive late by a constant `latency`, and the game's calibration
  that subtracts a measured offset from every stamp.

Corrections act on the unintended wobble only (the timekeeper and the motor noise), not
on the intended feel or drift: a drummer who lays back on purpose does not "correct" it.

Everything is drawn from one seeded generator per pair, so a scenario is a fixed
performance, and the hits it returns are ordinary `Hit`s the session judges as any input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from duet_drums.core.autoplay import NORMAL_VELOCITY
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.core.notes import NoteTrack
from duet_drums.core.sync import Unisons
from duet_drums.core.tempo import TempoMap


@dataclass(frozen=True, slots=True)
class TempoDrift:
    """From `start` to `end` (song seconds) the player's tempo leaves the chart's: a
    linear ramp from 0 to `bpm` faster ("ramp"), or `bpm` faster all along ("step", as
    a pair that comes out of a fill in a hurry). At `end` they are back on the click."""

    start: float
    end: float
    bpm: float
    shape: Literal["ramp", "step"] = "ramp"

    def shift(self, times: npt.NDArray[np.float64], chart_bpm: float) -> npt.NDArray[np.float64]:
        """Seconds each note at `times` lands off the chart (negative = early): the
        integral of the relative tempo excess from `start` to the note."""
        if self.end <= self.start:
            raise ValueError(f"drift ends at {self.end} s, not after its start {self.start} s")
        inside = (times >= self.start) & (times < self.end)
        u = np.where(inside, times - self.start, 0.0)
        rel = self.bpm / chart_bpm
        ahead = rel * u * u / (2.0 * (self.end - self.start)) if self.shape == "ramp" else rel * u
        out: npt.NDArray[np.float64] = -ahead
        return out


@dataclass(frozen=True, slots=True)
class Musician:
    """One simulated drummer (all times in seconds)."""

    sigma: float = 0.008                 # motor jitter of each stroke
    offset: float = 0.0                  # constant lean on every drum (+ = late)
    piece_offsets: Mapping[Piece, float] = field(default_factory=dict)
    timer_sigma: float = 0.0             # timekeeper wander between unisons
    click_gain: float = 0.0              # share of the last error vs the click corrected
    partner_gain: float = 0.0            # share of the last asynchrony to the partner corrected
    drifts: tuple[TempoDrift, ...] = ()
    latency: float = 0.0                 # the device's stamps arrive this late
    calibration: float = 0.0             # what the game subtracts from every stamp
    miss_rate: float = 0.0
    velocity_from_chart: bool = True     # a kit (chart dynamics) or a keyboard (None)

    def __post_init__(self) -> None:
        if self.sigma < 0 or self.timer_sigma < 0:
            raise ValueError("jitter and timer spread must be >= 0")
        if not 0.0 <= self.miss_rate <= 1.0:
            raise ValueError(f"miss_rate must be within 0..1, got {self.miss_rate}")


def _intended(track: NoteTrack, m: Musician, tempo_map: TempoMap) -> npt.NDArray[np.float64]:
    """The player's deliberate timing of each note: feel per drum plus drifts."""
    shift = np.full(len(track), m.offset, dtype=np.float64)
    for i, piece in enumerate(track.pieces):
        shift[i] += m.piece_offsets.get(piece, 0.0)
    for drift in m.drifts:
        bpm = tempo_map.bpm_at(tempo_map.tick_at(drift.start))
        shift += drift.shift(track.times, bpm)
    return shift


def simulate_pair(tracks: tuple[NoteTrack, NoteTrack], musicians: tuple[Musician, Musician],
                  tempo_map: TempoMap, *, seed: int = 0) -> tuple[list[Hit], list[Hit]]:
    """Each player's hits as the game would judge them (stamped through the device's
    latency, calibration subtracted), each list in time order."""
    rng = np.random.default_rng(seed)
    unisons = Unisons.build(tracks)
    n_u = len(unisons)
    motor = [rng.normal(0.0, m.sigma, len(tr)) if m.sigma > 0 else np.zeros(len(tr))
             for tr, m in zip(tracks, musicians, strict=True)]
    timer = [rng.normal(0.0, m.timer_sigma, n_u) if m.timer_sigma > 0 else np.zeros(n_u)
             for m in musicians]
    played = [rng.random(len(tr)) >= m.miss_rate for tr, m in zip(tracks, musicians, strict=True)]
    # The wobble each player hears at a unison: their timekeeper phase plus the mean motor
    # noise of their strokes there. Phase correction runs unison by unison.
    unison_motor = []
    for p in (0, 1):
        starts, ends = unisons.starts[p], unisons.ends[p]
        cumulative = np.concatenate(([0.0], np.cumsum(motor[p])))
        unison_motor.append(((cumulative[ends] - cumulative[starts]) / (ends - starts)).tolist())
    phase = np.zeros((2, n_u), dtype=np.float64)
    now = [0.0, 0.0]
    for k in range(n_u):
        phase[0, k], phase[1, k] = now
        heard = [now[p] + unison_motor[p][k] for p in (0, 1)]
        for p in (0, 1):
            m = musicians[p]
            now[p] += (-m.click_gain * heard[p] - m.partner_gain * (heard[p] - heard[1 - p])
                       + float(timer[p][k]))
    out: list[list[Hit]] = []
    for p, (track, m) in enumerate(zip(tracks, musicians, strict=True)):
        last = np.searchsorted(unisons.times, track.times, side="right") - 1
        note_phase = np.where(last >= 0, phase[p][np.maximum(last, 0)], 0.0) if n_u else np.zeros(len(track))
        t = track.times + note_phase + _intended(track, m, tempo_map) + motor[p] + m.latency - m.calibration
        velocities = track.velocities.tolist()
        keep = played[p].tolist()
        times = t.tolist()
        hits = [Hit(p, track.pieces[i], times[i],
                    (velocities[i] or NORMAL_VELOCITY) if m.velocity_from_chart else None, "bot")
                for i in range(len(track)) if keep[i]]
        hits.sort(key=lambda h: h.t)
        out.append(hits)
    return out[0], out[1]


def calibration_taps(click_times: npt.NDArray[np.float64], musician: Musician, *,
                     seed: int = 0) -> npt.NDArray[np.float64]:
    """Stamps of a calibration run: the player taps along a click with their motor jitter,
    and the device delays each stamp by its latency (nothing subtracted yet)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(0.0, musician.sigma, len(click_times)) if musician.sigma > 0 else 0.0
    out: npt.NDArray[np.float64] = click_times + musician.latency + noise
    return out
