"""The labelled conversations in tests/scorer/conversations/: one or more per failure class the
scorer has had (repeats in other words, ungrounded impact, disengagement without stock words,
hedged and third-party promises, office language, a calm complaint that is not escalation, a
reassuring "you can relax", …), written in different words and industries, each labelled by
what a coach would say. Every label must hold; a miss names the file and the behavior."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import scorer

CONVERSATIONS = Path(__file__).parent / "conversations"
LABELS = [
    (path.name, behavior, level)
    for path in sorted(CONVERSATIONS.glob("*.json"))
    for behavior, level in json.loads(path.read_text(encoding="utf-8"))["expect"].items()
]


def test_the_set_covers_every_behavior_and_level() -> None:
    assert len({name for name, _, _ in LABELS}) >= 30
    assert {b for _, b, _ in LABELS} == set(scorer.BEHAVIORS)
    assert {level for _, _, level in LABELS} == {"good", "average", "poor", "n/a"}


@pytest.mark.parametrize(("name", "behavior", "level"), LABELS)
def test_label_holds(name: str, behavior: str, level: str) -> None:
    data = json.loads((CONVERSATIONS / name).read_text(encoding="utf-8"))
    data.pop("expect")
    result = scorer.score(data, [behavior]).behaviors[behavior]
    assert result.level == level, f"{name}: {behavior} = {result.level} ({result.score})"
    for item in result.evidence:  # every verdict points at words of the transcript
        assert item.quote in data["turns"][item.turn]["text"]
