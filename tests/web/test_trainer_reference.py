"""Trainers get the persona field reference in the app, generated from the schema, and a save
lists every problem of the text at once."""

from __future__ import annotations

from bs4 import BeautifulSoup

from server.paths import SCENARIOS_DIR
from server.scenario.reference import persona_fields

SCENARIO = "hostile_telecom_outage"


def test_the_field_reference_lists_every_schema_field(login) -> None:  # type: ignore[no-untyped-def]
    response = login("trainer@demo.local").page("/trainer/scenarios/reference")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    shown = [th.get_text(strip=True) for th in soup.select("table.field-reference th.field-path")]
    assert shown[: len(persona_fields())] == [row.path for row in persona_fields()]
    row = soup.find(id="field-difficulty")
    assert row is not None and "whole number 1–5" in row.get_text()
    editor = login("trainer@demo.local").page(f"/trainer/scenarios/{SCENARIO}/edit")
    assert 'href="/trainer/scenarios/reference"' in editor.text


def test_agents_cannot_open_the_reference(login) -> None:  # type: ignore[no-untyped-def]
    response = login("agent1@demo.local").page("/trainer/scenarios/reference")
    assert response.status_code == 403


def test_saving_a_draft_lists_every_problem_at_once(login) -> None:  # type: ignore[no-untyped-def]
    text = (SCENARIOS_DIR / f"{SCENARIO}.yaml").read_text(encoding="utf-8")
    broken = (
        text.replace("difficulty: 3", "difficulty: 9")
        .replace(f"id: {SCENARIO}", f"id: {SCENARIO}_copy", 1)
        .replace("mood:\n", "mood:\n  colour: red\n", 1)
    )
    assert broken.count("\n") == text.count("\n") + 1
    trainer = login("trainer@demo.local")
    trainer.page(f"/trainer/scenarios/{SCENARIO}/edit")
    response = trainer.submit(f"/trainer/scenarios/{SCENARIO}/draft", {"yaml_text": broken})
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    problems = [li.get_text(" ", strip=True) for li in soup.select("#problems li")]
    assert len(problems) == 3, problems
    assert any("id" in p and f"{SCENARIO}_copy" in p for p in problems)
    assert any("difficulty" in p and "got 9" in p for p in problems)
    assert any("mood.colour" in p for p in problems)
    assert "Draft saved. Fix the 3 problems below" in response.text
    # the draft was kept, broken as it is
    assert f"{SCENARIO}_copy" in trainer.page(f"/trainer/scenarios/{SCENARIO}/edit").text
