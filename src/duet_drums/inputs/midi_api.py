"""Pick the MIDI system explicitly, and say in words why there is none.

rtmidi's default API on Linux is ALSA, and an ALSA object built where
`/dev/snd/seq` is missing fails in its constructor without falling back to JACK
(measured: see reference/kits-and-timing.md). So the choice is ours: ALSA where the
sequencer device exists, else JACK when a JACK server answers, else no MIDI at all
with a reason the settings screen can show. Every rtmidi constructor call is wrapped:
a missing server, a missing library or a broken driver must never crash the game.

`DUET_DRUMS_MIDI_API` (`alsa`, `jack` or `none`) forces a choice, for machines that
run both (a JACK setup bridging ALSA) and for tests.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ALSA_SEQ = Path("/dev/snd/seq")
API_ALSA = 2  # rtmidi.API_LINUX_ALSA
API_JACK = 3  # rtmidi.API_UNIX_JACK
API_NAMES = {API_ALSA: "ALSA", API_JACK: "JACK"}
CLIENT_NAME = "duet-drums"
QUEUE_SIZE_LIMIT = 16384  # rtmidi's own input buffer, in messages (default 1024)
KEYBOARD_ONLY = "only keyboard play is available"


@dataclass(frozen=True, slots=True)
class MidiSystem:
    """The API to use (`api`/`name`), or None and `reason` when there is none."""

    api: int | None
    name: str | None
    reason: str | None


def _rtmidi() -> Any:
    import rtmidi  # type: ignore[import-untyped]  # late: a missing wheel is a reason, not a crash

    return rtmidi


def make_input(api: int, client_name: str = CLIENT_NAME) -> Any:
    """A fresh `rtmidi.MidiIn` on `api`, with the filter off and a big queue.

    Raises rtmidi's errors (OSError subclasses) and ImportError; callers report them.
    """
    rtmidi = _rtmidi()
    midi_in = rtmidi.MidiIn(api, name=client_name, queue_size_limit=QUEUE_SIZE_LIMIT)
    # rtmidi's default filter drops sysex/clock/sensing and then counts the next
    # message's delta_time from the dropped one: we take everything and drop ourselves.
    midi_in.ignore_types(sysex=False, timing=False, active_sense=False)
    return midi_in


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """libjack prints several lines to fd 2 when no server runs; the reason we return
    says it better, so the probe's own chatter goes to /dev/null."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _try(api: int) -> str | None:
    """None if an input client can be opened on `api`, else the error text."""
    try:
        with _quiet_stderr():
            midi_in = make_input(api, f"{CLIENT_NAME}-probe")
    except Exception as exc:  # rtmidi raises SystemError/RtMidiError (OSError) and more
        return str(exc) or type(exc).__name__
    with contextlib.suppress(Exception):
        midi_in.delete()
    return None


def detect() -> MidiSystem:
    """Decide ALSA / JACK / none, opening (and closing) a probe client to be sure."""
    try:
        rtmidi = _rtmidi()
        compiled = set(rtmidi.get_compiled_api())
    except Exception as exc:
        return MidiSystem(None, None, f"python-rtmidi is unavailable ({exc}): {KEYBOARD_ONLY}")
    forced = os.environ.get("DUET_DRUMS_MIDI_API", "").strip().lower()
    if forced == "none":
        return MidiSystem(None, None, f"MIDI is switched off (DUET_DRUMS_MIDI_API=none): {KEYBOARD_ONLY}")
    if forced in ("alsa", "jack"):
        api = API_ALSA if forced == "alsa" else API_JACK
        if api not in compiled:
            return MidiSystem(None, None,
                              f"python-rtmidi was built without {forced.upper()}: {KEYBOARD_ONLY}")
        error = _try(api)
        if error is None:
            return MidiSystem(api, API_NAMES[api], None)
        return MidiSystem(None, None, f"{API_NAMES[api]} cannot be opened ({error}): {KEYBOARD_ONLY}")

    alsa_problem = "No ALSA sequencer (/dev/snd/seq missing)"
    if ALSA_SEQ.exists() and API_ALSA in compiled:
        error = _try(API_ALSA)
        if error is None:
            return MidiSystem(API_ALSA, "ALSA", None)
        alsa_problem = f"The ALSA sequencer cannot be opened ({error})"
    elif API_ALSA not in compiled:
        alsa_problem = "python-rtmidi was built without ALSA"
    if API_JACK in compiled:
        if _try(API_JACK) is None:
            return MidiSystem(API_JACK, "JACK", None)
        return MidiSystem(None, None, f"{alsa_problem} and no JACK server running: {KEYBOARD_ONLY}")
    return MidiSystem(None, None, f"{alsa_problem} and python-rtmidi has no JACK support: {KEYBOARD_ONLY}")
