"""Decoding JSON someone else wrote, so that every failure is a message with its place.

Python's `json` trusts its input in ways a broken or hostile file exploits:

- it recurses once per nesting level, so 100,000 `[` raise RecursionError (and a value
  nested a few hundred levels deep can still break whatever walks it later: pydantic,
  `json.dumps`, `copy.deepcopy`);
- a 5,000-digit number raises ValueError (Python's int-to-text limit), `1e999` silently
  becomes infinity, and `NaN` / `Infinity` are accepted although they are not JSON.

`decode_json` turns each of these into a `JsonProblem` naming the place (line and column,
or the JSON path such as ``parts.lead.easy[3].tick``). Chart and replay files nest a few
levels, so `MAX_DEPTH` is far above any real file and far below the interpreter's limit.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 64
# Longer integers are not ticks, velocities or counts; refusing them early also keeps
# Python's int parser (quadratic in the digits) out of reach.
MAX_INT_DIGITS = 30
# The place of a problem with the document itself (a file that is one huge number).
TOP_LEVEL = "(top level)"


class JsonProblem(Exception):
    """`place` is a JSON path or "line L column C" ('' for the whole file)."""

    def __init__(self, place: str, reason: str):
        self.place = place
        self.reason = reason
        super().__init__(f"{place}: {reason}" if place else reason)


class _BadNumber(str):
    """Stands in for a number JSON should not hold, so the walk can name its path."""


def _parse_int(text: str) -> int | _BadNumber:
    digits = text.lstrip("-")
    if len(digits) > MAX_INT_DIGITS:
        return _BadNumber(f"a {len(digits)}-digit number is out of range")
    return int(text)


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    if not math.isfinite(value):
        return _BadNumber(f"number {text[:40]} is out of range")
    return value


def _parse_constant(text: str) -> _BadNumber:
    return _BadNumber(f"{text} is not a number JSON allows")


def format_path(path: tuple[int | str, ...]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _where_too_deep(text: str, max_depth: int) -> str:
    """Line and column of the bracket that opens level `max_depth + 1`; only called after
    the decoder gave up, so the cost of scanning is paid by broken files alone."""
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                return f"line {line} column {column}"
        elif token in "]}":
            depth -= 1
    return ""


def _check_tree(data: Any, max_depth: int) -> None:
    stack: list[tuple[Any, tuple[int | str, ...]]] = [(data, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _BadNumber):
            raise JsonProblem(format_path(path) or TOP_LEVEL, str(node))
        if isinstance(node, (dict, list)):
            if len(path) >= max_depth:
                raise JsonProblem(format_path(path) or TOP_LEVEL, f"nested more than {max_depth} levels deep")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((value, (*path, key)) for key, value in items)


def decode_json(raw: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """Decode UTF-8 JSON text; raises JsonProblem (never another exception)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise JsonProblem("", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(text, parse_int=_parse_int, parse_float=_parse_float,
                          parse_constant=_parse_constant)
    except json.JSONDecodeError as exc:
        raise JsonProblem("", f"line {exc.lineno} column {exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise JsonProblem(_where_too_deep(text, max_depth),
                          f"nested more than {max_depth} levels deep") from None
    _check_tree(data, max_depth)
    return data
