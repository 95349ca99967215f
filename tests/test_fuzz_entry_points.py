"""Fuzzing every reader through the entry points a player or author meets, not only the
reader functions: the library scan (a fuzzed notes.mid, .chart or song.ini in a song
folder, a fuzzed library cache), the game's chart catalog (a fuzzed chart JSON beside a
good one), the editor's import (a fuzzed General MIDI file, notes.mid or .chart), the
editor's crash recovery (a fuzzed autosave or session marker), and the files the game
keeps for itself (pending runs, decoded-audio cache entries).

Each input is a real file mutated (a notes.mid with several tracks, a .chart with
phrases and solos, the bundled medley, a GM export of it, a real autosave, a real cache)
or random bytes. The rule everywhere: the entry point completes; the fuzzed file is read,
or refused with a message that names the file (and the place, where the reader knows
it); the readers' own checks catch it, not the last-resort "unexpected error" guards;
and every good file next to it is still read.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.app.catalog import scan
from duet_drums.audio.audio_cache import AudioCache
from duet_drums.core.chart import load_chart, parse_chart, save_chart
from duet_drums.editor import autosave
from duet_drums.editor.cli import main as editor_main
from duet_drums.formats.general_midi import MidiImportError, read_general_midi, write_general_midi
from duet_drums.library import LibraryCache, scan_library
from duet_drums.storage.pending import PendingError, read_pending, write_pending
from duet_drums.storage.scores import ScoreDB, ScoreEntry
from tests.chart_factory import minimal_chart_data
from tests.conftest import CHARTS
from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid
from tests.test_formats_fuzz import mutated, valid_files
from tests.test_parser_fuzz import MEDLEY_TEXT, mutated_bytes

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
# What only the last-resort guards say: a reader that let an exception through.
UNFORESEEN = ("unexpected error", "cannot be loaded (", "Traceback")


def _fresh(tmp_path: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=tmp_path))


@cache
def gm_file() -> bytes:
    """The medley's lead, expert, exported as a General MIDI drum file."""
    folder = Path(tempfile.mkdtemp())
    try:
        write_general_midi(load_chart(CHARTS / "summit-medley.json"), "lead", "expert", folder / "gm.mid")
        return (folder / "gm.mid").read_bytes()
    finally:
        shutil.rmtree(folder)


@st.composite
def mutated_gm(draw: st.DrawFn) -> bytes:
    return draw(mutated_bytes(gm_file()) | st.binary(max_size=400))


def _good_song(root: Path) -> None:
    folder = root / "Good"
    folder.mkdir(parents=True)
    (folder / "notes.chart").write_bytes(notes_chart(SongSpec(resolution=192, gems=groove(2, 192, seed=9))))


# -- the library scan ---------------------------------------------------------------------------
@FUZZ
@given(st.data())
def test_a_fuzzed_song_folder_never_stops_the_scan(tmp_path: Path, data: st.DataObject) -> None:
    root = _fresh(tmp_path)
    _good_song(root)
    folder = root / "Fuzzed"
    folder.mkdir()
    chart = data.draw(st.sampled_from(["notes.mid", "notes.chart"]))
    (folder / chart).write_bytes(data.draw(mutated(chart) | st.binary(max_size=400)))
    ini = data.draw(st.sampled_from([None, "valid", "mutated"]))
    if ini is not None:
        blob = valid_files()["song.ini"] if ini == "valid" else data.draw(mutated("song.ini"))
        (folder / "song.ini").write_bytes(blob)
    result = scan_library([root], workers=1)
    assert "Good" in [s.folder for s in result.songs]
    skipped = {s.folder: s.reason for s in result.skipped}
    if "Fuzzed" in skipped:
        reason = skipped["Fuzzed"]
        assert reason.startswith((f"{chart}: ", "song.ini: ")), reason
        assert not any(words in reason for words in UNFORESEEN), reason
    else:
        (song,) = [s for s in result.songs if s.folder == "Fuzzed"]
        assert sum(song.summary.notes.values()) > 0


@FUZZ
@given(st.data())
def test_a_fuzzed_library_cache_never_stops_the_scan(tmp_path: Path, data: st.DataObject) -> None:
    work = _fresh(tmp_path)
    root = work / "Songs"
    for k in range(3):
        folder = root / f"Song {k}"
        folder.mkdir(parents=True)
        spec = SongSpec(resolution=192, gems=groove(2, 192, seed=k))
        (folder / "notes.mid").write_bytes(notes_mid(spec))
    path = work / "library.sqlite3"
    truth = scan_library([root], cache=LibraryCache(path), workers=1)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    if data.draw(st.booleans()):  # the file's bytes broken
        path.write_bytes(data.draw(mutated_bytes(path.read_bytes())))
    else:  # or its rows: entries and signatures replaced by anything
        conn = sqlite3.connect(path)
        for (folder,) in conn.execute("SELECT folder FROM folders").fetchall():
            if data.draw(st.booleans()):
                entry = data.draw(st.text(max_size=40) | st.sampled_from(
                    ['{"song": {}}', '{"skipped": 5}', '{"song": {"title": null}}', "[]", "{" * 3000]))
                conn.execute("UPDATE folders SET entry = ? WHERE folder = ?", (entry, folder))
        conn.commit()
        conn.close()
    result = scan_library([root], cache=LibraryCache(path), workers=1)
    assert result.songs == truth.songs and result.skipped == truth.skipped
    for notice in result.notices:
        assert notice.startswith(f"{path}") or f"{path}" in notice, notice


# -- the game's chart catalog -------------------------------------------------------------------
@FUZZ
@given(mutated_bytes(MEDLEY_TEXT) | st.binary(max_size=300))
def test_a_fuzzed_chart_never_stops_the_catalog(tmp_path: Path, blob: bytes) -> None:
    folder = _fresh(tmp_path)
    save_chart(parse_chart(minimal_chart_data()), folder / "good.json")
    (folder / "fuzzed.json").write_bytes(blob)
    catalog = scan([folder])
    assert "good.json" in [e.path.name for e in catalog.charts]
    for broken in catalog.broken:
        assert broken.message.startswith(f"{folder / 'fuzzed.json'}: ") or "already used" in broken.message
        assert not any(words in broken.message for words in UNFORESEEN), broken.message


# -- the editor's import ------------------------------------------------------------------------
@FUZZ
@given(mutated_gm())
def test_a_fuzzed_general_midi_file_imports_or_names_the_file(tmp_path: Path, blob: bytes) -> None:
    path = _fresh(tmp_path) / "take.mid"
    path.write_bytes(blob)
    try:
        result = read_general_midi(path)
    except MidiImportError as exc:
        assert str(exc).startswith(f"{path}: "), str(exc)
    else:
        assert result.chart.notes("lead", "expert")


@FUZZ
@given(data=st.data())
def test_the_editors_import_of_a_fuzzed_file_completes(tmp_path: Path, data: st.DataObject,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = _fresh(tmp_path)
    name = data.draw(st.sampled_from(["take.mid", "notes.mid", "notes.chart"]))
    blob = data.draw(mutated_gm() if name == "take.mid" else mutated(name) | st.binary(max_size=300))
    src = folder / name
    src.write_bytes(blob)
    out = folder / "out.json"
    code = editor_main(["import", str(src), "-o", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    if code == 1:
        assert err.startswith(f"error: {src}: "), err
        assert not any(words in err for words in UNFORESEEN), err
        assert not out.exists()
    else:
        assert load_chart(out).parts  # what was imported is a chart the game loads


# -- the editor's crash recovery ----------------------------------------------------------------
@FUZZ
@given(st.data())
def test_a_fuzzed_autosave_is_offered_or_reported_and_kept(tmp_path: Path, data: st.DataObject) -> None:
    folder = _fresh(tmp_path)
    chart_path = folder / "song.json"
    save_chart(parse_chart(minimal_chart_data()), chart_path)
    side = autosave.write_autosave(load_chart(CHARTS / "summit-medley.json"), chart_path, folder)
    blob = data.draw(mutated_bytes(side.read_bytes()) | st.binary(max_size=300))
    side.write_bytes(blob)
    offer = autosave.find_recovery(chart_path, folder)
    if offer is not None and offer.chart is None:
        assert offer.error is not None and offer.error.startswith(f"{side}: "), offer.error
        assert side.read_bytes() == blob  # a broken autosave is kept for the author
    marker = folder / "editor" / autosave.SESSION_FILE
    autosave.begin_session(folder, chart_path)
    marker.write_bytes(data.draw(mutated_bytes(marker.read_bytes()) | st.binary(max_size=100)))
    autosave.crashed_session(folder)  # whatever the marker holds: an offer or none, never an error


# -- files the game keeps for itself ------------------------------------------------------------
@FUZZ
@given(st.data())
def test_a_fuzzed_pending_run_is_set_aside_and_the_game_starts(tmp_path: Path, data: st.DataObject) -> None:
    folder = _fresh(tmp_path)
    db_path = folder / "scores.sqlite3"
    pending = folder / "scores.sqlite3.pending"
    entries = [ScoreEntry("song", "lead", "expert", "Ann", 100, 90.0)]
    path = write_pending(pending, entries, b"\x1f\x8b replay", 1_700_000_000.0)
    blob = data.draw(mutated_bytes(path.read_bytes()) | st.binary(max_size=300))
    path.write_bytes(blob)
    try:
        read_pending(path)
    except PendingError as exc:
        assert str(exc).startswith(f"{path}: "), str(exc)
    db = ScoreDB(db_path)  # merges what reads, sets aside what does not, never raises
    try:
        assert not path.exists() or path.read_bytes() == blob
        kept = [p for p in pending.iterdir() if ".corrupt-" in p.name]
        assert all(p.read_bytes() == blob for p in kept)  # nothing is lost
    finally:
        db.close()


@FUZZ
@given(st.data())
def test_a_fuzzed_audio_cache_entry_is_a_miss_or_whole(tmp_path: Path, data: st.DataObject) -> None:
    cache = AudioCache(_fresh(tmp_path))
    x = np.linspace(-0.5, 0.5, 4000, dtype=np.float32).reshape(1000, 4)
    assert cache.store("k", x, ["mixed: song"])
    path = cache.folder / "k.npz"
    path.write_bytes(data.draw(mutated_bytes(path.read_bytes())))
    hit = cache.load("k")
    if hit is None:
        assert not path.exists()  # a damaged entry goes
    else:
        assert hit.samples.ndim == 2 and hit.samples.dtype == np.float32
        assert all(isinstance(m, str) for m in hit.messages)
