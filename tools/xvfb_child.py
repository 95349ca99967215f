"""The half of a screenshot script that runs outside the window: a private Xvfb, a clean
profile, and the script itself again as a child drawing on that display.

    def main(argv=None) -> int:
        return screenshot_main(__file__, _child, __doc__, argv, SIZE)

The child gets `--child --out DIR` and SDL's x11 driver on the private display, the
dummy audio driver, and fresh config and data folders (no personal settings or scores
in the documentation).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def screenshot_main(script: str, child: Callable[[Path], int], doc: str | None, argv: list[str] | None,
                    size: tuple[int, int], timeout_s: float = 300) -> int:
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))  # the child may use the tests' support code too
    if args.child:
        return child(out)
    from tests.support.xvfb import running_xvfb

    with running_xvfb(f"{size[0]}x{size[1]}x24") as display, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy",
               "PYGAME_HIDE_SUPPORT_PROMPT": "1",
               "DUET_DRUMS_CONFIG_DIR": f"{home}/config", "DUET_DRUMS_DATA_DIR": f"{home}/data"}
        proc = subprocess.run([sys.executable, script, "--child", "--out", str(out)], env=env,
                              cwd=ROOT, timeout=timeout_s, check=False)
    return proc.returncode
