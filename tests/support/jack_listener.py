"""A reference JACK MIDI listener: what JACK really delivered, event by event.

Run as its own process (`python -m tests.support.jack_listener OUT:PORT ...`) beside the
game, connected to the same kit outputs. It is a plain libjack client (ctypes), not
rtmidi, so it sees JACK's own events with their boundaries: rtmidi's input glues every
event after a sysex that lacks its closing F7 onto that sysex (see
`duet_drums.inputs.midi_stream`), which a witness built on rtmidi would share with the
game and so could not show.

Its process callback is Python, running in JACK's realtime thread. That is what the game
must not do (it would wait there for the GIL its frame loop holds), but this process has
nothing else to run: its main thread sleeps in a blocking read, so the callback always
gets the GIL at once. It keeps only what judging needs: every note-on (3 bytes, channel
voice, data bytes below 128, velocity above 0) with the JACK frame it arrived in, and a
count of every event by its first byte.

Protocol: prints `ready` once its ports are connected; on end of stdin (or a line `stop`)
prints one JSON line: per watched port, the notes as `[frame, note, velocity]`, the event
count, the bytes, and the counts by status byte; plus xruns seen.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import sys
import time
from dataclasses import dataclass, field
from typing import Any

JACK_NO_START_SERVER = 0x01
JACK_PORT_IS_INPUT = 0x1
MIDI_TYPE = b"8 bit raw midi"


class _MidiEvent(ctypes.Structure):
    _fields_ = [("time", ctypes.c_uint32), ("size", ctypes.c_size_t),
                ("buffer", ctypes.POINTER(ctypes.c_ubyte))]


PROCESS = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint32, ctypes.c_void_p)
XRUN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


def libjack() -> Any:
    name = ctypes.util.find_library("jack") or "libjack.so.0"
    lib = ctypes.CDLL(name)
    lib.jack_client_open.restype = ctypes.c_void_p
    lib.jack_client_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int)]
    lib.jack_port_register.restype = ctypes.c_void_p
    lib.jack_port_register.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p,
                                       ctypes.c_ulong, ctypes.c_ulong]
    lib.jack_port_name.restype = ctypes.c_char_p
    lib.jack_port_name.argtypes = [ctypes.c_void_p]
    lib.jack_port_get_buffer.restype = ctypes.c_void_p
    lib.jack_port_get_buffer.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
    lib.jack_midi_get_event_count.restype = ctypes.c_uint32
    lib.jack_midi_get_event_count.argtypes = [ctypes.c_void_p]
    lib.jack_midi_event_get.restype = ctypes.c_int
    lib.jack_midi_event_get.argtypes = [ctypes.POINTER(_MidiEvent), ctypes.c_void_p, ctypes.c_uint32]
    lib.jack_last_frame_time.restype = ctypes.c_uint32
    lib.jack_last_frame_time.argtypes = [ctypes.c_void_p]
    lib.jack_set_process_callback.argtypes = [ctypes.c_void_p, PROCESS, ctypes.c_void_p]
    lib.jack_set_xrun_callback.argtypes = [ctypes.c_void_p, XRUN, ctypes.c_void_p]
    lib.jack_activate.argtypes = [ctypes.c_void_p]
    lib.jack_deactivate.argtypes = [ctypes.c_void_p]
    lib.jack_client_close.argtypes = [ctypes.c_void_p]
    lib.jack_connect.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    return lib


@dataclass
class PortLog:
    """What arrived on one input port."""

    source: str
    notes: list[tuple[int, int, int]] = field(default_factory=list)
    events: int = 0
    bytes: int = 0
    by_status: dict[int, int] = field(default_factory=dict)

    def take(self, frame: int, data: bytes) -> None:
        self.events += 1
        self.bytes += len(data)
        status = data[0] if data else -1
        self.by_status[status] = self.by_status.get(status, 0) + 1
        if len(data) == 3 and status & 0xF0 == 0x90 and data[1] < 128 and 0 < data[2] < 128:
            self.notes.append((frame, data[1], data[2]))

    def summary(self) -> dict[str, Any]:
        by_status = {f"{k:02X}" if k >= 0 else "empty": v for k, v in sorted(self.by_status.items())}
        return {"source": self.source, "notes": self.notes, "events": self.events,
                "bytes": self.bytes, "by_status": by_status}


class Listener:
    def __init__(self, sources: list[str], client_name: str) -> None:
        self.lib = libjack()
        status = ctypes.c_int(0)
        self.client = self.lib.jack_client_open(client_name.encode(), JACK_NO_START_SERVER,
                                                ctypes.byref(status))
        if not self.client:
            raise RuntimeError(f"jack_client_open failed (status {status.value:#x})")
        self.logs = [PortLog(s) for s in sources]
        self.ports = [self.lib.jack_port_register(self.client, f"in{i}".encode(), MIDI_TYPE,
                                                  JACK_PORT_IS_INPUT, 0) for i in range(len(sources))]
        self.xruns = 0
        self._event = _MidiEvent()
        self._process = PROCESS(self._on_process)
        self._xrun = XRUN(self._on_xrun)
        self.lib.jack_set_process_callback(self.client, self._process, None)
        self.lib.jack_set_xrun_callback(self.client, self._xrun, None)
        if self.lib.jack_activate(self.client) != 0:
            raise RuntimeError("jack_activate failed")

    def connect(self) -> None:
        for source, port in zip((log.source for log in self.logs), self.ports, strict=True):
            mine = self.lib.jack_port_name(port)
            deadline = time.monotonic() + 10
            while self.lib.jack_connect(self.client, source.encode(), mine) != 0:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"cannot connect {source} to {mine.decode()}")
                time.sleep(0.05)

    def _on_process(self, nframes: int, _arg: Any) -> int:
        lib = self.lib
        frame0 = lib.jack_last_frame_time(self.client)
        event = self._event
        for log, port in zip(self.logs, self.ports, strict=True):
            buf = lib.jack_port_get_buffer(port, nframes)
            for i in range(lib.jack_midi_get_event_count(buf)):
                if lib.jack_midi_event_get(ctypes.byref(event), buf, i) == 0:
                    log.take(frame0 + event.time, ctypes.string_at(event.buffer, event.size))
        return 0

    def _on_xrun(self, _arg: Any) -> int:
        self.xruns += 1
        return 0

    def close(self) -> None:
        self.lib.jack_deactivate(self.client)
        self.lib.jack_client_close(self.client)


def main(argv: list[str]) -> int:
    sources = argv[1:]
    gc.disable()  # a collection inside the realtime callback would stall JACK's graph
    listener = Listener(sources, "duet-reference")
    listener.connect()
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            break
    time.sleep(0.1)  # the last period's events
    listener.close()
    print(json.dumps({"xruns": listener.xruns, "ports": [log.summary() for log in listener.logs]}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
