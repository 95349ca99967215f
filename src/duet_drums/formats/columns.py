"""Rows of integers as numpy columns: how the readers hand thousands of events around."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def int_columns(rows: Sequence[Sequence[int]], width: int) -> list[npt.NDArray[np.int64]]:
    """`width` int64 columns from rows of `width` integers (no rows: empty columns)."""
    if not rows:
        return [np.zeros(0, np.int64) for _ in range(width)]
    return list(np.array(rows, dtype=np.int64).reshape(len(rows), width).T)
