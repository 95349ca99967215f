"""Packaging beyond what pyproject.toml can say: the bundled assets as package data.

The charts and samples live in the top-level `assets/charts/` and `assets/samples/`,
where chart authors and the generator scripts (tools/make_charts.py, make_samples.py)
find them. `package_dir` maps that folder into the package as `duet_drums.assets`, so a
wheel carries them inside `duet_drums/assets/` and the game reads them through
`importlib.resources` (src/duet_drums/paths.py); an editable install maps the same
import to the same folder. Metadata and dependencies stay in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    package_dir={"": "src", "duet_drums.assets": "assets"},
    packages=[*find_packages("src"), "duet_drums.assets"],
    package_data={
        "duet_drums": ["py.typed"],
        "duet_drums.assets": ["charts/*.json", "samples/*.wav"],
    },
)
