"""Markers: the shared vocabulary of what an agent turn does.

`detect(text, context=…)` finds the markers in one agent turn, given the conversation so far.
The behaviors are computed from these markers, and the virtual customer reacts to them live,
so detection is pure Python and fast (well under a millisecond for a typical turn).

Each family lives in its own module: questions, reflection (paraphrase), empathy,
escalation, clarity (jargon), commitments, service (customer job, cross-sell), closing
(summary) and engagement (filler, hedge, wrong name). `interruption` comes from turn timing
and is added by the behaviors layer; it is part of the vocabulary but never detected here.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache

from scorer.markers import (
    clarity,
    closing,
    commitments,
    empathy,
    engagement,
    escalation,
    questions,
    reflection,
    service,
)
from scorer.markers.closing import SUMMARY_PARTS, summary_parts
from scorer.markers.hit import MarkerHit
from scorer.markers.text import Turn

MARKERS: tuple[str, ...] = (
    "open_question",
    "closed_question",
    "clarifying_question",
    "paraphrase",
    "impact_named",
    "generic_empathy",
    "apology",
    "pattern_named",
    "told_to_calm_down",
    "defensive",
    "repeat_reference",
    "jargon",
    "jargon_explained",
    "hedge",
    "ownership_commitment",
    "diffuse_commitment",
    "vague_follow_up",
    "cross_sell",
    "customer_job_reference",
    "summary",
    "filler",
    "interruption",
    "wrong_name",
)

# Each family with the markers it can give, so that a caller that needs only some markers
# runs only the families that give them.
_FAMILIES: tuple[tuple[Callable[[Turn], list[MarkerHit]], frozenset[str]], ...] = (
    (questions.find, frozenset({"open_question", "closed_question", "clarifying_question"})),
    (reflection.find, frozenset({"paraphrase"})),
    (empathy.find, frozenset({"impact_named", "generic_empathy", "apology"})),
    (
        escalation.find,
        frozenset({"pattern_named", "told_to_calm_down", "defensive", "repeat_reference"}),
    ),
    (clarity.find, frozenset({"jargon", "jargon_explained"})),
    (
        commitments.find,
        frozenset({"ownership_commitment", "diffuse_commitment", "vague_follow_up"}),
    ),
    (service.find, frozenset({"cross_sell", "customer_job_reference"})),
    (closing.find, frozenset({"summary"})),
    (engagement.find_filler_and_hedges, frozenset({"filler", "hedge"})),
    (engagement.find_wrong_names, frozenset({"wrong_name"})),
)
_ORDER = {name: index for index, name in enumerate(MARKERS)}
_FAMILY_FINDERS = tuple(family for family, _ in _FAMILIES)


@lru_cache(maxsize=64)
def _families_for(markers: frozenset[str]) -> tuple[Callable[[Turn], list[MarkerHit]], ...]:
    """The families that give any of `markers`."""
    return tuple(family for family, gives in _FAMILIES if not gives.isdisjoint(markers))


def detect(
    text: str,
    *,
    context: Sequence[str] = (),
    agent_history: Sequence[str] = (),
    glossary: Mapping[str, str] | None = None,
    customer_name: str | None = None,
    markers: Collection[str] | None = None,
) -> list[MarkerHit]:
    """The markers in one agent turn, in order of where their quote starts.

    `context` holds the customer's earlier turns (oldest first, the last one is the turn just
    before this one), `agent_history` the agent's earlier turns, `glossary` the scenario's
    internal terms with their customer-language meaning, `customer_name` the customer's name.
    `markers` limits the work to the families that give those markers (None: all); hits of
    other markers of the same family may still come back.
    Every hit's quote is an exact substring of `text` at `start`.
    """
    turn = Turn.of(
        text,
        context=context,
        agent_history=agent_history,
        glossary=glossary,
        customer_name=customer_name,
    )
    hits: set[MarkerHit] = set()
    for family in _FAMILY_FINDERS if markers is None else _families_for(frozenset(markers)):
        hits.update(family(turn))
    return sorted(hits, key=lambda h: (h.start, _ORDER[h.marker], len(h.quote)))


def marker_names(hits: Sequence[MarkerHit]) -> list[str]:
    """The distinct marker names of `hits`, in order of first appearance."""
    return list(dict.fromkeys(h.marker for h in hits))


__all__ = ["MARKERS", "SUMMARY_PARTS", "MarkerHit", "detect", "marker_names", "summary_parts"]
