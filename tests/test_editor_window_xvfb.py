"""The editor as an author uses it: the real `duet-drums-editor` process on a private X
server, real mouse clicks and key presses from xdotool. Place notes, undo, save, quit,
reopen, and compare with what was meant."""

from __future__ import annotations

from pathlib import Path

import pytest

from duet_drums.core.chart import Section, load_chart, save_chart
from tests.editor_support import chart_with
from tests.support import xvfb
from tests.support.editor_process import EditorProcess

pytestmark = pytest.mark.xvfb
xvfb_display = xvfb.xvfb_display


def test_place_notes_undo_save_and_reopen(xvfb_display: str, tmp_path: Path) -> None:
    chart = tmp_path / "duet.json"
    save_chart(chart_with([], partner=[], sections=[Section(tick=0, name="Intro")]), chart)
    with EditorProcess(xvfb_display, chart, tmp_path) as ed:
        ready = next(e for e in ed.events if e["event"] == "ready")
        assert ready["lanes"] == ["kick", "red", "yellow", "blue", "green"]
        x, y = ready["lanes_x"], {int(k): v for k, v in ready["tick_y"].items()}
        ed.click(x[1], y[480] + 3)  # red, a few pixels off the beat: snapped onto it
        ed.wait_for("action", notes=1)
        ed.click(x[2], y[960])  # yellow
        ed.wait_for("action", notes=2)
        ed.click(x[0], y[0])  # the kick
        ed.wait_for("action", notes=3, cursor=0)
        ed.keys("ctrl+z")  # the kick goes again
        ed.wait_for("action", notes=2, message="undid kick at tick 0")
        ed.keys("Up", "Up", "Up", "Up")  # keys mode: the cursor to beat 2 ...
        ed.wait_for("action", cursor=480)
        ed.keys("4")  # ... and the blue lane there
        ed.wait_for("action", notes=3)
        ed.keys("a")  # accent the chord at the cursor
        ed.wait_for("action", message="accent (2 notes)")
        ed.keys("ctrl+s")
        ed.wait_for("saved", notes=3)
        ed.keys("ctrl+q")
        assert ed.wait_exit() == 0
        ed.wait_for("closed")
    saved = load_chart(chart)
    notes = [(n.tick, n.piece.value, n.velocity) for n in saved.notes("lead", "expert")]
    assert notes == [(480, "snare", 120), (480, "tom2", 120), (960, "hihat", None)]
    assert saved.notes("partner", "expert") == [] and [s.name for s in saved.sections] == ["Intro"]
    assert not list(tmp_path.glob("*.autosave"))

    with EditorProcess(xvfb_display, chart, tmp_path) as again:
        opened = again.events[0]
        assert opened["event"] == "opened" and opened["notes"] == 3  # before the window is ready
        assert not any(e["event"].startswith("recovery") for e in again.events)  # it closed cleanly
        again.keys("ctrl+q")
        assert again.wait_exit() == 0
    assert load_chart(chart) == saved
