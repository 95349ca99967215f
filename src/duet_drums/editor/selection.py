"""What the author has selected: a set of notes of one part and difficulty.

A selection holds note keys (tick, piece), not indexes, so it stays meaningful while
other notes are added or removed around it; keys that no longer exist are simply
ignored by the edits (`present`). Box selection is by tick range and by pieces, and
the window turns the lanes under the box into pieces with `pieces_in_lanes`, so the
same selection works on a 5-lane or a full-kit highway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from duet_drums.core.chart import Chart, Note
from duet_drums.core.kit import PIECES, Layout, Piece
from duet_drums.editor.rebuild import EditError, NoteKey, key_of, notes_of


@dataclass(frozen=True)
class Selection:
    part: str
    difficulty: str
    keys: frozenset[NoteKey] = field(default_factory=frozenset)

    def __len__(self) -> int:
        return len(self.keys)

    def __contains__(self, note: object) -> bool:
        return isinstance(note, Note) and key_of(note) in self.keys

    def present(self, chart: Chart) -> list[Note]:
        """The selected notes that are in the chart, in chart order."""
        return [n for n in notes_of(chart, self.part, self.difficulty) if key_of(n) in self.keys]

    def shifted(self, ticks: int) -> Selection:
        """Where the selection is after `move_notes` by `ticks`: the window keeps it selected."""
        return Selection(self.part, self.difficulty, frozenset((t + ticks, p) for t, p in self.keys))

    def mapped(self, piece: Callable[[Piece], Piece]) -> Selection:
        """The selection after an edit that changed the selected notes' pieces (the
        cymbal/tom toggle), so the same notes stay selected."""
        return Selection(self.part, self.difficulty, frozenset((t, piece(p)) for t, p in self.keys))

    def union(self, other: Selection) -> Selection:
        """Shift-click / shift-drag: add to the selection (of the same part and difficulty)."""
        if (other.part, other.difficulty) != (self.part, self.difficulty):
            return other
        return Selection(self.part, self.difficulty, self.keys | other.keys)

    def toggled(self, key: NoteKey) -> Selection:
        """Ctrl-click: one note in or out."""
        return Selection(self.part, self.difficulty, self.keys ^ {key})


def _select(part: str, difficulty: str, notes: Iterable[Note]) -> Selection:
    return Selection(part, difficulty, frozenset(key_of(n) for n in notes))


def select_notes(part: str, difficulty: str, keys: Iterable[NoteKey]) -> Selection:
    return Selection(part, difficulty, frozenset((int(t), Piece(p)) for t, p in keys))


def select_box(chart: Chart, part: str, difficulty: str, start_tick: int, end_tick: int,
               pieces: Iterable[Piece] = PIECES) -> Selection:
    """Notes with start_tick <= tick <= end_tick whose piece is in `pieces` (either end first)."""
    lo, hi = sorted((start_tick, end_tick))
    wanted = frozenset(pieces)
    return _select(part, difficulty, (n for n in notes_of(chart, part, difficulty)
                                      if lo <= n.tick <= hi and n.piece in wanted))


def select_pieces(chart: Chart, part: str, difficulty: str, pieces: Iterable[Piece]) -> Selection:
    """Every note of some pieces ("all the crashes"), over the whole song."""
    return select_box(chart, part, difficulty, 0, chart.last_tick(), pieces)


def select_all(chart: Chart, part: str, difficulty: str) -> Selection:
    return _select(part, difficulty, notes_of(chart, part, difficulty))


def section_range(chart: Chart, name_or_index: str | int) -> tuple[int, int]:
    """[start, end) ticks of a section; the last one runs to the end of the song."""
    sections = chart.sections
    if isinstance(name_or_index, int):
        if not 0 <= name_or_index < len(sections):
            raise EditError(f"no section number {name_or_index}; the chart has {len(sections)}")
        index = name_or_index
    else:
        matches = [i for i, s in enumerate(sections) if s.name == name_or_index]
        if not matches:
            names = ", ".join(s.name for s in sections) or "none"
            raise EditError(f"no section named {name_or_index!r}; sections: {names}")
        index = matches[0]
    start = sections[index].tick
    later = [s.tick for s in sections[index + 1:] if s.tick > start]
    end = later[0] if later else chart.last_tick() + 1
    return start, end


def select_section(chart: Chart, part: str, difficulty: str, name_or_index: str | int) -> Selection:
    start, end = section_range(chart, name_or_index)
    return select_box(chart, part, difficulty, start, end - 1)


def pieces_in_lanes(layout: Layout, lanes: Iterable[int]) -> frozenset[Piece]:
    """The pieces drawn in some lanes of a layout (what a box drawn over them covers)."""
    out: set[Piece] = set()
    for i in lanes:
        if not 0 <= i < len(layout.lanes):
            raise EditError(f"lane {i} is not on the {layout.name} highway (0-{len(layout.lanes) - 1})")
        out.update(layout.lanes[i].pieces)
    return frozenset(out)
