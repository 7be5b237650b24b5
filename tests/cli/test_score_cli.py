"""`sparring score FILE`, run as a real subprocess: JSON equals `report.to_dict()`, text is the
scorecard, bad input is one `error:` line with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import scorer
from tests.cli.runner import Result
from tests.cli.runner import sparring as run_in_process

FIXTURES = Path(__file__).parents[1] / "scorer" / "fixtures"


def sparring(*args: str, cwd: Path) -> Result:
    return run_in_process(*args, env={"SPARRING_DATA_DIR": str(cwd / "var")}, cwd=cwd)


def test_json_output_is_exactly_the_report(tmp_path: Path) -> None:
    path = FIXTURES / "forwardable_summary/good_telecom.txt"
    result = sparring("score", str(path), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == scorer.score(scorer.load(path)).to_dict()


def test_behavior_options_and_text_scorecard(tmp_path: Path) -> None:
    path = FIXTURES / "patience_under_repetition/poor_utilities.vtt"
    result = sparring(
        "score",
        str(path),
        "--behavior",
        "ownership",
        "--behavior",
        "patience_under_repetition",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    transcript = scorer.load(path)
    report = scorer.score(transcript, behaviors=["ownership", "patience_under_repetition"])
    assert result.stdout == scorer.render_text(report, transcript)
    assert result.stdout.startswith("patience_under_repetition")
    assert '[00:20] "As I mentioned' in result.stdout


def test_bad_file_is_one_error_line_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text("Agent: Hello\nCustomer: Hi\nBob: hey\n", encoding="utf-8")
    result = sparring("score", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {path}:3: unknown speaker 'Bob' — use Agent:/Customer: or an alias such as "
        "rep/caller\n"
    )


def test_missing_file_and_unknown_behavior_and_format(tmp_path: Path) -> None:
    missing = sparring("score", str(tmp_path / "nope.vtt"), cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: ") and "file not found" in missing.stderr
    assert "Traceback" not in missing.stderr
    path = str(FIXTURES / "ownership/good_utilities.txt")
    unknown = sparring("score", path, "--behavior", "empathy", cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("error: --behavior: unknown behavior 'empathy'")
    assert "active_listening" in unknown.stderr
    bad_format = sparring("score", path, "--format", "xml", cwd=tmp_path)
    assert bad_format.returncode == 2
    assert "use text or json" in bad_format.stderr
