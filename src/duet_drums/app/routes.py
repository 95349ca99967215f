"""Where the game can go: one small frozen dataclass per screen, carrying what that
screen needs to open.

Scenes ask the navigator for a route (`nav.push(Keybind(player=0))`), never for another
scene class, so no scene imports another and every screen can be opened from anywhere
with the same values. Which scene draws a route is decided in one place,
`app/registry.py`. To add a screen: a dataclass here (or in your own module, deriving
from `Route`) and one line in the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from duet_drums.app.catalog import ChartEntry
from duet_drums.app.play_setup import PlayerChoice, PlaySetup
from duet_drums.app.run_records import CoachOutcome, SaveReport
from duet_drums.core.drills import DrillOffer
from duet_drums.core.result import Result
from duet_drums.core.rules import Rules


@dataclass(frozen=True)
class Route:
    """Base of every route; the registry maps each subclass to the scene that shows it."""


@dataclass(frozen=True)
class Title(Route):
    """The title screen: Play, Settings, Key test, Calibrate, Quit."""


@dataclass(frozen=True)
class SongSelect(Route):
    """Pick a chart and each player's part, difficulty and input; high scores."""


@dataclass(frozen=True)
class Play(Route):
    """A song being played (or a practice loop, per `setup`)."""

    setup: PlaySetup


@dataclass(frozen=True)
class Results(Route):
    """A finished song: its Result, the rules it was scored under, what saving it did
    (saved before this opens) and the duo coach's report with its drills (None when the
    coach could not run)."""

    setup: PlaySetup
    result: Result
    rules: Rules
    report: SaveReport
    coach: CoachOutcome | None = None


@dataclass(frozen=True)
class Practice(Route):
    """Practice setup for `setup`'s song; `section` preselects a loop (from results),
    `offer` a coach's drill (its section, speed, drill and who practises)."""

    setup: PlaySetup
    section: str | None = None
    offer: DrillOffer | None = None


@dataclass(frozen=True)
class PairHistory(Route):
    """A pair's progress over the songs they played together; `names` preselects the
    pair (P1, P2 as the caller names them), `chart_id` one song (None: all songs)."""

    names: tuple[str, str] | None = None
    chart_id: str | None = None


class PausedSong(Protocol):
    """What the pause menu may do with the song under it."""

    @property
    def setup(self) -> PlaySetup: ...

    @property
    def song_time(self) -> float: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Pause(Route):
    """The pause menu over the song it paused."""

    song: PausedSong


@dataclass(frozen=True)
class SettingsMenu(Route):
    """Every setting, saved as it changes."""


@dataclass(frozen=True)
class Keybind(Route):
    """Rebind `player`'s drum keys (0 = P1, 1 = P2)."""

    player: int


@dataclass(frozen=True)
class MidiSetup(Route):
    """MIDI kits: ports, owners, note maps, learn mode."""


@dataclass(frozen=True)
class KeyTest(Route):
    """Which of the players' keys the keyboard registers together."""


@dataclass(frozen=True)
class Calibration(Route):
    """Tap along a click to measure each input device's offset."""


@dataclass(frozen=True)
class LoadSong(Route):
    """A community song being opened: its chart read and its stems decoded in the
    background behind a progress bar, then replaced by Play (or Practice)."""

    folder: Path
    title: str
    players: tuple[PlayerChoice, PlayerChoice]
    practice: bool = False
    speed: float = 1.0
    seed: int = 0
    entry: ChartEntry | None = None  # already read (a song given on the command line)


@dataclass(frozen=True)
class SongFolders(Route):
    """Settings > Song folders: the library's folders, rescan, drum stems volume."""


@dataclass(frozen=True)
class SkippedSongs(Route):
    """The song folders the last scan could not read, each with its reason."""
