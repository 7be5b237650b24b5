"""Weeks 3–4, Empathy.

`impact_naming` — names the customer's specific impact before offering a fix; a generic
"I understand your frustration" is average, nothing is poor.

    85  the specific impact named before the first fix           (marker `impact_named`)
        — about the customer, in their words, and saying what the problem means for them (a
        consequence or a feeling, or a word from what they said was at stake: their people,
        plans, dates, money); the problem restated ("you were charged twice"), the agent
        speaking of its own screen or records, or a consequence they never mentioned is not
        + 10 when it comes in the agent's first reply
    55  the impact named, but only after the fix was offered
    50  only generic empathy ("I understand your frustration")    (`generic_empathy`)
    45  only an apology ("Sorry about that"): generic, so average (`apology`)
    15  nothing

`deescalation` — when the customer loops, names the pattern and pivots to solving; never
"calm down". Applicable when the customer escalates (heated words, shouting, asking the same
thing a third time) or the agent tells them to calm down.

    starts at 35
    + 30  names the pattern ("we've been going round in circles")  (`pattern_named`)
    + 20  … and pivots to a fix in that turn or the next (named, then a refusal or the rule
          again is no pivot; named without a pivot is average at best)
    + 10  a fix offered after the escalation without naming the pattern
    + 15  the customer's impact named after the escalation        (`impact_named`)
    +  5  … or only generic empathy or an apology
    − 35  each "calm down", at most two                           (`told_to_calm_down`)
    − 15  each defensive line, at most two                        (`defensive`)
"""

from __future__ import annotations

import re

from scorer.asks import asks_in
from scorer.coaching import said_back, their_facts
from scorer.conversation import Conversation
from scorer.markers import MarkerHit
from scorer.report import BehaviorResult, Evidence
from scorer.text import snippet

# After naming the loop, the move to solving it: "let's use the receipt…", "here's what I'm
# doing", "what I can do right now is…".
_PIVOT = re.compile(
    r"\b(?:let'?s|let\s+me|here'?s\s+(?:what|where|how)|what\s+i(?:'m|\s+am|\s+can|'ll|\s+will)"
    r"\s+(?:do|doing)|i(?:'m|\s+am)\s+(?:going\s+to|doing|booking|sending|moving|cancell?ing"
    r"|escalating|calling|exporting|applying)|i(?:'ll|\s+will)\s+\w+|(?:first|right\s+now|today),?"
    r"\s+i)\b",
    re.I,
)


def impact_naming(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns or not conv.customer_turns:
        return BehaviorResult.not_applicable("There was no customer problem to respond to.")
    fix = conv.first_fix
    impacts = conv.grounded_impacts
    before = [(t, h) for t, h in impacts if fix is None or (t, h.start) < fix]
    first_reply = conv.next_agent(conv.customer_turns[0])
    evidence: list[Evidence] = []
    if before:
        score = 85 + (10 if before[0][0] == first_reply else 0)
        evidence += [conv.hit_evidence(t, h, "+") for t, h in before[:2]]
        coaching = (
            "You named what the problem meant for the customer before fixing it: "
            f'"{before[0][1].quote}". Keep opening with their impact, in their words.'
        )
        return BehaviorResult.scored(score, evidence, coaching)
    fix_evidence = (
        [conv.evidence(fix[0], conv.fix_quote(fix[0]), "fix_before_impact", "-")] if fix else []
    )
    if impacts:
        evidence += [conv.hit_evidence(*impacts[0], "+"), *fix_evidence]
        coaching = (
            "You named the impact, but only after the fix. Say it first: "
            f'"{impacts[0][1].quote}" — then "Here is what I\'ll do."'
        )
        return BehaviorResult.scored(55, evidence, coaching)
    refused = set(conv.hollow_empathy)
    generic = sorted(
        [p for p in conv.marker_hits("generic_empathy") if p not in refused]
        + conv.ungrounded_impacts
    )
    if generic:
        evidence += [conv.hit_evidence(*generic[0], "+"), *fix_evidence]
        coaching = (
            f'Replace "{generic[0][1].quote}" with what this means for them, in their words: '
            f"{_impact_line(conv, fix)}"
        )
        return BehaviorResult.scored(50, evidence, coaching)
    apologies = [p for p in conv.marker_hits("apology") if p not in refused]
    if apologies:
        evidence += [conv.hit_evidence(*apologies[0], "+"), *fix_evidence]
        return BehaviorResult.scored(
            45,
            evidence,
            "An apology is not the same as naming the impact. Before the fix, say what this "
            f"means for them: {_impact_line(conv, fix)}",
        )
    if fix_evidence:
        evidence += fix_evidence
    else:
        reply = first_reply if first_reply is not None else conv.agent_turns[0]
        evidence.append(conv.evidence(reply, "", "no_impact_named", "-"))
    return BehaviorResult.scored(
        15,
        evidence,
        "Before offering a fix, name what the problem means for the customer: "
        f"{_impact_line(conv, fix)}",
    )


def _impact_line(conv: Conversation, fix: tuple[int, int] | None) -> str:
    """A line naming this customer's impact, built from their own sentence."""
    facts = their_facts(conv, fix[0] if fix else None)
    if not facts:
        return "\"So this has left you … — that's a real problem, and I'll fix it.\""
    return f"\"So {snippet(said_back(facts), 20)} — that's a real problem, and I'll fix it.\""


NAMED_WITHOUT_PIVOT = 65.0
# After naming the loop, holding the line instead of moving: a refusal or the rule again.
_HOLDS_THE_LINE = re.compile(
    r"\b(?:i'?m\s+afraid|unfortunately|the\s+only\s+thing\s+(?:we|i)\s+can|there'?s\s+nothing"
    r"|(?:we|i)\s+can'?t\s+(?:change|do|remove|refund|waive)|(?:that'?s|it'?s)\s+(?:the|our)\s+policy"
    r"|still\s+stands|has\s+to\s+stand)\b",
    re.I,
)


# Closing the matter instead of moving it: "that's the outcome", "the notes are the notes".
_SHUTS_DOWN = re.compile(
    r"\b(?:that'?s|this\s+is|it'?s)\s+(?:the|our|my)\s+(?:outcome|decision|answer|position|final"
    r"\s+\w+)|\b(?:that'?s|this\s+is)\s+the\s+end\s+of\s+it|\bthe\s+(\w+)\s+(?:is|are)\s+the\s+\1\b"
    r"|\bnothing\s+(?:more|else)\s+(?:i|we)\s+can\b|\bthere'?s\s+no\s+point\b",
    re.I,
)


def _reproach(conv: Conversation, turn: int, item: MarkerHit) -> bool:
    """The loop named against the customer: in a turn that argues or closes the matter (one
    that only holds the line, politely, is named without a pivot)."""
    return any(h.marker == "defensive" for h in conv.hits.get(turn, ())) or (
        _SHUTS_DOWN.search(conv.turns[turn].text, item.start) is not None
    )


def _loop_topic(conv: Conversation) -> str:
    """What the customer keeps coming back to, in the agent's words."""
    asks = [
        ask
        for repeat in sorted(conv.repeats.values(), key=lambda r: -r.count)
        for ask in asks_in(conv.turns[repeat.turn].text)
        if ask.intents
    ]
    asks += [
        ask for i in conv.escalated_turns for ask in asks_in(conv.turns[i].text) if ask.intents
    ]
    if not asks:
        return "this"
    topic = snippet(said_back(_ASKING_LEAD.sub("", asks[0].text).rstrip("?!. ")), 12)
    if _QUESTION_WORD.match(topic):
        # "coming back to can it be Thursday" reads wrong: name it as their question
        return f"your question ‘{topic}?’"
    return f"‘{topic}’"


_QUESTION_WORD = re.compile(
    r"(?:can|could|will|would|when|where|why|how|is|are|am|do|does|did|what|which|who|should"
    r"|has|have|shall)\b",
    re.IGNORECASE,
)


_ASKING_LEAD = re.compile(
    r"^\W*(?:(?:and|so|but|okay|ok|right)\W+)?(?:i (?:want|need|would like|'d like) to know"
    r"|can you tell me|tell me|i'?m asking)\s+",
    re.IGNORECASE,
)


def deescalation(conv: Conversation) -> BehaviorResult:
    escalated = conv.escalated_turns
    calm_down = conv.marker_hits("told_to_calm_down")
    # A loop the agent itself named ("you keep coming back to that conversation at the desk")
    # arose, heated words or not.
    first_loop = min(conv.loops, default=None)
    named = (
        [first_loop]
        if first_loop is not None
        and any(turn > first_loop for turn, _ in conv.marker_hits("pattern_named"))
        else []
    )
    if not escalated and not calm_down and not named:
        return BehaviorResult.not_applicable(
            "The customer never escalated, so de-escalation was not tested in this conversation."
        )
    start = min(
        [*escalated[:1], *(t for t, _ in calm_down[:1]), *named[:1]],
    )
    score = 35.0
    evidence: list[Evidence] = []
    patterns = [(t, h) for t, h in conv.marker_hits("pattern_named") if t > start]
    pivoted = False
    if patterns:
        score += 30
        evidence += [conv.hit_evidence(t, h, "+") for t, h in patterns[:2]]
        for turn, item in patterns:
            if _HOLDS_THE_LINE.search(conv.turns[turn].text, item.start):
                continue  # named, then argued: "…but I'm afraid the only thing we can go on is…"
            position = conv.fix_position(turn)
            later = conv.next_agent(turn)
            pivot = _PIVOT.search(conv.turns[turn].text, item.start)
            if pivot is not None:
                quote = conv.turns[turn].text[pivot.start() :]
                evidence.append(conv.evidence(turn, snippet(quote, 10), "pivot_to_solution", "+"))
                pivoted = True
            elif position is not None and position >= item.start:
                evidence.append(conv.evidence(turn, conv.fix_quote(turn), "pivot_to_solution", "+"))
                pivoted = True
            elif later is not None and conv.fix_position(later) is not None:
                evidence.append(
                    conv.evidence(later, conv.fix_quote(later), "pivot_to_solution", "+")
                )
                pivoted = True
            if pivoted:
                score += 20
                break
    else:
        fixes = [i for i in conv.agent_turns if i > start and conv.fix_position(i) is not None]
        if fixes:
            score += 10
            evidence.append(conv.evidence(fixes[0], conv.fix_quote(fixes[0]), "fix_offered", "+"))
    impacts = [(t, h) for t, h in conv.grounded_impacts if t > start]
    softer = [(t, h) for t, h in conv.marker_hits("generic_empathy", "apology") if t > start]
    if impacts:
        score += 15
        evidence.append(conv.hit_evidence(*impacts[0], "+"))
    elif softer:
        score += 5
        evidence.append(conv.hit_evidence(*softer[0], "+"))
    if patterns and not pivoted:
        score = min(score, NAMED_WITHOUT_PIVOT)  # good is naming the loop *and* moving on
        if all(_reproach(conv, turn, item) for turn, item in patterns):
            # "We're going round in circles here. If you'd read the terms…": the loop named to
            # end the talk, not to get out of it
            score -= 30
    score -= 35 * min(2, len(calm_down))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in calm_down]
    defensive = conv.marker_hits("defensive")
    score -= 15 * min(2, len(defensive))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in defensive[:3]]
    if calm_down:
        coaching = (
            f'Never say "{calm_down[0][1].quote}". Name the loop instead and move to the fix: '
            f"\"I can hear we keep coming back to {_loop_topic(conv)} — here is what I'm doing "
            'about it right now."'
        )
    elif not patterns:
        coaching = (
            "When the customer goes round in circles, name it in your own words and pivot: "
            f"\"I can hear we keep coming back to {_loop_topic(conv)} — here is what I'm doing "
            'about it right now."'
        )
    elif not pivoted:
        coaching = (
            "You named the pattern; follow it straight away with a concrete step: "
            "\"…so here is what I'm doing now: I'm booking the engineer for tomorrow at 9.\""
        )
    elif defensive:
        coaching = f'Drop "{defensive[0][1].quote}"; keep the focus on what you will do next.'
    else:
        coaching = (
            "You named the loop and moved to solving it. Keep doing that the moment the "
            "customer starts repeating themselves."
        )
    return BehaviorResult.scored(score, evidence, coaching)
