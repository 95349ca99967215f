"""With no ALSA sequencer and no JACK server, MIDI is off with a reason and nothing breaks.

Runs without the JACK fixture and points libjack at a server that does not exist, so it
holds whether or not another test started one.
"""

from __future__ import annotations

import queue
from pathlib import Path

import pytest

from duet_drums import cli
from duet_drums.inputs import midi_api
from duet_drums.inputs.midi_inputs import MidiInputs
from duet_drums.inputs.raw import RawHit
from duet_drums.settings import MidiSettings


@pytest.fixture
def no_midi_system(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "duet-drums-nonexistent")
    monkeypatch.delenv("DUET_DRUMS_MIDI_API", raising=False)
    monkeypatch.setattr(midi_api, "ALSA_SEQ", tmp_path / "no-seq")


@pytest.mark.usefixtures("no_midi_system")
def test_status_says_why_and_nothing_crashes() -> None:
    out: queue.SimpleQueue[RawHit] = queue.SimpleQueue()
    inputs = MidiInputs(MidiSettings(assignments={"TD-17:TD-17 MIDI 1": 0}), out)
    inputs.start()
    try:
        status = inputs.status()
        assert status.api is None
        assert status.reason == ("No ALSA sequencer (/dev/snd/seq missing) and no JACK server running: "
                                 "only keyboard play is available")
        # The assigned kit is still listed, as not connected, so the screen can show it.
        assert [(p.name, p.player, p.connected) for p in status.ports] == [("TD-17:TD-17 MIDI 1", 0, False)]
        assert inputs.available_ports() == []
        inputs.poll_ports()
        assert inputs.drain_events() == []
        inputs.assign("TD-17:TD-17 MIDI 1", 1)
        assert inputs.status().ports[0].player == 1
    finally:
        inputs.stop()
        inputs.stop()  # idempotent
    assert out.empty()


@pytest.mark.usefixtures("no_midi_system")
def test_devices_command_prints_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["devices", "--monitor", "--seconds", "0.1"]) == 0
    printed = capsys.readouterr().out
    assert "MIDI: none. No ALSA sequencer (/dev/snd/seq missing) and no JACK server running" in printed


def test_forced_api_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DUET_DRUMS_MIDI_API", "none")
    system = midi_api.detect()
    assert system.api is None and system.reason is not None and "DUET_DRUMS_MIDI_API" in system.reason
