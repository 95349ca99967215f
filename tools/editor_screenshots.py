"""Screenshots of the real editor window under Xvfb, for docs/screenshots/editor-*.png.

    python3 tools/editor_screenshots.py [--out docs/screenshots]

Starts a private Xvfb (1280x720) and runs the editor in a child process with
SDL_VIDEODRIVER=x11 on it, on a copy of the bundled medley. The copy names an audio file
so the waveform strip has something to show: a take rendered from the chart itself
(drums and click, `audio.preview`), standing in for the author's own recording. The
child drives the real scenes with key events and fixed steps (every run gives the same
pictures) and saves the window surface after each scene has been drawn.

- editor-medley.png: the lead's expert part at the chorus, the partner beside it, the keys;
- editor-duet.png: the unison map and density of both parts, at the Post-Chorus, where
  the partner drops out;
- editor-problems.png: the validation panel after a few careless edits on lead hard,
  with the first problem jumped to.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (1280, 720)


def _make_song(folder: Path) -> Path:
    """The medley with a rendered take as its audio file."""
    from duet_drums.audio.preview import PreviewGains, PreviewPart, render_stretch
    from duet_drums.audio.samples import SampleBank
    from duet_drums.audio.wavfile import write_wav
    from duet_drums.core.chart import load_chart, save_chart
    from duet_drums.core.tempo import TempoMap
    from duet_drums.paths import charts_dir, samples_dir

    chart = load_chart(charts_dir() / "summit-medley.json")
    end = TempoMap.from_chart(chart).seconds(chart.last_tick()) + 2.0
    parts = [PreviewPart("lead", "expert", 0.4), PreviewPart("partner", "expert", 0.6)]
    take = render_stretch(chart, SampleBank.load(samples_dir(), 22050), -0.5, end, parts=parts,
                          gains=PreviewGains(drums=0.8, click=0.0, audio=0.0))
    write_wav(folder / "medley-take.wav", take.samples, 22050)
    chart = chart.model_copy(update={"metadata": chart.metadata.model_copy(
        update={"audio": "medley-take.wav", "audio_offset_ms": -500.0})})
    path = folder / "summit-medley.json"
    save_chart(chart, path)
    return path


def _child(out: Path, song: Path) -> int:
    """Runs inside the Xvfb display: drive the editor and save each screen."""
    import pygame

    from duet_drums.app.context import AppContext
    from duet_drums.app.main import App
    from duet_drums.editor.window.registry import editor_registry, shutdown_editors
    from duet_drums.editor.window.routes import Editor, EditorOptions
    from duet_drums.editor.window.scene import EditorScene

    ctx = AppContext.load(stepped=True)
    app = App(ctx, size=SIZE, registry=editor_registry())
    if pygame.display.get_driver() != "x11":
        print(f"expected the x11 video driver, got {pygame.display.get_driver()}", file=sys.stderr)
        return 1
    app.nav.push(Editor(song, EditorOptions()))
    editor = app.scene
    assert isinstance(editor, EditorScene)

    def key(k: int, mod: int = 0, times: int = 1) -> None:
        for _ in range(times):
            pygame.key.set_mods(mod)
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
            app.step(1 / 60)
            pygame.key.set_mods(0)

    def shot(name: str) -> None:
        while editor.playback.audio is None and editor.playback.audio_error is None:
            editor.playback.poll_audio()
            app.step(1 / 60)
        editor.analyser.wait()
        for _ in range(3):
            app.step(1 / 60)
        pygame.image.save(app.screen, str(out / name))
        print(f"wrote {out / name}")

    try:
        for _ in range(10):
            app.step(1 / 60)
        key(pygame.K_PAGEUP, times=16)  # bar 17: the chorus
        key(pygame.K_UP, times=4)
        shot("editor-medley.png")
        key(pygame.K_F3)
        key(pygame.K_PAGEUP, times=8)  # bar 25: the Post-Chorus, where the partner drops out
        key(pygame.K_UP, times=4)
        shot("editor-duet.png")
        key(pygame.K_3, pygame.KMOD_LCTRL)  # lead hard: a few careless edits
        key(pygame.K_HOME)
        key(pygame.K_PAGEUP, times=4)
        key(pygame.K_k)  # a 2x kick below expert
        key(pygame.K_RIGHT)  # snap 1/6: off the grid the chart uses
        key(pygame.K_UP)
        for lane in (pygame.K_2, pygame.K_3, pygame.K_5):
            key(lane)  # three hands at once
        key(pygame.K_RIGHT, times=10)  # free placement
        key(pygame.K_UP, times=12)
        key(pygame.K_3)  # a second hi-hat 13 ms after the first
        key(pygame.K_F2)
        key(pygame.K_j)
        shot("editor-problems.png")
    finally:
        shutdown_editors(app.nav.scenes)  # the unsaved careless edits stay in the temp folder
        app.close()
        ctx.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the real editor window under Xvfb")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="where the PNGs go (default: docs/screenshots)")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.child:
        return _child(out, args.child)
    sys.path.insert(0, str(ROOT))
    from tests.support.xvfb import running_xvfb

    with running_xvfb(f"{SIZE[0]}x{SIZE[1]}x24") as display, tempfile.TemporaryDirectory() as home:
        song = _make_song(Path(home))
        env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1",
               # A clean profile: no personal settings, scores or autosaves in the documentation.
               "DUET_DRUMS_CONFIG_DIR": f"{home}/config", "DUET_DRUMS_DATA_DIR": f"{home}/data"}
        proc = subprocess.run([sys.executable, __file__, "--child", str(song), "--out", str(out)], env=env,
                              cwd=ROOT, timeout=300, check=False)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
