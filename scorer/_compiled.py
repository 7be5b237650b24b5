"""Whether the scorer runs its compiled modules or its Python sources.

The install compiles the scorer's hot modules with mypyc when it can (see `setup.py`) and
records, in `_compiled.json`, a digest of every source it compiled. The compiled modules are
used only while each of those sources is unchanged: after an edit (or a checkout of another
commit) the scorer runs from its sources until the next install compiles it again, so that
the code that runs is always the code in the files. `SPARRING_PURE_PYTHON=1` runs the sources
whatever the state.

This module and `scorer/__init__.py`, which calls it before importing anything else of the
package, are never compiled.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import (
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    FileFinder,
    ModuleSpec,
    SourceFileLoader,
)
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

# What setup.py and this module share (setup.py loads this file on its own to read them).
MANIFEST = "_compiled.json"
NATIVE_GROUP = "_native"  # mypyc's group: the compiled modules share one library, named:
NATIVE_LIBRARY = NATIVE_GROUP + "__mypyc"
PURE_PYTHON_ENV = "SPARRING_PURE_PYTHON"


def pure_python_requested(environ: Mapping[str, str] = os.environ) -> bool:
    """`SPARRING_PURE_PYTHON` is set to anything but "" or "0"."""
    return environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0")


class Mode(NamedTuple):
    """`compiled`: the compiled modules run; `reason`: why, or why not, in a sentence."""

    compiled: bool
    reason: str


def source_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def decide(package: Path, environ: Mapping[str, str] = os.environ) -> Mode:
    """How the package at `package` (the `scorer/` directory) should run."""
    manifest = package / MANIFEST
    if pure_python_requested(environ):
        return Mode(False, f"Python sources ({PURE_PYTHON_ENV} is set)")
    if not manifest.is_file():
        return Mode(False, "Python sources (the install did not compile the scorer)")
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
        sources = recorded["sources"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return Mode(False, f"Python sources ({manifest} is unreadable: {error}; reinstall)")
    if not any((package / (NATIVE_LIBRARY + suffix)).is_file() for suffix in EXTENSION_SUFFIXES):
        return Mode(
            False,
            f"Python sources (no compiled modules for Python {sys.version.split()[0]} here; "
            "reinstall with it to compile them)",
        )
    root = package.parent
    for relative, digest in sorted(sources.items()):
        path = root / relative
        if not path.is_file() or source_digest(path) != digest:
            return Mode(
                False,
                f"Python sources ({relative} changed since the scorer was compiled; reinstall, "
                "e.g. `make test`, to compile it again)",
            )
    return Mode(True, f"compiled with mypyc {recorded.get('mypy', '')}".rstrip())


class SourcesOnly(MetaPathFinder):
    """Finds the package's submodules as `.py` files only, ahead of the compiled ones."""

    def __init__(self, package: str) -> None:
        self.prefix = package + "."

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
        /,
    ) -> ModuleSpec | None:
        if path is None or not fullname.startswith(self.prefix):
            return None
        for entry in path:
            finder = FileFinder(entry, (SourceFileLoader, SOURCE_SUFFIXES))
            spec = finder.find_spec(fullname, target)
            if spec is not None:
                return spec
        return None


def choose(package_name: str, package: Path) -> Mode:
    """Decide, and when the sources are to run, make every later import of the package's
    submodules load them (none of them is imported yet)."""
    mode = decide(package)
    if not mode.compiled and not any(isinstance(f, SourcesOnly) for f in sys.meta_path):
        sys.meta_path.insert(0, SourcesOnly(package_name))
    return mode
