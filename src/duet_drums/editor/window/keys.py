"""The editor's keys: one table that both the key handler and the Keys panel read, so
the help an author sees is the handler's own map and cannot drift from it.

Lane keys follow Moonscraper's keys mode: the number keys place or remove a note of
that lane at the cursor (1 is the kick, then the pads left to right, as the lane headers
show). Moving the cursor follows its habits too (arrows step by the snap, Left/Right
change the snap), and undo/redo are Ctrl+Z and Ctrl+Y or Ctrl+Shift+Z everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame


@dataclass(frozen=True, slots=True)
class Chord:
    key: int
    ctrl: bool = False
    shift: bool = False
    alt: bool = False

    @classmethod
    def of(cls, event: pygame.event.Event) -> Chord:
        mod = getattr(event, "mod", 0)
        return cls(event.key, bool(mod & (pygame.KMOD_CTRL | pygame.KMOD_META)),
                   bool(mod & pygame.KMOD_SHIFT), bool(mod & pygame.KMOD_ALT))


@dataclass(frozen=True, slots=True)
class Binding:
    chords: tuple[Chord, ...]
    action: str  # a key of the scene's action table
    shown: str  # how the Keys panel writes the keys
    help: str
    group: str


def _b(action: str, shown: str, help_: str, group: str, *chords: Chord) -> Binding:
    return Binding(tuple(chords), action, shown, help_, group)


K = pygame
BINDINGS: tuple[Binding, ...] = (
    # -- notes (on the selection; with nothing selected, on the chord at the cursor) --------
    _b("accent", "A", "accent on/off", "Notes", Chord(K.K_a)),
    _b("ghost", "G", "ghost on/off", "Notes", Chord(K.K_g)),
    _b("cymbal", "T", "cymbal / tom, per gem", "Notes", Chord(K.K_t)),
    _b("double_kick", "K", "2x kick on/off", "Notes", Chord(K.K_k)),
    _b("velocity_down", "[  ]", "velocity -10 / +10", "Notes", Chord(K.K_LEFTBRACKET)),
    _b("velocity_up", "", "", "", Chord(K.K_RIGHTBRACKET)),
    _b("delete", "Del", "delete the selection", "Notes", Chord(K.K_DELETE), Chord(K.K_BACKSPACE)),
    _b("select_all", "Ctrl+A", "select all", "Notes", Chord(K.K_a, ctrl=True)),
    _b("select_section", "Ctrl+E", "select this section", "Notes", Chord(K.K_e, ctrl=True)),
    _b("clear_selection", "Esc", "clear the selection", "Notes", Chord(K.K_ESCAPE)),
    _b("copy", "Ctrl+C X V", "copy, cut, paste", "Notes", Chord(K.K_c, ctrl=True)),
    _b("cut", "", "", "", Chord(K.K_x, ctrl=True)),
    _b("paste", "", "", "", Chord(K.K_v, ctrl=True)),
    _b("move_later", "Ctrl+Up/Dn", "move selection a snap", "Notes", Chord(K.K_UP, ctrl=True)),
    _b("move_earlier", "", "", "", Chord(K.K_DOWN, ctrl=True)),
    _b("undo", "Ctrl+Z", "undo", "Notes", Chord(K.K_z, ctrl=True)),
    _b("redo", "Ctrl+Y", "redo (or Ctrl+Shift+Z)", "Notes", Chord(K.K_y, ctrl=True),
       Chord(K.K_z, ctrl=True, shift=True)),
    # -- cursor and view -------------------------------------------------------------------
    _b("cursor_up", "Up/Down", "cursor by the snap", "Cursor and view", Chord(K.K_UP)),
    _b("cursor_down", "", "", "", Chord(K.K_DOWN)),
    _b("measure_up", "PgUp/PgDn", "cursor by a bar", "Cursor and view", Chord(K.K_PAGEUP)),
    _b("measure_down", "", "", "", Chord(K.K_PAGEDOWN)),
    _b("home", "Home/End", "start / last note", "Cursor and view", Chord(K.K_HOME)),
    _b("end", "", "", "", Chord(K.K_END)),
    _b("coarser", "Left/Right", "coarser / finer snap", "Cursor and view", Chord(K.K_LEFT)),
    _b("finer", "", "", "", Chord(K.K_RIGHT)),
    _b("snap_menu", "Q", "snap menu", "Cursor and view", Chord(K.K_q)),
    _b("zoom_in", "+  -", "zoom (or Ctrl+wheel)", "Cursor and view", Chord(K.K_EQUALS),
       Chord(K.K_PLUS), Chord(K.K_KP_PLUS), Chord(K.K_EQUALS, shift=True)),
    _b("zoom_out", "", "", "", Chord(K.K_MINUS), Chord(K.K_KP_MINUS)),
    _b("next_part", "Tab", "edit the next part", "Cursor and view", Chord(K.K_TAB)),
    _b("ghost_difficulty", "Shift+Tab", "other part's difficulty", "Cursor and view",
       Chord(K.K_TAB, shift=True)),
    _b("easy", "Ctrl+1..4", "easy .. expert", "Cursor and view", Chord(K.K_1, ctrl=True)),
    _b("medium", "", "", "", Chord(K.K_2, ctrl=True)),
    _b("hard", "", "", "", Chord(K.K_3, ctrl=True)),
    _b("expert", "", "", "", Chord(K.K_4, ctrl=True)),
    _b("layout", "L", "5-lane / full-kit lanes", "Cursor and view", Chord(K.K_l)),
    _b("next_item", "J  Shift+J", "next / previous problem", "Cursor and view", Chord(K.K_j)),
    _b("previous_item", "", "", "", Chord(K.K_j, shift=True)),
    # -- time ------------------------------------------------------------------------------
    _b("tempo", "F6", "tempo at the cursor", "Time", Chord(K.K_F6)),
    _b("time_signature", "F7", "time signature", "Time", Chord(K.K_F7)),
    _b("section", "F8", "section marker", "Time", Chord(K.K_F8)),
    _b("tap", "B", "tap BPM on the beat", "Time", Chord(K.K_b)),
    _b("metadata", "F9", "song details, audio file", "Time", Chord(K.K_F9)),
    # -- playback and recording ----------------------------------------------------------
    _b("play", "Space", "play / stop", "Play and record", Chord(K.K_SPACE)),
    _b("slower", ",  .", "speed -/+ 5 % (25-100)", "Play and record", Chord(K.K_COMMA)),
    _b("faster", "", "", "", Chord(K.K_PERIOD)),
    _b("click", "C", "metronome on/off", "Play and record", Chord(K.K_c)),
    _b("solo", "S  M", "solo / mute this part", "Play and record", Chord(K.K_s)),
    _b("mute", "", "", "", Chord(K.K_m)),
    _b("mute_other", "Shift+M", "mute the other part", "Play and record", Chord(K.K_m, shift=True)),
    _b("record", "R", "record from the cursor", "Play and record", Chord(K.K_r)),
    _b("record_mode", "Ctrl+R", "takes replace / merge", "Play and record", Chord(K.K_r, ctrl=True)),
    _b("midi_setup", "F10", "MIDI kits (the game's)", "Play and record", Chord(K.K_F10)),
    _b("calibrate", "F11", "calibrate a kit or keys", "Play and record", Chord(K.K_F11)),
    # -- tools and files -------------------------------------------------------------------
    _b("reduce", "Ctrl+Shift+R", "reduce from expert", "Tools and files",
       Chord(K.K_r, ctrl=True, shift=True)),
    _b("partner", "Ctrl+Shift+P", "build a partner part", "Tools and files",
       Chord(K.K_p, ctrl=True, shift=True)),
    _b("new", "Ctrl+N  O", "new chart, open", "Tools and files", Chord(K.K_n, ctrl=True)),
    _b("open", "", "", "", Chord(K.K_o, ctrl=True)),
    _b("save", "Ctrl+S", "save (Ctrl+Shift+S: as)", "Tools and files", Chord(K.K_s, ctrl=True)),
    _b("save_as", "", "", "", Chord(K.K_s, ctrl=True, shift=True)),
    _b("quit", "Ctrl+Q", "quit", "Tools and files", Chord(K.K_q, ctrl=True)),
    _b("panel_keys", "F1-F4", "switch the side panel", "Tools and files", Chord(K.K_F1)),
    _b("panel_problems", "", "", "", Chord(K.K_F2)),
    _b("panel_duet", "", "", "", Chord(K.K_F3)),
    _b("panel_sections", "", "", "", Chord(K.K_F4)),
)

KEYMAP: dict[Chord, str] = {chord: b.action for b in BINDINGS for chord in b.chords}

# Not in the table because they take a number: the lane keys.
LANE_KEYS: tuple[int, ...] = (K.K_1, K.K_2, K.K_3, K.K_4, K.K_5, K.K_6, K.K_7, K.K_8, K.K_9)
MOUSE_HELP: tuple[tuple[str, str], ...] = (
    ("1-9", "lane N at the cursor"),
    ("Alt+1-9", "select all of lane N"),
    ("click", "place / remove a note"),
    ("drag", "box select (Shift adds)"),
    ("Ctrl+click", "select one note"),
    ("drag a beat", "in the audio strip: pin it"),
)


def lane_of_key(key: int) -> int | None:
    return LANE_KEYS.index(key) if key in LANE_KEYS else None


def help_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """(group, [(keys, what)]) in table order, for the Keys panel."""
    groups: dict[str, list[tuple[str, str]]] = {"Mouse and lanes": list(MOUSE_HELP)}
    for b in BINDINGS:
        if b.shown:
            groups.setdefault(b.group, []).append((b.shown, b.help))
    return list(groups.items())
