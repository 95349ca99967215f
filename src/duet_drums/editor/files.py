"""New charts from a template; open and save (atomically, through the core's own save).

A new chart has what a song needs before the first note: title, artist, tempo, time
signature, optionally the author's audio file, an Intro section, and two empty parts
("lead" and "partner", all four difficulties), so it loads in the game at once and the
author can start placing notes or recording.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from duet_drums.core.chart import (
    DEFAULT_RESOLUTION,
    Chart,
    Metadata,
    Part,
    Section,
    TempoChange,
    TimeSignature,
    load_chart,
    save_chart,
)
from duet_drums.core.safe_read import leads_outside
from duet_drums.editor.rebuild import EditError, validated

DEFAULT_PARTS = ("lead", "partner")


def slug(title: str) -> str | None:
    """A chart id from a title ("Golden Hour!" -> "golden-hour"), or None if nothing is left."""
    text = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return text or None


def audio_outside(folder: Path, audio: str | None) -> str | None:
    """Why the audio file a chart is given cannot be its own, or None. The game and the
    export refuse a chart whose audio lies outside its folder (a chart someone sent must
    not read a file elsewhere on the disk), so the editor says it when the name is typed,
    not when the chart is first played."""
    if not audio or not leads_outside(folder, audio):
        return None
    return (f"audio file {audio[:200]!r} is outside the chart's folder ({folder}); put the recording "
            "beside the chart and give its file name")


def new_chart(title: str, artist: str = "", bpm: float = 120.0, num: int = 4, den: int = 4,
              audio: str | None = None, charter: str = "", resolution: int = DEFAULT_RESOLUTION,
              parts: tuple[str, ...] = DEFAULT_PARTS) -> Chart:
    if not parts:
        raise EditError("a chart needs at least one part")
    metadata = validated(Metadata, title=title, artist=artist, charter=charter, id=slug(title),
                         resolution=resolution, audio=audio)
    empty = Part(easy=[], medium=[], hard=[], expert=[])
    return validated(Chart, metadata=metadata,
                     tempo=[validated(TempoChange, tick=0, bpm=bpm)],
                     time_signatures=[validated(TimeSignature, tick=0, num=num, den=den)],
                     sections=[Section(tick=0, name="Intro")],
                     parts=dict.fromkeys(parts, empty))


def open_chart(path: str | os.PathLike[str]) -> Chart:
    """The chart at `path`; a `ChartError` names the file, the JSON path and the problem."""
    return load_chart(path)


def save(chart: Chart, path: str | os.PathLike[str]) -> Path:
    """Write the chart in canonical form, atomically (temp file, fsync, rename)."""
    save_chart(chart, path)
    return Path(path)
