"""The LLM judge from the command line, as real subprocesses against the fake chat-completions
server: `sparring score --judge`, `sparring practice` (the judge is used whenever
SPARRING_LLM_MODEL is set) and `sparring scorer eval DIR --judge`. The fake refuses
`json_schema` with HTTP 500, as llama-cpp-python's server does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.runner import Result
from tests.cli.runner import sparring as run_in_process
from tests.scorer.fake_chat import OWNERSHIP_POOR, Script, reply_format, serve

FIXTURES = Path(__file__).parents[1] / "scorer" / "fixtures"
LABELLED = Path(__file__).parents[1] / "scorer" / "labelled"


def sparring(*args: str, env: dict[str, str], cwd: Path) -> Result:
    return run_in_process(*args, env={"SPARRING_DATA_DIR": str(cwd / "var"), **env}, cwd=cwd)


@pytest.fixture
def llm() -> Iterator[tuple[dict[str, str], Script]]:
    script = Script(replies={"ownership": OWNERSHIP_POOR}, refuse={"json_schema": 500})
    with serve(script) as (url, running):
        yield {"SPARRING_LLM_BASE_URL": url, "SPARRING_LLM_MODEL": "judge-model"}, running


def test_score_judge_reports_the_layer_and_the_reasons(
    tmp_path: Path, llm: tuple[dict[str, str], Script]
) -> None:
    env, script = llm
    path = FIXTURES / "ownership/poor_ecommerce.json"
    result = sparring("score", str(path), "--judge", "--format", "json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["judge"] == "judge-model (json_object)"
    ownership = report["behaviors"]["ownership"]
    assert (ownership["decided_by"], ownership["level"], ownership["score"]) == (
        "judge",
        "poor",
        20,
    )
    clarity = report["behaviors"]["clarity"]
    assert clarity["decided_by"] == "markers"
    assert "no JSON verdict" in clarity["judge_skipped"]
    kinds = [reply_format(r["body"]) for r in script.requests]
    assert kinds[:2] == ["json_schema", "json_object"] and set(kinds[2:]) == {"json_object"}
    assert len(kinds) == 11  # one refused, then one per behavior

    text = sparring("score", str(path), "--judge", env=env, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "LLM judge: judge-model" in text.stdout
    assert "(judge)" in text.stdout
    assert "markers decided; judge skipped:" in text.stdout


def test_score_judge_without_an_llm_says_what_to_set(tmp_path: Path) -> None:
    path = FIXTURES / "ownership/poor_ecommerce.json"
    result = sparring("score", str(path), "--judge", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "error: --judge: no LLM judge is configured; set SPARRING_LLM_MODEL" in result.stderr
    off = sparring(
        "score",
        str(path),
        "--judge",
        env={"SPARRING_LLM_MODEL": "m", "SPARRING_LLM_JUDGE": "false"},
        cwd=tmp_path,
    )
    assert off.returncode == 2
    assert "SPARRING_LLM_JUDGE=false" in off.stderr


def test_score_judge_when_the_endpoint_is_down(tmp_path: Path) -> None:
    path = FIXTURES / "ownership/poor_ecommerce.json"
    env = {"SPARRING_LLM_BASE_URL": "http://127.0.0.1:9/v1", "SPARRING_LLM_MODEL": "m"}
    result = sparring("score", str(path), "--judge", "--format", "json", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    plain = json.loads(
        sparring("score", str(path), "--format", "json", env={}, cwd=tmp_path).stdout
    )
    for name, entry in report["behaviors"].items():
        assert entry["decided_by"] == "markers"
        assert entry["judge_skipped"].startswith(("could not reach", "not asked: could not"))
        assert entry["score"] == plain["behaviors"][name]["score"]


def test_practice_scores_with_the_configured_judge(
    tmp_path: Path, llm: tuple[dict[str, str], Script]
) -> None:
    env, _ = llm
    lines = tmp_path / "agent.txt"
    lines.write_text(
        "We'll look into it.\nI will book a technician for tomorrow between 8 and 10.\n",
        encoding="utf-8",
    )
    result = sparring(
        "practice",
        "hostile_telecom_outage",
        "--voice",
        "scripted",
        "--agent-lines",
        str(lines),
        "--json",
        env=env,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)["report"]
    assert report["judge"] is not None and report["judge"].startswith("judge-model")
    assert all(
        entry["decided_by"] in ("judge", "markers") for entry in report["behaviors"].values()
    )
    assert report["behaviors"]["ownership"]["decided_by"] == "judge"  # "We'll look into it."
    assert report["behaviors"]["clarity"]["judge_skipped"]


def test_scorer_eval_folder_with_the_judge(
    tmp_path: Path, llm: tuple[dict[str, str], Script]
) -> None:
    env, _ = llm
    result = sparring(
        "scorer", "eval", str(LABELLED), "--format", "json", "--judge", env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    outcomes = json.loads(result.stdout)["outcomes"]
    assert {o["decided_by"] for o in outcomes} <= {"judge", "markers"}
    assert len(outcomes) == 8
