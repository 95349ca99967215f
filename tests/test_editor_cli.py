"""The chart editor's commands: what each prints and writes, and clear refusals on bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from duet_drums.core.chart import load_chart
from duet_drums.editor.cli import main
from duet_drums.paths import charts_dir
from tests.chart_factory import minimal_chart_data

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "chart_editor.py"), *args],
                          capture_output=True, text=True, timeout=60)


def test_format_rewrites_canonically_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    path.write_text(json.dumps(minimal_chart_data()))  # one long line
    first = _run("format", str(path))
    assert first.returncode == 0 and "formatted" in first.stdout
    text = path.read_text()
    assert text.count("\n") > 20
    second = _run("format", str(path))
    assert "unchanged" in second.stdout and path.read_text() == text


def test_info_lists_sections_and_counts(tmp_path: Path) -> None:
    path = tmp_path / "song.json"
    path.write_text(json.dumps(minimal_chart_data()))
    out = _run("info", str(path))
    assert out.returncode == 0
    assert "Intro" in out.stdout and "lead" in out.stdout and "5 notes" in out.stdout


def test_broken_chart_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    data = minimal_chart_data()
    data["tempo"][0]["bpm"] = 0
    original = json.dumps(data)
    path.write_text(original)
    out = _run("format", str(path))
    assert out.returncode == 1
    assert f"{path}: tempo[0].bpm: BPM must be greater than 0" in out.stderr
    assert path.read_text() == original


# -- the editor commands, run in-process on real files --------------------------------------
def _medley(tmp_path: Path) -> Path:
    path = tmp_path / "medley.json"
    shutil.copy(charts_dir() / "summit-medley.json", path)
    return path


Capture = pytest.CaptureFixture[str]


def _main(capsys: Capture, *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_reports_each_problem_with_its_place(tmp_path: Path, capsys: Capture) -> None:
    good = _medley(tmp_path)
    data = minimal_chart_data()
    data["parts"]["lead"]["hard"] = [{"tick": 0, "piece": "kick2"}]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(data))
    code, out, _ = _main(capsys, "validate", good, odd)
    assert code == 0
    assert f"{good}: ok" in out
    assert f"{odd}: warning: lead hard tick 0: 2x kick below expert" in out
    assert _main(capsys, "validate", "--strict", odd)[0] == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    code, out, err = _main(capsys, "validate", broken)
    assert code == 1 and "invalid JSON" in err and f"{broken}: broken" in out


def test_reduce_rewrites_a_part_in_place(tmp_path: Path, capsys: Capture) -> None:
    path = _medley(tmp_path)
    code, out, _ = _main(capsys, "reduce", path, "--part", "partner")
    assert code == 0 and f"reduced partner from expert into {path}" in out and "hard keeps 100%" in out
    chart = load_chart(path)
    counts = [len(chart.notes("partner", d)) for d in ("easy", "medium", "hard", "expert")]
    assert counts == sorted(counts) and len(set(counts)) == 4
    code, _, err = _main(capsys, "reduce", path, "--part", "drums")
    assert code == 1 and "no part 'drums'; parts: lead, partner" in err


def test_partner_then_export_midi_then_import(tmp_path: Path, capsys: Capture) -> None:
    path = _medley(tmp_path)
    out_chart = tmp_path / "with-partner.json"
    code, out, _ = _main(capsys, "partner", path, "-o", out_chart)
    assert code == 0 and "replaced part 'partner'" in out and "expert 100%" in out
    mid = tmp_path / "partner-hard.mid"
    export = ("export-midi", out_chart, "--part", "partner", "--difficulty", "hard", "-o", mid)
    code, out, _ = _main(capsys, *export)
    assert code == 0 and "on channel 10" in out
    assert _main(capsys, *export)[0] == 1  # no --force: the file is kept
    back = tmp_path / "back.json"
    code, out, _ = _main(capsys, "import", mid, "-o", back, "--title", "Back", "--reduce")
    assert code == 0 and "imported General MIDI drum file" in out
    chart = load_chart(back)
    assert chart.metadata.title == "Back"
    assert chart.notes("lead", "expert") == load_chart(out_chart).notes("partner", "hard")
    assert 0 < len(chart.notes("lead", "easy")) < len(chart.notes("lead", "hard"))


def test_export_song_writes_the_folder_once(tmp_path: Path, capsys: Capture) -> None:
    path = _medley(tmp_path)
    folder = tmp_path / "Summit Medley"
    code, out, _ = _main(capsys, "export-song", path, "-o", folder)
    assert code == 0 and "lead as PART DRUMS" in out and "warning: the chart names no audio file" in out
    assert (folder / "notes.mid").is_file() and (folder / "song.ini").is_file()
    code, _, err = _main(capsys, "export-song", path, "-o", folder)
    assert code == 1 and "notes.mid exists; pass --force" in err
    assert _main(capsys, "export-song", path, "-o", folder, "--force")[0] == 0


def test_new_and_bad_input(tmp_path: Path, capsys: Capture) -> None:
    new = tmp_path / "new.json"
    code, out, _ = _main(capsys, "new", new, "--title", "Fresh", "--bpm", "97", "--time-signature", "7/8")
    assert code == 0 and "created" in out and load_chart(new).time_signatures[0].num == 7
    code, _, err = _main(capsys, "new", tmp_path / "x.json", "--title", "X", "--time-signature", "seven")
    assert code == 1 and "expected NUM/DEN" in err
    code, _, err = _main(capsys, "new", tmp_path / "y.json", "--title", "Y", "--bpm", "-3")
    assert code == 1 and "bpm: should be greater than 0" in err
    for outside in ("../take.ogg", "/etc/take.ogg"):  # the game would refuse it when played
        code, _, err = _main(capsys, "new", tmp_path / "w.json", "--title", "W", "--audio", outside)
        assert code == 1 and f"--audio: audio file {outside!r} is outside the chart's folder" in err
        assert not (tmp_path / "w.json").exists()
    code, _, _ = _main(capsys, "new", tmp_path / "w.json", "--title", "W", "--audio", "stems/take.ogg")
    assert code == 0 and load_chart(tmp_path / "w.json").metadata.audio == "stems/take.ogg"
    code, _, err = _main(capsys, "import", tmp_path / "nothing.mid", "-o", tmp_path / "z.json")
    assert code == 1 and "no such file or folder" in err
    code, _, err = _main(capsys, "import", new, "-o", tmp_path / "z.json")
    assert code == 1 and "already a Duet Drums chart" in err
    junk = tmp_path / "junk.mid"
    junk.write_bytes(b"not a midi file")
    code, _, err = _main(capsys, "import", junk, "-o", tmp_path / "z.json")
    assert code == 1 and "junk.mid: byte 8: not a readable MIDI file" in err
    assert not (tmp_path / "z.json").exists()


def test_info_shows_densities_and_the_unison_map(tmp_path: Path, capsys: Capture) -> None:
    code, out, _ = _main(capsys, "info", _medley(tmp_path))
    assert code == 0
    assert "8.10/s" in out and "unisons (partner's notes on a lead note, same difficulty)" in out
    assert "Golden — Final Chorus" in out
