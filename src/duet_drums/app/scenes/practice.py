"""Practice setup: which section to loop, how slow, and who the AI plays for.

The defaults come from where the player arrived: from the results screen, the least
synced section is preselected ("practice this: Chorus 2"); from song select, the whole
song at 80%. Speeds go from 50% to 100% in 5% steps; the backing is re-rendered at that
tempo, and song time stays in chart seconds, so judging is unchanged.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.scenes.base import MenuScene
from duet_drums.app.scenes.play import PlayScene, PlaySetup

if TYPE_CHECKING:
    from duet_drums.app.main import App

SPEEDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
WHOLE_SONG = "(whole song)"
# Who practises: the other player's part is played by the AI partner.
WHO = ("both players", "P1 (AI plays P2)", "P2 (AI plays P1)")


class PracticeScene(MenuScene):
    def __init__(self, app: App, setup: PlaySetup, section: str | None = None):
        super().__init__(app)
        self.base = setup
        self.sections = [WHOLE_SONG, *setup.entry.sections]
        self.section = section if section in self.sections else WHOLE_SONG
        self.speed = 0.8 if section is None else 1.0
        self.who = WHO[0]
        if setup.players[1].is_ai and not setup.players[0].is_ai:
            self.who = WHO[1]
        elif setup.players[0].is_ai and not setup.players[1].is_ai:
            self.who = WHO[2]
        self.menu = w.Menu([
            w.MenuItem("Section", value=lambda: self.section,
                       change=lambda d: setattr(self, "section", w.cycle(self.sections, self.section, d))),
            w.MenuItem("Speed", value=lambda: f"{round(self.speed * 100)}%", change=self._speed),
            w.MenuItem("Who practises", value=lambda: self.who,
                       change=lambda d: setattr(self, "who", w.cycle(WHO, self.who, d))),
            w.MenuItem("Start practice", self.start),
            w.MenuItem("Back", self.app.pop),
        ], size=28, row_height=48)
        self.menu.select_label("Start practice")

    def _speed(self, step: int) -> None:
        i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + step))]

    def play_setup(self) -> PlaySetup:
        p1, p2 = self.base.players
        if self.who == WHO[1]:
            p1, p2 = (replace(p1, input="keyboard") if p1.is_ai else p1), replace(p2, input="ai")
        elif self.who == WHO[2]:
            p1, p2 = replace(p1, input="ai"), (replace(p2, input="keyboard") if p2.is_ai else p2)
        return replace(self.base, players=(p1, p2), speed=self.speed, practice=True,
                       loop_section=None if self.section == WHOLE_SONG else self.section)

    def start(self) -> None:
        self.app.replace(PlayScene(self.app, self.play_setup()))

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, _ = surface.get_size()
        w.text(surface, theme, f"Practice - {self.base.entry.title}", (30, 20), 40, theme.accent, bold=True)
        w.text(surface, theme, "Loop a section, slow it down, let the AI play the other part.",
               (30, 70), 22, theme.text_dim)
        self.menu.draw(surface, theme, pygame.Rect(30, 120, min(760, width - 60), 5 * 48), value_x=330)
        w.hint_bar(surface, theme, "Up/Down: row   Left/Right: change   Enter: start   Esc: back")
