"""User settings: one pydantic model, stored as TOML in the user config dir.

Every part of the game reads its options from here, so the settings screen, the input
layer and the audio layer agree on names. A corrupt or unreadable file is moved aside
(never deleted: the user may want it back) and defaults are used, with a warning.
"""

from __future__ import annotations

import os
import time
import tomllib
from pathlib import Path
from typing import Literal

import platformdirs
import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from duet_drums.core.atomic import atomic_write_text
from duet_drums.core.kit import Piece

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


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


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
    # Highway speed multiplier; 1.0 shows about 1.6 s of notes ahead of the hit line.
    note_speed: float = Field(default=1.0, ge=0.25, le=4.0)
    strictness: Strictness = "standard"
    lefty_flip: bool = False
    fullscreen: bool = False
    # 0 = follow the display's refresh rate; a number caps frames per second.
    fps_limit: int = Field(default=0, ge=0, le=1000)


def config_dir() -> Path:
    override = os.environ.get("DUET_DRUMS_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    override = os.environ.get("DUET_DRUMS_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def settings_path() -> Path:
    return config_dir() / "settings.toml"


def load_settings(path: Path | None = None) -> tuple[Settings, str | None]:
    """Return the settings and a warning to show, if the file had to be set aside."""
    path = path or settings_path()
    if not path.exists():
        return Settings(), None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return Settings.model_validate(data), None
    except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError, OSError) as exc:
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, aside)
            where = f"moved to {aside}"
        except OSError:
            where = "left in place"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return Settings(), f"{path}: unreadable settings ({reason}); {where}, using defaults"


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    data = settings.model_dump(mode="json", exclude_none=True)
    atomic_write_text(path, tomli_w.dumps(data))
