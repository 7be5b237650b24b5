"""Weeks 1–2, Listening.

`active_listening` — lets the customer finish (no interruptions), paraphrases, asks a clarifying
question before fixing; response gap 1–2 s.

    starts at 30
    + 25  a paraphrase of what the customer said                 (marker `paraphrase`)
    + 25  a clarifying question before the first fix             (`clarifying_question`)
    + 10  … or a clarifying question only after the fix
    +  5  an open question before the first fix                  (`open_question`)
    − 15  each interruption, at most three                      (`interruption`)
    + 15  median response gap 0.8–2.5 s; − 10 under 0.5 s; − 10 over 3.5 s, − 20 over 5 s
          (timed calls only)
    at most 65 (average) with an interruption, or with a fix offered before any clarifying
    question: good needs all three

A paraphrase counts only when it restates the customer: it shares a content word with their
last two turns and is not the agent's own earlier line said again.

`patience_under_repetition` — the third time a question comes, answers fully as if first; never
"as I mentioned". Applicable when the customer asks the same thing again — in the same words
or in other words (`scorer.asks`) — or when the agent points back at an earlier answer.
Each answer to a repeat starts at 100:

    − 45  "as I mentioned" / "like I said" / "as I say, …" / "I've already told you"
                                                                  (`repeat_reference`)
    − 30  more when the pointing back is impatient ("I've already told you", "twice now",
          "we've been over this", "please refer to my earlier reply"): poor
    − 55  a clipped answer: under 6 words                          (`clipped_repeat_answer`)
    − 40  … or a shrinking one: under 60 % of the fullest earlier   (`shorter_repeat_answer`)
          answer to it (nothing more when it already pointed back: the answer still answers)
    − 40  … or one that does not take up what was asked: none of its topic words, no yes or
          no                                                      (`repeat_not_answered`)
    − 25  defensive or "calm down" in that answer                (`defensive`, `told_to_calm_down`)

The score is the mean of the answers (weighted by how many times the question came) and the
worst answer, half each; pointing back twice or more caps it at 30 (poor).
"""

from __future__ import annotations

import re
from statistics import median

from scorer.asks import INTENTS, asks_in
from scorer.coaching import past_pleasantries, restatement, said_back, their_facts
from scorer.conversation import Conversation
from scorer.markers import MarkerHit
from scorer.report import BehaviorResult, Evidence
from scorer.text import content_words, snippet

GOOD_GAP = (0.8, 2.5)
GOOD_NEEDS_ALL = 65.0  # the cap when the customer was cut off or fixed before being asked
SLOW_GAP = (3.5, 5.0)  # a median gap over 3.5 s costs 10, over 5 s 20
REFERENCE_COST = 45  # "as I said": the answer cannot be good, however complete
CLIPPED_WORDS = 6
SHRINKING = 0.6  # an answer under 60 % of the last answer to the same question
_YES_OR_NO = re.compile(
    r"\W*(?:(?:well|so|okay|ok|right)\W+)?(?:yes|yeah|yep|no|nope|not|never|correct|it will"
    r"|it won'?t|definitely|absolutely|of course)\b",
    re.I,
)
_ALREADY = re.compile(r"\b(?:already|before|twice|times|earlier|again)\b", re.I)
# Pointing back with impatience: the agent says it is tired of answering ("I've just said",
# "I told you", "twice now", "that's what I've been saying", "we've been through this", "please
# refer to my earlier messages"). A mild "as I mentioned" with the answer is average; this is
# poor, whatever follows it.
_IMPATIENT = re.compile(
    r"\bi(?:'ve|\s+have)\s+(?:just|already)\s+(?:said|told|explained|gone|been|answered|given)"
    r"|\bi\s+(?:already\s+|just\s+)?told\s+you\b|\b(?:twice|(?:two|three|several|\d+)\s+times"
    r"|more\s+than\s+once|over\s+and\s+over)\b|\bthat'?s\s+what\s+i(?:'ve|\s+have)?\s+(?:been\s+)?"
    r"(?:said|saying|told|telling)\b|\b(?:we|i)(?:'ve|\s+have)\s+(?:done\s+this|been\s+(?:through"
    r"|over)\s+(?:this|that|it)|gone\s+(?:through|over)\s+(?:this|that|it))\b|\brefer\s+(?:back\s+)?to"
    r"\s+(?:my|our|the)\s+(?:earlier|previous|last|above)",
    re.I,
)
IMPATIENT_COST = 30  # on top of REFERENCE_COST: 25, poor


def active_listening(conv: Conversation) -> BehaviorResult:
    if not conv.agent_turns or not conv.customer_turns:
        return BehaviorResult.not_applicable(
            "There was no exchange with the customer to listen to."
        )
    score = 30.0
    evidence: list[Evidence] = []
    paraphrases = conv.grounded_paraphrases
    if paraphrases:
        score += 25
        evidence += [conv.hit_evidence(t, h, "+") for t, h in paraphrases[:2]]
    fix = conv.first_fix
    clarifying = conv.clarifying_questions
    before_fix = [(t, h) for t, h in clarifying if fix is None or (t, h.start) < fix]
    if before_fix:
        score += 25
        evidence += [conv.hit_evidence(t, h, "+") for t, h in before_fix[:2]]
    elif clarifying:
        score += 10
        evidence.append(conv.hit_evidence(*clarifying[0], "+"))
    if fix is not None and not before_fix:
        evidence.append(conv.evidence(fix[0], conv.fix_quote(fix[0]), "fix_before_question", "-"))
    opens = [
        (t, h) for t, h in conv.marker_hits("open_question") if fix is None or (t, h.start) < fix
    ]
    if opens:
        score += 5
        evidence.append(conv.hit_evidence(*opens[0], "+"))
    interruptions = conv.marker_hits("interruption")
    score -= 15 * min(3, len(interruptions))
    evidence += [conv.hit_evidence(t, h, "-") for t, h in interruptions[:5]]
    gaps = conv.agent_gaps
    gap = median(gaps.values()) if gaps else None
    if gap is not None:
        turn = min(gaps, key=lambda i: abs(gaps[i] - gap))
        if GOOD_GAP[0] <= gap <= GOOD_GAP[1]:
            score += 15
            evidence.append(conv.evidence(turn, "", "response_gap", "+"))
        elif gap < 0.5:
            score -= 10
            evidence.append(conv.evidence(turn, "", "response_gap", "-"))
        elif gap > SLOW_GAP[0]:
            score -= 20 if gap > SLOW_GAP[1] else 10
            evidence.append(conv.evidence(turn, "", "response_gap", "-"))
    if interruptions or (fix is not None and not before_fix):
        # Good is all three: the customer finishes, is restated, and is asked before the fix.
        score = min(score, GOOD_NEEDS_ALL)
    interrupted = interruptions[0][1].quote if interruptions else None
    coaching = _listening_coaching(conv, interrupted, bool(paraphrases), fix, before_fix, gap)
    return BehaviorResult.scored(score, evidence, coaching)


def _listening_coaching(
    conv: Conversation,
    interrupted: str | None,
    paraphrased: bool,
    fix: tuple[int, int] | None,
    clarified: list[tuple[int, MarkerHit]],
    gap: float | None,
) -> str:
    said = restatement(conv, fix[0] if fix else None)
    if interrupted:
        return (
            f'Let the customer finish: you came in with "{interrupted}" while they were still '
            f"talking. Wait a beat, then say back what you heard{': ' + said if said else '.'}"
        )
    if not paraphrased:
        line = said or '"So what I\'m hearing is … — have I got that right?"'
        return f"Before you fix anything, say back what you heard in your own words: {line}"
    if not clarified:
        fixed = f' before "{conv.fix_quote(fix[0])}"' if fix else " before the fix"
        facts = their_facts(conv, fix[0] if fix else None)
        heard = f" — {snippet(said_back(facts), 16)}:" if facts else ", can I check"
        return (
            f"Ask one question about their situation{fixed}, so the fix fits the real problem: "
            f'"Before I change anything{heard} what do you need to happen, and by when?"'
        )
    if gap is not None and gap < 0.5:
        return (
            "Leave a one-to-two-second pause before answering so the customer knows they "
            "were heard."
        )
    return (
        f'Good listening: you said it back and asked "{clarified[0][1].quote}" before fixing. '
        "Keep leaving the customer room to finish."
    )


def patience_under_repetition(conv: Conversation) -> BehaviorResult:
    scored: list[tuple[float, int]] = []
    evidence: list[Evidence] = []
    worst_reference = ""
    family: int | None = None  # the question the coaching is about
    shrunk = False
    references_seen = 0
    answered: set[int] = set()
    last_answer_words: dict[int, int] = {}  # original question -> words of its last answer
    for repeat in sorted(conv.repeats.values(), key=lambda r: r.turn):
        if repeat.original not in last_answer_words:
            first_answer = conv.next_agent(repeat.original)
            last_answer_words[repeat.original] = (
                conv.word_counts[first_answer]
                if first_answer is not None and first_answer < repeat.turn
                else 0
            )
        answer = conv.next_agent(repeat.turn)
        if answer is None or answer in answered:
            continue
        answered.add(answer)
        before_words = last_answer_words[repeat.original]
        value = 100.0
        text = conv.turns[answer].text
        references = _pointing_back(conv, answer)
        if references:
            value -= REFERENCE_COST + (IMPATIENT_COST if _impatient(references) else 0)
            references_seen += 1
            if not worst_reference:
                worst_reference, family = references[0].quote, repeat.original
            evidence += [conv.hit_evidence(answer, h, "-") for h in references]
        pushback = [
            h for h in conv.hits.get(answer, ()) if h.marker in _PUSHBACK and h not in references
        ]
        if pushback:
            value -= 25
            evidence += [conv.hit_evidence(answer, h, "-") for h in pushback]
        words = conv.word_counts[answer]
        dodged = _dodges(conv, repeat.turn, answer)
        if words < CLIPPED_WORDS:
            value -= 55
            shrunk = True
            family = repeat.original if family is None else family
            evidence.append(conv.evidence(answer, text, "clipped_repeat_answer", "-"))
        elif before_words and words < SHRINKING * before_words:
            # pointing back already cost: a shorter answer that still answers costs no more
            value -= 0 if references else 40
            shrunk = True
            family = repeat.original if family is None else family
            evidence.append(conv.evidence(answer, text, "shorter_repeat_answer", "-"))
        elif dodged:
            value -= 40
            shrunk = True
            family = repeat.original if family is None else family
            evidence.append(conv.evidence(answer, text, "repeat_not_answered", "-"))
        elif not references:
            evidence.append(conv.evidence(answer, text, "full_repeat_answer", "+"))
        # the measure stays the fullest answer so far: the third ask is owed the first answer
        last_answer_words[repeat.original] = max(words, before_words)
        scored.append((max(0.0, value), repeat.count))
    # "As I said" where no repeat was recognised still points back at an earlier answer.
    for turn, item in conv.marker_hits("repeat_reference"):
        if turn in answered:
            continue
        answered.add(turn)
        references_seen += 1
        worst_reference = worst_reference or item.quote
        evidence.append(conv.hit_evidence(turn, item, "-"))
        clipped = conv.word_counts[turn] < CLIPPED_WORDS
        impatient = IMPATIENT_COST if _impatient([item]) else 0
        scored.append((100.0 - REFERENCE_COST - impatient - (55 if clipped else 0), 1))
    if not scored:
        return BehaviorResult.not_applicable(
            "The customer never asked the same thing twice, so patience under repetition was not "
            "tested in this conversation."
        )
    total_weight = sum(weight for _, weight in scored)
    mean = sum(value * weight for value, weight in scored) / total_weight
    # One poor answer to a repeat is what the customer remembers: the worst weighs half.
    score = (mean + min(value for value, _ in scored)) / 2
    if references_seen >= 2:
        score = min(score, 30.0)
    if worst_reference:
        coaching = (
            f'Drop "{worst_reference}": answer the repeated question fully, as if it were the '
            "first time"
            + (
                f', as you did before: "{fullest}"'
                if (fullest := _fullest_answer(conv, family))
                else ""
            )
            + ", and add one detail."
        )
    elif shrunk:
        fullest = _fullest_answer(conv, family)
        coaching = (
            "Your answers got shorter each time the question came back. Give the whole answer "
            "again, as if it were the first time"
            + (f': "{fullest}"' if fullest else ", with the same facts and the next step.")
        )
    else:
        coaching = (
            "You answered the repeated question in full each time. Keep answering the third "
            "ask as if it were the first."
        )
    return BehaviorResult.scored(score, evidence, coaching)


def _fullest_answer(conv: Conversation, original: int | None) -> str:
    """The agent's longest real answer to the question (first asked in customer turn
    `original`) that came back: the whole answer the later ones should have repeated ("" when
    there was none to point to)."""
    if original is None:
        return ""
    asked = [original] + [r.turn for r in conv.repeats.values() if r.original == original]
    answers = [
        answer
        for question in asked
        if asks_in(conv.turns[question].text)
        and (answer := conv.next_agent(question)) is not None
        and conv.word_counts[answer] >= CLIPPED_WORDS
        and not _dodges(conv, question, answer)
        and not _pointing_back(conv, answer)
        # "I don't design the app, sir": a full answer to give again is not a defensive one
        and not any(h.marker in _PUSHBACK for h in conv.hits.get(answer, ()))
    ]
    if not answers:
        return ""
    return snippet(
        past_pleasantries(conv.turns[max(answers, key=conv.word_counts.__getitem__)].text), 20
    )


_PUSHBACK = frozenset({"defensive", "told_to_calm_down"})


def _dodges(conv: Conversation, asked: int, answer: int) -> bool:
    """The answer does not take up the question: none of what it asks about (its topic words)
    comes back, nothing of the kind of answer it wants (a time for "when", …), and it is not a
    yes or a no. "Will it go on my credit file?" — "As I said, the
    payment was returned." """
    asks = asks_in(conv.turns[asked].text)
    topics = frozenset().union(*(ask.topics for ask in asks))
    if not topics:
        return False
    reply = conv.turns[answer].text
    intents = {intent for ask in asks for intent in ask.intents}
    return not (
        content_words(reply) & topics
        or _YES_OR_NO.match(reply)
        or any(INTENTS[intent].search(reply.lower()) for intent in intents)
        or ("whereabouts" in intents and _A_PLACE.search(reply) is not None)
    )


# An answer to "where": a place ("The Co-op on Mill Road, the grey lockers by the door").
_A_PLACE = re.compile(
    r"\b(?:at|on|in|by|behind|near|beside|next\s+to|outside|opposite|inside)\s+(?:the|our|your"
    r"|\d+|[A-Z])|\b(?:road|street|lane|avenue|locker|depot|branch|desk|counter|reception"
    r"|warehouse|office)\b",
    re.I,
)


def _impatient(references: list[MarkerHit]) -> bool:
    """Whether pointing back at an earlier answer says the agent is tired of giving it."""
    return any(_IMPATIENT.search(h.quote) for h in references)


def _pointing_back(conv: Conversation, answer: int) -> list[MarkerHit]:
    """Lines of `answer` that point at an earlier answer instead of giving it again."""
    found = [h for h in conv.hits.get(answer, ()) if h.marker == "repeat_reference"]
    found += [
        h for h in conv.hits.get(answer, ()) if h.marker == "defensive" and _ALREADY.search(h.quote)
    ]
    return found
