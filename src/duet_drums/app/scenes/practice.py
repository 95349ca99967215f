"""Practice setup: which section to loop, how slow, who the AI plays for, and the drill.

The defaults come from where the player arrived: from the results screen, the least
synced section is preselected ("practice this: Chorus 2"), or a coach message's drill
with the section where that problem cost the most, its speed, and who should practise;
from song select, the whole song at 80%. Speeds go from 50% to 100% in 5% steps; the
backing is re-rendered at that tempo, and song time stays in chart seconds, so judging
is unchanged.

Drills (the rules are core's, `core.drills`):
- loop only: the section, at the chosen speed;
- quiet count: the click plays some bars and drops out for others, and the pair must
  stay together through the silence;
- swap the lead: the bot partner follows the practising player, then leads, in turns
  of a few bars or a section; it needs the bot, so one player practises.
The distinct hit sounds setting is here too: it matters most in exactly these drills.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.play_setup import WHO_PRACTISES, PlayDrill, PlaySetup, practice_setup, who_practises
from duet_drums.app.routes import Play, Practice
from duet_drums.app.scenes.base import MenuScene
from duet_drums.core.drills import QuietCount, SwapLead

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

SPEEDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
WHOLE_SONG = "(whole song)"
DRILLS = ("loop only", "quiet count", "swap the lead")
QUIET_PATTERNS = (QuietCount(2, 2), QuietCount(1, 1), QuietCount(4, 4), QuietCount(2, 4), QuietCount(1, 3))
SWAP_EVERY = (SwapLead(4), SwapLead(2), SwapLead(8), SwapLead(0))
DRILL_HELP = {
    "loop only": "Loop the section, slower if you like: a lean or a scatter is easier to hear and fix.",
    "quiet count": "The click drops out for bars at a time: keep the count together through the silence, "
                   "and land the next click together.",
    "swap the lead": "The bot partner follows you (it corrects toward your strokes), then leads (it keeps "
                     "the click and ignores you): hold the time, then follow it.",
}
_KIND_OF = {"quiet_count": "quiet count", "swap_lead": "swap the lead", "loop_section": "loop only"}


class PracticeScene(MenuScene):
    def __init__(self, nav: Navigator, ctx: AppContext, route: Practice) -> None:
        super().__init__(nav, ctx)
        self.base = setup = route.setup
        offer = route.offer
        section = offer.section if offer is not None else route.section
        self.sections = [WHOLE_SONG, *setup.entry.sections]
        self.section = section if section in self.sections else WHOLE_SONG
        self.speed = 0.8 if section is None and offer is None else 1.0
        self.who = who_practises(setup)
        self.drill = "loop only"
        self.quiet = QUIET_PATTERNS[0]
        self.swap = SWAP_EVERY[0]
        self.problem = ""
        if offer is not None:
            self.speed = offer.speed
            self.drill = _KIND_OF[offer.kind]
            self.problem = offer.problem
            if offer.practiser is not None:
                self.who = WHO_PRACTISES[1 + offer.practiser]
        self.menu = w.Menu([
            w.MenuItem("Drill", value=lambda: self.drill, change=self._drill),
            w.MenuItem("Section", value=lambda: self.section, change=self._section),
            w.MenuItem("Speed", value=lambda: f"{round(self.speed * 100)}%", change=self._speed),
            w.MenuItem("Who practises", value=lambda: self.practiser, change=self._who),
            w.MenuItem("Click", value=lambda: self.quiet.label, change=self._quiet),
            w.MenuItem("Swap who leads", value=lambda: self.swap.label, change=self._swap),
            w.MenuItem("Distinct hit sounds", value=self._distinct_label, change=self._distinct),
            w.MenuItem("Start practice", self.start),
            w.MenuItem("Back", self.nav.pop),
        ], size=26, row_height=42)
        self._enable()
        self.menu.select_label("Start practice")

    # -- choices -------------------------------------------------------------------------
    @property
    def practiser(self) -> str:
        """Who practises; swap the lead needs the bot partner, so never both players."""
        if self.drill == "swap the lead" and self.who == WHO_PRACTISES[0]:
            return WHO_PRACTISES[1]
        return self.who

    def _enable(self) -> None:
        for item in self.menu.items:
            if item.label == "Click":
                item.enabled = self.drill == "quiet count"
            elif item.label == "Swap who leads":
                item.enabled = self.drill == "swap the lead"

    def _drill(self, step: int) -> None:
        self.drill = w.cycle(DRILLS, self.drill, step)
        self._enable()

    def _speed(self, step: int) -> None:
        i = min(range(len(SPEEDS)), key=lambda k: abs(SPEEDS[k] - self.speed))
        self.speed = SPEEDS[max(0, min(len(SPEEDS) - 1, i + step))]

    def _section(self, step: int) -> None:
        self.section = w.cycle(self.sections, self.section, step)

    def _who(self, step: int) -> None:
        options = WHO_PRACTISES[1:] if self.drill == "swap the lead" else WHO_PRACTISES
        self.who = w.cycle(options, self.practiser, step)

    def _quiet(self, step: int) -> None:
        self.quiet = w.cycle(QUIET_PATTERNS, self.quiet, step)

    def _swap(self, step: int) -> None:
        self.swap = w.cycle(SWAP_EVERY, self.swap, step)

    def _distinct_label(self) -> str:
        on = self.ctx.settings.distinct_hit_sounds
        return "on (P2 on a tuned-up kit)" if on else "off"

    def _distinct(self, step: int) -> None:
        self.ctx.settings.distinct_hit_sounds = not self.ctx.settings.distinct_hit_sounds
        self.ctx.save_settings()

    def play_drill(self) -> PlayDrill | None:
        if self.drill == "quiet count":
            return PlayDrill("quiet_count", quiet=self.quiet, problem=self.problem)
        if self.drill == "swap the lead":
            return PlayDrill("swap_lead", swap=self.swap, problem=self.problem)
        return None

    def play_setup(self) -> PlaySetup:
        return practice_setup(self.base, self.practiser, self.speed,
                              None if self.section == WHOLE_SONG else self.section, self.play_drill())

    def start(self) -> None:
        self.nav.replace(Play(self.play_setup()))

    # -- drawing -------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.draw_background(surface, theme)
        width, height = surface.get_size()
        w.text(surface, theme, f"Practice - {self.base.entry.title}", (30, 20), 40, theme.accent, bold=True)
        w.text(surface, theme, "Loop a section, slow it down, let the AI play the other part, run a drill.",
               (30, 70), 22, theme.text_dim)
        rows = len(self.menu.items)
        menu_rect = pygame.Rect(30, 110, min(820, width - 60), min(rows * 42, height - 250))
        self.menu.draw(surface, theme, menu_rect, value_x=330)
        y = menu_rect.bottom + 14
        if self.problem:
            y = w.text_block(surface, theme, f"The coach said: {self.problem}",
                             pygame.Rect(30, y, width - 60, 60), 21, theme.accent, max_lines=2) + 12
        box = pygame.Rect(30, y, width - 60, height - y - 40)
        w.text_block(surface, theme, DRILL_HELP[self.drill], box, 21, theme.text, max_lines=3)
        w.hint_bar(surface, theme, "Up/Down: row   Left/Right: change   Enter: start   Esc: back")
