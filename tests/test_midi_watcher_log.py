"""The MIDI port watcher never dies of a driver error, and never hides one either: each
distinct failure is logged once (not on every one-second poll)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from duet_drums.inputs import midi_api
from duet_drums.inputs.input_queue import InputQueue
from duet_drums.inputs.midi_inputs import MidiInputs
from duet_drums.settings import MidiSettings


class FlakyLister:
    """Stands in for rtmidi's port lister: `failure` decides what each listing does."""

    def __init__(self) -> None:
        self.failure: Exception | None = None
        self.ports: list[object] = ["TD-17:TD-17 MIDI 1 24:0"]
        self.calls = 0
        self.enough = threading.Event()

    def get_ports(self) -> list[object]:
        self.calls += 1
        if self.calls >= 8:
            self.enough.set()
        if self.failure is not None:
            raise self.failure
        return list(self.ports)

    def delete(self) -> None:
        pass


@pytest.fixture
def lister(monkeypatch: pytest.MonkeyPatch) -> FlakyLister:
    fake = FlakyLister()
    monkeypatch.setattr(midi_api, "detect", lambda: midi_api.MidiSystem(midi_api.API_ALSA, "ALSA", None))
    monkeypatch.setattr(midi_api, "make_input", lambda api, name=midi_api.CLIENT_NAME: fake)
    return fake


def _records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if text in r.getMessage()]


@contextmanager
def watching(caplog: pytest.LogCaptureFixture, interval_s: float) -> Iterator[MidiInputs]:
    """The MIDI layer started on the fake system, its warnings captured."""
    caplog.set_level(logging.WARNING, logger="duet_drums.inputs.midi_inputs")
    out: InputQueue = queue.SimpleQueue()
    inputs = MidiInputs(MidiSettings(), out, watch_interval_s=interval_s)
    inputs.start()
    try:
        yield inputs
    finally:
        inputs.stop()


def test_a_failing_port_listing_is_logged_once_per_distinct_error(
        lister: FlakyLister, caplog: pytest.LogCaptureFixture) -> None:
    with watching(caplog, interval_s=3600) as inputs:
        lister.failure = OSError("ALSA sequencer went away")
        for _ in range(5):
            inputs.poll_ports()
        first = _records(caplog, "could not list its ports")
        assert len(first) == 1 and "OSError: ALSA sequencer went away" in first[0].getMessage()
        assert first[0].exc_info is not None
        lister.failure = OSError("client 128 closed")
        for _ in range(3):
            inputs.poll_ports()
        assert len(_records(caplog, "could not list its ports")) == 2
        lister.failure = None
        inputs.poll_ports()  # the driver answers again: the kit is listed once more
        assert [p.name for p in inputs.status().ports] == ["TD-17:TD-17 MIDI 1"]


def test_the_watcher_thread_logs_a_poll_failure_once_and_keeps_polling(
        lister: FlakyLister, caplog: pytest.LogCaptureFixture) -> None:
    with watching(caplog, interval_s=0.002):
        lister.ports = [b"a port name the driver handed over as bytes"]  # port_keys cannot read it
        assert lister.enough.wait(timeout=60), "the watcher stopped polling"
    polls = _records(caplog, "re-listing ports failed")
    assert len(polls) == 1 and "TypeError" in polls[0].getMessage()
