"""What the keyboard really registers together (the key test screen's logic).

Cheap keyboards scan keys in a matrix and drop ("ghost") some combinations of three or
more held keys, sometimes even two. In a duet that means one player's kick can silently
swallow the other's snare. A dropped key sends no event at all, so the only evidence is
what *was* seen together: this tracker records the keys held right now, the largest set
held at once, and every pair of keys that was held at the same moment. The screen asks the
players to hold keys together and shows the pairs never seen together ("this keyboard
drops P1 kick + P2 snare") — only pairs that were tried can be told apart from untested
ones, so `untested_pairs` is a to-do list, not a verdict.

Pure logic on key names (pygame key names, as in the settings); no pygame here except
turning a key code into its name.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from duet_drums.inputs.keymap import Binding, KeyMap, key_name

Pair = frozenset[str]


@dataclass(frozen=True, slots=True)
class PairReport:
    a: str
    b: str
    binding_a: Binding | None
    binding_b: Binding | None
    together: bool

    def describe(self) -> str:
        """E.g. 'P1 kick (c) + P2 snare (j)'."""
        return f"{_label(self.a, self.binding_a)} + {_label(self.b, self.binding_b)}"


def _label(key: str, binding: Binding | None) -> str:
    if binding is None:
        return key
    return f"P{binding.player + 1} {binding.piece.value} ({key})"


class RolloverTracker:
    """Feed it key downs/ups; ask what was held together.

    `bindings` (key name -> Binding, or a KeyMap) says which keys matter for the pair
    reports; without it every key seen counts and the reports have no player labels.
    """

    def __init__(self, bindings: Mapping[str, Binding] | KeyMap | None = None):
        if isinstance(bindings, KeyMap):
            bindings = bindings.bindings_by_name()
        self.bindings: dict[str, Binding] = dict(bindings or {})
        self.reset()

    def reset(self) -> None:
        self._held: set[str] = set()
        self._best: frozenset[str] = frozenset()
        self._pairs: set[Pair] = set()
        self._seen: set[str] = set()

    @staticmethod
    def _name(key: str | int) -> str:
        return key_name(key) if isinstance(key, int) else key

    # -- feeding -------------------------------------------------------------------------
    def key_down(self, key: str | int) -> None:
        name = self._name(key)
        if self.bindings and name not in self.bindings:
            return
        for other in self._held:
            if other != name:
                self._pairs.add(frozenset((name, other)))
        self._held.add(name)
        self._seen.add(name)
        if len(self._held) > len(self._best):
            self._best = frozenset(self._held)

    def key_up(self, key: str | int) -> None:
        self._held.discard(self._name(key))

    def release_all(self) -> None:
        """The window lost focus: the keyboard will not tell us about releases."""
        self._held.clear()

    # -- reading -------------------------------------------------------------------------
    @property
    def held(self) -> frozenset[str]:
        return frozenset(self._held)

    @property
    def best(self) -> frozenset[str]:
        """The largest set of keys seen held at one moment (first one found)."""
        return self._best

    @property
    def max_simultaneous(self) -> int:
        return len(self._best)

    def together(self, a: str | int, b: str | int) -> bool:
        """Were these two keys ever held at the same moment?"""
        return frozenset((self._name(a), self._name(b))) in self._pairs

    def pair_reports(self, keys: Iterable[str] | None = None, cross_player_only: bool = True
                     ) -> list[PairReport]:
        """Every pair of `keys` (default: all bound keys) with whether it was seen together.

        `cross_player_only` keeps pairs of one P1 key and one P2 key — the pairs a duet
        needs; pass False to include a player's own chords (kick + snare).
        """
        names = list(keys) if keys is not None else list(self.bindings)
        reports = []
        for a, b in itertools.combinations(names, 2):
            ba, bb = self.bindings.get(a), self.bindings.get(b)
            if cross_player_only and (ba is None or bb is None or ba.player == bb.player):
                continue
            if ba is not None and bb is not None and ba.player > bb.player:
                a, b, ba, bb = b, a, bb, ba
            reports.append(PairReport(a, b, ba, bb, frozenset((a, b)) in self._pairs))
        return reports

    def untested_pairs(self, keys: Iterable[str] | None = None, cross_player_only: bool = True
                       ) -> list[PairReport]:
        """Pairs not yet seen together: either untried, or dropped by the keyboard."""
        return [r for r in self.pair_reports(keys, cross_player_only) if not r.together]

    def dropped_pairs(self, keys: Iterable[str] | None = None, cross_player_only: bool = True
                      ) -> list[PairReport]:
        """Pairs never seen together although both keys were pressed at some point.

        Still only a hint — the players may never have tried them at once — so the screen
        should ask for the pair explicitly before blaming the keyboard.
        """
        return [r for r in self.untested_pairs(keys, cross_player_only)
                if r.a in self._seen and r.b in self._seen]
