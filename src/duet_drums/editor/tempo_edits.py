"""Time edits: tempo, time signatures, sections, tap-BPM and beat anchors.

Notes live in ticks, so every edit here keeps each note on its beat (its musical
position) and moves it in seconds instead. That is what tempo-mapping against a
recording needs: drag a beat to where the drummer on the record really played it, and
the notes of that bar come along.

Beat anchors: every tempo change is an anchor, pinned in time. `drag_anchor` moves a
beat to a time in the song; the tempo between the previous anchor and that beat is
rewritten so the beat lands there, and a tempo change is put on the beat so that the
next anchor keeps its time. Beats beyond the next anchor do not move at all, so an
author maps a song left to right, bar by bar. Tick 0 is pinned to the audio by the
chart's audio offset, so dragging it shifts the audio instead.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from duet_drums.core.chart import Chart, Metadata, Section, TempoChange, TimeSignature
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.rebuild import EditError, validated, with_fields

# BPMs written by the anchor and tap tools are rounded to this many decimals, as
# .chart files store them (BPM x 1000); it moves an anchored beat by microseconds.
BPM_DECIMALS = 3


def _bpm(value: float) -> float:
    return round(value, BPM_DECIMALS)


def set_tempo(chart: Chart, tick: int, bpm: float) -> Chart:
    """Add a tempo change at `tick`, or change the one already there."""
    change = validated(TempoChange, tick=tick, bpm=bpm)
    tempo = [t for t in chart.tempo if t.tick != tick] + [change]
    return with_fields(chart, tempo=sorted(tempo, key=lambda t: t.tick))


def _remove_at(chart: Chart, field: str, tick: int, what: str) -> Chart:
    """Remove the tempo change or time signature at `tick`; the one at tick 0 stays."""
    items: list[TempoChange] | list[TimeSignature] = getattr(chart, field)
    if tick == 0:
        raise EditError(f"the {what} at tick 0 cannot be removed; change it instead")
    if all(t.tick != tick for t in items):
        raise EditError(f"there is no {what} at tick {tick}")
    return with_fields(chart, **{field: [t for t in items if t.tick != tick]})


def remove_tempo(chart: Chart, tick: int) -> Chart:
    return _remove_at(chart, "tempo", tick, "tempo change")


def measure_starts(chart: Chart, end_tick: int) -> list[int]:
    tm = TempoMap.from_chart(chart)
    return [line.tick for line in tm.grid(0, end_tick) if line.measure is not None]


def set_time_signature(chart: Chart, tick: int, num: int, den: int) -> Chart:
    """Put a time signature on a measure's first beat (or change the one there).

    A signature anywhere else would cut a measure short, which community tools flag and
    players find confusing, so it is refused with the nearest measure starts named."""
    sig = validated(TimeSignature, tick=tick, num=num, den=den)
    starts = measure_starts(chart, tick + chart.resolution * 16)
    if tick not in starts:
        before = max((s for s in starts if s < tick), default=0)
        after = min((s for s in starts if s > tick), default=None)
        near = f"ticks {before} and {after}" if after is not None else f"tick {before}"
        raise EditError(f"tick {tick} does not start a measure; the nearest measures start at {near}")
    sigs = [s for s in chart.time_signatures if s.tick != tick] + [sig]
    return with_fields(chart, time_signatures=sorted(sigs, key=lambda s: s.tick))


def remove_time_signature(chart: Chart, tick: int) -> Chart:
    return _remove_at(chart, "time_signatures", tick, "time signature")


# -- sections ---------------------------------------------------------------------------
def _section_index(chart: Chart, tick: int) -> int:
    for i, s in enumerate(chart.sections):
        if s.tick == tick:
            return i
    raise EditError(f"there is no section at tick {tick}")


def _with_sections(chart: Chart, sections: list[Section]) -> Chart:
    return with_fields(chart, sections=sorted(sections, key=lambda s: s.tick))


def add_section(chart: Chart, tick: int, name: str) -> Chart:
    if any(s.tick == tick for s in chart.sections):
        raise EditError(f"a section already starts at tick {tick}; rename it instead")
    return _with_sections(chart, [*chart.sections, validated(Section, tick=tick, name=name)])


def rename_section(chart: Chart, tick: int, name: str) -> Chart:
    i = _section_index(chart, tick)
    sections = list(chart.sections)
    sections[i] = validated(Section, tick=tick, name=name)
    return _with_sections(chart, sections)


def move_section(chart: Chart, tick: int, new_tick: int) -> Chart:
    i = _section_index(chart, tick)
    if new_tick != tick and any(s.tick == new_tick for s in chart.sections):
        raise EditError(f"a section already starts at tick {new_tick}")
    sections = list(chart.sections)
    sections[i] = validated(Section, tick=new_tick, name=sections[i].name)
    return _with_sections(chart, sections)


def remove_section(chart: Chart, tick: int) -> Chart:
    i = _section_index(chart, tick)
    return _with_sections(chart, [s for k, s in enumerate(chart.sections) if k != i])


# -- metadata ---------------------------------------------------------------------------
def set_metadata(chart: Chart, **fields: object) -> Chart:
    """Title, artist, charter, audio file, audio offset, preview start, description...

    The resolution cannot change here: it would move every tick."""
    if "resolution" in fields:
        raise EditError("the resolution cannot be changed by editing metadata")
    data = {**chart.metadata.model_dump(), **fields}
    return with_fields(chart, metadata=validated(Metadata, **data))


# -- tap-BPM ------------------------------------------------------------------------------
def tap_bpm(taps: Sequence[float], reset_after: float = 2.0) -> float | None:
    """The tempo of a run of taps (seconds, any clock), or None before the second tap.

    A pause longer than `reset_after` starts a new run, so the author can simply start
    tapping again. The BPM is the least-squares slope of tap time against tap number,
    which weighs every tap alike instead of trusting the first and last."""
    run: list[float] = []
    for t in taps:
        if run and (t <= run[-1] or t - run[-1] > reset_after):
            run = []
        run.append(t)
    if len(run) < 2:
        return None
    n = len(run)
    xs = range(n)
    mean_x = (n - 1) / 2
    mean_t = statistics.fmean(run)
    slope = sum((x - mean_x) * (t - mean_t) for x, t in zip(xs, run, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs)
    return _bpm(60.0 / slope)


# -- beat anchors ---------------------------------------------------------------------------
def anchors(chart: Chart) -> list[int]:
    """The pinned beats: every tempo change."""
    return [t.tick for t in chart.tempo]


def drag_anchor(chart: Chart, tick: int, seconds: float) -> Chart:
    """Make the beat at `tick` sound at `seconds` of song time (the waveform's time).

    The previous anchor stays where it is, the next anchor too; notes keep their ticks.
    Dragging tick 0 moves the audio under the chart instead (its audio offset)."""
    tm = TempoMap.from_chart(chart)
    if tick == 0:
        offset = chart.metadata.audio_offset_ms + seconds * 1000.0
        return set_metadata(chart, audio_offset_ms=round(offset, 3))
    prev = max(t for t in anchors(chart) if t < tick)
    later = [t for t in anchors(chart) if t > tick]
    t_prev = tm.seconds(prev)
    if seconds <= t_prev:
        raise EditError(f"the beat at tick {tick} cannot move to {seconds:.3f} s: the anchor at tick "
                        f"{prev} is at {t_prev:.3f} s")
    tempo = [t for t in chart.tempo if t.tick not in (prev, tick)]
    res = chart.resolution
    tempo.append(validated(TempoChange, tick=prev, bpm=_bpm(60.0 * (tick - prev) / res / (seconds - t_prev))))
    if later:
        nxt = later[0]
        t_next = tm.seconds(nxt)
        if seconds >= t_next:
            raise EditError(f"the beat at tick {tick} cannot move to {seconds:.3f} s: the anchor at tick "
                            f"{nxt} is at {t_next:.3f} s")
        bpm_after = 60.0 * (nxt - tick) / res / (t_next - seconds)
    else:
        bpm_after = tm.bpm_at(tick)
    tempo.append(validated(TempoChange, tick=tick, bpm=_bpm(bpm_after)))
    return with_fields(chart, tempo=sorted(tempo, key=lambda t: t.tick))
