"""`duet-drums`: the game with no arguments, tools as subcommands.

Each group of subcommands lives in its own module under `duet_drums.commands` and
exposes `register(subparsers)`; this file only wires them together. A command module
that fails to import (a missing dependency, a bug) is reported on stderr with the
reason, and the other commands still work: a broken MIDI library must not take
`duet-drums list` down with it, nor hide why `devices` is gone.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

COMMAND_MODULES = ("charts", "engine", "game", "scores", "devices", "coach", "library")


def _import_command(name: str, problems: list[str]) -> ModuleType | None:
    module = f"duet_drums.commands.{name}"
    try:
        return importlib.import_module(module)
    except Exception as exc:
        problems.append(f"duet-drums: the {name!r} commands are unavailable: importing {module} failed: "
                        f"{type(exc).__name__}: {exc}")
        return None


def build_parser(problems: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser with every command that imports; each one that does not is described
    in `problems` (printed to stderr when no list is given)."""
    parser = argparse.ArgumentParser(
        prog="duet-drums",
        description="Duet Drums: a drum rhythm game for two players. With no command, starts the game.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    found: list[str] = []
    for name in COMMAND_MODULES:
        module = _import_command(name, found)
        if module is not None:
            module.register(sub)
    if problems is None:
        for line in found:
            print(line, file=sys.stderr)
    else:
        problems.extend(found)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        game = _import_command("game", [])
        if game is None:
            return 1  # build_parser has said why
        return int(game.run_default())
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
