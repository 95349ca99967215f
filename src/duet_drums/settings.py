"""User settings: one pydantic model, stored as TOML in the user config dir.

Every part of the game reads its options from here, so the settings screen, the input
layer and the audio layer agree on names.

The file is the player's, often edited by hand, so loading it never costs more than it
must (see `load_settings`): a bad value costs only its own key, named in the warning; a
file that is not TOML at all is moved aside (never deleted: the player may want it back)
and defaults are used. Saving never raises at the window (see `save_settings`).
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field

from duet_drums.core.atomic import atomic_write_text, remove_orphaned_temps
from duet_drums.core.keep_good import keep_good
from duet_drums.core.kit import Piece
from duet_drums.core.safe_read import FileReadError, read_bounded
from duet_drums.set_aside import keep_copy, set_aside

APP_NAME = "duet-drums"
Strictness = Literal["relaxed", "standard", "strict"]
InputKind = Literal["keyboard", "midi", "ai"]

# Player 1 on the left half, player 2 on the right half. The first five keys of each
# player are the 5-lane layout (kick + red/yellow/blue/green, left to right as on the
# highway); the rest give the extra pieces of the full-kit layout. Names are
# pygame.key.name() names.
DEFAULT_KEYS: tuple[dict[str, Piece], dict[str, Piece]] = (
    {
        "c": Piece.KICK, "a": Piece.SNARE, "s": Piece.HIHAT, "d": Piece.TOM2, "f": Piece.CRASH,
        "v": Piece.KICK2, "q": Piece.HIHAT_OPEN, "z": Piece.HIHAT_PEDAL, "w": Piece.TOM1,
        "e": Piece.TOM3, "r": Piece.RIDE,
    },
    {
        "m": Piece.KICK, "j": Piece.SNARE, "k": Piece.HIHAT, "l": Piece.TOM2, ";": Piece.CRASH,
        "n": Piece.KICK2, "u": Piece.HIHAT_OPEN, "/": Piece.HIHAT_PEDAL, "i": Piece.TOM1,
        "o": Piece.TOM3, "p": Piece.RIDE,
    },
)


# A settings file is a few kilobytes; a megabyte is no settings file (and a 50 MB one
# took half a minute to parse).
MAX_SETTINGS_BYTES = 1 << 20
_MAX_SHOWN_PROBLEMS = 8


class _Model(BaseModel):
    # Unknown keys are refused (and so named in the warning, then dropped), and so are
    # NaN and infinity, which TOML allows but no setting means.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class PlayerSettings(_Model):
    name: str = "Player"
    input: InputKind = "keyboard"
    layout: Literal["5-lane", "full-kit"] = "5-lane"
    part: str = "lead"
    difficulty: Literal["easy", "medium", "hard", "expert"] = "medium"
    # None = automatic: on for keyboard players, off for kit players (a kit makes its own sound).
    hit_sounds: bool | None = None
    keys: dict[str, Piece] = Field(default_factory=dict)


class MidiSettings(_Model):
    # Port name -> player index (0 or 1). Ports not listed are ignored.
    assignments: dict[str, int] = Field(default_factory=dict)
    # Port name -> note-map preset name ("gm", "roland_td", "alesis", "yamaha_dtx") or
    # the name of a custom map below.
    presets: dict[str, str] = Field(default_factory=dict)
    # Custom maps made with the learn mode: map name -> {midi note (as text): piece}.
    custom_maps: dict[str, dict[str, Piece]] = Field(default_factory=dict)
    debounce_ms: float = Field(default=6.0, ge=0, le=100)
    velocity_threshold: int = Field(default=1, ge=1, le=127)
    # CC4 at or below this is an open hi-hat (0 = fully open, 127 = closed).
    hihat_open_below: int = Field(default=64, ge=0, le=127)
    hihat_cc: int = Field(default=4, ge=0, le=127)


class AudioSettings(_Model):
    sample_rate: int = 48000
    buffer_frames: int = Field(default=256, ge=64, le=8192)
    master_volume: float = Field(default=0.8, ge=0, le=1)
    backing_volume: float = Field(default=0.7, ge=0, le=1)
    hits_volume: float = Field(default=0.8, ge=0, le=1)
    click_volume: float = Field(default=0.5, ge=0, le=1)


SongSort = Literal["title", "artist", "length", "difficulty"]


class LibrarySettings(_Model):
    """Community song folders (Clone Hero / YARG / Rock Band) and how their audio plays."""

    # Folders scanned for songs, recursively; "~" is the home folder.
    folders: list[str] = Field(default_factory=list)
    # Gain of a song's drum stems (drums, drums_1..drums_4) while the players drum over
    # them: the players are the drummers, so the recorded drums step back; 0 = muted.
    drum_stems_volume: float = Field(default=0.25, ge=0, le=1)
    # Decoded audio kept on disk (so a song starts at once the second time), in MB; 0 = off.
    audio_cache_mb: int = Field(default=2048, ge=0, le=1_000_000)
    # How song select orders the library (bundled songs always come first).
    sort: SongSort = "title"


class Calibration(_Model):
    # Audio output latency: positive = sound reaches the ears this much after it is mixed.
    audio_offset_ms: float = 0.0
    # Per input device ("keyboard" or a MIDI port name): subtracted from hit stamps.
    input_offsets_ms: dict[str, float] = Field(default_factory=dict)

    def input_offset_s(self, device: str) -> float:
        return self.input_offsets_ms.get(device, 0.0) / 1000.0


class Settings(_Model):
    version: int = 1
    players: list[PlayerSettings] = Field(
        default_factory=lambda: [
            PlayerSettings(name="Player 1", part="lead", difficulty="medium",
                           keys=dict(DEFAULT_KEYS[0])),
            PlayerSettings(name="Player 2", part="partner", difficulty="easy",
                           keys=dict(DEFAULT_KEYS[1])),
        ],
        min_length=2, max_length=2,
    )
    midi: MidiSettings = Field(default_factory=MidiSettings)
    audio: AudioSettings = Field(default_factory=AudioSettings)
    calibration: Calibration = Field(default_factory=Calibration)
    library: LibrarySettings = Field(default_factory=LibrarySettings)
    # Highway speed multiplier; 1.0 shows about 1.6 s of notes ahead of the hit line.
    note_speed: float = Field(default=1.0, ge=0.25, le=4.0)
    strictness: Strictness = "standard"
    lefty_flip: bool = False
    fullscreen: bool = False
    # 0 = follow the display's refresh rate; a number caps frames per second.
    fps_limit: int = Field(default=0, ge=0, le=1000)
    # When both players' hits are sounded by the game (two keyboards, or a keyboard and
    # the AI partner), P2 plays on a second kit tuned up: identical sounds make a pair
    # rush together, and neither can hear whose stroke was early.
    distinct_hit_sounds: bool = True


def config_dir() -> Path:
    override = os.environ.get("DUET_DRUMS_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get("DUET_DRUMS_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Files the game can rebuild (decoded song audio): the OS may clear this folder."""
    override = os.environ.get("DUET_DRUMS_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def settings_path() -> Path:
    return config_dir() / "settings.toml"


@dataclass(frozen=True, slots=True)
class SettingsNotice:
    """Why the settings could not be saved; the window shows `message` and play goes on
    with the settings in memory (the file on disk is the last good version)."""

    path: Path
    message: str


def _fit_players(data: dict[str, Any], problems: list[str], defaults: dict[str, Any]) -> None:
    players = data.get("players")
    if not isinstance(players, list) or len(players) == 2:
        return
    if len(players) < 2:
        problems.append(f"players: {len(players)} player(s) instead of 2, the missing ones get defaults")
        players.extend(copy.deepcopy(defaults["players"][len(players):]))
    else:
        problems.append(f"players: {len(players)} players instead of 2, only the first two are kept")
        del players[2:]


def validate_keeping_good(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from decoded TOML, and one problem per bad key ("audio.master_volume:
    ... reset to the default"): every valid value is kept, each bad one falls back to its
    default (player 2's default for player 2), unknown keys are dropped."""
    data = copy.deepcopy(data)
    defaults: dict[str, Any] = Settings().model_dump(mode="json", exclude_none=True)
    problems: list[str] = []
    _fit_players(data, problems, defaults)
    settings, more = keep_good(Settings, data, defaults)
    return settings, problems + more


def _set_aside_whole(path: Path, reason: str) -> tuple[Settings, str]:
    try:
        where = f"moved to {set_aside(path)}"
    except OSError as exc:
        where = f"left in place ({exc.strerror or exc})"
    return Settings(), f"{path}: unreadable settings ({reason}); {where}, using defaults"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Return the settings and a warning to show, or None.

    - No file: defaults, no warning.
    - A file that is not TOML, too large (MAX_SETTINGS_BYTES), not a regular file or
      unreadable is moved aside whole (unique ``.corrupt-<time>`` name); defaults are used.
    - A TOML file with some bad keys keeps every good value; each bad key is named (file
      and key path) and reset to its default. The original is kept beside it under a
      ``.corrupt-<time>`` name and the repaired settings are written back, so the warning
      appears once, not on every start.

    Temp files orphaned by a save that was killed are removed on the way.
    """
    path = path or settings_path()
    remove_orphaned_temps(path)
    try:
        raw = read_bounded(path, MAX_SETTINGS_BYTES)
    except FileReadError as exc:
        if exc.missing:
            return Settings(), None
        return _set_aside_whole(path, exc.reason)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _set_aside_whole(path, f"not UTF-8 text (byte {exc.start})")
    except ValueError as exc:  # TOMLDecodeError, or a 5,000-digit number
        return _set_aside_whole(path, (str(exc).splitlines() or [type(exc).__name__])[0][:200])
    except RecursionError:
        return _set_aside_whole(path, "values nested too deeply")
    settings, problems = validate_keeping_good(data)
    if not problems:
        return settings, None
    try:
        kept = keep_copy(path, raw)
    except OSError as exc:
        where = f"the file is left as it was ({exc.strerror or exc})"
    else:
        notice = save_settings(settings, path)
        where = f"the original is kept as {kept}" + (f"; {notice.message}" if notice else "")
    shown = "; ".join(problems[:_MAX_SHOWN_PROBLEMS])
    if len(problems) > _MAX_SHOWN_PROBLEMS:
        shown += f"; ... and {len(problems) - _MAX_SHOWN_PROBLEMS} more"
    return settings, f"{path}: {shown}; {where}"


def save_settings(settings: Settings, path: Path | None = None) -> SettingsNotice | None:
    """Write the settings atomically; None when saved, else a notice to show. Never
    raises: a read-only config folder or a full disk must not close the window, and the
    file on disk stays the last version that was saved."""
    path = path or settings_path()
    data = settings.model_dump(mode="json", exclude_none=True)
    try:
        atomic_write_text(path, tomli_w.dumps(data))
    except OSError as exc:
        return SettingsNotice(path, f"settings not saved: cannot write {path} ({exc.strerror or exc}); "
                                    "changes last until the game is closed")
    return None
