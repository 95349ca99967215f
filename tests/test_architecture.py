"""The architecture, checked from the source: every import of every module of the package
(top level, inside functions, under TYPE_CHECKING, relative, and literal
`importlib.import_module("...")` calls), read with `ast` without importing anything.

Rules:

1. `core` is pure: it imports no pygame, mido or rtmidi, and nothing that reads a clock
   or sleeps (`time`, `datetime`, `asyncio`, `threading`, `_thread`, `sched`,
   `multiprocessing`, `concurrent`, `subprocess`). Times come in as arguments.
2. Dependencies point down. The layers, bottom to top (DESIGN.md, plus where the two
   top-level helper modules sit):

       core
       settings, paths,     the user's options (TOML), where the bundled assets are,
       set_aside            and how a damaged file is kept: read by storage, inputs,
                            audio and app alike, and needing only core themselves
       formats
       library, storage
       inputs
       audio
       app
       commands, editor
       cli, __main__        the entry points

   A module may import its own layer and the layers below, never one above. A module
   in no layer fails the test until it is given one here.
3. Scenes never import each other: a module under `app/scenes/` imports no other scene
   module (`app/scenes/base.py`, the scene interface, is shared), and outside
   `app/scenes/` only `app/registry.py` imports scene modules. Scenes reach each other
   through the navigator with a route.

Each rule is shown to fail on a small package the test writes (`test_*_is_caught`).
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "duet_drums"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("settings", "paths", "set_aside"),
    ("formats",),
    ("library", "storage"),
    ("inputs",),
    ("audio",),
    ("app",),
    ("commands", "editor"),
    ("cli", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
LAYER_LINE = " < ".join(", ".join(names) for names in LAYERS)

CORE_FORBIDDEN = ("pygame", "mido", "rtmidi", "time", "datetime", "asyncio", "threading", "_thread",
                  "sched", "multiprocessing", "concurrent", "subprocess")
SCENES = f"{PACKAGE}.app.scenes"
SCENE_INTERFACE = f"{SCENES}.base"
REGISTRY = f"{PACKAGE}.app.registry"


@dataclass(frozen=True)
class Import:
    target: str  # absolute dotted name
    line: int


@dataclass(frozen=True)
class Module:
    name: str  # dotted name
    path: Path
    is_package: bool


def modules(src: Path, package: str = PACKAGE) -> Iterator[Module]:
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        yield Module(".".join(parts), path, is_package)


def _absolute(module: Module, level: int, name: str | None) -> str:
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports_of(module: Module) -> list[Import]:
    """Every import in the file, wherever it is. `from X import y` counts as importing X
    and X.y (y may be a submodule)."""
    tree = ast.parse(module.path.read_text(encoding="utf-8"), str(module.path))
    found: list[Import] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, node.level, node.module) if node.level else (node.module or "")
            found.append(Import(source, node.lineno))
            found += [Import(f"{source}.{alias.name}", node.lineno)
                      for alias in node.names if alias.name != "*"]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id in ("import_module", "__import__")))):
            found.append(Import(node.args[0].value, node.lineno))
    return found


def _layer(name: str, package: str) -> str | None:
    parts = name.split(".")
    if parts[0] != package or len(parts) < 2:
        return None
    return parts[1]


def _is_scene_module(name: str) -> bool:
    return name.startswith(f"{SCENES}.") and not name.startswith(SCENE_INTERFACE)


def _module_violations(module: Module, where: Path, own: str, package: str) -> list[str]:
    out: list[str] = []
    reported: set[tuple[str, str, int]] = set()  # (rule, what, line): `from X import y` is X and X.y

    def report(rule: str, what: str, imp: Import, why: str) -> None:
        if (rule, what, imp.line) not in reported:
            reported.add((rule, what, imp.line))
            out.append(f"{where}:{imp.line}: {module.name} -> {imp.target}: {why}")

    for imp in imports_of(module):
        top = imp.target.split(".")[0]
        if own == "core" and top in CORE_FORBIDDEN:
            report("pure", top, imp, "core must stay pure (no pygame, mido, rtmidi, clocks or sleeps: "
                                     "times are arguments)")
            continue
        target = _layer(imp.target, package)
        if target is not None and target in RANK and RANK[target] > RANK[own]:
            report("layer", target, imp, f"{own} may not import {target}, a layer above it "
                                         f"({LAYER_LINE})")
        scene = ".".join(imp.target.split(".")[:4])
        if _is_scene_module(imp.target) and scene != ".".join(module.name.split(".")[:4]):
            if _is_scene_module(module.name):
                report("scene", scene, imp, "a scene module may not import another scene module "
                                            "(open it through the navigator with a route)")
            elif module.name != REGISTRY and not module.name.startswith(f"{SCENES}."):
                report("scene", scene, imp, f"only {REGISTRY} may import scene modules "
                                            "(everything else opens screens by route)")
    return out


def violations(src: Path, package: str = PACKAGE) -> list[str]:
    """One line per forbidden arrow: `file:line: importer -> imported: why`."""
    out: list[str] = []
    for module in modules(src, package):
        where = module.path.relative_to(src.parent)
        own = _layer(module.name, package)
        if own is None:
            continue  # the package's own __init__
        if own not in RANK:
            out.append(f"{where}:1: {module.name} is in no layer; give `{own}` a place in LAYERS "
                       f"(tests/test_architecture.py)")
            continue
        out += _module_violations(module, where, own, package)
    return out


# -- the real package -----------------------------------------------------------------

def test_the_package_keeps_its_architecture() -> None:
    problems = violations(ROOT / "src")
    assert not problems, "\n".join(problems)


def test_every_package_of_duet_drums_has_a_layer() -> None:
    tops = {p.name.removesuffix(".py") for p in (ROOT / "src" / PACKAGE).iterdir()
            if p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())}
    assert tops - {"__init__"} <= set(RANK), sorted(tops - {"__init__"} - set(RANK))


def test_the_checker_sees_every_kind_of_import() -> None:
    """It read the lazy imports round one hid inside functions (e.g. the CLI's)."""
    by_name = {m.name: m for m in modules(ROOT / "src")}
    game = {i.target for i in imports_of(by_name[f"{PACKAGE}.commands.game"])}
    assert f"{PACKAGE}.app.main" in game  # imported inside a function
    base = {i.target for i in imports_of(by_name[f"{PACKAGE}.app.scenes.base"])}
    assert f"{PACKAGE}.app.navigator" in base  # under TYPE_CHECKING


# -- each rule can fail -------------------------------------------------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    src = tmp_path / "src"
    for rel, code in {"__init__.py": "", **files}.items():
        path = src / PACKAGE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(src / PACKAGE).parents:
            init = src / PACKAGE / parent / "__init__.py"
            if not init.exists():
                init.write_text("")
        path.write_text(textwrap.dedent(code))
    return src


def _arrows(problems: list[str]) -> list[str]:
    """`file:line: importer -> imported` of each problem, sorted (the reason cut off)."""
    return sorted(": ".join(p.split(": ", 2)[:2]) for p in problems)


def test_core_importing_pygame_or_a_clock_is_caught(tmp_path: Path) -> None:
    src = _package(tmp_path, {
        "core/draw.py": "import pygame\n",
        "core/wait.py": """\
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                import datetime


            def later() -> None:
                from time import sleep
                sleep(1)
            """,
        "core/loop.py": "import asyncio.tasks\nimport threading\n",
        "core/fine.py": "import math\nfrom duet_drums.core import draw\n",
    })
    problems = violations(src)
    assert _arrows(problems) == [
        "src/duet_drums/core/draw.py:1: duet_drums.core.draw -> pygame",
        "src/duet_drums/core/loop.py:1: duet_drums.core.loop -> asyncio.tasks",
        "src/duet_drums/core/loop.py:2: duet_drums.core.loop -> threading",
        "src/duet_drums/core/wait.py:4: duet_drums.core.wait -> datetime",  # under TYPE_CHECKING
        "src/duet_drums/core/wait.py:8: duet_drums.core.wait -> time",  # inside a function
    ]
    assert all("core must stay pure (no pygame, mido, rtmidi, clocks or sleeps" in p for p in problems)


def test_a_layer_importing_one_above_it_is_caught(tmp_path: Path) -> None:
    src = _package(tmp_path, {
        "app/main.py": "",
        "inputs/keys.py": """\
            def f() -> None:
                from ..app import main
            """,
        "storage/db.py": "import duet_drums.inputs.keys\n",
        "settings.py": "from duet_drums.storage import db\n",
        "audio/ok.py": "from duet_drums.inputs import keys\nfrom duet_drums.settings import x\n",
        "core/up.py": "from duet_drums import settings\n",
    })
    problems = violations(src)
    assert _arrows(problems) == [  # audio/ok.py imports only layers below it
        "src/duet_drums/core/up.py:1: duet_drums.core.up -> duet_drums.settings",
        # relative, inside a function:
        "src/duet_drums/inputs/keys.py:2: duet_drums.inputs.keys -> duet_drums.app",
        "src/duet_drums/settings.py:1: duet_drums.settings -> duet_drums.storage",
        "src/duet_drums/storage/db.py:1: duet_drums.storage.db -> duet_drums.inputs.keys",
    ]
    why = {p.split(": ", 2)[1]: p.split(": ", 2)[2] for p in problems}
    assert why["duet_drums.inputs.keys -> duet_drums.app"] == (
        f"inputs may not import app, a layer above it ({LAYER_LINE})")
    assert why["duet_drums.core.up -> duet_drums.settings"].startswith("core may not import settings")


def test_a_scene_importing_a_scene_is_caught(tmp_path: Path) -> None:
    src = _package(tmp_path, {
        "app/scenes/base.py": "",
        "app/scenes/results.py": "",
        "app/scenes/play.py": """\
            from duet_drums.app.scenes.base import Scene


            def done() -> None:
                from . import results
            """,
        "app/scenes/pause.py": "from duet_drums.app.scenes.results import ResultsScene\n",
        "app/registry.py": "from duet_drums.app.scenes.play import PlayScene\n",
        "app/main.py": "from duet_drums.app.scenes.pause import PauseScene\nfrom .scenes.base import Scene\n",
    })
    problems = violations(src)
    assert _arrows(problems) == [  # base is shared; the registry may import scenes
        "src/duet_drums/app/main.py:1: duet_drums.app.main -> duet_drums.app.scenes.pause",
        "src/duet_drums/app/scenes/pause.py:1: duet_drums.app.scenes.pause -> duet_drums.app.scenes.results",
        "src/duet_drums/app/scenes/play.py:5: duet_drums.app.scenes.play -> duet_drums.app.scenes.results",
    ]
    assert problems[0].endswith("only duet_drums.app.registry may import scene modules "
                                "(everything else opens screens by route)")
    assert all(p.endswith("a scene module may not import another scene module "
                          "(open it through the navigator with a route)") for p in problems[1:])


def test_a_module_in_no_layer_is_caught(tmp_path: Path) -> None:
    src = _package(tmp_path, {"network/sync.py": ""})
    assert violations(src) == [
        "src/duet_drums/network/__init__.py:1: duet_drums.network is in no layer; give `network` a place "
        "in LAYERS (tests/test_architecture.py)",
        "src/duet_drums/network/sync.py:1: duet_drums.network.sync is in no layer; give `network` a place "
        "in LAYERS (tests/test_architecture.py)",
    ]


def test_string_imports_count(tmp_path: Path) -> None:
    src = _package(tmp_path, {
        "app/main.py": "",
        "audio/engine.py": 'import importlib\nmod = importlib.import_module("duet_drums.app.main")\n',
    })
    assert violations(src) == [
        "src/duet_drums/audio/engine.py:2: duet_drums.audio.engine -> duet_drums.app.main: audio may not "
        f"import app, a layer above it ({LAYER_LINE})"]
