"""Validating a pydantic model from data someone edited by hand, keeping what is good.

Refusing a whole settings file because one value is out of range throws away names, key
bindings and calibration for a typo. `keep_good` instead puts each bad value's default
back (or drops the value when it has no default: an unknown key, an entry of a free-form
table) and validates again, and says what it did for each one, with the key path.
"""

from __future__ import annotations

import copy
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from duet_drums.core.jsonfile import format_path

M = TypeVar("M", bound=BaseModel)
_ROUNDS = 8


def _problem_text(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    msg = str(err["msg"])
    msg = msg[:1].lower() + msg[1:]
    return msg if isinstance(err.get("input"), (dict, list)) else f"{msg} (was {err.get('input')!r:.40})"


def _reach(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The part of `loc` that exists in `data`: pydantic's locations can go deeper than
    the file does (union member names, a key that is missing)."""
    node: Any = data
    reached: list[int | str] = []
    for part in loc:
        in_dict = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            break
        node = node[part]
        reached.append(part)
    return tuple(reached)


def _walk(data: Any, path: tuple[int | str, ...]) -> Any:
    node = data
    for part in path:
        node = node[part]
    return node


def _reset(data: dict[str, Any], path: tuple[int | str, ...], defaults: dict[str, Any]) -> str:
    """Put the default at `path` back (each list entry gets its own entry's default), or
    remove the value when there is no default there (an unknown key, an entry of a
    free-form table); says which it did."""
    parent = _walk(data, path[:-1])
    if len(_reach(defaults, path)) == len(path):
        parent[path[-1]] = copy.deepcopy(_walk(defaults, path))
        return "reset to the default"
    del parent[path[-1]]
    return "removed"


def keep_good(model: type[M], data: dict[str, Any], defaults: dict[str, Any]) -> tuple[M, list[str]]:
    """`model` validated from `data`, and one line per bad value ("audio.master_volume:
    input should be less than or equal to 1 (was 1.01), reset to the default").
    `defaults` is the default model dumped to plain data. Changes a copy of `data`; after
    `_ROUNDS` rounds of repairs (or a problem with the data as a whole) the defaults are
    returned, with a line saying so."""
    data = copy.deepcopy(data)
    problems: list[str] = []
    for _ in range(_ROUNDS):
        try:
            return model.model_validate(data), problems
        except ValidationError as exc:
            errors = exc.errors()
        bad: dict[tuple[int | str, ...], Any] = {}
        for err in errors:
            bad.setdefault(_reach(data, tuple(p for p in err["loc"] if p != "[key]")), err)
        if () in bad:
            break
        # Deepest first (list indices stay valid), and a value inside one being reset is
        # covered by that reset.
        done = {path: "" for path in bad}
        for path in sorted(bad, reverse=True):
            if not any(path[:k] in bad for k in range(1, len(path))):
                done[path] = _reset(data, path, defaults)
        problems += [f"{format_path(path)}: {_problem_text(bad[path])}" + (f", {what}" if what else "")
                     for path, what in done.items()]
    return model.model_validate(defaults), [*problems, "too many problems: every value reset to its default"]
