"""Song select's list model on a library of thousands: bundled charts first, every sort
order, search by every word, letter jumps; and P2's default difficulty on a one-part song."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from duet_drums.app.catalog import scan
from duet_drums.app.play_setup import partner_difficulty
from duet_drums.app.song_list import SkippedRow, SongList, fold, jump
from duet_drums.formats.song_folder import SongSummary
from duet_drums.library import LibrarySong, SkippedFolder
from tests.conftest import CHARTS

WORDS = ("love", "night", "fire", "queen", "dust", "road", "heart", "Zürich", "Élan", "the")


def summary(title: str, artist: str, charter: str, length_ms: float, tier: int | None) -> SongSummary:
    return SongSummary(
        chart_file="notes.mid",
        title=title,
        artist=artist,
        charter=charter,
        album="",
        genre="",
        year="",
        drum_type="four_lane_pro",
        notes={"expert": 10},
        first_note_ms=0.0,
        last_note_ms=length_ms,
        length_ms=length_ms,
        diff_drums=tier,
        preview_start_ms=0.0,
        offset_ms=0.0,
        stems={},
        sections=0,
    )


def big_library(n: int, seed: int = 3) -> list[LibrarySong]:
    rng = random.Random(seed)
    songs = []
    for i in range(n):
        title = " ".join(rng.choice(WORDS) for _ in range(2)).title() + f" {i}"
        artist = f"{rng.choice(WORDS)} band".title()
        tier = rng.choice([None, 0, 1, 2, 3, 4, 5, 6])
        songs.append(
            LibrarySong(
                Path("/songs"),
                f"s{i}",
                summary(title, artist, f"charter{i % 7}", rng.uniform(60_000, 400_000), tier),
            )
        )
    return songs


def test_five_thousand_songs_sort_search_and_jump() -> None:
    catalog = scan([CHARTS])
    library = big_library(5000)
    skipped = (SkippedFolder(Path("/songs"), "bad", "notes.mid: not a MIDI file"),)
    songs = SongList.build(catalog.charts, catalog.broken, library, skipped)
    n_bundled = len(catalog.charts)
    for sort, key in (
        ("title", lambda s: fold(s.title)),
        ("artist", lambda s: (fold(s.artist), fold(s.title))),
        ("length", lambda s: s.length_ms),
        ("difficulty", lambda s: (99 if s.diff_drums is None else s.diff_drums, fold(s.title))),
    ):
        rows = songs.view(sort)
        assert rows[:n_bundled] == list(catalog.charts)
        lib = [r for r in rows if isinstance(r, LibrarySong)]
        assert len(lib) == 5000
        keys = [key(r.summary) for r in lib]
        assert keys == sorted(keys)
        assert isinstance(rows[-1], SkippedRow)
    found = [r for r in songs.view("title", "zurich QUEEN") if isinstance(r, LibrarySong)]
    hay = {id(s): fold(f"{s.summary.title}\n{s.summary.artist}") for s in library}
    expected = [s for s in library if "zurich" in hay[id(s)] and "queen" in hay[id(s)]]
    assert found and sorted(id(s) for s in found) == sorted(id(s) for s in expected)
    by_charter = [r for r in songs.view("title", "charter3") if isinstance(r, LibrarySong)]
    assert len(by_charter) == sum(1 for s in library if s.summary.charter == "charter3")
    rows = songs.view("title")
    at = jump(rows, 0, "r", "title")
    assert at is not None and fold(rows[at].summary.title).startswith("r")  # type: ignore[union-attr]
    assert all(not fold(r.summary.title).startswith("r") for r in rows[:at] if isinstance(r, LibrarySong))
    assert jump(rows, 0, "x", "title") is None


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=30), st.text(max_size=8))
def test_a_search_keeps_exactly_the_songs_holding_every_word(titles: list[str], query: str) -> None:
    library = [
        LibrarySong(Path("/s"), str(i), summary(t, "", "", 1000.0, None)) for i, t in enumerate(titles)
    ]
    songs = SongList.build([], [], library)
    got = [r for r in songs.view("title", query) if isinstance(r, LibrarySong)]
    words = fold(query).split()
    assert {id(s) for s in got} == {
        id(s) for s in library if all(w in fold(f"{s.summary.title}\n\n") for w in words)
    }


def test_the_partner_plays_one_level_below_among_what_the_song_has() -> None:
    assert partner_difficulty("expert") == "hard"
    assert partner_difficulty("medium") == "easy"
    assert partner_difficulty("easy") == "easy"
    assert partner_difficulty("expert", ("medium", "expert")) == "medium"
    assert partner_difficulty("easy", ("hard", "expert")) == "hard"
