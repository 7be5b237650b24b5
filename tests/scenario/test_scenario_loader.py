"""Broken persona and curriculum files report the right line, field and expectation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from server.paths import SCENARIOS_DIR
from server.scenario import (
    BEHAVIOR_IDS,
    Scenario,
    ScenarioError,
    jsonschema,
    load_all,
    load_curriculum,
    load_scenario,
    parse_curriculum,
    parse_scenario,
)

EXAMPLE = (SCENARIOS_DIR / "hostile_telecom_outage.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def broken(old: str, new: str) -> str:
    assert EXAMPLE.count(old) == 1, f"{old!r} is not unique in the example"
    return EXAMPLE.replace(old, new)


def problems_of(text: str, source: str = "x.yaml") -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source)
    return [str(problem) for problem in caught.value.problems]


def test_example_parses() -> None:
    scenario = parse_scenario(EXAMPLE)
    assert scenario.customer.name == "Dana Ruiz"
    assert [issue.id for issue in scenario.issues] == ["outage", "credit"]


def test_out_of_range_number_names_line_field_and_range() -> None:
    text = broken("  start: 3.5 ", "  start: 12 ")
    line = line_of(text, "  start: 12")
    assert problems_of(text, "scenarios/x.yaml") == [
        f"scenarios/x.yaml:{line}: mood.start: must be between 0 and 10, got 12"
    ]


def test_unknown_key_lists_the_allowed_ones() -> None:
    text = broken("    asks_at_least: 1\n", "    asks_at_least: 1\n    asks_twice: true\n")
    [problem] = problems_of(text)
    line = line_of(text, "asks_twice")
    assert problem.startswith(f"x.yaml:{line}: issues[0].asks_twice: unknown field 'asks_twice'")
    assert "asks_at_least" in problem and "resolved_by" in problem


def test_wrong_choice_lists_the_choices() -> None:
    text = broken("type: hostile ", "type: angry ")
    [problem] = problems_of(text)
    assert problem.startswith(f"x.yaml:{line_of(text, 'type: angry')}: type: must be one of")
    assert "'multi_issue'" in problem and "got 'angry'" in problem


def test_unknown_behavior_is_refused() -> None:
    text = broken("behaviors: [impact_naming,", "behaviors: [empathy,")
    [problem] = problems_of(text)
    assert f":{line_of(text, 'behaviors:')}: behaviors[0]: must be one of" in problem


def test_missing_field_points_at_its_parent() -> None:
    text = broken("  goal: A technician visit", "  aim: A technician visit")
    found = problems_of(text)
    customer_line = line_of(text, "customer:")
    assert f"x.yaml:{customer_line}: customer.goal: required; add `goal:`" in "\n".join(found)


def test_yaml_word_that_is_not_text_says_to_quote_it() -> None:
    text = broken("    - Alright. Go on.\n", "    - yes\n")
    [problem] = problems_of(text)
    line = line_of(text, "    - yes")
    assert problem == f"x.yaml:{line}: lines.neutral[0]: must be text, got True; put it in quotes"


def test_numbers_in_topics_and_phrases_are_kept_as_written() -> None:
    text = broken(
        "    topics: [technician, fix, repair, engineer, outage, appointment]\n",
        "    topics: [technician, 39, 64.90, 1e3, 007]\n",
    )
    text = text.replace(
        "      phrases: [credit, refund, money back, take it off]\n",
        "      phrases: [credit, 12.50, no]\n",
    )
    text = text.replace(
        "        topics: [light, lights, router, modem, box]\n",
        "        topics: [light, 5, box]\n",
    )
    scenario = parse_scenario(text)
    outage, credit = scenario.issues
    assert outage.topics == ["technician", "39", "64.90", "1e3", "007"]
    assert credit.resolved_by.phrases == ["credit", "12.50", "no"]
    assert scenario.customer.withheld[1].revealed_by.topics == ["light", "5", "box"]


def test_numbers_in_topics_given_in_code_become_text() -> None:
    data = yaml.safe_load(EXAMPLE)
    data["issues"][0]["topics"] = ["technician", 39, 64.99]
    data["issues"][1]["resolved_by"]["phrases"] = [15]
    scenario = Scenario.model_validate(data)
    assert scenario.issues[0].topics == ["technician", "39", "64.99"]
    assert scenario.issues[1].resolved_by.phrases == ["15"]
    data["issues"][0]["topics"] = ["technician", True]
    with pytest.raises(ValidationError, match="topics.1"):
        Scenario.model_validate(data)


def test_yaml_syntax_error_reports_its_line() -> None:
    text = broken("title: Three days without internet, third call", "title: [unclosed")
    [problem] = problems_of(text)
    assert problem.startswith("x.yaml:")
    assert "YAML syntax" in problem
    reported = int(problem.split(":")[1])
    assert abs(reported - line_of(text, "title: [unclosed")) <= 1


def test_duplicate_key_is_reported_with_both_lines() -> None:
    text = broken("difficulty: 3 ", "difficulty: 2\ndifficulty: 3 ")
    [problem] = problems_of(text)
    first = line_of(text, "difficulty: 2")
    assert (
        problem == f"x.yaml:{first + 1}: difficulty: given twice (first on line {first}); keep one"
    )


def test_unknown_marker_in_reactions_points_at_the_key() -> None:
    text = broken("    told_to_calm_down:\n", "    told_to_relax:\n")
    [problem] = problems_of(text)
    line = line_of(text, "told_to_relax:")
    assert problem.startswith(
        f"x.yaml:{line}: mood.reactions.told_to_relax: unknown marker 'told_to_relax'"
    )
    assert "told_to_calm_down" in problem  # the list of known markers


def test_unknown_marker_in_resolve_rule() -> None:
    text = broken("      markers: [ownership_commitment]", "      markers: [promise]")
    [problem] = problems_of(text)
    assert problem.startswith(
        f"x.yaml:{line_of(text, '[promise]')}: issues[0].resolved_by.markers[0]: unknown marker"
    )


def test_reveal_next_when_has_one_clear_message() -> None:
    text = broken("    reveal_next_when: resolved", "    reveal_next_when: soon")
    assert problems_of(text) == [
        f"x.yaml:{line_of(text, 'when: soon')}: issues[0].reveal_next_when: "
        "must be `resolved` or `{after_turns: N}`, got 'soon'"
    ]
    text = broken("      after_turns: 2", "      after_turns: 0")
    assert problems_of(text) == [
        f"x.yaml:{line_of(text, 'after_turns: 0')}: issues[1].reveal_next_when.after_turns: "
        "must be at least 1, got 0"
    ]


def test_ask_term_lines_need_the_placeholder() -> None:
    text = broken("    - What is a {term}? Say it in plain English.", "    - What is that?")
    [problem] = problems_of(text)
    assert problem.startswith(f"x.yaml:{line_of(text, 'ask_term:')}: lines.ask_term:")
    assert "{term}" in problem


def test_thresholds_must_be_in_order() -> None:
    text = broken("  hang_up_at: 0\n", "  hang_up_at: 5\n")
    [problem] = problems_of(text)
    assert f":{line_of(text, 'mood:')}: mood: hang_up_at (5.0) must be below start" in problem


def test_all_problems_of_a_file_are_listed() -> None:
    text = re.sub(r"(?m)^version: \d+", "version: one", broken("difficulty: 3 ", "difficulty: 9 "))
    found = problems_of(text)
    assert [p.split(": ")[1] for p in found] == ["version", "difficulty"]


def test_file_must_be_a_mapping() -> None:
    assert problems_of("- just\n- a list\n") == [
        "x.yaml:1: the file must be a mapping of fields (`id: …`, `title: …`, …); "
        "see scenarios/hostile_telecom_outage.yaml"
    ]


def test_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other_name.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (line_of(EXAMPLE, "id: hostile_telecom_outage"), "id")
    assert "must equal the file name 'other_name'" in problem.message


def _curriculum(weeks: list[dict[str, object]]) -> str:
    return json.dumps({"weeks": weeks}, indent=2)  # JSON is YAML


def _week(i: int, **overrides: object) -> dict[str, object]:
    week: dict[str, object] = {
        "week": i,
        "behavior": BEHAVIOR_IDS[i - 1],
        "category": "Listening",
        "title": f"Week {i}",
        "do_this": ["Say back what you heard."],
        "dont_say": ["As I said before…"],
        "scenarios": [],
    }
    return week | overrides


def test_directory_cross_checks(tmp_path: Path) -> None:
    (tmp_path / "hostile_telecom_outage.yaml").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(EXAMPLE.replace("id: hostile_telecom_outage", "id: copy"))
    weeks = [_week(i) for i in range(1, 11)]
    weeks[2] = _week(3, scenarios=["hostile_telecom_outage", "no_such_persona"])
    (tmp_path / "curriculum.yaml").write_text(_curriculum(weeks), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_all(tmp_path)
    [problem] = caught.value.problems
    text = (tmp_path / "curriculum.yaml").read_text()
    assert problem.file.endswith("curriculum.yaml")
    assert problem.line == line_of(text, '"no_such_persona"')
    assert problem.field == "weeks[2].scenarios[1]"
    weeks[2] = _week(3, scenarios=["hostile_telecom_outage", "copy"])
    (tmp_path / "curriculum.yaml").write_text(_curriculum(weeks), encoding="utf-8")
    library = load_all(tmp_path)
    assert sorted(library.scenarios) == ["copy", "hostile_telecom_outage"]
    assert library.curriculum is not None and library.curriculum.weeks[2].pass_threshold == 70


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    # Within one directory the file name decides the id, so a copied file shows up as an id
    # that does not match its file name.
    (tmp_path / "hostile_telecom_outage.yaml").write_text(EXAMPLE, encoding="utf-8")
    (tmp_path / "twin.yaml").write_text(EXAMPLE, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_all(tmp_path)
    assert [(p.field, Path(p.file).name) for p in caught.value.problems] == [("id", "twin.yaml")]


def test_curriculum_weeks_must_follow_the_behaviors() -> None:
    weeks = [_week(i) for i in range(1, 11)]
    weeks[3] = _week(4, behavior="clarity")
    text = _curriculum(weeks)
    with pytest.raises(ScenarioError) as caught:
        parse_curriculum(text, "curriculum.yaml")
    [problem] = caught.value.problems
    assert problem.message == "week 4 must practise deescalation, got clarity"
    weeks[3] = _week(4, pass_threshold=120)
    with pytest.raises(ScenarioError) as caught:
        parse_curriculum(_curriculum(weeks), "curriculum.yaml")
    [problem] = caught.value.problems
    assert problem.field == "weeks[3].pass_threshold"
    assert problem.line == line_of(_curriculum(weeks), '"pass_threshold": 120')
    assert problem.message == "must be between 0 and 100, got 120"


def test_load_curriculum_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "curriculum.yaml"
    path.write_text(_curriculum([_week(i) for i in range(1, 11)]), encoding="utf-8")
    assert load_curriculum(path).week_for("clarity").week == 7


def test_json_schema_describes_persona_and_curriculum() -> None:
    schema = jsonschema()
    assert schema["additionalProperties"] is False
    assert {"id", "customer", "mood", "issues", "lines"} <= set(schema["required"])
    assert "Curriculum" in schema["$defs"] and "Week" in schema["$defs"]
    mood = schema["$defs"]["MoodModel"]["properties"]["start"]
    assert (mood["minimum"], mood["maximum"]) == (0, 10)
    opening = schema["$defs"]["Issue"]["properties"]["opening"]
    assert [option["type"] for option in opening["anyOf"]] == ["string", "array"]
    assert "variants" in opening["description"]
    topic = schema["$defs"]["Issue"]["properties"]["topics"]["items"]
    assert [option["type"] for option in topic["anyOf"]] == ["string", "number"]
    dont_say = schema["$defs"]["Week"]["properties"]["dont_say"]["items"]
    assert {"string", "object"} <= {option.get("type", "object") for option in dont_say["anyOf"]}
    json.dumps(schema)  # serialisable as is


def test_behavior_id_type_lists_the_scorers_behaviors_in_order() -> None:
    from typing import get_args

    from scorer import BEHAVIORS
    from server.scenario.schema import BehaviorId

    assert get_args(BehaviorId) == BEHAVIORS == BEHAVIOR_IDS
