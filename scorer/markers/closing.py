"""Closing: a forwardable summary that recaps what happened, what was done, when to expect the
resolution and how to reach the agent directly.

`summary_parts(text)` names the parts a turn covers; `summary` fires when a turn covers at
least three of the four (or two, after an explicit recap frame such as "to recap").
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.commitments import TIME
from scorer.markers.hit import MarkerHit
from scorer.markers.patterns import WordPattern, word_pattern
from scorer.markers.text import TEXT_CACHE, Span, Turn, split_sentences

SUMMARY_PARTS = ("what_happened", "what_was_done", "when", "contact")

_RECAP = word_pattern(
    r"\b(?:to\s+(?:recap|sum\s+up|summari[sz]e|wrap\s+up)"
    r"|(?:just\s+)?(?:a\s+)?(?:quick\s+)?(?:recap|summary)|in\s+summary|so\s+to\s+(?:recap"
    r"|summari[sz]e)|let\s+me\s+(?:recap|summari[sz]e|sum\s+up|run\s+through\s+what)"
    r"|here'?s\s+(?:what|where)\s+we|before\s+(?:you\s+go|we\s+hang\s+up|i\s+let\s+you\s+go))\b",
    re.I,
)
_HAPPENED = word_pattern(
    r"\b(?:the\s+(?:issue|problem|cause|fault|reason|error|outage|charge|delay)\s+(?:was|is|came"
    r"|happened|turned\s+out)|(?:this|it|that)\s+happened\s+because|what\s+happened\s+(?:was|is)"
    r"|turned\s+out|was\s+caused\s+by|because\s+of\s+(?:a|an|the)|you\s+(?:were|got)\s+(?:charged"
    r"|billed|cut\s+off|disconnected|double[-\s]charged|overcharged|locked\s+out)"
    r"|your\s+\w+(?:\s+\w+)?\s+(?:was|were|had\s+been|got)\s+\w+|due\s+to\s+(?:a|an|the))\b",
    re.I,
)
_DONE = word_pattern(
    r"\b(?:i(?:'ve|\s+have)|we(?:'ve|\s+have)|i\s+just|i)\s+(?:now\s+|already\s+"
    r"|just\s+)?(?:refunded|reset|updated|escalated|credited|opened|raised|booked|sent|issued"
    r"|cancelled|canceled|removed|fixed|processed|reversed|applied|added|changed|corrected"
    r"|restored|reconnected|arranged|scheduled|logged|filed|submitted|lifted|cleared|replaced"
    r"|ordered|waived|rebooked|confirmed|set\s+up|put\s+(?:in|through)|reactivated|unlocked"
    r"|switched)\b",
    re.I,
)
_CONTACT = word_pattern(
    r"\b(?:call|ring|reach|email|text|contact|phone)\s+me\b|\bmy\s+(?:direct\s+)?(?:line|number"
    r"|extension|email|phone)|\bdirect\s+(?:line|number|extension)|\b(?:reference|ticket|case"
    r"|booking|confirmation)\s+(?:number|id|no\.?)|\bextension\s+\d|\b[\w.+-]+@[\w-]+\.[\w.]+\b"
    r"|\b\d{3,4}[-\s.]\d{3,4}(?:[-\s.]\d{3,4})?\b|\bquote\s+(?:the\s+)?(?:reference|ticket|case)",
    re.I,
)


_EXPECTED = word_pattern(
    r"\bexpect\b|\bwill\s+(?:arrive|show|appear|clear|be\s+(?:back|restored|credited|refunded))",
    re.I,
)


# How people say each part in full sentences, beside the phrase patterns above: "your order
# was delayed", "I've moved the booking", "by the 14th", "email me at …". A reporting verb is
# not something done ("as I mentioned", "I've told the team").
_PLAIN_PARTS: dict[str, re.Pattern[str]] = {
    "what_happened": re.compile(
        r"\b(?:to recap|to sum up|in summary|just to summari[sz]e|so,? today|"
        r"the (?:issue|problem|cause|reason|outage|fault|error|delay|charge|fee|mix-up)s?"
        r" (?:was|were|is|came|happened)|(?:was|were) caused|because|happened|"
        r"you (?:were|got|had been) (?:charged|billed|double|told|sent|cut off)|"
        r"your [\w\s]{1,30}?(?:was|were|had been|got) |"
        r"your (?:\w+ )?\w+ (?:missed|failed|didn't|did not|never|broke|stopped|went|arrived|"
        r"came|bounced|expired|lapsed)\b|"
        r"(?:was|were|got|had been) (?:billed|charged|overcharged|double[- ]charged|cancell?ed|"
        r"delayed|lost|damaged|counted|declined|blocked|missed|duplicated|estimated|cut off|"
        r"wrong|missing|down|broken|faulty|stuck)\b)",
        re.IGNORECASE,
    ),
    "what_was_done": re.compile(
        r"\b(?:(?:i|we)(?:'ve|’ve| have)(?: now| already| also| just)? (?!mentioned|said|told|"
        r"explained|noted|stated|been|got|had|heard|seen|asked\b)[a-z]+|"
        r"(?:i|we) (?:just |also )?(?!mentioned|said|told|explained|noted|stated|asked\b)"
        r"(?:[a-z]+ed|sent|put|set|made|reset|issued|rebuilt|took|"
        r"gave|wrote|paid|spoke)\b|(?:has|have) (?:now )?been [a-z]+(?:ed|t|n)\b|"
        # a recap written as a list: "courier booked for seven", "case traced on the 21:40"
        r"(?:was|were) (?:traced|found|located|booked|arranged|refunded|credited|fixed|reset|"
        r"replaced|approved|waived|cancell?ed|rebooked|issued|escalated|reconnected|restored)\b|"
        r"\b[a-z]+ (?:booked|arranged|issued|raised|logged|ordered|scheduled|refunded|credited|"
        r"cancell?ed|approved|replaced|waived|reset|rebooked|escalated) (?:to|for|on|by|at|with|"
        r"and|back|in)\b)",
        re.IGNORECASE,
    ),
    "when": re.compile(
        r"\b(?:today|tonight|tomorrow|this (?:afternoon|evening|morning|week)|next (?:week|"
        r"month|monday|tuesday|wednesday|thursday|friday)|(?:mon|tues|wednes|thurs|fri|satur|"
        r"sun)day|within \d+|in (?:\d+|one|two|three|four|five|24|48|72) (?:business |working )?"
        r"(?:minutes?|hours?|days?|weeks?)|by (?:the )?(?:end|noon|midday|close|\d)|"
        r"\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d{2}|(?:jan|feb|mar|apr|may"
        r"|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}|\d{1,2}(?:st|nd|rd|th)\b)",
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


@lru_cache(maxsize=TEXT_CACHE)
def _parts_of(sentence: str) -> frozenset[str]:
    parts: set[str] = {part for part, pattern in _PLAIN_PARTS.items() if pattern.search(sentence)}
    if _HAPPENED.search(sentence):
        parts.add("what_happened")
    if _DONE.search(sentence) and not _REPORTING.search(sentence):
        parts.add("what_was_done")
    if TIME.search(sentence) or _EXPECTED.search(sentence):
        parts.add("when")
    if "when" in parts and _SENDING_RECAP.search(sentence):
        # "I'm emailing you all of that now": when the recap goes out, not when the problem
        # is solved. The rest of the sentence may still say when.
        rest = _SENDING_RECAP.sub(" ", sentence)
        if not (_PLAIN_PARTS["when"].search(rest) or TIME.search(rest) or _EXPECTED.search(rest)):
            parts.discard("when")
    if _CONTACT.search(sentence):
        parts.add("contact")
    return frozenset(parts)


_SENDING_RECAP = re.compile(
    r"\b(?:i'?m|i\s+am|i'?ll|i\s+will|i'?ve|i\s+have)\s+(?:also\s+|just\s+)?(?:email|text|send"
    r"|messag|writ|put)\w*\s+(?:you\s+)?(?:all\s+of\s+|over\s+)?(?:this|that|it|everything|a\s+copy"
    r"|a\s+summary|the\s+details|these|a\s+text|an\s+email|a\s+message|it\s+all)\b[^.;]{0,60}?"
    r"(?:\b(?:now|right\s+now|today|straight\s+away|shortly|in\s+a\s+(?:minute|moment|few"
    r"\s+minutes)|after\s+(?:this|the)\s+call|as\s+we\s+speak)\b|$)",
    re.IGNORECASE,
)
_REPORTING = re.compile(r"\bas (?:i|we) (?:mentioned|said|explained)\b", re.IGNORECASE)


def parts_of(sentence: str) -> frozenset[str]:
    """The summary parts one sentence (or clause) covers."""
    return _parts_of(sentence)


@lru_cache(maxsize=TEXT_CACHE)
def _recaps(sentence: str) -> bool:
    return _RECAP.search(sentence) is not None


def summary_parts(text: str) -> set[str]:
    """The parts of a forwardable summary that `text` covers (see SUMMARY_PARTS)."""
    parts: set[str] = set()
    for sentence in split_sentences(text):
        parts |= _parts_of(sentence.text)
    return parts


# The patterns of each part, rarest first, so that most turns are ruled out early.
_PART_PATTERNS: tuple[tuple[WordPattern, ...], ...] = (
    (_CONTACT,),
    (_DONE,),
    (_HAPPENED,),
    (TIME, _EXPECTED),
)


def _may_summarise(sentences: list[str]) -> bool:
    """Whether the turn's sentences may show enough parts for a summary, judged from the
    patterns' gates alone (no regex runs): most turns are ruled out here."""
    needed = 2 if any(_recaps(text) for text in sentences) else 3
    possible = 0
    for left, part in zip(range(len(_PART_PATTERNS) - 1, -1, -1), _PART_PATTERNS, strict=True):
        possible += any(pattern.may_match(text) for pattern in part for text in sentences)
        if possible >= needed:
            return True
        if possible + left < needed:
            return False
    return False


def find(turn: Turn) -> list[MarkerHit]:
    if not _may_summarise([sentence.text for sentence in turn.sentences]):
        return []
    involved: list[Span] = []
    parts: set[str] = set()
    recap = False
    for sentence in turn.sentences:
        found = _parts_of(sentence.text)
        if _recaps(sentence.text):
            recap = True
            involved.append(sentence)
        if found:
            parts |= found
            involved.append(sentence)
    if len(parts) >= 3 or (recap and len(parts) >= 2):
        first = min(s.start for s in involved)
        last = max(s.end for s in involved)
        return [MarkerHit(marker="summary", quote=turn.text[first:last], start=first)]
    return []
