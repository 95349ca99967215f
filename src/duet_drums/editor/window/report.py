"""`--report`: one JSON line per thing the editor did, on stdout.

For scripts and tests that drive the real window from outside (xdotool): they cannot
see the screen, so the editor says what it did ("action", "saved", "autosaved",
"recovery-offered") and where its lanes are ("ready"). Each line carries `t`, the
system's monotonic clock, which another process on the machine reads the same way.
Off by default; costs nothing when off.
"""

from __future__ import annotations

import json
import time
from typing import Any

PREFIX = "EDITOR"


class Reporter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, event: str, **data: Any) -> None:
        if self.enabled:
            line = json.dumps({"event": event, "t": time.monotonic(), **data}, default=str)
            print(PREFIX, line, flush=True)


def parse(line: str) -> dict[str, Any] | None:
    """A report line back into its fields (None for any other output)."""
    if not line.startswith(PREFIX + " "):
        return None
    data: dict[str, Any] = json.loads(line[len(PREFIX) + 1:])
    return data
