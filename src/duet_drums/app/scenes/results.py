"""Results: each player's numbers and timing plots, the pair's sync, and where to practise.

Everything shown comes from the engine's `Result` (the same object a replay re-scores
to) and from what saving it did (new best, previous best), which the route brings: the
score was saved once, when the song completed (`run_records`), so opening or redrawing
this screen never writes anything.

Two pages, Tab between them: the scores, and the duo coach's panel. The coach page
draws the coach's report (made with the save, carried by the route): its messages, each
with the drill it offers as a button; per player accuracy, precision, unstable rate,
each drum's lean and early/late counts and the tempo curve; for the pair, who is ahead
on each drum pairing with its interval, the spread, who adapts to whom and the joint
drift curve. A 1280x720 window has no room for both pages' plots at once, and the
coach's needs its own: a plot a player can read beats four squeezed ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import coach_view as cv
from duet_drums.app import plots
from duet_drums.app import widgets as w
from duet_drums.app.coach_panel import CoachPage
from duet_drums.app.routes import PairHistory, Play, Practice, Results, SongSelect
from duet_drums.app.scenes.base import MenuScene
from duet_drums.core.drills import DrillOffer
from duet_drums.core.result import PlayerResult
from duet_drums.core.rules import JUDGEMENT_ORDER, Rules

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator


def leader_text(mean_asynchrony_ms: float | None, rules: Rules) -> str:
    """Who led over the song, by the rules' full-credit sync window: inside it the pair
    lost nothing, so they are "together" (asynchrony is P1 minus P2: positive means P2
    hit first)."""
    leader = rules.leader_of(mean_asynchrony_ms)
    if mean_asynchrony_ms is None or not leader:
        return "no shared notes were both hit"
    ms = abs(mean_asynchrony_ms)
    if leader == "together":  # say who was ahead all the same: "apart" read as a spread
        if ms < 0.05:
            return "together: 0.0 ms apart"
        first = "P2" if mean_asynchrony_ms > 0 else "P1"
        return f"together: {first} {ms:.1f} ms ahead (< {rules.sync_full * 1000:g} ms)"
    return f"{leader} ahead by {ms:.1f} ms"


class ResultsScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Results) -> None:
        super().__init__(nav, ctx)
        self.setup = route.setup
        self.result = result = route.result
        self.rules = route.rules
        self.saved = route.report.saved
        self.save_error = route.report.error
        self.coach = route.coach
        self.page = "score"
        items = [w.MenuItem("Continue", self.continue_), w.MenuItem("Retry", self.retry)]
        if self.coach is not None:
            n = len(self.coach.report.messages)
            items.append(w.MenuItem(f"Coach: {n} tip{'s' * (n != 1)}" if n else "Coach", self.show_coach))
        weakest = result.sync.weakest_section
        if weakest:
            items.append(w.MenuItem(f"Practice this: {weakest}", self.practice_weakest))
        self.score_menu = w.Menu(items, size=19, row_height=26)
        self.coach_menu = w.Menu(self._coach_items(), size=18, row_height=30)
        self.menu = self.score_menu
        self.coach_page = None if self.coach is None else CoachPage(
            ctx.theme, self.coach, self.coach_menu, self.rules, self.setup.entry.duration_s,
            result.chart_title)

    # -- actions -------------------------------------------------------------------------
    def continue_(self) -> None:
        self.nav.back_to(SongSelect, otherwise=SongSelect())

    def retry(self) -> None:
        self.nav.replace(Play(self.setup))

    def practice_weakest(self) -> None:
        self.nav.replace(Practice(self.setup, section=self.result.sync.weakest_section))

    def back(self) -> None:
        self.continue_()

    def show_coach(self) -> None:
        self.page, self.menu = "coach", self.coach_menu

    def show_scores(self) -> None:
        self.page, self.menu = "score", self.score_menu

    def practise(self, offer: DrillOffer) -> None:
        self.nav.replace(Practice(self.setup, section=offer.section, offer=offer))

    def _practises(self, offer: DrillOffer) -> Callable[[], None]:
        return lambda: self.practise(offer)

    def pair_history(self) -> None:
        pair = self.coach.pair if self.coach is not None else None
        self.nav.push(PairHistory(names=pair, chart_id=None))

    def _coach_items(self) -> list[w.MenuItem]:
        """The coach page's buttons: each message's drill, then the pair's history."""
        items: list[w.MenuItem] = []
        if self.coach is not None:
            for offer in self.coach.offers:
                if offer is not None:
                    items.append(w.MenuItem(offer.label, self._practises(offer)))
        if self.coach is not None and self.coach.pair is not None:
            items.append(w.MenuItem("Pair history", self.pair_history))
        items += [w.MenuItem("Scores", self.show_scores), w.MenuItem("Continue", self.continue_)]
        return items

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_TAB and self.coach is not None:
            self.show_scores() if self.page == "coach" else self.show_coach()
            return
        super().handle_event(event)

    # -- what is shown -------------------------------------------------------------------
    def player_lines(self, p: int) -> list[str]:
        """The text of a player's panel (tests compare it with the Result)."""
        pr = self.result.players[p]
        lines = [f"{pr.score:,}", f"Accuracy {pr.accuracy:.1f}%", f"Max combo {pr.max_combo}"]
        lines += [f"{j.value.capitalize()} {pr.counts.get(j, 0)}" for j in JUDGEMENT_ORDER]
        lines.append(f"Overhits {pr.overhits}")
        if pr.mean_error_ms is not None and pr.std_error_ms is not None:
            lean = "early" if pr.mean_error_ms < 0 else "late"
            lines.append(f"Timing {abs(pr.mean_error_ms):.1f} ms {lean}, spread {pr.std_error_ms:.1f} ms")
        return lines

    def sync_lines(self) -> list[str]:
        s = self.result.sync
        lines = [f"Sync {s.sync_percent:.1f}%", leader_text(s.mean_asynchrony_ms, self.rules),
                 f"{s.unisons} unisons, {s.missed_unisons} missed", f"Duet bonus {s.duet_bonus_points:,}"]
        if s.weakest_section:
            lines.append(f"Practice this: {s.weakest_section}")
        return lines

    def coach_lines(self) -> list[str]:
        """The words of the coach page (tests compare them with the replay's report)."""
        return cv.panel_text(self.coach) if self.coach is not None else []

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        if self.page == "coach" and self.coach_page is not None:
            self.coach_page.draw(surface)
            return
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        title = f"Results - {self.result.chart_title}"
        if self.setup.speed != 1.0:
            title += f" ({round(self.setup.speed * 100)}% speed: practice, not ranked)"
        w.text(surface, theme, title, (20, 10), 34, theme.accent, bold=True)
        w.text(surface, theme, f"strictness: {self.result.strictness}", (width - 20, 18), 18, theme.text_dim,
               anchor="topright")
        col_w = (width - 60) // 2
        top = 52
        player_h = int((height - 52 - 34) * 0.56)
        for p in (0, 1):
            self._draw_player(surface, pygame.Rect(20 + p * (col_w + 20), top, col_w, player_h), p)
        sync_top = top + player_h + 8
        self._draw_sync(surface, pygame.Rect(20, sync_top, width - 40, height - sync_top - 42))
        hint = "Up/Down + Enter: choose   " + ("Tab: coach   " if self.coach else "") + "Esc: back to songs"
        if self.save_error:
            hint = self.save_error
        w.hint_bar(surface, theme, hint)

    def _draw_player(self, surface: pygame.Surface, rect: pygame.Rect, p: int) -> None:
        theme = self.ctx.theme
        pr: PlayerResult = self.result.players[p]
        color = theme.player_colors[p]
        w.panel(surface, theme, rect, border=color)
        x, y = rect.left + 14, rect.top + 8
        w.text(surface, theme, f"P{p + 1}  {pr.name}", (x, y), 24, color, bold=True)
        w.text(surface, theme, f"{pr.part} / {pr.difficulty}", (rect.right - 14, y + 2), 20, theme.text_dim,
               anchor="topright")
        lines = self.player_lines(p)
        w.text(surface, theme, lines[0], (x, y + 28), 44, theme.text, bold=True)
        saved = self.saved[p]
        if saved is not None and saved.new_best:
            w.text(surface, theme, "NEW BEST!", (x + 260, y + 40), 26, theme.accent, bold=True)
        elif saved is not None and saved.previous_best is not None:
            w.text(surface, theme, f"best {saved.previous_best:,}", (x + 260, y + 44), 20, theme.text_dim)
        w.text(surface, theme, f"{lines[1]}    {lines[2]}", (x, y + 76), 22, theme.text)
        cx = x
        for j in JUDGEMENT_ORDER:
            label = f"{j.value.capitalize()} {pr.counts.get(j, 0)}"
            r = w.text(surface, theme, label, (cx, y + 104), 20, theme.judgement_color(j.value), bold=True)
            cx = r.right + 16
        w.text(surface, theme, lines[7], (cx, y + 104), 20, theme.text_dim)
        if len(lines) > 8:
            w.text(surface, theme, lines[8], (x, y + 128), 18, theme.text_dim)
        plot_top = y + 152
        plot_h = rect.bottom - plot_top - 8
        half = (rect.width - 36) // 2
        errors = [e for _, e, _ in pr.timeline if e is not None]
        plots.error_histogram(surface, theme, pygame.Rect(x, plot_top, half, plot_h), errors, self.rules)
        plots.error_over_song(surface, theme, pygame.Rect(x + half + 8, plot_top, half, plot_h),
                              pr.timeline, self.setup.entry.duration_s, self.rules)

    def _draw_sync(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.ctx.theme
        s = self.result.sync
        w.panel(surface, theme, rect, border=theme.accent2)
        x, y = rect.left + 14, rect.top + 8
        lines = self.sync_lines()
        w.text(surface, theme, "Together", (x, y), 22, theme.accent2, bold=True)
        w.text(surface, theme, lines[0], (x, y + 26), 40, theme.text, bold=True)
        for k, line in enumerate(lines[1:4]):
            w.text(surface, theme, line, (x, y + 72 + 22 * k), 18, theme.text_dim)
        menu_rect = pygame.Rect(x - 6, y + 138, 290, rect.bottom - y - 142)
        self.menu.draw(surface, theme, menu_rect)
        left = rect.left + 310
        bars_w = 330
        line_w = rect.right - left - bars_w - 24
        plots.sync_over_song(surface, theme, pygame.Rect(left, rect.top + 8, line_w, rect.height - 16),
                             s.timeline, self.setup.entry.duration_s, s.sections, s.weakest_section)
        plots.section_bars(surface, theme, pygame.Rect(left + line_w + 12, rect.top + 8, bars_w,
                                                       rect.height - 16), s.sections, s.weakest_section)
