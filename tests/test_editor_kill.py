"""The editor process killed with SIGKILL in the middle of a session: what was autosaved
survives, and the next start offers it back.

The autosave interval is made short for the test with the documented option
(`--autosave-interval`; `DUET_DRUMS_EDITOR_AUTOSAVE_S` does the same), so "at most the
last interval of edits is lost" can be shown in seconds instead of minutes. Whether an
edit was old enough to be saved is judged with the editor's own report of when it
autosaved, not with a wall-clock guess.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from duet_drums.core.chart import load_chart, save_chart
from duet_drums.editor.autosave import autosave_path
from tests.editor_support import chart_with
from tests.support import xvfb
from tests.support.editor_process import EditorProcess

pytestmark = pytest.mark.xvfb
xvfb_display = xvfb.xvfb_display
INTERVAL_S = 1.0


def lead_notes(path: Path) -> list[tuple[int, str]]:
    return [(n.tick, n.piece.value) for n in load_chart(path).notes("lead", "expert")]


def test_sigkill_loses_at_most_the_edits_after_the_last_autosave_and_recovery_is_offered(
        xvfb_display: str, tmp_path: Path) -> None:
    chart = tmp_path / "song.json"
    save_chart(chart_with([], partner=[]), chart)
    side = autosave_path(chart, tmp_path / "data")
    with EditorProcess(xvfb_display, chart, tmp_path, "--autosave-interval", str(INTERVAL_S)) as ed:
        # Batch A: three notes, then wait until the editor says it autosaved all three.
        ed.keys("1", "Up", "Up", "2", "Up", "Up", "3")
        ed.wait_for("action", notes=3)
        saved_a = ed.wait_for("autosaved", notes=3)
        # Batch B, then the kill straight away: younger than the interval, so it may be lost.
        ed.keys("Up", "Up", "4")
        last_edit = ed.wait_for("action", notes=4)
        killed_at = time.monotonic()
        ed.kill()
    autosaves = [e for e in ed.events if e["event"] == "autosaved"]
    edits = [e for e in ed.events if e["event"] == "action" and e["depth"] > 0]
    last_save = autosaves[-1]
    kept = [e for e in edits if e["t"] <= last_save["t"]]
    # Every edit the editor made before its last autosave is in the side file; only the
    # ones after it (younger than one interval when the process died) are lost.
    assert last_save["notes"] == max(e["notes"] for e in kept) >= saved_a["notes"] == 3
    written = [(0, "kick"), (240, "snare"), (480, "hihat"), (720, "tom2")]
    assert lead_notes(side) == written[:last_save["notes"]]
    assert last_edit["t"] <= killed_at
    assert lead_notes(chart) == []  # never saved: the chart file itself is untouched
    recoverable = lead_notes(side)

    with EditorProcess(xvfb_display, chart, tmp_path, "--autosave-interval", str(INTERVAL_S)) as again:
        offer = again.wait_for("recovery-offered")
        assert offer["autosave"] == str(side)
        again.keys("Return")  # Recover
        again.wait_for("recovered", notes=len(recoverable))
        again.keys("ctrl+s")
        again.wait_for("saved", notes=len(recoverable))
        again.keys("ctrl+q")
        assert again.wait_exit() == 0
    assert lead_notes(chart) == recoverable
    assert not side.exists()  # saved: the side file is gone
