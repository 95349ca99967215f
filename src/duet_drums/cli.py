"""`duet-drums`: the game with no arguments, tools as subcommands.

Each group of subcommands lives in its own module under `duet_drums.commands` and
exposes `register(subparsers)`; this file only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMAND_MODULES = ("charts", "engine", "game", "scores", "devices", "library")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duet-drums",
        description="Duet Drums: a drum rhythm game for two players. With no command, starts the game.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"duet_drums.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"duet_drums.commands.{name}":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        try:
            game = importlib.import_module("duet_drums.commands.game")
        except ModuleNotFoundError:
            parser.print_help()
            return 0
        return int(game.run_default())
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
