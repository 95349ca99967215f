"""Results: each player's numbers and timing plots, the pair's sync, and where to practise.

Everything shown comes from the engine's `Result` (the same object a replay re-scores
to); the scene adds only what the database knows (new best, rank). Scores and the
replay are saved once, when the scene is created. AI players' scores are not stored:
a high-score table is for people.
"""

from __future__ import annotations

import gzip
import time
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import plots
from duet_drums.app import widgets as w
from duet_drums.app.scenes.base import MenuScene
from duet_drums.core.replay import replay_from_session, replay_to_json
from duet_drums.core.result import PlayerResult, Result
from duet_drums.core.rules import JUDGEMENT_ORDER, rules_for
from duet_drums.core.session import DuetSession
from duet_drums.storage.scores import SaveOutcome, ScoreEntry

if TYPE_CHECKING:
    from duet_drums.app.main import App
    from duet_drums.app.scenes.play import PlaySetup


def leader_text(mean_asynchrony_ms: float | None) -> str:
    """Asynchrony is P1 minus P2: positive means P2 hit first."""
    if mean_asynchrony_ms is None:
        return "no shared notes were both hit"
    ms = abs(mean_asynchrony_ms)
    if ms < 1.0:
        return "dead level"
    who = "P2" if mean_asynchrony_ms > 0 else "P1"
    return f"{who} ahead by {ms:.1f} ms"


class ResultsScene(MenuScene):
    def __init__(self, app: App, setup: PlaySetup, session: DuetSession, result: Result):
        super().__init__(app)
        self.setup = setup
        self.session = session
        self.result = result
        self.rules = rules_for(result.strictness)
        self.saved: list[SaveOutcome | None] = [None, None]
        self.save_error: str | None = None
        self._save()
        items = [w.MenuItem("Continue", self.continue_), w.MenuItem("Retry", self.retry)]
        weakest = result.sync.weakest_section
        if weakest:
            items.append(w.MenuItem(f"Practice this: {weakest}", self.practice_weakest))
        self.menu = w.Menu(items, size=22, row_height=34)

    # -- storage --------------------------------------------------------------------------
    def _save(self) -> None:
        setup = self.setup
        if setup.loop_section is not None or all(c.is_ai for c in setup.players):
            return
        entry = setup.entry
        replay = replay_from_session(self.session, entry.id, created=time.strftime("%Y-%m-%dT%H:%M:%S"),
                                     calibration=self.ctx.settings.calibration.model_dump())
        blob = gzip.compress(replay_to_json(replay).encode("utf-8"), mtime=0)
        try:
            for p, (choice, pr) in enumerate(zip(setup.players, self.result.players, strict=True)):
                if choice.is_ai:
                    continue
                partner = setup.players[1 - p].display_name
                self.saved[p] = self.ctx.scores.save(ScoreEntry(
                    chart_id=entry.id, chart_hash=entry.hash, part=pr.part, difficulty=pr.difficulty,
                    player_name=choice.name, player_index=p, score=pr.score, accuracy=pr.accuracy,
                    max_combo=pr.max_combo, counts={str(k): v for k, v in pr.counts.items()},
                    sync_percent=self.result.sync.sync_percent, partner=partner, speed=setup.speed,
                ), replay=blob)
        except Exception as exc:  # a full disk must not eat the results screen
            self.save_error = f"could not save the score: {exc}"

    # -- actions -------------------------------------------------------------------------
    def continue_(self) -> None:
        from duet_drums.app.scenes.song_select import SongSelectScene

        if any(isinstance(s, SongSelectScene) for s in self.app.stack[:-1]):
            self.app.pop_to(SongSelectScene)
        else:
            self.app.replace(SongSelectScene(self.app))

    def retry(self) -> None:
        from duet_drums.app.scenes.play import PlayScene

        self.app.replace(PlayScene(self.app, self.setup))

    def practice_weakest(self) -> None:
        from duet_drums.app.scenes.practice import PracticeScene

        self.app.replace(PracticeScene(self.app, self.setup, section=self.result.sync.weakest_section))

    def back(self) -> None:
        self.continue_()

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
        lines = [f"Sync {s.sync_percent:.1f}%", leader_text(s.mean_asynchrony_ms),
                 f"{s.unisons} unisons, {s.missed_unisons} missed", f"Duet bonus {s.duet_bonus_points:,}"]
        if s.weakest_section:
            lines.append(f"Practice this: {s.weakest_section}")
        return lines

    # -- drawing ----------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
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
        hint = "Up/Down + Enter: choose   Esc: back to songs"
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
        menu_rect = pygame.Rect(x - 6, y + 144, 290, rect.bottom - y - 150)
        self.menu.draw(surface, theme, menu_rect)
        left = rect.left + 310
        bars_w = 330
        line_w = rect.right - left - bars_w - 24
        plots.sync_over_song(surface, theme, pygame.Rect(left, rect.top + 8, line_w, rect.height - 16),
                             s.timeline, self.setup.entry.duration_s, s.sections, s.weakest_section)
        plots.section_bars(surface, theme, pygame.Rect(left + line_w + 12, rect.top + 8, bars_w,
                                                       rect.height - 16), s.sections, s.weakest_section)
