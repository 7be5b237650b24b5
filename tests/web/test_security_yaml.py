"""Hostile YAML is refused before it is expanded: aliases and anchors, deep nesting, huge numbers
and huge texts get one clear line (with its line number) from the loader, from `sparring
scenario lint` and from the trainer's editor, whose text is saved as a draft first and kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from server.cli.main import app as cli_app
from server.models import ScenarioDraft
from server.scenario import ScenarioError, parse_scenario
from server.scenario.loader import MAX_YAML_CHARS, MAX_YAML_DEPTH, lint

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios" / "hostile_telecom_outage.yaml"


def laughs(levels: int = 8) -> str:
    """The classic alias bomb: a few kilobytes that expand to 10^levels strings."""
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"id: *a{levels}")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "bomb": (laughs(), 1, "anchor &a0 is not allowed"),
    "recursive": ("id: x\nloop: &l [*l]\n", 2, "anchor &l is not allowed"),
    "alias only": ("id: x\ntitle: *missing\n", 2, "alias *missing is not allowed"),
    "deep": ("id: x\nnest: " + "[" * 5000 + "]" * 5000 + "\n", 2, "nested more than"),
    "deep block": (
        "id: x\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(60)) + " " * 60 + "v: 1\n",
        MAX_YAML_DEPTH + 2,
        "nested more than",
    ),
    "long number": ("id: x\nmood:\n  start: " + "7" * 5000 + "\n", 3, "5,000 characters long"),
    "long float": ("id: x\nmood:\n  start: 1." + "5" * 60 + "\n", 3, "characters long"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_yaml_gets_one_clear_line(name: str) -> None:
    text, line, message = HOSTILE[name]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(text, "x.yaml")
    problems = refused.value.problems
    assert len(problems) == 1
    assert problems[0].line == line and message in problems[0].message, str(problems[0])


def test_quoted_long_digits_and_the_shipped_personas_are_fine() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert parse_scenario(text).id == "hostile_telecom_outage"
    from server.scenario.loader import check_yaml_safety

    check_yaml_safety('ref: "' + "7" * 5000 + '"\n', "x.yaml")  # text, not a number
    with pytest.raises(ScenarioError, match="keep a file under"):
        check_yaml_safety("#" * (MAX_YAML_CHARS + 1), "x.yaml")


def test_lint_reports_hostile_files_without_tracebacks(tmp_path: Path) -> None:
    for name, (text, _, _) in HOSTILE.items():
        (tmp_path / f"{name.replace(' ', '_')}.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "huge.yaml").write_text("#" * (MAX_YAML_CHARS * 4 + 1), encoding="utf-8")
    count, problems = lint([tmp_path])
    assert count == 0
    assert len(problems) == len(HOSTILE) + 1
    result = CliRunner().invoke(cli_app, ["scenario", "lint", str(tmp_path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bomb.yaml:1: YAML anchor &a0 is not allowed" in result.output
    assert "huge.yaml: the file is" in result.output


def test_the_trainer_keeps_the_text_of_a_hostile_validate(login, db: Session) -> None:  # type: ignore[no-untyped-def]
    trainer = login("trainer@demo.local")
    trainer.page("/trainer/scenarios/hostile_telecom_outage/edit")
    for text, _, message in HOSTILE.values():
        response = trainer.submit(
            "/trainer/scenarios/hostile_telecom_outage/validate", {"yaml_text": text}
        )
        assert response.status_code == 422
        assert message.split(" ")[0] in response.text
        db.expire_all()
        draft = db.exec(
            select(ScenarioDraft).where(ScenarioDraft.scenario_id == "hostile_telecom_outage")
        ).one()
        assert draft.yaml_text == text, "the draft was saved before the check"
