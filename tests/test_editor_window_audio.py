"""The editor's sound and audio strip without a device: the preview render, the gapless
hand-over between rendered stretches, and the waveform envelope, as pure numpy."""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import pytest

from duet_drums.audio.clock import SongClock
from duet_drums.audio.mixer import Continue, Gains, Load, Mixer, Pause, Start
from duet_drums.audio.preview import PreviewGains, PreviewPart, SongAudio, render_stretch
from duet_drums.audio.samples import SampleBank
from duet_drums.audio.track import BackingTrack
from duet_drums.core.chart import Note
from duet_drums.core.kit import Piece
from duet_drums.core.tempo import TempoMap
from duet_drums.editor.window.layout import TimeView
from duet_drums.editor.window.waveform import Envelope
from duet_drums.paths import samples_dir
from tests.editor_support import chart_with, load_bundled

RATE = 48000
DRUMS_ONLY = PreviewGains(drums=1.0, click=0.0, audio=0.0)
F32 = npt.NDArray[np.float32]


@cache
def bank() -> SampleBank:
    return SampleBank.load(samples_dir(), RATE)


def onsets(x: F32, threshold: float = 1e-4, gap: int = 2400) -> list[int]:
    """Sample indexes where sound starts after at least `gap` samples of silence."""
    loud = np.flatnonzero(np.abs(x).max(axis=1) > threshold).tolist()
    return [i for k, i in enumerate(loud) if k == 0 or i - loud[k - 1] > gap]


def test_notes_sound_at_their_time_scaled_by_the_speed_and_muted_parts_are_silent() -> None:
    chart = chart_with([Note(tick=480, piece=Piece.SNARE), Note(tick=1440, piece=Piece.KICK)],
                       partner=[Note(tick=960, piece=Piece.CRASH)])
    lead = PreviewPart("lead", "expert", 0.0)
    for speed in (1.0, 0.5, 0.25):
        track = render_stretch(chart, bank(), -0.1, 1.6, speed=speed, parts=[lead], gains=DRUMS_ONLY)
        assert track.speed == speed and track.start_time == -0.1
        want = [round((t + 0.1) * RATE / speed) for t in (0.5, 1.5)]  # 120 BPM: beats 2 and 4
        got = onsets(track.samples)
        assert len(got) == 2 and all(abs(g - w) <= 2 for g, w in zip(got, want, strict=True)), (got, want)
    left_only = render_stretch(chart, bank(), 0.0, 1.0, parts=[lead], gains=DRUMS_ONLY)
    assert float(np.abs(left_only.samples[:, 1]).max()) < 1e-6  # panned hard left
    partner = render_stretch(chart, bank(), 0.0, 1.2, parts=[PreviewPart("partner", "expert")],
                             gains=DRUMS_ONLY)
    assert onsets(partner.samples) == [pytest.approx(RATE, abs=2)]  # only the partner's crash


def test_the_metronome_clicks_every_beat_and_can_be_off() -> None:
    chart = chart_with([])
    on = render_stretch(chart, bank(), 0.0, 2.0, click=True, gains=PreviewGains(click=1.0))
    assert [round(o / (RATE / 2)) for o in onsets(on.samples)] == [0, 1, 2, 3]
    off = render_stretch(chart, bank(), 0.0, 2.0, click=False)
    assert not off.samples.any()


def test_stretches_join_without_a_seam() -> None:
    """The next stretch holds the tails of notes and clicks that began before it, so the
    hand-over is sample-exact: two stretches equal one long render where they overlap."""
    chart = load_bundled("summit-medley.json")
    parts = [PreviewPart("lead", "expert", 0.35), PreviewPart("partner", "expert", 0.65)]
    seam = TempoMap.from_chart(chart).seconds(480 * 70) + 0.01  # a beat's click still rings
    whole = render_stretch(chart, bank(), seam - 3.0, seam + 3.0, speed=0.5, parts=parts)
    second = render_stretch(chart, bank(), seam, seam + 3.0, speed=0.5, parts=parts)
    offset = whole.frame_of(seam)
    n = second.frames
    assert offset == round(3.0 * RATE / 0.5)
    assert np.abs(second.samples).max() > 0.05
    assert np.allclose(whole.samples[offset:offset + n], second.samples, atol=1e-5)


def test_the_authors_audio_plays_under_the_chart_at_its_offset() -> None:
    x = np.zeros((RATE * 3, 2), np.float32)
    x[RATE * 2] = 0.9  # a click two seconds into the file
    audio = SongAudio(x, -0.5, RATE)  # chart time 0 is half a second into the file
    for speed in (1.0, 0.5):
        track = render_stretch(chart_with([]), bank(), 0.0, 2.0, speed=speed, click=False, audio=audio,
                               gains=PreviewGains(audio=1.0))
        peak = int(np.argmax(np.abs(track.samples[:, 0])))
        assert peak == pytest.approx(1.5 * RATE / speed, abs=2)


def test_render_refuses_speeds_outside_25_to_100_percent() -> None:
    with pytest.raises(ValueError, match="outside 25%-100%"):
        render_stretch(chart_with([]), bank(), 0.0, 1.0, speed=0.2)


def test_continue_swaps_stretches_at_the_song_time_reached_with_no_jump() -> None:
    clock = SongClock(RATE)
    mixer = Mixer(RATE, clock)
    mixer.gains = Gains(master=1.0, backing=1.0, hits=1.0)
    n = 256
    first = BackingTrack(np.full((RATE, 2), 0.25, np.float32), 0.0, 0.5, RATE)
    ramp = np.linspace(0, 1, RATE, dtype=np.float32)
    second = BackingTrack(np.stack([ramp, ramp], axis=1), 0.2, 0.5, RATE)
    mixer.command(Load(first))
    mixer.command(Start())
    out = np.zeros((n, 2), np.float32)
    frame = 0
    for _ in range(100):  # 25600 frames at half speed: song time 0.2667
        mixer.render(out, frame)
        frame += n
    before = clock.song_time_of_frame(frame)
    mixer.command(Continue(second))
    mixer.render(out, frame)
    assert clock.song_time_of_frame(frame) == pytest.approx(before)
    k = second.frame_of(before)
    assert np.array_equal(out, second.samples[k:k + n])
    assert clock.song_time_of_frame(frame + n) == pytest.approx(before + n * 0.5 / RATE)
    mixer.command(Pause())
    mixer.command(Continue(first))  # paused: the new stretch waits at the same song time
    mixer.render(out, frame + n)
    assert mixer.state == "paused" and not out.any()
    assert mixer.track is first and mixer.pos == first.frame_of(before + n * 0.5 / RATE)


def test_the_waveform_puts_a_spike_on_the_row_of_its_time() -> None:
    x = np.zeros((RATE * 4, 2), np.float32)
    x[int(RATE * 2.5)] = 1.0  # file time 2.5 s
    env = Envelope.of(SongAudio(x, -1.0, RATE))  # song time 1.5 s
    view = TimeView(0, 600, pps=100.0, view_t=1.0)
    rows = env.rows(view, 0, 600)
    assert len(rows) == 600
    assert int(np.argmax(rows)) == pytest.approx(view.y_of(1.5), abs=1)
    assert rows.max() == 1.0 and np.count_nonzero(rows) == 1
    close = env.rows(TimeView(0, 600, pps=20000.0, view_t=1.5), 0, 600)  # rows narrower than a bin
    assert 1 <= np.count_nonzero(close) <= 25  # one millisecond bin: 20 rows at 20 px/ms
