"""Small personas built in the tests, one per customer type, so each rule is seen in isolation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from server.scenario.schema import Scenario

BASE: dict[str, Any] = {
    "id": "test_persona",
    "title": "Test persona",
    "type": "hostile",
    "quadrant": "escalated_resolution",
    "behaviors": ["deescalation"],
    "difficulty": 2,
    "channels": ["chat"],
    "customer": {
        "name": "Sam Lee",
        "background": "A customer whose order is late.",
        "facts": ["Order 555."],
        "withheld": [
            {
                "id": "birthday",
                "fact": "The order is a birthday present for Saturday.",
                "lines": ["It's a present for my son's birthday on Saturday."],
                "revealed_by": {"topics": ["gift", "present", "for"], "markers": ["impact_named"]},
            }
        ],
        "goal": "The parcel by Saturday.",
    },
    "glossary": {"RTS": "returned to sender"},
    "mood": {
        "start": 3,
        "hang_up_at": 0,
        "satisfied_at": 6,
        "repeat_delta": -0.5,
        "resolved_delta": 1,
        "reactions": {
            "told_to_calm_down": {"delta": -2, "lines": ["Don't tell me to calm down."]},
            "impact_named": {"delta": 2, "lines": ["Yes, exactly."]},
            "apology": {"delta": 0.5},
        },
    },
    "issues": [
        {
            "id": "late",
            "summary": "The parcel is late.",
            "opening": "Where is my parcel?",
            "repeats": ["I asked where my parcel is.", "WHERE is my parcel?"],
            "topics": ["parcel", "delivery"],
            "resolved_by": {"markers": ["ownership_commitment"], "phrases": ["friday"]},
        },
        {
            "id": "fee",
            "summary": "The delivery fee should be refunded.",
            "opening": "And I want the delivery fee back.",
            "repeats": ["What about the fee?"],
            "topics": ["fee"],
            "resolved_by": {"phrases": ["refund"]},
        },
    ],
    "lines": {
        "furious": ["Unbelievable.", "This is a joke.", "I'm losing patience."],
        "upset": ["And?", "That doesn't help.", "Go on then."],
        "neutral": ["Okay.", "Fine.", "Alright."],
        "warm": ["Great.", "Thanks.", "Lovely."],
        "ask_term": ["What does {term} mean?", "Sorry, {term}?"],
        "issue_resolved": ["Okay, good."],
        "satisfied": ["Thanks, bye."],
        "hang_up": ["I'm done. Bye."],
    },
}


def build(**changes: Any) -> Scenario:
    """BASE with top-level keys replaced and `mood__x` / `issue0__x` style nested changes."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if key.startswith("mood__"):
            data["mood"][key.removeprefix("mood__")] = value
        elif key.startswith("issue") and "__" in key:
            index, field = key.removeprefix("issue").split("__", 1)
            data["issues"][int(index)][field] = value
        else:
            data[key] = value
    return Scenario.model_validate(data)


@pytest.fixture
def make_scenario() -> Callable[..., Scenario]:
    return build
