"""Argument types shared by the subcommands, so `simulate` and `play` read players alike."""

from __future__ import annotations

import argparse

from duet_drums.core.chart import DIFFICULTIES


def part_difficulty(text: str) -> tuple[str, str]:
    """`lead:expert` -> ("lead", "expert"); argparse shows the message on a bad value."""
    part, sep, difficulty = text.partition(":")
    if not sep or not part or difficulty not in DIFFICULTIES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: expected PART:DIFFICULTY, e.g. lead:expert (difficulties: {', '.join(DIFFICULTIES)})")
    return part, difficulty
