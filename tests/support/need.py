"""A test that cannot run for want of a part of the machine: a skip here, a failure in CI.

Locally a missing `jackd`, an Xvfb that will not start or a missing linter is a reason to
skip, printed by `-ra`. In CI the same skip would let a run pass that tested nothing of
the real-time paths, so `.ci/run` sets `DUET_DRUMS_REQUIRE_REALTIME=1` and every such
test fails instead, with the same reason. Every skip for a missing system part goes
through `unavailable()`, so that rule lives in one place.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REQUIRE_ENV = "DUET_DRUMS_REQUIRE_REALTIME"


def required() -> bool:
    """True when a test that cannot run must fail (CI), not skip."""
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0")


def unavailable(reason: str) -> NoReturn:
    """Skip with `reason`, or fail with it when the run requires every test to run."""
    if required():
        pytest.fail(f"{reason} ({REQUIRE_ENV} is set: a test that cannot run fails)", pytrace=False)
    pytest.skip(reason)
