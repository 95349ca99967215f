"""New charts, save/open, autosave side files and crash recovery, on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from duet_drums.core.chart import DIFFICULTIES, Chart, load_chart
from duet_drums.core.kit import Piece
from duet_drums.editor import autosave, edits
from duet_drums.editor.files import new_chart, open_chart, save, slug
from duet_drums.editor.rebuild import EditError


def test_new_chart_from_the_template_loads_in_the_game(tmp_path: Path) -> None:
    chart = new_chart("Golden Hour!", artist="Us", bpm=96.5, num=6, den=8, audio="take.ogg", charter="me")
    assert chart.metadata.id == "golden-hour" and chart.metadata.audio == "take.ogg"
    assert (chart.tempo[0].bpm, chart.time_signatures[0].num, chart.time_signatures[0].den) == (96.5, 6, 8)
    assert list(chart.parts) == ["lead", "partner"]
    assert all(chart.notes(p, d) == [] for p in chart.parts for d in DIFFICULTIES)
    path = save(chart, tmp_path / "new.json")
    assert load_chart(path) == chart == open_chart(path)
    assert slug("!!!") is None


@pytest.mark.parametrize(("kw", "message"), [
    ({"bpm": 0}, "bpm: should be greater than 0"),
    ({"den": 5}, "denominator 5 is not a power of two"),
    ({"parts": ()}, "at least one part"),
])
def test_new_chart_refuses_bad_settings(kw: dict[str, object], message: str) -> None:
    with pytest.raises(EditError, match=message):
        new_chart("Song", **kw)  # type: ignore[arg-type]


def test_new_chart_needs_a_title() -> None:
    with pytest.raises(EditError, match="title"):
        new_chart("")


def _edited(chart_path: Path) -> tuple[Chart, Chart]:
    chart = new_chart("Song")
    save(chart, chart_path)
    return chart, edits.add_note(chart, "lead", "expert", 0, Piece.KICK)


def test_autosave_side_file_and_recovery(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "songs" / "song.json"
    _, changed = _edited(path)
    assert autosave.find_recovery(path, data) is None
    side = autosave.write_autosave(changed, path, data)
    assert side == path.with_name("song.json.autosave") and not side.name.endswith(".json")
    offer = autosave.find_recovery(path, data)
    assert offer is not None and offer.chart == changed and offer.autosave == side
    # The author saved after the last autosave: nothing to offer.
    save(changed, path)
    assert autosave.find_recovery(path, data) is None
    autosave.discard_autosave(path, data)
    assert not side.exists()
    autosave.discard_autosave(path, data)  # twice is fine


def test_a_broken_autosave_is_reported_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    _edited(path)
    side = autosave.autosave_path(path, tmp_path)
    side.write_text("{not json")
    offer = autosave.find_recovery(path, tmp_path)
    assert offer is not None and offer.chart is None and "invalid JSON" in str(offer.error)
    assert side.exists()


def test_an_unsaved_new_chart_autosaves_into_the_data_folder(tmp_path: Path) -> None:
    chart = edits.add_note(new_chart("Draft"), "lead", "expert", 0, Piece.SNARE)
    side = autosave.write_autosave(chart, None, tmp_path)
    assert side.parent == tmp_path / "editor"
    offer = autosave.find_recovery(None, tmp_path)
    assert offer is not None and offer.chart == chart and offer.chart_path is None


def test_crashed_session_offers_recovery_and_a_clean_exit_does_not(tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = tmp_path / "song.json"
    _, changed = _edited(path)
    assert autosave.crashed_session(data) is None
    autosave.begin_session(data, path)
    autosave.write_autosave(changed, path, data)
    # ... the process is killed here; the next start finds the session file:
    offer = autosave.crashed_session(data)
    assert offer is not None and offer.chart == changed and offer.chart_path == path.resolve()
    autosave.end_session(data)
    assert autosave.crashed_session(data) is None
    (data / "editor" / autosave.SESSION_FILE).write_text(json.dumps(["garbage"]))
    assert autosave.crashed_session(data) is None


def test_autosave_is_due_every_minute_with_unsaved_changes() -> None:
    assert autosave.autosave_due(now_s=160.0, last_autosave_s=100.0, dirty=True)
    assert not autosave.autosave_due(now_s=159.0, last_autosave_s=100.0, dirty=True)
    assert not autosave.autosave_due(now_s=500.0, last_autosave_s=100.0, dirty=False)
