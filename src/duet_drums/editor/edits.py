"""Note edits: each one a pure function from a chart to a new chart.

Every function returns a chart the game would load, or raises `EditError` with a message
for the status line; nothing is changed in place, so the undo history is just the list
of charts (see `history`). Edits that act on several notes take a `Selection`; a single
note is a selection of one (`select_notes`).

Choices an author would otherwise trip over:
- The cymbal/tom toggle flips each selected gem on its own. (Moonscraper's tom flag
  belongs to the chord, so a chord with a red gem forces every gem to a tom; authors
  complain about it.) It stays in the gem's 5-lane lane: hi-hat <-> tom 1, ride <->
  tom 2, crash/china/splash <-> tom 3.
- Moving or pasting onto an existing note replaces it, as in Moonscraper; an edit that
  would have to drop one of the *selected* notes (two of them becoming the same note)
  is refused instead, since the author clearly meant to keep both.
- The clipboard keeps positions in beats, so a phrase pasted into another chart (another
  resolution or tempo) keeps its rhythm: it stretches to the beat, not to the second.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from duet_drums.core.chart import Chart, Note
from duet_drums.core.kit import CYMBALS, FIVE_LANE, KICKS, TOMS, Dynamic, Layout, Piece
from duet_drums.editor.rebuild import EditError, NoteKey, by_key, key_of, new_note, notes_of, with_notes
from duet_drums.editor.selection import Selection

# What a new accent or ghost gets: the values the bundled charts use, well inside the
# thresholds in `core.kit` so a small velocity nudge never flips the dynamic.
ACCENT_VELOCITY = 120
GHOST_VELOCITY = 30
# What a plain note (no velocity) counts as when its velocity is nudged.
NORMAL_VELOCITY = 100

_TOM_OF_LANE = {lane.name: next(p for p in lane.pieces if p in TOMS) for lane in FIVE_LANE.pad_lanes
                if any(p in TOMS for p in lane.pieces)}
_CYMBAL_OF_TOM = {Piece.TOM1: Piece.HIHAT, Piece.TOM2: Piece.RIDE, Piece.TOM3: Piece.CRASH}


def _describe(tick: int, piece: Piece) -> str:
    return f"{piece.value} at tick {tick}"


def add_note(chart: Chart, part: str, difficulty: str, tick: int, piece: Piece | str,
             velocity: int | None = None) -> Chart:
    note = new_note(tick, piece, velocity)
    notes = notes_of(chart, part, difficulty)
    if key_of(note) in by_key(notes):
        raise EditError(f"there is already a {_describe(note.tick, note.piece)} in {part} {difficulty}")
    return with_notes(chart, part, difficulty, [*notes, note])


def remove_note(chart: Chart, part: str, difficulty: str, tick: int, piece: Piece | str) -> Chart:
    notes = notes_of(chart, part, difficulty)
    key = (tick, Piece(piece))
    if key not in by_key(notes):
        raise EditError(f"there is no {_describe(*key)} in {part} {difficulty}")
    return with_notes(chart, part, difficulty, [n for n in notes if key_of(n) != key])


def toggle_note(chart: Chart, part: str, difficulty: str, tick: int, piece: Piece | str) -> Chart:
    """Place the note, or remove it when it is already there (a click on a gem)."""
    if (tick, Piece(piece)) in by_key(notes_of(chart, part, difficulty)):
        return remove_note(chart, part, difficulty, tick, piece)
    return add_note(chart, part, difficulty, tick, piece)


def toggle_lane(chart: Chart, part: str, difficulty: str, tick: int, layout: Layout, lane: int) -> Chart:
    """Moonscraper's keys mode: a lane's key removes whatever that lane holds at the
    cursor, or places the lane's main piece there."""
    if not 0 <= lane < len(layout.lanes):
        raise EditError(f"lane {lane} is not on the {layout.name} highway (0-{len(layout.lanes) - 1})")
    pieces = layout.lanes[lane].pieces
    notes = notes_of(chart, part, difficulty)
    here = [n for n in notes if n.tick == tick and n.piece in pieces]
    if here:
        return with_notes(chart, part, difficulty, [n for n in notes if n not in here])
    return add_note(chart, part, difficulty, tick, layout.lanes[lane].primary)


def _rewrite(chart: Chart, sel: Selection, change: dict[NoteKey, Note], what: str,
             overwrite: bool = False) -> Chart:
    """Replace selected notes by `change` (old key -> new note). Two selected notes may
    never become one; a changed note lands on an unchanged one only when `overwrite`."""
    notes = notes_of(chart, sel.part, sel.difficulty)
    targets: dict[NoteKey, NoteKey] = {}
    for old, note in change.items():
        new = key_of(note)
        if new in targets:
            raise EditError(f"{what} would put two selected notes on one {_describe(*new)}; "
                            f"change them one at a time")
        targets[new] = old
    if not overwrite:
        for n in notes:
            if key_of(n) in targets and key_of(n) not in change:
                raise EditError(f"{what}: there is already a {_describe(n.tick, n.piece)}")
    kept = [n for n in notes if key_of(n) not in change and key_of(n) not in targets]
    return with_notes(chart, sel.part, sel.difficulty, [*kept, *change.values()])


def _selected(chart: Chart, sel: Selection) -> list[Note]:
    notes = sel.present(chart)
    if not notes:
        raise EditError("nothing selected")
    return notes


def delete_notes(chart: Chart, sel: Selection) -> Chart:
    _selected(chart, sel)
    notes = notes_of(chart, sel.part, sel.difficulty)
    return with_notes(chart, sel.part, sel.difficulty, [n for n in notes if key_of(n) not in sel.keys])


def move_notes(chart: Chart, sel: Selection, ticks: int) -> Chart:
    """Shift the selection in time; the notes land on whatever they cover."""
    notes = _selected(chart, sel)
    first = min(n.tick for n in notes)
    if first + ticks < 0:
        raise EditError(f"cannot move the notes {-ticks} ticks earlier: the first one is at tick {first}")
    return _rewrite(chart, sel, {key_of(n): n.model_copy(update={"tick": n.tick + ticks}) for n in notes},
                    "moving", overwrite=True)


def set_piece(chart: Chart, sel: Selection, piece: Piece | str) -> Chart:
    """Every selected note becomes `piece` (a hi-hat groove moved to the ride)."""
    target = Piece(piece)
    return _rewrite(chart, sel, {key_of(n): n.model_copy(update={"piece": target})
                                 for n in _selected(chart, sel)}, f"making them {target.value}")


def flipped(piece: Piece) -> Piece:
    """What the cymbal/tom toggle makes of a piece (kicks and the snare stay)."""
    if piece in TOMS:
        return _CYMBAL_OF_TOM[piece]
    if piece in CYMBALS:
        return _TOM_OF_LANE[FIVE_LANE.lanes[FIVE_LANE.lane_of(piece)].name]
    return piece


def double_kick_flipped(piece: Piece) -> Piece:
    """What the 2x kick toggle makes of a piece."""
    return {Piece.KICK: Piece.KICK2, Piece.KICK2: Piece.KICK}.get(piece, piece)


def toggle_cymbal(chart: Chart, sel: Selection) -> Chart:
    """Flip each selected cymbal to the tom of its lane and each tom to its cymbal; other
    gems of the same chord keep their shape."""
    notes = [n for n in _selected(chart, sel) if n.piece in CYMBALS or n.piece in TOMS]
    if not notes:
        raise EditError("no cymbal or tom selected")
    return _rewrite(chart, sel, {key_of(n): n.model_copy(update={"piece": flipped(n.piece)}) for n in notes},
                    "the cymbal/tom toggle")


def toggle_double_kick(chart: Chart, sel: Selection) -> Chart:
    """Kick <-> 2x kick (the second pedal) on each selected kick."""
    notes = [n for n in _selected(chart, sel) if n.piece in KICKS]
    if not notes:
        raise EditError("no kick selected")
    return _rewrite(chart, sel, {key_of(n): n.model_copy(update={"piece": double_kick_flipped(n.piece)})
                                 for n in notes}, "the 2x kick toggle")


def set_velocity(chart: Chart, sel: Selection, velocity: int | None) -> Chart:
    """Set the selected notes' velocity (None = a plain note without dynamics)."""
    notes = _selected(chart, sel)
    change = {key_of(n): new_note(n.tick, n.piece, velocity) for n in notes}
    return _rewrite(chart, sel, change, "setting velocity")


def _toggle_dynamic(chart: Chart, sel: Selection, dynamic: Dynamic, velocity: int) -> Chart:
    notes = _selected(chart, sel)
    off = all(n.dynamic is dynamic for n in notes)
    return set_velocity(chart, sel, None if off else velocity)


def toggle_accent(chart: Chart, sel: Selection) -> Chart:
    """Accent the selection; when every selected note is already accented, clear it."""
    return _toggle_dynamic(chart, sel, Dynamic.ACCENT, ACCENT_VELOCITY)


def toggle_ghost(chart: Chart, sel: Selection) -> Chart:
    return _toggle_dynamic(chart, sel, Dynamic.GHOST, GHOST_VELOCITY)


def nudge_velocity(chart: Chart, sel: Selection, delta: int) -> Chart:
    """Velocity up or down by `delta`, clamped to 1..127 (a plain note counts as 100)."""
    notes = _selected(chart, sel)
    change = {}
    for n in notes:
        v = max(1, min(127, (n.velocity if n.velocity is not None else NORMAL_VELOCITY) + delta))
        change[key_of(n)] = new_note(n.tick, n.piece, v)
    return _rewrite(chart, sel, change, "changing velocity")


# -- clipboard --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClipNote:
    beats: Fraction  # quarter notes after the clipboard's start
    piece: Piece
    velocity: int | None


@dataclass(frozen=True)
class Clipboard:
    notes: tuple[ClipNote, ...]
    source: str  # "lead expert", for the status line

    def ticks(self, resolution: int) -> list[tuple[int, Piece, int | None]]:
        return [(round(c.beats * resolution), c.piece, c.velocity) for c in self.notes]


def copy_notes(chart: Chart, sel: Selection) -> Clipboard:
    notes = _selected(chart, sel)
    start = min(n.tick for n in notes)
    res = chart.resolution
    return Clipboard(tuple(ClipNote(Fraction(n.tick - start, res), n.piece, n.velocity) for n in notes),
                     f"{sel.part} {sel.difficulty}")


def paste_notes(chart: Chart, part: str, difficulty: str, tick: int, clip: Clipboard) -> Chart:
    """Paste with the first copied note at `tick`, into any part and difficulty; pasted
    notes replace what they land on."""
    if not clip.notes:
        raise EditError("the clipboard is empty")
    pasted = [new_note(tick + t, p, v) for t, p, v in clip.ticks(chart.resolution)]
    keys = {key_of(n) for n in pasted}
    kept = [n for n in notes_of(chart, part, difficulty) if key_of(n) not in keys]
    return with_notes(chart, part, difficulty, [*kept, *pasted])


def pasted_selection(chart: Chart, part: str, difficulty: str, tick: int, clip: Clipboard) -> Selection:
    """What `paste_notes` put down, so the window can select it after pasting."""
    return Selection(part, difficulty, frozenset((tick + t, p) for t, p, _ in clip.ticks(chart.resolution)))


def copy_difficulty(chart: Chart, src_part: str, src_difficulty: str, dst_part: str,
                    dst_difficulty: str) -> Chart:
    """Replace a whole difficulty with a copy of another (a start for a hand-made reduction)."""
    return with_notes(chart, dst_part, dst_difficulty, notes_of(chart, src_part, src_difficulty))


def clear_difficulty(chart: Chart, part: str, difficulty: str) -> Chart:
    return with_notes(chart, part, difficulty, [])


def notes_at(chart: Chart, part: str, difficulty: str, tick: int) -> list[Note]:
    """The chord at a tick (what the window shows under the cursor)."""
    return [n for n in notes_of(chart, part, difficulty) if n.tick == tick]


def keys(notes: Iterable[Note]) -> frozenset[NoteKey]:
    return frozenset(key_of(n) for n in notes)
