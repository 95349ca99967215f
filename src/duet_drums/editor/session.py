"""The editor window's state and every action on it, as pure functions.

The window (pygame) is a thin adapter: each key, click or menu item calls one function
here with the session and gets a new session back; it then draws `session.chart` and
shows `session.message` on the status line. The session holds what is not the chart:
the undo history, which part and difficulty is open, the cursor, the snap, the
selection, the clipboard and the file. An edit that the chart cannot take leaves the
chart alone and says why in `message`, so no action can raise at the window.

Clocks and files stay the window's: it passes times in (taps, record takes, now) and
calls `save` / `write_autosave` when the author or the timer says so.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from duet_drums.core.chart import DIFFICULTIES, Chart, load_chart, save_chart
from duet_drums.core.hits import Hit
from duet_drums.core.kit import Layout, get_layout
from duet_drums.core.tempo import TempoMap
from duet_drums.editor import autosave, edits, history, selection, snap, tempo_edits
from duet_drums.editor.edits import Clipboard
from duet_drums.editor.history import History
from duet_drums.editor.partner import build_partner
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.record import Mode, record_take
from duet_drums.editor.reduce import reduce_part
from duet_drums.editor.selection import Selection
from duet_drums.editor.validate import Problem, validate_chart


@dataclass(frozen=True)
class Session:
    history: History
    path: Path | None
    part: str
    difficulty: str
    layout: str = "5-lane"
    cursor: int = 0
    division: snap.Division = 4
    selection: Selection = field(default_factory=lambda: Selection("", ""))
    clipboard: Clipboard | None = None
    record_mode: Mode = "replace"
    message: str = ""

    @property
    def chart(self) -> Chart:
        return self.history.present

    @property
    def dirty(self) -> bool:
        return self.history.dirty

    @property
    def lanes(self) -> Layout:
        return get_layout(self.layout)

    def tempo_map(self) -> TempoMap:
        return TempoMap.from_chart(self.chart)


def start(chart: Chart, path: str | os.PathLike[str] | None = None, saved: bool = True) -> Session:
    """A session on a chart: the first part's expert, cursor at the start."""
    part = next(iter(chart.parts))
    return Session(history.start(chart, saved), None if path is None else Path(path), part, "expert",
                   selection=Selection(part, "expert"))


def open_file(path: str | os.PathLike[str]) -> Session:
    """Raises `ChartError` (file, JSON path, problem) for a chart that does not load."""
    return start(load_chart(path), path)


def recover(offer: autosave.Recovery) -> Session:
    """Continue from an autosave: the chart is unsaved until the author saves it."""
    if offer.chart is None:
        raise EditError(f"the autosave {offer.autosave} cannot be read: {offer.error}")
    s = start(offer.chart, offer.chart_path, saved=False)
    return replace(s, message=f"recovered unsaved edits from {offer.autosave}")


# -- the edit loop ---------------------------------------------------------------------------
def edit(s: Session, change: Callable[[Chart], Chart], label: str) -> Session:
    """Apply one edit; a refused edit leaves the chart and says why."""
    try:
        h = history.apply(s.history, change, label)
    except EditError as exc:
        return replace(s, message=f"{label}: {exc}")
    return replace(s, history=h, message=label)


def undo(s: Session) -> Session:
    if not s.history.can_undo:
        return replace(s, message="nothing to undo")
    return replace(s, history=history.undo(s.history), message=f"undid {s.history.undo_label}")


def redo(s: Session) -> Session:
    if not s.history.can_redo:
        return replace(s, message="nothing to redo")
    return replace(s, history=history.redo(s.history), message=f"redid {s.history.redo_label}")


def save(s: Session, path: str | os.PathLike[str] | None = None,
         data_dir: str | os.PathLike[str] | None = None) -> Session:
    """Save (to `path`: save as); clears the autosave side file of the chart saved."""
    target = Path(path) if path is not None else s.path
    if target is None:
        return replace(s, message="choose where to save this new chart")
    save_chart(s.chart, target)
    if data_dir is not None:
        autosave.discard_autosave(s.path, data_dir)
        autosave.discard_autosave(target, data_dir)
    return replace(s, history=history.mark_saved(s.history), path=target, message=f"saved {target}")


# -- where the author is ---------------------------------------------------------------------
def show(s: Session, part: str, difficulty: str) -> Session:
    """Switch the highway to another part or difficulty (the selection goes with it)."""
    if part not in s.chart.parts or difficulty not in DIFFICULTIES:
        return replace(s, message=f"no {part} {difficulty} in this chart")
    return replace(s, part=part, difficulty=difficulty, selection=Selection(part, difficulty),
                   message=f"{part} {difficulty}")


def set_cursor(s: Session, tick: float) -> Session:
    """Put the cursor on the grid line nearest `tick` (a click on the timeline)."""
    return replace(s, cursor=snap.snap_tick(s.tempo_map(), tick, s.division))


def step_cursor(s: Session, direction: int) -> Session:
    return replace(s, cursor=snap.step_tick(s.tempo_map(), s.cursor, s.division, direction))


def set_snap(s: Session, division: snap.Division) -> Session:
    snap.check_division(division)
    return replace(s, division=division, message=f"snap {snap.label(division)}")


def finer_snap(s: Session) -> Session:
    return set_snap(s, snap.finer(s.division))


def coarser_snap(s: Session) -> Session:
    return set_snap(s, snap.coarser(s.division))


def jump(s: Session, problem: Problem) -> Session:
    """The validation panel's jump: open the problem's part and difficulty at its tick."""
    out = s
    if problem.part in s.chart.parts:
        out = show(s, problem.part, problem.difficulty or s.difficulty)
    return replace(out, cursor=problem.tick if problem.tick is not None else s.cursor,
                   message=problem.message)


# -- placing notes --------------------------------------------------------------------------
def lane_key(s: Session, lane: int) -> Session:
    """A lane's key at the cursor (Moonscraper's keys mode)."""
    name = s.lanes.lanes[lane].name if 0 <= lane < len(s.lanes.lanes) else str(lane)
    return edit(s, lambda c: edits.toggle_lane(c, s.part, s.difficulty, s.cursor, s.lanes, lane),
                f"{name} at tick {s.cursor}")


def click(s: Session, tick: float, lane: int) -> Session:
    """A click on the highway: snap, move the cursor there and toggle the lane."""
    return lane_key(set_cursor(s, tick), lane)


def _on_selection(s: Session, change: Callable[[Chart, Selection], Chart], label: str,
                  follow: Callable[[Selection], Selection] | None = None) -> Session:
    """Edit the selection; `follow` says where the selected notes are afterwards."""
    out = edit(s, lambda c: change(c, s.selection), f"{label} ({len(s.selection)} notes)")
    if follow is None or out.chart is s.chart:
        return out
    return replace(out, selection=follow(s.selection))


def toggle_cymbal(s: Session) -> Session:
    return _on_selection(s, edits.toggle_cymbal, "cymbal/tom", lambda sel: sel.mapped(edits.flipped))


def toggle_accent(s: Session) -> Session:
    return _on_selection(s, edits.toggle_accent, "accent")


def toggle_ghost(s: Session) -> Session:
    return _on_selection(s, edits.toggle_ghost, "ghost")


def toggle_double_kick(s: Session) -> Session:
    return _on_selection(s, edits.toggle_double_kick, "2x kick",
                         lambda sel: sel.mapped(edits.double_kick_flipped))


def nudge_velocity(s: Session, delta: int) -> Session:
    return _on_selection(s, lambda c, sel: edits.nudge_velocity(c, sel, delta), f"velocity {delta:+d}")


def delete(s: Session) -> Session:
    return _on_selection(s, edits.delete_notes, "delete", lambda sel: Selection(sel.part, sel.difficulty))


def move(s: Session, steps: int) -> Session:
    """Move the selection by grid steps (arrow keys with the selection held)."""
    tm = s.tempo_map()
    notes = s.selection.present(s.chart)
    if not notes or steps == 0:
        return replace(s, message="nothing selected" if not notes else "")
    first = notes[0].tick
    target = first
    for _ in range(abs(steps)):
        target = snap.step_tick(tm, target, s.division, steps)
    delta = target - first
    return _on_selection(s, lambda c, sel: edits.move_notes(c, sel, delta), f"move {delta:+d} ticks",
                         lambda sel: sel.shifted(delta))


# -- selecting, copying ------------------------------------------------------------------
def select(s: Session, sel: Selection) -> Session:
    return replace(s, selection=sel, message=f"{len(sel)} notes selected")


def select_box(s: Session, start_tick: float, end_tick: float, lanes: Iterable[int],
               add: bool = False) -> Session:
    sel = selection.select_box(s.chart, s.part, s.difficulty, round(start_tick), round(end_tick),
                               selection.pieces_in_lanes(s.lanes, lanes))
    return select(s, s.selection.union(sel) if add else sel)


def select_lanes(s: Session, lanes: Iterable[int]) -> Session:
    """Select by piece: every note of some lanes."""
    pieces = selection.pieces_in_lanes(s.lanes, lanes)
    return select(s, selection.select_pieces(s.chart, s.part, s.difficulty, pieces))


def select_section(s: Session, name_or_index: str | int) -> Session:
    try:
        return select(s, selection.select_section(s.chart, s.part, s.difficulty, name_or_index))
    except EditError as exc:
        return replace(s, message=str(exc))


def select_all(s: Session) -> Session:
    return select(s, selection.select_all(s.chart, s.part, s.difficulty))


def copy(s: Session) -> Session:
    try:
        clip = edits.copy_notes(s.chart, s.selection)
    except EditError as exc:
        return replace(s, message=str(exc))
    return replace(s, clipboard=clip, message=f"copied {len(clip.notes)} notes of {clip.source}")


def cut(s: Session) -> Session:
    copied = copy(s)
    return delete(copied) if copied.clipboard is not s.clipboard else copied


def paste(s: Session) -> Session:
    """Paste at the cursor into the open part and difficulty; the pasted notes are selected."""
    if s.clipboard is None:
        return replace(s, message="the clipboard is empty")
    clip = s.clipboard
    out = edit(s, lambda c: edits.paste_notes(c, s.part, s.difficulty, s.cursor, clip),
               f"paste {len(clip.notes)} notes of {clip.source}")
    if out.chart is s.chart:
        return out
    return replace(out, selection=edits.pasted_selection(out.chart, s.part, s.difficulty, s.cursor, clip))


# -- time ------------------------------------------------------------------------------------
def set_tempo(s: Session, bpm: float) -> Session:
    return edit(s, lambda c: tempo_edits.set_tempo(c, s.cursor, bpm), f"tempo {bpm:g} at tick {s.cursor}")


def tap_tempo(s: Session, taps: Sequence[float]) -> Session:
    """Set the tempo at the cursor from the taps so far (the window keeps the tap times)."""
    bpm = tempo_edits.tap_bpm(taps)
    if bpm is None:
        return replace(s, message="keep tapping")
    return set_tempo(s, bpm)


def set_time_signature(s: Session, num: int, den: int) -> Session:
    return edit(s, lambda c: tempo_edits.set_time_signature(c, s.cursor, num, den), f"{num}/{den}")


def add_section(s: Session, name: str) -> Session:
    return edit(s, lambda c: tempo_edits.add_section(c, s.cursor, name), f"section {name!r}")


def drag_anchor(s: Session, tick: int, seconds: float) -> Session:
    return edit(s, lambda c: tempo_edits.drag_anchor(c, tick, seconds),
                f"beat at tick {tick} to {seconds:.3f} s")


# -- whole-part tools ------------------------------------------------------------------------
def record(s: Session, hits: Iterable[Hit], start_s: float, end_s: float) -> Session:
    """A finished take: quantized to the snap, written as one undoable edit."""
    take = list(hits)
    return edit(s, lambda c: record_take(c, s.part, s.difficulty, take, s.division, start_s, end_s,
                                         s.record_mode),
                f"record {len(take)} hits ({s.record_mode})")


def reduce(s: Session) -> Session:
    return edit(s, lambda c: reduce_part(c, s.part), f"reduce {s.part} from expert")


def make_partner(s: Session, name: str = "partner") -> Session:
    return edit(s, lambda c: build_partner(c, s.part, name), f"build {name} from {s.part}")


def problems(s: Session) -> list[Problem]:
    return validate_chart(s.chart)
