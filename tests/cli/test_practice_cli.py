"""`sparring practice`, run as a real subprocess replaying agent lines."""

from __future__ import annotations

import json
from pathlib import Path

from scorer import BEHAVIORS
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from tests.cli.runner import Result
from tests.cli.runner import sparring as run_in_process

AGENT_LINES = [
    "I'm so sorry, Dana. Three days without internet when you work from home means you can't"
    " reach your clients.",
    "How has it affected your work?",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at noon.",
    "I will also put a credit on your bill for the days without service.",
    "Thanks for calling, Dana. Goodbye.",
]


def sparring(*args: str, stdin: str | None = None) -> Result:
    return run_in_process(*args, input=stdin)


def agent_file(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "agent.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_practice_text_replays_and_prints_the_scorecard(tmp_path: Path) -> None:
    path = agent_file(tmp_path, AGENT_LINES)
    result = sparring(
        "practice", "hostile_telecom_outage", "--seed", "1", "--agent-lines", str(path)
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    openings = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml").issues[0].opening
    assert any(f"Dana Ruiz: {opening}" in out for opening in openings)
    assert f"you> {AGENT_LINES[0]}" in out
    assert out.count("Dana Ruiz: ") == len(AGENT_LINES) + 1
    assert "Every issue resolved and you closed the call" in out
    for behavior in ("impact_naming", "deescalation", "ownership"):
        assert behavior in out


def test_practice_json(tmp_path: Path) -> None:
    path = agent_file(tmp_path, AGENT_LINES)
    result = sparring(
        "practice",
        str(SCENARIOS_DIR / "hostile_telecom_outage.yaml"),
        "--agent-lines",
        str(path),
        "--json",
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == "resolved"
    turns = data["transcript"]["turns"]
    assert [t["text"] for t in turns if t["speaker"] == "agent"] == AGENT_LINES
    assert data["transcript"]["customer_name"] == "Dana Ruiz"
    states = data["states"]
    assert [s["turn"] for s in states] == list(range(len(AGENT_LINES) + 1))
    assert {"turn", "mood", "customer_said", "markers"} <= set(states[1])
    assert "impact_named" in states[1]["markers"]
    assert states[-1]["mood"] > states[0]["mood"]
    assert [s["customer_said"] for s in states] == [
        t["text"] for t in turns if t["speaker"] == "customer"
    ]
    assert set(data["report"]["behaviors"]) == set(BEHAVIORS)


def test_practice_same_seed_same_run_and_hang_up(tmp_path: Path) -> None:
    path = agent_file(tmp_path, ["Calm down.", "Calm down, please.", "Calm down!", "Hello?"])
    runs = [
        json.loads(
            sparring(
                "practice",
                "hostile_telecom_outage",
                "--agent-lines",
                str(path),
                "--json",
                "--seed",
                "4",
            ).stdout
        )
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    assert runs[0]["outcome"] == "hung_up"
    assert len(runs[0]["transcript"]["turns"]) < 2 * 5  # it ended before the last line


def test_practice_reads_piped_turns_and_ends_when_input_ends() -> None:
    result = sparring("practice", "hostile_telecom_outage", "--json", stdin="Let me check.\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == "ended"
    assert len(data["states"]) == 2


STALLING = [
    "Let me check that for you.",
    "One moment please.",
    "I'm still looking at your account.",
    "Thanks for waiting. I will book a technician for tomorrow morning between 8 and 10.",
]


def test_a_stalling_agent_hears_the_question_again_and_the_scorer_sees_it(
    tmp_path: Path,
) -> None:
    """The outage persona's repeats restate her opening question, so `sparring score` finds
    them and grades patience under repetition, whichever opening the seed picks."""
    lines = agent_file(tmp_path, STALLING)
    openings = set()
    for seed in range(4):
        result = sparring(
            "practice",
            "hostile_telecom_outage",
            "--seed",
            str(seed),
            "--agent-lines",
            str(lines),
            "--json",
        )
        assert result.returncode == 0, result.stderr
        data = json.loads(result.stdout)
        openings.add(data["states"][0]["customer_said"])
        said = [state["customer_said"] for state in data["states"][1:4]]
        assert all("internet" in text and "fixed" in text for text in said), said
        transcript = tmp_path / f"transcript{seed}.json"
        transcript.write_text(json.dumps(data["transcript"]), encoding="utf-8")
        scored = sparring(
            "score",
            str(transcript),
            "--behavior",
            "patience_under_repetition",
            "--format",
            "json",
        )
        assert scored.returncode == 0, scored.stderr
        verdict = json.loads(scored.stdout)["behaviors"]["patience_under_repetition"]
        assert verdict["applicable"] is True and verdict["score"] is not None, verdict
        assert verdict["evidence"], verdict  # quotes the answers to the repeats
    assert len(openings) >= 2


def test_practice_unknown_scenario() -> None:
    result = sparring("practice", "no_such_persona")
    assert result.returncode == 2
    assert "no scenario 'no_such_persona'" in result.stderr
    assert "hostile_telecom_outage" in result.stderr  # lists the known ones
