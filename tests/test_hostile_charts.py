"""Hostile chart files (the probe's findings 1 and 2): each becomes a ChartError naming
the file and the place, and the game, `list`, `validate` and the scan go on with the
others. Nothing here may hang or exhaust memory: a FIFO, /dev/zero or a 100 MB file
are refused before they are read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from duet_drums.app.catalog import scan
from duet_drums.core.chart import MAX_CHART_BYTES, ChartError, load_chart, parse_chart
from duet_drums.core.safe_read import FileReadError, read_bounded
from tests.chart_factory import minimal_chart_data
from tests.conftest import CHARTS

ROOT = Path(__file__).resolve().parents[1]


def _medley() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CHARTS / "summit-medley.json").read_text())
    return data


def _run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "duet_drums", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


def _problem(path: Path) -> str:
    with pytest.raises(ChartError) as info:
        load_chart(path)
    message = str(info.value)
    assert message.startswith(f"{path}: "), message
    assert "Traceback" not in message
    return message


def _hostile_folder(folder: Path) -> dict[str, str]:
    """Every hostile kind the probe tried, and the words its message must hold."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    (folder / "nested.json").write_text("[" * 100_000)
    expected["nested.json"] = "line 1 column 65: nested more than 64 levels deep"

    big_tick = _medley()
    big_tick["metadata"]["id"] = "big-tick"
    big_tick["parts"]["lead"]["easy"][0]["tick"] = 10**400
    (folder / "big-tick.json").write_text(json.dumps(big_tick))
    expected["big-tick.json"] = "parts.lead.easy[0].tick: a 401-digit number is out of range"

    slow = _medley()
    slow["metadata"]["id"] = "slow"
    slow["tempo"] = [{"tick": 0, "bpm": 1e-300}, {"tick": 10_000_000, "bpm": 120}]
    (folder / "slow.json").write_text(json.dumps(slow))
    expected["slow.json"] = "tempo[0].bpm: BPM must be at least 0.001, got 1e-300"

    os.mkfifo(folder / "pipe.json")
    expected["pipe.json"] = "a pipe (FIFO), not a file"
    (folder / "zero.json").symlink_to("/dev/zero")
    expected["zero.json"] = "a device, not a file"
    with open(folder / "huge.json", "wb") as fh:  # sparse: 100 MB on paper, nothing on disk
        fh.truncate(100 << 20)
    expected["huge.json"] = "too large: 100.0 MB (the limit is 8.0 MB)"
    (folder / "loop.json").symlink_to("loop.json")
    expected["loop.json"] = "cannot read: Too many levels of symbolic links"
    (folder / "folder.json").mkdir()
    expected["folder.json"] = "a folder, not a file"
    return expected


def test_every_hostile_file_is_a_clear_error_and_the_scan_keeps_the_good_ones(tmp_path: Path) -> None:
    folder = tmp_path / "charts"
    expected = _hostile_folder(folder)
    (folder / "good.json").write_text(json.dumps(minimal_chart_data()))
    for name, words in expected.items():
        assert words in _problem(folder / name), name

    catalog = scan([CHARTS, folder])
    assert {e.path.name for e in catalog.charts} >= {"summit-medley.json", "good.json"}
    broken = {b.path.name: b.message for b in catalog.broken}
    assert set(broken) == set(expected)
    for name, words in expected.items():
        assert broken[name].startswith(str(folder / name)) and words in broken[name]


def test_cli_list_validate_and_play_go_on_past_hostile_user_charts(tmp_path: Path) -> None:
    user_charts = Path(os.environ["DUET_DRUMS_DATA_DIR"]) / "charts"
    expected = _hostile_folder(user_charts)

    listing = _run("list", "--dir", str(user_charts), "--json")
    assert listing.returncode == 0, listing.stderr
    rows = {Path(r["file"]).name: r for r in json.loads(listing.stdout)}
    for name, words in expected.items():
        assert words in rows[name]["error"], name

    validate = _run("validate", str(user_charts / "big-tick.json"), str(user_charts / "slow.json"))
    assert validate.returncode == 1 and "ok " not in validate.stdout
    assert f"{user_charts / 'big-tick.json'}: parts.lead.easy[0].tick: a 401-digit" in validate.stderr
    assert f"{user_charts / 'slow.json'}: tempo[0].bpm: BPM must be at least 0.001" in validate.stderr

    play = _run("play", "summit-medley", "--headless", "--autoplay")
    assert play.returncode == 0, play.stderr
    assert "Traceback" not in play.stderr
    assert json.loads(play.stdout)["chart_title"] == "Summit Medley"


@pytest.mark.parametrize(("mutate", "where", "words"), [
    (lambda d: d["parts"]["lead"]["hard"].append({"tick": 2**40, "piece": "kick"}),
     "parts.lead.hard[5].tick", "tick 1099511627776 is beyond the largest tick, 2147483647"),
    (lambda d: d["sections"].append({"tick": 2**31, "name": "Outro"}),
     "sections[1].tick", "beyond the largest tick"),
    # 1 BPM is allowed, but ten million ticks at 1 BPM are 347 hours into the song.
    (lambda d: d.update(tempo=[{"tick": 0, "bpm": 1.0}, {"tick": 10_000_000, "bpm": 120}]),
     "tempo[1].tick", "comes 1.25e+06 s into the song, but a chart may last at most 120 minutes"),
    (lambda d: d["parts"]["lead"]["expert"].append({"tick": 480 * 2 * 60 * 121, "piece": "kick"}),
     "parts.lead.expert[5].tick", "a chart may last at most 120 minutes"),
    (lambda d: d["metadata"].update(audio_offset_ms=-1e300),
     "metadata.audio_offset_ms", "-1e+300 ms is longer than a chart may last"),
    (lambda d: d["metadata"].update(preview_start_ms=float("inf")),
     "metadata.preview_start_ms", "finite number"),
])
def test_absurd_times_are_refused_with_their_place(mutate: Any, where: str, words: str) -> None:
    data = minimal_chart_data()
    mutate(data)
    with pytest.raises(ChartError) as info:
        parse_chart(data, "absurd.json")
    assert f"absurd.json: {where}: " in str(info.value) and words in str(info.value), str(info.value)


def test_a_two_hour_chart_at_sane_tempos_still_loads() -> None:
    data = minimal_chart_data()
    # 119 minutes at 120 BPM
    data["parts"]["lead"]["expert"].append({"tick": 480 * 2 * 60 * 119, "piece": "kick"})
    chart = parse_chart(data)
    assert chart.last_tick() == 480 * 2 * 60 * 119


@pytest.mark.parametrize(("text", "where", "words"), [
    ('{"format": 1, "metadata": {"title": "x", "audio_offset_ms": NaN}}', "metadata.audio_offset_ms",
     "NaN is not a number JSON allows"),
    ('{"format": 1, "tempo": [{"tick": 0, "bpm": Infinity}]}', "tempo[0].bpm", "Infinity is not a number"),
    ('{"format": 1, "tempo": [{"tick": 0, "bpm": 1e999}]}', "tempo[0].bpm", "number 1e999 is out of range"),
    ('{"format": 1, "tempo": [{"tick": ' + "9" * 5000 + ', "bpm": 120}]}', "tempo[0].tick",
     "a 5000-digit number is out of range"),
])
def test_numbers_json_should_not_hold_are_named_by_path(tmp_path: Path, text: str, where: str,
                                                        words: str) -> None:
    path = tmp_path / "numbers.json"
    path.write_text(text)
    assert f"{path}: {where}: {words}" in _problem(path)


def test_a_huge_bad_value_is_named_not_pasted_into_the_message(tmp_path: Path) -> None:
    data = minimal_chart_data()
    data["parts"]["lead"]["easy"][0]["piece"] = "x" * 1_000_000
    path = tmp_path / "long.json"
    path.write_text(json.dumps(data))
    message = _problem(path)
    assert "parts.lead.easy[0].piece: unknown piece 'xxxx" in message
    assert len(message) < 2000 and "1,000,002 characters" in message


def test_thousands_of_bad_notes_give_a_bounded_message(tmp_path: Path) -> None:
    data = minimal_chart_data()
    data["parts"]["lead"]["easy"] = [{"tick": i, "piece": "cowbell"} for i in range(5000)]
    with pytest.raises(ChartError) as info:
        parse_chart(data, "many.json")
    assert len(info.value.problems) == 41 and "... and 4,960 more problems" in str(info.value)


def test_bounded_reading_refuses_a_file_past_the_limit_and_reads_one_at_it(tmp_path: Path) -> None:
    path = tmp_path / "edge.bin"
    path.write_bytes(b"x" * 1000)
    assert read_bounded(path, 1000) == b"x" * 1000
    with pytest.raises(FileReadError, match="too large: 1,000 bytes"):
        read_bounded(path, 999)
    with pytest.raises(FileReadError) as missing:
        read_bounded(tmp_path / "nope", 10)
    assert missing.value.missing
    assert (CHARTS / "summit-medley.json").stat().st_size * 20 < MAX_CHART_BYTES
