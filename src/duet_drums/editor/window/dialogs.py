"""Small dialogs drawn over the editor: a form of text fields, and a choice of buttons.

Both take the keyboard (Tab / arrows to move, Enter to confirm, Esc to back out) and the
mouse (click a field or a button). Text comes from KEYDOWN's `unicode`, which SDL fills
for real typing and for xdotool alike, through the app's own `TextEntry`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.scenes.base import Scene
from duet_drums.editor.window.routes import Choice, Form

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator

FIELD_H = 34
LABEL_W = 170
MAX_TEXT = 400
BUTTON_H = 38
BUTTON_GAP = 16


class FormScene(Scene):
    overlay = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Form) -> None:
        super().__init__(nav, ctx)
        self.route = route
        self.entries = [w.TextEntry(max_length=MAX_TEXT) for _ in route.fields]
        for entry, f in zip(self.entries, route.fields, strict=True):
            entry.begin(f.value)
        self.focus = 0
        self.error = ""
        self.field_rects: list[pygame.Rect] = []
        self.box = pygame.Rect(0, 0, 0, 0)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(e.text.strip() for e in self.entries)

    def submit(self) -> None:
        error = self.route.submit(self.values)
        if error:
            self.error = error
        else:
            self.nav.pop()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, rect in enumerate(self.field_rects):
                if rect.collidepoint(event.pos):
                    self.focus = i
            return
        if event.type != pygame.KEYDOWN:
            return
        n = len(self.entries)
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.submit()
        elif event.key == pygame.K_ESCAPE:
            self.nav.pop()
        elif event.key in (pygame.K_TAB, pygame.K_DOWN):
            back = event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT
            self.focus = (self.focus + (-1 if back else 1)) % n
        elif event.key == pygame.K_UP:
            self.focus = (self.focus - 1) % n
        else:
            self.entries[self.focus].handle_key(event)
            self.error = ""

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.dim(surface)
        fields = self.route.fields
        width = min(surface.get_width() - 40, 760)
        height = 96 + len(fields) * (FIELD_H + 22) + (28 if self.route.note else 0) + 40
        self.box = box = pygame.Rect(0, 0, width, height)
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        w.panel(surface, theme, box, border=theme.accent, alpha=250)
        w.text(surface, theme, self.route.title, (box.x + 20, box.y + 16), 26, theme.accent, bold=True)
        y = box.y + 60
        if self.route.note:
            w.text(surface, theme, w.fit(theme, self.route.note, 17, width - 40), (box.x + 20, y), 17,
                   theme.text_dim)
            y += 28
        self.field_rects = []
        for i, (f, entry) in enumerate(zip(fields, self.entries, strict=True)):
            w.text(surface, theme, f.label, (box.x + 20, y + FIELD_H // 2), 20, theme.text, anchor="midleft")
            rect = pygame.Rect(box.x + 20 + LABEL_W, y, width - 40 - LABEL_W, FIELD_H)
            self.field_rects.append(rect)
            focused = i == self.focus
            pygame.draw.rect(surface, theme.background, rect, border_radius=4)
            pygame.draw.rect(surface, theme.accent if focused else theme.panel_border, rect, width=2,
                             border_radius=4)
            shown = entry.shown() if focused else entry.text
            w.text(surface, theme, w.fit(theme, shown, 20, rect.w - 16), (rect.x + 8, rect.centery), 20,
                   anchor="midleft")
            if f.hint:
                w.text(surface, theme, w.fit(theme, f.hint, 15, rect.w), (rect.x, rect.bottom + 3), 15,
                       theme.text_dim)
            y += FIELD_H + 22
        if self.error:
            w.text(surface, theme, w.fit(theme, self.error, 18, width - 40), (box.x + 20, y + 4), 18,
                   theme.bad)
        w.text(surface, theme, "Enter: OK   Tab: next field   Esc: cancel", (box.centerx, box.bottom - 18),
               16, theme.text_dim, anchor="center")


class ChoiceScene(Scene):
    overlay = True

    def __init__(self, nav: Navigator, ctx: AppContext, route: Choice) -> None:
        super().__init__(nav, ctx)
        self.route = route
        self.selected = route.selected
        self.buttons: list[pygame.Rect] = []

    def pick(self, index: int) -> None:
        self.route.options[index][1]()
        self.nav.pop()

    def handle_event(self, event: pygame.event.Event) -> None:
        n = len(self.route.options)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for i, rect in enumerate(self.buttons):
                if rect.collidepoint(event.pos):
                    self.pick(i)
                    return
            return
        if event.type != pygame.KEYDOWN:
            return
        back_tab = event.key == pygame.K_TAB and event.mod & pygame.KMOD_SHIFT
        if event.key in (pygame.K_LEFT, pygame.K_UP) or back_tab:
            self.selected = (self.selected - 1) % n
        elif event.key in (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_TAB):
            self.selected = (self.selected + 1) % n
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            self.pick(self.selected)
        elif event.key == pygame.K_ESCAPE:
            if self.route.cancel is None:
                self.nav.pop()
            else:
                self.pick(self.route.cancel)

    def _rows(self, theme_widths: list[int], width: int) -> list[list[int]]:
        """Button indexes per row, wrapping when a row would be wider than `width`."""
        rows: list[list[int]] = [[]]
        used = 0
        for i, bw in enumerate(theme_widths):
            if rows[-1] and used + bw > width:
                rows.append([])
                used = 0
            rows[-1].append(i)
            used += bw + BUTTON_GAP
        return rows

    def draw(self, surface: pygame.Surface) -> None:
        theme = self.ctx.theme
        w.dim(surface)
        width = min(surface.get_width() - 40, 720)
        labels = [label for label, _ in self.route.options]
        widths = [theme.font(20).size(label)[0] + 36 for label in labels]
        rows = self._rows(widths, width - 40)
        lines = w.wrap(theme, self.route.body, 19, width - 40)
        height = 110 + len(lines) * theme.font(19).get_linesize() + len(rows) * (BUTTON_H + 10) + 24
        box = pygame.Rect(0, 0, width, height)
        box.center = (surface.get_width() // 2, surface.get_height() // 2)
        w.panel(surface, theme, box, border=theme.accent, alpha=250)
        w.text(surface, theme, self.route.title, (box.x + 20, box.y + 16), 26, theme.accent, bold=True)
        body = pygame.Rect(box.x + 20, box.y + 58, width - 40, 400)
        y = w.text_block(surface, theme, self.route.body, body, 19)
        self.buttons = [pygame.Rect(0, 0, 0, 0)] * len(labels)
        for row in rows:
            x = box.centerx - (sum(widths[i] for i in row) + BUTTON_GAP * (len(row) - 1)) // 2
            y += 12
            for i in row:
                rect = pygame.Rect(x, y, widths[i], BUTTON_H)
                self.buttons[i] = rect
                chosen = i == self.selected
                fill = theme.accent if chosen else theme.panel_border
                pygame.draw.rect(surface, fill, rect, border_radius=6)
                w.text(surface, theme, labels[i], rect.center, 20, theme.background if chosen else theme.text,
                       bold=chosen, anchor="center")
                x += widths[i] + BUTTON_GAP
            y += BUTTON_H
        hint = "Enter: choose   arrows: move" + ("   Esc: " + labels[self.route.cancel]
                                                 if self.route.cancel is not None else "   Esc: close")
        w.text(surface, theme, hint, (box.centerx, box.bottom - 16), 15, theme.text_dim, anchor="center")
