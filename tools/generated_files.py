"""`--check` for the generator scripts: shipped assets must be exactly what the script makes."""

from __future__ import annotations

import sys
from pathlib import Path


def check_generated(out: Path, expected: dict[str, bytes], what: str, script: str) -> int:
    """0 when every file in `out` matches `expected` byte for byte, else 1 naming the stale ones."""
    stale = [name for name, data in expected.items()
             if not (out / name).is_file() or (out / name).read_bytes() != data]
    for name in stale:
        print(f"out of date: {out / name}", file=sys.stderr)
    if stale:
        print(f"run: python tools/{script}", file=sys.stderr)
        return 1
    print(f"{len(expected)} {what} up to date in {out}")
    return 0
