"""Runs waiting for the score database: one small file per finished song.

When the database stays locked past the save's patience (another program holds it), or
cannot be written for a moment, the run is not dropped: its score entries and replay go
to ``scores.sqlite3.pending/<time>-<pid>-<random>.json`` (written atomically) and are
merged into the database when it next opens. A merge that crashes after committing but
before deleting the file is harmless: a run is identified by its players and its
`played_at` time, and a run already in the database is not inserted twice.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from duet_drums.core.atomic import atomic_write_text, remove_orphaned_temps_in
from duet_drums.core.jsonfile import JsonProblem, decode_json
from duet_drums.core.safe_read import FileReadError, read_bounded

PENDING_FORMAT = 1
# Two replays' worth, base64-encoded: far more than one run needs.
MAX_PENDING_BYTES = 96 << 20


@dataclass(frozen=True, slots=True)
class ScoreEntry:
    """One player's finished run, as the results screen hands it to the database."""

    chart_id: str
    part: str
    difficulty: str
    player_name: str
    score: int
    accuracy: float
    max_combo: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=dict)
    chart_hash: str = ""
    player_index: int = 0
    sync_percent: float | None = None
    partner: str = ""
    speed: float = 1.0


class _PendingFile(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    format: Literal[1]
    played_at: float
    entries: list[ScoreEntry]
    replay: str | None = None


@dataclass(frozen=True, slots=True)
class PendingRun:
    played_at: float
    entries: tuple[ScoreEntry, ...]
    replay: bytes | None
    path: Path | None = None


class PendingError(Exception):
    """A pending file that cannot be read back; `str()` names the file and the reason."""


def pending_dir(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.pending")


def write_pending(folder: Path, entries: Sequence[ScoreEntry], replay: bytes | None,
                  played_at: float) -> Path:
    """Keep a run for a later merge; raises OSError when even this cannot be written."""
    data: dict[str, Any] = {
        "format": PENDING_FORMAT,
        "played_at": played_at,
        "entries": [dataclasses.asdict(e) for e in entries],
        "replay": None if replay is None else base64.b64encode(replay).decode("ascii"),
    }
    path = folder / f"{int(played_at * 1000)}-{os.getpid()}-{secrets.token_hex(3)}.json"
    remove_orphaned_temps_in(folder)  # each file has a new name: no later save would clean them
    atomic_write_text(path, json.dumps(data, allow_nan=False))
    return path


def read_pending(path: Path) -> PendingRun:
    try:
        data = decode_json(read_bounded(path, MAX_PENDING_BYTES))
        parsed = _PendingFile.model_validate(data)
        replay = None if parsed.replay is None else base64.b64decode(parsed.replay, validate=True)
    except FileReadError as exc:
        raise PendingError(f"{path}: {exc.reason}") from None
    except JsonProblem as exc:
        raise PendingError(f"{path}: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PendingError(f"{path}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    except ValueError as exc:  # base64
        raise PendingError(f"{path}: replay: {exc}") from None
    return PendingRun(parsed.played_at, tuple(parsed.entries), replay, path)


def pending_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith("."))
    except OSError:
        return []
