"""The scene interface the App drives.

A scene receives input (pygame events and, when it asks for them, stamped drum hits),
is updated once per frame with the frame's duration, and draws itself. Scenes never
sleep, never read the wall clock for game time and never pump pygame events themselves:
the App owns the loop, which is what lets tests step whole scenes at a fixed rate.

A scene is built by the registry as `SceneClass(nav, ctx, route)`: the navigator to go
elsewhere (by route, see `app/navigator.py`), the shared services, and the route value
that opened it. Scenes never import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from duet_drums.inputs.input_queue import PortEvent
from duet_drums.inputs.raw import RawHit

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.navigator import Navigator
    from duet_drums.app.routes import Route
    from duet_drums.app.widgets import Menu


class Scene:
    # Draw the scene below first (pause overlay over the play screen).
    overlay: bool = False
    # Route the players' bound keys through the keyboard poller as stamped drum hits
    # (play, practice, calibration); other scenes get plain key events for every key.
    wants_hits: bool = False

    def __init__(self, nav: Navigator, ctx: AppContext) -> None:
        self.nav = nav
        self.ctx = ctx

    def opens(self, route: Route) -> Callable[[], None]:
        """A menu action that opens `route` on top of this scene."""
        return lambda: self.nav.push(route)

    def enter(self) -> None:
        """Became the top scene (pushed, or uncovered by a pop)."""

    def leave(self) -> None:
        """Stopped being the top scene (popped, or covered by a push)."""

    def handle_event(self, event: pygame.event.Event) -> None:
        """A pygame event that is not a drum hit."""

    def on_raw_hits(self, raws: list[RawHit]) -> None:
        """Drum hits from keyboard and MIDI, in arrival order (only when `wants_hits`)."""

    def on_midi_status(self, events: list[PortEvent]) -> None:
        """Port connected/disconnected notices from the MIDI layer."""

    def update(self, dt: float) -> None:
        """Advance by one frame of `dt` seconds (fixed in stepped mode)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Render the whole screen (or, for overlays, on top of the scene below)."""

    def resize(self, size: tuple[int, int]) -> None:
        """The window changed size."""


class MenuScene(Scene):
    """A scene driven by one `widgets.Menu`: arrows and Enter go to the menu, Esc backs out.

    Subclasses set `self.menu` and override `back()` when Esc means more than "pop".
    """

    menu: Menu
    back_keys: tuple[int, ...] = (pygame.K_ESCAPE,)

    def back(self) -> None:
        self.nav.pop()

    def handle_event(self, event: pygame.event.Event) -> None:
        if event.type != pygame.KEYDOWN:
            return
        if event.key in self.back_keys:
            self.back()
        else:
            self.menu.handle_key(event.key)
