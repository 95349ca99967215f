"""`duet-drums-editor` / `tools/chart_editor.py`: the chart editor's entry point.

The commands live in `duet_drums.editor.cli`; the edits they run are the pure functions
of `duet_drums.editor`, the same ones the editor window calls.
"""

from __future__ import annotations

import sys

from duet_drums.editor.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
