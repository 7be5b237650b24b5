"""Information: telling a sentence that gives the agent's news apart from one that restates.

A restatement reuses what the customer said; information brings something the customer did
not say: a number or amount, a day or time, a team, place or system on the company's side
("It's with the refunds team.", "The engineer is booked for Tuesday.", "Your balance is 40
pounds."), or reports a status ("was approved", "is on its way"). Paraphrase and impact naming
both ask "is this the customer's content?", so both read these facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import filterfalse

from scorer.markers.patterns import word_pattern
from scorer.markers.text import TEXT_CACHE, stem, tokens, word_set

# Words that name what the company's side holds or does: people, places, systems, papers.
SERVICE_NOUNS = word_set(
    """
    team teams department depot warehouse courier couriers driver engineer engineers technician
    technicians system systems record records queue ticket case reference branch office portal
    website neighbour neighbor locker hub centre center desk specialist specialists supervisor
    manager colleague colleagues partner carrier invoice statement balance credit tracking
    """
)
_WEEKDAYS_AND_MONTHS = word_set(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan feb mar apr jun jul aug sep sept
    oct nov dec tomorrow tonight
    """
)
_UNITS = word_set("pounds pound dollars dollar euros euro pence cents quid hundred thousand")
# Number words as digits, so that "six" said by one side matches "6" said by the other.
_NUMBERS = {
    word: str(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
    if value >= 2
} | {"fifteen": "15", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50"}
_ANNOTATION = re.compile(r"\[[^\]]*\]")
# A clock time ("3 pm", "10.30am"), written to open on a digit so that the regex engine skips
# straight to candidates: `(?<!\w\d)` after the first digit is the word start before it.
_TIME_OF_DAY = re.compile(r"\d(?<!\w\d)\d*(?:[:.]\d+)?\s*(?:am|pm)\b", re.I)
_DIGITS = re.compile(r"\d")
# A status report: what was done to a thing, or where it is now.
STATUS = word_pattern(
    r"\b(?:is|are|was|were|has\s+been|have\s+been|'s\s+been|be|being)\s+(?:\w+ly\s+)?(?:sent"
    r"|processed|issued|refunded|credited|approved|cancell?ed|updated|reset|fixed|resolved"
    r"|escalated|booked|applied|added|removed|delivered|shipped|dispatched|scheduled|arranged"
    r"|logged|raised|submitted|paid|reversed|restored|replaced|installed|activated|blocked"
    r"|closed|opened|assigned|allocated|posted|returned|collected|left|held|flagged|queued"
    r"|due|expected|pending|in\s+transit|on\s+(?:its|the)\s+way|out\s+for\s+delivery"
    r"|with\s+(?:the|our)|at\s+(?:the|our))\b|\b(?:went|goes|go)\s+out\b|\bon\s+its\s+way\b"
    r"|\b(?:shows|is\s+showing|says|comes\s+to|came\s+to|stands\s+at)\b",
    re.I,
)


# Specific words, stemmed, and number words as digits, looked up in one step.
_SPECIFIC_WORDS: dict[str, str] = {
    word: stem(word) for word in SERVICE_NOUNS | _WEEKDAYS_AND_MONTHS | _UNITS
} | _NUMBERS


@lru_cache(maxsize=TEXT_CACHE)
def specifics(text: str) -> frozenset[str]:
    """The specifics a sentence carries (stemmed, numbers as digits): numbers, amounts, days
    and months, and the company's people, places and systems."""
    if "[" in text:
        text = _ANNOTATION.sub(" ", text)  # "[unintelligible 00:05:06]"
    words = set(tokens(text))
    found = {_SPECIFIC_WORDS[word] for word in words & _SPECIFIC_WORDS.keys()}
    if _DIGITS.search(text) is not None:
        for word in filterfalse(str.isalpha, words):  # the words with a digit or apostrophe
            if word.isdigit():
                found.add(word.lstrip("0") or "0")
            elif _DIGITS.search(word) is not None:
                found.add(word)
        if "£" in text or "$" in text or "€" in text or _TIME_OF_DAY.search(text):
            found.add("<money-or-time>")
    elif "£" in text or "$" in text or "€" in text:
        found.add("<money-or-time>")
    return frozenset(found)


def new_specifics(
    text: str, customer_stems: frozenset[str], customer_turns: Sequence[str]
) -> frozenset[str]:
    """The specifics of `text` the customer did not say (given the stems of the customer's
    recent turns, and those turns)."""
    found = specifics(text) - customer_stems
    for turn in customer_turns:
        if not found:
            break
        found -= specifics(turn)
    return found


def reports_status(text: str) -> bool:
    """The sentence reports what was done to a thing or where it stands ("was approved",
    "is with the courier", "is on its way")."""
    return STATUS.search(text) is not None
