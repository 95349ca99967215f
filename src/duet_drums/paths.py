"""Where the bundled assets are: beside the package in a source checkout."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[2]


def assets_dir() -> Path:
    override = os.environ.get("DUET_DRUMS_ASSETS")
    return Path(override) if override else _ROOT / "assets"


def charts_dir() -> Path:
    return assets_dir() / "charts"


def samples_dir() -> Path:
    return assets_dir() / "samples"
