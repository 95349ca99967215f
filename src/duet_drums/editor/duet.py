"""Duet tools: where two parts line up, and how busy each is along the song.

A unison is a tick where both parts have a note (any pieces), as the game scores sync.
The unison share is counted over the partner's notes (a chord counts each gem), the
figure the bundled charts are built to: "99 % of the newcomer's notes are played with
the lead". Densities are notes per second in a sliding window, which is what an author
reads off a density graph ("the bridge doubles the lead's load").
"""

from __future__ import annotations

from dataclasses import dataclass

from duet_drums.core.chart import Chart
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.rebuild import notes_of
from duet_drums.editor.selection import section_range


def unison_ticks(chart: Chart, a: tuple[str, str], b: tuple[str, str]) -> frozenset[int]:
    """Ticks where part/difficulty `a` and part/difficulty `b` both have a note."""
    return frozenset(n.tick for n in notes_of(chart, *a)) & frozenset(n.tick for n in notes_of(chart, *b))


def unison_percent(chart: Chart, lead: tuple[str, str], partner: tuple[str, str]) -> float:
    """Share of the partner's notes (in %) that fall on a tick where the lead plays."""
    notes = notes_of(chart, *partner)
    lead_ticks = {n.tick for n in notes_of(chart, *lead)}
    return 100.0 * sum(n.tick in lead_ticks for n in notes) / len(notes) if notes else 0.0


def song_seconds(chart: Chart) -> float:
    """The song's length as the editor measures densities: tick 0 to the last note or section."""
    return TempoMap.from_chart(chart).seconds(chart.last_tick())


def notes_per_second(chart: Chart, part: str, difficulty: str) -> float:
    """Notes per second over the whole song, so difficulties of one chart compare directly."""
    length = song_seconds(chart)
    return len(notes_of(chart, part, difficulty)) / length if length > 0 else 0.0


def density_curve(chart: Chart, part: str, difficulty: str, window_s: float = 4.0,
                  step_s: float = 1.0) -> list[tuple[float, float]]:
    """(time, notes per second over the `window_s` seconds centred there) every `step_s`."""
    tm = TempoMap.from_chart(chart)
    times = sorted(tm.seconds(n.tick) for n in notes_of(chart, part, difficulty))
    length = song_seconds(chart)
    out: list[tuple[float, float]] = []
    lo = hi = 0
    t = 0.0
    while t <= length + 1e-9:
        a, b = t - window_s / 2, t + window_s / 2
        while lo < len(times) and times[lo] < a:
            lo += 1
        while hi < len(times) and times[hi] < b:
            hi += 1
        out.append((t, (hi - lo) / window_s))
        t += step_s
    return out


@dataclass(frozen=True)
class SectionDuet:
    """One row of the unison map."""

    name: str
    tick: int
    end_tick: int
    seconds: float
    lead_nps: float
    partner_nps: float
    partner_notes: int
    unison_notes: int

    @property
    def unison_percent(self) -> float:
        return 100.0 * self.unison_notes / self.partner_notes if self.partner_notes else 0.0


def section_duet(chart: Chart, lead: tuple[str, str], partner: tuple[str, str]) -> list[SectionDuet]:
    """Per section: both parts' densities and the partner's unison share. A chart without
    sections is one section named after the song."""
    tm = TempoMap.from_chart(chart)
    lead_notes, partner_notes = notes_of(chart, *lead), notes_of(chart, *partner)
    lead_ticks = {n.tick for n in lead_notes}
    if chart.sections:
        ranges = [(s.name, *section_range(chart, i)) for i, s in enumerate(chart.sections)]
    else:
        ranges = [(chart.metadata.title, 0, chart.last_tick() + 1)]
    rows: list[SectionDuet] = []
    for name, start, end in ranges:
        if end <= start:
            continue
        seconds = tm.seconds(end) - tm.seconds(start)
        ln = [n for n in lead_notes if start <= n.tick < end]
        pn = [n for n in partner_notes if start <= n.tick < end]
        rows.append(SectionDuet(
            name=name, tick=start, end_tick=end, seconds=tm.seconds(start),
            lead_nps=len(ln) / seconds if seconds > 0 else 0.0,
            partner_nps=len(pn) / seconds if seconds > 0 else 0.0,
            partner_notes=len(pn), unison_notes=sum(n.tick in lead_ticks for n in pn)))
    return rows
