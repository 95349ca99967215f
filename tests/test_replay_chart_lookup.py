"""Which chart `rescore` and `coach` re-play a replay on: the player's own charts (the
user charts folder) are found by the replay's chart id as the bundled ones are, and a
community song is named with `--chart` as its folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duet_drums.app.catalog import user_charts_dir
from duet_drums.cli import main
from duet_drums.core.autoplay import bot_hits
from duet_drums.core.chart import chart_id, load_chart, save_chart
from duet_drums.core.replay import replay_from_session, save_replay
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.formats import load_song
from tests.engine_support import groove_chart
from tests.library_support import SONGS, write_song


def _played(chart_path: Path, chart_key: str, parts: list[tuple[str, str]],
            replay: Path) -> dict[str, object]:
    """Two bots play; the replay is saved; the Result as JSON."""
    chart = load_chart(chart_path) if chart_path.suffix == ".json" else load_song(chart_path).chart
    session = DuetSession(chart, [PlayerSetup(p, d) for p, d in parts])
    hits = [h for p in (0, 1) for h in bot_hits(session.tracks[p], p, sigma=0.012, seed=3 + p)]
    for hit in sorted(hits, key=lambda h: (h.t, h.player)):
        session.hit(hit)
    result = session.finish()
    save_replay(replay_from_session(session, chart_key), replay)
    return result.model_dump(mode="json")


def test_a_replay_of_the_players_own_chart_rescores_and_coaches_by_its_id(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = user_charts_dir() / "groove.json"
    mine.parent.mkdir(parents=True)
    chart = groove_chart(bars=16)
    save_chart(chart, mine)
    replay = tmp_path / "take.json"
    expected = _played(mine, chart_id(chart, mine), [("lead", "expert"), ("partner", "expert")], replay)
    assert main(["rescore", str(replay)]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert main(["coach", str(replay), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["pair"]["unisons"] > 0


def test_a_replay_of_a_community_song_takes_its_folder_as_the_chart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "Songs" / "Killer Queen"
    write_song(folder, next(m for m in SONGS if m.title == "Killer Queen"))
    replay = tmp_path / "take.json"
    expected = _played(folder, "killer-queen", [("drums", "expert"), ("drums", "hard")], replay)
    assert main(["rescore", str(replay)]) == 1
    err = capsys.readouterr().err
    assert str(replay) in err and "pass --chart" in err
    assert main(["rescore", str(replay), "--chart", str(folder)]) == 0
    assert json.loads(capsys.readouterr().out) == expected
