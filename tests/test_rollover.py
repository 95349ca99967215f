"""RolloverTracker: what the keyboard registered together."""

from __future__ import annotations

import pygame

from duet_drums.core.kit import Piece
from duet_drums.inputs.keymap import KeyMap
from duet_drums.inputs.rollover import RolloverTracker
from duet_drums.settings import Settings


def tracker() -> RolloverTracker:
    return RolloverTracker(KeyMap.from_settings(Settings()))


def test_held_and_largest_set() -> None:
    t = tracker()
    t.key_down("c")
    t.key_down("a")
    t.key_down("j")
    assert t.held == {"c", "a", "j"}
    t.key_up("a")
    t.key_down("k")
    assert t.held == {"c", "j", "k"} and t.max_simultaneous == 3
    assert t.best == {"c", "a", "j"}  # the first largest set is kept
    t.key_down("l")
    assert t.best == {"c", "j", "k", "l"} and t.max_simultaneous == 4
    t.reset()
    assert t.held == set() and t.max_simultaneous == 0


def test_pairs_seen_together() -> None:
    t = tracker()
    t.key_down("c")
    t.key_down(pygame.K_j)  # key codes work too
    t.key_up("c")
    t.key_down("a")
    assert t.together("c", "j") and t.together("j", "a") and t.together(pygame.K_a, "j")
    assert not t.together("c", "a")  # never held at the same time


def test_cross_player_reports_name_players_and_pieces() -> None:
    t = tracker()
    t.key_down("c")  # P1 kick
    t.key_down("k")  # P2 hihat
    t.key_up("k")
    t.key_up("c")
    t.key_down("j")  # P2 snare pressed, but the keyboard never showed it with P1 kick
    t.key_up("j")
    reports = t.pair_reports(["c", "a", "j", "k"])
    assert {(r.a, r.b) for r in reports} == {("c", "j"), ("c", "k"), ("a", "j"), ("a", "k")}
    assert all(r.binding_a is not None and r.binding_a.player == 0 for r in reports)
    assert [r.describe() for r in reports if r.together] == ["P1 kick (c) + P2 hihat (k)"]
    dropped = t.dropped_pairs(["c", "a", "j", "k"])
    assert [d.describe() for d in dropped] == ["P1 kick (c) + P2 snare (j)"]
    untested = {r.describe() for r in t.untested_pairs(["c", "a", "j", "k"])}
    assert "P1 snare (a) + P2 hihat (k)" in untested


def test_same_player_pairs_on_request_and_every_pair_by_default() -> None:
    t = tracker()
    t.key_down("c")
    t.key_down("a")
    own = t.pair_reports(["c", "a", "j"], cross_player_only=False)
    assert [(r.a, r.b, r.together) for r in own] == [("c", "a", True), ("c", "j", False),
                                                      ("a", "j", False)]
    everything = t.pair_reports()
    assert len(everything) == 11 * 11  # every P1 key with every P2 key
    assert all(r.binding_a and r.binding_b and r.binding_a.piece in Piece for r in everything)


def test_unbound_keys_ignored_with_bindings_and_counted_without() -> None:
    t = tracker()
    t.key_down("space")
    assert t.held == set()
    bare = RolloverTracker()
    bare.key_down("space")
    bare.key_down("x")
    assert bare.held == {"space", "x"} and bare.together("space", "x")
    bare.release_all()
    assert bare.held == set() and bare.max_simultaneous == 2
