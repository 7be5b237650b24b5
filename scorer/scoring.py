"""`score`: a transcript in, a report with evidence out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from scorer.behaviors import BEHAVIORS, RULES
from scorer.conversation import Conversation
from scorer.metrics import compute_metrics
from scorer.report import BehaviorResult, Report
from scorer.transcript import Transcript

# A judge takes the transcript and the behavior ids to judge and returns, per behavior, the
# verdict it is sure of or the reason it has none (a string, kept in the report); the marker
# rules score every behavior without a verdict. A judge may have a `name` (its model).
Judge = Callable[[Transcript, Sequence[str]], Mapping[str, BehaviorResult | str]]


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
    """Score `transcript` (a Transcript or a dict of the JSON in docs/formats.md) on `behaviors`
    (default: all ten). With `judge`, its verdicts replace the marker rules for the behaviors it
    judged."""
    chosen = select_behaviors(behaviors)
    if not isinstance(transcript, Transcript):
        transcript = Transcript.from_dict(transcript)
    conv = Conversation(transcript)
    results = {name: RULES[name](conv) for name in chosen}
    judged: set[str] = set()
    notes: dict[str, str] = {}
    judge_name: str | None = None
    if judge is not None:
        verdicts = judge(transcript, chosen)
        for name in chosen:
            verdict = verdicts.get(name, "the judge returned no verdict")
            if isinstance(verdict, BehaviorResult):
                results[name] = verdict
                judged.add(name)
            else:
                notes[name] = str(verdict)
        judge_name = str(getattr(judge, "name", None) or getattr(judge, "__name__", "judge"))
    return Report(
        behaviors=results,
        metrics=compute_metrics(conv),
        judged=frozenset(judged),
        judge_notes=notes,
        judge=judge_name,
    )
