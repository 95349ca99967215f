"""Drive the real editor window in-process: a stepped App with the editor's routes, real
pygame events posted through SDL's queue (keys with their modifiers and text, mouse
presses, motions and releases), fixed frame steps.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from duet_drums.app.context import AppContext
from duet_drums.app.main import App
from duet_drums.app.scenes.base import Scene
from duet_drums.editor.window.registry import editor_registry, shutdown_editors
from duet_drums.editor.window.routes import Editor, EditorOptions
from duet_drums.editor.window.scene import EditorScene

DT = 1 / 60
CTRL = pygame.KMOD_LCTRL
SHIFT = pygame.KMOD_LSHIFT
ALT = pygame.KMOD_LALT


class EditorHarness:
    def __init__(self, path: Path | None, data_dir: Path, *, autosave_s: float = 60.0, create: bool = False,
                 stepped: bool = True, audio: bool | None = None, midi: bool | None = None,
                 size: tuple[int, int] = (1280, 720)) -> None:
        ctx = AppContext.load(stepped=stepped, audio_enabled=audio, midi_enabled=midi)
        self.app = App(ctx, size=size, registry=editor_registry())
        self.app.nav.push(Editor(path, EditorOptions(autosave_s, data_dir=data_dir), create))
        self.step(2)

    # -- what is open ----------------------------------------------------------------------------
    @property
    def top(self) -> Scene:
        return self.app.scene

    @property
    def editor(self) -> EditorScene:
        return next(s for s in self.app.nav.scenes if isinstance(s, EditorScene))

    # -- input -----------------------------------------------------------------------------------
    def step(self, n: int = 1, dt: float = DT) -> None:
        for _ in range(n):
            self.app.step(dt)

    def key(self, key: int, mod: int = 0, text: str = "", frames: int = 1) -> None:
        pygame.key.set_mods(mod)
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=text, scancode=0))
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
        self.step(frames)
        pygame.key.set_mods(0)

    def type(self, text: str) -> None:
        for ch in text:
            self.key(pygame.key.key_code(ch) if ch != " " else pygame.K_SPACE, text=ch)

    def clear_field(self) -> None:
        for _ in range(60):
            self.key(pygame.K_BACKSPACE)

    def mouse(self, kind: int, pos: tuple[int, int], mod: int = 0, **extra: object) -> None:
        pygame.key.set_mods(mod)
        pygame.event.post(pygame.event.Event(kind, pos=pos, **extra))
        self.step()
        pygame.key.set_mods(0)

    def click(self, pos: tuple[int, int], mod: int = 0) -> None:
        self.mouse(pygame.MOUSEBUTTONDOWN, pos, mod, button=1)
        self.mouse(pygame.MOUSEBUTTONUP, pos, mod, button=1)

    def drag(self, start: tuple[int, int], end: tuple[int, int], mod: int = 0) -> None:
        self.mouse(pygame.MOUSEBUTTONDOWN, start, mod, button=1)
        mid = ((start[0] + end[0]) // 2, (start[1] + end[1]) // 2)
        for pos in (mid, end):
            self.mouse(pygame.MOUSEMOTION, pos, mod, rel=(0, 0), buttons=(1, 0, 0))
        self.mouse(pygame.MOUSEBUTTONUP, end, mod, button=1)

    def close(self) -> None:
        shutdown_editors(self.app.nav.scenes)
        ctx = self.app.ctx
        self.app.close()
        ctx.close()
