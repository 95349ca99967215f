"""The navigator: the one stack of open screens, moved by typed routes.

The App owns one `Navigator`; every scene receives it. A scene says where to go with a
route value (`routes.py`) and never names another scene class, never looks at the stack
and never dispatches on strings:

- `push(route)`: open a screen on top (the one below waits, e.g. play under pause);
- `pop()`: close the top screen and go back to the one below (the last one ends the game);
- `replace(route)`: swap the top screen for another (play -> results), so Esc on the new
  one goes back to where the old one came from;
- `back_to(kind, otherwise=None)`: close screens down to the nearest one opened as a
  `kind` route (`nav.back_to(SongSelect)`). When no open screen is of that kind (a song
  started straight from the command line), the top screen is replaced by `otherwise`, or
  the game ends when there is none;
- `quit()`: end the game.

`route` and `routes` say what is open, for the App and for tests; scenes must not branch
on them.

Adding a screen (an editor window, a coach panel, pair history, drills, a library song
select) takes two lines of wiring: a frozen dataclass deriving from `routes.Route` that
carries what the screen needs, and one `registry.add(MyRoute, MyScene)` line in
`app/registry.py` (or, for a layer above the app such as the editor, on the registry it
hands to `App`). The scene's constructor is `MyScene(nav, ctx, route)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from duet_drums.app.routes import Route

if TYPE_CHECKING:
    from duet_drums.app.context import AppContext
    from duet_drums.app.scenes.base import Scene

R = TypeVar("R", bound=Route)


class UnknownRoute(LookupError):
    """A route nobody registered a scene for."""


class SceneRegistry:
    """Route type -> scene factory. Factories are called as `factory(nav, ctx, route)`."""

    def __init__(self) -> None:
        self._factories: dict[type[Route], Callable[[Navigator, AppContext, Any], Scene]] = {}

    def add(self, kind: type[R], factory: Callable[[Navigator, AppContext, R], Scene]) -> SceneRegistry:
        if kind in self._factories:
            raise ValueError(f"a scene is already registered for {kind.__name__}")
        self._factories[kind] = factory
        return self

    def kinds(self) -> frozenset[type[Route]]:
        return frozenset(self._factories)

    def build(self, route: Route, nav: Navigator, ctx: AppContext) -> Scene:
        factory = self._factories.get(type(route))
        if factory is None:
            raise UnknownRoute(f"no scene is registered for {type(route).__name__}; "
                               "add one line to duet_drums/app/registry.py")
        return factory(nav, ctx, route)


class NavigatorHost(Protocol):
    """What the navigator needs from the App around it."""

    def scene_arrived(self, scene: Scene) -> None:
        """`scene` became the top screen (pushed, or uncovered)."""

    def scene_closed(self, scene: Scene) -> None:
        """`scene` left the stack for good."""

    def quit(self) -> None: ...


class Navigator:
    def __init__(self, ctx: AppContext, registry: SceneRegistry, host: NavigatorHost) -> None:
        self.ctx = ctx
        self.registry = registry
        self.host = host
        self._stack: list[tuple[Route, Scene]] = []

    # -- what is open (the App and tests read this; scenes do not) ---------------------
    @property
    def route(self) -> Route:
        return self._stack[-1][0]

    @property
    def routes(self) -> tuple[Route, ...]:
        return tuple(route for route, _ in self._stack)

    @property
    def scenes(self) -> tuple[Scene, ...]:
        return tuple(scene for _, scene in self._stack)

    def __len__(self) -> int:
        return len(self._stack)

    # -- moving ---------------------------------------------------------------------------
    def push(self, route: Route) -> None:
        scene = self.registry.build(route, self, self.ctx)
        if self._stack:
            self._stack[-1][1].leave()
        self._stack.append((route, scene))
        self.host.scene_arrived(scene)

    def pop(self) -> None:
        _, scene = self._stack.pop()
        self._close(scene)
        if self._stack:
            self.host.scene_arrived(self._stack[-1][1])
        else:
            self.host.quit()

    def replace(self, route: Route) -> None:
        scene = self.registry.build(route, self, self.ctx)
        _, old = self._stack.pop()
        self._close(old)
        self._stack.append((route, scene))
        self.host.scene_arrived(scene)

    def back_to(self, kind: type[Route], otherwise: Route | None = None) -> None:
        below = [i for i, (route, _) in enumerate(self._stack[:-1]) if isinstance(route, kind)]
        if not below:
            if otherwise is None:
                self.quit()
            else:
                self.replace(otherwise)
            return
        while len(self._stack) > below[-1] + 1:
            self._close(self._stack.pop()[1])
        self.host.scene_arrived(self._stack[-1][1])

    def quit(self) -> None:
        self.host.quit()

    def close_all(self) -> None:
        """Leave every screen (the App is shutting down)."""
        while self._stack:
            self._close(self._stack.pop()[1])

    def _close(self, scene: Scene) -> None:
        scene.leave()
        self.host.scene_closed(scene)
