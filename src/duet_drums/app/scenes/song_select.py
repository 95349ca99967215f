"""Song select: pick a chart, and for each player a part, a difficulty and an input.

Broken charts are listed too, greyed, with the loader's message (file and JSON path), so
a chart author sees why their file is missing instead of wondering. The high-score
tables follow the selection: one per player for their chart/part/difficulty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, cast

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.catalog import BrokenChart, ChartEntry
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.routes import Play, Practice, SongSelect
from duet_drums.app.scenes.base import Scene
from duet_drums.core.chart import DIFFICULTIES, Difficulty
from duet_drums.settings import InputKind
from duet_drums.storage.scores import ScoreRow

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

INPUT_KINDS: tuple[InputKind, ...] = ("keyboard", "midi", "ai")
SetupField = Literal["part", "difficulty", "input"]


def input_label(kind: str, player: int, ports: list[str]) -> str:
    if kind == "keyboard":
        return "keyboard (left half)" if player == 0 else "keyboard (right half)"
    if kind == "midi":
        return f"kit: {ports[0]}" if ports else "MIDI kit (none assigned)"
    return "AI partner"


class SongSelectScene(Scene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: SongSelect) -> None:
        super().__init__(nav, ctx)
        self.index = 0
        self.focus = "list"  # or "setup"
        self.setup_menu = w.Menu(self._setup_items(), size=24, row_height=38)

    # -- selection -----------------------------------------------------------------------
    @property
    def rows(self) -> list[ChartEntry | BrokenChart]:
        return [*self.ctx.catalog.charts, *self.ctx.catalog.broken]

    @property
    def selected(self) -> ChartEntry | BrokenChart | None:
        rows = self.rows
        return rows[self.index] if rows else None

    @property
    def entry(self) -> ChartEntry | None:
        sel = self.selected
        return sel if isinstance(sel, ChartEntry) else None

    def select_chart(self, chart_id: str) -> None:
        for i, row in enumerate(self.rows):
            if isinstance(row, ChartEntry) and row.id == chart_id:
                self.index = i
                self._fit_parts()
                return
        raise KeyError(chart_id)

    def _fit_parts(self) -> None:
        """Keep each player's part valid for the selected chart (P1 the first part, P2
        the second, when their saved part is not in this chart)."""
        entry = self.entry
        if entry is None:
            return
        for p, ps in enumerate(self.ctx.settings.players):
            if ps.part not in entry.parts:
                ps.part = entry.parts[min(p, len(entry.parts) - 1)]

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
        entry = self.entry
        if field == "part" and entry is not None:
            ps.part = w.cycle(entry.parts, ps.part, step)
        elif field == "difficulty":
            # DIFFICULTIES lists exactly the Difficulty literals (validated on assignment too).
            ps.difficulty = cast(Difficulty, w.cycle(DIFFICULTIES, ps.difficulty, step))
        elif field == "input":
            ps.input = w.cycle(INPUT_KINDS, ps.input, step)
            if ps.input == "midi":
                self.ctx.midi()  # start listening so the kit is ready when the song starts

    def setup(self, speed: float = 1.0, loop_section: str | None = None) -> PlaySetup | None:
        entry = self.entry
        if entry is None:
            return None
        self._fit_parts()
        players = tuple(PlayerChoice.from_settings(ps) for ps in self.ctx.settings.players)
        return PlaySetup(entry, (players[0], players[1]), speed=speed, loop_section=loop_section)

    def start(self) -> None:
        setup = self.setup()
        if setup is None:
            return
        self.ctx.save_settings()  # the choices are remembered for next time
        self.nav.push(Play(setup))

    def practice(self) -> None:
        setup = self.setup()
        if setup is None:
            return
        self.ctx.save_settings()
        self.nav.push(Practice(setup))

    # -- events -------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        key = event.key
        if key == pygame.K_ESCAPE:
            if self.focus == "setup":
                self.focus = "list"
            else:
                self.nav.pop()
            return
        if key == pygame.K_TAB:
            self.focus = "setup" if self.focus == "list" else "list"
            return
        if self.focus == "setup":
            self.setup_menu.handle_key(key)
            return
        n = len(self.rows)
        if key == pygame.K_UP and n:
            self.index = (self.index - 1) % n
            self._fit_parts()
        elif key == pygame.K_DOWN and n:
            self.index = (self.index + 1) % n
            self._fit_parts()
        elif key in (pygame.K_RIGHT, pygame.K_RETURN, pygame.K_KP_ENTER) and self.entry is not None:
            self.focus = "setup"
            self.setup_menu.select_label("Play")

    # -- drawing --------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, "Choose a song", (30, 18), 40, theme.accent, bold=True)
        list_rect = pygame.Rect(24, 70, int(width * 0.40), height - 120)
        self._draw_list(surface, list_rect)
        right = pygame.Rect(list_rect.right + 20, 70, width - list_rect.right - 44, height - 120)
        sel = self.selected
        if isinstance(sel, BrokenChart):
            self._draw_broken(surface, right, sel)
        elif isinstance(sel, ChartEntry):
            self._draw_entry(surface, right, sel)
        else:
            w.text(surface, theme, "No charts found", right.topleft, 28, theme.bad)
        hint = ("Up/Down: song   Enter/Tab: set up players   Esc: back" if self.focus == "list" else
                "Up/Down: row   Left/Right: change   Enter: play   Tab/Esc: back to songs")
        w.hint_bar(surface, theme, hint)

    def _draw_list(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect, border=theme.accent if self.focus == "list" else None)
        row_h = 64
        visible = max(1, (rect.height - 12) // row_h)
        top = max(0, min(self.index - visible // 2, len(self.rows) - visible))
        y = rect.top + 6
        for i, row in enumerate(self.rows[top: top + visible], start=top):
            box = pygame.Rect(rect.left + 6, y, rect.width - 12, row_h - 6)
            if i == self.index:
                pygame.draw.rect(surface, theme.background_top, box, border_radius=6)
                pygame.draw.rect(surface, theme.accent, box, width=2, border_radius=6)
            if isinstance(row, ChartEntry):
                w.text(surface, theme, row.title, (box.left + 10, box.top + 6), 26,
                       theme.accent if i == self.index else theme.text, bold=True)
                info = f"{row.duration_text}   {row.bpm_text}   {len(row.sections)} sections   {row.artist}"
                info = w.fit(theme, info, 18, box.width - 20)
                w.text(surface, theme, info, (box.left + 10, box.top + 34), 18, theme.text_dim)
            else:
                w.text(surface, theme, f"BROKEN: {row.path.name}", (box.left + 10, box.top + 6), 24,
                       theme.bad, bold=True)
                msg = row.first_line.removeprefix(str(row.path)).lstrip(": ")
                msg = w.fit(theme, msg, 16, box.width - 20)
                w.text(surface, theme, msg, (box.left + 10, box.top + 34), 16, theme.text_dim)
            y += row_h

    def _draw_broken(self, surface: pygame.Surface, rect: pygame.Rect, row: BrokenChart) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect, border=theme.bad)
        w.text(surface, theme, "This chart cannot be played", (rect.left + 16, rect.top + 12), 30, theme.bad,
               bold=True)
        w.text_block(surface, theme, row.message, rect.inflate(-32, -70).move(0, 30), 20, theme.text)

    def _draw_entry(self, surface: pygame.Surface, rect: pygame.Rect, entry: ChartEntry) -> None:
        theme = self.ctx.theme
        w.panel(surface, theme, rect)
        x = rect.left + 16
        w.text(surface, theme, entry.title, (x, rect.top + 10), 36, theme.accent, bold=True)
        info = w.fit(theme, f"{entry.duration_text}  -  {entry.bpm_text}  -  parts: {', '.join(entry.parts)}"
                     f"  -  {entry.artist}", 20, rect.width - 32)
        w.text(surface, theme, info, (x, rect.top + 50), 20, theme.text_dim)
        y = w.text_block(surface, theme, "Sections: " + (", ".join(entry.sections) or "none"),
                         pygame.Rect(x, rect.top + 76, rect.width - 32, 44), 18, theme.text, max_lines=2)
        menu_rect = pygame.Rect(x - 6, y + 6, rect.width - 20, 8 * 38)
        self._draw_setup(surface, menu_rect)
        self._draw_scores(surface, pygame.Rect(x, menu_rect.bottom + 8, rect.width - 32,
                                               rect.bottom - menu_rect.bottom - 16), entry)

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

    def high_scores(self, player: int) -> list[ScoreRow]:
        """The table shown for `player`'s chart/part/difficulty."""
        entry = self.entry
        if entry is None:
            return []
        ps = self.ctx.settings.players[player]
        return self.ctx.scores.top(entry.id, ps.part, ps.difficulty, limit=5)

    def _draw_scores(self, surface: pygame.Surface, rect: pygame.Rect, entry: ChartEntry) -> None:
        theme = self.ctx.theme
        col_w = rect.width // 2
        for p, ps in enumerate(self.ctx.settings.players):
            x = rect.left + p * col_w
            w.text(surface, theme, f"High scores: {ps.part} / {ps.difficulty}", (x, rect.top), 20,
                   theme.player_colors[p], bold=True)
            rows = self.high_scores(p)
            if not rows:
                w.text(surface, theme, "no scores yet", (x, rect.top + 26), 18, theme.text_dim)
            for k, row in enumerate(rows):
                line = f"{k + 1}. {row.player_name[:12]:<12}  {row.score:>9,}  {row.accuracy:5.1f}%"
                w.text(surface, theme, line, (x, rect.top + 26 + 22 * k), 18, theme.text)
