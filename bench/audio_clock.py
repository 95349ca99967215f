"""Measure the song clock and hit latency against SDL's *disk* audio driver; prints JSON.

The disk driver writes every buffer the engine feeds to a file right after our callback
returns, then sleeps SDL_DISKAUDIODELAY ms; with a small delay the "device" consumes
audio several times faster than the wall clock, so a clock that followed `perf_counter`
instead of the audio would be off by minutes over a song.

Truth: the frames the device has consumed (our callback count; the file's size is no
good instant by instant because SDL writes through a 4 KiB stdio buffer), checked against
the file afterwards: the file must hold exactly our track from the frame where it began,
found from the file's *content*. Errors are reported two ways: against the buffer being
consumed (the counter only knows position to a buffer), and against the position
interpolated between callbacks. Drift = the change of the median error from the first to
the last window of the song (and the linear trend), after `--settle-s`.

Modes (each in a fresh process, because SDL reads the driver settings at init):
  clock: play a `--seconds` long track, sample the clock every ~`--every-ms` wall ms
         together with the frames consumed, and compare.
  hits:  play silence, call `play_hit` now and then, find each hit's onset in the file and
         compare it with the frames already handed to the device at the request.

  python bench/audio_clock.py clock --seconds 180 --delay 1
  python bench/audio_clock.py clock --seconds 5            # driver's own pacing
  python bench/audio_clock.py hits --count 20
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _setup_env(out: Path, delay: int | None) -> None:
    os.environ["SDL_AUDIODRIVER"] = "disk"
    os.environ["SDL_DISKAUDIOFILE"] = str(out)
    if delay is None:
        os.environ.pop("SDL_DISKAUDIODELAY", None)
    else:
        os.environ["SDL_DISKAUDIODELAY"] = str(delay)
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def _engine(buffer: int, samples_dir: Path):  # type: ignore[no-untyped-def]
    from duet_drums.audio.engine import AudioEngine
    from duet_drums.settings import AudioSettings, Calibration

    settings = AudioSettings(buffer_frames=buffer, master_volume=1.0, backing_volume=1.0, hits_volume=1.0)
    eng = AudioEngine(settings, Calibration(), samples_dir)
    warning = eng.open()
    if warning:
        raise SystemExit(f"audio open failed: {warning}")
    return eng


def _file_frames(path: Path) -> int:
    try:
        return os.stat(path).st_size // 8  # float32 stereo
    except FileNotFoundError:
        return 0


def run_clock(args: argparse.Namespace) -> dict[str, object]:
    from duet_drums.audio.track import BackingTrack

    out = Path(args.out)
    _setup_env(out, args.delay)
    rate = 48000
    n = int(args.seconds * rate)
    # Deterministic, never-silent content: a quiet tone whose first sample is not zero.
    t = np.arange(n, dtype=np.float64) / rate
    mono = (0.2 * np.cos(2 * np.pi * 220.0 * t) + 0.05).astype(np.float32)
    track = BackingTrack(np.repeat(mono[:, None], 2, axis=1), -1.0, args.speed, rate, "probe")
    eng = _engine(args.buffer, Path(args.samples))
    clock = eng.clock
    lat = clock.latency_frames
    # Every callback (stamp, first frame), to interpolate the truth between callbacks.
    observations: list[tuple[int, int]] = []
    feed = clock.observe

    def observe(stamp_ns: int, frame: int, frames: int = 0) -> None:
        observations.append((stamp_ns, frame))
        feed(stamp_ns, frame, frames)

    clock.observe = observe  # type: ignore[method-assign]
    time.sleep(0.05)
    eng.load_song(track)
    eng.start()
    rows: list[tuple[int, float, int]] = []
    wall0 = time.perf_counter()
    every = args.every_ms / 1000
    while not eng.finished and time.perf_counter() - wall0 < args.timeout:
        c1 = eng.frames_consumed
        t_ns = time.perf_counter_ns()
        s = clock.song_time_at(t_ns)
        c2 = eng.frames_consumed
        if c1 == c2:  # no callback ran while we looked: a clean sample
            rows.append((t_ns, s, c1))
        time.sleep(every)
    wall = time.perf_counter() - wall0
    time.sleep(0.05)
    stats = eng.stats()
    eng.close()
    consumed = eng.frames_consumed  # final: no callback runs after close
    data = np.fromfile(out, dtype=np.float32).reshape(-1, 2)
    nz = np.flatnonzero(np.abs(data[:, 0]) > 1e-6)
    d0 = int(nz[0])  # file frame where the track begins, found from the content
    content_ok = bool(np.array_equal(data[d0:d0 + n, 0], track.samples[:, 0]))
    # The disk driver writes a few silent buffers while the device is still paused,
    # before our first callback: that many frames lead the file.
    lead = len(data) - consumed
    d0_ours = d0 - lead  # the same frame in our callback count
    arr = np.array([(r[1], r[2]) for r in rows], dtype=np.float64)
    if args.dump:
        np.savez(args.dump, obs=np.array(observations, np.int64), rows=np.array(rows, np.float64),
                 d0_ours=d0_ours, lat=lat)
    buf = stats["buffer_frames"]
    assert isinstance(buf, int)
    song = arr[:, 0]
    consumed_at = arr[:, 1]
    # At a sample instant the device has consumed `consumed_at` frames and is busy with
    # the buffer ending there: the frame playing now is, on average, half a buffer back.
    pos = consumed_at - buf / 2 - lat - d0_ours
    sel = (pos > buf) & (pos < n - buf)
    truth_mid = track.start_time + pos * track.speed / rate
    err_ms = (song - truth_mid)[sel] * 1000
    # Interpolated truth: the device consumes buffer k steadily between callback k and
    # k+1, so the position at t is F_k + N * (t - t_k) / (t_{k+1} - t_k). This removes
    # the one-buffer quantisation of the counter (which would alias with the sampling).
    obs = np.array(observations, dtype=np.float64)
    stamps = np.array([r[0] for r in rows], dtype=np.float64)
    k = np.clip(np.searchsorted(obs[:, 0], stamps, side="right") - 1, 0, len(obs) - 2)
    frac = np.clip((stamps - obs[k, 0]) / (obs[k + 1, 0] - obs[k, 0]), 0, 1)
    f_interp = obs[k, 1] + frac * (obs[k + 1, 1] - obs[k, 1])
    pos_i = f_interp - lat - d0_ours
    sel_i = sel & (pos_i > 0)
    truth_i = track.start_time + pos_i * track.speed / rate
    err_i_ms = (song - truth_i)[sel_i] * 1000
    half_buf_ms = buf / 2 / rate * 1000 * track.speed
    outside_ms = np.maximum(np.abs(err_ms) - half_buf_ms, 0)
    # Drift: the error's slow component, the median error over each window of song (robust
    # to the disk driver's own stalls, which hold the truth for a few ms now and then);
    # a clock on the wall clock would drift by seconds here.
    # The first `--settle-s` seconds of playback (the fit converging) are left out.
    settled = song[sel_i] > track.start_time + args.settle_s
    secs = song[sel_i][settled]
    err_d = err_i_ms[settled]
    bins = np.floor(secs / args.window_s).astype(int)
    means = np.array([np.median(err_d[bins == b]) for b in np.unique(bins) if (bins == b).sum() >= 10])
    diffs = np.diff(song[sel])
    trend = np.polyfit(secs, err_d, 1)[0] * (secs[-1] - secs[0]) if len(secs) > 10 else 0.0
    song_span = float(song[sel][-1] - song[sel][0]) if sel.any() else 0.0
    # The device's own pace over the clock's fit window (its last 2 s): under load the
    # disk driver's pace wanders, so the whole-run average is no fair yardstick for a
    # rate the clock fits over a sliding window.
    recent = obs[obs[:, 0] >= obs[-1, 0] - 2e9]
    recent_rate = float(np.polyfit(recent[:, 0] / 1e9, recent[:, 1], 1)[0]) if len(recent) > 10 else 0.0
    return {
        "mode": "clock",
        "song_seconds": args.seconds,
        "device_rate_last_2s": recent_rate,
        "speed": args.speed,
        "disk_delay_ms": args.delay,
        "buffer_frames": buf,
        "wall_seconds": wall,
        "audio_vs_wall": (n / rate) / wall,
        "samples": int(sel.sum()),
        "content_matches_track": content_ok,
        "file_frames_before_first_callback": lead,
        "interp_err_ms_median": float(np.median(err_i_ms)),
        "interp_err_ms_abs_p50": float(np.percentile(np.abs(err_i_ms - np.median(err_i_ms)), 50)),
        "interp_err_ms_abs_p99": float(np.percentile(np.abs(err_i_ms - np.median(err_i_ms)), 99)),
        "err_ms_mean": float(err_ms.mean()),
        "err_ms_abs_p50": float(np.percentile(np.abs(err_ms), 50)),
        "err_ms_abs_p99": float(np.percentile(np.abs(err_ms), 99)),
        "err_ms_abs_max": float(np.abs(err_ms).max()),
        "half_buffer_ms": half_buf_ms,
        "outside_buffer_ms_p90": float(np.percentile(outside_ms, 90)),
        "outside_buffer_ms_p99": float(np.percentile(outside_ms, 99)),
        "outside_buffer_ms_max": float(outside_ms.max()),
        "drift_ms_first_to_last_window": float(means[-1] - means[0]) if len(means) > 1 else 0.0,
        "drift_ms_spread_of_window_medians": float(means.max() - means.min()) if len(means) else 0.0,
        "drift_ms_linear_trend": float(trend),
        "window_medians_ms": [round(float(m), 2) for m in means],
        "song_span_seconds": song_span,
        "backwards_steps": int((diffs < 0).sum()),
        "min_step_ms": float(diffs.min() * 1000) if len(diffs) else 0.0,
        "stats": {k: v for k, v in stats.items() if k != "sample_warnings"},
    }


def run_hits(args: argparse.Namespace) -> dict[str, object]:
    from duet_drums.audio.track import silent_track
    from duet_drums.core.kit import Piece

    out = Path(args.out)
    _setup_env(out, args.delay)
    rate = 48000
    eng = _engine(args.buffer, Path(args.samples))
    piece = Piece(args.piece)
    sample = eng.bank.get(piece)
    if sample is None:
        raise SystemExit(f"no {piece} sample")
    buf = eng.buffer_frames
    eng.load_song(silent_track(args.count * args.gap_s * 2 + 2, rate))
    eng.start()
    time.sleep(0.2)
    requests: list[int] = []
    for _ in range(args.count):
        requests.append(eng.frames_consumed)  # frames handed to the device so far
        eng.play_hit(piece, 127, -1)
        time.sleep(args.gap_s)
    time.sleep(0.2)
    eng.close()
    lead_frames = os.stat(out).st_size // 8 - eng.frames_consumed  # silence SDL wrote before us
    data = np.fromfile(out, dtype=np.float32).reshape(-1, 2)[:, 0]
    # Onsets: first frame above a threshold after at least 50 ms of silence.
    thr = 1e-4
    loud = np.flatnonzero(np.abs(data) > thr)
    onsets = [int(loud[0])] if len(loud) else []
    d = np.diff(loud)
    onsets += [int(x) for x in loud[1:][d > int(0.05 * rate)]]
    # The sample's own first frame above the threshold, to turn onsets into voice starts.
    sample_lead = int(np.flatnonzero(np.abs(sample) > thr)[0])
    starts = [o - sample_lead for o in onsets]
    delays = [s - lead_frames - r for s, r in zip(starts, requests, strict=False)]
    worst_diff = 0.0
    gain = np.float32(eng.mixer.gains.hits * eng.mixer.gains.master)
    for s0 in starts:
        seg = data[s0:s0 + len(sample)]
        worst_diff = max(worst_diff, float(np.max(np.abs(seg - sample[:len(seg)] * gain))))
    return {
        "mode": "hits",
        "piece": piece.value,
        "disk_delay_ms": args.delay,
        "buffer_frames": buf,
        "requests": len(requests),
        "onsets_found": len(onsets),
        "delay_frames": delays,
        "delay_frames_max": max(delays) if delays else None,
        "delay_frames_min": min(delays) if delays else None,
        "waveform_max_abs_diff": worst_diff,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["clock", "hits"])
    ap.add_argument("--seconds", type=float, default=180.0)
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--buffer", type=int, default=256)
    ap.add_argument("--delay", type=int, default=None, help="SDL_DISKAUDIODELAY ms (default: SDL's own)")
    ap.add_argument("--every-ms", type=float, default=1.0)
    ap.add_argument("--window-s", type=float, default=5.0, help="drift: median error per window")
    ap.add_argument("--settle-s", type=float, default=5.0, help="drift: skip this much song first")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--gap-s", type=float, default=0.25)
    ap.add_argument("--piece", default="hihat")
    ap.add_argument("--samples", default=str(Path(__file__).resolve().parents[1] / "assets" / "samples"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--dump", default=None, help="save raw observations and samples (.npz)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.out is None:
            args.out = str(Path(tmp) / "out.raw")
        result = run_clock(args) if args.mode == "clock" else run_hits(args)
    json.dump(result, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
