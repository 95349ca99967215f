"""Replays: the hit stream of a performance, enough to re-score it exactly.

Everything the engine decides is a pure function of (chart, rules, players, hit stream),
so a replay stores only those inputs plus the chart's content hash: re-scoring against
an edited chart would silently produce a different result, so it is refused unless
forced. The rules are stored whole (format 2: every window, point value, multiplier step,
sync threshold and duet bonus constant), so changing a scoring number in a later version
changes new games only, never an old score. Format 1 (round one) stored only the
strictness name; those replays re-score under `round_one_rules`, the numbers round one
played by, pinned here and never to be edited.

Hits are stored compactly as `[player, piece, t, velocity|null, source]`.
`late` lists the few hits that reached the live session after it had already advanced
past them, with the horizon it had reached (see `DuetSession`), so even those re-score
identically.

No clocks here: `created` is whatever timestamp text the caller passes in.
"""

from __future__ import annotations

import gzip
import json
import math
import os
import zlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from duet_drums.core.atomic import atomic_write_bytes
from duet_drums.core.chart import MAX_SONG_SECONDS, Chart, chart_hash
from duet_drums.core.hits import Hit, HitSource
from duet_drums.core.jsonfile import JsonProblem, decode_json, format_path
from duet_drums.core.kit import Piece
from duet_drums.core.result import Result
from duet_drums.core.rules import RULE_FIELDS, Rules, StrictnessPreset, rules_for
from duet_drums.core.safe_read import FileReadError, describe_size, read_bounded
from duet_drums.core.session import DuetSession, PlayerSetup

REPLAY_FORMAT: Literal[2] = 2
READABLE_FORMATS = (1, 2)
# A song's replay is about 100 KB of JSON; two hours of 20 hits a second stay under 8 MB.
MAX_REPLAY_BYTES = 32 << 20
_MAX_SHOWN_PROBLEMS = 20
# Horizons are finite in the file (JSON has no infinity); anything past the song works.
_MAX_HORIZON = 1e300

CompactHit = tuple[int, Piece, float, int | None, HitSource]

# What every format-1 replay was scored under. Written out in full on purpose: these must
# not follow the defaults in `core.rules` when those change.
ROUND_ONE_BASE = Rules(
    perfect=0.025, great=0.050, good=0.090, miss=0.135, sync_full=0.010, sync_none=0.050,
    strictness="standard", points=(100, 70, 40, 0), accuracy_weights=(1.0, 0.75, 0.5, 0.0),
    combo_per_multiplier_step=10, max_multiplier=4, dynamics_bonus=20,
    accent_hit_min_velocity=100, ghost_hit_max_velocity=60,
    duet_streak=4, duet_min_credit=0.5, duet_bonus=50,
)
ROUND_ONE_PRESETS: dict[str, StrictnessPreset] = {
    "relaxed": StrictnessPreset(1.4, 0.020, 0.080),
    "standard": StrictnessPreset(1.0, 0.010, 0.050),
    "strict": StrictnessPreset(0.7, 0.005, 0.030),
}


def round_one_rules(strictness: str) -> Rules:
    return rules_for(strictness, ROUND_ONE_BASE, ROUND_ONE_PRESETS)


class ReplayError(Exception):
    """A replay that cannot be read or re-scored; `str()` names the file and the place."""

    def __init__(self, file: str, message: str):
        self.file = file
        super().__init__(f"{file}: {message}")


class ReplayPlayer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    part: str
    difficulty: str
    layout: str = "5-lane"
    name: str = ""

    def setup(self) -> PlayerSetup:
        return PlayerSetup(self.part, self.difficulty, self.layout, self.name)


class Replay(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal[1, 2] = REPLAY_FORMAT
    chart_id: str
    chart_hash: str
    players: list[ReplayPlayer] = Field(min_length=2, max_length=2)
    strictness: str = "standard"
    # Format 2: the rules it was scored under, every field written out. Format 1: absent.
    rules: Rules | None = None
    calibration: dict[str, Any] = Field(default_factory=dict)
    created: str = ""
    hits: list[CompactHit] = Field(default_factory=list)
    late: list[tuple[int, float]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _rules_match_the_format(cls, data: Any) -> Any:
        """Format 2 must spell out every rule (a missing one would silently take today's
        default); format 1 has none to spell out."""
        if not isinstance(data, dict):
            return data
        rules = data.get("rules")
        if data.get("format", REPLAY_FORMAT) == 1:
            if rules is not None:
                raise ValueError("rules: format 1 replays carry no rules (format 2 does)")
        elif isinstance(rules, Rules):
            pass
        elif not isinstance(rules, dict):
            raise ValueError("rules: missing (a format 2 replay carries the rules it was scored under)")
        else:
            missing = [name for name in RULE_FIELDS if name not in rules]
            if missing:
                raise ValueError(f"rules: missing {', '.join(missing)}")
        return data

    @model_validator(mode="after")
    def _one_strictness(self) -> Replay:
        if self.rules is not None and self.rules.strictness != self.strictness:
            raise ValueError(f"strictness: {self.strictness!r}, but rules.strictness is "
                             f"{self.rules.strictness!r}")
        return self

    def scoring_rules(self) -> Rules:
        """The rules to re-score under: the replay's own, or round one's for format 1."""
        return self.rules if self.rules is not None else round_one_rules(self.strictness)

    def hit_objects(self) -> list[Hit]:
        return [Hit(p, piece, t, v, src) for p, piece, t, v, src in self.hits]


def replay_from_session(session: DuetSession, chart_id: str, created: str = "",
                        calibration: dict[str, Any] | None = None) -> Replay:
    return Replay(
        chart_id=chart_id,
        chart_hash=chart_hash(session.chart),
        players=[ReplayPlayer(part=s.part, difficulty=s.difficulty, layout=s.layout, name=s.name)
                 for s in session.players],
        strictness=session.rules.strictness,
        rules=session.rules,
        calibration=dict(calibration or {}),
        created=created,
        hits=[(h.player, h.piece, h.t, h.velocity, h.source) for h in session.hits],
        late=[(i, min(h, _MAX_HORIZON)) for i, h in session.late_horizons],
    )


def replay_to_json(replay: Replay) -> str:
    return json.dumps(replay.model_dump(mode="json"), separators=(",", ":"), allow_nan=False)


def save_replay(replay: Replay, path: str | os.PathLike[str]) -> None:
    """Atomic; gzip-compressed when the name ends in .gz (a song is ~100 KB of JSON)."""
    data = replay_to_json(replay).encode("utf-8")
    if str(path).endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    atomic_write_bytes(path, data)


def _hit_time_problem(replay: Replay) -> str | None:
    """A hit no song can contain (t=1e308 would re-score as an overhit worth nothing but
    still says the file is not a recording of a game)."""
    for i, (_, _, t, _, _) in enumerate(replay.hits):
        if not -MAX_SONG_SECONDS <= t <= MAX_SONG_SECONDS:
            return (f"hits[{i}][2]: a hit at {t!r} s is outside any song (a chart lasts at most "
                    f"{MAX_SONG_SECONDS} s); this is not a recording of a game")
    return None


def parse_replay(data: Any, file: str = "<replay>") -> Replay:
    """Validate decoded replay data; raises ReplayError naming `file` and the place."""
    if not isinstance(data, dict):
        raise ReplayError(file, "a replay must be a JSON object")
    if "format" not in data:
        raise ReplayError(file, f"format: missing replay format version (this game reads {REPLAY_FORMAT})")
    if data["format"] not in READABLE_FORMATS:
        raise ReplayError(file, f"format: unsupported replay format {data['format']!r}; "
                                f"this game reads formats {', '.join(map(str, READABLE_FORMATS))}")
    try:
        replay = Replay.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors()[:_MAX_SHOWN_PROBLEMS]:
            shown = "" if isinstance(err.get("input"), (dict, list)) else f" (got {err.get('input')!r:.60})"
            where = format_path(tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            lines.append(f"{where}: {msg}{shown}" if where else f"{msg}{shown}")
        if exc.error_count() > _MAX_SHOWN_PROBLEMS:
            lines.append(f"... and {exc.error_count() - _MAX_SHOWN_PROBLEMS:,} more problems")
        raise ReplayError(file, "; ".join(lines)) from None
    problem = _hit_time_problem(replay)
    if problem:
        raise ReplayError(file, problem)
    return replay


def _gunzip(raw: bytes, file: str) -> bytes:
    """Decompress at most MAX_REPLAY_BYTES: a small .gz can expand to gigabytes."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(raw, MAX_REPLAY_BYTES + 1)
    except zlib.error as exc:
        raise ReplayError(file, f"corrupt gzip data: {exc}") from None
    if len(data) > MAX_REPLAY_BYTES:
        raise ReplayError(file, f"too large: more than {describe_size(MAX_REPLAY_BYTES)} once "
                                "decompressed")
    if not inflater.eof:
        raise ReplayError(file, "corrupt gzip data: the file ends too early (truncated)")
    return data


def load_replay(path: str | os.PathLike[str]) -> Replay:
    """Read a replay file (.gz or plain JSON); at most MAX_REPLAY_BYTES, regular files
    only, every failure a ReplayError naming the file and the place."""
    file = str(path)
    try:
        raw = read_bounded(path, MAX_REPLAY_BYTES)
    except FileReadError as exc:
        raise ReplayError(file, exc.reason) from None
    if raw[:2] == b"\x1f\x8b":
        raw = _gunzip(raw, file)
    try:
        data = decode_json(raw)
    except JsonProblem as exc:
        raise ReplayError(file, str(exc)) from None
    return parse_replay(data, file)


def rescore(replay: Replay, chart: Chart, *, force: bool = False, file: str | None = None) -> Result:
    """Re-run the recorded hit stream through a fresh session. `file` names the replay in
    error messages."""
    return replay_session(replay, chart, force=force, file=file).finish()


def replay_session(replay: Replay, chart: Chart, *, force: bool = False,
                   file: str | None = None) -> DuetSession:
    """The finished session a replay re-plays to (what `rescore` reads its Result from),
    for whoever needs more than the Result: the duo coach reads its note arrays."""
    name = file or f"replay of {replay.chart_id}"
    actual = chart_hash(chart)
    if actual != replay.chart_hash and not force:
        raise ReplayError(
            name,
            f"chart_hash: recorded on chart {replay.chart_id!r} with hash {replay.chart_hash}, but "
            f"{chart.metadata.title!r} now has hash {actual} (the chart was edited); "
            "re-scoring would not reproduce the original result — use --force to re-score anyway",
        )
    try:
        session = DuetSession(chart, [p.setup() for p in replay.players], replay.scoring_rules())
    except ValueError as exc:
        raise ReplayError(name, str(exc)) from None
    late = dict(replay.late)
    for i, hit in enumerate(replay.hit_objects()):
        horizon = late.get(i)
        if horizon is not None and math.isfinite(horizon):
            session.advance_player(hit.player, horizon)
        try:
            session.hit(hit)
        except ValueError as exc:
            raise ReplayError(name, f"hits[{i}]: {exc}") from None
    session.finish()
    return session
