"""The MIDI side of the game: which kits are there, whose they are, and their hits.

`MidiInputs` is what the game loop and the settings screen hold. It picks the MIDI
system (`midi_api`), runs a `PortReader` thread for every *assigned* port that is
plugged in (and for the port being learned, and for every port while the monitor is
open; an idle reader costs a few % of a core, so "Midi Through" and other strangers
are left alone), and runs a *port watcher thread* that re-lists ports every
`watch_interval_s` (1 s), and every `MISSING_WATCH_INTERVAL_S` (0.1 s) while an
assigned kit is missing: a kit plugged back in mid-song is heard again within a tenth of
a second (what it sends before the game has re-opened its port goes nowhere: nobody is
connected to it yet), and listing ports costs about 0.1 ms. A port that vanished is
reported as a "disconnected" `PortEvent` with its player and its reader is closed; when
it comes back it is reported "connected" and re-opened, with no restart. The game calls
`drain_events()` once a frame to pause/resume a player's input and show it;
`poll_ports()` forces a re-check at once (a "rescan" button).

Hits go straight from the reader threads to the `out` queue given at construction;
ports without a player produce no hits. Settings changes made through
`assign`, `set_preset` and `save_learned` are written into the `MidiSettings` object
passed in (the caller saves the settings file) and reach the readers immediately.
Ports are named by `port_names.stable_name` (ALSA's client numbers stripped), and that
name is the key in settings, in calibration and in `RawHit.device`.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Any

from duet_drums.core.kit import Piece
from duet_drums.inputs import midi_api
from duet_drums.inputs.input_queue import InputQueue, PortEvent, drain
from duet_drums.inputs.learn import LearnState, save_mapping
from duet_drums.inputs.midi_reader import PortReader, ReaderConfig, TapEvent
from duet_drums.inputs.notemaps import PRESETS, NoteMap, guess_preset, resolve_map
from duet_drums.inputs.port_names import port_keys
from duet_drums.settings import MidiSettings

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 1.0
MISSING_WATCH_INTERVAL_S = 0.1


@dataclass(frozen=True, slots=True)
class PortStatus:
    name: str  # stable port name: the key in settings and calibration
    player: int | None
    connected: bool  # listed by the system now (plugged in, switched on)
    preset: str  # the note map in use (a preset name or a custom map name)
    system_name: str | None = None  # the name as the MIDI system lists it now
    error: str | None = None  # why it could not be opened, if it could not
    reading: bool = False  # a reader thread is open on it (assigned, learned or monitored)


@dataclass(frozen=True, slots=True)
class MidiStatus:
    api: str | None  # "ALSA", "JACK" or None
    reason: str | None  # why there is no MIDI, in words for the player
    ports: list[PortStatus]


class ErrorLog:
    """Logs each distinct failure once. The watcher polls every second: a driver that
    keeps failing the same way must not flood the log, yet a new failure is news."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._seen: set[str] = set()

    def report(self, exc: Exception) -> None:
        text = f"{type(exc).__name__}: {exc}"
        if text in self._seen:
            return
        self._seen.add(text)
        log.warning("%s: %s (logged once; the watcher goes on)", self.what, text, exc_info=exc)


class MidiInputs:
    """Owns the MIDI system, the per-port reader threads and the port watcher."""

    def __init__(self, settings: MidiSettings, out: InputQueue,
                 watch_interval_s: float = WATCH_INTERVAL_S) -> None:
        self.settings = settings
        self.out = out
        self.watch_interval_s = watch_interval_s
        self._system = midi_api.MidiSystem(None, None, "MIDI has not been started")
        self._lister: Any = None
        self._readers: dict[str, PortReader] = {}
        self._opened: dict[str, str] = {}  # key -> system name the reader was opened on
        self._present: dict[str, str] = {}
        self._errors: dict[str, str] = {}
        self._events: queue.SimpleQueue[PortEvent] = queue.SimpleQueue()
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None
        self._learn: LearnState | None = None
        self._monitor: queue.SimpleQueue[TapEvent] | None = None
        self._poll_errors = ErrorLog("MIDI port watcher: re-listing ports failed")
        self._list_errors = ErrorLog("MIDI port watcher: the MIDI system could not list its ports")

    # -- life cycle -------------------------------------------------------------------

    def start(self) -> None:
        """Detect the MIDI system, open the assigned ports, start the watcher. Never raises."""
        if self._watcher is not None:
            return
        self._system = midi_api.detect()
        if self._system.api is None:
            return
        try:
            self._lister = midi_api.make_input(self._system.api, f"{midi_api.CLIENT_NAME}-watch")
        except Exception as exc:
            self._system = midi_api.MidiSystem(
                None, None, f"{self._system.name} stopped answering ({exc}): {midi_api.KEYBOARD_ONLY}")
            return
        self._stop.clear()
        self.poll_ports()
        # An assigned kit missing from the start is reported like one unplugged later,
        # so the game shows "plug in your kit" for that player straight away.
        with self._lock:
            for key, player in self.settings.assignments.items():
                if key not in self._present:
                    self._events.put(PortEvent("disconnected", key, player))
        self._watcher = threading.Thread(target=self._watch, name="midi-port-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stop the watcher and every reader and free the MIDI clients. Idempotent."""
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout=3.0)
            self._watcher = None
        with self._lock:
            for reader in self._readers.values():
                reader.stop()
            self._readers.clear()
            self._opened.clear()
            self._present.clear()
            if self._lister is not None:
                with contextlib.suppress(Exception):
                    self._lister.delete()
                self._lister = None

    def __enter__(self) -> MidiInputs:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what the game and the settings screen read ------------------------------------

    def status(self) -> MidiStatus:
        with self._lock:
            ports = [self._port_status(key, system) for key, system in self._present.items()]
            for key in self.settings.assignments:
                if key not in self._present:
                    ports.append(self._port_status(key, None))
            return MidiStatus(self._system.name, self._system.reason, ports)

    def available_ports(self) -> list[str]:
        """Stable names of the input ports the MIDI system lists right now."""
        with self._lock:
            return list(port_keys(self._list_system_ports()))

    def drain_events(self) -> list[PortEvent]:
        return drain(self._events)

    def readers(self) -> dict[str, PortReader]:
        """The open readers by port (diagnostics: counts of messages, hits, errors)."""
        with self._lock:
            return dict(self._readers)

    # -- settings ----------------------------------------------------------------------

    def assign(self, port: str, player: int | None) -> None:
        """Give a port to player 0 or 1 (None: nobody; the port is still read)."""
        if player is not None and player not in (0, 1):
            raise ValueError(f"player must be 0, 1 or None, not {player!r}")
        assignments = {k: v for k, v in self.settings.assignments.items() if k != port}
        if player is not None:
            assignments[port] = player
        self.settings.assignments = assignments
        self._refresh(port)
        self._sync_readers()

    def set_preset(self, port: str, preset: str) -> None:
        """Choose a port's note map: a preset name or a custom map name."""
        if preset not in PRESETS and preset not in self.settings.custom_maps:
            known = ", ".join([*PRESETS, *self.settings.custom_maps])
            raise ValueError(f"unknown note map {preset!r}; known: {known}")
        self.settings.presets = {**self.settings.presets, port: preset}
        self._refresh(port)

    def preset_of(self, port: str) -> str:
        return self.settings.presets.get(port) or guess_preset(port)

    def note_map_of(self, port: str) -> NoteMap:
        return resolve_map(self.preset_of(port), self.settings.custom_maps)

    def apply_settings(self) -> None:
        """Push settings edited directly (thresholds, debounce, maps, assignments) to the readers."""
        with self._lock:
            for port, reader in self._readers.items():
                reader.set_debounce_ms(self.settings.debounce_ms)
                reader.config = self._config(port)
            self._sync_readers()  # assignments edited directly: open/close readers

    # -- learn mode and monitor --------------------------------------------------------

    def start_learn(self, port: str) -> None:
        self._learn = LearnState(port)
        self._sync_readers()

    def learned(self) -> tuple[int, int] | None:
        """(note, velocity) of the pad last struck on the learning port, or None yet."""
        learn = self._learn
        return None if learn is None else learn.result()

    def save_learned(self, piece: Piece, map_name: str | None = None) -> str:
        """Map the learned note to `piece` in a custom map; returns the map's name.

        The map defaults to the port's own custom map, or one named after the port.
        Ready for the next pad afterwards.
        """
        learn = self._learn
        if learn is None or learn.note is None:
            raise ValueError("no pad has been struck since start_learn()")
        current = self.preset_of(learn.port)
        if map_name is None:
            map_name = current if current in self.settings.custom_maps else learn.port
        if map_name in PRESETS:
            raise ValueError(f"{map_name!r} is a built-in preset; pick another name")
        save_mapping(self.settings, learn.port, learn.note, piece, map_name,
                     self.note_map_of(learn.port))
        self._learn = LearnState(learn.port)
        self._refresh(learn.port)
        return map_name

    def stop_learn(self) -> None:
        self._learn = None
        self._sync_readers()

    def open_monitor(self) -> queue.SimpleQueue[TapEvent]:
        """Every note-on and hi-hat CC from every port, for `devices --monitor`."""
        monitor: queue.SimpleQueue[TapEvent] = queue.SimpleQueue()
        self._monitor = monitor
        self._sync_readers()
        return monitor

    def close_monitor(self) -> None:
        self._monitor = None
        self._sync_readers()

    # -- the watcher -------------------------------------------------------------------

    def poll_ports(self) -> None:
        """Re-list ports now: report plugs and unplugs, close and (re)open readers."""
        if self._system.api is None:
            return
        with self._lock:
            now = port_keys(self._list_system_ports())
            before = self._present
            for key, system_name in before.items():
                if now.get(key) != system_name:
                    self._events.put(PortEvent("disconnected", key, self.settings.assignments.get(key)))
            for key in list(self._errors):
                if key not in now:
                    del self._errors[key]
            self._present = now
            self._sync_readers()
            # Reported after the readers are open: a "connected" kit is already heard.
            for key, system_name in now.items():
                if before.get(key) != system_name:
                    self._events.put(PortEvent("connected", key, self.settings.assignments.get(key)))

    def _wanted(self, key: str) -> bool:
        learn = self._learn
        return (key in self.settings.assignments or self._monitor is not None
                or (learn is not None and learn.port == key))

    def _sync_readers(self) -> None:
        """Readers exactly on the present ports that are wanted, on their current names."""
        if self._system.api is None:
            return
        with self._lock:
            for key in list(self._readers):
                if self._present.get(key) != self._opened[key] or not self._wanted(key):
                    self._readers.pop(key).stop()
                    del self._opened[key]
            for key, system_name in self._present.items():
                if key not in self._readers and self._wanted(key):
                    self._open(key, system_name)

    def _watch(self) -> None:
        while not self._stop.wait(self._watch_wait()):
            try:
                self.poll_ports()
            except Exception as exc:  # the watcher must outlive any driver hiccup
                self._poll_errors.report(exc)

    def _watch_wait(self) -> float:
        """Seconds until the next re-listing: sooner while an assigned kit is missing."""
        with self._lock:
            missing = any(key not in self._present for key in self.settings.assignments)
        return min(self.watch_interval_s, MISSING_WATCH_INTERVAL_S) if missing else self.watch_interval_s

    def _list_system_ports(self) -> list[str]:
        if self._lister is None:
            return []
        try:
            return list(self._lister.get_ports())
        except Exception as exc:  # listed as "no ports": assigned kits show as unplugged
            self._list_errors.report(exc)
            return []

    def _open(self, key: str, system_name: str) -> None:
        assert self._system.api is not None
        midi_in: Any = None
        try:
            midi_in = midi_api.make_input(self._system.api)
            index = list(midi_in.get_ports()).index(system_name)
            midi_in.open_port(index, "in")
        except Exception as exc:
            self._errors[key] = str(exc) or type(exc).__name__
            if midi_in is not None:
                with contextlib.suppress(Exception):
                    midi_in.delete()
            return
        self._errors.pop(key, None)
        reader = PortReader(key, midi_in, self._config(key), self.out, self.settings.debounce_ms,
                            tap=self._on_tap)
        reader.start()
        self._readers[key] = reader
        self._opened[key] = system_name

    def _config(self, port: str) -> ReaderConfig:
        s = self.settings
        return ReaderConfig(s.assignments.get(port), self.note_map_of(port), s.velocity_threshold,
                            s.hihat_open_below, s.hihat_cc)

    def _refresh(self, port: str) -> None:
        with self._lock:
            reader = self._readers.get(port)
            if reader is not None:
                reader.config = self._config(port)

    def _port_status(self, key: str, system_name: str | None) -> PortStatus:
        return PortStatus(key, self.settings.assignments.get(key), system_name is not None,
                          self.preset_of(key), system_name, self._errors.get(key),
                          key in self._readers)

    def _on_tap(self, event: TapEvent) -> None:
        """Runs on a reader thread: keep it short."""
        learn = self._learn
        if learn is not None and event.kind == "note" and event.port == learn.port \
                and event.value >= self.settings.velocity_threshold:
            learn.offer(event.number, event.value, event.stamp_ns)
        monitor = self._monitor
        if monitor is not None:
            monitor.put(event)
