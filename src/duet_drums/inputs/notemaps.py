"""MIDI note -> drum piece, per kit family, plus the hi-hat openness rule.

A drum module sends a note number per pad zone (head, rim, bow, edge...). The game only
cares about the *piece* struck, so several notes map to one piece (Roland's snare head
38, rim 40 and cross-stick 37 are all `snare`). Presets cover the common module
families; anything else is built with the learn mode and stored in
`MidiSettings.custom_maps` as {note-as-text: piece}.

Hi-hat openness: every note that a map sends to `hihat` or `hihat_open` is a hi-hat
bow/edge note. Once a port has sent the hi-hat controller (CC4 by default; 0 = open,
127 = closed), the pedal position decides: at or below `hihat_open_below` it is
`hihat_open`, above it `hihat`. Before any CC4 the note's own mapping stands (a GM
keyboard's 46 is an open hat). The one threshold applies to every kit on purpose: in a
duet both players' "open" must mean the same pedal position, whatever module they own
(Roland modules would otherwise open at their own threshold, Alesis sends a single hat
note and leaves openness to CC4 entirely).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from duet_drums.core.kit import Piece

NoteMap = Mapping[int, Piece]

K, S = Piece.KICK, Piece.SNARE
HH, HO, HP = Piece.HIHAT, Piece.HIHAT_OPEN, Piece.HIHAT_PEDAL
T1, T2, T3 = Piece.TOM1, Piece.TOM2, Piece.TOM3
CR, RD, CH, SP = Piece.CRASH, Piece.RIDE, Piece.CHINA, Piece.SPLASH

HAT_PIECES: frozenset[Piece] = frozenset({HH, HO})


def _freeze(notes: dict[int, Piece]) -> NoteMap:
    return MappingProxyType(dict(sorted(notes.items())))


# General MIDI percussion (channel 10): floor toms 41/43 both go to tom3.
GENERAL_MIDI: NoteMap = _freeze({
    35: K, 36: K, 37: S, 38: S, 40: S,
    42: HH, 44: HP, 46: HO,
    41: T3, 43: T3, 45: T2, 47: T2, 48: T1, 50: T1,
    49: CR, 57: CR, 51: RD, 59: RD, 53: RD, 52: CH, 55: SP,
})

# Roland TD (TD-17 class) factory map. 55 and 52 are crash *edges* here, not GM's
# splash and china; 26/22 are the hi-hat edge zones.
ROLAND_TD: NoteMap = _freeze({
    36: K, 38: S, 40: S, 37: S,
    48: T1, 50: T1, 45: T2, 47: T2, 43: T3, 58: T3,
    46: HO, 26: HO, 42: HH, 22: HH, 44: HP,
    49: CR, 55: CR, 57: CR, 52: CR,
    51: RD, 59: RD, 53: RD,
})

# Alesis (Nitro class): one hi-hat note whose openness comes from CC4 (42/46/23 are
# all hat notes; 23 is the half-open zone, counted as open before any CC4 is seen),
# a fourth tom 41 (rim 39) that folds into tom3, and a splash on 21.
ALESIS: NoteMap = _freeze({
    36: K, 38: S, 40: S, 37: S,
    48: T1, 50: T1, 45: T2, 47: T2, 43: T3, 58: T3, 41: T3, 39: T3,
    42: HH, 46: HO, 23: HO, 44: HP,
    49: CR, 55: CR, 57: CR, 52: CR,
    51: RD, 59: RD, 53: RD, 21: SP,
})

# Yamaha DTX (older modules): snare 31 and kick 33 instead of GM's 38/36; the GM
# notes are kept too because newer DTX modules and user kits send them.
YAMAHA_DTX: NoteMap = _freeze({**GENERAL_MIDI, 31: S, 33: K})

PRESETS: Mapping[str, NoteMap] = MappingProxyType({
    "gm": GENERAL_MIDI,
    "roland_td": ROLAND_TD,
    "alesis": ALESIS,
    "yamaha_dtx": YAMAHA_DTX,
})

PRESET_LABELS: Mapping[str, str] = MappingProxyType({
    "gm": "General MIDI",
    "roland_td": "Roland TD",
    "alesis": "Alesis",
    "yamaha_dtx": "Yamaha DTX",
})

DEFAULT_PRESET = "gm"

# Substrings of a port name that give away the module family (checked lower-case).
_NAME_HINTS: tuple[tuple[str, str], ...] = (
    ("td-", "roland_td"), ("roland", "roland_td"), ("v-drums", "roland_td"),
    ("alesis", "alesis"), ("nitro", "alesis"), ("strike", "alesis"),
    ("dtx", "yamaha_dtx"), ("yamaha", "yamaha_dtx"),
)


def guess_preset(port_name: str) -> str:
    """A sensible first preset for a port the user has not configured yet."""
    lowered = port_name.lower()
    for hint, preset in _NAME_HINTS:
        if hint in lowered:
            return preset
    return DEFAULT_PRESET


def custom_map(entries: Mapping[str, Piece | str]) -> NoteMap:
    """Build a map from the settings form {note-as-text: piece}; bad entries are skipped.

    Settings files are edited by hand sometimes: one bad line must not lose a whole kit.
    """
    notes: dict[int, Piece] = {}
    for key, value in entries.items():
        try:
            note = int(key)
            piece = Piece(value)
        except ValueError:
            continue
        if 0 <= note <= 127:
            notes[note] = piece
    return _freeze(notes)


def resolve_map(preset: str | None, custom_maps: Mapping[str, Mapping[str, Piece]]) -> NoteMap:
    """The map a port uses: a custom map by that name wins, then a preset, then GM."""
    if preset is not None:
        if preset in custom_maps:
            return custom_map(custom_maps[preset])
        if preset in PRESETS:
            return PRESETS[preset]
    return GENERAL_MIDI


def piece_for(note_map: NoteMap, note: int, hihat_cc: int | None, open_below: int) -> Piece | None:
    """The piece a note-on means, given the port's last hi-hat controller value.

    `hihat_cc` is None until the port has sent one. Unknown notes give None (ignored).
    """
    piece = note_map.get(note)
    if piece is None or hihat_cc is None or piece not in HAT_PIECES:
        return piece
    return HO if hihat_cc <= open_below else HH
