"""What a bench that runs the real game sets up first: folders of its own, MIDI on JACK."""

from __future__ import annotations

import os
from pathlib import Path


def private_game(root: Path) -> None:
    """Point the game's config, data and cache folders below `root` (a temp folder: a
    bench never touches the user's settings or scores) and its MIDI layer at JACK."""
    for var, sub in (("CONFIG", "config"), ("DATA", "data"), ("CACHE", "cache")):
        os.environ[f"DUET_DRUMS_{var}_DIR"] = str(root / sub)
    os.environ["DUET_DRUMS_MIDI_API"] = "jack"
