"""Browser tests run when a Chromium is found, are skipped with one line saying how to enable them
when none is, and are required when CI=true."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import HOW_TO_ENABLE, chromium_or_skip

ROOT = Path(__file__).resolve().parent.parent


def test_a_found_chromium_is_used() -> None:
    assert chromium_or_skip("/opt/chromium/chrome", ci=False) == "/opt/chromium/chrome"
    assert chromium_or_skip("/opt/chromium/chrome", ci=True) == "/opt/chromium/chrome"


def test_no_chromium_skips_with_how_to_enable() -> None:
    with pytest.raises(pytest.skip.Exception, match="SPARRING_TEST_CHROMIUM"):
        chromium_or_skip(None, ci=False)


def test_no_chromium_fails_under_ci() -> None:
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        chromium_or_skip(None, ci=True)


def _run_browser_suite(ci: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"  # a PATH with the interpreter's folder and no chromium
    bin_dir.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "PATH": str(bin_dir),
        "SPARRING_TEST_CHROMIUM": str(tmp_path / "no-chromium"),
        "CI": ci,
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "tests/browser",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_browser_suite_without_chromium_passes_with_one_skip_line_and_fails_under_ci(
    tmp_path: Path,
) -> None:
    result = _run_browser_suite("", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    skip_lines = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skip_lines) == 1, result.stdout
    assert HOW_TO_ENABLE in skip_lines[0]

    result = _run_browser_suite("true", tmp_path)
    assert result.returncode != 0, result.stdout
    assert "CI=true" in result.stdout
