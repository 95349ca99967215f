"""Practice setup: which section to loop, how slow, and who the AI plays for.

The defaults come from where the player arrived: from the results screen, the least
synced section is preselected ("practice this: Chorus 2"); from song select, the whole
song at 80%. Speeds go from 50% to 100% in 5% steps; the backing is re-rendered at that
tempo, and song time stays in chart seconds, so judging is unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.play_setup import WHO_PRACTISES, PlaySetup, practice_setup, who_practises
from duet_drums.app.routes import Play, Practice
from duet_drums.app.scenes.base import MenuScene

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

SPEEDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
WHOLE_SONG = "(whole song)"


class PracticeScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Practice) -> None:
        super().__init__(nav, ctx)
        self.base = setup = route.setup
        section = route.section
        self.sections = [WHOLE_SONG, *setup.entry.sections]
        self.section = section if section in self.sections else WHOLE_SONG
        self.speed = 0.8 if section is None else 1.0
        self.who = who_practises(setup)
        self.menu = w.Menu([
            w.MenuItem("Section", value=lambda: self.section, change=self._section),
            w.MenuItem("Speed", value=lambda: f"{round(self.speed * 100)}%", change=self._speed),
            w.MenuItem("Who practises", value=lambda: self.who, change=self._who),
            w.MenuItem("Start practice", self.start),
            w.MenuItem("Back", self.nav.pop),
        ], size=28, row_height=48)
        self.menu.select_label("Start practice")

    def _speed(self, step: int) -> None:
        i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + step))]

    def _section(self, step: int) -> None:
        self.section = w.cycle(self.sections, self.section, step)

    def _who(self, step: int) -> None:
        self.who = w.cycle(WHO_PRACTISES, self.who, step)

    def play_setup(self) -> PlaySetup:
        return practice_setup(self.base, self.who, self.speed,
                              None if self.section == WHOLE_SONG else self.section)

    def start(self) -> None:
        self.nav.replace(Play(self.play_setup()))

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, _ = surface.get_size()
        w.text(surface, theme, f"Practice - {self.base.entry.title}", (30, 20), 40, theme.accent, bold=True)
        w.text(surface, theme, "Loop a section, slow it down, let the AI play the other part.",
               (30, 70), 22, theme.text_dim)
        self.menu.draw(surface, theme, pygame.Rect(30, 120, min(760, width - 60), 5 * 48), value_x=330)
        w.hint_bar(surface, theme, "Up/Down: row   Left/Right: change   Enter: start   Esc: back")
