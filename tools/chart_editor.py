#!/usr/bin/env python3
"""Chart authoring tool; the same entry point as the `duet-drums-editor` console script."""

import sys

from duet_drums.editor.main import main

if __name__ == "__main__":
    sys.exit(main())
