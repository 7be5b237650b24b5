"""Coaching lines built from this conversation: the customer's own facts, said back to them.

A coaching tip that could sit under any call ("Which account did the charge land on?" under a
broadband outage) teaches nothing. The behaviors quote the agent's own line and build the better
line from what this customer said: `said_back` turns the customer's sentence into the agent's
restatement ("my daughter's going to Spain" → "your daughter's going to Spain"), `their_facts`
picks the sentence that carries their specifics (people, days, money, plans).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from scorer.conversation import Conversation
from scorer.text import sentences, snippet, word_count

# First person of the customer → second person of the agent, longest forms first.
_PERSON = [
    (r"\bI am\b", "you are"),
    (r"\bI'm\b", "you're"),
    (r"\bI’m\b", "you’re"),
    (r"\bI've\b", "you've"),
    (r"\bI’ve\b", "you’ve"),
    (r"\bI'd\b", "you'd"),
    (r"\bI'll\b", "you'll"),
    (r"\bI was\b", "you were"),
    (r"\bwe're\b", "you're"),
    (r"\bwe've\b", "you've"),
    (r"\bwe were\b", "you were"),
    (r"\bmyself\b", "yourself"),
    (r"\bmine\b", "yours"),
    (r"\bmy\b", "your"),
    (r"\bour\b", "your"),
    (r"\bme\b", "you"),
    (r"\bus\b", "you"),
    (r"\bI\b", "you"),
    (r"\bwe\b", "you"),
]
_PERSON_PATTERNS = [(re.compile(p, re.IGNORECASE), r) for p, r in _PERSON]
# Greetings and acknowledgements that carry nothing to say back or to give again.
_GREETINGS = r"hi|hiya|hello|hey|okay|ok|right|good\s+(?:morning|afternoon|evening)"
# Openers of what the customer said: "Hi,", "Yes, hello.", "Um".
_OPENER = re.compile(
    rf"^\W*(?:(?:{_GREETINGS}|yes|yeah|um|umm|uh|er|erm|so|well|oh)\b\W*)+", re.IGNORECASE
)
# A short opening of the agent's that greets, thanks or sympathises before the answer ("Hi
# Chloe, sorry you had a wasted trip on Saturday."): not the answer to give again.
_PLEASANTRY = re.compile(
    rf"^\W*(?:{_GREETINGS}|thanks|thank\s+you|sorry|i'?m\s+sorry|of\s+course|sure|no\s+problem"
    r"|no\s+worries|great)\b",
    re.IGNORECASE,
)
PLEASANTRY_WORDS = 12
# What makes a sentence this customer's: their people, plans, days, money and numbers.
_SPECIFIC = re.compile(
    r"\d|\b(?:my|our)\s+\w+|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today"
    r"|tomorrow|tonight|week|month|birthday|wedding|rent|shift|work|job|school|flight|holiday"
    r"|appointment|meeting|deadline|interview|surgery)\b",
    re.IGNORECASE,
)


_AFRAID = re.compile(r",?\s*\bI'?m\s+afraid\b(?=\s*(?:[,.!?…]|$))", re.IGNORECASE)


def said_back(sentence: str) -> str:
    """The customer's sentence as the agent would say it back: second person, no greeting."""
    text = _OPENER.sub("", sentence.strip()).rstrip(".!?… ")
    text = _AFRAID.sub("", text)  # "I need to move it, I'm afraid": manners, not a fact
    for pattern, replacement in _PERSON_PATTERNS:
        text = pattern.sub(_replacer(replacement), text)
    return text[:1].lower() + text[1:] if text[:2] != "I " else text


def _replacer(replacement: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return _case_like(match.group(0), replacement)

    return replace


def _case_like(found: str, replacement: str) -> str:
    """ "My" -> "Your" at the start of a sentence; "I've" -> "you've" anywhere ("I" is always a
    capital, so its case says nothing)."""
    if found[:1].isupper() and not found.startswith("I"):
        return replacement.capitalize()
    return replacement


def their_facts(conv: Conversation, before: int | None = None) -> str:
    """The customer sentence (before turn `before`) richest in their own specifics, or ""."""
    best, best_count = "", 0
    for index in conv.customer_turns:
        if before is not None and index >= before:
            break
        for _start, sentence in sentences(conv.turns[index].text):
            if word_count(sentence) < 5 or sentence.rstrip().endswith("?"):
                continue
            count = len(_SPECIFIC.findall(sentence))
            if count > best_count:
                best, best_count = sentence, count
    if best:
        return best
    first = conv.customer_turns[0] if conv.customer_turns else None
    return snippet(conv.turns[first].text) if first is not None else ""


def restatement(conv: Conversation, before: int | None = None) -> str:
    """A line the agent could have said: "So your … — have I got that right?" from this
    customer's words; "" when the customer said nothing to restate."""
    facts = their_facts(conv, before)
    if not facts:
        return ""
    return f'"So {snippet(said_back(facts), 20)} — have I got that right?"'


def agent_line(conv: Conversation, turn: int) -> str:
    """The opening of the agent's own line in `turn`, as a quote."""
    return snippet(conv.turns[turn].text)


def past_pleasantries(text: str) -> str:
    """`text` from its first sentence that is more than a greeting, thanks or sympathy."""
    for start, sentence in sentences(text):
        if not (_PLEASANTRY.match(sentence) and word_count(sentence) <= PLEASANTRY_WORDS):
            return text[start:]
    return text
