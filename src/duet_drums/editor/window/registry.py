"""Which scene shows which editor route: the only module that imports the editor's scenes.

The editor runs on the app's own `App` and navigator with the game's registry plus
these routes (`default_registry().add(...)`), as `app/navigator.py` describes for a
layer above the app.
"""

from __future__ import annotations

from duet_drums.app.navigator import SceneRegistry
from duet_drums.app.registry import default_registry
from duet_drums.editor.window import routes as r
from duet_drums.editor.window.dialogs import ChoiceScene, FormScene
from duet_drums.editor.window.record import RecordScene
from duet_drums.editor.window.scene import EditorScene


def editor_registry() -> SceneRegistry:
    return (
        default_registry()
        .add(r.Editor, EditorScene)
        .add(r.Form, FormScene)
        .add(r.Choice, ChoiceScene)
        .add(r.Record, RecordScene)
    )


def shutdown_editors(scenes: tuple[object, ...]) -> None:
    """The window is closing: each open editor keeps unsaved edits in its autosave."""
    for scene in scenes:
        if isinstance(scene, EditorScene):
            scene.shutdown()
