"""The coach's drills do what they say, run through the real stepped play scene.

- quiet count: the backing the scene asks the audio engine for has no click in the
  dropped bars (the rendered samples are silent there) and clicks everywhere else;
- swap the lead: the bot partner corrects toward the human's strokes in its follow
  phases (its next stroke moves by about the gain times the last asynchrony) and not at
  all in its lead phases, and the screen says which phase it is;
- distinct hit sounds: two keyboard players' hits sound on different samples;
- loop: a message's drill loops the section where that problem cost the most.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duet_drums.app.catalog import ChartEntry, resolve
from duet_drums.app.main import App
from duet_drums.app.play_setup import (
    WHO_PRACTISES,
    PlayDrill,
    PlayerChoice,
    PlaySetup,
    hit_tones,
    practice_setup,
)
from duet_drums.app.routes import Play, Practice
from duet_drums.app.scenes.play import PlayScene
from duet_drums.app.scenes.practice import PracticeScene
from duet_drums.app.scenes.results import ResultsScene
from duet_drums.audio.backing import audible_clicks, click_events
from duet_drums.audio.engine import AudioEngine
from duet_drums.audio.samples import HitTone, SampleBank
from duet_drums.core.chart import Chart, save_chart
from duet_drums.core.coach import coach_report
from duet_drums.core.coach_input import coach_input
from duet_drums.core.drills import QuietCount, SwapLead, drill_offers, is_within
from duet_drums.core.ensemble import Musician, TempoDrift, simulate_pair
from duet_drums.core.events import UnisonJudged
from duet_drums.core.hits import Hit
from duet_drums.core.kit import PIECES, Piece
from duet_drums.core.lead_bot import FOLLOW_GAIN, SwapLeadBot
from duet_drums.core.session import DuetSession, PlayerSetup
from duet_drums.core.tempo import TempoMap
from duet_drums.paths import samples_dir
from duet_drums.settings import InputKind, load_settings
from tests.coach_support import bar_time, drift_chart, medley, play
from tests.engine_support import merged
from tests.support.app_driver import close, make_app, press, press_down_to, run_until, top_is
from tests.support.pair_feed import PairFeed

BEAT = 0.5  # drift_chart: 120 BPM


def _entry(tmp_path: Path, chart: Chart, name: str = "groove") -> ChartEntry:
    path = tmp_path / f"{name}.json"
    save_chart(chart, path)
    return resolve(str(path))


def _setup(entry: ChartEntry, inputs: tuple[InputKind, InputKind] = ("keyboard", "keyboard")) -> PlaySetup:
    return PlaySetup(entry, (PlayerChoice("Ann", "lead", "expert", inputs[0]),
                             PlayerChoice("Ben", "partner", "expert", inputs[1])))


def _hits(entry: ChartEntry, musicians: tuple[Musician, Musician], seed: int = 1) -> list[Hit]:
    session = DuetSession(entry.chart, [PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")])
    p1, p2 = simulate_pair(session.tracks, musicians, session.tempo_map, seed=seed)
    return p1 + p2


def _run(app: App, setup: PlaySetup, feed: PairFeed, on_frame: Callable[[PlayScene], None] | None = None,
         dt: float = 1 / 60) -> PlayScene:
    def hook(a: App) -> None:
        feed(a)
        if on_frame is not None and isinstance(a.scene, PlayScene):
            on_frame(a.scene)

    app.after_frame = hook
    app.nav.push(Play(setup))
    scene = app.scene
    assert isinstance(scene, PlayScene)
    run_until(app, top_is(app, ResultsScene), dt=dt)
    return scene


# -- quiet count ---------------------------------------------------------------------------
def test_quiet_count_drops_the_click_for_the_bars_it_says(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=12, section_bars=4))
    drill = PlayDrill("quiet_count", quiet=QuietCount(on_bars=2, off_bars=2))
    setup = practice_setup(_setup(entry), WHO_PRACTISES[0], 1.0, None, drill)
    banners: list[tuple[float, str]] = []
    app = make_app(render=True)
    settings_ = app.ctx.settings
    engine = AudioEngine(settings_.audio, settings_.calibration, samples_dir(), force_silent=True)
    engine.open()  # silent: no device, but the real click samples
    try:
        scene = _run(app, setup, PairFeed(_hits(entry, (Musician(), Musician()))),
                     lambda s: banners.append((s.song_time, s.drill_text())))
        assert scene.quiet_spans == ((bar_time(2), bar_time(4)), (bar_time(6), bar_time(8)),
                                     (bar_time(10), bar_time(12)))
        track, warning = scene.backing(engine)
    finally:
        engine.close()
        close(app)
    assert warning is None
    # The rendered audio: a click's 30 ms after every beat is silent exactly in the
    # dropped bars; the count-in and the bars on click.
    beats = [-(4 - k) * BEAT for k in range(4)] + [k * BEAT for k in range(12 * 4)]
    for t in beats:
        i = track.frame_of(t)
        energy = float(np.abs(track.samples[i:i + int(0.030 * track.sample_rate)]).max())
        if t >= 0 and is_within(scene.quiet_spans, t):
            assert energy == 0.0, f"a click at {t:.2f} s, in a quiet bar"
        else:
            assert energy > 0.05, f"no click at {t:.2f} s"
    # The screen says so, bar by bar.
    for t, text in banners:
        if bar_time(2) + 0.1 < t < bar_time(4) - 0.1:
            assert text.startswith("QUIET")
        elif bar_time(0) + 0.1 < t < bar_time(2) - 0.1:
            assert text.startswith("Quiet count - click on (click 2 bars, silent 2)")


@settings(max_examples=40, deadline=None)
@given(on=st.integers(1, 4), off=st.integers(1, 4), bars=st.integers(2, 20), start_bar=st.integers(0, 3),
       bpm=st.floats(60, 200))
def test_quiet_spans_are_whole_bars_in_turn(on: int, off: int, bars: int, start_bar: int, bpm: float) -> None:
    tempo = TempoMap([(0, bpm)], 480, [(0, 4, 4)])
    bar = 4 * 480
    start, end = start_bar * bar, (start_bar + bars) * bar
    spans = QuietCount(on, off).silent_spans(tempo, start, end)
    bar_s = 4 * 60.0 / bpm
    origin = start_bar * bar_s
    silent = [b for b in range(bars) if b % (on + off) >= on]
    covered = [b for b in range(bars) if is_within(spans, origin + (b + 0.5) * bar_s)]
    assert covered == silent
    for a, b in spans:  # each span starts and ends on a bar line of the drill
        assert (a - origin) / bar_s == pytest.approx(round((a - origin) / bar_s))
        assert (b - origin) / bar_s == pytest.approx(round((b - origin) / bar_s))


def test_audible_clicks_keep_the_count_in_and_drop_only_the_quiet_ones() -> None:
    chart = drift_chart(bars=8)
    tempo = TempoMap.from_chart(chart)
    quiet = QuietCount(1, 1).silent_spans(tempo, 0, chart.last_tick())
    every, kept = click_events(chart, tempo), audible_clicks(chart, tempo, quiet)
    dropped = [e for e in every if e not in kept]
    assert dropped and all(t >= 0 and is_within(quiet, t) for t, _ in dropped)
    assert [e for e in every if e[0] < 0] == [e for e in kept if e[0] < 0]  # the count-in


# -- swap the lead -------------------------------------------------------------------------
def _next_after_human(log: list[tuple[float, str, float, float]], role: str, settled: int = 0
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(human's error at unison k, bot's error at unison k+1) over the unisons where the
    bot played `role` at k, from the `settled`-th unison of each such phase on."""
    human, bot_next = [], []
    run = 0
    for k in range(len(log) - 1):
        run = run + 1 if k and log[k - 1][1] == log[k][1] else 0
        if log[k][1] == role and run >= settled:
            human.append(log[k][2])
            bot_next.append(log[k + 1][3])
    return np.array(human), np.array(bot_next)


def test_swap_the_lead_bot_follows_then_leads(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=32, section_bars=8))
    drill = PlayDrill("swap_lead", swap=SwapLead(every_bars=4))
    setup = practice_setup(_setup(entry), WHO_PRACTISES[1], 1.0, None, drill)  # Ann practises, AI plays P2
    assert setup.players[1].is_ai and not setup.players[0].is_ai
    # Ann's timekeeper wanders (and she hears only the click): something to follow.
    ann = Musician(sigma=0.003, timer_sigma=0.006, click_gain=0.15)
    banners: list[tuple[float, str]] = []
    app = make_app(render=False)
    try:
        scene = _run(app, setup, PairFeed(_hits(entry, (ann, Musician()), seed=6), players=(0,)),
                     lambda s: banners.append((s.song_time, s.drill_text())))
    finally:
        close(app)
    bot = scene.bots[1]
    assert isinstance(bot, SwapLeadBot)
    roles = [role for _, role, _, _ in bot.log]
    assert roles.count("follow") > 100 and roles.count("lead") > 100
    # Following, the bot's next stroke goes where Ann's last one went.
    human, bot_next = _next_after_human(bot.log, "follow")
    assert np.corrcoef(human, bot_next)[0, 1] > 0.6
    # Leading (once it has settled back on the click, a few unisons into the phase), its
    # strokes are independent of Ann's.
    human, bot_next = _next_after_human(bot.log, "lead", settled=4)
    assert human.size > 80 and np.std(human) > 0.005  # Ann did wander meanwhile
    assert abs(np.corrcoef(human, bot_next)[0, 1]) < 3.0 / np.sqrt(human.size)
    # Who leads is on screen, and changes every 4 bars.
    def says(t0: float, t1: float) -> set[str]:
        return {text.split(":")[0] for t, text in banners if t0 + 0.2 < t < t1 - 0.2}

    assert says(bar_time(0), bar_time(4)) == {"ANN LEADS"}
    assert says(bar_time(4), bar_time(8)) == {"BOT LEADS"}
    assert says(bar_time(8), bar_time(12)) == {"ANN LEADS"}


def test_the_bot_corrects_by_its_gain_only_when_it_follows() -> None:
    """The phase-correction rule itself: after a unison where the bot was 20 ms behind,
    a following bot plays its next strokes FOLLOW_GAIN x 20 ms earlier; a leading bot
    does not move toward the human (it settles on the click)."""
    chart = drift_chart(bars=4)
    session = DuetSession(chart, [PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")])
    phases = SwapLead(2).phases(session.tempo_map, 0, chart.last_tick())
    for role, t0 in (("follow", 0.0), ("lead", bar_time(2))):
        bot = SwapLeadBot(session.tracks[1], 1, phases, sigma=0.0)
        bot.seek(t0)
        bot.due(t0 + 1e-6)
        assert bot.role_at(t0) == role
        # P1 (the human) hit 20 ms before the bot: asynchrony P1 - P2 = -20 ms.
        bot.observe([UnisonJudged(tick=0, t=t0, asynchrony=-0.020, credit=0.0, duet_active=False)])
        nxt = bot.due(t0 + 0.5)[0]
        moved = nxt.t - (t0 + 0.25)
        assert moved == pytest.approx(-FOLLOW_GAIN * 0.020 if role == "follow" else 0.0)


def test_swap_the_lead_by_section() -> None:
    chart = drift_chart(bars=12, section_bars=4)
    tempo = TempoMap.from_chart(chart)
    phases = SwapLead(0).phases(tempo, 0, chart.last_tick(), tuple(s.tick for s in chart.sections))
    assert [(p.role, p.start) for p in phases] == [("follow", -np.inf), ("lead", bar_time(4)),
                                                   ("follow", bar_time(8))]


def test_swap_the_lead_always_has_a_bot_partner(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=8))
    app = make_app(render=False)
    try:
        app.nav.push(Practice(_setup(entry)))
        practice = app.scene
        assert isinstance(practice, PracticeScene) and practice.practiser == WHO_PRACTISES[0]
        press_down_to(app, lambda: [i.label for i in practice.menu.items], lambda: practice.menu.selected,
                      "Drill")
        press(app, pygame.K_RIGHT)
        press(app, pygame.K_RIGHT)
        assert practice.drill == "swap the lead" and practice.practiser == WHO_PRACTISES[1]
        setup = practice.play_setup()
        assert setup.drill is not None and setup.drill.kind == "swap_lead" and setup.players[1].is_ai
        assert not setup.ranked and setup.human_pair is None
    finally:
        close(app)


# -- distinct hit sounds ---------------------------------------------------------------------
@pytest.mark.parametrize(("distinct", "expected"), [(True, ({"standard"}, {"tuned_up"})),
                                                    (False, ({"standard"}, {"standard"}))])
def test_two_keyboard_players_sound_on_different_kits(tmp_path: Path, distinct: bool,
                                                      expected: tuple[set[str], set[str]]) -> None:
    entry = _entry(tmp_path, drift_chart(bars=4))
    app = make_app(render=False)
    app.ctx.settings.distinct_hit_sounds = distinct
    try:
        scene = _run(app, _setup(entry), PairFeed(_hits(entry, (Musician(), Musician())), raw=True))
        assert scene.transport.hits_sounded[0] > 20 and scene.transport.hits_sounded[1] > 20
        assert scene.transport.tones_sounded == expected
    finally:
        close(app)


def test_the_engine_plays_each_players_hits_on_their_kit() -> None:
    """Down to the mixer: P2's tuned-up hit is mixed from the tuned-up sample, and the
    two players' snares sound different in the rendered buffer."""
    from duet_drums.settings import AudioSettings, Calibration

    engine = AudioEngine(AudioSettings(), Calibration(), samples_dir(), force_silent=True)
    engine.bank = SampleBank.load(samples_dir(), engine.sample_rate)
    rendered = []
    kits: tuple[tuple[int, HitTone], ...] = ((0, "standard"), (1, "tuned_up"))
    for player, tone in kits:
        engine.play_hit(Piece.SNARE, 100, player, tone=tone)
        out = np.zeros((4096, 2), np.float32)
        engine.mixer.render(out, 0)
        voice = engine.mixer.voices[-1]
        assert voice.sample is engine.bank.get(Piece.SNARE, tone)
        rendered.append(out.sum(axis=1))
        engine.mixer.voices.clear()
    assert not np.allclose(rendered[0], rendered[1], atol=1e-3)


def test_distinct_hit_sounds_is_a_saved_setting_changed_in_practice(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=4))
    app = make_app(render=True)
    try:
        assert app.ctx.settings.distinct_hit_sounds  # on by default
        app.nav.push(Practice(_setup(entry)))
        practice = app.scene
        assert isinstance(practice, PracticeScene)
        press_down_to(app, lambda: [i.label for i in practice.menu.items], lambda: practice.menu.selected,
                      "Distinct hit sounds")
        press(app, pygame.K_RIGHT)
        assert practice.menu.current.value is not None and practice.menu.current.value() == "off"
        assert load_settings()[0].distinct_hit_sounds is False
    finally:
        close(app)


def test_a_kit_player_needs_no_second_kit(tmp_path: Path) -> None:
    entry = _entry(tmp_path, drift_chart(bars=4))
    assert hit_tones(_setup(entry, ("midi", "keyboard")), True) == ("standard", "standard")
    assert hit_tones(_setup(entry, ("keyboard", "ai")), True) == ("standard", "tuned_up")


def test_the_tuned_up_kit_is_other_samples_higher_in_pitch() -> None:
    """Every piece of P2's kit is another, shorter sample; the drums with a pitch
    (kick, snare, toms) ring a major third higher."""
    bank = SampleBank.load(samples_dir(), 48_000)
    assert not bank.warnings
    ratio = 2 ** (4 / 12)

    def peak_hz(x: np.ndarray) -> float:
        power = np.abs(np.fft.rfft(x)) ** 2
        return float(np.fft.rfftfreq(len(x), 1 / 48_000)[np.argmax(power)])

    for piece in PIECES:
        std, tuned = bank.get(piece), bank.get(piece, "tuned_up")
        assert std is not None and tuned is not None
        assert len(tuned) == pytest.approx(len(std) / ratio, abs=2)
        if piece in (Piece.KICK, Piece.KICK2, Piece.SNARE, Piece.TOM1, Piece.TOM2, Piece.TOM3):
            assert peak_hz(tuned) / peak_hz(std) == pytest.approx(ratio, rel=0.03), piece


# -- loop the weakest section for the named problem --------------------------------------------
def test_a_lean_drill_loops_the_section_where_it_costs_most() -> None:
    """Ben's snare is 6 ms late everywhere and 25 ms late in Part 3: the message is about
    the snare, and its drill loops Part 3 at 80 %."""
    chart = drift_chart(bars=24, section_bars=4)
    session = DuetSession(chart, [PlayerSetup("lead", "expert"), PlayerSetup("partner", "expert")])
    p1, p2 = simulate_pair(session.tracks, (Musician(sigma=0.004), Musician(sigma=0.004)), session.tempo_map,
                           seed=3)
    part3 = (bar_time(8), bar_time(12))

    def late(h: Hit) -> Hit:
        if h.piece != Piece.SNARE:
            return h
        lean = 0.025 if part3[0] <= h.t < part3[1] else 0.006
        return Hit(h.player, h.piece, h.t + lean, h.velocity, h.source)

    for hit in merged(p1, [late(h) for h in p2]):
        session.hit(hit)
    session.finish()
    inp = coach_input(session)
    report = coach_report(inp)
    offers = drill_offers(inp, report)
    snare = [(m, o) for m, o in zip(report.messages, offers, strict=True) if "snare" in m.text]
    assert snare, [m.text for m in report.messages]
    _, offer = snare[0]
    assert offer is not None and offer.kind == "loop_section"
    assert offer.section == "Part 3" and offer.speed == 0.8 and offer.label == "Loop Part 3 at 80 %"


def test_a_drift_offers_the_quiet_count_and_a_follower_the_lead() -> None:
    ramp = TempoDrift(bar_time(8), bar_time(10), 4.0)
    drifting = play(drift_chart(), (Musician(drifts=(ramp,)), Musician(drifts=(ramp,))), seed=1)
    inp = coach_input(drifting)
    report = coach_report(inp)
    offers = [o for o in drill_offers(inp, report) if o is not None and o.kind == "quiet_count"]
    assert [o.section for o in offers] == ["Part 5"] and offers[0].speed == 1.0
    follow = play(medley(), (Musician(click_gain=0.3, timer_sigma=0.006),
                             Musician(partner_gain=0.5, timer_sigma=0.006)), seed=1)
    inp = coach_input(follow)
    report = coach_report(inp)
    swaps = [o for o in drill_offers(inp, report) if o is not None and o.kind == "swap_lead"]
    assert len(swaps) == 1 and swaps[0].practiser == 1 and swaps[0].label == "Swap the lead: P2 leads"
    # ... on a section long enough for a turn each at leading (8 bars or more)
    chart = medley()
    ticks = [s.tick for s in chart.sections]
    i = [s.name for s in chart.sections].index(swaps[0].section or "")
    assert (ticks[i + 1] - ticks[i]) // (4 * chart.resolution) >= 8
