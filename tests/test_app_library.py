"""The community song library through the real game scenes (stepped, dummy SDL drivers):
scanned in the background with a progress bar while the game keeps answering keys, the
songs listed after the bundled ones, searched, sorted and jumped through without letter
keys ever acting alone, skipped folders listed with their reasons, and a library song
played as a duet by two bots, its stems decoded and cached on the way."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from duet_drums.app import catalog
from duet_drums.app.catalog import ChartEntry
from duet_drums.app.context import AppContext
from duet_drums.app.library_state import LibraryService
from duet_drums.app.main import App
from duet_drums.app.play_setup import stem_backing
from duet_drums.app.routes import SettingsMenu, SongSelect
from duet_drums.app.scenes.load_song import LoadSongScene
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.app.scenes.settings import SettingsScene
from duet_drums.app.scenes.skipped_songs import SkippedSongsScene
from duet_drums.app.scenes.song_folders import SongFoldersScene
from duet_drums.app.scenes.song_select import SongSelectScene
from duet_drums.app.song_list import SkippedRow
from duet_drums.core.result import Result
from duet_drums.formats import load_song
from duet_drums.library import LibraryScan, LibrarySong, ScanProgress, scan_library
from duet_drums.settings import load_settings
from tests.conftest import CHARTS
from tests.library_support import SONGS, write_library, write_song
from tests.support.app_driver import close, expected_bot_result, press, press_down_to, run_until, top_is

ROOT = Path(__file__).resolve().parents[1]


class GatedScan:
    """The real scan, held after it has read its first folder until the test opens the
    gate: the one moment a test can look at the progress bar for sure."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.gate = threading.Event()

    def __call__(
        self,
        roots: object,
        *,
        cache: object = None,
        progress: object = None,
        cancel: threading.Event | None = None,
        workers: int | None = None,
    ) -> LibraryScan:
        def on(p: ScanProgress) -> None:
            progress(p)  # type: ignore[operator]
            if p.phase == "reading":
                self.reached.set()
                self.gate.wait(30)

        return scan_library(roots, cache=cache, progress=on, cancel=cancel, workers=1)  # type: ignore[arg-type]


def make_app(root: Path | None, scanner: GatedScan | None = None, *, audio: bool | None = None) -> App:
    ctx = AppContext.load(
        stepped=True, charts_dirs=[CHARTS], audio_enabled=audio, library=LibraryService(scanner=scanner)
    )
    if root is not None:
        ctx.settings.library.folders = [str(root)]
    return App(ctx)


def key(app: App, k: int, mod: int = 0, unicode: str = "") -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=unicode, scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode=unicode, scancode=0))
    app.step()


def type_text(app: App, text: str) -> None:
    for ch in text:
        key(app, ord(ch.lower()) if ch.isascii() else 0, unicode=ch)


def library_titles(select: SongSelectScene) -> list[str]:
    return [r.summary.title for r in select.rows if isinstance(r, LibrarySong)]


def open_select(app: App) -> SongSelectScene:
    app.nav.push(SongSelect())
    app.step()
    select = app.scene
    assert isinstance(select, SongSelectScene)
    return select


def finish_scan(app: App) -> None:
    """Let the background scan finish, then take its result in with a frame. Stepped
    frames never sleep, so a test that stepped until the scan thread got done would starve
    it of the GIL (the real loop sleeps ~1 ms between polls and leaves it room)."""
    assert app.ctx.library.wait(60), "the library scan did not finish"
    app.step()


def finish_load(app: App) -> None:
    """Let the loading screen's thread (chart and stems) finish, then step into the song:
    for the same reason as `finish_scan`, a test does not spin frames while it works."""
    loading = app.scene
    if isinstance(loading, LoadSongScene):
        assert loading.job.wait(60), "the song did not load"
    run_until(app, top_is(app, PlayScene))


def scanned_select(app: App) -> SongSelectScene:
    select = open_select(app)
    finish_scan(app)
    run_until(app, lambda: not app.ctx.library.scanning and bool(library_titles(select)))
    return select


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return write_library(tmp_path / "Songs", stems_for="Moonlight Drive")


@pytest.fixture
def scanned(library: Path) -> Iterator[tuple[App, SongSelectScene]]:
    """Song select over the scanned library (the real scan, in its thread)."""
    app = make_app(library)
    try:
        yield app, scanned_select(app)
    finally:
        close(app)


def test_the_scan_shows_progress_and_the_game_answers_keys_meanwhile(library: Path) -> None:
    gate = GatedScan()
    app = make_app(library, gate)
    try:
        select = open_select(app)
        assert gate.reached.wait(30)
        app.step()
        status = app.ctx.library.status
        assert status.scanning and status.progress is not None
        assert (status.progress.phase, status.progress.done, status.progress.total) == ("reading", 1, 7)
        # The bar above the list is drawn, filled 1/7 in the theme's progress colour.
        assert tuple(app.screen.get_at((24 + 5, 62 + 5)))[:3] == app.ctx.theme.accent2
        assert library_titles(select) == []
        frames = app.frames
        press(app, pygame.K_DOWN)
        assert select.index == 1 and isinstance(select.selected, ChartEntry)
        key(app, pygame.K_f, pygame.KMOD_LCTRL)
        assert select.searching
        type_text(app, "gold")
        shown = [r.title for r in select.rows if isinstance(r, ChartEntry)]
        assert "Golden" in shown and "Dynamite" not in shown
        key(app, pygame.K_ESCAPE)
        assert not select.searching and select.query == ""
        assert app.frames == frames + 7 and app.ctx.library.scanning  # still held, still drawing
        gate.gate.set()
        finish_scan(app)
        app.step()
        assert library_titles(select) == [
            "Another One Bites the Dust",
            "Beyoncé Intro",
            "Killer Queen",
            "Moonlight Drive",
            "Mr. Brightside",
            "Zebra Crossing",
        ]
        assert all(isinstance(r, ChartEntry) for r in select.rows[:3])  # bundled first
    finally:
        gate.gate.set()
        close(app)


def test_letter_keys_alone_never_search_or_jump(scanned: tuple[App, SongSelectScene]) -> None:
    app, select = scanned
    before = select.index
    for k in (pygame.K_q, pygame.K_m, pygame.K_SLASH, pygame.K_j):
        key(app, k, unicode=chr(k))
    assert select.index == before and not select.searching and select.query == ""
    assert isinstance(app.scene, SongSelectScene)


def test_search_sort_and_jump(scanned: tuple[App, SongSelectScene]) -> None:
    app, select = scanned
    key(app, pygame.K_f, pygame.KMOD_LCTRL)
    type_text(app, "queen")
    assert library_titles(select) == ["Another One Bites the Dust", "Killer Queen"]  # artist or title
    assert not any(isinstance(r, SkippedRow) for r in select.rows)
    type_text(app, " bites")
    assert library_titles(select) == ["Another One Bites the Dust"]
    for _ in " bites":
        key(app, pygame.K_BACKSPACE)
    key(app, pygame.K_DOWN)  # arrows move in the results while typing
    assert select.song is not None and select.song.summary.title == "Killer Queen"
    key(app, pygame.K_RETURN)
    assert not select.searching and select.query == "queen"  # the filter stays
    assert select.song is not None and select.song.summary.title == "Killer Queen"
    key(app, pygame.K_ESCAPE)  # Esc clears the filter before it leaves
    assert select.query == "" and isinstance(app.scene, SongSelectScene)
    assert select.song is not None and select.song.summary.title == "Killer Queen"  # still selected
    key(app, pygame.K_F3)
    type_text(app, "BEYONCE")  # case and accents do not matter
    assert library_titles(select) == ["Beyoncé Intro"]
    key(app, pygame.K_ESCAPE)

    orders = {
        "artist": [
            "Zebra Crossing",
            "Another One Bites the Dust",
            "Killer Queen",
            "Moonlight Drive",
            "Mr. Brightside",
            "Beyoncé Intro",
        ],
        "length": [
            "Zebra Crossing",
            "Beyoncé Intro",
            "Killer Queen",
            "Moonlight Drive",
            "Mr. Brightside",
            "Another One Bites the Dust",
        ],
        "difficulty": [
            "Zebra Crossing",
            "Another One Bites the Dust",
            "Moonlight Drive",
            "Killer Queen",
            "Mr. Brightside",
            "Beyoncé Intro",
        ],
    }
    for sort, titles in orders.items():
        key(app, pygame.K_s, pygame.KMOD_LCTRL)
        assert select.sort == sort and library_titles(select) == titles
        assert all(isinstance(r, ChartEntry) for r in select.rows[:3])
        assert load_settings()[0].library.sort == sort  # remembered
    key(app, pygame.K_s, pygame.KMOD_LCTRL)
    assert select.sort == "title"

    key(app, pygame.K_HOME)
    key(app, pygame.K_m, pygame.KMOD_LALT)
    assert select.song is not None and select.song.summary.title == "Moonlight Drive"
    key(app, pygame.K_m, pygame.KMOD_LALT)
    assert select.song is not None and select.song.summary.title == "Mr. Brightside"
    key(app, pygame.K_m, pygame.KMOD_LALT)
    assert select.song is not None and select.song.summary.title == "Moonlight Drive"  # wraps
    key(app, pygame.K_x, pygame.KMOD_LALT)
    assert select.song.summary.title == "Moonlight Drive" and "no song starts with X" in select.notice
    key(app, pygame.K_z, pygame.KMOD_RALT)
    assert select.song is not None and select.song.summary.title == "Zebra Crossing"
    key(app, pygame.K_END)
    key(app, pygame.K_PAGEUP)
    assert select.index == len(select.rows) - 1 - (select._visible - 1)


def test_a_skipped_folder_is_listed_with_its_reason(scanned: tuple[App, SongSelectScene]) -> None:
    app, select = scanned
    key(app, pygame.K_END)
    row = select.selected
    assert isinstance(row, SkippedRow) and [s.folder for s in row.skipped] == ["Broken/Empty Chart"]
    key(app, pygame.K_RETURN)
    view = app.scene
    assert isinstance(view, SkippedSongsScene)
    (skipped,) = view.skipped
    assert (
        skipped.folder == "Broken/Empty Chart" and "notes.chart: the drum part has no notes" in skipped.reason
    )
    key(app, pygame.K_ESCAPE)
    assert app.scene is select


def test_a_library_song_is_a_duet_of_two_difficulties_played_by_two_bots(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []
    real = catalog.load_song

    def counting(path: Path) -> object:
        loads.append(Path(path))
        return real(path)

    monkeypatch.setattr(catalog, "load_song", counting)
    app = make_app(library)
    try:
        s = app.ctx.settings
        s.players[0].difficulty, s.players[1].difficulty = "expert", "expert"
        s.players[0].input = s.players[1].input = "ai"
        select = scanned_select(app)
        for _ in range(len(select.rows)):  # scrolling reads no chart
            key(app, pygame.K_DOWN)
        assert loads == []
        key(app, pygame.K_f, pygame.KMOD_LCTRL)
        type_text(app, "killer queen")
        key(app, pygame.K_RETURN)
        assert select.song is not None and select.song.summary.title == "Killer Queen"
        # One drum part: both players on it, P2 one level below P1.
        assert [(p.part, p.difficulty) for p in s.players] == [("drums", "expert"), ("drums", "hard")]
        key(app, pygame.K_RETURN)
        assert select.focus == "setup"
        press_down_to(
            app,
            lambda: [i.label for i in select.setup_menu.items],
            lambda: select.setup_menu.selected,
            "Play",
        )
        key(app, pygame.K_RETURN)  # the loading screen, then the song (in the same frame when quick)
        finish_load(app)
        assert len(loads) == 1 and loads[0].name == "Killer Queen"
        app.render_enabled = False
        run_until(app, top_is(app, ResultsScene))
        results = app.scene
        assert isinstance(results, ResultsScene)
        chart = load_song(library / "Queen" / "Killer Queen").chart
        assert results.result == expected_bot_result(chart, [("drums", "expert"), ("drums", "hard")])
        assert results.result.sync.unisons > 0
    finally:
        close(app)


def test_stems_are_decoded_cached_and_mixed_for_play(tmp_path: Path) -> None:
    made = next(m for m in SONGS if m.title == "Moonlight Drive")
    root = tmp_path / "Songs"
    write_song(root / "Moonlight Drive", made, stems=True, delay_ms=200)
    app = make_app(root, audio=True)  # stepped play, but a (dummy) audio device: stems are decoded
    try:
        app.ctx.settings.library.drum_stems_volume = 0.25
        select = scanned_select(app)
        cached = []
        for _ in range(2):
            select.move_to(next(i for i, r in enumerate(select.rows) if isinstance(r, LibrarySong)))
            select.start()
            assert isinstance(app.scene, LoadSongScene)
            finish_load(app)
            play = app.scene
            assert isinstance(play, PlayScene)
            stems = play.setup.stems
            assert stems is not None and set(stems.stems) == {"song", "drums"}
            assert any("guitar.ogg: cannot decode audio" in m for m in stems.messages)
            cached.append(stems.cached)
            track, warning = stem_backing(play.setup, app.ctx.settings.library, 1.0)
            assert warning is not None and "guitar" in warning
            rate = track.sample_rate
            # ini delay 200 ms: the song's click 0.5 s into the file sounds at chart time 0.3 s.
            song_click = track.frame_of(0.3)
            assert abs(track.samples[song_click + 2, 0] - 0.3) < 0.05
            drum_click = track.frame_of(0.8)
            assert track.samples[drum_click + 2, 0] == pytest.approx(0.25 * 0.8, abs=0.01)
            assert np.abs(track.samples[: track.frame_of(0.3) - rate // 100]).max() < 0.01
            app.nav.pop()
            app.step()
        assert cached == [False, True]
    finally:
        close(app)


def test_the_song_folders_page_adds_rescans_and_removes(library: Path, tmp_path: Path) -> None:
    app = make_app(None)
    try:
        app.nav.push(SettingsMenu())
        settings = app.scene
        assert isinstance(settings, SettingsScene)
        press_down_to(
            app,
            lambda: [i.label for i in settings.menu.items],
            lambda: settings.menu.selected,
            "Song folders...",
        )
        key(app, pygame.K_RETURN)
        page = app.scene
        assert isinstance(page, SongFoldersScene) and page.menu.current.label == "Add folder..."
        key(app, pygame.K_RETURN)
        type_text(app, str(tmp_path / "nowhere"))
        key(app, pygame.K_RETURN)
        assert "not a folder" in page.message and page.path_entry.editing
        key(app, pygame.K_ESCAPE)
        assert not page.path_entry.editing and app.ctx.settings.library.folders == []
        key(app, pygame.K_RETURN)
        type_text(app, str(library))
        key(app, pygame.K_RETURN)
        assert app.ctx.settings.library.folders == [str(library)]
        assert load_settings()[0].library.folders == [str(library)]
        finish_scan(app)
        assert app.ctx.library.scan is not None
        folder_row = page.menu.items[0]
        assert folder_row.value is not None and folder_row.value() == "6 songs, 1 skipped"
        press_down_to(
            app,
            lambda: [i.label for i in page.menu.items],
            lambda: page.menu.selected,
            "Drum stems while you play",
        )
        for _ in range(5):
            key(app, pygame.K_LEFT)
        assert app.ctx.settings.library.drum_stems_volume == 0.0
        assert page.menu.current.value is not None and page.menu.current.value() == "muted"
        assert load_settings()[0].library.drum_stems_volume == 0.0
        page.menu.selected = 0
        key(app, pygame.K_DELETE)
        assert app.ctx.settings.library.folders == [] and load_settings()[0].library.folders == []
        finish_scan(app)
        assert app.ctx.library.scan is None
    finally:
        close(app)


def headless_play(tmp_path: Path, *args: str) -> Result:
    env = {**os.environ, "DUET_DRUMS_CONFIG_DIR": str(tmp_path / "c"),
           "DUET_DRUMS_DATA_DIR": str(tmp_path / "d")}
    env.pop("SDL_VIDEODRIVER", None)  # --headless must choose the dummy drivers itself
    proc = subprocess.run([sys.executable, "-m", "duet_drums", "play", *args, "--headless", "--autoplay"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return Result.model_validate_json(proc.stdout)


def test_play_accepts_a_song_folder_headless(library: Path, tmp_path: Path) -> None:
    folder = library / "Queen" / "Another One Bites the Dust"
    result = headless_play(tmp_path, str(folder), "--p1", "drums:expert", "--p2", "drums:medium")
    chart = load_song(folder).chart
    assert result == expected_bot_result(chart, [("drums", "expert"), ("drums", "medium")])
    # Without --p1/--p2 both players take the song's one part; a chart file works too.
    result = headless_play(tmp_path, str(folder / "notes.chart"))
    assert [p.part for p in result.players] == ["drums", "drums"]
