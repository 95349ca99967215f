"""The process the kill test kills: it saves every kind of file the game and the editor
write, over and over, through their own save functions, until it is killed.

`python -m tests.support.save_loop FOLDER FIRST` saves version FIRST, FIRST+1, ... of each
kind in turn and prints "<kind> <version>" after each save returns, so the test knows
which version each file must at least hold. Every version's content follows from its
number alone (`expected_*`), so the test can tell a whole file from a torn one. The kinds:

- settings (TOML), a chart, a replay: `atomic_write_*` through the game's save functions;
- score: a row with its replay in the score database (one SQLite transaction);
- editor save: the editor's save of its session (`editor.session.save`), which also
  clears the chart's autosave side file;
- editor autosave: the side file (`editor.autosave.write_autosave`);
- editor session: the marker the editor writes on open to offer recovery after a crash;
- library cache: a scan's update of the library cache (rows added and removed in one
  SQLite transaction);
- pair history: a song's coach report in the pair history table (the score database's
  file, through its own connection, as the game does);
- pending: a run kept in a pending file when the score database is locked (a new file
  each time);
- audio cache: an entry of the decoded-audio cache (`.npz`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from duet_drums.audio.audio_cache import AudioCache
from duet_drums.core.chart import Chart, chart_to_json, parse_chart, save_chart
from duet_drums.core.coach_models import CoachReport
from duet_drums.core.replay import Replay, ReplayPlayer, replay_to_json, save_replay
from duet_drums.core.rules import rules_for
from duet_drums.editor import autosave
from duet_drums.editor import session as editor_session
from duet_drums.library.cache import Entry, LibraryCache
from duet_drums.settings import Settings, save_settings
from duet_drums.storage.pair_history import PairHistoryDB
from duet_drums.storage.pending import write_pending
from duet_drums.storage.scores import ScoreDB, ScoreEntry
from tests.chart_factory import minimal_chart_data

KINDS = ("settings", "chart", "replay", "score", "editor_save", "editor_autosave", "editor_session",
         "library_cache", "pair_history", "pending", "audio_cache")
# The kinds that are one file replaced whole (a temp file renamed over it).
FILE_KINDS = ("settings", "chart", "replay", "editor_save", "editor_autosave", "editor_session",
              "audio_cache")
LIBRARY_ROOT = "/songs"
LIBRARY_FOLDERS = 25
AUDIO_KEY = "0" * 40
REPORT_FILE = "report.json"  # the coach report the pair history stores, written by the test


def paths(folder: Path) -> dict[str, Path]:
    return {"settings": folder / "settings.toml", "chart": folder / "song.json",
            "replay": folder / "take.replay.json.gz", "score": folder / "scores.sqlite3",
            "editor_save": folder / "edit.json", "editor_autosave": folder / "draft.json.autosave",
            "editor_session": folder / "data" / "editor" / autosave.SESSION_FILE,
            "library_cache": folder / "library.sqlite3", "pair_history": folder / "scores.sqlite3",
            "pending": folder / "pending", "audio_cache": folder / "audio" / f"{AUDIO_KEY}.npz"}


def expected_settings(version: int) -> Settings:
    s = Settings()
    s.players[0].name = f"v{version}"
    s.calibration.input_offsets_ms = {f"kit {k}": float(k) for k in range(version % 40)}
    return s


def expected_chart(version: int, title: str = "v") -> Chart:
    data = minimal_chart_data()
    data["metadata"]["title"] = f"{title}{version}"
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


def expected_chart_text(version: int, title: str = "v") -> str:
    return chart_to_json(expected_chart(version, title))


def expected_replay_text(version: int) -> str:
    return replay_to_json(expected_replay(version))


def expected_session_chart(folder: Path, version: int) -> Path:
    return (folder / f"open-{version}.json").resolve()


def expected_library(version: int) -> dict[str, tuple[str, Entry]]:
    """Version v caches folders song0 .. song(v % 25), each with v's signature."""
    return {f"song{k}": (f"v{version}", {"skipped": f"v{version} folder {k}"})
            for k in range(version % LIBRARY_FOLDERS + 1)}


def expected_audio(version: int) -> np.ndarray:
    """(n, 4) samples whose length tells consecutive versions apart."""
    x = np.zeros((100 + version % 97, 4), np.float32)
    x[:, 0] = (version % 1000) / 1000.0
    return x


def expected_entries(version: int) -> list[ScoreEntry]:
    return [ScoreEntry("song", "lead", "expert", f"v{version}", version, 90.0)]


def main(folder: Path, first: int) -> None:
    files = paths(folder)
    db = ScoreDB(files["score"])
    history = PairHistoryDB(files["pair_history"])
    report = CoachReport.model_validate_json((folder / REPORT_FILE).read_text())
    cache = LibraryCache(files["library_cache"])
    audio = AudioCache(files["audio_cache"].parent, cap_bytes=1 << 20)
    data_dir = folder / "data"
    print("ready", flush=True)
    version = first
    while True:
        assert save_settings(expected_settings(version), files["settings"]) is None
        print(f"settings {version}", flush=True)
        save_chart(expected_chart(version), files["chart"])
        print(f"chart {version}", flush=True)
        save_replay(expected_replay(version), files["replay"])
        print(f"replay {version}", flush=True)
        outcome = db.save(expected_entries(version)[0], replay=expected_replay_text(version).encode())
        assert outcome.stored == "database", outcome.notice
        print(f"score {version}", flush=True)

        edited = editor_session.start(expected_chart(version, "edit v"), files["editor_save"], saved=False)
        editor_session.save(edited, None, data_dir)
        print(f"editor_save {version}", flush=True)
        autosave.write_autosave(expected_chart(version, "draft v"), folder / "draft.json", data_dir)
        print(f"editor_autosave {version}", flush=True)
        assert autosave.begin_session(data_dir, expected_session_chart(folder, version)) is None
        print(f"editor_session {version}", flush=True)

        gone = [f"song{k}" for k in range(version % LIBRARY_FOLDERS + 1, LIBRARY_FOLDERS)]
        cache.update(LIBRARY_ROOT, expected_library(version), gone)
        assert not cache.notices, cache.notices
        print(f"library_cache {version}", flush=True)
        history.record(("Ana", "Bo"), f"v{version}", report, played_at=float(version))
        print(f"pair_history {version}", flush=True)
        write_pending(files["pending"], expected_entries(version), expected_replay_text(version).encode(),
                      float(version))
        print(f"pending {version}", flush=True)
        assert audio.store(AUDIO_KEY, expected_audio(version))
        print(f"audio_cache {version}", flush=True)
        version += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]))
