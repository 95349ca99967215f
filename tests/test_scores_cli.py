"""`duet-drums scores`: the tables outside the game, and a stored replay exported to a file
that `duet-drums rescore` turns back into the identical result."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import save_chart
from duet_drums.core.replay import replay_from_session, replay_to_json
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.storage.scores import ScoreDB, ScoreEntry
from tests.engine_support import groove_chart


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          timeout=60)


def test_tables_list_and_an_exported_replay_rescoring_identically(tmp_path: Path) -> None:
    chart = groove_chart(bars=8)
    chart_file = tmp_path / "groove.json"
    save_chart(chart, chart_file)
    session = DuetSession(chart, [PlayerSetup("lead", "expert", name="Ann"),
                                  PlayerSetup("partner", "expert", name="Bob")])
    hits = sorted(bot_hits(session.tracks[0], 0, sigma=0.012, seed=3)
                  + bot_hits(session.tracks[1], 1, sigma=0.02, seed=4), key=lambda h: h.t)
    for hit in hits:
        session.hit(hit)
    result = session.finish()
    blob = gzip.compress(replay_to_json(replay_from_session(session, "groove")).encode())
    db = ScoreDB()
    for p, name in ((0, "Ann"), (1, "Bob")):
        pr = result.players[p]
        db.save(ScoreEntry("groove", pr.part, pr.difficulty, name, pr.score, pr.accuracy,
                           max_combo=pr.max_combo, sync_percent=result.sync.sync_percent),
                replay=blob if p == 0 else None)
    db.close()

    listing = _run("scores", "groove")
    assert listing.returncode == 0, listing.stderr
    assert "groove  lead / expert" in listing.stdout and "groove  partner / expert" in listing.stdout
    ann_line = next(line for line in listing.stdout.splitlines() if "Ann" in line)
    assert f"{result.players[0].score:,}" in ann_line and "replay #" in ann_line
    row_id = ann_line.rsplit("replay #", 1)[1].strip()

    out = tmp_path / "ann.replay.json"
    exported = _run("scores", "--export-replay", row_id, str(out))
    assert exported.returncode == 0, exported.stderr
    rescored = _run("rescore", str(out), "--chart", str(chart_file))
    assert rescored.returncode == 0, rescored.stderr
    assert json.loads(rescored.stdout) == json.loads(result.model_dump_json())

    missing = _run("scores", "--export-replay", "999", str(tmp_path / "x.json"))
    assert missing.returncode == 1 and "no replay stored for score #999" in missing.stderr
