"""Autoplay bots: humanised hit streams for demos, tests, benchmarks and the AI partner.

A bot plays every note at its chart time plus a constant offset and Gaussian jitter
(how real drummers deviate: a mean lean early or late and a spread), and skips notes at
a given rate. All randomness comes from a seeded numpy Generator, so a bot with the same
seed plays the same performance every time.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from duet_drums.core.hits import Hit
from duet_drums.core.notes import NoteTrack

# Velocity a bot strikes notes the chart gives none (an ordinary, unaccented stroke).
NORMAL_VELOCITY = 90


def bot_hits(track: NoteTrack, player: int, *, mean_offset: float = 0.0, sigma: float = 0.0,
             miss_rate: float = 0.0, seed: int = 0, velocity_from_chart: bool = True) -> list[Hit]:
    """Hits for `track` in time order (seconds; `mean_offset` and `sigma` in seconds).

    With `velocity_from_chart` the bot plays the chart's dynamics (like a kit player);
    without it, hits carry no velocity (like a keyboard player).
    """
    if sigma < 0:
        raise ValueError(f"sigma must be >= 0, got {sigma}")
    if not 0.0 <= miss_rate <= 1.0:
        raise ValueError(f"miss_rate must be within 0..1, got {miss_rate}")
    n = len(track)
    rng = np.random.default_rng(seed)
    jitter = rng.normal(0.0, sigma, n) if sigma > 0 else np.zeros(n)
    played = rng.random(n) >= miss_rate if miss_rate > 0 else np.ones(n, dtype=bool)
    times = (track.times + mean_offset + jitter).tolist()
    velocities = track.velocities.tolist()
    keep = played.tolist()
    hits = [
        Hit(player, track.pieces[i], times[i],
            (velocities[i] or NORMAL_VELOCITY) if velocity_from_chart else None, "bot")
        for i in range(n) if keep[i]
    ]
    hits.sort(key=lambda h: h.t)
    return hits


@dataclass(frozen=True, slots=True)
class BotProfile:
    """How a bot drums: a mean lean (`mean_offset`, seconds, negative = early), a spread
    (`sigma`, seconds), the share of notes it skips, and whether it plays the chart's
    dynamics (a kit player) or none (a keyboard player)."""

    mean_offset: float = 0.0
    sigma: float = 0.0
    miss_rate: float = 0.0
    velocity_from_chart: bool = True

    def hits(self, track: NoteTrack, player: int, seed: int = 0) -> list[Hit]:
        return bot_hits(track, player, mean_offset=self.mean_offset, sigma=self.sigma,
                        miss_rate=self.miss_rate, seed=seed, velocity_from_chart=self.velocity_from_chart)


# The AI partner and the autoplay bots, per player: a steady, slightly human drummer
# each. P1's bot leans a touch early and P2's a touch late so the sync meter has
# something to show.
AI_PARTNER_PROFILES: tuple[BotProfile, BotProfile] = (
    BotProfile(mean_offset=-0.004, sigma=0.010, miss_rate=0.01),
    BotProfile(mean_offset=0.005, sigma=0.014, miss_rate=0.02),
)


class BotPlayer:
    """Hands out a bot's hits as the song clock reaches them (the live AI partner)."""

    def __init__(self, track: NoteTrack, player: int, profile: BotProfile = BotProfile(), seed: int = 0):
        self.hits = profile.hits(track, player, seed)
        self._times = [h.t for h in self.hits]
        self._next = 0

    def due(self, t: float) -> list[Hit]:
        """Hits with time <= `t` not handed out yet, in time order."""
        end = bisect.bisect_right(self._times, t, lo=self._next)
        out = self.hits[self._next:end]
        self._next = end
        return out

    def seek(self, t: float) -> None:
        """Skip to song time `t` (practice loops, restarts): the next `due` starts there."""
        self._next = bisect.bisect_left(self._times, t)

    @property
    def done(self) -> bool:
        return self._next >= len(self.hits)
