"""`sparring scenario lint|schema`, run as a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

from server.paths import SCENARIOS_DIR
from tests.cli.runner import Result
from tests.cli.runner import sparring as run_in_process

EXAMPLE = SCENARIOS_DIR / "hostile_telecom_outage.yaml"


def sparring(*args: str) -> Result:
    return run_in_process(*args)


def test_lint_clean_file() -> None:
    result = sparring("scenario", "lint", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok: 1 scenarios"


def test_lint_lists_every_problem_with_file_and_line(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("id: hostile_telecom_outage", "id: bad").replace(
            "  start: 3.5 ", "  start: 12 "
        ),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\ntitle: [oops\n", encoding="utf-8")
    start_line = (
        bad.read_text()
        .splitlines()
        .index(
            next(line for line in bad.read_text().splitlines() if line.startswith("  start: 12"))
        )
        + 1
    )
    result = sparring("scenario", "lint", str(bad), str(broken), str(EXAMPLE))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{bad}:{start_line}: mood.start: must be between 0 and 10, got 12"
    assert lines[1].startswith(f"{broken}:") and "YAML syntax" in lines[1]
    assert len(lines) == 2
    assert "2 problem(s)" in result.stderr


def test_lint_a_folder(tmp_path: Path) -> None:
    (tmp_path / EXAMPLE.name).write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = sparring("scenario", "lint", str(tmp_path))
    assert (result.returncode, result.stdout.strip()) == (0, "ok: 1 scenarios")
    missing = sparring("scenario", "lint", str(tmp_path / "nope"))
    assert missing.returncode == 1 and "no such file or folder" in missing.stderr


def test_schema_is_json_schema() -> None:
    result = sparring("scenario", "schema")
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["title"] == "Scenario"
    assert "MoodModel" in schema["$defs"] and "Curriculum" in schema["$defs"]
