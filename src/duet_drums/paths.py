"""Where the bundled assets are: the package `duet_drums.assets`, through importlib.resources.

The files themselves live in the project's top-level `assets/charts/` and
`assets/samples/`; setup.py maps that folder into the package, so an installed wheel has
them inside `duet_drums/assets/` and an editable install reaches the checkout's folder
through the same import. Either way the answer is a real folder on disk (pip installs
packages unpacked), which the game lists, loads and names in its messages.
`DUET_DRUMS_ASSETS` points the game at another folder (tests, a chart author's set).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

ASSETS_ENV = "DUET_DRUMS_ASSETS"
ASSETS_PACKAGE = "duet_drums.assets"
_CHECKOUT = Path(__file__).resolve().parents[2]


class AssetsMissingError(RuntimeError):
    """The installation has no bundled assets the game can read as files."""


def assets_dir() -> Path:
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override)
    try:
        bundled = resources.files(ASSETS_PACKAGE)
    except ModuleNotFoundError:
        # An editable install made before the assets became a package (its import hook
        # does not know them yet): the checkout's own folder, until it is reinstalled.
        if (_CHECKOUT / "assets" / "__init__.py").is_file():
            return _CHECKOUT / "assets"
        raise AssetsMissingError(
            f"the bundled charts and samples ({ASSETS_PACKAGE}) are not installed; "
            f"reinstall duet-drums, or set {ASSETS_ENV} to a folder with charts/ and samples/"
        ) from None
    if not isinstance(bundled, Path):
        raise AssetsMissingError(f"the bundled assets are not files on disk ({bundled}); install "
                                 f"duet-drums unpacked (as pip does) or set {ASSETS_ENV}")
    return bundled


def charts_dir() -> Path:
    return assets_dir() / "charts"


def samples_dir() -> Path:
    return assets_dir() / "samples"
