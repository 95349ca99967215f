"""Per-player points, combo and running statistics.

Points reward timing (by default Perfect 100, Great 70, Good 40) times a multiplier that
grows with the combo, so a long clean run is worth more than scattered good hits. Every
number comes from the session's `Rules`, so a replay re-scores under its own. The
multiplier applied to a note is the one showing on the HUD when it was hit (the combo
*before* that note), so the player is never surprised by the number they were shown.
Dynamics earn a flat bonus, not multiplied: it rewards touch, not streaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from duet_drums.core.rules import DEFAULT_RULES, JUDGEMENT_ORDER, Judgement, Rules


@dataclass
class PlayerStats:
    """Live numbers for one player's HUD. Timing error statistics cover hits judged
    Perfect/Great/Good (a Miss-by-hit is too far off to say much about a player's
    timing); early/late count every hit that was not Perfect, misses included."""

    notes: int = 0
    rules: Rules = DEFAULT_RULES
    score: int = 0
    combo: int = 0
    max_combo: int = 0
    multiplier: int = 1
    counts: dict[Judgement, int] = field(default_factory=lambda: dict.fromkeys(JUDGEMENT_ORDER, 0))
    overhits: int = 0
    early: int = 0
    late: int = 0
    dynamics_bonus_points: int = 0
    duet_bonus_points: int = 0
    # Longest run of consecutive equal judgements (an overhit ends any run).
    longest_streak: dict[Judgement, int] = field(
        default_factory=lambda: dict.fromkeys(JUDGEMENT_ORDER, 0))
    _streak_kind: Judgement | None = None
    _streak_len: int = 0
    _err_n: int = 0
    _err_sum: float = 0.0
    _err_sq: float = 0.0

    @property
    def judged(self) -> int:
        return sum(self.counts.values())

    @property
    def accuracy(self) -> float:
        return self.rules.accuracy_percent(self.counts)

    @property
    def mean_error_ms(self) -> float | None:
        return None if self._err_n == 0 else 1000.0 * self._err_sum / self._err_n

    @property
    def std_error_ms(self) -> float | None:
        if self._err_n == 0:
            return None
        mean = self._err_sum / self._err_n
        return 1000.0 * math.sqrt(max(0.0, self._err_sq / self._err_n - mean * mean))

    @property
    def longest_perfect_streak(self) -> int:
        return self.longest_streak[Judgement.PERFECT]

    def record_note(self, judgement: Judgement, error: float | None,
                    note_velocity: int | None, hit_velocity: int | None) -> tuple[int, int | None]:
        """Apply one judged note; returns (points earned, combo broken or None)."""
        self.counts[judgement] += 1
        self._streak(judgement)
        if error is not None and judgement is not Judgement.PERFECT:
            if error < 0:
                self.early += 1
            else:
                self.late += 1
        if judgement is Judgement.MISS:
            return 0, self._break()
        assert error is not None
        self._err_n += 1
        self._err_sum += error
        self._err_sq += error * error
        rules = self.rules
        bonus = rules.dynamics_bonus_for(note_velocity, hit_velocity)
        points = rules.points_for(judgement) * self.multiplier + bonus
        self.dynamics_bonus_points += bonus
        self.score += points
        self.combo += 1
        self.max_combo = max(self.max_combo, self.combo)
        self.multiplier = rules.multiplier_for(self.combo)
        return points, None

    def record_overhit(self) -> int | None:
        self.overhits += 1
        self._streak_kind = None
        self._streak_len = 0
        return self._break()

    def add_duet_bonus(self, points: int) -> None:
        self.duet_bonus_points += points
        self.score += points

    def _break(self) -> int | None:
        broken = self.combo
        self.combo = 0
        self.multiplier = 1
        return broken if broken > 0 else None

    def _streak(self, judgement: Judgement) -> None:
        if judgement is self._streak_kind:
            self._streak_len += 1
        else:
            self._streak_kind = judgement
            self._streak_len = 1
        if self._streak_len > self.longest_streak[judgement]:
            self.longest_streak[judgement] = self._streak_len
