"""Weeks 9–10, Ownership.

`ownership` — "I will <action> <when>" for commitments; "we" only for company position; no
"we'll look into it".

    15 + 85 × (owned commitments ÷ all commitments)
         owned: `ownership_commitment`; diffuse: `diffuse_commitment`, `vague_follow_up`
    25 when the customer asked for something to be done and the agent committed to nothing
       (evidence `request_without_commitment`, quoting the customer)
    n/a when nothing in the conversation called for a commitment

`forwardable_summary` — closes with a forwardable summary: what happened, what was done, when
to expect resolution, direct contact. Applicable when the conversation reaches a close (a
summary, a sign-off such as "anything else?"/"have a good day", or the customer's thanks/bye).
The last agent turn (with the one before it when that one starts the summary) is read
sentence by sentence:

    25 for each part present: what_happened, what_was_done, when, contact
       (evidence `summary_what_happened`, `summary_what_was_done`, `summary_when`,
       `summary_contact`); a close with none of them is cited as `no_summary`
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scorer import markers
from scorer.conversation import CLOSE_WINDOW, Conversation
from scorer.markers.text import clause_texts
from scorer.report import BehaviorResult, Evidence
from scorer.text import sentences

_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you\b|\b(?:i|we) (?:need|want|would like|'d like)\b|"
    r"\bplease\b|\bwhen (?:will|can|is|are|do)\b|\b(?:fix|refund|cancel|replace|sort|resolve|"
    r"change|send|call me back|get back to me)\b",
    re.IGNORECASE,
)

SUMMARY_PARTS = ("what_happened", "what_was_done", "when", "contact")
_PART_PATTERNS = {
    "what_happened": re.compile(
        r"\b(?:to recap|to sum up|in summary|just to summari[sz]e|so,? today|"
        r"the (?:issue|problem|cause|reason|outage|fault|error|delay|charge|fee|mix-up)s?"
        r" (?:was|were|is|came|happened)|(?:was|were) caused|because|happened|"
        r"you (?:were|got|had been) (?:charged|billed|double|told|sent|cut off)|"
        r"your [\w\s]{1,30}?(?:was|were|had been|got) |"
        r"(?:was|were|got|had been) (?:billed|charged|overcharged|double[- ]charged|cancell?ed|"
        r"delayed|lost|damaged|counted|declined|blocked|missed|duplicated|estimated|cut off|"
        r"wrong|missing|down|broken|faulty|stuck)\b)",
        re.IGNORECASE,
    ),
    "what_was_done": re.compile(
        r"\b(?:(?:i|we)(?:'ve|’ve| have)(?: now| already| also| just)? [a-z]+|"
        r"(?:i|we) (?:just |also )?(?:[a-z]+ed|sent|put|set|made|reset|issued|rebuilt|took|"
        r"gave|wrote|paid|spoke)\b|(?:has|have) (?:now )?been [a-z]+(?:ed|t|n)\b)",
        re.IGNORECASE,
    ),
    "when": re.compile(
        r"\b(?:today|tonight|tomorrow|this (?:afternoon|evening|morning|week)|next (?:week|"
        r"month|monday|tuesday|wednesday|thursday|friday)|(?:mon|tues|wednes|thurs|fri|satur|"
        r"sun)day|within \d+|in (?:\d+|one|two|three|four|five|24|48|72) (?:business |working )?"
        r"(?:minutes?|hours?|days?|weeks?)|by (?:the )?(?:end|noon|midday|close|\d)|"
        r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
        r"oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2}(?:st|nd|rd|th)\b)",
        re.IGNORECASE,
    ),
    "contact": re.compile(
        r"(?:\+?\d[\d\s().-]{6,}\d|[\w.+-]+@[\w-]+\.[\w.]+|\bext(?:ension)?\.? ?\d+|"
        r"\bdirect (?:line|number|email|extension)|\b(?:call|email|text|reach|contact) me\b|"
        r"\bmy (?:number|email|extension|line|reference|direct)\b|\bask for me\b|"
        r"\bif you need me\b)",
        re.IGNORECASE,
    ),
}
_CLOSE = re.compile(
    r"\b(?:anything else|is there anything|have a (?:great|good|nice|lovely|wonderful)|"
    r"thank(?:s| you) for (?:calling|contacting|your patience|reaching|chatting|being)|"
    r"take care|goodbye|bye|to recap|to sum up|in summary|just to summari[sz]e)\b",
    re.IGNORECASE,
)
_CUSTOMER_CLOSE = re.compile(
    r"\b(?:thanks|thank you|bye|goodbye|cheers|that's all|that's everything|perfect)\b",
    re.IGNORECASE,
)


def ownership(conv: Conversation) -> BehaviorResult:
    owned = conv.marker_hits("ownership_commitment")
    diffuse = conv.marker_hits("diffuse_commitment", "vague_follow_up")
    evidence: list[Evidence] = [conv.hit_evidence(t, h, "+") for t, h in owned]
    evidence += [conv.hit_evidence(t, h, "-") for t, h in diffuse]
    if not owned and not diffuse:
        requests = [
            (i, m) for i in conv.customer_turns if (m := _REQUEST.search(conv.turns[i].text))
        ]
        if not requests or not conv.agent_turns:
            return BehaviorResult.not_applicable(
                "Nothing in the conversation called for a commitment."
            )
        turn, match = requests[0]
        evidence.append(conv.evidence(turn, match.group(0), "request_without_commitment", "-"))
        return BehaviorResult.scored(
            25,
            evidence,
            "The customer asked for something and you never said what you would do. Commit "
            'with "I will <action> by <when>": "I\'ll call you back by 4 pm today."',
        )
    score = 15 + 85 * len(owned) / (len(owned) + len(diffuse))
    if diffuse:
        coaching = (
            f'Replace "{diffuse[0][1].quote}" with "I will <action> <when>", e.g. '
            '"I\'ll escalate this to billing now and email you by 5 pm tomorrow."'
        )
    else:
        coaching = (
            "Every commitment named you, the action and the time. Keep saying "
            '"I will <action> <when>" and keep "we" for company policy.'
        )
    return BehaviorResult.scored(score, evidence, coaching)


def _summary_parts_detector() -> Callable[[str], set[str]] | None:
    found = getattr(markers, "summary_parts", None)
    return found if callable(found) else None


_RECAP = re.compile(
    r"\b(?:to recap|recap|to sum up|in summary|summari[sz]e|what happened|what I've done)\b",
    re.IGNORECASE,
)


def _closing_turns(conv: Conversation) -> list[int]:
    """The last agent turn, with the one before it when that one opened the summary."""
    if not conv.agent_turns or conv.agent_turns[-1] < len(conv.turns) - 3:
        return []
    *earlier, last = conv.agent_turns[-2:]
    opened = [
        i
        for i in earlier
        if i >= len(conv.turns) - CLOSE_WINDOW
        and (conv.has(i, "summary") or _RECAP.search(conv.turns[i].text))
    ]
    return [*opened, last]


def _is_close(conv: Conversation, closing: list[int]) -> bool:
    if any(conv.has(i, "summary") or _CLOSE.search(conv.turns[i].text) for i in closing):
        return True
    last_customer = conv.customer_turns[-1] if conv.customer_turns else None
    return (
        last_customer is not None
        and last_customer >= len(conv.turns) - 2
        and bool(_CUSTOMER_CLOSE.search(conv.turns[last_customer].text))
    )


def _part_quote(sentence: str, part: str, detector: Callable[[str], set[str]] | None) -> str:
    """The clause of `sentence` that carries `part` of the summary, so each part's evidence
    points at its own words (never a bare "to sum up" lead-in; for `when`, the last such clause,
    as a summary tells what happened before when to expect the fix); the whole sentence when the
    part only shows across clauses."""
    matching = [
        clause
        for clause in clause_texts(sentence)
        if not _LEAD_IN.fullmatch(clause)
        and (
            _PART_PATTERNS[part].search(clause)
            or (detector is not None and part in detector(clause))
        )
    ]
    if not matching:
        return sentence
    return matching[-1] if part == "when" else matching[0]


_LEAD_IN = re.compile(
    r"(?:so,?\s+)?(?:to (?:recap|sum up|summari[sz]e)|in summary|just to summari[sz]e)[.!]?",
    re.IGNORECASE,
)


def forwardable_summary(conv: Conversation) -> BehaviorResult:
    closing = _closing_turns(conv)
    if not closing or not _is_close(conv, closing):
        return BehaviorResult.not_applicable(
            "The conversation did not reach a close, so there was no summary to judge."
        )
    detector = _summary_parts_detector()
    found: dict[str, Evidence] = {}
    for turn in reversed(closing):
        for _start, sentence in sentences(conv.turns[turn].text):
            parts = {p for p, pattern in _PART_PATTERNS.items() if pattern.search(sentence)}
            if detector is not None:
                parts |= set(detector(sentence)) & set(SUMMARY_PARTS)
            for part in parts:
                if part not in found:
                    quote = _part_quote(sentence, part, detector)
                    found[part] = conv.evidence(turn, quote, f"summary_{part}", "+")
    evidence = [found[p] for p in SUMMARY_PARTS if p in found]
    evidence += [
        conv.hit_evidence(t, h, "+") for t, h in conv.marker_hits("summary") if t in closing
    ][:1]
    if not evidence:
        evidence.append(conv.evidence(closing[-1], "", "no_summary", "-"))
    missing = [p.replace("_", " ") for p in SUMMARY_PARTS if p not in found]
    if not missing:
        coaching = (
            "Your close could be forwarded as it is: what happened, what you did, when, and how "
            "to reach you. Keep closing that way."
        )
    else:
        coaching = (
            f"Your close is missing {', '.join(missing)}. End with one forwardable paragraph: "
            "\"Today your card was charged twice; I've refunded £40; it lands by Friday; my "
            'direct line is 0161 555 0123."'
        )
    return BehaviorResult.scored(25 * len(found), evidence, coaching)
