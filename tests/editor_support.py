"""Charts for the editor tests: the bundled ones, and small ones built from notes."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from duet_drums.core.chart import (
    Chart,
    Metadata,
    Note,
    Part,
    Section,
    Span,
    TempoChange,
    TimeSignature,
    load_chart,
    sort_notes,
)
from duet_drums.paths import charts_dir


@cache
def load_bundled(name: str) -> Chart:
    """A bundled chart (frozen, so sharing one between tests is safe)."""
    return load_chart(charts_dir() / name)


def chart_with(expert: Iterable[Note] = (), *, spans: Iterable[Span] = (),
               tempo: Iterable[TempoChange] = (TempoChange(tick=0, bpm=120.0),),
               time_signatures: Iterable[TimeSignature] = (TimeSignature(tick=0, num=4, den=4),),
               sections: Iterable[Section] = (), partner: Iterable[Note] | None = None,
               resolution: int = 480) -> Chart:
    """A chart whose lead expert holds `expert` (other difficulties empty), and a
    partner part when `partner` is given."""
    def part(notes: Iterable[Note], with_spans: Iterable[Span] = ()) -> Part:
        return Part(easy=[], medium=[], hard=[], expert=sort_notes(list(notes)), spans=list(with_spans))

    parts = {"lead": part(expert, spans)}
    if partner is not None:
        parts["partner"] = part(partner)
    return Chart(metadata=Metadata(title="Test", resolution=resolution), tempo=list(tempo),
                 time_signatures=list(time_signatures), sections=list(sections), parts=parts)
