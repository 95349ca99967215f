"""What each key, header button and panel row of the editor does.

One function per action of `keys.BINDINGS`, each a call (or two) into `editor.session`
with the scene's current session; forms and choices for the actions that need words or
numbers from the author (a tempo, a section name, a file). The scene looks actions up
by name, so the key table, the Keys panel and this module stay one list.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from duet_drums.app import widgets as w
from duet_drums.app.routes import Calibration, MidiSetup
from duet_drums.core.chart import DIFFICULTIES, Chart
from duet_drums.core.kit import LAYOUTS
from duet_drums.editor import session as es
from duet_drums.editor import snap, tempo_edits
from duet_drums.editor.files import audio_outside, new_chart, slug
from duet_drums.editor.rebuild import EditError
from duet_drums.editor.record import Mode
from duet_drums.editor.selection import Selection
from duet_drums.editor.session import Session
from duet_drums.editor.window.routes import Choice, Form, FormField, Record
from duet_drums.editor.window.timeline import bar_beat
from duet_drums.settings import data_dir as user_data_dir

if TYPE_CHECKING:
    from duet_drums.editor.window.scene import EditorScene

Action = Callable[["EditorScene"], None]
ACTIONS: dict[str, Action] = {}
SNAPS: tuple[snap.Division, ...] = (*snap.DIVISIONS, None)
VELOCITY_STEP = 10


def action(name: str) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        ACTIONS[name] = fn
        return fn
    return register


def _simple(name: str, change: Callable[[Session], Session], center: bool = False) -> None:
    def run(ed: EditorScene) -> None:
        ed.apply(change)
        if center:
            ed.center_cursor()
    ACTIONS[name] = run


def _on_chord(name: str, change: Callable[[Session], Session]) -> None:
    ACTIONS[name] = lambda ed: ed.on_chord(change)


# -- notes -----------------------------------------------------------------------------------------
_on_chord("accent", es.toggle_accent)
_on_chord("ghost", es.toggle_ghost)
_on_chord("cymbal", es.toggle_cymbal)
_on_chord("double_kick", es.toggle_double_kick)
_on_chord("velocity_down", lambda s: es.nudge_velocity(s, -VELOCITY_STEP))
_on_chord("velocity_up", lambda s: es.nudge_velocity(s, VELOCITY_STEP))
_simple("delete", es.delete)
_simple("select_all", es.select_all)
_simple("clear_selection", lambda s: es.select(s, Selection(s.part, s.difficulty)))
_simple("copy", es.copy)
_simple("cut", es.cut)
_simple("paste", es.paste)
_simple("move_later", lambda s: es.move(s, 1))
_simple("move_earlier", lambda s: es.move(s, -1))
_simple("undo", es.undo)
_simple("redo", es.redo)


@action("select_section")
def _select_section(ed: EditorScene) -> None:
    index = section_at(ed.s, ed.s.cursor)
    if index is None:
        ed.s = replace(ed.s, message="the cursor is before the first section")
        return
    ed.apply(lambda s: es.select_section(s, index))


def section_at(s: Session, tick: int) -> int | None:
    found = [i for i, sec in enumerate(s.chart.sections) if sec.tick <= tick]
    return found[-1] if found else None


# -- cursor and view -------------------------------------------------------------------------------
_simple("cursor_up", lambda s: es.step_cursor(s, 1), center=True)
_simple("cursor_down", lambda s: es.step_cursor(s, -1), center=True)


def _measure_step(ed: EditorScene, direction: int) -> None:
    tm = ed.tempo
    cursor = ed.s.cursor
    bar_ticks = tm.beat_ticks(cursor) * tm.signature_at(cursor)[1]
    lo, hi = max(0, cursor - 2 * bar_ticks), cursor + 2 * bar_ticks
    starts = [ln.tick for ln in tm.grid(lo, hi) if ln.measure is not None]
    later = [t for t in starts if t > cursor] if direction > 0 else [t for t in starts if t < cursor]
    target = (min(later) if direction > 0 else max(later)) if later else (hi if direction > 0 else 0)
    ed.apply(lambda s: replace(s, cursor=target))
    ed.center_cursor()


ACTIONS["measure_up"] = lambda ed: _measure_step(ed, 1)
ACTIONS["measure_down"] = lambda ed: _measure_step(ed, -1)


@action("home")
def _home(ed: EditorScene) -> None:
    ed.apply(lambda s: replace(s, cursor=0))
    ed.center_cursor()


@action("end")
def _end(ed: EditorScene) -> None:
    notes = ed.s.chart.notes(ed.s.part, ed.s.difficulty)
    last = notes[-1].tick if notes else ed.s.chart.last_tick()
    ed.apply(lambda s: replace(s, cursor=last))
    ed.center_cursor()


def _snap_step(ed: EditorScene, step: int) -> None:
    i = SNAPS.index(ed.s.division) if ed.s.division in SNAPS else SNAPS.index(4)
    ed.apply(lambda s: es.set_snap(s, SNAPS[min(len(SNAPS) - 1, max(0, i + step))]))


ACTIONS["finer"] = lambda ed: _snap_step(ed, 1)
ACTIONS["coarser"] = lambda ed: _snap_step(ed, -1)


@action("snap_menu")
def snap_menu(ed: EditorScene) -> None:
    def pick(division: snap.Division) -> Callable[[], None]:
        def run() -> None:
            ed.apply(lambda s: es.set_snap(s, division))
        return run

    options = tuple((f"1/{d}" if d is not None else "free", pick(d)) for d in SNAPS)
    ed.later(Choice("Snap", "Grid lines per beat (triplets: 1/3, 1/6, 1/12, 1/24, 1/48). Free places notes "
                    "on any tick.", options, cancel=None, selected=SNAPS.index(ed.s.division)))


def _zoom(ed: EditorScene, steps: int) -> None:
    ed.view.zoom(steps)


ACTIONS["zoom_in"] = lambda ed: _zoom(ed, 1)
ACTIONS["zoom_out"] = lambda ed: _zoom(ed, -1)


@action("next_part")
def _next_part(ed: EditorScene) -> None:
    parts = list(ed.s.chart.parts)
    nxt = parts[(parts.index(ed.s.part) + 1) % len(parts)]
    ed.apply(lambda s: es.show(s, nxt, s.difficulty))


@action("ghost_difficulty")
def _ghost_difficulty(ed: EditorScene) -> None:
    current = ed.ghost_difficulty or ed.s.difficulty
    ed.ghost_difficulty = DIFFICULTIES[(DIFFICULTIES.index(current) + 1) % len(DIFFICULTIES)]
    ghost = ed.ghost()
    ed.s = replace(ed.s, message=f"showing {ghost[0]} {ghost[1]} beside" if ghost else "no other part")


def _difficulty(d: str) -> Action:
    def run(ed: EditorScene) -> None:
        ed.apply(lambda s: es.show(s, s.part, d))
    return run


for _d in DIFFICULTIES:
    ACTIONS[_d] = _difficulty(_d)


@action("layout")
def _layout(ed: EditorScene) -> None:
    names = list(LAYOUTS)
    nxt = names[(names.index(ed.s.layout) + 1) % len(names)]
    ed.apply(lambda s: replace(s, layout=nxt, message=f"{nxt} lanes"))
    ed.resize(ed.size)


def _jump(ed: EditorScene, step: int) -> None:
    if ed.panel.tab in ("keys", "problems"):
        analysis = ed.analyser.wait()
        problems = analysis.problems if analysis is not None else []
        if not problems:
            ed.s = replace(ed.s, message="no problems to jump to")
            return
        ed.panel.tab = "problems"
        i = (ed.panel.current.get("problems", -1 if step > 0 else 0) + step) % len(problems)
        jump_item(ed, i)
    else:
        sections = ed.s.chart.sections
        if not sections:
            ed.s = replace(ed.s, message="the chart has no sections (F8 adds one)")
            return
        here = section_at(ed.s, ed.s.cursor)
        i = 0 if here is None and step > 0 else ((here or 0) + step) % len(sections)
        jump_item(ed, i)


ACTIONS["next_item"] = lambda ed: _jump(ed, 1)
ACTIONS["previous_item"] = lambda ed: _jump(ed, -1)


def jump_item(ed: EditorScene, index: int) -> None:
    """A click on the panel's row `index` (or J): go to that problem or section."""
    if ed.panel.tab == "problems":
        analysis = ed.analyser.result
        if analysis is None or not 0 <= index < len(analysis.problems):
            return
        problem = analysis.problems[index]
        ed.panel.current["problems"] = index
        ed.apply(lambda s: es.jump(s, problem))
    elif ed.panel.tab in ("sections", "duet"):
        sections = ed.s.chart.sections
        if not 0 <= index < len(sections):
            return
        tick, name = sections[index].tick, sections[index].name
        ed.apply(lambda s: replace(es.set_cursor(s, tick), message=f"section {name}"))
    ed.center_cursor()


def panel_click(ed: EditorScene, hit: tuple[str, int | str] | None) -> None:
    if hit is None:
        return
    kind, value = hit
    if kind == "tab" and isinstance(value, str):
        ed.panel.tab = value
    elif kind == "item" and isinstance(value, int):
        jump_item(ed, value)


for _tab in ("keys", "problems", "duet", "sections"):
    ACTIONS[f"panel_{_tab}"] = (lambda t: lambda ed: setattr(ed.panel, "tab", t))(_tab)


# -- time ------------------------------------------------------------------------------------------
def _where(ed: EditorScene) -> str:
    bar, beat = bar_beat(ed.tempo, ed.s.cursor)
    return f"bar {bar} beat {beat}"


def _result(ed: EditorScene, change: Callable[[Session], Session]) -> str | None:
    """Apply a form's edit; a refused edit keeps the form open with the reason."""
    before = ed.s
    after = change(before)
    if after.history is before.history and after.message != before.message and ":" in after.message:
        return after.message
    ed.s = after
    return None


def _marker_form(ed: EditorScene, title: str, label: str, value: str, here: bool, note: str,
                 remove: Callable[[Chart, int], Chart], what: str,
                 parse: Callable[[str], Callable[[Session], Session] | str]) -> None:
    """A tempo or time signature at the cursor: set it, or (empty) remove the one there.
    `parse` turns the text into the session edit, or into the reason it is wrong."""
    tick = ed.s.cursor

    def submit(values: tuple[str, ...]) -> str | None:
        text = values[0]
        if not text and here:
            label = f"removed the {what} at tick {tick}"
            return _result(ed, lambda s: es.edit(s, lambda c: remove(c, tick), label))
        change = parse(text)
        return change if isinstance(change, str) else _result(ed, change)

    hint = "empty: remove the change here" if here else ""
    ed.later(Form(f"{title} at {_where(ed)}", (FormField(label, value, hint),), submit, note))


@action("tempo")
def _tempo(ed: EditorScene) -> None:
    def parse(text: str) -> Callable[[Session], Session] | str:
        try:
            bpm = float(text)
        except ValueError:
            bpm = math.nan
        if not math.isfinite(bpm):
            return f"{text!r} is not a number of beats per minute"
        return lambda s: es.set_tempo(s, bpm)

    _marker_form(ed, "Tempo", "BPM", f"{ed.tempo.bpm_at(ed.s.cursor):g}",
                 any(t.tick == ed.s.cursor for t in ed.s.chart.tempo),
                 "Later tempo changes keep their beats; notes keep their bar and beat.",
                 tempo_edits.remove_tempo, "tempo change", parse)


@action("time_signature")
def _time_signature(ed: EditorScene) -> None:
    def parse(text: str) -> Callable[[Session], Session] | str:
        a, sep, b = text.partition("/")
        if not sep or not a.strip().isdigit() or not b.strip().isdigit():
            return f"{text!r}: write it as beats/note, e.g. 4/4, 7/8, 6/8"
        return lambda s: es.set_time_signature(s, int(a), int(b))

    _, num, den = ed.tempo.signature_at(ed.s.cursor)
    _marker_form(ed, "Time signature", "Signature", f"{num}/{den}",
                 any(t.tick == ed.s.cursor for t in ed.s.chart.time_signatures),
                 "A time signature must start a bar.", tempo_edits.remove_time_signature, "time signature",
                 parse)


@action("section")
def _section(ed: EditorScene) -> None:
    tick = ed.s.cursor
    existing = next((sec.name for sec in ed.s.chart.sections if sec.tick == tick), None)

    def submit(values: tuple[str, ...]) -> str | None:
        name = values[0]
        if existing is not None and not name:
            return _result(ed, lambda s: es.edit(s, lambda c: tempo_edits.remove_section(c, tick),
                                                  f"removed section {existing!r}"))
        if not name:
            return "type a name (Verse, Chorus, Bridge...)"
        if existing is not None:
            return _result(ed, lambda s: es.edit(s, lambda c: tempo_edits.rename_section(c, tick, name),
                                                  f"renamed section {existing!r} to {name!r}"))
        return _result(ed, lambda s: es.add_section(s, name))

    ed.later(Form(f"Section at {_where(ed)}", (FormField("Name", existing or "",
                                                         "empty: remove this section" if existing else ""),),
                  submit))


@action("metadata")
def _metadata(ed: EditorScene) -> None:
    m = ed.s.chart.metadata

    def submit(values: tuple[str, ...]) -> str | None:
        title, artist, charter, audio, offset = values
        problem = audio_outside(_charts_folder(ed), audio)
        if problem is not None:
            return problem
        try:
            offset_ms = float(offset or 0)
        except ValueError:
            return f"audio offset {offset!r} is not a number of milliseconds"
        out = _result(ed, lambda s: es.edit(s, lambda c: tempo_edits.set_metadata(
            c, title=title, artist=artist, charter=charter, audio=audio or None, audio_offset_ms=offset_ms),
            "song details"))
        if out is None:
            ed.playback.load_audio(ed.s.chart, ed.s.path)
        return out

    ed.later(Form("Song details", (
        FormField("Title", m.title), FormField("Artist", m.artist), FormField("Charter", m.charter),
        FormField("Audio file", m.audio or "", "your recording (WAV, OGG, MP3, FLAC), relative to the chart"),
        FormField("Audio offset ms", f"{m.audio_offset_ms:g}", "where the chart's time 0 falls in the file")),
        submit))


@action("tap")
def _tap(ed: EditorScene) -> None:
    ed.taps.append(ed.now())
    bpm = tempo_edits.tap_bpm(ed.taps, reset_after=2.0)
    if bpm is None:
        ed.s = replace(ed.s, message="tap BPM: keep tapping B on the beat")
    else:
        ed.s = replace(ed.s, message=f"tap BPM: {bpm:g} ({len(ed.taps)} taps); "
                                     f"stop to set it at {_where(ed)}")


def commit_taps(ed: EditorScene) -> None:
    """Tapping stopped: set the tapped tempo at the cursor, as one edit."""
    taps, ed.taps = ed.taps, []
    if tempo_edits.tap_bpm(taps) is not None:
        ed.apply(lambda s: es.tap_tempo(s, taps))


# -- playback and record ---------------------------------------------------------------------------
@action("play")
def play(ed: EditorScene) -> None:
    if ed.playback.playing:
        ed.playback.stop()
        ed.center_cursor()
        ed.s = replace(ed.s, message="stopped")
        return
    ed.playback.start(ed.s.chart, ed.tempo.seconds(ed.s.cursor), ed.sounding_parts())
    ed.s = replace(ed.s, message=f"playing at {round(ed.playback.speed * 100)}%")


def _replay(ed: EditorScene) -> None:
    """Settings that change the sound restart play where it is."""
    if ed.playback.playing:
        at = ed.playback.now()
        ed.playback.start(ed.s.chart, at, ed.sounding_parts())


def _speed(ed: EditorScene, step: float) -> None:
    ed.playback.set_speed(ed.playback.speed + step)
    ed.s = replace(ed.s, message=f"speed {round(ed.playback.speed * 100)}%")
    _replay(ed)


ACTIONS["slower"] = lambda ed: _speed(ed, -0.05)
ACTIONS["faster"] = lambda ed: _speed(ed, 0.05)


@action("click")
def _click(ed: EditorScene) -> None:
    ed.playback.mix.click = not ed.playback.mix.click
    ed.s = replace(ed.s, message=f"metronome {'on' if ed.playback.mix.click else 'off'}")
    _replay(ed)


def _mix(ed: EditorScene, part: str | None, solo: bool) -> None:
    if part is None:
        ed.s = replace(ed.s, message="no other part")
        return
    mix = ed.playback.mix
    if solo:
        mix.toggle_solo(part)
    else:
        mix.toggle_mute(part)
    ed.s = replace(ed.s, message=", ".join(f"{p} {mix.state(p)}" for p in ed.s.chart.parts))
    _replay(ed)


ACTIONS["solo"] = lambda ed: _mix(ed, ed.s.part, True)
ACTIONS["mute"] = lambda ed: _mix(ed, ed.s.part, False)
ACTIONS["mute_other"] = lambda ed: _mix(ed, (ed.ghost() or (None, ""))[0], False)


@action("record")
def _record(ed: EditorScene) -> None:
    ed.playback.stop()
    ed.later(Record(ed))


@action("record_mode")
def _record_mode(ed: EditorScene) -> None:
    mode: Mode = "merge" if ed.s.record_mode == "replace" else "replace"
    ed.s = replace(ed.s, record_mode=mode,
                   message=f"record {mode}: " + ("a take replaces what it covers" if mode == "replace"
                                                 else "a take adds to what is there"))


# The game's own screens, on the same navigator: a kit must be assigned to a player and
# calibrated before its takes are stamped as the game would judge them.
ACTIONS["midi_setup"] = lambda ed: ed.later(MidiSetup())
ACTIONS["calibrate"] = lambda ed: ed.later(Calibration())


# -- tools and files -------------------------------------------------------------------------------
_simple("reduce", es.reduce)


@action("partner")
def _partner(ed: EditorScene) -> None:
    if ed.s.part == "partner":
        ed.s = replace(ed.s, message="this is the partner part: Tab to the lead and build the "
                                     "partner from it")
        return
    ed.apply(es.make_partner)


def unsaved_guard(ed: EditorScene, what: str, then: Callable[[], None]) -> None:
    """Run `then`, asking first whether to save unsaved edits."""
    if not ed.s.dirty:
        then()
        return
    name = ed.s.path.name if ed.s.path else "this new chart"

    def save_then() -> None:
        if ed.save():
            then()

    ed.later(Choice("Unsaved changes", f"Save the changes to {name} before {what}?",
                    (("Save", save_then), ("Don't save", then), ("Cancel", lambda: None)), cancel=2))


def _charts_folder(ed: EditorScene) -> Path:
    return ed.s.path.parent if ed.s.path is not None else user_data_dir() / "charts"


def new_chart_form(ed: EditorScene, path: Path | None = None) -> Form:
    folder = _charts_folder(ed)

    def submit(values: tuple[str, ...]) -> str | None:
        title, artist, bpm_text, sig, audio, target = values
        if not title:
            return "a chart needs a title"
        try:
            bpm = float(bpm_text)
        except ValueError:
            return f"BPM {bpm_text!r} is not a number"
        num, sep, den = sig.partition("/")
        if not sep or not num.isdigit() or not den.isdigit():
            return f"time signature {sig!r}: write it as 4/4, 7/8, 6/8..."
        out = Path(target or f"{slug(title) or 'chart'}.json").expanduser()
        out = out if out.is_absolute() else folder / out
        if out.exists():
            return f"{out} exists; choose another file name"
        problem = audio_outside(out.parent, audio)
        if problem is not None:
            return problem
        try:
            chart = new_chart(title, artist, bpm, int(num), int(den), audio or None)
        except EditError as exc:
            return str(exc)
        ed.load_session(es.start(chart, out))
        ed.save()
        ed.report("created", path=str(out))
        return None

    return Form("New chart", (
        FormField("Title", ""), FormField("Artist", ""), FormField("BPM", "120"),
        FormField("Time signature", "4/4"),
        FormField("Audio file", "", "optional: your recording, relative to the chart"),
        FormField("Save as", str(path) if path else "", f"file name (in {folder}) or a full path")), submit,
        "Starts with lead and partner parts, all four difficulties empty, and an Intro section.")


ACTIONS["new"] = lambda ed: unsaved_guard(ed, "starting a new chart", lambda: ed.later(new_chart_form(ed)))


def _open_form(ed: EditorScene) -> Form:
    folder = _charts_folder(ed)
    found = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    note = f"In {folder}: {', '.join(found[:8])}{' ...' if len(found) > 8 else ''}" if found else ""

    def submit(values: tuple[str, ...]) -> str | None:
        path = Path(values[0]).expanduser()
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            return f"{path}: no such chart file"
        ed.open_path(path)
        return None

    return Form("Open a chart", (FormField("Chart file", "", f"a .json chart, relative to {folder}"),),
                submit, note)


ACTIONS["open"] = lambda ed: unsaved_guard(ed, "opening another chart", lambda: ed.later(_open_form(ed)))


@action("save")
def _save(ed: EditorScene) -> None:
    ed.save()


def save_as_form(ed: EditorScene) -> Form:
    folder = _charts_folder(ed)
    suggested = ed.s.path.name if ed.s.path else f"{slug(ed.s.chart.metadata.title) or 'chart'}.json"

    def submit(values: tuple[str, ...]) -> str | None:
        path = Path(values[0]).expanduser()
        path = path if path.is_absolute() else folder / path
        if path.suffix.lower() != ".json":
            return "a chart file ends in .json"
        if path != ed.s.path and path.exists():
            return f"{path} exists; choose another name"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return f"cannot make {path.parent}: {exc}"
        ed.save(path)
        return None

    return Form("Save as", (FormField("File", suggested, f"relative to {folder}, or a full path"),), submit)


ACTIONS["save_as"] = lambda ed: ed.later(save_as_form(ed))


@action("quit")
def _quit(ed: EditorScene) -> None:
    if not ed.s.dirty:
        ed.nav.quit()
        return

    def save_quit() -> None:
        if ed.save():
            ed.nav.quit()

    def discard_quit() -> None:
        ed.s = es.start(ed.s.chart, ed.s.path)  # nothing unsaved: the autosave goes
        ed.nav.quit()

    name = ed.s.path.name if ed.s.path else "this new chart"
    ed.later(Choice("Quit", f"Save the changes to {name} before quitting?",
                    (("Save and quit", save_quit), ("Quit without saving", discard_quit),
                     ("Cancel", lambda: None)),
                    cancel=2))


# -- the header ------------------------------------------------------------------------------------
def _chip(surface: pygame.Surface, ed: EditorScene, x: int, y: int, label: str, name: str,
          color: tuple[int, int, int] | None = None) -> int:
    theme = ed.ctx.theme
    surf = theme.label(label, 16, color or theme.text)
    rect = surf.get_rect(midleft=(x + 6, y)).inflate(12, 4)
    pygame.draw.rect(surface, theme.panel_border, rect, width=1, border_radius=4)
    surface.blit(surf, surf.get_rect(center=rect.center))
    ed.header_chips.append((rect, name))
    return rect.right + 6


def _fit_bold(ed: EditorScene, text: str, size: int, width: int) -> str:
    font = ed.ctx.theme.font(size, bold=True)
    while text and font.size(text)[0] > width:
        text = text[:-4] + "..." if len(text) > 4 else ""
    return text


def draw_header(ed: EditorScene, surface: pygame.Surface) -> None:
    """Row 1: the song and file, what is being edited, snap and zoom. Row 2: playback
    and record buttons (clickable)."""
    theme = ed.ctx.theme
    rect = ed.layout.header
    surface.fill(theme.panel, rect)
    ed.header_chips = []
    s = ed.s
    m = s.chart.metadata
    y1, y2 = rect.y + 11, rect.y + 29
    nx = _chip(surface, ed, rect.right - 330, y1, f"snap {snap.label(s.division)}", "snap_menu")
    _chip(surface, ed, nx, y1, f"zoom {ed.view.pps:.0f} px/s", "zoom_in")
    edit_label = f"{s.part} {s.difficulty}"
    ew = theme.font(16, bold=True).size(edit_label)[0]
    right = rect.right - 330 - 8
    w.text(surface, theme, edit_label, (right, y1), 16, theme.accent, bold=True, anchor="midright")
    r = w.text(surface, theme, "editing", (right - ew - 6, y1), 16, theme.text_dim, anchor="midright")
    name = s.path.name if s.path else "not saved yet"
    title = _fit_bold(ed, m.title + (f" - {m.artist}" if m.artist else ""), 18, r.left - 30 - 260)
    t = w.text(surface, theme, title, (10, y1), 18, theme.text, bold=True, anchor="midleft")
    w.text(surface, theme, f"  {name}{' (unsaved changes)' if s.dirty else ''}", (t.right, y1), 16,
           theme.accent if s.dirty else theme.text_dim, anchor="midleft")
    pb = ed.playback
    nx = _chip(surface, ed, 4, y2, "stop" if pb.playing else "play", "play",
               theme.good if pb.playing else None)
    nx = _chip(surface, ed, nx, y2, f"speed {round(pb.speed * 100)}%", "slower")
    nx = _chip(surface, ed, nx, y2, f"click {'on' if pb.mix.click else 'off'}", "click")
    for part in s.chart.parts:
        state = pb.mix.state(part)
        color = theme.bad if state == "muted" else theme.accent if state == "solo" else None
        nx = _chip(surface, ed, nx, y2, f"{part} {state}", f"part:{part}", color)
    nx = _chip(surface, ed, nx, y2, f"record {s.record_mode}", "record_mode")
    if ed.taps:
        w.text(surface, theme, "tapping...", (nx + 8, y2), 16, theme.accent, anchor="midleft")


def header_click(ed: EditorScene, pos: tuple[int, int]) -> bool:
    for rect, name in ed.header_chips:
        if rect.collidepoint(pos):
            if name.startswith("part:"):
                _cycle_part(ed, name.removeprefix("part:"))
            else:
                ACTIONS[name](ed)
            return True
    return ed.layout.header.collidepoint(pos)


def _cycle_part(ed: EditorScene, part: str) -> None:
    """A click on a part's button: on -> muted -> solo -> on."""
    mix = ed.playback.mix
    state = mix.state(part)
    if state == "on":
        mix.muted.add(part)
    elif state == "muted":
        mix.muted.discard(part)
        mix.solo = part
    else:
        mix.solo = None
    ed.s = replace(ed.s, message=", ".join(f"{p} {mix.state(p)}" for p in ed.s.chart.parts))
    _replay(ed)
