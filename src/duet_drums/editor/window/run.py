"""Opening the editor window: the app's `App` with the editor's routes on top.

`run_editor` is what `duet-drums-editor` (no command, or `edit CHART`) calls. The window
closes through the navigator (Ctrl+Q, which asks about unsaved edits) or the window
manager's close button; either way every open editor is shut down before the display
goes, so unsaved edits are kept in the autosave for the next start.
"""

from __future__ import annotations

from pathlib import Path

from duet_drums.app.context import AppContext
from duet_drums.app.main import DEFAULT_SIZE, App
from duet_drums.editor.window.registry import editor_registry, shutdown_editors
from duet_drums.editor.window.routes import Editor, EditorOptions


def run_editor(path: Path | None, options: EditorOptions, create: bool = False,
               size: tuple[int, int] = DEFAULT_SIZE) -> int:
    ctx = AppContext.load()
    app = App(ctx, size=size, registry=editor_registry())
    try:
        app.nav.push(Editor(path, options, create))
        return app.run()
    finally:
        shutdown_editors(app.nav.scenes)
        app.close()
        ctx.close()
