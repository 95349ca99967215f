"""The rows of song select: bundled charts first, then the library, then what is broken,
searched and sorted without work proportional to the library on any frame.

Everything a search or a sort needs is computed once per scan, when the list is built:
a lower-case "haystack" per song (title, artist, charter) and, per sort order, the
library's order as a list of indices (built the first time that order is asked for).
A search is one pass of substring tests over the haystacks, on a key press, never per
frame; moving the selection is an index change; drawing takes only the visible rows.

Bundled charts (the game's own and the user's JSON charts) stay on top whatever the
order: they are the showcase and the charts made for two. Every word of a search must
appear in the title, artist or charter, in any order ("queen bites" finds "Another One
Bites the Dust" by Queen).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from duet_drums.app.catalog import BrokenChart, ChartEntry
from duet_drums.library import LibrarySong, SkippedFolder

SORTS: tuple[str, ...] = ("title", "artist", "length", "difficulty")


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """The last row when folders were skipped: Enter lists them with their reasons."""

    skipped: tuple[SkippedFolder, ...]


Row = ChartEntry | BrokenChart | LibrarySong | SkippedRow


def fold(text: str) -> str:
    """Lower case without accents, so "beyonce" finds "Beyoncé"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _title_key(text: str) -> str:
    """Titles sort as a library shelves them: "The Trooper" under T, ignoring case."""
    return fold(text).strip()


def _sort_key(song: LibrarySong, order: str) -> tuple[object, ...]:
    s = song.summary
    title = _title_key(s.title)
    if order == "artist":
        return (_title_key(s.artist) or "\uffff", title)
    if order == "length":
        return (s.length_ms, title)
    if order == "difficulty":
        # The ini's drum difficulty (0-6); songs that do not say go last.
        return (s.diff_drums if s.diff_drums is not None else 99, title)
    return (title, _title_key(s.artist))


def first_letter(text: str) -> str:
    folded = fold(text).lstrip()
    return folded[:1]


@dataclass
class SongList:
    bundled: tuple[ChartEntry, ...]
    broken: tuple[BrokenChart, ...]
    library: tuple[LibrarySong, ...]
    skipped: tuple[SkippedFolder, ...] = ()
    _hay_bundled: list[str] = field(init=False, repr=False)
    _hay_library: list[str] = field(init=False, repr=False)
    _orders: dict[str, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._hay_bundled = [fold(f"{e.title}\n{e.artist}\n{e.chart.metadata.charter}") for e in self.bundled]
        self._hay_library = [fold(f"{s.summary.title}\n{s.summary.artist}\n{s.summary.charter}")
                             for s in self.library]
        self._orders = {}

    @classmethod
    def build(cls, bundled: Sequence[ChartEntry], broken: Sequence[BrokenChart],
              library: Sequence[LibrarySong], skipped: Sequence[SkippedFolder] = ()) -> SongList:
        return cls(tuple(bundled), tuple(broken), tuple(library), tuple(skipped))

    def order(self, sort: str) -> list[int]:
        """The library's indices in `sort` order (computed once per order)."""
        got = self._orders.get(sort)
        if got is None:
            keys = [_sort_key(song, sort) for song in self.library]
            got = sorted(range(len(self.library)), key=keys.__getitem__)
            self._orders[sort] = got
        return got

    def view(self, sort: str = "title", query: str = "") -> list[Row]:
        """Rows to show: matching bundled charts, the matching library in `sort` order,
        then (without a search) broken charts and the skipped-folders row."""
        words = fold(query).split()

        def hit(hay: str) -> bool:
            return all(word in hay for word in words)

        rows: list[Row] = [e for e, hay in zip(self.bundled, self._hay_bundled, strict=True) if hit(hay)]
        library, hays = self.library, self._hay_library
        if words:
            rows += [library[i] for i in self.order(sort) if hit(hays[i])]
        else:
            rows += [library[i] for i in self.order(sort)]
            rows += self.broken
            if self.skipped:
                rows.append(SkippedRow(self.skipped))
        return rows


def jump_key(row: Row, sort: str) -> str:
    """What "jump to letter" compares for a row: the artist in artist order, else the title."""
    if isinstance(row, LibrarySong):
        return first_letter(row.summary.artist if sort == "artist" else row.summary.title)
    if isinstance(row, ChartEntry):
        return first_letter(row.artist if sort == "artist" else row.title)
    return ""


def jump(rows: Sequence[Row], current: int, letter: str, sort: str) -> int | None:
    """The next library row after `current` whose title (artist, in artist order) starts
    with `letter`, wrapping around; None when none does. Bundled charts are skipped: they
    are not in the library's order."""
    letter = fold(letter)[:1]
    n = len(rows)
    for step in range(1, n + 1):
        i = (current + step) % n
        row = rows[i]
        if isinstance(row, LibrarySong) and jump_key(row, sort) == letter:
            return i
    return None
