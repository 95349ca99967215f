"""The editor's screens, as routes on the app's navigator (see `app/navigator.py`).

The editor itself, and the small screens it opens over itself: a form (new chart, a
tempo, a path), a choice (recover an autosave? save before quitting?) and the record
overlay. Each carries what it needs, callbacks included, so the editor's scenes never
import one another; `editor/window/registry.py` is the one place that pairs routes
with scenes.

Callbacks of forms and choices run while their dialog is still on top and must not
push screens themselves: a follow-up dialog is queued with the editor (`later`) and
opened when the dialog closes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from duet_drums.app.routes import Route
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Piece
from duet_drums.editor.autosave import AUTOSAVE_INTERVAL_S


@dataclass(frozen=True)
class EditorOptions:
    """How the window was started (`duet-drums-editor` options)."""

    autosave_s: float = AUTOSAVE_INTERVAL_S
    # Print one JSON line per action on stdout ("what the editor did"), for scripts and tests.
    report: bool = False
    data_dir: Path | None = None  # None: the user data folder (settings.data_dir())


@dataclass(frozen=True)
class Editor(Route):
    """The editor on `path` (None: an untitled chart from the template)."""

    path: Path | None = None
    options: EditorOptions = field(default_factory=EditorOptions)
    # Open the new-chart form at once (`edit NEW.json` on a file that does not exist yet).
    create: bool = False


@dataclass(frozen=True)
class FormField:
    label: str
    value: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Form(Route):
    """A few text fields; `submit` returns an error to show (the form stays) or None."""

    title: str
    fields: tuple[FormField, ...]
    submit: Callable[[tuple[str, ...]], str | None]
    note: str = ""


@dataclass(frozen=True)
class Choice(Route):
    """A question with buttons; Esc picks `cancel` (an index), or only closes when None."""

    title: str
    body: str
    options: tuple[tuple[str, Callable[[], None]], ...]
    cancel: int | None = None
    selected: int = 0


class RecordHost(Protocol):
    """What the record overlay needs from the editor under it."""

    def record_label(self) -> str:
        """Part, difficulty, mode and snap of the take, for the banner."""

    def record_start(self) -> float:
        """Start the click a bar before the cursor; the take's start (song seconds)."""

    def record_tick(self, dt: float) -> float:
        """Advance one frame; song time now."""

    def song_time_at(self, stamp_ns: int) -> float: ...

    def sound_hit(self, piece: Piece, velocity: int | None, stamp_ns: int) -> None: ...

    def record_finish(self, hits: Sequence[Hit], start_s: float, end_s: float) -> None:
        """Stop and write the take (one undoable edit)."""

    def record_cancel(self) -> None: ...


@dataclass(frozen=True)
class Record(Route):
    host: RecordHost
