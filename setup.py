"""Build hook: compiles the scorer's hot modules to C with mypyc, when it can.

Everything else about the package is in pyproject.toml. The scorer is plain Python and runs
as it is; compiled, a call takes about a quarter less time. The compiled build is optional:

- `SPARRING_PURE_PYTHON=1` at install time skips it;
- when the build fails (no C compiler, no Python headers), the install goes on without it and
  says so; the package then runs from its sources.

The build records a digest of every source it compiled (`scorer/_compiled.json`); at run time
`scorer/__init__.py` uses the compiled modules only while every one of those sources is
unchanged (see `scorer/_compiled.py`).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from setuptools import setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).parent


def _load_compiled_module() -> ModuleType:
    """scorer/_compiled.py on its own (importing the package would import the whole scorer):
    its manifest name, library name, digest and environment switch are the ones read at run
    time."""
    spec = importlib.util.spec_from_file_location(
        "_sparring_compiled", ROOT / "scorer" / "_compiled.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMPILED = _load_compiled_module()
# Interpreted on purpose: the package root (it chooses compiled or source modules, so it must
# import before either) and the module that decides it; `conversation.py`, whose
# `functools.cached_property` attributes need an instance `__dict__`, which compiled classes do not
# have (compiled, they would be worked out again at every read); the judge and the evaluation
# runner, which are not on the scoring path.
INTERPRETED = {
    "scorer/__init__.py",
    "scorer/_compiled.py",
    "scorer/conversation.py",
    "scorer/judge.py",
    "scorer/evaluation.py",
}


def compiled_sources() -> list[str]:
    """The scorer's modules to compile, as paths relative to the project root."""
    relative = (path.relative_to(ROOT).as_posix() for path in (ROOT / "scorer").rglob("*.py"))
    return sorted(path for path in relative if path not in INTERPRETED)


class OptionalBuildExt(build_ext):
    """Builds the compiled modules all or none, and records the sources they were built from
    (`scorer/_compiled.json`); a failure leaves the package as sources."""

    def run(self) -> None:
        if not self.extensions:
            return
        if self.inplace or getattr(self, "editable_mode", False):
            # Compiled modules of an earlier build, in the source tree: one whose module is no
            # longer compiled would still be imported ahead of its source.
            for stale in (ROOT / "scorer").rglob("*.so"):
                stale.unlink()
        try:
            super().run()
        except Exception as error:  # any build failure means "run as sources"
            self._give_up(error)
            return
        self._record_sources()

    def _manifests(self) -> list[Path]:
        found = [Path(self.build_lib) / "scorer" / COMPILED.MANIFEST]
        if self.inplace or getattr(self, "editable_mode", False):
            found.append(ROOT / "scorer" / COMPILED.MANIFEST)
        return found

    def _record_sources(self) -> None:
        from mypy.version import __version__ as mypy_version

        record = {
            "mypy": mypy_version,
            "sources": {path: COMPILED.source_digest(ROOT / path) for path in compiled_sources()},
        }
        for manifest in self._manifests():
            manifest.parent.mkdir(parents=True, exist_ok=True)
            manifest.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")

    def _give_up(self, error: Exception) -> None:
        for manifest in self._manifests():
            manifest.unlink(missing_ok=True)
        for output in self.get_outputs():
            Path(output).unlink(missing_ok=True)
        self.extensions = []
        print(
            f"sparring: the compiled scorer was not built ({str(error)[-300:]}); the scorer runs "
            "from its Python sources (slower). Install a C compiler and the Python headers "
            "(Debian: gcc python3-dev) and reinstall to build it.",
            file=sys.stderr,
        )


# The commands that build the package; the others (metadata, sdist) need no compiling.
BUILD_COMMANDS = {"build", "build_ext", "bdist_wheel", "editable_wheel", "install", "develop"}


def ext_modules() -> list[object]:
    if BUILD_COMMANDS.isdisjoint(sys.argv[1:]):
        return []
    if COMPILED.pure_python_requested():
        return []
    try:
        from mypyc.build import mypycify
    except ImportError:
        print("sparring: mypyc is not available; the scorer runs from its sources", file=sys.stderr)
        return []
    try:
        group = f"scorer.{COMPILED.NATIVE_GROUP}"  # one library, scorer/_native__mypyc.*.so
        return list(mypycify(compiled_sources(), opt_level="3", group_name=group))
    except (Exception, SystemExit) as error:  # mypyc exits on a type error
        print(f"sparring: mypyc could not compile the scorer ({error})", file=sys.stderr)
        return []


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
