"""Unlimited undo and redo: a history of whole charts.

Edits are pure functions, so undo needs no inverse edits: the history keeps the chart
before each edit. Frozen charts share every note an edit did not touch, so each step
costs one new note list. The stacks are linked lists, so recording, undoing and redoing
are O(1) however long the session. `saved` remembers which chart is on disk, so the
window knows whether there are unsaved changes (undoing back to it clears the mark).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from duet_drums.core.chart import Chart


@dataclass(frozen=True, slots=True)
class _Entry:
    chart: Chart
    label: str
    below: _Entry | None


@dataclass(frozen=True, slots=True)
class History:
    present: Chart
    past: _Entry | None = None  # each entry: the chart before the edit named by `label`
    future: _Entry | None = None  # each entry: the chart after the undone edit `label`
    saved: Chart | None = None
    depth: int = 0  # how many edits can be undone

    @property
    def dirty(self) -> bool:
        return self.present is not self.saved

    @property
    def can_undo(self) -> bool:
        return self.past is not None

    @property
    def can_redo(self) -> bool:
        return self.future is not None

    @property
    def undo_label(self) -> str | None:
        return self.past.label if self.past else None

    @property
    def redo_label(self) -> str | None:
        return self.future.label if self.future else None


def start(chart: Chart, saved: bool = True) -> History:
    """A history for a chart just opened (saved) or just made or recovered (not saved)."""
    return History(present=chart, saved=chart if saved else None)


def record(h: History, chart: Chart, label: str) -> History:
    """Push an edit's result; a new edit drops the redo stack. An edit that changed
    nothing is not recorded, so undo never seems to do nothing."""
    if chart is h.present or chart == h.present:
        return h
    return History(chart, _Entry(h.present, label, h.past), None, h.saved, h.depth + 1)


def apply(h: History, edit: Callable[[Chart], Chart], label: str) -> History:
    """Run an edit on the present chart and record it; an `EditError` leaves `h` as it was."""
    return record(h, edit(h.present), label)


def undo(h: History) -> History:
    if h.past is None:
        return h
    e = h.past
    return History(e.chart, e.below, _Entry(h.present, e.label, h.future), h.saved, h.depth - 1)


def redo(h: History) -> History:
    if h.future is None:
        return h
    e = h.future
    return History(e.chart, _Entry(h.present, e.label, h.past), e.below, h.saved, h.depth + 1)


def mark_saved(h: History) -> History:
    return History(h.present, h.past, h.future, h.present, h.depth)
