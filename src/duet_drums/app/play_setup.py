"""What a song is played with: the chart, each player's part, difficulty and input, the
practice speed and loop. Song select builds it, the play scene runs it, results and
practice hand it on; it lives outside the scenes because all of them share it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from duet_drums.app.catalog import ChartEntry
from duet_drums.app.protocols import AudioEngineView
from duet_drums.audio.stems import StemMix
from duet_drums.audio.track import BackingTrack
from duet_drums.core.chart import DIFFICULTIES
from duet_drums.settings import InputKind, LibrarySettings, PlayerSettings


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
class PlaySetup:
    entry: ChartEntry
    players: tuple[PlayerChoice, PlayerChoice]
    speed: float = 1.0
    loop_section: str | None = None
    seed: int = 0
    practice: bool = False
    # A community song's decoded stems (at speed 1); None: the chart's own backing.
    stems: StemMix | None = field(default=None, compare=False, repr=False)

    @property
    def is_practice(self) -> bool:
        return self.practice or self.speed < 1.0 or self.loop_section is not None

    @property
    def ranked(self) -> bool:
        """Whether the run goes into the high-score tables: not a looped section, and not
        two bots (a high-score table is for people)."""
        return self.loop_section is None and not all(c.is_ai for c in self.players)


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
                      speed: float) -> tuple[BackingTrack, str | None]:
    """What plays under the song: a community song's stems when they decoded, else the
    chart's own audio file or the synthesized backing (`engine.backing_for`)."""
    if setup.stems is not None and not setup.stems.empty:
        return stem_backing(setup, library, speed)
    return engine.backing_for(setup.entry.chart, setup.entry.path, speed)


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


def practice_setup(base: PlaySetup, who: str, speed: float, section: str | None) -> PlaySetup:
    """`base` as a practice run: the AI takes the part of whoever is not practising (a
    player who was the AI and now practises gets the keyboard), at `speed`, looping
    `section` (None: the whole song)."""
    p1, p2 = base.players
    if who == WHO_PRACTISES[1]:
        p1, p2 = (replace(p1, input="keyboard") if p1.is_ai else p1), replace(p2, input="ai")
    elif who == WHO_PRACTISES[2]:
        p1, p2 = replace(p1, input="ai"), (replace(p2, input="keyboard") if p2.is_ai else p2)
    return replace(base, players=(p1, p2), speed=speed, practice=True, loop_section=section)
