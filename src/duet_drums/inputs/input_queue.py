"""The one queue the input threads hand the game thread: drum hits and port notices.

MIDI reader threads put `RawHit`s on it the moment they stamp them; a `PortEvent` says a
kit came or went. Both are typed, so the game loop tells them apart with `isinstance`
and a scene reads `event.kind` rather than guessing at attributes.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass
from typing import Literal, TypeVar

from duet_drums.inputs.raw import RawHit

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PortEvent:
    """A MIDI input port was unplugged ("disconnected") or plugged back ("connected");
    `player` is whoever the port is assigned to (None: nobody)."""

    kind: Literal["disconnected", "connected"]
    port: str
    player: int | None


InputItem = RawHit | PortEvent
InputQueue = queue.SimpleQueue[InputItem]


def drain(q: queue.SimpleQueue[T]) -> list[T]:
    """Everything queued so far, oldest first, without waiting."""
    out: list[T] = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out
