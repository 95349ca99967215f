"""A private JACK server (dummy driver) for tests and benchmarks that need real MIDI.

The MIDI tests go through a real transport: rtmidi's JACK API, a virtual "kit" output
port and the game's reader. Each server gets its own name (`jackd -n`) and the process
points libjack at it with `JACK_DEFAULT_SERVER`, so two test runs on one machine (two
engineers, or CI next to a developer) never share or kill each other's server.

Realtime first (`-R`, works as root); `--no-realtime` if that fails. Never period 64
without -R: the dummy driver then runs late and loses or duplicates notes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import pytest

from tests.support.need import unavailable
from tests.support.procs import stop_process

SAMPLE_RATE = 48000
PERIOD = 256


LATE_CLIENT = re.compile(r"client = (\S+) was not finished")


class ServerLog:
    """What jackd prints, line by line, each with the `perf_counter_ns` it was read at.

    jackd's xrun notices ("client = X was not finished") carry no time of their own; read
    as they come (jackd hands them to its message thread at once), they say which client
    JACK left behind, and about when, in the clock every process on the machine shares.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self.lines: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, args=(stream,), name="jackd log", daemon=True)
        self._thread.start()

    def _read(self, stream: IO[bytes]) -> None:
        with contextlib.suppress(ValueError, OSError):
            for raw in stream:
                line = raw.decode("utf-8", "replace").rstrip()
                with self._lock:
                    self.lines.append((time.perf_counter_ns(), line))

    def tail(self, chars: int = 1500) -> str:
        with self._lock:
            text = "\n".join(line for _, line in self.lines)
        return text[-chars:].strip() or "(nothing)"

    def late_clients(self, since_ns: int) -> list[tuple[int, str]]:
        """(read at, client) for every client jackd reported not finished since `since_ns`."""
        with self._lock:
            lines = list(self.lines)
        return [(t, m.group(1)) for t, line in lines if t >= since_ns and (m := LATE_CLIENT.search(line))]


@dataclass(frozen=True)
class JackServer:
    name: str
    period_frames: int
    sample_rate: int
    realtime: bool
    log: ServerLog | None = field(default=None, compare=False)

    @property
    def period_ms(self) -> float:
        return 1000.0 * self.period_frames / self.sample_rate


def missing_tools() -> str | None:
    """Why JACK tests cannot run here, or None when they can."""
    missing = [t for t in ("jackd", "jack_wait") if shutil.which(t) is None]
    if missing:
        return f"needs {', '.join(missing)} (Debian package jackd2)"
    return None


def server_running(name: str) -> bool:
    """True if a JACK server called `name` answers (jack_wait -c only checks)."""
    if shutil.which("jack_wait") is None:
        return False
    probe = subprocess.run(["jack_wait", "-s", name, "-c"], capture_output=True, text=True,
                           check=False, timeout=10)
    return probe.returncode == 0 and "running" in probe.stdout and "not running" not in probe.stdout


def _start(name: str, realtime: bool) -> tuple[subprocess.Popen[bytes], ServerLog, bool]:
    """Start jackd; returns it, its log and whether it answered in time."""
    cmd = ["jackd", "-n", name, "-R" if realtime else "--no-realtime",
           "-d", "dummy", "-r", str(SAMPLE_RATE), "-p", str(PERIOD)]
    # restore_signals=False: jackd inherits Python's ignored SIGPIPE. A client that dies
    # while connected can otherwise kill jackd with SIGPIPE as it stops, and a jackd that
    # dies so keeps its slot in JACK's server registry: eight slots for the whole
    # machine, after which no server starts ("Too many servers already active").
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, restore_signals=False,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    assert proc.stdout is not None
    log = ServerLog(proc.stdout)
    waited = subprocess.run(["jack_wait", "-s", name, "-w", "-t", "10"], capture_output=True,
                            check=False, timeout=20)
    if waited.returncode == 0 and proc.poll() is None:
        time.sleep(0.2)  # jack_wait answers a moment before clients are welcome
        return proc, log, True
    stop_process(proc)
    return proc, log, False


@contextlib.contextmanager
def running_jack_server(name: str | None = None) -> Iterator[JackServer]:
    """Start a dummy-driver jackd, point this process at it, stop it afterwards.

    Raises RuntimeError if jackd is missing or refuses to start.
    """
    why = missing_tools()
    if why:
        raise RuntimeError(why)
    name = name or f"duet-test-{os.getpid()}"
    # A loaded machine sometimes misses jack_wait's deadline: try realtime twice, then
    # without realtime, before giving up.
    said = []
    for realtime in (True, True, False):
        proc, log, started = _start(name, realtime)
        if started:
            break
        said.append(log.tail(500))
    else:
        raise RuntimeError("jackd did not start (tried -R twice and --no-realtime); "
                           "its output:\n" + "\n--\n".join(said))
    previous = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    try:
        yield JackServer(name, PERIOD, SAMPLE_RATE, realtime, log)
    finally:
        if previous is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = previous
        stop_process(proc)


@dataclass
class _Shared:
    server: JackServer
    context: contextlib.AbstractContextManager[JackServer]
    users: int = 0


_shared: _Shared | None = None


@pytest.fixture(scope="session")
def jack_server() -> Iterator[JackServer]:
    """A JACK server for the whole test session; `unavailable` (skip, or fail in CI)
    with the reason if there is none.

    Test modules import this fixture by name, so pytest holds one session fixture per
    module; they all share one server (started by the first, stopped after the last).
    Each starting its own would fail: the server name is per process, and a second jackd
    of that name does not start while the first runs (the later modules' tests were
    skipped with "jackd did not start").
    """
    global _shared
    why = missing_tools()
    if why:
        unavailable(f"JACK MIDI tests {why}")
    if _shared is None:
        context = running_jack_server()
        try:
            server = context.__enter__()
        except RuntimeError as exc:
            problem = str(exc)
        else:
            _shared = _Shared(server, context)
    if _shared is None:
        unavailable(f"JACK MIDI tests: {problem}")
    shared = _shared
    shared.users += 1
    try:
        yield shared.server
    finally:
        shared.users -= 1
        if shared.users == 0:
            _shared = None
            shared.context.__exit__(None, None, None)


class VirtualKit:
    """A fake drum module: a JACK MIDI output port `client:port` that sends notes.

    It is a real rtmidi `MidiOut` on the JACK API, exactly what a kit bridged into JACK
    looks like to the game. `close()` deletes the client, so the port vanishes from
    the listing as an unplugged kit does.
    """

    def __init__(self, client: str, port: str = "out") -> None:
        import rtmidi

        self.client = client
        self.name = f"{client}:{port}"
        self._out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=client)
        self._out.open_virtual_port(port)

    def send(self, message: list[int]) -> None:
        self._out.send_message(message)

    def note(self, note: int, velocity: int = 100, channel: int = 9) -> None:
        self._out.send_message([0x90 | channel, note, velocity])

    def cc(self, number: int, value: int, channel: int = 9) -> None:
        self._out.send_message([0xB0 | channel, number, value])

    def close(self) -> None:
        if self._out is not None:
            self._out.close_port()
            self._out.delete()
            self._out = None

    def __enter__(self) -> VirtualKit:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def jack_query(tool: str) -> int | None:
    """The number a JACK tool prints (`jack_bufsize`, `jack_samplerate`) for the server
    JACK_DEFAULT_SERVER names, or None."""
    if shutil.which(tool) is None:
        return None
    proc = subprocess.run([tool], capture_output=True, text=True, check=False, timeout=10)
    for word in proc.stdout.split():
        if word.isdigit():
            return int(word)
    return None


@contextlib.contextmanager
def bench_server() -> Iterator[dict[str, object]]:
    """For benches: the JACK server JACK_DEFAULT_SERVER names (or "default") if one
    answers, else a private dummy-driver one for the run. Yields what it used."""
    name = os.environ.get("JACK_DEFAULT_SERVER", "default")
    if server_running(name):
        os.environ["JACK_DEFAULT_SERVER"] = name
        yield {"server": name, "started_here": False}
        return
    with running_jack_server() as server:
        yield {"server": server.name, "started_here": True, "realtime": server.realtime}
