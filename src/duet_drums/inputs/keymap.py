"""Which keyboard key plays which piece for which player.

Settings store bindings per player as pygame key *names* (readable in the TOML file and
stable across keyboard layouts' key codes); the poller needs key *codes* to look events
up quickly. `KeyMap` holds both and is the one place that decides what a key means.

Rules a settings file can break, and what happens:

- an unknown key name: the binding is ignored and reported;
- one key bound twice (for both players, or two names of one key for one player): the
  first binding wins (player 1 before player 2, file order within a player) and the
  conflict is reported naming both players, pieces and the key.

`from_settings` is lenient (the game must start even with a hand-edited file; the UI
shows `problems`); `from_settings(..., strict=True)` and `validate` are for the settings
screen and tests.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pygame

from duet_drums.core.kit import Piece
from duet_drums.settings import PlayerSettings, Settings

PLAYERS = (0, 1)
# Keys the menus need whatever the bindings: Escape pauses and backs out of every screen.
RESERVED_KEYS = frozenset({"escape"})


class KeyMapError(ValueError):
    """Bindings that cannot all hold at once; `problems` lists each one for the UI."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Binding:
    player: int  # 0 = player 1 (left half), 1 = player 2 (right half)
    piece: Piece


@dataclass(frozen=True, slots=True)
class Rebind:
    """What `KeyMap.rebind` changed, so the settings screen can say so.

    `displaced` is the binding that had the key before (None if the key was free);
    `displaced_key` is the key name it got instead (the rebound piece's old key, i.e. the
    two swapped), or None when it was left unbound.
    """

    key: str
    binding: Binding
    displaced: Binding | None
    displaced_key: str | None


def player_label(player: int) -> str:
    return f"Player {player + 1}"


def key_code(name: str) -> int | None:
    """pygame key code for a pygame key name, or None if pygame does not know the name.

    pygame-ce warns when called before `pygame.init()`; SDL's name table does not need
    initialisation (names are a static table, single characters are their code point), so
    settings can be checked before a window exists.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return int(pygame.key.key_code(name))
        except ValueError:
            return None


def key_name(code: int) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return str(pygame.key.name(code))


def _players_keys(source: Settings | Sequence[PlayerSettings] | Sequence[Mapping[str, Piece]]
                  ) -> list[Mapping[str, Piece]]:
    players = source.players if isinstance(source, Settings) else source
    keys = [p.keys if isinstance(p, PlayerSettings) else p for p in players]
    if len(keys) != len(PLAYERS):
        raise ValueError(f"expected key bindings for {len(PLAYERS)} players, got {len(keys)}")
    return keys


class KeyMap:
    """Key code -> (player, piece), built from the two players' `keys` settings."""

    def __init__(self) -> None:
        # Insertion order is kept: it is the order the settings screen lists bindings in.
        self._by_code: dict[int, Binding] = {}
        self._names: dict[int, str] = {}
        # What was wrong with the settings this map was built from (see the module doc).
        self.problems: list[str] = []

    # -- building ------------------------------------------------------------------------
    @classmethod
    def from_settings(cls, source: Settings | Sequence[PlayerSettings] | Sequence[Mapping[str, Piece]],
                      strict: bool = False) -> KeyMap:
        """Build from `Settings`, its two `PlayerSettings`, or two {key name: piece} dicts.

        Lenient by default (bad bindings dropped and listed in `problems`); with
        `strict=True` any problem raises `KeyMapError`.
        """
        keymap = cls()
        for player, keys in enumerate(_players_keys(source)):
            for name, piece in keys.items():
                keymap._add(player, Piece(piece), name)
        if strict and keymap.problems:
            raise KeyMapError(keymap.problems)
        return keymap

    @classmethod
    def validate(cls, source: Settings | Sequence[PlayerSettings] | Sequence[Mapping[str, Piece]]
                 ) -> list[str]:
        """Every problem with these bindings, one readable sentence each (empty = fine)."""
        return cls.from_settings(source).problems

    def _add(self, player: int, piece: Piece, name: str) -> None:
        code = key_code(name)
        who = f"{player_label(player)} {piece.value}"
        if code is None:
            self.problems.append(f"{who}: unknown key name {name!r}")
            return
        other = self._by_code.get(code)
        if other is not None:
            self.problems.append(
                f"key {self._names[code]!r} is bound twice: {player_label(other.player)} "
                f"{other.piece.value} and {who}; keeping {player_label(other.player)} "
                f"{other.piece.value}")
            return
        self._by_code[code] = Binding(player, piece)
        self._names[code] = name

    # -- queries -------------------------------------------------------------------------
    def lookup(self, code: int) -> Binding | None:
        """The binding of a key code, or None: the hot path of the poller."""
        return self._by_code.get(code)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __len__(self) -> int:
        return len(self._by_code)

    def items(self) -> list[tuple[int, Binding]]:
        return list(self._by_code.items())

    def name_of(self, code: int) -> str:
        """The key's name as the settings spell it."""
        return self._names.get(code) or key_name(code)

    def keys_for(self, player: int, piece: Piece) -> list[str]:
        """Names of the keys that play `piece` for `player` (usually one)."""
        return [self._names[c] for c, b in self._by_code.items() if b == Binding(player, piece)]

    def bindings_by_name(self) -> dict[str, Binding]:
        return {self._names[c]: b for c, b in self._by_code.items()}

    def to_settings(self) -> tuple[dict[str, Piece], dict[str, Piece]]:
        """Per player {key name: piece}: what goes back into `PlayerSettings.keys`."""
        out: tuple[dict[str, Piece], dict[str, Piece]] = ({}, {})
        for code, b in self._by_code.items():
            out[b.player][self._names[code]] = b.piece
        return out

    # -- editing -------------------------------------------------------------------------
    def rebind(self, player: int, piece: Piece, key: str | int) -> Rebind:
        """Make `key` (a name, or a code from a KEYDOWN event) the one key for (player, piece).

        Semantics, chosen so a settings screen never ends in a conflict:

        - every key (player, piece) had before is unbound, then `key` is bound to it;
        - if `key` played something else (either player), that binding *swaps*: it gets
          the rebound piece's previous key (its first one, if it had several), or is left
          unbound when there was none (`Rebind.displaced_key` is None: the UI should say
          so);
        - rebinding a key to the binding it already has changes nothing.

        Raises ValueError for unknown key names and for reserved keys (Escape), and
        clears nothing in that case.
        """
        if player not in PLAYERS:
            raise ValueError(f"no player {player}; players are 0 and 1")
        piece = Piece(piece)
        if isinstance(key, int):
            code, name = key, key_name(key)
            if not name:
                raise ValueError(f"key code {key} has no name")
        else:
            found, name = key_code(key), key
            if found is None:
                raise ValueError(f"{player_label(player)} {piece.value}: unknown key name {key!r}")
            code = found
        if name in RESERVED_KEYS or key_name(code) in RESERVED_KEYS:
            raise ValueError(f"{name!r} is reserved for the menus and cannot play a drum")
        binding = Binding(player, piece)
        displaced = self._by_code.get(code)
        if displaced == binding:
            return Rebind(self._names[code], binding, None, None)
        old_codes = [c for c, b in self._by_code.items() if b == binding]
        for c in old_codes:
            del self._by_code[c]
        old_names = [self._names.pop(c) for c in old_codes]
        displaced_key: str | None = None
        if displaced is not None:
            del self._by_code[code]
            self._names.pop(code)
            if old_codes:
                self._by_code[old_codes[0]] = displaced
                self._names[old_codes[0]] = displaced_key = old_names[0]
        self._by_code[code] = binding
        self._names[code] = name
        return Rebind(name, binding, displaced, displaced_key)

    def unbind(self, player: int, piece: Piece) -> list[str]:
        """Remove every key of (player, piece); returns the names removed."""
        binding = Binding(player, Piece(piece))
        codes = [c for c, b in self._by_code.items() if b == binding]
        for c in codes:
            del self._by_code[c]
        return [self._names.pop(c) for c in codes]
