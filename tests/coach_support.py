"""Simulated pairs for the coach tests: play a scenario through a real session."""

from __future__ import annotations

from typing import Any

from duet_drums.core.chart import Chart, load_chart, parse_chart
from duet_drums.core.ensemble import Musician, simulate_pair
from duet_drums.core.hits import Hit
from duet_drums.core.rules import rules_for
from duet_drums.core.session import DuetSession, PlayerSetup
from tests.conftest import CHARTS
from tests.engine_support import merged

MEDLEY_PAIR = (PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert"))
BPM = 120.0
BAR = 480 * 4


def medley() -> Chart:
    return load_chart(CHARTS / "summit-medley.json")


def drift_chart(bars: int = 24, section_bars: int = 2, fill_bars: tuple[int, ...] = ()) -> Chart:
    """Both players on 8th-note hi-hats with kick and snare, at 120 BPM, a section every
    `section_bars` bars; the lead plays a one-bar tom fill (a chart fill span) at each of
    `fill_bars` while the partner rests there."""
    lead: list[dict[str, Any]] = []
    partner: list[dict[str, Any]] = []
    for b in range(bars):
        base = b * BAR
        if b in fill_bars:
            lead += [{"tick": base + k * 120, "piece": "tom2"} for k in range(16)]
            continue
        for k in range(8):
            tick = base + k * 240
            extra = "kick" if k in (0, 3, 5) else ("snare" if k in (2, 6) else None)
            for notes in (lead, partner):
                notes.append({"tick": tick, "piece": "hihat"})
                if extra:
                    notes.append({"tick": tick, "piece": extra})
    order = ["kick", "snare", "hihat", "tom2"]

    def part(notes: list[dict[str, Any]], spans: list[dict[str, Any]]) -> dict[str, Any]:
        notes.sort(key=lambda n: (n["tick"], order.index(n["piece"])))
        return {"easy": [], "medium": [], "hard": [], "expert": notes, "spans": spans}

    fills = [{"kind": "fill", "tick": b * BAR, "end_tick": (b + 1) * BAR} for b in fill_bars]
    return parse_chart({
        "format": 1, "metadata": {"title": "Drift test", "resolution": 480},
        "tempo": [{"tick": 0, "bpm": BPM}],
        "sections": [{"tick": b * BAR, "name": f"Part {b // section_bars + 1}"}
                     for b in range(0, bars, section_bars)],
        "parts": {"lead": part(lead, fills), "partner": part(partner, [])},
    })


def bar_time(bar: int) -> float:
    return bar * 4 * 60.0 / BPM


def play(chart: Chart, musicians: tuple[Musician, Musician], *, seed: int = 1,
         setups: tuple[PlayerSetup, PlayerSetup] = MEDLEY_PAIR, strictness: str = "standard",
         hits: tuple[list[Hit], list[Hit]] | None = None) -> DuetSession:
    """A finished session of the pair (or of the given hits) on `chart`."""
    session = DuetSession(chart, setups, rules_for(strictness))
    if hits is None:
        hits = simulate_pair(session.tracks, musicians, session.tempo_map, seed=seed)
    for hit in merged(*hits):
        session.hit(hit)
    session.finish()
    return session
