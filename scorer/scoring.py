"""`score`: a transcript in, a report with evidence out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from scorer.behaviors import BEHAVIORS, RULES
from scorer.conversation import Conversation
from scorer.metrics import compute_metrics
from scorer.report import BehaviorResult, Report
from scorer.transcript import Transcript

# A judge takes the transcript and the behavior ids to judge and returns the verdicts it is
# sure of; behaviors it leaves out are scored by the marker rules.
Judge = Callable[[Transcript, Sequence[str]], Mapping[str, BehaviorResult]]


def select_behaviors(behaviors: Iterable[str] | None) -> tuple[str, ...]:
    """The requested behavior ids in curriculum order; ValueError names the valid ids."""
    if behaviors is None:
        return BEHAVIORS
    wanted = list(dict.fromkeys(behaviors))
    unknown = [b for b in wanted if b not in RULES]
    if unknown:
        raise ValueError(
            f"unknown behavior {', '.join(map(repr, unknown))} — valid ids: {', '.join(BEHAVIORS)}"
        )
    return tuple(b for b in BEHAVIORS if b in wanted)


def score(
    transcript: Transcript | Mapping[str, Any],
    behaviors: Iterable[str] | None = None,
    *,
    judge: Judge | None = None,
) -> Report:
    """Score `transcript` (a Transcript or the DESIGN.md JSON dict) on `behaviors` (default:
    all ten). With `judge`, its verdicts replace the marker rules for the behaviors it judged."""
    chosen = select_behaviors(behaviors)
    if not isinstance(transcript, Transcript):
        transcript = Transcript.from_dict(transcript)
    conv = Conversation(transcript)
    results = {name: RULES[name](conv) for name in chosen}
    judged: set[str] = set()
    if judge is not None:
        for name, verdict in judge(transcript, chosen).items():
            if name in results:
                results[name] = verdict
                judged.add(name)
    return Report(behaviors=results, metrics=compute_metrics(conv), judged=frozenset(judged))
