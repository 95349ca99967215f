"""Rebuilding a frozen chart with one piece replaced, and checking the result.

Charts are frozen pydantic models, so an edit copies what it changes and shares the rest
(an undo stack of whole charts then costs one new note list per edit, not one chart).
`model_copy` skips validation, so every rebuilt chart goes through the loader's own
semantic checks (`chart_problems`): an edit either yields a chart the game would load,
or raises `EditError` with a message the window can show as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from duet_drums.core.chart import DIFFICULTIES, Chart, Note, Part, chart_problems, sort_notes
from duet_drums.core.kit import PIECES, Piece

NoteKey = tuple[int, Piece]
"""A note's identity inside one part and difficulty: the chart allows one piece per tick."""


class EditError(ValueError):
    """An edit the chart cannot take; `str()` says why, in the author's words."""


def checked(chart: Chart) -> Chart:
    problems = chart_problems(chart)
    if problems:
        raise EditError("; ".join(f"{path}: {msg}" for path, msg in problems))
    return chart


def part_of(chart: Chart, part: str) -> Part:
    try:
        return chart.parts[part]
    except KeyError:
        raise EditError(f"the chart has no part {part!r}; parts: {', '.join(chart.parts)}") from None


def check_difficulty(difficulty: str) -> None:
    if difficulty not in DIFFICULTIES:
        raise EditError(f"unknown difficulty {difficulty!r}; difficulties: {', '.join(DIFFICULTIES)}")


def notes_of(chart: Chart, part: str, difficulty: str) -> list[Note]:
    check_difficulty(difficulty)
    return part_of(chart, part).notes(difficulty)


def with_part(chart: Chart, name: str, part: Part) -> Chart:
    """The chart with part `name` replaced (or added at the end)."""
    return checked(chart.model_copy(update={"parts": {**chart.parts, name: part}}))


def with_notes(chart: Chart, part: str, difficulty: str, notes: Iterable[Note]) -> Chart:
    """The chart with one difficulty's notes replaced; the notes are put in canonical order."""
    check_difficulty(difficulty)
    new = part_of(chart, part).model_copy(update={difficulty: sort_notes(list(notes))})
    return with_part(chart, part, new)


def with_fields(chart: Chart, **update: Any) -> Chart:
    """The chart with top-level fields (tempo, time_signatures, sections, metadata) replaced."""
    return checked(chart.model_copy(update=update))


def key_of(note: Note) -> NoteKey:
    return (note.tick, note.piece)


def by_key(notes: Iterable[Note]) -> dict[NoteKey, Note]:
    return {key_of(n): n for n in notes}


def new_note(tick: int, piece: Piece | str, velocity: int | None = None) -> Note:
    """A validated note; a bad tick, piece or velocity becomes an `EditError`."""
    try:
        piece = Piece(piece)
    except ValueError:
        raise EditError(f"unknown piece {piece!r} (known pieces: {', '.join(PIECES)})") from None
    return validated(Note, tick=tick, piece=piece, velocity=velocity)


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], **fields: Any) -> M:
    """`model(**fields)`, with pydantic's report turned into one readable `EditError`."""
    try:
        return model(**fields)
    except ValidationError as exc:
        raise EditError("; ".join(_explain(err) for err in exc.errors())) from None


def _explain(err: Any) -> str:
    if err["type"] == "value_error":
        msg = str(err["ctx"]["error"])
    else:
        msg = f"{err['msg'].lower().removeprefix('input ')} (got {err['input']!r})"
    where = ".".join(str(p) for p in err["loc"])
    return f"{where}: {msg}" if where else msg
