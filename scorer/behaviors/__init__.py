"""The ten behaviors, in curriculum order. Each is a function of the analysed conversation;
its module docstring is the rubric (what earns and what costs points)."""

from __future__ import annotations

from collections.abc import Callable

from scorer.behaviors.clarity import clarity, customer_language
from scorer.behaviors.composure import self_regulation, tone_calibration
from scorer.behaviors.empathy import deescalation, impact_naming
from scorer.behaviors.listening import active_listening, patience_under_repetition
from scorer.behaviors.ownership import forwardable_summary, ownership
from scorer.conversation import Conversation
from scorer.report import BehaviorResult

BehaviorRule = Callable[[Conversation], BehaviorResult]

RULES: dict[str, BehaviorRule] = {
    "active_listening": active_listening,
    "patience_under_repetition": patience_under_repetition,
    "impact_naming": impact_naming,
    "deescalation": deescalation,
    "tone_calibration": tone_calibration,
    "self_regulation": self_regulation,
    "clarity": clarity,
    "customer_language": customer_language,
    "ownership": ownership,
    "forwardable_summary": forwardable_summary,
}

BEHAVIORS: tuple[str, ...] = tuple(RULES)
