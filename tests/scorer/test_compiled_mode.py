"""Compiled or sources: `scorer._compiled` runs the compiled modules only while the sources
they were built from are unchanged, and both give the same reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import scorer
from scorer._compiled import (
    MANIFEST,
    NATIVE_LIBRARY,
    PURE_PYTHON_ENV,
    SourcesOnly,
    decide,
    source_digest,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _package(tmp_path: Path) -> Path:
    """A `scorer/` directory with two sources, a manifest of their digests and (a stand-in
    for) the compiled library."""
    package = tmp_path / "scorer"
    (package / "markers").mkdir(parents=True)
    (package / (NATIVE_LIBRARY + EXTENSION_SUFFIXES[0])).write_bytes(b"stand-in")
    (package / "text.py").write_text("X = 1\n")
    (package / "markers" / "patterns.py").write_text("Y = 2\n")
    sources = {
        relative: source_digest(tmp_path / relative)
        for relative in ("scorer/text.py", "scorer/markers/patterns.py")
    }
    (package / MANIFEST).write_text(json.dumps({"mypy": "2.4.1", "sources": sources}))
    return package


def test_compiled_while_every_source_is_unchanged(tmp_path: Path) -> None:
    mode = decide(_package(tmp_path), environ={})
    assert mode.compiled
    assert mode.reason == "compiled with mypyc 2.4.1"


def test_an_edited_source_runs_the_sources_and_is_named(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / "markers" / "patterns.py").write_text("Y = 3\n")
    mode = decide(package, environ={})
    assert not mode.compiled
    assert "scorer/markers/patterns.py changed since the scorer was compiled" in mode.reason


def test_no_compiled_library_for_this_python_runs_the_sources(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / (NATIVE_LIBRARY + EXTENSION_SUFFIXES[0])).unlink()
    (package / (NATIVE_LIBRARY + ".cpython-399-x86_64-linux-gnu.so")).write_bytes(b"other")
    mode = decide(package, environ={})
    assert not mode.compiled
    assert "no compiled modules for Python" in mode.reason


def test_a_removed_source_runs_the_sources(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / "text.py").unlink()
    assert not decide(package, environ={}).compiled


def test_no_manifest_means_not_compiled(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / MANIFEST).unlink()
    mode = decide(package, environ={})
    assert not mode.compiled
    assert "did not compile" in mode.reason


@pytest.mark.parametrize("content", ["{not json", '{"mypy": "2.4.1"}', "[1, 2]"])
def test_an_unreadable_manifest_runs_the_sources_and_says_so(tmp_path: Path, content: str) -> None:
    package = _package(tmp_path)
    (package / MANIFEST).write_text(content)
    mode = decide(package, environ={})
    assert not mode.compiled
    assert MANIFEST in mode.reason and "reinstall" in mode.reason


@pytest.mark.parametrize("value", ["1", "yes"])
def test_the_environment_variable_forces_the_sources(tmp_path: Path, value: str) -> None:
    mode = decide(_package(tmp_path), environ={PURE_PYTHON_ENV: value})
    assert not mode.compiled
    assert PURE_PYTHON_ENV in mode.reason
    assert decide(_package(tmp_path / "again"), environ={PURE_PYTHON_ENV: "0"}).compiled


def test_sources_only_finds_the_py_file_beside_a_compiled_module(tmp_path: Path) -> None:
    package = _package(tmp_path)
    (package / ("text" + EXTENSION_SUFFIXES[0])).write_bytes(b"not a real extension")
    finder = SourcesOnly("scorer")
    spec = finder.find_spec("scorer.text", [str(package)])
    assert spec is not None and spec.origin == str(package / "text.py")
    (package / "markers" / "__init__.py").write_text("")
    (package / "markers" / ("__init__" + EXTENSION_SUFFIXES[0])).write_bytes(b"not real")
    package_spec = finder.find_spec("scorer.markers", [str(package)])
    assert package_spec is not None and package_spec.origin == str(
        package / "markers" / "__init__.py"
    )
    assert finder.find_spec("elsewhere.text", [str(package)]) is None
    assert finder.find_spec("scorer.text", None) is None


def _reports_in_subprocess(pure: bool) -> dict[str, object]:
    """The reports of every behavior fixture, and how the scorer ran, from a new interpreter."""
    env = {key: value for key, value in os.environ.items() if key != PURE_PYTHON_ENV}
    if pure:
        env[PURE_PYTHON_ENV] = "1"
    code = (
        "import json, sys, scorer, scorer.markers.patterns as p\n"
        "reports = {path: scorer.score(scorer.load(path)).to_dict() for path in sys.argv[1:]}\n"
        "print(json.dumps({'compiled': scorer.MODE.compiled, 'reason': scorer.MODE.reason,\n"
        "    'patterns': p.__file__, 'reports': reports}))\n"
    )
    paths = sorted(str(path) for path in FIXTURES.glob("*/*.*"))
    assert len(paths) >= 40
    done = subprocess.run(
        [sys.executable, "-c", code, *paths],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_sources_and_the_installed_scorer_give_the_same_reports() -> None:
    pure = _reports_in_subprocess(pure=True)
    installed = _reports_in_subprocess(pure=False)
    assert pure["compiled"] is False
    assert str(pure["patterns"]).endswith("patterns.py")
    # (The subprocess runs without the switch, whatever this process runs with.)
    assert installed["compiled"] is decide(Path(scorer.__file__).parent, environ={}).compiled
    # MODE tells the truth: compiled, the modules come from compiled files, else from sources.
    assert str(installed["patterns"]).endswith(".py") is not installed["compiled"]
    assert pure["reports"] == installed["reports"]
