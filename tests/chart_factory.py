"""Small valid charts built in code, for tests that must not depend on bundled assets."""

from __future__ import annotations

import copy
from typing import Any


def minimal_chart_data(**overrides: Any) -> dict[str, Any]:
    notes = [{"tick": 0, "piece": "kick"}, {"tick": 0, "piece": "crash", "velocity": 120},
             {"tick": 480, "piece": "snare"}, {"tick": 960, "piece": "kick"},
             {"tick": 1440, "piece": "snare", "velocity": 30}]
    data: dict[str, Any] = {
        "format": 1,
        "metadata": {"title": "Test Song", "artist": "Tests", "resolution": 480},
        "tempo": [{"tick": 0, "bpm": 120.0}],
        "time_signatures": [{"tick": 0, "num": 4, "den": 4}],
        "sections": [{"tick": 0, "name": "Intro"}],
        "parts": {
            "lead": {d: copy.deepcopy(notes) for d in ("easy", "medium", "hard", "expert")},
            "partner": {d: copy.deepcopy(notes[:1]) for d in ("easy", "medium", "hard", "expert")},
        },
    }
    data.update(overrides)
    return data
