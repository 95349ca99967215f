"""Autosave and crash recovery, as plain file functions (the timer is the window's).

Every `AUTOSAVE_INTERVAL_S` with unsaved changes the window writes the chart to a side
file next to it, ``song.json.autosave`` (atomically, so a crash mid-write leaves the
previous autosave whole). The side file does not end in ``.json``, so the song list
never mistakes it for a chart. Saving or closing cleanly deletes it. A chart that was
never saved autosaves into the user data folder instead.

To offer recovery after a crash the editor must know what was open: `begin_session`
writes the chart's path to a small session file in the data folder, `end_session`
removes it on a clean exit. On the next start `crashed_session` finds it, and
`find_recovery` says whether its autosave holds edits the chart file does not.
A broken autosave is reported, never deleted, so nothing an author typed is lost.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from duet_drums.core.atomic import atomic_write_text
from duet_drums.core.chart import Chart, ChartError, chart_to_json, load_chart
from duet_drums.core.jsonfile import JsonProblem, decode_json
from duet_drums.core.safe_read import FileReadError, read_bounded

AUTOSAVE_INTERVAL_S = 60.0
SUFFIX = ".autosave"
UNTITLED = "untitled.json"
SESSION_FILE = "editor-session.json"
MAX_SESSION_BYTES = 64 << 10


def autosave_due(now_s: float, last_autosave_s: float, dirty: bool,
                 interval_s: float = AUTOSAVE_INTERVAL_S) -> bool:
    """Whether the window should autosave now (any monotonic clock)."""
    return dirty and now_s - last_autosave_s >= interval_s


def autosave_path(chart_path: str | os.PathLike[str] | None, data_dir: str | os.PathLike[str]) -> Path:
    if chart_path is None:
        return Path(data_dir) / "editor" / (UNTITLED + SUFFIX)
    p = Path(chart_path)
    return p.with_name(p.name + SUFFIX)


def write_autosave(chart: Chart, chart_path: str | os.PathLike[str] | None,
                   data_dir: str | os.PathLike[str]) -> Path:
    path = autosave_path(chart_path, data_dir)
    atomic_write_text(path, chart_to_json(chart))
    return path


def discard_autosave(chart_path: str | os.PathLike[str] | None, data_dir: str | os.PathLike[str]) -> None:
    """Remove the side file; a folder that does not allow it keeps it (the recovery it
    would offer is found equal to the chart and not offered), never an error for a save
    that did reach the disk."""
    with contextlib.suppress(OSError):
        autosave_path(chart_path, data_dir).unlink()


@dataclass(frozen=True)
class Recovery:
    """An autosave newer than the chart on disk; `chart` is None when it cannot be read
    (then `error` says why, and the file stays for the author to rescue by hand)."""

    chart_path: Path | None
    autosave: Path
    chart: Chart | None
    error: str | None = None


def find_recovery(chart_path: str | os.PathLike[str] | None,
                  data_dir: str | os.PathLike[str]) -> Recovery | None:
    """What to offer when `chart_path` is opened (None: an unsaved new chart)."""
    side = autosave_path(chart_path, data_dir)
    try:
        if not side.exists():
            return None
    except (OSError, ValueError):  # a name no file system takes (too long, not encodable)
        return None
    target = Path(chart_path) if chart_path is not None else None
    try:
        recovered = load_chart(side)
    except ChartError as exc:
        return Recovery(target, side, None, str(exc))
    if target is not None:
        try:
            if chart_to_json(load_chart(target)) == chart_to_json(recovered):
                return None  # saved after the last autosave: nothing to recover
        except ChartError:
            pass  # the chart file itself is broken or gone: the autosave is all there is
    return Recovery(target, side, recovered)


def begin_session(data_dir: str | os.PathLike[str], chart_path: str | os.PathLike[str] | None) -> str | None:
    """Note which chart is open; called on open, on save-as and on new. Returns why it
    could not be noted (a read-only data folder: the editor works on, only a crash would
    not be offered back), else None."""
    path = None if chart_path is None else str(Path(chart_path).resolve())
    marker = Path(data_dir) / "editor" / SESSION_FILE
    try:
        atomic_write_text(marker, json.dumps({"chart": path}) + "\n")
    except OSError as exc:
        return f"cannot write {marker} ({exc.strerror or exc}): after a crash no recovery will be offered"
    return None


def end_session(data_dir: str | os.PathLike[str]) -> None:
    with contextlib.suppress(OSError):
        (Path(data_dir) / "editor" / SESSION_FILE).unlink()


def _session_chart(marker: Path) -> tuple[bool, Path | None]:
    """(whether the marker names a session, the chart it names). The marker is ours, but
    a crash, a full disk or a hand edit can leave anything there: whatever it holds that
    is not ``{"chart": <path or null>}`` is no session, never an error."""
    try:
        data = decode_json(read_bounded(marker, MAX_SESSION_BYTES))
    except (FileReadError, JsonProblem):
        return False, None
    chart = data.get("chart", False) if isinstance(data, dict) else False
    if chart is None:
        return True, None
    if isinstance(chart, str) and chart and "\0" not in chart:
        return True, Path(chart)
    return False, None


def crashed_session(data_dir: str | os.PathLike[str]) -> Recovery | None:
    """At start-up: the recovery to offer when the last session did not end cleanly."""
    found, chart = _session_chart(Path(data_dir) / "editor" / SESSION_FILE)
    return find_recovery(chart, data_dir) if found else None
