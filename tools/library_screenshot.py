"""The song select screenshot with a large community library and the search in use.

    python3 tools/library_screenshot.py [--songs 2000] [--out docs/screenshots/song_select-library.png]

Writes `--songs` song folders (half notes.mid, half notes.chart, with song.ini; made-up
titles, artists and charters, 2-7 minutes by the ini), starts a private Xvfb, runs the
game in a child process on it (SDL's x11 driver, a real window), lets the library scan
them in the background as the game does, opens the search (Ctrl+F), types a word, and
saves the window surface with `pygame.image.save` from the App's `after_frame` hook.
It also prints, as JSON, the scan time seen by the UI and the time a selection move
(key press + frame) takes with that library.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 720)
SEARCH = "night"

FIRST = (
    "Electric",
    "Midnight",
    "Broken",
    "Golden",
    "Silent",
    "Neon",
    "Wild",
    "Paper",
    "Velvet",
    "Iron",
    "Summer",
    "Falling",
    "Crimson",
    "Hollow",
    "Burning",
    "Northern",
    "Lonely",
    "Sugar",
    "Thunder",
    "Glass",
)
SECOND = (
    "Night",
    "Heart",
    "Road",
    "Sky",
    "Fire",
    "Dream",
    "River",
    "Machine",
    "Stranger",
    "Highway",
    "Garden",
    "Echo",
    "Rain",
    "Queen",
    "Signal",
    "Horizon",
    "Parade",
    "Shadow",
    "Wolves",
    "Drums",
)
BANDS = (
    "The Owls",
    "Static Bloom",
    "Marrow",
    "Kite Theory",
    "Neon Harbor",
    "Lowtide",
    "Brass Lions",
    "The Pale Riders",
    "Orbit Nine",
    "Saltwater Kings",
    "Echo Park",
    "Velvet Fuzz",
    "North of June",
    "Glasshouse",
    "The Tremors",
    "Cassette Ghosts",
    "Red Lantern",
    "Moth & Flame",
    "Hollow Pines",
    "Juno",
)
CHARTERS = ("Harmonix", "Nyxx", "Miscellany", "DrumLord", "Kaz", "pksage", "Riffmaster", "Onyxia")


def generate(root: Path, count: int, seed: int = 11) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.support.song_files import SongSpec, groove, notes_chart, notes_mid_fast, song_ini

    rng = random.Random(seed)
    for i in range(count):
        title = f"{rng.choice(FIRST)} {rng.choice(SECOND)}" + (
            f" {rng.choice(('II', 'Reprise', 'Live'))}" if rng.random() < 0.15 else ""
        )
        band = rng.choice(BANDS)
        res = 480 if i % 2 == 0 else 192
        bpm = float(rng.randrange(90, 181))
        spec = SongSpec(
            resolution=res,
            tempos=[(0, bpm)],
            gems=groove(8, res, seed=i),
            title=title,
            artist=band,
            charter=rng.choice(CHARTERS),
            sections=[(0, "Intro"), (res * 16, "Verse")],
        )
        folder = root / band / f"{title} ({i})"
        folder.mkdir(parents=True)
        if i % 2 == 0:
            (folder / "notes.mid").write_bytes(notes_mid_fast(spec))
        else:
            (folder / "notes.chart").write_bytes(notes_chart(spec))
        (folder / "song.ini").write_bytes(
            song_ini(
                name=title,
                artist=band,
                charter=spec.charter,
                album=f"{rng.choice(FIRST)} Sessions",
                year=rng.randrange(1975, 2025),
                diff_drums=rng.randrange(7),
                pro_drums="True",
                song_length=rng.randrange(120_000, 420_000),
            )
        )
        for stem in ("song", "guitar", "bass", "drums")[: rng.randrange(1, 5)]:
            (folder / f"{stem}.ogg").write_bytes(b"")  # listed by the scan; never played here


def _child(out: Path, root: Path) -> int:
    sys.path.insert(0, str(ROOT))
    import pygame
    from tests.support.app_driver import close

    from duet_drums.app.context import AppContext
    from duet_drums.app.main import App
    from duet_drums.app.routes import SongSelect, Title
    from duet_drums.app.scenes.song_select import SongSelectScene

    ctx = AppContext.load(stepped=True)
    ctx.settings.library.folders = [str(root)]
    p1, p2 = ctx.settings.players
    p1.name, p2.name = "Mina", "Jae"
    p1.difficulty = "expert"
    app = App(ctx, size=SIZE)
    if pygame.display.get_driver() != "x11":
        print(f"expected the x11 video driver, got {pygame.display.get_driver()}", file=sys.stderr)
        return 1
    shot: dict[str, bool] = {"wanted": False}

    def after_frame(app: App) -> None:
        if shot["wanted"]:
            shot["wanted"] = False
            pygame.image.save(app.screen, str(out))
            print(f"wrote {out}", file=sys.stderr)

    app.after_frame = after_frame

    def key(k: int, mod: int = 0, char: str = "") -> None:
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode=char, scancode=0))
        app.step(1 / 60)

    try:
        app.nav.push(Title())
        app.step()
        started = time.perf_counter()
        app.nav.push(SongSelect())
        select = app.scene
        assert isinstance(select, SongSelectScene)
        frames = 0
        while ctx.library.scanning or ctx.library.scan is None:
            app.step(1 / 60)
            frames += 1
        scan_s = time.perf_counter() - started
        app.step()
        scan = ctx.library.scan
        moves = []
        for _ in range(200):
            t = time.perf_counter()
            key(pygame.K_DOWN)
            moves.append(time.perf_counter() - t)
        key(pygame.K_HOME)
        key(pygame.K_f, pygame.KMOD_LCTRL)
        typed = []
        for ch in SEARCH:
            t = time.perf_counter()
            key(ord(ch), 0, ch)
            typed.append(time.perf_counter() - t)
        for _ in range(5):
            key(pygame.K_DOWN)
        for _ in range(20):
            app.step(1 / 60)
        shot["wanted"] = True
        app.step(1 / 60)
        moves.sort()
        print(
            json.dumps(
                {
                    "songs": len(scan.songs) if scan else 0,
                    "skipped": len(scan.skipped) if scan else 0,
                    "scan_seconds_in_ui": round(scan_s, 2),
                    "frames_drawn_while_scanning": frames,
                    "scan_cached": scan.cached if scan else 0,
                    "move_ms_median": round(moves[len(moves) // 2] * 1000, 2),
                    "move_ms_max": round(moves[-1] * 1000, 2),
                    "search_keystroke_ms_max": round(max(typed) * 1000, 2),
                    "found": sum(1 for r in select.rows if type(r).__name__ == "LibrarySong"),
                }
            )
        )
    finally:
        close(app)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--songs", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots" / "song_select-library.png")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if args.child:
        return _child(out, args.child)
    sys.path.insert(0, str(ROOT))
    from tests.support.xvfb import running_xvfb

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        root = Path(home) / "Songs"
        started = time.perf_counter()
        generate(root, args.songs)
        print(f"generated {args.songs} songs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with running_xvfb(f"{SIZE[0]}x{SIZE[1]}x24") as display:
            env = {
                **os.environ,
                "DISPLAY": display,
                "SDL_VIDEODRIVER": "x11",
                "SDL_AUDIODRIVER": "dummy",
                "PYGAME_HIDE_SUPPORT_PROMPT": "1",
                "DUET_DRUMS_CONFIG_DIR": f"{home}/config",
                "DUET_DRUMS_DATA_DIR": f"{home}/data",
                "DUET_DRUMS_CACHE_DIR": f"{home}/cache",
            }
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(root), "--out", str(out)],
                env=env,
                cwd=ROOT,
                timeout=600,
                check=False,
            )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
