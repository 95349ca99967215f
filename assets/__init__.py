"""The bundled charts and samples, installed as the package `duet_drums.assets`.

This folder stays where the project's layout puts it (top-level `assets/`); setup.py
maps it into the package so the files ship inside a wheel and are found through
`importlib.resources` (see src/duet_drums/paths.py). No code lives here.
"""
