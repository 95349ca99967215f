"""KeyMap: settings names -> key codes, conflicts named, rebinding without conflicts."""

from __future__ import annotations

import pygame
import pytest

from duet_drums.core.kit import FIVE_LANE, Piece
from duet_drums.inputs.keymap import Binding, KeyMap, KeyMapError
from duet_drums.settings import DEFAULT_KEYS, Settings

# Physical QWERTY rows, to check where the default keys sit on a real keyboard.
ROWS = ("qwertyuiop", "asdfghjkl;", "zxcvbnm,./")


def column(key: str) -> int:
    for row in ROWS:
        if key in row:
            return row.index(key)
    raise AssertionError(f"{key!r} is not on the letter rows")


def test_default_keys_build_cleanly_for_both_players() -> None:
    keymap = KeyMap.from_settings(Settings(), strict=True)
    assert keymap.problems == []
    assert len(keymap) == len(DEFAULT_KEYS[0]) + len(DEFAULT_KEYS[1])
    assert keymap.lookup(pygame.K_c) == Binding(0, Piece.KICK)
    assert keymap.lookup(pygame.K_a) == Binding(0, Piece.SNARE)
    assert keymap.lookup(pygame.K_m) == Binding(1, Piece.KICK)
    assert keymap.lookup(pygame.K_SEMICOLON) == Binding(1, Piece.CRASH)
    assert keymap.lookup(pygame.K_SLASH) == Binding(1, Piece.HIHAT_PEDAL)
    assert keymap.lookup(pygame.K_b) is None


def test_default_keys_put_players_on_their_half_and_pads_left_to_right() -> None:
    keymap = KeyMap.from_settings(Settings(), strict=True)
    for player, keys in enumerate(keymap.to_settings()):
        for key in keys:
            assert (column(key) >= 5) == (player == 1), f"{key} is on the wrong half for P{player + 1}"
        # The four pad lanes of the 5-lane highway, in screen order, are played by keys
        # that run left to right on the keyboard.
        pad_keys = [keymap.keys_for(player, lane.primary) for lane in FIVE_LANE.pad_lanes]
        assert all(len(k) == 1 for k in pad_keys)
        columns = [column(k[0]) for k in pad_keys]
        assert columns == sorted(columns) and len(set(columns)) == 4
        assert len(keymap.keys_for(player, FIVE_LANE.lanes[0].primary)) == 1  # a kick key


def test_key_bound_for_both_players_is_named_in_the_problem() -> None:
    p2 = dict(DEFAULT_KEYS[1])
    p2["a"] = Piece.TOM1
    problems = KeyMap.validate([DEFAULT_KEYS[0], p2])
    assert len(problems) == 1
    assert "'a'" in problems[0] and "Player 1 snare" in problems[0] and "Player 2 tom1" in problems[0]
    with pytest.raises(KeyMapError) as err:
        KeyMap.from_settings([DEFAULT_KEYS[0], p2], strict=True)
    assert err.value.problems == problems
    lenient = KeyMap.from_settings([DEFAULT_KEYS[0], p2])
    assert lenient.lookup(pygame.K_a) == Binding(0, Piece.SNARE)  # first binding kept


def test_two_names_of_one_key_for_one_player_conflict() -> None:
    problems = KeyMap.validate([{"a": Piece.SNARE, "A": Piece.KICK}, {}])
    assert len(problems) == 1 and "Player 1 kick" in problems[0] and "bound twice" in problems[0]


def test_unknown_key_name_names_player_and_key() -> None:
    problems = KeyMap.validate([{}, {"notakey": Piece.SNARE, "j": Piece.HIHAT}])
    assert problems == ["Player 2 snare: unknown key name 'notakey'"]


def test_rebind_to_a_free_key_frees_the_old_one() -> None:
    keymap = KeyMap.from_settings(Settings())
    change = keymap.rebind(0, Piece.SNARE, "g")
    assert change.displaced is None and change.displaced_key is None
    assert keymap.lookup(pygame.K_g) == Binding(0, Piece.SNARE)
    assert keymap.lookup(pygame.K_a) is None
    assert keymap.keys_for(0, Piece.SNARE) == ["g"]


def test_rebind_to_a_used_key_swaps_within_a_player() -> None:
    keymap = KeyMap.from_settings(Settings())
    change = keymap.rebind(0, Piece.SNARE, "s")  # s played P1 hihat
    assert change.displaced == Binding(0, Piece.HIHAT) and change.displaced_key == "a"
    assert keymap.keys_for(0, Piece.SNARE) == ["s"]
    assert keymap.keys_for(0, Piece.HIHAT) == ["a"]
    assert KeyMap.validate(keymap.to_settings()) == []


def test_rebind_to_the_other_players_key_swaps_across_players() -> None:
    keymap = KeyMap.from_settings(Settings())
    change = keymap.rebind(0, Piece.KICK, pygame.K_m)  # a key code, as from a KEYDOWN
    assert change.key == "m" and change.displaced == Binding(1, Piece.KICK)
    assert keymap.keys_for(1, Piece.KICK) == ["c"]
    assert keymap.keys_for(0, Piece.KICK) == ["m"]


def test_rebind_of_an_unbound_piece_to_a_used_key_leaves_the_other_unbound() -> None:
    keymap = KeyMap.from_settings(Settings())
    assert keymap.unbind(1, Piece.CHINA) == []
    change = keymap.rebind(1, Piece.CHINA, "j")
    assert change.displaced == Binding(1, Piece.SNARE) and change.displaced_key is None
    assert keymap.keys_for(1, Piece.SNARE) == []


def test_rebind_same_key_is_a_no_op_and_bad_keys_are_refused() -> None:
    keymap = KeyMap.from_settings(Settings())
    before = keymap.to_settings()
    change = keymap.rebind(0, Piece.SNARE, "a")
    assert change.displaced is None and keymap.to_settings() == before
    with pytest.raises(ValueError, match="unknown key name 'nope'"):
        keymap.rebind(0, Piece.SNARE, "nope")
    with pytest.raises(ValueError, match="reserved"):
        keymap.rebind(0, Piece.SNARE, "Escape")
    assert keymap.to_settings() == before


def test_to_settings_round_trips_through_player_settings() -> None:
    settings = Settings()
    keymap = KeyMap.from_settings(settings)
    keymap.rebind(1, Piece.RIDE, "h")
    for player, keys in zip(settings.players, keymap.to_settings(), strict=True):
        player.keys = keys
    again = KeyMap.from_settings(settings, strict=True)
    assert again.to_settings() == keymap.to_settings()
    assert again.lookup(pygame.K_h) == Binding(1, Piece.RIDE)
