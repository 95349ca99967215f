"""Shared test setup: every test runs headless unless it asks for a real X server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parents[1]
CHARTS = ROOT / "assets" / "charts"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the real user's settings, scores or calibration."""
    monkeypatch.setenv("DUET_DRUMS_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("DUET_DRUMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DUET_DRUMS_CACHE_DIR", str(tmp_path / "cache"))
