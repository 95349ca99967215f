"""Stable names for MIDI ports, so settings survive unplugging and replugging.

ALSA lists a port as "TD-17:TD-17 MIDI 1 20:0": the trailing client:port numbers are
handed out at plug-in time and change when the kit comes back on another USB socket or
after a reboot. The player assignment, the note map and the calibration offset are
stored under the name without those numbers. Two identical kits (a duet may well have
two of the same model) would then share a name, so the second one in listing order gets
" #2", the third " #3". JACK names ("client:port") are already stable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_ALSA_NUMBERS = re.compile(r"\s+\d+:\d+$")


def stable_name(system_name: str) -> str:
    """The port name without ALSA's client:port numbers."""
    return _ALSA_NUMBERS.sub("", system_name).strip() or system_name


def _sort_key(system_name: str) -> tuple[str, tuple[int, ...]]:
    match = _ALSA_NUMBERS.search(system_name)
    numbers = tuple(int(n) for n in match.group().split(":")) if match else ()
    return stable_name(system_name), numbers


def port_keys(system_names: Iterable[str]) -> dict[str, str]:
    """{stable key: system name} for the ports listed now, duplicates numbered."""
    keys: dict[str, str] = {}
    for name in sorted(set(system_names), key=_sort_key):
        base = stable_name(name)
        key, n = base, 1
        while key in keys:
            n += 1
            key = f"{base} #{n}"
        keys[key] = name
    return keys
