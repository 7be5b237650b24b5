"""Weeks 9–10, Ownership.

`ownership` — "I will <action> <when>" for commitments; "we" only for company position; no
"we'll look into it".

    15 + 85 × (owned commitments ÷ all commitments)
         owned: `ownership_commitment` (a timed "I will…" or an outcome already delivered,
         "I've refunded…"); diffuse: `diffuse_commitment`, `vague_follow_up`; an
         owned one hedged in its sentence ("I'll try…", "hopefully", "as soon as possible")
         counts half
    ≥ 40 when the agent named themselves for at least one step ("I'll arrange the repair"),
         hedged or untimed: poor is for promises that all belong to nobody or are only tried
    25 when the customer asked for something to be done and the agent committed to nothing
       (evidence `request_without_commitment` on the agent's reply to the request)
    n/a when nothing in the conversation called for a commitment: questions for information
       ("what documents do I need?", "when does it open?") do not

`forwardable_summary` — closes with a forwardable summary: what happened, what was done, when
to expect resolution, direct contact. Applicable when the conversation reaches a close (a
summary, a sign-off such as "anything else?"/"have a good day", or the customer's thanks/bye).
The last agent turn (with the one before it when that one starts the summary) is read
sentence by sentence:

    25 for each part present: what_happened, what_was_done, when, contact
       (evidence `summary_what_happened`, `summary_what_was_done`, `summary_when`,
       `summary_contact`); a close with none of them is cited as `no_summary`
    at most 60 (average) without `when` or `contact`, or when the summary is written in
       internal codes (four or more such as "INC-40721", "RCA", "EOD"; evidence
       `internal_codes`)

The close is the last agent turn, the agent turns said in one go just before it, and a recap
a little earlier ("here's the summary for your records: …" before "anything else?"). A time
in the sentence that tells what happened ("charged twice on the 1st") is not the `when`.
"""

from __future__ import annotations

import re

from scorer.conversation import Conversation
from scorer.markers import MarkerHit
from scorer.markers.closing import SUMMARY_PARTS, parts_of
from scorer.markers.text import clause_texts, in_lower_case
from scorer.report import BehaviorResult, Evidence
from scorer.text import sentence_at, sentences, snippet

# The customer asks for something to be done (not only to be told something).
_REQUEST = re.compile(
    r"\b(?:can|could|would|will) you (?:please |at least |just )?(?!tell|explain|confirm"
    r"|let me know|say|check if"
    r"|remind|repeat|spell|give me (?:the|a) (?:number|address|list))(?:fix|refund|cancel|replace"
    r"|sort|resolve|change|send|call|get|book|arrange|move|stop|remove|waive|reverse|credit|update"
    r"|escalate|chase|expedite|speed|reconnect|unlock|reset|restore|switch|add|take|put|make"
    r"|check|find|trace|track|locate|investigate|unfreeze|unblock|release|lift|reactivate"
    r"|reinstate|reopen|approve|authori[sz]e|honou?r)\b"
    r"|\b(?:i|we) (?:need|want|would like|'d like) (?:you to|it (?:fixed|sorted|cancell?ed|back)"
    r"|(?:a|my|our|the) (?:refund|replacement|engineer|technician|callback|call back|credit|money"
    r"|fix|new|rental|replacement|repair|loan|booking|appointment|visit)|to (?:cancel|return|change"
    r"|complain|get (?:a|my|it)|have (?:it|this)|start|open|file|make a|book|report|claim))"
    r"|\bcan i (?:get|have|pick up|book|collect)\b|\b(?:anything|something) you can do\b"
    r"|\b(?:fix (?:it|this)|refund me|cancel (?:it|my|the)|sort (?:it|this) out|call me back"
    r"|get back to me|send (?:me|someone|an engineer|a technician))\b",
    re.IGNORECASE,
)
HEDGED_CREDIT = 0.5
OWNED_FLOOR = 40.0
_ONLY_TRYING = re.compile(r"\b(?:try|trying|do my best|hopefully|hope|see if|see whether)\b", re.I)
_THIRD_PARTY = re.compile(
    r"\b(?:the|our|a|an)\s+(?:\w+\s+){0,2}?(?:team|department|depot|engineers?|technicians?"
    r"|specialists?|colleagues?|office|courier|adjuster|back office|billing|supervisor)s?\s+(?:will"
    r"|'ll|should|is going to|are going to|would)\b"
    # "someone'll ring you", "someone in complaints might be able to look at it"
    r"|\b(?:someone|somebody)(?:\s+(?:in|from|at|on)\s+(?:the\s+)?\w+)?(?:'ll|\s+(?:will|should"
    r"|might|may|could))\b"
    r"|\b(?:will|'ll)\s+be\s+in\s+touch\b|\bwe(?:'ll|\s+will)\s+give\s+you\s+a\s+(?:ring|call|bell)\b"
    # "Service side'll ring you", "send that to the claims team and they'll reassess"
    r"|\b\w+\s+(?:side|desk|people|lot)(?:'ll|\s+will)\b|\bthey(?:'ll|\s+will)\s+(?:reassess|review"
    r"|look\s+(?:into|at)|investigate|decide|get\s+back|contact\s+you|call\s+you|ring\s+you"
    r"|sort\s+(?:it|that|this)|deal\s+with|process)\b",
    re.IGNORECASE,
)
# "I've asked our team leader to call you": the agent did it, the team only carries it out.
_AGENT_ACTED = re.compile(r"\bi(?:'ve|\s+have)\s+(?:asked|booked|arranged|told|instructed)\b", re.I)
# An owner without a time ("I'll sort the refund"); a note or passing it on moves nothing for
# the customer and is no promise of the agent's.
_UNTIMED = re.compile(
    r"\W*(?:(?:yes|yeah|ok(?:ay)?|sure|right|of course)\W+)?i(?:'ll|\s+will|'m\s+going\s+to)\s+"
    r"(?!try|look|see|check|have|find|get\s+back|be\s+in\s+touch|let\s+you|keep|do\s+my|need|put"
    r"\s+you\s+on|(?:put|make|leave|add)\s+a\s+note|note|pass\s+(?:it|this|that)\s+(?:on|across|over"
    r"|along|up))\w+",
    re.IGNORECASE,
)
# "I'll try to get the transfer through today": the agent owns it, hedged.
_FIRST_PERSON_TRY = re.compile(
    r"\W*(?:\w+\W+){0,3}?i(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to)\s+(?:try|do\s+my\s+best"
    r"|aim|hope)\b[^.!?]*\b(?:today|tonight|tomorrow|by|before|within|at\s+\d|this\s+\w+|monday"
    r"|tuesday|wednesday|thursday|friday)\b",
    re.IGNORECASE,
)
# The agent will come back in person, but says no when: "I'll go through their log myself and
# I'll call you back". An owner without a time: half the credit, not a promise of nobody's.
_OWN_CONTACT = re.compile(
    r"\bi(?:'ll|\s+will)\s+(?:personally\s+)?(?:call|ring|phone|email|text|message)\s+you"
    r"|\bi(?:'ll|\s+will)\s+(?:\w+\s+){0,6}?myself\b",
    re.IGNORECASE,
)
# A promise the agent hedges: "I'll try…", "hopefully", "should be able to".
_HEDGED = re.compile(
    r"\b(?:try|trying|hopefully|hope|should be able|might|may be able|if (?:i|we) can"
    r"|as soon as (?:possible|i can|we can)|asap|i think|probably|ideally|fingers crossed)\b",
    re.IGNORECASE,
)

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
    marked = conv.marker_hits("ownership_commitment")
    owned = [(t, h) for t, h in marked if not _hedged(conv, t, h)]
    hedged = [(t, h) for t, h in marked if _hedged(conv, t, h)]
    vague = [
        (t, h)
        for t, h in conv.marker_hits("diffuse_commitment", "vague_follow_up")
        if not _FIRST_PERSON_TRY.match(h.quote) and not _OWN_CONTACT.search(h.quote)
    ]
    # One promise is one promise, however many markers read it ("We'll let you know" is both
    # diffuse and a vague follow-up).
    vague = [
        pair
        for i, pair in enumerate(vague)
        if (pair[0], pair[1].start) not in {(t, h.start) for t, h in vague[:i]}
    ]
    hedged += [
        (t, h)
        for t, h in conv.marker_hits("diffuse_commitment", "vague_follow_up")
        if _FIRST_PERSON_TRY.match(h.quote) or _OWN_CONTACT.search(h.quote)
    ]
    hedged = list(dict.fromkeys(hedged))  # one promise read by two markers counts once
    # Unmarked promises: "I'll sort the refund" (owned, no time: half), "the depot team will
    # arrange delivery" (nobody in particular: diffuse).
    # Sentence by sentence: a marked promise does not hide another one in the same turn.
    seen = {(t, h.start) for t, h in marked + vague + hedged}
    for turn in conv.agent_turns:
        covered = [start for t, start in seen if t == turn]
        for start, sentence in sentences(conv.turns[turn].text):
            if any(start <= at < start + len(sentence) for at in covered):
                continue
            if _THIRD_PARTY.search(sentence) and not _AGENT_ACTED.search(sentence):
                vague.append((turn, MarkerHit("diffuse_commitment", sentence, start)))
            elif _UNTIMED.match(sentence):
                hedged.append((turn, MarkerHit("ownership_commitment", sentence, start)))
            elif (found := _untimed_in_speech(sentence)) is not None:
                clause = sentence[found:]
                hedged.append((turn, MarkerHit("ownership_commitment", clause, start + found)))

    vague.sort()
    hedged.sort()
    diffuse = sorted(vague + hedged)
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
        # The verdict is about the agent: cite the reply that left the request without an owner.
        reply = conv.next_agent(turn)
        cited = reply if reply is not None else conv.agent_turns[-1]
        evidence.append(conv.evidence(cited, "", "request_without_commitment", "-"))
        asked = sentence_at(conv.turns[turn].text, match.start())
        return BehaviorResult.scored(
            25,
            evidence,
            f'The customer asked "{asked}" and you never said what you would do. Commit with '
            '"I will <action> by <when>", for example "I\'ll … by 4 pm today, and I\'ll call you '
            'to confirm."',
        )
    # A hedged promise still names who and what: half the credit of an owned one.
    credit = len(owned) + HEDGED_CREDIT * len(hedged)
    score = 15 + 85 * credit / (len(owned) + len(hedged) + len(vague))
    if owned or any(not _ONLY_TRYING.search(h.quote) for _, h in hedged):
        # Someone named themselves for a step ("I'll arrange the repair"): average at worst.
        # Poor is a call whose promises all belong to nobody or are only tried.
        score = max(score, OWNED_FLOOR)
    if diffuse:
        asked = _first_request(conv)
        coaching = (
            f'Replace "{diffuse[0][1].quote}" with "I will <action> by <when>"'
            + (f' for what they asked ("{asked}")' if asked else "")
            + ": name yourself, the step and the time, and say how they will know it is done."
        )
    else:
        coaching = (
            "Every commitment named you, the action and the time. Keep saying "
            '"I will <action> <when>" and keep "we" for company policy.'
        )
    return BehaviorResult.scored(score, evidence, coaching)


_SPOKEN_I_WILL = re.compile(r"\bi(?:'ll|\s+will|'m\s+going\s+to)\s", re.IGNORECASE)
RUN_OF_SPEECH_WORDS = 15


def _untimed_in_speech(sentence: str) -> int | None:
    """Where an owned promise without a time starts inside a run of unpunctuated speech ("…so
    there's nothing you could fix from inside i'll get an engineer out to you…")."""
    if not in_lower_case(sentence) or len(sentence.split()) < RUN_OF_SPEECH_WORDS:
        return None
    for found in _SPOKEN_I_WILL.finditer(sentence):
        if found.start() and _UNTIMED.match(sentence, found.start()):
            return found.start()
    return None


def _first_request(conv: Conversation) -> str:
    for turn in conv.customer_turns:
        match = _REQUEST.search(conv.turns[turn].text)
        if match:
            return sentence_at(conv.turns[turn].text, match.start())
    return ""


def _hedged(conv: Conversation, turn: int, item: MarkerHit) -> bool:
    """The commitment's own sentence hedges it: "I'll try to get it out today, hopefully"."""
    text = conv.turns[turn].text
    end = item.start + len(item.quote)
    for start, sentence in sentences(text):
        inside = start <= item.start < start + len(sentence) or start < end <= start + len(sentence)
        if inside and _HEDGED.search(sentence):
            return True
    return bool(_HEDGED.search(item.quote))


RECAP_WINDOW = 9
_RECAP = re.compile(
    r"\b(?:to recap|recap|to sum up|in summary|summary|summari[sz]e|what happened|what I've done"
    r"|short version|for your records|(?:something|this) (?:you can|to) (?:share|forward)"
    r"|(?:i|we) can (?:forward|share|send on|pass on)|in writing)\b",
    re.IGNORECASE,
)


def _closing_turns(conv: Conversation) -> list[int]:
    """The agent turns of the close: the last one, the agent turns said in one go just before
    it, and a recap a little earlier ("here's the summary for your records: …" before "anything
    else?"). A summary spread over several turns counts."""
    if not conv.agent_turns or conv.agent_turns[-1] < len(conv.turns) - 3:
        return []
    last = conv.agent_turns[-1]
    near: list[int] = []
    for index in range(last - 1, -1, -1):
        if conv.turns[index].speaker != "agent":
            break
        near.insert(0, index)
    opened = [
        i
        for i in conv.agent_turns[:-1]
        if len(conv.turns) - RECAP_WINDOW <= i
        and i not in near
        and (
            conv.has(i, "summary") or _RECAP.search(conv.turns[i].text) or _asked_for_recap(conv, i)
        )
    ]
    return [*opened, *near, last]


def _asked_for_recap(conv: Conversation, turn: int) -> bool:
    """The agent turn answers "could you send me a summary I can forward?": it is the recap,
    however it is laid out ("Here you go: Refund: … Timing: …")."""
    asked = conv.previous_other[turn]
    return asked is not None and bool(_RECAP.search(conv.turns[asked].text))


def _is_close(conv: Conversation, closing: list[int]) -> bool:
    if any(conv.has(i, "summary") or _CLOSE.search(conv.turns[i].text) for i in closing):
        return True
    last_customer = conv.customer_turns[-1] if conv.customer_turns else None
    return (
        last_customer is not None
        and last_customer >= len(conv.turns) - 2
        and bool(_CUSTOMER_CLOSE.search(conv.turns[last_customer].text))
    )


def _part_quote(sentence: str, part: str) -> str:
    """The clause of `sentence` that carries `part` of the summary, so each part's evidence
    points at its own words (never a bare "to sum up" lead-in; for `when`, the last such clause,
    as a summary tells what happened before when to expect the fix); the whole sentence when the
    part only shows across clauses."""
    matching = [
        clause
        for clause in clause_texts(sentence)
        if not _LEAD_IN.fullmatch(clause) and (part in parts_of(clause))
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
    if conv.customer_left:
        return BehaviorResult.not_applicable(
            'The customer left before the call reached a close ("'
            + snippet(conv.turns[-1].text, 12)
            + '"), so there was no summary to judge.'
        )
    found: dict[str, Evidence] = {}
    for turn in reversed(closing):
        for _start, sentence in sentences(conv.turns[turn].text):
            parts = set(parts_of(sentence))
            if "when" in parts:
                clause = _part_quote(sentence, "when")
                if not _AHEAD.search(clause) and (
                    "what_happened" in parts_of(clause)
                    or _PAST.search(clause)
                    or _PAST.search(_verb_of(sentence, clause))
                ):
                    # "charged twice on the 1st", "the certificate arrived on Tuesday": when it
                    # happened, not when to expect the fix
                    parts.discard("when")
            for part in parts:
                if part not in found:
                    quote = _part_quote(sentence, part)
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
        done = found.get("what_was_done")
        coaching = (
            f"Your close is missing {', '.join(missing)}. End with one paragraph the customer "
            "could forward: what happened, "
            + (f'what you did ("{done.quote}")' if done else "what you did")
            + ", when it will be resolved, and how to reach you directly."
        )
    score = 25.0 * len(found)
    if "when" not in found or "contact" not in found:
        score = min(score, 60.0)  # nobody can act on it: no time, or no way back to the agent
    codes = sorted(
        {code for turn in closing for code in _INTERNAL_CODE.findall(conv.turns[turn].text)}
    )
    if len(codes) >= INTERNAL_CODES:
        score = min(score, 60.0)
        turn = next(i for i in closing if _INTERNAL_CODE.search(conv.turns[i].text))
        evidence.append(conv.evidence(turn, codes[0], "internal_codes", "-"))
        coaching = (
            f"Your summary is written in internal codes ({', '.join(codes[:4])}): the customer "
            "cannot forward it. Say it in their words: what happened, what you did, when, and "
            "how to reach you."
        )
    return BehaviorResult.scored(score, evidence, coaching)


# A clause that is only a date or a time: "…was charged twice, on 1 March and 3 March".
_BARE_TIME = re.compile(r"\W*(?:and\s+)?(?:on|from|since|at|in|by)\s+(?!.*\b(?:will|'ll)\b)", re.I)


def _verb_of(sentence: str, clause: str) -> str:
    """The clause before `clause` in `sentence` when `clause` is only a date or a time (it
    belongs to that clause's verb), else ""."""
    clauses = clause_texts(sentence)
    if clause not in clauses or not _BARE_TIME.match(clause):
        return ""
    at = clauses.index(clause)
    return clauses[at - 1] if at else ""


# A time ahead: when to expect the resolution, not when the problem happened.
_PAST = re.compile(
    r"\b(?:arrived|came|went|happened|received|was|were|had|did|took|sent|got|left|started"
    r"|stopped|died|passed|cancell?ed|charged|paid|posted)\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(
    r"\b(?:will|'ll|should|expect|arriv(?:e|es|ing)|within|by|until|in \d+"
    r"|in (?:one|two|three|a few)|next|tomorrow|tonight|later|lands?|reach(?:es)?|from"
    r"|starting|comes?|due|going to)\b",
    re.IGNORECASE,
)
# A code only the company reads: INC-40721, RCA, DLQ, EOD, T2 (two capitals or more, or
# capitals with digits), not the customer's own words written in capitals.
_INTERNAL_CODE = re.compile(r"\b(?:[A-Z]{2,}(?:-?\d+)?|[A-Z]\d+)\b")
INTERNAL_CODES = 4
