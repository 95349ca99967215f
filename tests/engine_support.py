"""Chart builders and hypothesis strategies shared by the engine tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from hypothesis import strategies as st

from duet_drums.core.chart import Chart, parse_chart
from duet_drums.core.hits import Hit
from duet_drums.core.session import DuetSession, PlayerSetup

NoteSpec = tuple[int, str] | tuple[int, str, int]
EXPERT_PAIR = (PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert"))


def _note(spec: NoteSpec) -> dict[str, Any]:
    out: dict[str, Any] = {"tick": spec[0], "piece": spec[1]}
    if len(spec) == 3:
        out["velocity"] = spec[2]
    return out


def make_chart(lead: Iterable[NoteSpec], partner: Iterable[NoteSpec] = (), *,
               tempo: Sequence[tuple[int, float]] = ((0, 120.0),), resolution: int = 480,
               sections: Sequence[tuple[int, str]] = (), title: str = "Test") -> Chart:
    """A chart whose expert difficulties hold the given notes (the others are empty)."""
    parts = {}
    for name, notes in (("lead", lead), ("partner", partner)):
        ordered = sorted(notes, key=lambda n: (n[0], n[1]))
        parts[name] = {"easy": [], "medium": [], "hard": [], "expert": [_note(n) for n in ordered]}
    return parse_chart({
        "format": 1,
        "metadata": {"title": title, "resolution": resolution},
        "tempo": [{"tick": t, "bpm": b} for t, b in tempo],
        "sections": [{"tick": t, "name": n} for t, n in sections],
        "parts": parts,
    })


def feed(session: DuetSession, hits: Iterable[Hit]) -> list[Any]:
    events: list[Any] = []
    for hit in hits:
        events += session.hit(hit)
    return events


def merged(*streams: Iterable[Hit]) -> list[Hit]:
    return sorted((h for s in streams for h in s), key=lambda h: (h.t, h.player))


PIECES = ("kick", "kick2", "snare", "hihat", "hihat_open", "tom1", "tom2", "tom3", "crash", "ride")


@st.composite
def charts(draw: st.DrawFn, max_steps: int = 48) -> Chart:
    """Small random duets: random resolution, a random tempo map (1-4 changes, 60-240
    BPM) and notes on a sixteenth grid, with shared ticks so there are unisons."""
    resolution = draw(st.sampled_from([96, 192, 480, 960]))
    step = resolution // 4
    n_tempos = draw(st.integers(1, 4))
    change_steps = sorted(draw(st.sets(st.integers(1, max_steps), min_size=n_tempos - 1,
                                       max_size=n_tempos - 1)))
    bpms = draw(st.lists(st.floats(60, 240, allow_nan=False).map(lambda b: round(b, 3)),
                         min_size=n_tempos, max_size=n_tempos))
    tempo = list(zip([0] + [s * step for s in change_steps], bpms, strict=True))
    note_st = st.tuples(st.integers(0, max_steps), st.sampled_from(PIECES))
    shared = draw(st.sets(note_st, max_size=24))
    lead = shared | draw(st.sets(note_st, max_size=16))
    partner = {(s, p) for s, p in shared if draw(st.booleans())} | draw(st.sets(note_st, max_size=16))
    sections = sorted(draw(st.sets(st.integers(0, max_steps), max_size=3)))
    return make_chart(
        [(s * step, p) for s, p in lead], [(s * step, p) for s, p in partner],
        tempo=tempo, resolution=resolution,
        sections=[(s * step, f"S{i}") for i, s in enumerate(sections)],
    )


def groove_chart(bars: int = 32, *, bpm: float = 120.0, resolution: int = 480,
                 sections_every: int = 8) -> Chart:
    """A dense rock duet: lead plays 8th hi-hats, kick and snare; partner doubles the
    kick and snare and crashes each bar, so about half of each bar is in unison."""
    eighth = resolution // 2
    bar = resolution * 4
    lead: list[NoteSpec] = []
    partner: list[NoteSpec] = []
    for b in range(bars):
        base = b * bar
        for k in range(8):
            lead.append((base + k * eighth, "hihat", 127 if k == 0 else 80))
        for k in (0, 5):
            lead.append((base + k * eighth, "kick"))
            partner.append((base + k * eighth, "kick"))
        for k in (2, 6):
            lead.append((base + k * eighth, "snare"))
            partner.append((base + k * eighth, "snare"))
        partner.append((base, "crash"))
    sections = [(b * bar, f"Part {b // sections_every + 1}") for b in range(0, bars, sections_every)]
    return make_chart(lead, partner, tempo=((0, bpm),), resolution=resolution, sections=sections)
