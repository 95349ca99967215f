"""Song select: pick a song, and for each player a part, a difficulty and an input.

Three kinds of songs share the list (`song_list.SongList`): the bundled and user JSON
charts first, then the community library (song folders scanned in the background, see
`library_state`), then what could not be read: broken charts, greyed with the loader's
message (file and JSON path), and one row leading to the skipped song folders with their
reasons, so a chart author sees why their file is missing instead of wondering.

Thousands of songs: nothing on a frame depends on the library's size. The visible rows
are drawn, the list is rebuilt only when a scan finishes, a search is typed or the sort
changes, and a library song is read in full (`load_song`) only when it is played: the
detail panel shows the scan's summary.

Letter keys are the players' drums (see `widgets`), so nothing here reacts to a bare
letter: searching is a mode opened with Ctrl+F (type, Enter keeps the filter, Esc clears
it), the sort cycles with Ctrl+S, Alt+letter jumps to the next song starting with that
letter, F5 rescans the song folders.

A community song has one drum part, so a duet on it is two difficulties of that part:
moving onto one puts both players on it and, unless P2 already plays one or two levels
below P1, P2 one level below (`play_setup.partner_difficulty`). Playing it opens the
loading screen, which reads the chart and decodes the stems in the background.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, cast

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.catalog import BrokenChart, ChartEntry
from duet_drums.app.play_setup import PlayerChoice, PlaySetup, partner_difficulty
from duet_drums.app.progress import progress_bar, scan_text
from duet_drums.app.routes import LoadSong, Play, Practice, SkippedSongs, SongSelect
from duet_drums.app.scenes.base import Scene
from duet_drums.app.song_list import SORTS, Row, SkippedRow, SongList, jump
from duet_drums.core.chart import DIFFICULTIES, Difficulty
from duet_drums.formats.song_folder import PART, song_id
from duet_drums.library import LibrarySong
from duet_drums.settings import InputKind, SongSort
from duet_drums.storage.scores import ScoreRow

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

INPUT_KINDS: tuple[InputKind, ...] = ("keyboard", "midi", "ai")
SetupField = Literal["part", "difficulty", "input"]
ROW_H = 58
DRUM_TYPES = {"four_lane": "4-lane", "four_lane_pro": "pro drums", "five_lane": "5-lane"}
SEARCH_MAX = 60
SORT_NAMES = {"title": "title", "artist": "artist", "length": "length", "difficulty": "drum difficulty"}


def input_label(kind: str, player: int, ports: list[str]) -> str:
    if kind == "keyboard":
        return "keyboard (left half)" if player == 0 else "keyboard (right half)"
    if kind == "midi":
        return f"kit: {ports[0]}" if ports else "MIDI kit (none assigned)"
    return "AI partner"


def minutes(ms: float) -> str:
    total = round(ms / 1000.0)
    return f"{total // 60}:{total % 60:02d}"


def _mods(event: pygame.event.Event) -> int:
    return int(getattr(event, "mod", 0))


class SongSelectScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: SongSelect) -> None:
        super().__init__(nav, ctx)
        self.index = 0
        self.focus = "list"  # or "setup"
        self.time = 0.0
        self.sort: str = ctx.settings.library.sort
        self.query = ""
        self.search = w.TextEntry(max_length=SEARCH_MAX)
        self.notice = ""  # what the last jump or sort did, under the list
        self._scores: dict[tuple[str, str, str], list[ScoreRow]] = {}
        self.setup_menu = w.Menu(self._setup_items(), size=24, row_height=38)
        ctx.library.ensure_started(ctx.settings.library.folders)
        self._version = -1
        self.songs = self._build()
        self.rows: list[Row] = self.songs.view(self.sort, self.query)
        self._fit_parts()

    # -- the list -------------------------------------------------------------------------
    def _build(self) -> SongList:
        status = self.ctx.library.status
        self._version = status.version
        scan = self.ctx.library.scan
        songs, skipped = (scan.songs, scan.skipped) if scan is not None else ([], [])
        return SongList.build(self.ctx.catalog.charts, self.ctx.catalog.broken, songs, skipped)

    def _refresh(self, keep: Row | None = None) -> None:
        """Recompute the visible rows (search, sort or scan changed), keeping the
        selected song selected when it is still listed."""
        keep = keep if keep is not None else self.selected
        self.rows = self.songs.view(self.sort, self.query)
        self.index = 0
        if keep is not None:
            for i, row in enumerate(self.rows):
                if row is keep:
                    self.index = i
                    break
        self._fit_parts()

    @property
    def selected(self) -> Row | None:
        rows = self.rows
        return rows[self.index] if rows and 0 <= self.index < len(rows) else None

    @property
    def entry(self) -> ChartEntry | None:
        sel = self.selected
        return sel if isinstance(sel, ChartEntry) else None

    @property
    def song(self) -> LibrarySong | None:
        sel = self.selected
        return sel if isinstance(sel, LibrarySong) else None

    @property
    def searching(self) -> bool:
        return self.search.editing

    def select_chart(self, chart_id: str) -> None:
        for i, row in enumerate(self.rows):
            if isinstance(row, ChartEntry) and row.id == chart_id:
                self.move_to(i)
                return
        raise KeyError(chart_id)

    def move_to(self, index: int) -> None:
        if self.rows:
            self.index = max(0, min(len(self.rows) - 1, index))
            self._fit_parts()

    def parts(self) -> tuple[str, ...]:
        if isinstance(self.selected, LibrarySong):
            return (PART,)
        entry = self.entry
        return entry.parts if entry is not None else ()

    def difficulties(self) -> tuple[str, ...]:
        """The difficulties the selected song has notes in (a library song may lack some)."""
        song = self.song
        if song is None:
            return DIFFICULTIES
        have = tuple(d for d in DIFFICULTIES if song.summary.notes.get(d, 0) > 0)
        return have or DIFFICULTIES

    def _fit_parts(self) -> None:
        """Keep each player's part valid for the selected song (P1 the first part, P2 the
        second, when their saved part is not in this song); arriving on a one-part song,
        P2 one level below P1 unless P2 already plays one or two levels below."""
        parts = self.parts()
        if not parts:
            return
        players = self.ctx.settings.players
        moved = False
        for p, ps in enumerate(players):
            if ps.part not in parts:
                ps.part = parts[min(p, len(parts) - 1)]
                moved = True
        have = self.difficulties()
        rank = DIFFICULTIES.index
        for ps in players:
            if ps.difficulty not in have:
                now = rank(ps.difficulty)
                ps.difficulty = cast(Difficulty, min(have, key=lambda d: abs(rank(d) - now)))
        p1, p2 = players
        if moved and len(parts) == 1 and rank(p1.difficulty) - rank(p2.difficulty) not in (1, 2):
            p2.difficulty = cast(Difficulty, partner_difficulty(p1.difficulty, have))

    def kit_ports(self, player: int) -> list[str]:
        return sorted(port for port, pl in self.ctx.settings.midi.assignments.items() if pl == player)

    # -- the setup menu -----------------------------------------------------------------
    def _setup_items(self) -> list[w.MenuItem]:
        items: list[w.MenuItem] = []
        for p in (0, 1):
            items += [
                w.MenuItem(f"P{p + 1} part", value=self._shows(p, "part"), change=self._changes(p, "part")),
                w.MenuItem(f"P{p + 1} difficulty", value=self._shows(p, "difficulty"),
                           change=self._changes(p, "difficulty")),
                w.MenuItem(f"P{p + 1} input", value=self._shows(p, "input"),
                           change=self._changes(p, "input")),
            ]
        items += [w.MenuItem("Play", self.start), w.MenuItem("Practice...", self.practice)]
        return items

    def _shows(self, player: int, field: SetupField) -> Callable[[], str]:
        if field == "input":
            return lambda: self.input_value(player)
        return lambda: str(getattr(self.ctx.settings.players[player], field))

    def _changes(self, player: int, field: SetupField) -> Callable[[int], None]:
        return lambda step: self._change(player, field, step)

    def input_value(self, player: int) -> str:
        """The "P1/P2 input" row. A kit player is told here when there is no MIDI system
        at all (the play screen would otherwise just ignore them: no port ever comes or
        goes, so no "kit unplugged" notice appears) or when their kit is not plugged in."""
        kind = self.ctx.settings.players[player].input
        ports = self.kit_ports(player)
        label = input_label(kind, player, ports)
        midi = self.ctx.midi() if kind == "midi" else None
        if midi is None:
            return label
        status = midi.status()
        if status.api is None:
            return f"{label} - no MIDI system (see Settings > MIDI kits)"
        connected = {port.name for port in status.ports if port.connected}
        if ports and ports[0] not in connected:
            return f"{label} (not connected)"
        return label

    def _change(self, player: int, field: SetupField, step: int) -> None:
        ps = self.ctx.settings.players[player]
        parts = self.parts()
        if field == "part" and parts:
            ps.part = w.cycle(parts, ps.part, step)
        elif field == "difficulty":
            # DIFFICULTIES lists exactly the Difficulty literals (validated on assignment too).
            ps.difficulty = cast(Difficulty, w.cycle(self.difficulties(), ps.difficulty, step))
        elif field == "input":
            ps.input = w.cycle(INPUT_KINDS, ps.input, step)
            if ps.input == "midi":
                self.ctx.midi()  # start listening so the kit is ready when the song starts

    def _players(self) -> tuple[PlayerChoice, PlayerChoice]:
        p1, p2 = (PlayerChoice.from_settings(ps) for ps in self.ctx.settings.players)
        return p1, p2

    def setup(self, speed: float = 1.0, loop_section: str | None = None) -> PlaySetup | None:
        entry = self.entry
        if entry is None:
            return None
        self._fit_parts()
        return PlaySetup(entry, self._players(), speed=speed, loop_section=loop_section)

    def _open(self, practice: bool) -> None:
        song = self.song
        if song is not None:
            self._fit_parts()
            self.ctx.save_settings()
            self.nav.push(LoadSong(song.path, song.summary.title, self._players(), practice=practice))
            return
        setup = self.setup()
        if setup is None:
            return
        self.ctx.save_settings()  # the choices are remembered for next time
        self.nav.push(Practice(setup) if practice else Play(setup))

    def start(self) -> None:
        self._open(practice=False)

    def practice(self) -> None:
        self._open(practice=True)

    # -- events -------------------------------------------------------------------------
    def enter(self) -> None:
        self._scores.clear()  # a song was just played: its table may have changed

    def update(self, dt: float) -> None:
        self.time += dt
        if self.ctx.library.status.version != self._version:
            self.songs = self._build()
            self._refresh()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if self.searching:
            self._search_key(event)
            return
        key, mods = event.key, _mods(event)
        if (mods & pygame.KMOD_CTRL and key == pygame.K_f) or key == pygame.K_F3:
            self.focus = "list"
            self.search.begin(self.query)
            return
        if mods & pygame.KMOD_CTRL and key == pygame.K_s:
            self.cycle_sort()
            return
        if key == pygame.K_F5:
            self.ctx.library.start(self.ctx.settings.library.folders)
            return
        if key == pygame.K_ESCAPE:
            if self.focus == "setup":
                self.focus = "list"
            elif self.query:
                self.set_query("")
            else:
                self.nav.pop()
            return
        if key == pygame.K_TAB:
            self.focus = "setup" if self.focus == "list" and self.parts() else "list"
            return
        if self.focus == "setup":
            self.setup_menu.handle_key(key)
            return
        if mods & pygame.KMOD_ALT:
            name = pygame.key.name(key)
            if len(name) == 1 and name.isalnum():
                self.jump_to(name)
            return
        self._list_key(key)

    def _list_key(self, key: int) -> None:
        n = len(self.rows)
        if not n:
            return
        page = max(1, self._visible - 1)
        moves = {pygame.K_UP: -1, pygame.K_DOWN: 1, pygame.K_PAGEUP: -page, pygame.K_PAGEDOWN: page}
        if key in moves:
            step = moves[key]
            if abs(step) == 1:
                self.move_to((self.index + step) % n)
            else:
                self.move_to(self.index + step)
        elif key == pygame.K_HOME:
            self.move_to(0)
        elif key == pygame.K_END:
            self.move_to(n - 1)
        elif key in (pygame.K_RIGHT, pygame.K_RETURN, pygame.K_KP_ENTER):
            sel = self.selected
            if isinstance(sel, SkippedRow):
                self.nav.push(SkippedSongs())
            elif isinstance(sel, (ChartEntry, LibrarySong)):
                self.focus = "setup"
                self.setup_menu.select_label("Play")

    def _search_key(self, event: pygame.event.Event) -> None:
        key = event.key
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.search.editing = False  # the filter stays
            return
        if key == pygame.K_ESCAPE:
            self.search.editing = False
            self.set_query("")
            return
        if key in (pygame.K_UP, pygame.K_DOWN, pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self._list_key(key)
            return
        self.search.handle_key(event)
        if self.search.text != self.query:
            self.set_query(self.search.text)

    def set_query(self, query: str) -> None:
        self.query = query
        self.search.text = query
        self._refresh()

    def cycle_sort(self, step: int = 1) -> None:
        self.sort = w.cycle(SORTS, self.sort, step)
        self.ctx.settings.library.sort = cast(SongSort, self.sort)
        self.ctx.save_settings()
        self._refresh()
        self.notice = f"sorted by {SORT_NAMES[self.sort]}"

    def jump_to(self, letter: str) -> None:
        found = jump(self.rows, self.index, letter, self.sort)
        if found is None:
            self.notice = f"no song starts with {letter.upper()}"
        else:
            self.notice = ""
            self.move_to(found)

    # -- drawing --------------------------------------------------------------------------
    _visible = 8

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Choose a song", (30, 14), 40, theme.accent, bold=True)
        count = len(self.songs.library)
        summary = (f"{len(self.songs.bundled)} bundled + {count:,} library songs" if count else
                   f"{len(self.songs.bundled)} songs")
        w.text(surface, theme, f"{summary}   sort: {SORT_NAMES[self.sort]}", (width - 30, 26), 20,
               theme.text_dim, anchor="topright")
        list_rect = pygame.Rect(24, 104, int(width * 0.42), height - 150)
        self._draw_bar(surface, pygame.Rect(24, 62, list_rect.width, 34))
        self._draw_list(surface, list_rect)
        right = pygame.Rect(list_rect.right + 20, 62, width - list_rect.right - 44, height - 108)
        sel = self.selected
        if isinstance(sel, BrokenChart):
            self._draw_broken(surface, right, sel)
        elif isinstance(sel, ChartEntry):
            self._draw_entry(surface, right, sel)
        elif isinstance(sel, LibrarySong):
            self._draw_song(surface, right, sel)
        elif isinstance(sel, SkippedRow):
            self._draw_skipped(surface, right, sel)
        else:
            msg = f"No song matches \"{self.query}\"" if self.query else "No charts found"
            w.text(surface, theme, msg, right.topleft, 28, theme.bad)
        if self.searching:
            hint = "Type to search title, artist, charter   Up/Down: song   Enter: done   Esc: clear"
        elif self.focus == "list":
            hint = ("Up/Down PgUp/PgDn: song   Enter: set up   Ctrl+F: search   Ctrl+S: sort   "
                    "Alt+letter: jump   F5: rescan   Esc: back")
        else:
            hint = "Up/Down: row   Left/Right: change   Enter: play   Tab/Esc: back to songs"
        w.hint_bar(surface, theme, hint)

    def _draw_bar(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        """The search field, or the scan's progress, or what the last key did."""
        theme = self.ctx.theme
        status = self.ctx.library.status
        if self.searching or self.query:
            border = theme.accent if self.searching else theme.panel_border
            w.panel(surface, theme, rect, border=border)
            shown = self.search.shown() if self.searching else self.query
            mid = rect.centery
            w.text(surface, theme, "Search:", (rect.left + 10, mid), 20, theme.text_dim, anchor="midleft")
            w.text(surface, theme, w.fit(theme, shown, 22, rect.width - 220), (rect.left + 90, mid), 22,
                   theme.text, bold=True, anchor="midleft")
            found = sum(1 for r in self.rows if isinstance(r, (ChartEntry, LibrarySong)))
            w.text(surface, theme, f"{found:,} found", (rect.right - 10, rect.centery), 18, theme.accent2,
                   anchor="midright")
        elif status.scanning:
            label, fraction = scan_text(status.progress)
            progress_bar(surface, theme, rect, fraction, label, 18, busy_phase=self.time)
        elif status.error:
            w.text(surface, theme, w.fit(theme, status.error, 18, rect.width), (rect.left, rect.centery), 18,
                   theme.bad, anchor="midleft")
        elif self.notice:
            w.text(surface, theme, self.notice, (rect.left + 4, rect.centery), 18, theme.text_dim,
                   anchor="midleft")

    def _draw_list(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect, border=theme.accent if self.focus == "list" else None)
        visible = max(1, (rect.height - 12) // ROW_H)
        self._visible = visible
        n = len(self.rows)
        top = max(0, min(self.index - visible // 2, n - visible))
        y = rect.top + 6
        for i in range(top, min(n, top + visible)):
            row = self.rows[i]
            box = pygame.Rect(rect.left + 6, y, rect.width - 18, ROW_H - 6)
            if i == self.index:
                pygame.draw.rect(surface, theme.background_top, box, border_radius=6)
                pygame.draw.rect(surface, theme.accent, box, width=2, border_radius=6)
            self._draw_row(surface, box, row, i == self.index)
            y += ROW_H
        if n > visible:  # where the window is in a long list
            track = pygame.Rect(rect.right - 9, rect.top + 6, 4, rect.height - 12)
            bar_h = max(16, track.height * visible // n)
            bar_y = track.top + (track.height - bar_h) * top // max(1, n - visible)
            pygame.draw.rect(surface, theme.panel_border, (track.left, bar_y, 4, bar_h), border_radius=2)

    def _draw_row(self, surface: pygame.Surface, box: pygame.Rect, row: Row, current: bool) -> None:
        theme = self.ctx.theme
        x, width = box.left + 10, box.width - 20
        color = theme.accent if current else theme.text
        if isinstance(row, ChartEntry):
            w.text(surface, theme, w.fit(theme, row.title, 24, width - 80), (x, box.top + 5), 24, color,
                   bold=True)
            if len(row.parts) > 1:  # written for two: a lead and a partner part
                w.text(surface, theme, "DUET", (box.right - 10, box.top + 8), 16, theme.good, bold=True,
                       anchor="topright")
            info = f"{row.duration_text}   {row.bpm_text}   {len(row.sections)} sections   {row.artist}"
            w.text(surface, theme, w.fit(theme, info, 18, width), (x, box.top + 31), 18, theme.text_dim)
        elif isinstance(row, LibrarySong):
            s = row.summary
            w.text(surface, theme, w.fit(theme, s.title, 24, width - 80), (x, box.top + 5), 24, color,
                   bold=True)
            self._draw_tier(surface, (box.right - 12, box.top + 14), s.diff_drums)
            info = f"{s.artist or 'unknown artist'}   {minutes(s.length_ms)}"
            if s.charter:
                info += f"   charted by {s.charter}"
            w.text(surface, theme, w.fit(theme, info, 18, width), (x, box.top + 31), 18, theme.text_dim)
        elif isinstance(row, BrokenChart):
            w.text(surface, theme, f"BROKEN: {row.path.name}", (x, box.top + 5), 22, theme.bad, bold=True)
            msg = row.first_line.removeprefix(str(row.path)).lstrip(": ")
            w.text(surface, theme, w.fit(theme, msg, 16, width), (x, box.top + 32), 16, theme.text_dim)
        else:
            w.text(surface, theme, f"{len(row.skipped):,} song folder(s) skipped", (x, box.top + 5), 22,
                   theme.bad, bold=True)
            w.text(surface, theme, "Enter: see which, and why", (x, box.top + 32), 16, theme.text_dim)

    def _draw_tier(self, surface: pygame.Surface, right_top: tuple[int, int], tier: int | None) -> None:
        """The ini's drum difficulty as six dots (the community's 0-6 scale)."""
        if tier is None:
            return
        theme = self.ctx.theme
        right, top = right_top
        for k in range(6):
            center = (right - (5 - k) * 11 - 4, top)
            if k < tier:
                pygame.draw.circle(surface, theme.accent, center, 4)
            else:
                pygame.draw.circle(surface, theme.panel_border, center, 4, width=1)

    def _draw_broken(self, surface: pygame.Surface, rect: pygame.Rect, row: BrokenChart) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect, border=theme.bad)
        w.text(surface, theme, "This chart cannot be played", (rect.left + 16, rect.top + 12), 30, theme.bad,
               bold=True)
        w.text_block(surface, theme, row.message, rect.inflate(-32, -70).move(0, 30), 20, theme.text)

    def _draw_skipped(self, surface: pygame.Surface, rect: pygame.Rect, row: SkippedRow) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect, border=theme.bad)
        w.text(surface, theme, "Song folders that were skipped", (rect.left + 16, rect.top + 12), 30,
               theme.bad, bold=True)
        y = rect.top + 56
        for skipped in row.skipped[:8]:
            box = pygame.Rect(rect.left + 16, y, rect.width - 32, 60)
            y = w.text_block(surface, theme, f"{skipped.folder}: {skipped.reason}", box, 18, theme.text,
                             max_lines=2) + 6
        w.text(surface, theme, "Enter: the full list", (rect.left + 16, rect.bottom - 34), 20, theme.accent)

    def _draw_entry(self, surface: pygame.Surface, rect: pygame.Rect, entry: ChartEntry) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect)
        x = rect.left + 16
        w.text(surface, theme, w.fit(theme, entry.title, 36, rect.width - 32), (x, rect.top + 10), 36,
               theme.accent, bold=True)
        info = w.fit(theme, f"{entry.duration_text}  -  {entry.bpm_text}  -  parts: {', '.join(entry.parts)}"
                     f"  -  {entry.artist}", 20, rect.width - 32)
        w.text(surface, theme, info, (x, rect.top + 50), 20, theme.text_dim)
        y = w.text_block(surface, theme, "Sections: " + (", ".join(entry.sections) or "none"),
                         pygame.Rect(x, rect.top + 76, rect.width - 32, 44), 18, theme.text, max_lines=2)
        self._draw_setup_and_scores(surface, rect, y, entry.id)

    def _draw_song(self, surface: pygame.Surface, rect: pygame.Rect, song: LibrarySong) -> None:
        theme = self.ctx.theme
        s = song.summary
        w.panel(surface, theme, rect)
        x, width = rect.left + 16, rect.width - 32
        w.text(surface, theme, w.fit(theme, s.title, 36, width), (x, rect.top + 10), 36, theme.accent,
               bold=True)
        album = f"  -  {s.album}" if s.album else ""
        year = f" ({s.year})" if s.year else ""
        w.text(surface, theme, w.fit(theme, f"{s.artist}{album}{year}", 20, width), (x, rect.top + 50), 20,
               theme.text)
        facts = [minutes(s.length_ms), DRUM_TYPES.get(s.drum_type, s.drum_type), f"{s.sections} sections"]
        if s.charter:
            facts.append(f"charted by {s.charter}")
        w.text(surface, theme, w.fit(theme, "  -  ".join(facts), 18, width), (x, rect.top + 76), 18,
               theme.text_dim)
        notes = "   ".join(f"{d} {s.notes.get(d, 0):,}" for d in DIFFICULTIES)
        w.text(surface, theme, w.fit(theme, f"Notes: {notes}", 18, width), (x, rect.top + 98), 18,
               theme.text_dim)
        stems = ", ".join(s.stems) if s.stems else "none (the game plays a synthesized backing)"
        y = w.text_block(surface, theme, f"Audio: {stems}", pygame.Rect(x, rect.top + 120, width, 40), 18,
                         theme.text_dim, max_lines=1)
        if s.warnings:
            y = w.text_block(surface, theme, s.warnings[0], pygame.Rect(x, y, width, 40), 16, theme.bad,
                             max_lines=1)
        self._draw_setup_and_scores(surface, rect, y, song_id(s.artist, s.title, s.charter))

    def _draw_setup_and_scores(self, surface: pygame.Surface, rect: pygame.Rect, y: int,
                               chart_id: str) -> None:
        x = rect.left + 16
        menu_rect = pygame.Rect(x - 6, y + 6, rect.width - 20, 8 * 38)
        self._draw_setup(surface, menu_rect)
        self._draw_scores(surface, pygame.Rect(x, menu_rect.bottom + 8, rect.width - 32,
                                               rect.bottom - menu_rect.bottom - 16), chart_id)

    def _draw_setup(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.ctx.theme
        focused = self.focus == "setup"
        y = rect.top
        for i, item in enumerate(self.setup_menu.items):
            row = pygame.Rect(rect.left, y, rect.width, 32)
            is_sel = focused and i == self.setup_menu.selected
            if is_sel:
                pygame.draw.rect(surface, theme.accent, row, width=2, border_radius=5)
            player = 0 if item.label.startswith("P1") else 1 if item.label.startswith("P2") else None
            color = theme.player_colors[player] if player is not None else theme.accent
            w.text(surface, theme, item.label, (row.left + 10, row.centery), 22, color, anchor="midleft")
            if item.value is not None:
                value = item.value()
                shown = f"<  {value}  >" if is_sel else value
                w.text(surface, theme, shown, (row.left + 200, row.centery), 22,
                       theme.text if is_sel else theme.text_dim, anchor="midleft")
            y += 36

    def high_scores(self, player: int, chart_id: str | None = None) -> list[ScoreRow]:
        """The table shown for `player`'s song/part/difficulty (asked of the database once
        per song and choice, not per frame)."""
        if chart_id is None:
            sel = self.selected
            if isinstance(sel, ChartEntry):
                chart_id = sel.id
            elif isinstance(sel, LibrarySong):
                chart_id = song_id(sel.summary.artist, sel.summary.title, sel.summary.charter)
            else:
                return []
        ps = self.ctx.settings.players[player]
        key = (chart_id, ps.part, ps.difficulty)
        rows = self._scores.get(key)
        if rows is None:
            rows = self.ctx.scores.top(chart_id, ps.part, ps.difficulty, limit=5)
            self._scores[key] = rows
        return rows

    def _draw_scores(self, surface: pygame.Surface, rect: pygame.Rect, chart_id: str) -> None:
        theme = self.ctx.theme
        col_w = rect.width // 2
        for p, ps in enumerate(self.ctx.settings.players):
            x = rect.left + p * col_w
            w.text(surface, theme, f"High scores: {ps.part} / {ps.difficulty}", (x, rect.top), 20,
                   theme.player_colors[p], bold=True)
            rows: Sequence[ScoreRow] = self.high_scores(p, chart_id)
            if not rows:
                w.text(surface, theme, "no scores yet", (x, rect.top + 26), 18, theme.text_dim)
            for k, row in enumerate(rows):
                line = f"{k + 1}. {row.player_name[:12]:<12}  {row.score:>9,}  {row.accuracy:5.1f}%"
                w.text(surface, theme, line, (x, rect.top + 26 + 22 * k), 18, theme.text)
