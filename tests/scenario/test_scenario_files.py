"""Contract over the shipped data: every file in scenarios/ loads, the directory is consistent,
and every persona can hold a conversation with the scripted customer."""

from __future__ import annotations

from pathlib import Path

import pytest

from scorer import Transcript, Turn
from scorer.conversation import Conversation as ScoredConversation
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


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda p: p.stem)
def test_openings_vary_so_they_cannot_be_memorised(path: Path) -> None:
    scenario = load_scenario(path)
    first, *later = scenario.issues
    assert len(set(first.opening)) >= 3, f"{path.name}: give issue {first.id} 3+ openings"
    for issue in later:
        assert len(set(issue.opening)) >= 2, f"{path.name}: give issue {issue.id} 2+ openings"
    heard = {Conversation(scenario, seed=seed).opening().text for seed in range(10)}
    assert len(heard) >= 2, f"{path.name}: ten seeds all opened with {heard}"


def _recognised(opening: str, repeat: str) -> bool:
    """Whether the scorer reads `repeat` as the customer asking `opening` again."""
    turns = (Turn("customer", opening), Turn("agent", "Okay."), Turn("customer", repeat))
    return 2 in ScoredConversation(Transcript(turns=turns)).repeats


@pytest.mark.parametrize("path", PERSONA_FILES, ids=lambda p: p.stem)
def test_every_opening_variant_keeps_its_repeats_recognisable(path: Path) -> None:
    """A variant carries the key words of the question, so a repeat the scorer recognises after
    one opening is recognised after any other (patience_under_repetition depends on it)."""
    scenario = load_scenario(path)
    for issue in scenario.issues:
        recognised = {
            opening: {repeat for repeat in issue.repeats if _recognised(opening, repeat)}
            for opening in issue.opening
        }
        first = recognised[issue.opening[0]]
        for opening, repeats in recognised.items():
            assert repeats == first, f"{path.name}: {issue.id}: {opening!r} loses {first - repeats}"


def test_the_reference_persona_repeats_are_all_recognised() -> None:
    scenario = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")
    for issue in scenario.issues:
        for opening in issue.opening:
            for repeat in issue.repeats:
                assert _recognised(opening, repeat), (issue.id, opening, repeat)
