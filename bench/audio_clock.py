"""Measure the song clock and hit latency against SDL's *disk* audio driver; prints JSON.

How the disk driver paces itself (SDL 2, src/audio/disk): its thread calls our callback
for a buffer, writes the buffer to a file, then sleeps SDL_DISKAUDIODELAY ms, and again.
One buffer of audio is "consumed" per (callback + write + sleep), so its pace against
the wall clock is buffer_ms / (delay_ms + overhead_ms). The overhead (our callback, the
GIL, the write, a late wake-up) depends on the machine and its load, so the bench sets
the delay to make the sleep dominate and reports what the device really did:
- `device_pace_max` = buffer_ms / delay_ms: SDL_Delay never sleeps less, so the device
  can never run faster than this, on any machine; a delay longer than a buffer makes a
  device *slower* than the wall clock by at least that much, whatever the load.
- `device_pace`, measured from the callbacks over the song, and `clock_pace`, the song
  clock's own rate over the same stretch (song seconds per wall second / speed).
- stalls: a cycle more than 1.5x the median cycle (a late wake-up, a busy machine). A real
  sound card does not stall, and no clock can foresee one, so errors are judged on the
  samples taken while the device ran steadily (no stall in the cycle, nor in the
  `recover_buffers` before it: the clock's documented re-lock time, its offset window
  plus its slew; and less than 5 % of the clock's 2 s fit window spent in stalls, which
  would bend the slope it extrapolates with). In a stall the clock should hold rather
  than run on: it runs at most one normal callback interval past the frames it was fed
  (`ahead_of_fed_buffers_max`, in buffers; that interval is the clock's own p95 over its
  last 2 s, so several buffers on a device that stalls often).
The default delay (buffer_ms rounded down) runs within a few percent of the wall clock,
sometimes right at it, where following the audio and following the wall look the same;
a very small one (1 ms) runs 4-9x fast, which multiplies every scheduling delay of the
machine by that much in audio time. Use a delay that puts the pace clearly away from 1x
but not far from it: `--buffer 512 --delay 5` (<= 2.13x) or `--buffer 256 --delay 7`
(<= 0.76x).

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

  python bench/audio_clock.py clock --seconds 180 --buffer 512 --delay 5   # 2x fast
  python bench/audio_clock.py clock --seconds 10 --buffer 256 --delay 7    # 0.75x slow
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


STALL_FACTOR = 1.5  # a cycle this much longer than the median one is a stall
STEADY_STALL_SHARE = 0.05  # at most this share of the clock's fit window spent in stalls


def _steady_cycles(stamps_ns: np.ndarray, recover: int,
                   fit_window_ns: float) -> tuple[np.ndarray, np.ndarray]:
    """Per callback cycle k (from callback k to k+1): (stalled, steady). Steady: no stall
    in cycle k nor in the `recover` cycles before it, and stalls took less than
    STEADY_STALL_SHARE of the clock's fit window before it (the clock's slope is a line
    through that window: stalls in it lower the slope, so even a device that runs
    steadily again is followed a little late until they leave the window)."""
    cycles = np.diff(stamps_ns)
    stalled = cycles > STALL_FACTOR * np.median(cycles)
    idx = np.arange(len(cycles))
    recent = np.concatenate([[0], np.cumsum(stalled)])
    lo = np.maximum(idx - recover, 0)
    no_recent_stall = (recent[idx + 1] - recent[lo]) == 0
    ends = stamps_ns[1:]
    stall_time = np.concatenate([[0.0], np.cumsum(np.where(stalled, cycles, 0.0))])
    start = np.searchsorted(ends, ends - fit_window_ns)
    share = (stall_time[idx + 1] - stall_time[start]) / fit_window_ns
    return stalled, no_recent_stall & (share < STEADY_STALL_SHARE)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.polyfit(x - x[0], y, 1)[0]) if len(x) > 10 else 0.0


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
    stamps = np.array([r[0] for r in rows], dtype=np.float64)
    obs = np.array(observations, dtype=np.float64)
    # The device's own behaviour: its pace and its stalls, from its callbacks.
    recover = int(np.ceil((clock.offset_window_s + clock.slew_s) * rate / buf))
    stalled, steady_cycle = _steady_cycles(obs[:, 0], recover, float(clock.window_ns))
    k = np.clip(np.searchsorted(obs[:, 0], stamps, side="right") - 1, 0, len(obs) - 2)
    steady = steady_cycle[k]
    # At a sample instant the device has consumed `consumed_at` frames and is busy with
    # the buffer ending there: the frame playing now is, on average, half a buffer back.
    pos = consumed_at - buf / 2 - lat - d0_ours
    sel = (pos > buf) & (pos < n - buf)
    truth_mid = track.start_time + pos * track.speed / rate
    err_all_ms = (song - truth_mid) * 1000
    # Interpolated truth: the device consumes buffer k steadily between callbacks k and
    # k+1, so the position at t is F_k + N * (t - t_k) / (t_{k+1} - t_k). This removes
    # the one-buffer quantisation of the counter (which would alias with the sampling).
    frac = np.clip((stamps - obs[k, 0]) / (obs[k + 1, 0] - obs[k, 0]), 0, 1)
    f_interp = obs[k, 1] + frac * (obs[k + 1, 1] - obs[k, 1])
    pos_i = f_interp - lat - d0_ours
    truth_i = track.start_time + pos_i * track.speed / rate
    half_buf_ms = buf / 2 / rate * 1000 * track.speed
    # How far the clock ran past the frames it had been fed (the sample's `consumed_at`),
    # in buffers: the clock promises at most one normal callback's worth.
    ahead_buffers = (err_all_ms[sel] / 1000 * rate / track.speed - buf / 2) / buf
    # The first `--settle-s` seconds of playback (the fit converging) are left out.
    judged = sel & steady & (pos_i > 0) & (song > track.start_time + args.settle_s)
    err_ms = err_all_ms[judged]
    err_i_ms = (song - truth_i)[judged] * 1000
    outside_ms = np.maximum(np.abs(err_ms) - half_buf_ms, 0)
    # Drift: the error's slow component, the median error over each window of song; a
    # clock on the wall clock would drift by seconds here.
    secs = song[judged]
    bins = np.floor(secs / args.window_s).astype(int)
    means = np.array([np.median(err_i_ms[bins == b]) for b in np.unique(bins) if (bins == b).sum() >= 10])
    diffs = np.diff(song[sel])
    trend = np.polyfit(secs, err_i_ms, 1)[0] * (secs[-1] - secs[0]) if len(secs) > 10 else 0.0
    song_span = float(song[sel][-1] - song[sel][0]) if sel.any() else 0.0
    # Paces over the settled song, at the same instants: the device's (its interpolated
    # position) and the clock's, so both lines weigh the same moments.
    settled = sel & (song > track.start_time + args.settle_s)
    device_pace = _slope(stamps[settled] / 1e9, f_interp[settled]) / rate
    clock_pace = _slope(stamps[settled] / 1e9, song[settled]) / track.speed
    # The device's own pace over the clock's fit window (its last 2 s), for the clock's
    # internal rate estimate.
    recent = obs[obs[:, 0] >= obs[-1, 0] - 2e9]
    recent_rate = _slope(recent[:, 0] / 1e9, recent[:, 1])
    cycles_ms = np.diff(obs[:, 0]) / 1e6
    if args.dump:
        np.savez(args.dump, obs=obs.astype(np.int64), rows=np.array(rows, np.float64),
                 d0_ours=d0_ours, lat=lat)
    return {
        "mode": "clock",
        "song_seconds": args.seconds,
        "speed": args.speed,
        "disk_delay_ms": args.delay,
        "buffer_frames": buf,
        "wall_seconds": wall,
        "audio_vs_wall": (n / rate) / wall,
        "device_pace_max": (buf / rate * 1000) / args.delay if args.delay else None,
        "device_pace": device_pace,
        "clock_pace": clock_pace,
        "clock_vs_device_pace": clock_pace / device_pace - 1.0,
        "device_rate_last_2s": recent_rate,
        "device_cycle_ms_median": float(np.median(cycles_ms)),
        "device_cycle_ms_p99": float(np.percentile(cycles_ms, 99)),
        "device_stalls": int(stalled.sum()),
        "device_stall_ms_max": float(cycles_ms.max()),
        "device_stall_share": float(cycles_ms[stalled].sum() / cycles_ms.sum()),
        "recover_buffers": recover,
        "samples": int(sel.sum()),
        "samples_judged": int(judged.sum()),
        "steady_share": float(judged.sum() / max(1, settled.sum())),
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
        "ahead_of_fed_buffers_max": float(ahead_buffers.max()),
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
    # The first frame of the latest callback that has *started* (a callback fills a buffer
    # for a while before the consumed count moves on).
    started = [0]
    feed = eng.clock.observe

    def observe(stamp_ns: int, frame: int, frames: int = 0) -> None:
        started[0] = frame
        feed(stamp_ns, frame, frames)

    eng.clock.observe = observe  # type: ignore[method-assign]
    eng.load_song(silent_track(args.count * args.gap_s * 2 + 2, rate))
    eng.start()
    time.sleep(0.2)
    requests: list[int] = []
    spreads: list[int] = []
    for _ in range(args.count):
        before = eng.frames_consumed  # frames handed to the device so far
        eng.play_hit(piece, 127, -1)
        # A callback that ran (or started) while we asked moves the buffer the hit can
        # land in on by its frames: the request's own uncertainty, measured.
        spreads.append(max(eng.frames_consumed, started[0] + buf) - before)
        requests.append(before)
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
        "request_spread_frames": spreads,  # 0 unless a callback ran meanwhile
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
