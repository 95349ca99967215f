"""Practice mode's rules: which notes a looped section holds and where the loop runs.

A practice session judges exactly the looped notes: the chart is cut to the section
(tempo, sections and backing kept, so every time is unchanged), so notes outside the
loop neither count nor show, and song time stays in chart seconds at every speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from duet_drums.core.chart import DIFFICULTIES, Chart
from duet_drums.core.tempo import TempoMap

# Practice loops start this many seconds before the section, so the players hear the
# groove before their first note.
LOOP_LEAD_IN_S = 2.0


def section_bounds(chart: Chart, name: str) -> tuple[int, int | None]:
    """(start tick, end tick or None for the song's end) of the section called `name`."""
    for i, s in enumerate(chart.sections):
        if s.name == name:
            end = chart.sections[i + 1].tick if i + 1 < len(chart.sections) else None
            return s.tick, end
    known = ", ".join(s.name for s in chart.sections) or "none"
    raise ValueError(f"chart {chart.metadata.title!r} has no section {name!r} (sections: {known})")


def practice_chart(chart: Chart, section: str) -> tuple[Chart, int, int | None]:
    """The chart with only the notes of `section`, and the section's tick bounds."""
    start, end = section_bounds(chart, section)

    def keep(tick: int) -> bool:
        return tick >= start and (end is None or tick < end)

    parts = {
        name: part.model_copy(update={d: [n for n in part.notes(d) if keep(n.tick)] for d in DIFFICULTIES})
        for name, part in chart.parts.items()
    }
    return chart.model_copy(update={"parts": parts}), start, end


@dataclass(frozen=True, slots=True)
class PracticeLoop:
    """A looped section: the cut chart, and the section's start and end in song seconds."""

    chart: Chart
    start: float
    end: float

    @classmethod
    def of(cls, chart: Chart, section: str, tempo: TempoMap | None = None) -> PracticeLoop:
        tempo = tempo or TempoMap.from_chart(chart)
        cut, start_tick, end_tick = practice_chart(chart, section)
        end = tempo.seconds(end_tick if end_tick is not None else chart.last_tick())
        return cls(cut, tempo.seconds(start_tick), end)

    @property
    def pass_start(self) -> float:
        """Where each pass of the loop begins (the lead-in before the section)."""
        return self.start - LOOP_LEAD_IN_S

    def pass_end(self, miss_window: float) -> float:
        """Where a pass ends: once the section's last note's window has closed."""
        return self.end + miss_window
