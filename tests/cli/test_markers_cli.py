"""`sparring markers FILE.jsonl` and `sparring scorer eval FILE.jsonl`, run for real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from server.cli.main import app

runner = CliRunner()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_markers_writes_one_line_per_input_line(tmp_path):
    source = write(
        tmp_path / "turns.jsonl",
        [
            json.dumps(
                {
                    "text": "I'm sorry. So you were charged twice? I will refund it by 5 pm today.",
                    "context": "You charged me twice!",
                }
            ),
            json.dumps({"text": "mhm"}),
            json.dumps({"text": "Please calm down. As I said, we'll look into it."}),
        ],
    )
    result = runner.invoke(app, ["markers", str(source)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 3
    first, second, third = (line["markers"] for line in lines)
    assert first[0] == "apology"
    assert {"closed_question", "ownership_commitment"} <= set(first)
    assert len(first) == len(set(first))
    assert second == ["filler"]
    assert {"told_to_calm_down", "repeat_reference", "diffuse_commitment"} <= set(third)


def test_markers_bad_line_names_file_and_line(tmp_path):
    source = write(
        tmp_path / "bad.jsonl", [json.dumps({"text": "ok"}), json.dumps({"context": "x"})]
    )
    result = runner.invoke(app, ["markers", str(source)])
    assert result.exit_code != 0
    assert f"{source}:2:" in result.output
    assert '"text"' in result.output


def test_markers_missing_file(tmp_path):
    result = runner.invoke(app, ["markers", str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0
    assert "no such file" in result.output


def test_scorer_eval_prints_metrics_and_confusion(tmp_path):
    source = write(
        tmp_path / "q.jsonl",
        [
            json.dumps({"text": "What happened?", "label": "open"}),
            json.dumps({"text": "Did it arrive?", "label": "closed"}),
        ],
    )
    result = runner.invoke(app, ["scorer", "eval", str(source)])
    assert result.exit_code == 0, result.output
    assert "accuracy  1.000" in result.stdout
    assert "precision" in result.stdout and "recall" in result.stdout
    assert "confusion (rows: gold, columns: predicted)" in result.stdout


def test_scorer_eval_bad_labels(tmp_path):
    source = write(tmp_path / "x.jsonl", [json.dumps({"text": "hi", "label": "maybe"})])
    result = runner.invoke(app, ["scorer", "eval", str(source)])
    assert result.exit_code != 0
    assert "match no task" in result.output


def test_installed_command_runs(tmp_path):
    source = write(tmp_path / "t.jsonl", [json.dumps({"text": "Is the light green?"})])
    script = Path(sys.executable).with_name("sparring")
    completed = subprocess.run(
        [str(script), "markers", str(source)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {"markers": ["closed_question"]}


LABELLED = Path(__file__).resolve().parents[1] / "scorer" / "labelled"


def test_scorer_eval_folder_prints_agreement_kappa_and_confusion():
    result = runner.invoke(app, ["scorer", "eval", str(LABELLED)])
    assert result.exit_code == 0, result.output
    assert "conversations=4  labels=8" in result.stdout
    for part in ("tune half", "check half", "kappa", "confusion per behavior", "ownership"):
        assert part in result.stdout
    assert "misses on the tune half" not in result.stdout


def test_scorer_eval_folder_misses_and_json():
    shown = runner.invoke(app, ["scorer", "eval", str(LABELLED), "--misses"])
    assert shown.exit_code == 0, shown.output
    assert "misses on the tune half" in shown.stdout
    assert "broadband_textbook.json" not in shown.stdout  # check half: aggregate only
    as_json = runner.invoke(app, ["scorer", "eval", str(LABELLED), "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert data["conversations"] == 4 and data["overall"]["labels"] == 8
    assert set(data["halves"]) == {"tune", "check"}
    assert {o["file"] for o in data["outcomes"]} == {
        "refund_chat_calm_down.json",
        "parcel_repeat_as_i_said.json",
        "broadband_textbook.json",
    }


def test_scorer_eval_folder_errors(tmp_path):
    bad = tmp_path / "set"
    bad.mkdir()
    (bad / "one.json").write_text('{"turns": []}', encoding="utf-8")
    result = runner.invoke(app, ["scorer", "eval", str(bad)])
    assert result.exit_code == 1
    assert f'{bad / "one.json"}: field "expect" is missing' in result.output
    source = write(tmp_path / "q.jsonl", [json.dumps({"text": "Why?", "label": "open"})])
    result = runner.invoke(app, ["scorer", "eval", str(source), "--misses"])
    assert result.exit_code == 1
    assert "apply to a folder" in result.output


def test_scorer_trust_prints_and_writes_the_section(tmp_path):
    from scorer.evaluation import TRUST_BEGIN, TRUST_END

    printed = runner.invoke(app, ["scorer", "trust", f"mine={LABELLED}"])
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith(TRUST_BEGIN)
    assert "| mine | 4 | 8 |" in printed.stdout
    page = tmp_path / "page.md"
    page.write_text(f"# Page\n\n{TRUST_BEGIN}\nstale\n{TRUST_END}\n\nend\n", encoding="utf-8")
    written = runner.invoke(app, ["scorer", "trust", f"mine={LABELLED}", "--write", str(page)])
    assert written.exit_code == 0, written.output
    assert "section updated" in written.stdout
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Page\n\n") and text.endswith("\n\nend\n")
    assert printed.stdout.strip() in text and "stale" not in text
    again = runner.invoke(app, ["scorer", "trust", f"mine={LABELLED}", "--write", str(page)])
    assert "already current" in again.stdout


def test_scorer_trust_errors(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# no markers\n", encoding="utf-8")
    result = runner.invoke(app, ["scorer", "trust", str(LABELLED), "--write", str(page)])
    assert result.exit_code == 1
    assert f"{page} has no <!-- scorer-trust:begin" in result.output
    missing = runner.invoke(app, ["scorer", "trust", str(tmp_path / "nothing")])
    assert missing.exit_code == 1 and "no such folder" in missing.output
