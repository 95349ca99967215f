"""Keyboard hits with timestamps finer than a frame.

pygame gives key events no timestamp, and SDL only reads the X/Wayland/Win32 queue when
events are pumped, on the main thread. So the only time we know about a key event is
"somewhere between the previous pump and this one". The game loop pumps about every
millisecond between frames (see `pacing.FramePacer`), and every KEYDOWN found in a pump is
stamped with the midpoint of the previous pump time and this one: the error is at most
half the pump interval (~0.5 ms) instead of up to a whole frame, and it no longer depends
on the frame rate.

The poller only translates: bound KEYDOWNs become `RawHit`s; everything else (and the
key events themselves, flagged) goes to the UI, which decides what a key means in menus.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from duet_drums.inputs.keymap import KeyMap
from duet_drums.inputs.raw import RawHit

DEVICE = "keyboard"

Clock = Callable[[], int]
EventSource = Callable[[], list[pygame.event.Event]]

# Events after which keys may be released without a KEYUP reaching us.
_FOCUS_EVENTS = frozenset({pygame.WINDOWFOCUSLOST, pygame.WINDOWFOCUSGAINED})


@dataclass(slots=True)
class PumpResult:
    """One pump's worth of input.

    `hits`: bound KEYDOWNs as RawHits, in arrival order, all with the batch stamp.
    `other_events`: every event for the UI, in order, *including* key events. Each
    KEYDOWN/KEYUP carries extra attributes: `stamp_ns` (the batch stamp), `binding`
    (`keymap.Binding` or None) and `is_repeat` (a KEYDOWN for a key already held). A
    scene that takes hits skips events whose `binding` is set; a menu can use them.
    `stamp_ns`: the stamp given to this batch.
    """

    hits: list[RawHit] = field(default_factory=list)
    other_events: list[pygame.event.Event] = field(default_factory=list)
    stamp_ns: int = 0


def midpoint_stamp(previous_ns: int | None, now_ns: int) -> int:
    """Best single estimate of when an event seen at `now_ns` reached the program.

    It arrived after the previous pump (else that pump would have returned it) and before
    this one; without a previous pump there is no lower bound, so `now_ns` is used.
    """
    if previous_ns is None or previous_ns > now_ns:
        return now_ns
    return (previous_ns + now_ns) // 2


class KeyboardPoller:
    """Pump SDL's event queue and turn bound key presses into stamped `RawHit`s.

    `clock` and `get_events` are injectable so the stamping can be tested with a fake
    clock; in the game they are `time.perf_counter_ns` and `pygame.event.get`. Key repeat
    is switched off here (if a window exists) because a held key must not drum; presses of
    an already-held key are ignored as well, in case something turns repeat back on.
    """

    def __init__(self, keymap: KeyMap, clock: Clock = time.perf_counter_ns,
                 get_events: EventSource | None = None, device: str = DEVICE):
        self.keymap = keymap
        self.device = device
        self._clock = clock
        self._get_events: EventSource = get_events or pygame.event.get
        self._last_pump_ns: int | None = None
        self._held: set[int] = set()
        if get_events is None and pygame.display.get_init():
            pygame.key.set_repeat()  # no arguments = no repeat

    @property
    def last_pump_ns(self) -> int | None:
        return self._last_pump_ns

    def pump(self) -> PumpResult:
        """Read everything SDL has queued; cheap enough to call every millisecond."""
        now = self._clock()
        events = self._get_events()
        stamp = midpoint_stamp(self._last_pump_ns, now)
        self._last_pump_ns = now
        result = PumpResult(stamp_ns=stamp)
        for event in events:
            kind = event.type
            if kind == pygame.KEYDOWN or kind == pygame.KEYUP:
                self._key_event(event, stamp, result)
            elif kind in _FOCUS_EVENTS:
                self._held.clear()
            result.other_events.append(event)
        return result

    def _key_event(self, event: pygame.event.Event, stamp: int, result: PumpResult) -> None:
        code = event.key
        binding = self.keymap.lookup(code)
        event.stamp_ns = stamp
        event.binding = binding
        if event.type == pygame.KEYUP:
            event.is_repeat = False
            self._held.discard(code)
            return
        event.is_repeat = code in self._held
        self._held.add(code)
        if binding is not None and not event.is_repeat:
            result.hits.append(RawHit(binding.player, binding.piece, stamp, None, "keyboard",
                                      self.device))

    def forget_timing(self) -> None:
        """Call after a stretch without pumping (loading, a modal dialog) so the next
        batch is stamped 'now' rather than at the middle of the gap."""
        self._last_pump_ns = None
