"""Argument types shared by the subcommands, so `simulate` and `play` read players alike."""

from __future__ import annotations

import argparse
import sys

from duet_drums.core.chart import DIFFICULTIES, Chart, ChartError, load_chart


def part_difficulty(text: str) -> tuple[str, str]:
    """`lead:expert` -> ("lead", "expert"); argparse shows the message on a bad value."""
    part, sep, difficulty = text.partition(":")
    if not sep or not part or difficulty not in DIFFICULTIES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected PART:DIFFICULTY, e.g. lead:expert (difficulties: {', '.join(DIFFICULTIES)})")
    return part, difficulty


def load_chart_or_report(path: str) -> Chart | None:
    """The chart, or None after printing its problems (file, JSON path, what is wrong) to
    stderr: every command that reads a chart refuses a bad one the same way."""
    try:
        return load_chart(path)
    except ChartError as exc:
        print(exc, file=sys.stderr)
        return None
