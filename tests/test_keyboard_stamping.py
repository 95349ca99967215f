"""KeyboardPoller stamping with an injected clock and event source (no window needed).

The Xvfb tests check the same thing end to end with real X key events; these pin the
logic exactly: midpoint of the previous and current pump, hits only for bound KEYDOWNs,
everything passed through to the UI flagged, repeats ignored, and the error independent
of the frame rate when driven by the FramePacer.
"""

from __future__ import annotations

import pygame
import pytest

from duet_drums.core.kit import Piece
from duet_drums.inputs.keyboard import KeyboardPoller, midpoint_stamp
from duet_drums.inputs.keymap import Binding, KeyMap
from duet_drums.inputs.pacing import FramePacer
from duet_drums.settings import Settings


def down(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


def up(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0)


class Scripted:
    """Pump times and the batch each pump returns."""

    def __init__(self, pumps: list[tuple[int, list[pygame.event.Event]]]):
        self.pumps = pumps
        self.now = 0
        self.i = 0

    def clock(self) -> int:
        self.now = self.pumps[self.i][0]
        return self.now

    def get(self) -> list[pygame.event.Event]:
        batch = self.pumps[self.i][1]
        self.i += 1
        return batch


def poller_for(script: Scripted) -> KeyboardPoller:
    return KeyboardPoller(KeyMap.from_settings(Settings()), clock=script.clock, get_events=script.get)


def test_midpoint_stamp() -> None:
    assert midpoint_stamp(None, 5_000) == 5_000
    assert midpoint_stamp(1_000, 3_000) == 2_000
    assert midpoint_stamp(4_000, 3_000) == 3_000  # clock went backwards: never stamp in the future


def test_batch_is_stamped_at_midpoint_of_previous_and_this_pump() -> None:
    script = Scripted([
        (1_000_000, []),
        (2_000_000, [down(pygame.K_a), down(pygame.K_j)]),
        (2_900_000, [up(pygame.K_a), up(pygame.K_j), down(pygame.K_c)]),
    ])
    poller = poller_for(script)
    assert poller.pump().hits == []
    second = poller.pump()
    assert [(h.player, h.piece, h.stamp_ns) for h in second.hits] == [
        (0, Piece.SNARE, 1_500_000), (1, Piece.SNARE, 1_500_000)]
    assert all(h.source == "keyboard" and h.device == "keyboard" and h.velocity is None
               for h in second.hits)
    third = poller.pump()
    assert [(h.player, h.piece, h.stamp_ns) for h in third.hits] == [(0, Piece.KICK, 2_450_000)]


def test_first_pump_has_no_lower_bound_and_forget_timing_resets() -> None:
    script = Scripted([(7_000, [down(pygame.K_m)]), (9_000, []), (50_000, [down(pygame.K_k)])])
    poller = poller_for(script)
    assert poller.pump().hits[0].stamp_ns == 7_000
    poller.pump()
    poller.forget_timing()
    assert poller.pump().hits[0].stamp_ns == 50_000


def test_every_event_passes_through_flagged_and_only_bound_keydowns_hit() -> None:
    quit_event = pygame.event.Event(pygame.QUIT)
    script = Scripted([(0, []), (1_000, [down(pygame.K_ESCAPE), down(pygame.K_s), quit_event,
                                          up(pygame.K_s), up(pygame.K_ESCAPE)])])
    poller = poller_for(script)
    poller.pump()
    result = poller.pump()
    assert [(h.player, h.piece) for h in result.hits] == [(0, Piece.HIHAT)]
    assert [e.type for e in result.other_events] == [
        pygame.KEYDOWN, pygame.KEYDOWN, pygame.QUIT, pygame.KEYUP, pygame.KEYUP]
    esc, s_down, _, s_up, _ = result.other_events
    assert esc.binding is None and esc.stamp_ns == 500
    assert s_down.binding == Binding(0, Piece.HIHAT) and not s_down.is_repeat
    assert s_up.binding == Binding(0, Piece.HIHAT)


def test_repeated_keydown_of_a_held_key_is_not_a_hit() -> None:
    script = Scripted([(0, [down(pygame.K_d)]), (1_000, [down(pygame.K_d)]),
                       (2_000, [up(pygame.K_d), down(pygame.K_d)])])
    poller = poller_for(script)
    assert len(poller.pump().hits) == 1
    repeat = poller.pump()
    assert repeat.hits == [] and repeat.other_events[0].is_repeat
    assert len(poller.pump().hits) == 1  # released and struck again


def test_focus_loss_forgets_held_keys() -> None:
    focus_lost = pygame.event.Event(pygame.WINDOWFOCUSLOST)
    script = Scripted([(0, [down(pygame.K_d), focus_lost]), (1_000, [down(pygame.K_d)])])
    poller = poller_for(script)
    poller.pump()
    assert len(poller.pump().hits) == 1


class FakeWorld:
    """A fake clock, a sleep that overshoots like a real one, and an SDL-like queue that
    only returns the key events whose (known) arrival time has passed."""

    def __init__(self, arrivals_ns: list[int], overshoot_ns: int = 80_000):
        self.now = 0
        self.overshoot = overshoot_ns
        self.pending = sorted(arrivals_ns)

    def clock(self) -> int:
        self.now += 1_000  # reading the clock and running Python take time too
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += round(seconds * 1e9) + self.overshoot

    def get(self) -> list[pygame.event.Event]:
        ready = [t for t in self.pending if t <= self.now]
        self.pending = self.pending[len(ready):]
        return [e for _ in ready for e in (down(pygame.K_a), up(pygame.K_a))]


def stamp_errors_ms(fps: float, render_ms: float, arrivals_ns: list[int]) -> list[float]:
    world = FakeWorld(arrivals_ns)
    poller = KeyboardPoller(KeyMap.from_settings(Settings()), clock=world.clock, get_events=world.get)
    pacer = FramePacer(fps, clock=world.clock, sleep=world.sleep)
    stamps: list[int] = []

    def poll() -> None:
        stamps.extend(h.stamp_ns for h in poller.pump().hits)

    while world.pending:
        world.now += round(render_ms * 1e6)  # the frame's rendering
        pacer.wait_for_next_frame(poll=poll)
    assert len(stamps) == len(arrivals_ns)
    return [(s - a) / 1e6 for s, a in zip(stamps, arrivals_ns, strict=True)]


@pytest.mark.parametrize("fps", [30, 60, 144, 300])
def test_stamp_error_is_sub_millisecond_at_any_frame_rate(fps: float) -> None:
    # Key arrivals at irregular times, each followed by the release of the key.
    arrivals = [round(t * 1e6) for t in (17.3, 63.9, 101.05, 187.6, 250.25, 333.3, 400.01)]
    errors = stamp_errors_ms(fps, render_ms=0.5, arrivals_ns=arrivals)
    # Away from the render gap, half a poll interval (~0.55 ms); an event that arrives
    # during rendering is stamped at most half the render time + a poll interval off.
    assert max(abs(e) for e in errors) < 1.0, errors
