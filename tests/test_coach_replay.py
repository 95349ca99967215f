"""Every statistic and message re-computes identically from a saved replay, and the
`duet-drums coach` command prints that report."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duet_drums.cli import main
from duet_drums.core.chart import chart_id, save_chart
from duet_drums.core.coach import coach_session
from duet_drums.core.coach_live import LiveCoach
from duet_drums.core.ensemble import Musician, TempoDrift
from duet_drums.core.kit import Piece
from duet_drums.core.replay import load_replay, replay_from_session, replay_session, save_replay
from tests.coach_support import bar_time, drift_chart, medley, play
from tests.engine_support import EXPERT_PAIR, charts, feed, merged

RAMP = TempoDrift(bar_time(8), bar_time(10), 4.0)
SCENARIOS = {
    "snare": (Musician(miss_rate=0.02),
              Musician(piece_offsets={Piece.SNARE: 0.015}, velocity_from_chart=False)),
    "follow": (Musician(click_gain=0.3, timer_sigma=0.006),
               Musician(partner_gain=0.5, timer_sigma=0.006, sigma=0.014, miss_rate=0.03)),
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_the_report_recomputes_identically_from_a_saved_replay(tmp_path, name, suffix):
    chart = medley()
    session = play(chart, SCENARIOS[name], seed=11)
    original = coach_session(session)
    assert original.messages  # something to compare beyond zeros
    path = tmp_path / f"take{suffix}"
    save_replay(replay_from_session(session, "summit-medley", "2024-01-01T00:00:00"), path)
    again = coach_session(replay_session(load_replay(path), chart))
    assert again == original
    assert again.model_dump_json() == original.model_dump_json()


def test_a_drift_report_recomputes_identically(tmp_path):
    chart = drift_chart()
    session = play(chart, (Musician(drifts=(RAMP,)), Musician(drifts=(RAMP,))), seed=2)
    original = coach_session(session)
    assert any(m.kind == "drift" for m in original.messages)
    save_replay(replay_from_session(session, "drift"), tmp_path / "d.json")
    assert coach_session(replay_session(load_replay(tmp_path / "d.json"), chart)) == original


def test_live_readings_replay_identically(tmp_path):
    chart = drift_chart()
    session = play(chart, (Musician(drifts=(RAMP,)), Musician(offset=0.02, drifts=(RAMP,))), seed=2)
    save_replay(replay_from_session(session, "drift"), tmp_path / "d.json")
    replay = load_replay(tmp_path / "d.json")

    def readings():
        from duet_drums.core.rules import rules_for
        from duet_drums.core.session import DuetSession

        s = DuetSession(chart, [p.setup() for p in replay.players], rules_for(replay.strictness))
        live = LiveCoach(s)
        out = [live.feed(s.hit(h)) for h in replay.hit_objects()]
        out.append(live.feed(s.advance(float("inf"))))
        return out

    first, second = readings(), readings()
    assert first == second
    assert any(r.leader for r in first)


@pytest.fixture
def recorded(tmp_path):
    chart = medley()
    chart_file = tmp_path / "medley.json"
    save_chart(chart, chart_file)
    session = play(chart, SCENARIOS["snare"], seed=11)
    replay_file = tmp_path / "take.json.gz"
    save_replay(replay_from_session(session, chart_id(chart, chart_file)), replay_file)
    return chart_file, replay_file, coach_session(session)


def test_cli_json_is_the_report(recorded, capsys):
    chart_file, replay_file, report = recorded
    assert main(["coach", str(replay_file), "--chart", str(chart_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"players", "pair", "messages"}
    assert data == json.loads(report.model_dump_json())
    snare = next(o for o in data["pair"]["offsets"] if o["pairing"] == "snare")
    lean = snare["mean_ms"]
    assert snare["significant"] and lean["low"] < lean["value"] < lean["high"] < 0
    msg = data["messages"][0]
    assert {"text", "statistic", "unit", "estimate", "recovers_percent"} <= set(msg)
    assert set(data["pair"]) >= {"offsets", "spread", "coupling", "drift"}
    assert data["players"][1]["unstable_rate"] == pytest.approx(10 * data["players"][1]["sd_ms"])


def test_cli_text_names_the_lean_and_the_numbers(recorded, capsys):
    chart_file, replay_file, report = recorded
    assert main(["coach", str(replay_file), "--chart", str(chart_file)]) == 0
    out = capsys.readouterr().out
    assert report.messages[0].text in out
    assert "unstable rate" in out and "who adapts" in out and "snare" in out


def test_cli_finds_the_bundled_chart_by_id(tmp_path, capsys):
    chart = medley()
    session = play(chart, SCENARIOS["snare"], seed=11)
    save_replay(replay_from_session(session, "summit-medley"), tmp_path / "t.json")
    assert main(["coach", str(tmp_path / "t.json"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["chart_title"] == "Summit Medley"


def test_cli_refuses_bad_files_with_their_name(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert main(["coach", str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "invalid JSON" in err
    chart = medley()
    session = play(chart, SCENARIOS["snare"], seed=11)
    save_replay(replay_from_session(session, "no-such-chart"), tmp_path / "t.json")
    assert main(["coach", str(tmp_path / "t.json")]) == 1
    assert "no chart with id 'no-such-chart'" in capsys.readouterr().err


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(charts(), st.floats(0.0, 0.06), st.floats(0.0, 0.5), st.integers(0, 3))
def test_any_chart_and_any_playing_gives_a_sound_report(chart, sigma, miss_rate, seed):
    from duet_drums.core.autoplay import bot_hits
    from duet_drums.core.session import DuetSession

    session = DuetSession(chart, EXPERT_PAIR)
    feed(session, merged(bot_hits(session.tracks[0], 0, sigma=sigma, miss_rate=miss_rate, seed=seed),
                         bot_hits(session.tracks[1], 1, sigma=sigma, seed=seed + 7)))
    session.finish()
    report = coach_session(session)
    assert len(report.messages) <= 3
    assert report.pair.unisons == session.finish().sync.unisons
    assert report.pair.sync_percent == pytest.approx(session.finish().sync.sync_percent)
    for o in report.pair.offsets:
        assert o.shown == (o.mean_ms is not None)
        if o.mean_ms is not None:
            assert o.mean_ms.low <= o.mean_ms.value <= o.mean_ms.high
    for p, result in zip(report.players, session.finish().players, strict=True):
        # the coach's spread is the results screen's, number for number
        if result.std_error_ms is None:
            assert p.sd_ms is None
        else:
            assert p.sd_ms == pytest.approx(result.std_error_ms, abs=1e-9)
        assert p.notes == result.notes
    replay = replay_from_session(session, "generated")
    assert coach_session(replay_session(replay, chart)) == report


def test_the_coach_reads_only_a_finished_session():
    from duet_drums.core.coach_input import coach_input
    from duet_drums.core.session import DuetSession

    with pytest.raises(ValueError, match="finish"):
        coach_input(DuetSession(medley(), EXPERT_PAIR))
