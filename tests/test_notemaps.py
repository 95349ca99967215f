"""Note maps per preset and the hi-hat openness rule (no transport)."""

from __future__ import annotations

import pytest

from duet_drums.core.kit import Piece
from duet_drums.inputs.notemaps import (
    ALESIS,
    GENERAL_MIDI,
    PRESETS,
    ROLAND_TD,
    YAMAHA_DTX,
    custom_map,
    guess_preset,
    piece_for,
    resolve_map,
)

OPEN_BELOW = 64


def test_general_midi_percussion() -> None:
    expected = {35: Piece.KICK, 36: Piece.KICK, 37: Piece.SNARE, 38: Piece.SNARE, 40: Piece.SNARE,
                42: Piece.HIHAT, 44: Piece.HIHAT_PEDAL, 46: Piece.HIHAT_OPEN, 41: Piece.TOM3,
                43: Piece.TOM3, 45: Piece.TOM2, 47: Piece.TOM2, 48: Piece.TOM1, 50: Piece.TOM1,
                49: Piece.CRASH, 57: Piece.CRASH, 51: Piece.RIDE, 59: Piece.RIDE, 53: Piece.RIDE,
                52: Piece.CHINA, 55: Piece.SPLASH}
    assert dict(GENERAL_MIDI) == expected


def test_roland_edges_are_crashes_not_splash_or_china() -> None:
    assert ROLAND_TD[55] is Piece.CRASH
    assert ROLAND_TD[52] is Piece.CRASH
    assert GENERAL_MIDI[55] is Piece.SPLASH and GENERAL_MIDI[52] is Piece.CHINA


@pytest.mark.parametrize(("note", "piece"), [
    (38, Piece.SNARE), (40, Piece.SNARE), (37, Piece.SNARE),
    (48, Piece.TOM1), (50, Piece.TOM1), (45, Piece.TOM2), (47, Piece.TOM2),
    (43, Piece.TOM3), (58, Piece.TOM3),
    (46, Piece.HIHAT_OPEN), (26, Piece.HIHAT_OPEN), (42, Piece.HIHAT), (22, Piece.HIHAT),
    (44, Piece.HIHAT_PEDAL), (49, Piece.CRASH), (57, Piece.CRASH),
    (51, Piece.RIDE), (59, Piece.RIDE), (53, Piece.RIDE), (36, Piece.KICK),
])
def test_roland_td(note: int, piece: Piece) -> None:
    assert piece_for(ROLAND_TD, note, None, OPEN_BELOW) is piece


def test_alesis_specials() -> None:
    assert ALESIS[21] is Piece.SPLASH
    assert ALESIS[41] is Piece.TOM3 and ALESIS[39] is Piece.TOM3
    # The half-open zone is a hat note: open or closed is the pedal's call.
    assert piece_for(ALESIS, 23, None, OPEN_BELOW) is Piece.HIHAT_OPEN
    assert piece_for(ALESIS, 23, 127, OPEN_BELOW) is Piece.HIHAT
    assert piece_for(ALESIS, 42, 0, OPEN_BELOW) is Piece.HIHAT_OPEN


def test_yamaha_dtx_snare_and_kick() -> None:
    assert YAMAHA_DTX[31] is Piece.SNARE and YAMAHA_DTX[33] is Piece.KICK
    assert GENERAL_MIDI.get(31) is None


def test_cc4_decides_hat_openness_once_seen() -> None:
    for note in (42, 46):
        assert piece_for(GENERAL_MIDI, note, 0, OPEN_BELOW) is Piece.HIHAT_OPEN
        assert piece_for(GENERAL_MIDI, note, 64, OPEN_BELOW) is Piece.HIHAT_OPEN  # at the threshold: open
        assert piece_for(GENERAL_MIDI, note, 65, OPEN_BELOW) is Piece.HIHAT
        assert piece_for(GENERAL_MIDI, note, 127, OPEN_BELOW) is Piece.HIHAT
    assert piece_for(GENERAL_MIDI, 42, 30, 20) is Piece.HIHAT  # the threshold is a setting
    # The pedal note and other pieces never change with CC4.
    assert piece_for(GENERAL_MIDI, 44, 0, OPEN_BELOW) is Piece.HIHAT_PEDAL
    assert piece_for(GENERAL_MIDI, 38, 0, OPEN_BELOW) is Piece.SNARE


def test_unknown_notes_are_none() -> None:
    for note_map in PRESETS.values():
        assert piece_for(note_map, 0, None, OPEN_BELOW) is None
        assert piece_for(note_map, 127, 0, OPEN_BELOW) is None


def test_custom_maps_skip_bad_entries_and_win_over_presets() -> None:
    entries = {"60": Piece.SNARE, "61": "tom1", "x": "snare", "200": "kick", "62": "cowbell"}
    assert dict(custom_map(entries)) == {60: Piece.SNARE, 61: Piece.TOM1}
    assert resolve_map("mine", {"mine": {"60": Piece.KICK}})[60] is Piece.KICK
    assert resolve_map("roland_td", {}) is ROLAND_TD
    assert resolve_map("no-such-map", {}) is GENERAL_MIDI
    assert resolve_map(None, {}) is GENERAL_MIDI


def test_guess_preset_from_port_name() -> None:
    assert guess_preset("TD-17:TD-17 MIDI 1") == "roland_td"
    assert guess_preset("Alesis Nitro Max:MIDI 1") == "alesis"
    assert guess_preset("DTX400K:DTX400K MIDI 1") == "yamaha_dtx"
    assert guess_preset("USB MIDI Interface") == "gm"
