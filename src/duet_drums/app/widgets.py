"""Menu lists, panels and text helpers shared by the menu scenes.

Menus are driven by the keyboard only (arrows, Enter, Esc, Tab), never by the letter
keys: those belong to the players' drum bindings, and a menu that reacted to them would
fire when someone warms up on their half of the keyboard.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import pygame

from duet_drums.app.theme import RGB, Theme

T = TypeVar("T")
Anchor = str  # any pygame.Rect position attribute: "topleft", "center", "midtop", ...


def draw_background(surface: pygame.Surface, theme: Theme) -> None:
    """A vertical gradient: cheap (one line per row) and makes every screen look related."""
    w, h = surface.get_size()
    top, bottom = theme.background_top, theme.background
    for y in range(0, h, 4):
        k = y / max(1, h - 1)
        color = tuple(int(top[i] + (bottom[i] - top[i]) * k) for i in range(3))
        surface.fill(color, (0, y, w, 4))


def text(surface: pygame.Surface, theme: Theme, string: str, pos: tuple[int, int], size: int = 24,
         color: RGB | None = None, bold: bool = False, anchor: Anchor = "topleft") -> pygame.Rect:
    """Blit a cached label at `pos` aligned by `anchor`; returns the rect it covered."""
    surf = theme.label(string, size, color, bold)
    rect = surf.get_rect(**{anchor: pos})
    surface.blit(surf, rect)
    return rect


def fit(theme: Theme, string: str, size: int, width: int) -> str:
    """`string`, cut with "..." so it fits in `width` pixels."""
    font = theme.font(size)
    if font.size(string)[0] <= width:
        return string
    while string and font.size(string + "...")[0] > width:
        string = string[:-1]
    return string + "..."


def wrap(theme: Theme, string: str, size: int, width: int) -> list[str]:
    """Greedy word wrap (long paths without spaces are cut by characters)."""
    font = theme.font(size)
    lines: list[str] = []
    for paragraph in string.splitlines() or [""]:
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if font.size(candidate)[0] <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while font.size(word)[0] > width and len(word) > 1:
                cut = len(word)
                while cut > 1 and font.size(word[:cut])[0] > width:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def text_block(surface: pygame.Surface, theme: Theme, string: str, rect: pygame.Rect, size: int = 20,
               color: RGB | None = None, max_lines: int | None = None) -> int:
    """Wrapped text inside `rect`; returns the y below the last line."""
    lines = wrap(theme, string, size, rect.width)
    if max_lines is not None and len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1] + " ..."]
    y = rect.top
    step = theme.font(size).get_linesize()
    for line in lines:
        text(surface, theme, line, (rect.left, y), size, color)
        y += step
    return y


def panel(surface: pygame.Surface, theme: Theme, rect: pygame.Rect, border: RGB | None = None,
          alpha: int = 235) -> None:
    box = pygame.Surface(rect.size, pygame.SRCALPHA)
    box.fill((*theme.panel, alpha))
    surface.blit(box, rect)
    pygame.draw.rect(surface, border or theme.panel_border, rect, width=2, border_radius=6)


def dim(surface: pygame.Surface, alpha: int = 160) -> None:
    """Darken what is already drawn: overlays (pause) sit on a dimmed play screen."""
    veil = pygame.Surface(surface.get_size(), pygame.SRCALPHA)
    veil.fill((0, 0, 0, alpha))
    surface.blit(veil, (0, 0))


def hint_bar(surface: pygame.Surface, theme: Theme, hints: str) -> None:
    w, h = surface.get_size()
    surface.fill(theme.panel, (0, h - 34, w, 34))
    text(surface, theme, hints, (w // 2, h - 17), 20, theme.text_dim, anchor="center")


@dataclass
class MenuItem:
    """A row of a menu. `value` shows the current setting; `change(+1/-1)` cycles it
    with Left/Right; `action` runs on Enter."""

    label: str
    action: Callable[[], None] | None = None
    value: Callable[[], str] | None = None
    change: Callable[[int], None] | None = None
    enabled: bool = True
    note: str = ""


@dataclass
class Menu:
    items: list[MenuItem]
    selected: int = 0
    size: int = 30
    row_height: int = 44
    _scroll: int = field(default=0, repr=False)

    def select_label(self, label: str) -> None:
        for i, item in enumerate(self.items):
            if item.label == label:
                self.selected = i
                return
        raise KeyError(label)

    @property
    def current(self) -> MenuItem:
        return self.items[self.selected]

    def move(self, step: int) -> None:
        n = len(self.items)
        for _ in range(n):
            self.selected = (self.selected + step) % n
            if self.items[self.selected].enabled:
                return

    def handle_key(self, key: int) -> bool:
        """Arrows move/change, Enter activates; returns True when the key was used."""
        item = self.current
        if key in (pygame.K_UP, pygame.K_KP8):
            self.move(-1)
        elif key in (pygame.K_DOWN, pygame.K_KP2):
            self.move(1)
        elif key in (pygame.K_LEFT, pygame.K_RIGHT) and item.change is not None and item.enabled:
            item.change(-1 if key == pygame.K_LEFT else 1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE) and item.enabled:
            if item.action is not None:
                item.action()
            elif item.change is not None:
                item.change(1)
            else:
                return False
        else:
            return False
        return True

    def draw(self, surface: pygame.Surface, theme: Theme, rect: pygame.Rect,
             value_x: int | None = None) -> None:
        visible = max(1, rect.height // self.row_height)
        if self.selected < self._scroll:
            self._scroll = self.selected
        elif self.selected >= self._scroll + visible:
            self._scroll = self.selected - visible + 1
        y = rect.top
        for i in range(self._scroll, min(len(self.items), self._scroll + visible)):
            item = self.items[i]
            row = pygame.Rect(rect.left, y, rect.width, self.row_height - 6)
            if i == self.selected:
                pygame.draw.rect(surface, theme.panel, row, border_radius=6)
                pygame.draw.rect(surface, theme.accent, row, width=2, border_radius=6)
            color = theme.text if item.enabled else theme.text_dim
            if i == self.selected:
                color = theme.accent
            text(surface, theme, item.label, (row.left + 14, row.centery), self.size, color,
                 anchor="midleft")
            if item.value is not None:
                shown = item.value()
                if item.change is not None and i == self.selected:
                    shown = f"<  {shown}  >"
                x = value_x if value_x is not None else row.right - 14
                anchor = "midleft" if value_x is not None else "midright"
                text(surface, theme, shown, (x, row.centery), self.size - 2,
                     theme.text if i == self.selected else theme.text_dim, anchor=anchor)
            y += self.row_height
        if len(self.items) > visible:
            frac = self._scroll / max(1, len(self.items) - visible)
            bar_h = max(20, rect.height * visible // len(self.items))
            bar_y = rect.top + int((rect.height - bar_h) * frac)
            pygame.draw.rect(surface, theme.panel_border, (rect.right + 4, bar_y, 4, bar_h))


@dataclass
class TextEntry:
    """A one-line text field for a menu row (a player's name).

    Menus never react to letter keys (see the module docstring); a text entry takes
    them only while it is being edited, which the player starts on purpose with Enter.
    Enter confirms (a blank text is refused: the score table needs a name), Esc
    cancels, Backspace deletes. Characters come from KEYDOWN's `unicode`, which SDL
    fills for real typing (and xdotool), so one code path serves the game and tests.
    """

    max_length: int = 16
    text: str = ""
    editing: bool = False

    def begin(self, current: str) -> None:
        self.text, self.editing = current, True

    def handle_key(self, event: pygame.event.Event) -> str | None:
        """Feed a KEYDOWN; returns the confirmed text on Enter, else None (still
        editing, or cancelled: `editing` tells which)."""
        key = event.key
        if key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            confirmed = self.text.strip()
            if not confirmed:
                return None
            self.editing = False
            return confirmed
        if key == pygame.K_ESCAPE:
            self.editing = False
        elif key == pygame.K_BACKSPACE:
            self.text = self.text[:-1]
        else:
            char = getattr(event, "unicode", "") or ""
            ctrl = getattr(event, "mod", 0) & (pygame.KMOD_CTRL | pygame.KMOD_META)
            if len(char) == 1 and char.isprintable() and not ctrl and len(self.text) < self.max_length:
                self.text += char
        return None

    def shown(self) -> str:
        """The text with a cursor, for the row's value column."""
        return f"{self.text}_"


def cycle(options: Sequence[T], current: T, step: int) -> T:
    """The option `step` places after `current` (wrapping); unknown current -> first."""
    if not options:
        return current
    try:
        i = list(options).index(current)
    except ValueError:
        return options[0]
    return options[(i + step) % len(options)]
