"""Practice rules in the core: a looped section holds exactly its notes, at their times."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from duet_drums.core.chart import DIFFICULTIES
from duet_drums.core.practice import LOOP_LEAD_IN_S, PracticeLoop, practice_chart, section_bounds
from duet_drums.core.tempo import TempoMap
from tests.engine_support import groove_chart


@given(st.integers(2, 12), st.integers(1, 4), st.data())
def test_a_section_cut_keeps_exactly_its_notes_at_their_times(bars, every, data):
    chart = groove_chart(bars=bars, sections_every=every)
    section = data.draw(st.sampled_from([s.name for s in chart.sections]))
    start, end = section_bounds(chart, section)
    cut, s2, e2 = practice_chart(chart, section)
    assert (s2, e2) == (start, end)
    assert cut.tempo == chart.tempo and cut.sections == chart.sections
    for name, part in chart.parts.items():
        for d in DIFFICULTIES:
            inside = [n for n in part.notes(d) if n.tick >= start and (end is None or n.tick < end)]
            assert cut.parts[name].notes(d) == inside
    loop = PracticeLoop.of(chart, section)
    tempo = TempoMap.from_chart(chart)
    assert loop.start == tempo.seconds(start)
    assert loop.end == tempo.seconds(end if end is not None else chart.last_tick())
    assert loop.pass_start == loop.start - LOOP_LEAD_IN_S
    assert loop.pass_end(0.135) == loop.end + 0.135


def test_the_last_section_runs_to_the_songs_end():
    chart = groove_chart(bars=4, sections_every=2)
    assert section_bounds(chart, "Part 2") == (2 * 4 * 480, None)


def test_an_unknown_section_names_the_ones_there_are():
    chart = groove_chart(bars=4, sections_every=2)
    with pytest.raises(ValueError, match=r"no section 'Bridge' \(sections: Part 1, Part 2\)"):
        section_bounds(chart, "Bridge")
