"""What a song is played with: the chart, each player's part, difficulty and input, the
practice speed and loop, and the coach's drill if one runs. Song select builds it, the
play scene runs it, results and practice hand it on; it lives outside the scenes because
all of them share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from duet_drums.app.catalog import ChartEntry
from duet_drums.app.protocols import AudioEngineView
from duet_drums.audio.samples import HitTone
from duet_drums.audio.stems import StemMix
from duet_drums.audio.track import BackingTrack
from duet_drums.core.chart import DIFFICULTIES
from duet_drums.core.drills import QuietCount, SwapLead
from duet_drums.settings import InputKind, LibrarySettings, PlayerSettings

DrillKind = Literal["quiet_count", "swap_lead"]


@dataclass(frozen=True)
class PlayerChoice:
    name: str
    part: str
    difficulty: str
    input: InputKind = "keyboard"
    layout: str = "5-lane"
    hit_sounds: bool | None = None

    @classmethod
    def from_settings(cls, ps: PlayerSettings) -> PlayerChoice:
        return cls(ps.name, ps.part, ps.difficulty, ps.input, ps.layout, ps.hit_sounds)

    @property
    def is_ai(self) -> bool:
        return self.input == "ai"

    @property
    def display_name(self) -> str:
        return "AI partner" if self.is_ai else self.name

    @property
    def sounds(self) -> bool:
        """Hit sounds: on for keyboards and the AI partner, off for kits (they make their
        own sound), unless the player chose otherwise."""
        return self.hit_sounds if self.hit_sounds is not None else self.input != "midi"


@dataclass(frozen=True)
class PlayDrill:
    """A drill beyond looping a section: `kind` with its options (the quiet count's
    bars on and off; how often the swap-the-lead bot changes role). `problem` is what the
    coach named, shown while the drill runs."""

    kind: DrillKind
    quiet: QuietCount = field(default_factory=QuietCount)
    swap: SwapLead = field(default_factory=SwapLead)
    problem: str = ""

    @property
    def label(self) -> str:
        if self.kind == "quiet_count":
            return f"Quiet count ({self.quiet.label})"
        return f"Swap the lead ({self.swap.label})"


@dataclass(frozen=True)
class PlaySetup:
    entry: ChartEntry
    players: tuple[PlayerChoice, PlayerChoice]
    speed: float = 1.0
    loop_section: str | None = None
    seed: int = 0
    practice: bool = False
    # A community song's decoded stems (at speed 1); None: the chart's own backing.
    stems: StemMix | None = field(default=None, compare=False, repr=False)
    drill: PlayDrill | None = None

    @property
    def is_practice(self) -> bool:
        return self.practice or self.speed < 1.0 or self.loop_section is not None or self.drill is not None

    @property
    def ranked(self) -> bool:
        """Whether the run goes into the high-score tables: not a looped section, not a
        drill (a silent click or a bot that leads is another game), and not two bots (a
        high-score table is for people)."""
        return (self.loop_section is None and self.drill is None
                and not all(c.is_ai for c in self.players))

    @property
    def human_pair(self) -> tuple[str, str] | None:
        """The two names a pair's coaching history is kept under: two people (no AI
        partner) with two different names, in a real song (not practice)."""
        p1, p2 = self.players
        if self.is_practice or p1.is_ai or p2.is_ai or not p1.name or not p2.name or p1.name == p2.name:
            return None
        return p1.name, p2.name


def hit_tones(setup: PlaySetup, distinct: bool) -> tuple[HitTone, HitTone]:
    """The kit each player's hits sound on: P2 on the tuned-up kit when `distinct` (the
    setting) and both players' hits are sounded by the game (keyboards, the AI partner).
    A kit player hears their own kit, which already sounds like nobody else's."""
    if distinct and all(c.sounds for c in setup.players):
        return "standard", "tuned_up"
    return "standard", "standard"


# Silence before a community song's first beat: the play screen's own minimum lead-in, so
# the players see the first notes coming before the recording starts.
STEMS_LEAD_IN_S = 2.0


def stem_backing(setup: PlaySetup, library: LibrarySettings, speed: float) -> tuple[BackingTrack, str | None]:
    """The backing from a community song's stems: the drum stems at the settings' gain
    (the players are the drummers), the chart's offset applied, at practice `speed` like
    tape; the second value reports stems that were left out. Raises ValueError when the
    setup has no stems."""
    stems = setup.stems
    if stems is None or stems.empty:
        raise ValueError("no stems to play")
    folder = setup.entry.chart.metadata.song_folder
    offset = folder.offset_ms if folder is not None else 0.0
    track = stems.track(drum_gain=library.drum_stems_volume, offset_ms=offset, speed=speed,
                        lead_in=STEMS_LEAD_IN_S)
    return track, ("; ".join(stems.messages) or None)


def backing_for_setup(engine: AudioEngineView, setup: PlaySetup, library: LibrarySettings,
                      speed: float, quiet: tuple[tuple[float, float], ...] = ()
                      ) -> tuple[BackingTrack, str | None]:
    """What plays under the song: a community song's stems when they decoded, else the
    chart's own audio file or the synthesized backing (`engine.backing_for`). A quiet
    count (`quiet`: spans whose click drops out) always plays the synthesized backing: a
    recording has no click to drop."""
    if setup.stems is not None and not setup.stems.empty and not quiet:
        return stem_backing(setup, library, speed)
    return engine.backing_for(setup.entry.chart, setup.entry.path, speed, quiet=quiet)


def partner_difficulty(lead: str, available: Sequence[str] = DIFFICULTIES) -> str:
    """P2's default on a one-part song: one level below P1 (the partner usually plays the
    easier chart of the same drums; easy stays easy), among the difficulties the song has."""
    options = [d for d in DIFFICULTIES if d in available] or list(DIFFICULTIES)
    rank = DIFFICULTIES.index(lead) if lead in DIFFICULTIES else 1
    below = [d for d in options if DIFFICULTIES.index(d) < rank]
    return below[-1] if below else options[0]


# Who practises: the other player's part is played by the AI partner.
WHO_PRACTISES = ("both players", "P1 (AI plays P2)", "P2 (AI plays P1)")


def who_practises(setup: PlaySetup) -> str:
    """The practice menu's default: whoever is not already the AI partner."""
    p1, p2 = setup.players
    if p2.is_ai and not p1.is_ai:
        return WHO_PRACTISES[1]
    if p1.is_ai and not p2.is_ai:
        return WHO_PRACTISES[2]
    return WHO_PRACTISES[0]


def practice_setup(base: PlaySetup, who: str, speed: float, section: str | None,
                   drill: PlayDrill | None = None) -> PlaySetup:
    """`base` as a practice run: the AI takes the part of whoever is not practising (a
    player who was the AI and now practises gets the keyboard), at `speed`, looping
    `section` (None: the whole song), with `drill` if any."""
    p1, p2 = base.players
    if who == WHO_PRACTISES[1]:
        p1, p2 = (replace(p1, input="keyboard") if p1.is_ai else p1), replace(p2, input="ai")
    elif who == WHO_PRACTISES[2]:
        p1, p2 = replace(p1, input="ai"), (replace(p2, input="keyboard") if p2.is_ai else p2)
    return replace(base, players=(p1, p2), speed=speed, practice=True, loop_section=section, drill=drill)
