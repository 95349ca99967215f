"""The bot partner of "swap the lead": it follows the human, then leads, by phase.

A pair in which one player always follows never learns whether the other can hold the
time. This bot makes each role audible in turn:

- **follow**: after every unison it moves its own timing toward the human's by a
  phase-correction gain (first-order linear phase correction, as ensemble studies model
  it): the bot's next strokes shift by `gain` × the last asynchrony. The human leads,
  and hears the partner come along;
- **lead**: it ignores the human and keeps to the click (its own error decays by
  `click_gain` per unison), so the human must listen and follow.

It plays like the autoplay bot otherwise (seeded Gaussian motor jitter per note), and
it is fed the session's own events (`observe`), so it reacts to exactly what the engine
judged. Its hits are ordinary `Hit`s in the session's input log, so a replay re-scores
the run without the bot.

A correction is never allowed to place a stroke before the last time the bot was asked
(`due`): what is already past cannot be played earlier, and each player's hits must stay
in time order for the session.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

import numpy as np

from duet_drums.core.autoplay import NORMAL_VELOCITY
from duet_drums.core.drills import LeadPhase, Role, role_at
from duet_drums.core.events import Event, UnisonJudged
from duet_drums.core.hits import Hit
from duet_drums.core.notes import NoteTrack

FOLLOW_GAIN = 0.5        # a clear follower: half of each asynchrony corrected
CLICK_GAIN = 0.5         # a leader settles back on the click within a few unisons
MAX_PHASE_S = 0.060      # never wander further than this from the chart


class SwapLeadBot:
    def __init__(self, track: NoteTrack, player: int, phases: tuple[LeadPhase, ...], *,
                 gain: float = FOLLOW_GAIN, click_gain: float = CLICK_GAIN, sigma: float = 0.006,
                 seed: int = 0, velocity_from_chart: bool = True):
        if player not in (0, 1):
            raise ValueError(f"the bot plays P1 (0) or P2 (1), got {player}")
        if not 0.0 <= gain <= 1.0 or not 0.0 <= click_gain <= 1.0:
            raise ValueError(f"correction gains must be within 0..1, got {gain} and {click_gain}")
        self.player = player
        self.phases = phases
        self.gain = gain
        self.click_gain = click_gain
        self._times = track.times.tolist()
        self._pieces = list(track.pieces)
        self._velocities = [int(v) or NORMAL_VELOCITY for v in track.velocities.tolist()]
        self._velocity_from_chart = velocity_from_chart
        rng = np.random.default_rng(seed)
        self._jitter = (rng.normal(0.0, sigma, len(self._times)) if sigma > 0
                        else np.zeros(len(self._times))).tolist()
        self._next = 0
        self._asked = -np.inf
        self._played: dict[int, float] = {}  # note index -> the error it was played with
        self.phase_s = 0.0   # the bot's current timing against the chart (s, + = late)
        # (unison time, role, the human's error there, the bot's error there): what the
        # bot heard and did, for the screen and for tests.
        self.log: list[tuple[float, Role, float, float]] = []

    def role_at(self, t: float) -> Role:
        return role_at(self.phases, t)

    def observe(self, events: Iterable[Event]) -> None:
        """Correct the timing after each unison both players hit."""
        for ev in events:
            if isinstance(ev, UnisonJudged) and ev.asynchrony is not None:
                self._unison(ev)

    def _unison(self, ev: UnisonJudged) -> None:
        # asynchrony is P1 minus P2: from the bot's side, bot minus human.
        a = ev.asynchrony
        assert a is not None
        bot_minus_human = a if self.player == 0 else -a
        bot_error = self._error_at(ev.t)
        role = self.role_at(ev.t)
        self.log.append((ev.t, role, bot_error - bot_minus_human, bot_error))
        if role == "follow":
            self.phase_s -= self.gain * bot_minus_human
        else:
            self.phase_s -= self.click_gain * self.phase_s
        self.phase_s = max(-MAX_PHASE_S, min(MAX_PHASE_S, self.phase_s))

    def _error_at(self, t: float) -> float:
        """The bot's mean error over its strokes at chart time `t` (as the sync score
        takes a chord's mean)."""
        lo = bisect.bisect_left(self._times, t - 1e-9)
        hi = bisect.bisect_right(self._times, t + 1e-9)
        errors = [self._played[i] for i in range(lo, hi) if i in self._played]
        return sum(errors) / len(errors) if errors else self.phase_s

    def due(self, t: float) -> list[Hit]:
        """Strokes whose time (chart time + current phase + jitter) is <= `t`."""
        out: list[Hit] = []
        floor = self._asked
        while self._next < len(self._times):
            i = self._next
            at = max(self._times[i] + self.phase_s + self._jitter[i], floor)
            if at > t:
                break
            velocity = self._velocities[i] if self._velocity_from_chart else None
            out.append(Hit(self.player, self._pieces[i], at, velocity, "bot"))
            self._played[i] = at - self._times[i]
            floor = at
            self._next += 1
        self._asked = max(self._asked, t)
        return out

    def seek(self, t: float) -> None:
        """Skip to song time `t` (a new pass of a practice loop), back on the click."""
        self._next = bisect.bisect_left(self._times, t)
        self._asked = -np.inf
        self.phase_s = 0.0

    @property
    def done(self) -> bool:
        return self._next >= len(self._times)
