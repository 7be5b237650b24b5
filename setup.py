"""Packaging step that pyproject.toml cannot declare: the wheel carries the top-level data folders
(`web/`, `scenarios/`, `alembic/` and `alembic.ini`) inside the `server` package, at
`server/_bundled/`, so an installed Sparring needs no checkout and adds no top-level `web`,
`scenarios` or `alembic` package to site-packages. `server/paths.py` reads them from there when
present, else from the checkout (editable installs and the source tree)."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED_FOLDERS = ("web", "scenarios", "alembic")
BUNDLED_FILES = ("alembic.ini",)


class BuildPyWithData(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout directly
            return
        target = Path(self.build_lib) / "server" / "_bundled"
        for name in BUNDLED_FOLDERS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(
                ROOT / name,
                target / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"),
            )
        for name in BUNDLED_FILES:
            shutil.copy2(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildPyWithData})
