"""The process the kill test kills: it saves settings, a chart, a replay and a score, over
and over, through the game's own save functions, until it is killed.

`python -m tests.support.save_loop FOLDER FIRST` saves version FIRST, FIRST+1, ... of each
kind in turn and prints "<kind> <version>" after each save returns, so the test knows
which version each file must at least hold. Every version's content follows from its
number alone (`expected_*`), so the test can tell a whole file from a torn one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from duet_drums.core.chart import Chart, chart_to_json, parse_chart, save_chart
from duet_drums.core.replay import Replay, ReplayPlayer, replay_to_json, save_replay
from duet_drums.core.rules import rules_for
from duet_drums.settings import Settings, save_settings
from duet_drums.storage.scores import ScoreDB, ScoreEntry
from tests.chart_factory import minimal_chart_data

KINDS = ("settings", "chart", "replay", "score")


def paths(folder: Path) -> dict[str, Path]:
    return {"settings": folder / "settings.toml", "chart": folder / "song.json",
            "replay": folder / "take.replay.json.gz", "score": folder / "scores.sqlite3"}


def expected_settings(version: int) -> Settings:
    s = Settings()
    s.players[0].name = f"v{version}"
    s.calibration.input_offsets_ms = {f"kit {k}": float(k) for k in range(version % 40)}
    return s


def expected_chart(version: int) -> Chart:
    data = minimal_chart_data()
    data["metadata"]["title"] = f"v{version}"
    # Lengths vary with the version, so a torn write cannot pass for a whole one.
    extra = [{"tick": 2000 + 240 * k, "piece": "hihat"} for k in range(version % 60)]
    data["parts"]["lead"]["expert"] += extra
    return parse_chart(data)


def expected_replay(version: int) -> Replay:
    hits = [(k % 2, "snare", 0.25 * k, 100, "keyboard") for k in range(version % 70)]
    return Replay.model_validate({
        "chart_id": "song", "chart_hash": "0" * 16, "created": f"v{version}", "hits": hits,
        "rules": rules_for("standard"),
        "players": [ReplayPlayer(part="lead", difficulty="expert"),
                    ReplayPlayer(part="partner", difficulty="easy")]})


def expected_chart_text(version: int) -> str:
    return chart_to_json(expected_chart(version))


def expected_replay_text(version: int) -> str:
    return replay_to_json(expected_replay(version))


def main(folder: Path, first: int) -> None:
    files = paths(folder)
    db = ScoreDB(files["score"])
    print("ready", flush=True)
    version = first
    while True:
        assert save_settings(expected_settings(version), files["settings"]) is None
        print(f"settings {version}", flush=True)
        save_chart(expected_chart(version), files["chart"])
        print(f"chart {version}", flush=True)
        save_replay(expected_replay(version), files["replay"])
        print(f"replay {version}", flush=True)
        outcome = db.save(ScoreEntry("song", "lead", "expert", f"v{version}", version, 90.0),
                          replay=expected_replay_text(version).encode())
        assert outcome.stored == "database", outcome.notice
        print(f"score {version}", flush=True)
        version += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
