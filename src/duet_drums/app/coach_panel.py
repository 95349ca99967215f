"""The results screen's coach page, drawn from a `CoachOutcome` (report + drill offers).

Top to bottom, in the order a pair reads it: what to practise (at most three messages,
each with its drill as a button), each player (accuracy, precision, unstable rate, each
drum's lean with early/late counts, tempo against the click), and the pair (who is ahead
on which drum, spread, who adapts to whom, the joint drift curve). The words come from
`coach_view`, the plots from `coach_plots`; this module only places them.

The buttons are one `widgets.Menu` (Up/Down, Enter) owned by the results scene: the
first items are the messages' drills in message order, the rest (pair history, scores,
continue) sit in the title row.
"""

from __future__ import annotations

import pygame

from duet_drums.app import coach_plots
from duet_drums.app import coach_view as cv
from duet_drums.app import widgets as w
from duet_drums.app.run_records import CoachOutcome
from duet_drums.app.theme import RGB, Theme
from duet_drums.core.coach_models import PlayerCoach
from duet_drums.core.rules import Rules

MESSAGE_SIZE = 17
ROW_H = 52
BUTTON_W = 300


def _button(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, label: str, selected: bool) -> None:
    pygame.draw.rect(surface, theme.panel if not selected else (60, 52, 30), rect, border_radius=6)
    edge = theme.accent if selected else theme.panel_border
    pygame.draw.rect(surface, edge, rect, width=2, border_radius=6)
    shown = w.fit(theme, label, 17, rect.width - 16)
    w.text(surface, theme, shown, rect.center, 17, theme.accent if selected else theme.text, bold=selected,
           anchor="center")


class CoachPage:
    def __init__(self, theme: Theme, outcome: CoachOutcome, menu: w.Menu, rules: Rules, duration: float,
                 title: str) -> None:
        self.theme = theme
        self.outcome = outcome
        self.menu = menu
        self.rules = rules
        self.duration = duration
        self.title = title
        # Menu index of each message's drill button (None: that message offers none).
        self.button_of: list[int | None] = []
        k = 0
        for offer in outcome.offers:
            self.button_of.append(None if offer is None else k)
            k += offer is not None
        self.first_other = k

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, f"Coach - {self.title}", (20, 10), 30, theme.accent, bold=True)
        self._other_buttons(surface, width)
        n = len(self.outcome.report.messages)
        msg = pygame.Rect(20, 50, width - 40, 30 + max(1, n) * ROW_H)
        self._messages(surface, msg)
        top = msg.bottom + 8
        bottom = height - 42
        players_h = (bottom - top - 8) // 2
        col_w = (width - 60) // 2
        for p in (0, 1):
            self._player(surface, pygame.Rect(20 + p * (col_w + 20), top, col_w, players_h), p)
        self._pair(surface, pygame.Rect(20, top + players_h + 8, width - 40, bottom - top - players_h - 8))
        w.hint_bar(surface, theme, "Up/Down + Enter: choose   Tab: scores   Esc: back to songs")

    # -- parts -------------------------------------------------------------------------------
    def _other_buttons(self, surface: pygame.Surface, width: int) -> None:
        items = self.menu.items[self.first_other:]
        x = width - 20
        for i in range(len(items) - 1, -1, -1):
            label = items[i].label
            bw = max(110, self.theme.font(17).size(label)[0] + 28)
            rect = pygame.Rect(x - bw, 8, bw, 34)
            _button(surface, self.theme, rect, label, self.menu.selected == self.first_other + i)
            x = rect.left - 10

    def _messages(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.theme
        w.panel(surface, theme, rect, border=theme.accent)
        w.text(surface, theme, "What to practise (best first: the sync each would win back)",
               (rect.left + 14, rect.top + 6), 18, theme.accent, bold=True)
        rows = cv.message_rows(self.outcome)
        if not rows:
            w.text(surface, theme, cv.NO_MESSAGES, (rect.left + 14, rect.top + 40), MESSAGE_SIZE, theme.text)
            return
        button_w = min(BUTTON_W, rect.width * 3 // 10)
        text_w = rect.width - button_w - 70
        for k, (message, offer) in enumerate(rows):
            y = rect.top + 30 + k * ROW_H
            pygame.draw.circle(surface, theme.accent, (rect.left + 24, y + 14), 11)
            w.text(surface, theme, str(k + 1), (rect.left + 24, y + 14), 16, theme.background, bold=True,
                   anchor="center")
            w.text_block(surface, theme, message, pygame.Rect(rect.left + 44, y + 2, text_w, ROW_H - 4),
                         MESSAGE_SIZE, theme.text, max_lines=2)
            index = self.button_of[k] if k < len(self.button_of) else None
            if offer is not None and index is not None:
                button = pygame.Rect(rect.right - button_w - 14, y + 6, button_w, 36)
                _button(surface, theme, button, offer, self.menu.selected == index)

    def _player(self, surface: pygame.Surface, rect: pygame.Rect, p: int) -> None:
        theme = self.theme
        pc: PlayerCoach = self.outcome.report.players[p]
        color = theme.player_colors[p]
        w.panel(surface, theme, rect, border=color)
        x, y = rect.left + 12, rect.top + 6
        name = w.text(surface, theme, f"P{p + 1}  {pc.label}", (x, y), 20, color, bold=True)
        w.text(surface, theme, w.fit(theme, cv.player_summary(pc), 16, rect.right - name.right - 26),
               (name.right + 14, y + 3), 16, theme.text)
        w.text(surface, theme, w.fit(theme, cv.player_drift(pc), 15, rect.width - 24), (x, y + 26), 15,
               theme.text_dim)
        plot_top = y + 48
        plot_h = rect.bottom - plot_top - 6
        half = (rect.width - 30) // 2
        coach_plots.piece_timing(surface, theme, pygame.Rect(x, plot_top, half + 30, plot_h), pc.pieces,
                                 self.rules)
        coach_plots.tempo_curve(surface, theme, pygame.Rect(x + half + 36, plot_top, half - 30, plot_h),
                                "Tempo vs click (BPM)", [(pc.label, color, pc.tempo.curve)],
                                pc.tempo.windows, self.duration)

    def _pair(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        theme = self.theme
        r = self.outcome.report
        w.panel(surface, theme, rect, border=theme.accent2)
        x, y = rect.left + 12, rect.top + 6
        left_w = min(330, rect.width * 27 // 100)
        w.text(surface, theme, f"Together: sync {r.pair.sync_percent:.1f} %", (x, y), 20, theme.accent2,
               bold=True)
        w.text(surface, theme, f"{r.pair.hit_unisons} of {r.pair.unisons} unisons hit by both", (x, y + 26),
               15, theme.text_dim)
        spread = cv.spread_lines(r)[0]
        w.text(surface, theme, w.fit(theme, spread, 15, left_w), (x, y + 46), 15, theme.text)
        s = r.pair.spread
        coach_plots.share_bars(surface, theme, pygame.Rect(x, y + 66, left_w - 10, 54),
                               [("within 10 ms", s.within_10), ("within 20 ms", s.within_20),
                                ("within 50 ms", s.within_50)])
        yy = y + 126
        for line, color in ((cv.coupling_line(r), theme.text), (cv.joint_drift_line(r), theme.text)):
            box = pygame.Rect(x, yy, left_w, rect.bottom - yy - 4)
            yy = w.text_block(surface, theme, line, box, 15, color, max_lines=2) + 2
        names = (r.players[0].label, r.players[1].label)
        leans_w = min(430, rect.width * 36 // 100)
        plot_h = rect.height - 12
        coach_plots.pairing_leans(surface, theme, pygame.Rect(x + left_w + 8, rect.top + 6, leans_w, plot_h),
                                  cv.offset_rows(r), names, self.rules.sync_full * 1000.0)
        curve_x = x + left_w + leans_w + 18
        p1, p2 = theme.player_colors
        curves: list[tuple[str, RGB, list[tuple[float, float]]]] = [
            (names[0], p1, r.players[0].tempo.curve), (names[1], p2, r.players[1].tempo.curve),
            ("both", theme.text, r.pair.drift.curve)]
        significant = [win for win in r.pair.drift.windows if win.significant]
        curve_rect = pygame.Rect(curve_x, rect.top + 6, rect.right - curve_x - 10, plot_h)
        coach_plots.tempo_curve(surface, theme, curve_rect, "Both vs the click (BPM)", curves, significant,
                                self.duration)
