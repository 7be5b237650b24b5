"""Weeks 7–8, Clarity.

`clarity` — every internal term or acronym translated into customer language.

    25 + 75 × (terms translated ÷ terms used)     markers `jargon_explained` (+) / `jargon` (−)
    85 when the agent used no internal terms at all (longest reply cited as `plain_language`)
    − 10  the customer then asks what a term means               evidence `customer_confused`
    −  5  each hedge ("I think", "probably"), at most four        (`hedge`)

`customer_language` — leads with the customer's job, not the product; no cross-sell during a
service call.

    starts at 45
    + 25  talks about what the customer is trying to get done     (`customer_job_reference`)
    + 15  … and leads with it, in the first two replies
    − 10  the first real reply leads with an internal term        evidence `product_led`
          (without a job reference the first real reply is cited as `no_customer_job`)
    − 35  each cross-sell, at most two                            (`cross_sell`)
"""

from __future__ import annotations

import re

from scorer.conversation import Conversation
from scorer.markers import MarkerHit
from scorer.report import BehaviorResult, Evidence

_CONFUSED = re.compile(
    r"\b(?:what (?:does|do|is|'s|are) (?:a |an |the |that |this )?[\w\s-]{0,30}? ?mean|"
    r"what(?:'s| is) (?:a|an|that|this)\b[^?]{0,30}\?|i (?:don't|do not) (?:understand|follow)|"
    r"no idea what|in (?:plain )?english|in plain (?:terms|language)|speak english|"
    r"what are you talking about|you lost me)",
    re.IGNORECASE,
)


def _translated(item: MarkerHit, explained: list[MarkerHit]) -> bool:
    term = item.quote.lower()
    for other in explained:
        overlaps = other.start < item.start + len(item.quote) and item.start < other.start + len(
            other.quote
        )
        if overlaps or term in other.quote.lower():
            return True
    return False


def clarity(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns:
        return BehaviorResult.not_applicable("The agent said nothing to judge for clarity.")
    evidence: list[Evidence] = []
    used = 0
    translated = 0
    untranslated: list[tuple[int, MarkerHit]] = []
    for turn in conv.agent_turns:
        hits = conv.hits.get(turn, ())
        explained = [h for h in hits if h.marker == "jargon_explained"]
        for item in explained:
            used += 1
            translated += 1
            evidence.append(conv.hit_evidence(turn, item, "+"))
        for item in hits:
            if item.marker == "jargon" and not _translated(item, explained):
                used += 1
                untranslated.append((turn, item))
                evidence.append(conv.hit_evidence(turn, item, "-"))
    score = 25 + 75 * translated / used if used else 85.0
    if not used:
        plain = max(conv.agent_turns, key=lambda i: conv.word_counts[i])
        evidence.append(conv.evidence(plain, "", "plain_language", "+"))
    for turn, _item in untranslated:
        reply = turn + 1
        if reply < len(conv.turns) and conv.turns[reply].speaker == "customer":
            confused = _CONFUSED.search(conv.turns[reply].text)
            if confused:
                score -= 10
                evidence.append(conv.evidence(reply, confused.group(0), "customer_confused", "-"))
    hedges = conv.marker_hits("hedge")
    score -= 5 * min(4, len(hedges))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in hedges[:4]]
    if untranslated:
        term = untranslated[0][1].quote
        coaching = (
            f'Translate "{term}" the moment you say it: "{term} — that means …", or say the '
            "plain-language version instead."
        )
    elif hedges:
        coaching = (
            f'Say it plainly: replace "{hedges[0][1].quote}" with what you know and what you '
            "will check."
        )
    elif used:
        coaching = "Every internal term came with a plain-language translation. Keep doing that."
    else:
        coaching = (
            "You spoke in the customer's words without internal terms. When you must use one, "
            "translate it on the spot: \"a chargeback — that's us asking your bank for the money "
            'back".'
        )
    return BehaviorResult.scored(score, evidence, coaching)


def customer_language(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns:
        return BehaviorResult.not_applicable("The agent said nothing to judge.")
    score = 45.0
    evidence: list[Evidence] = []
    jobs = conv.marker_hits("customer_job_reference")
    first_replies = [i for i in conv.agent_turns if conv.word_counts[i] >= 8][:2]
    if jobs:
        score += 25
        evidence.append(conv.hit_evidence(*jobs[0], "+"))
        if first_replies and jobs[0][0] <= first_replies[-1]:
            score += 15
    if first_replies:
        opening = first_replies[0]
        hits = conv.hits.get(opening, ())
        first_job = min(
            (h.start for h in hits if h.marker == "customer_job_reference"), default=None
        )
        jargon = [h for h in hits if h.marker == "jargon"]
        if jargon and (first_job is None or jargon[0].start < first_job):
            score -= 10
            evidence.append(conv.evidence(opening, jargon[0].quote, "product_led", "-"))
    if not jobs:
        opening_turn = first_replies[0] if first_replies else conv.agent_turns[0]
        evidence.append(conv.evidence(opening_turn, "", "no_customer_job", "-"))
    cross = conv.marker_hits("cross_sell")
    score -= 35 * min(2, len(cross))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in cross[:3]]
    if cross:
        coaching = (
            f'Leave out "{cross[0][1].quote}" on a service call; finish solving the problem and '
            "talk about what the customer needs to get done."
        )
    elif not jobs:
        coaching = (
            "Lead with the customer's job, not the product: "
            '"So you can run payroll on Friday, here is what we\'ll change."'
        )
    else:
        coaching = (
            "You framed the answer around what the customer is trying to do. Keep leading with "
            "their goal before any product detail."
        )
    return BehaviorResult.scored(score, evidence, coaching)
