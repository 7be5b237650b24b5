"""Contract over the shipped data: every file in scenarios/ loads, the directory is consistent,
and every persona can hold a conversation with the scripted customer."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.customer import Conversation
from server.paths import SCENARIOS_DIR
from server.scenario import load_all, load_curriculum, load_scenario
from server.scenario.loader import CURRICULUM_FILE

PERSONA_FILES = sorted(p for p in SCENARIOS_DIR.glob("*.yaml") if p.name != CURRICULUM_FILE)

# Turns that touch nothing in particular: the customer must keep talking without repeating
# itself by accident, whatever the persona.
NEUTRAL_TURNS = [
    "Thanks for getting in touch.",
    "Let me pull up the details here.",
    "Okay.",
    "One moment please.",
    "Right.",
    "I see.",
]


def test_there_are_personas_to_check() -> None:
    assert PERSONA_FILES, f"no persona files in {SCENARIOS_DIR}"


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda p: p.stem)
def test_persona_file_loads(path: Path) -> None:
    scenario = load_scenario(path)
    assert scenario.id == path.stem


@pytest.mark.skipif(
    not (SCENARIOS_DIR / CURRICULUM_FILE).exists(), reason="no scenarios/curriculum.yaml yet"
)
def test_curriculum_loads_with_ten_weeks() -> None:
    curriculum = load_curriculum(SCENARIOS_DIR / CURRICULUM_FILE)
    assert [week.week for week in curriculum.weeks] == list(range(1, 11))


def test_directory_is_consistent() -> None:
    """Ids unique, markers known, every recommended scenario exists."""
    library = load_all(SCENARIOS_DIR)
    assert sorted(library.scenarios) == [p.stem for p in PERSONA_FILES]


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda p: p.stem)
def test_persona_holds_a_conversation(path: Path) -> None:
    scenario = load_scenario(path)
    conversation = Conversation(scenario, seed=3)
    opening = conversation.opening()
    assert opening.text in scenario.issues[0].opening
    issue_lines = {line for issue in scenario.issues for line in issue.repeats}
    for text in NEUTRAL_TURNS:
        if conversation.ended:
            break
        reply = conversation.reply(text)
        assert reply.text.strip()
    said = [part for part in conversation.state.said if part not in issue_lines]
    assert len(said) == len(set(said)), f"{path.name}: a line was said twice by accident"

