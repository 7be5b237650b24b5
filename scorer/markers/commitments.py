"""Commitments: who promises what, and by when.

- ownership_commitment: first person singular + a concrete action + a time
  ("I will call you back by 3 pm today", "I'll email the confirmation within the hour"), or
  an outcome the agent has already delivered ("I've refunded the £11.50 to your card").
- diffuse_commitment: the promise belongs to nobody in particular ("we'll look into it",
  "someone will get back to you", "the team will handle it") or has no concrete action or time
  ("I'll look into it").
- vague_follow_up: a follow-up with no time ("we'll be in touch", "you'll hear from us soon").
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import PatternGroup, word_pattern
from scorer.markers.reflection import without_check_frame
from scorer.markers.text import TEXT_CACHE, Turn

_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri)"
_HOUR_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_MONTHS = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
# A day of the month said as a word: "the eighteenth", "the twenty-first".
_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[-\s])?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth"
    r"|nineteenth|twentieth|thirtieth"
)
TIME = word_pattern(
    # spoken clock times: "at twelve", "after two o'clock", "from half past nine"
    r"\bat\s+(?:half\s+past\s+|quarter\s+(?:past|to)\s+)?" + _HOUR_WORDS + r"\b"
    r"|\b(?:after|from|before|by)\s+(?:half\s+past\s+)?" + _HOUR_WORDS + r"\s+o'?clock\b"
    r"|\b(?:today|tonight|tomorrow|immediately|now|eod|first\s+thing)\b|\bthis\s+(?:morning"
    r"|afternoon|evening|week|weekend)\b|\bright\s+(?:now|away)\b|\bstraight\s+away\b"
    r"|\bbefore\s+(?:the\s+)?(?:end\s+of|close\s+of|noon|midday|lunch|\d|you\s+hang\s+up"
    r"|we\s+(?:hang\s+up|finish|end))\b"
    r"|\bby\s+(?:the\s+end\s+of|end\s+of|close\s+of|noon|midday|lunch|\d|" + _DAYS + r"|tomorrow"
    r"|tonight|today|this|next|then|eod|cob)\b|\bwithin\s+(?:the\s+next\s+)?(?:the\s+hour"
    r"|an?\s+(?:hour|day|week)|\d+|one|two|three|four|five|six|twenty|thirty|fifteen|ten)\b"
    r"|\bin\s+(?:the\s+next\s+)?(?:\d+|one|two|three|four|five|ten|fifteen|twenty|thirty|a\s+few"
    r"|an?)\s+(?:minutes?|hours?|days?|business\s+days?|working\s+days?)\b"
    r"|\b(?:on|next|this|for|until|till|before|by)\s+" + _DAYS + r"\b"
    # a clock time, not a house number: "at 4", "at 4.30 pm", not "at 14 Albion Street"
    r"|\bat\s+\d{1,2}(?:[:.]\d{2})?(?!\d)(?!,?\s+(?-i:[A-Z][a-z]))\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)?\b"
    r"|\b\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)\b|\bend\s+of\s+(?:the\s+)?(?:day|business"
    r"|week)\b|\bon\s+the\s+\d{1,2}(?:st|nd|rd|th)\b|\bwhile\s+we(?:'re"
    r"|\s+are)\s+(?:on\s+the\s+(?:phone|line|call)|talking)\b|\bduring\s+this\s+call\b"
    # dates: "for the eighteenth", "by the 30th", "on 3 March", "June 14th", "next week"; the
    # ordinal only where a date goes on, not "for the second time" or "on the third floor"
    r"|\b(?:on|for|by|before|until|till|from)\s+the\s+(?:\d{1,2}(?:st|nd|rd|th)|"
    + _ORDINAL_WORDS
    + r")(?=\s*(?:$|[,.;:!?)]|of\s+"
    + _MONTHS
    + r"\b|at\b|between\b|in\s+the\b|and\b|so\b|when\b|before\b|after\b|first\s+thing\b))"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTHS + r"\b|\b" + _MONTHS + r"\s+\d{1,2}"
    r"(?:st|nd|rd|th)?(?!\d)\b|\bnext\s+(?:week|month|working\s+day|business\s+day)\b"
    # a slot or a part of the day: "between eight and twelve", "in the morning", "the evening
    # before"
    r"|\bbetween\s+(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?|" + _HOUR_WORDS + r")\s+and\s+(?:\d{1,2}"
    r"|" + _HOUR_WORDS + r")\b|\bin\s+the\s+(?:morning|afternoon|evening)\b"
    r"|\bthe\s+(?:day|night|evening|morning)\s+before\b",
    re.I,
)
_FIRST_PERSON_WILL = word_pattern(
    r"\b(?:i\s+will|i'll|i\s+shall|i'?m\s+going\s+to|i\s+am\s+going\s+to|i'?m\s+gonna"
    r"|i\s+promise\s+(?:to|i'll|i\s+will)|i\s+(?:can|will)\s+personally|let\s+me"
    r"|i'?m\s+(?:now\s+)?(?:sending|calling|booking|processing|issuing|escalating|emailing|raising"
    r"|refunding))\b",
    re.I,
)
_VAGUE_ACTION = word_pattern(
    r"^\W*(?:\w+\s+){0,2}?(?:look\s+into|see\s+what|try|check\s+(?:on|into)|do\s+(?:my|what)"
    r"|get\s+back\s+to\s+you|follow\s+up|be\s+in\s+touch|keep\s+you\s+(?:posted|updated|informed)"
    r"|see\s+if|have\s+a\s+look|take\s+a\s+look|pass\s+(?:this|it|that)\s+(?:on|across|over|along"
    r"|up)|let\s+(?:you|them)\s+know|(?:make|put|leave|add)\s+a\s+note|note\s+(?:it|that|this)"
    r"|see\s+about|investigate|look\s+at"
    r"|do\s+(?:something|anything)|sort\s+(?:it|this)\s+out|deal\s+with|figure|think|need"
    r"|have\s+to|want|would|be\s+(?:able|happy|glad)|put\s+you\s+on\s+hold|just|transfer)\b",
    re.I,
)
_NOT_A_COMMITMENT_AFTER = word_pattern(
    r"^\W*(?:need|have\s+to|want|ask|just\s+need|be\s+(?:honest|straight|clear)"
    r"|put\s+you\s+on\s+hold|explain|say|start|go\s+ahead\s+and\s+ask|pull\s+up|read|repeat"
    r"|check\s+(?:your|the)\s+(?:account|details)|confirm\s+(?:your|the))\b",
    re.I,
)
# "Let me find it… for today": looking something up, not a promise (however timed).
_LOOKING_UP = word_pattern(
    r"^\W*(?:just\s+)?(?:find|look|see|bring\s+up|have\s+a\s+look|take\s+a\s+look|pull)\b", re.I
)
_DIFFUSE = word_pattern(
    r"\b(?:we(?:'ll|\s+will|\s+shall|'re\s+going\s+to|\s+are\s+going\s+to|'d\s+be\s+happy\s+to"
    r"|\s+can)|someone|somebody|the\s+(?:team|department|engineers?|technicians?|office"
    r"|back\s+office|specialists?|relevant\s+(?:team|department|people)|billing\s+team"
    r"|support\s+team|tech\s+team)|they(?:'ll|\s+will))\s*(?:will\s+|'ll\s+|should\s+|shall\s+"
    r"|is\s+going\s+to\s+|are\s+going\s+to\s+)?(?:\w+\s+){0,2}?(?:look\s+into|investigate|handle"
    r"|sort|deal\s+with|get\s+back|be\s+in\s+touch|follow\s+up|contact|call|reach\s+out|review"
    r"|check|escalate|fix|resolve|take\s+care|pass|get\s+(?:this|it|that)|work\s+on|see\s+what|try"
    r"|look\s+at|have\s+a\s+look|process|update|let\s+you\s+know|keep\s+you|raise|email|send"
    r"|refund|credit|arrange|get\s+someone|be\s+(?:looked|handled|sorted|dealt|investigated"
    r"|escalated|reviewed|passed|fixed|resolved))|\b(?:it|this|that)(?:\s+will|'ll|\s+should"
    r"|\s+is\s+going\s+to)\s+be\s+(?:looked\s+at|handled|sorted|dealt\s+with|investigated"
    r"|escalated|reviewed|passed\s+on|fixed|resolved|picked\s+up)"
    # the step still open, left to others with no time: "in due course", "once finance have
    # checked it"
    r"|\bin\s+due\s+course\b|\b(?:once|when|after)\s+(?:the\s+)?(?:\w+\s+)?(?:team|finance|department"
    r"|they|someone)\s+(?:have|has|had|'ve)\s+(?:checked|reviewed|processed|looked\s+at|approved)\b",
    re.I,
)
_VAGUE_FOLLOW_UP = word_pattern(
    r"\b(?:we'?ll|we\s+will|i'?ll|i\s+will|someone\s+will|somebody\s+will|they'?ll"
    r"|they\s+will)\s+(?:\w+\s+)?(?:be\s+in\s+touch|get\s+back\s+to\s+you|reach\s+out|follow\s+up"
    r"|contact\s+you|call\s+you(?:\s+back)?|let\s+you\s+know|keep\s+you\s+(?:posted|updated"
    r"|informed))|\byou'?ll\s+(?:be\s+)?(?:hear(?:ing)?|contacted)\s+(?:from\s+(?:us|someone|them"
    r"|the\s+team)|back)|\byou(?:'ll|\s+will|\s+should)\s+(?:hear|get\s+(?:a\s+call|an\s+email"
    r"|something))|\b(?:at\s+some\s+point|in\s+due\s+course|when\s+(?:we|they|i)\s+(?:can"
    r"|get\s+a\s+chance|know\s+more|hear)|as\s+soon\s+as\s+(?:we|they|i)\s+can|shortly|soon"
    r"|sometime|some\s+time|later)\b",
    re.I,
)


_CLAUSE_END = word_pattern(r"[.;!?]|\bbut\b", re.I)
_CONTACT_ACTION = word_pattern(
    r"\b(?:call|email|text|ring|phone|message|send|update|confirm)\b", re.I
)
_NOT_A_PROMISE = word_pattern(
    r"^\W*(?:need|have\s+to|want|would|be\s+(?:able|happy|glad)|just|put)", re.I
)
_FOLLOW_UP_WORD = word_pattern(
    r"\b(?:touch|back|contact|hear|follow|call|reach|know|posted|updated|informed)\b", re.I
)
_SOFT_TIME = word_pattern(r"\b(?:soon|shortly|later)\b", re.I)


# A step the agent has already taken for the customer ("I've refunded the £11.50 to your
# card", "I've booked the engineer for Wednesday"): a commitment kept while they listen. Only
# outcomes count; "I've logged it", "I've raised a ticket", "I've passed it on" hand it on.
_DONE = word_pattern(
    r"\bi(?:'ve|\s+have)\s+(?:just\s+|now\s+|already\s+|also\s+|gone\s+ahead\s+and\s+)*"
    r"(?:refunded|credited|booked|rebooked|re-booked|cancell?ed|sent|ordered|reserved|arranged"
    r"|waived|reversed|issued|set\s+up|moved|replaced|reconnected|unlocked|restored|dispatched"
    r"|applied|reinstated|reactivated|removed|corrected|fixed|paid|posted|emailed|texted"
    r"|couriered|put\s+(?:through|back|aside))\b",
    re.I,
)


def _ownership(text: str) -> bool:
    if _DONE.search(text):
        return True
    for match in _FIRST_PERSON_WILL.finditer(text):
        rest = text[match.end() :]
        if _NOT_A_COMMITMENT_AFTER.match(rest) or _LOOKING_UP.match(rest):
            continue
        clause_end = _CLAUSE_END.search(rest)
        clause = rest[: clause_end.start()] if clause_end else rest
        # the when may come first: "at twelve I'll check", "if it isn't there by 10:45, I'll
        # chase them myself"
        if not TIME.search(clause) and not TIME.search(text[: match.start()]):
            continue
        if _VAGUE_ACTION.match(rest) and not _CONTACT_ACTION.search(clause):
            continue
        return True
    return False


def _diffuse(text: str, owned: bool) -> bool:
    if _DIFFUSE.search(text) and not TIME.search(text):
        return True
    if owned:
        return False
    for match in _FIRST_PERSON_WILL.finditer(text):
        if match.group().lower().startswith("let me") or match.group().lower().startswith("i'm"):
            continue
        rest = text[match.end() :]
        if _NOT_A_COMMITMENT_AFTER.match(rest):
            continue
        if _VAGUE_ACTION.match(rest) and not _NOT_A_PROMISE.match(rest):
            return True
    return False


def _vague_follow_up(text: str) -> bool:
    found = _VAGUE_FOLLOW_UP.search(text)
    if found is None:
        return False
    if not _FOLLOW_UP_WORD.search(text):
        return False
    without_soft_time = _SOFT_TIME.sub("", text)
    return not TIME.search(without_soft_time)


_MARKERS = PatternGroup(_FIRST_PERSON_WILL, _DIFFUSE, _VAGUE_FOLLOW_UP, _DONE)


@lru_cache(maxsize=TEXT_CACHE)
def markers_of(text: str) -> tuple[str, ...]:
    """The commitment markers of one sentence (they depend on nothing else)."""
    found: list[str] = []
    # "Let me make sure I have this right: …" checks understanding; it promises nothing.
    text = without_check_frame(text)
    if not _MARKERS.may_match(text):
        return ()  # every marker here needs one of these patterns to match
    owned = _ownership(text)
    if owned:
        found.append("ownership_commitment")
    if _diffuse(text, owned):
        found.append("diffuse_commitment")
    if not owned and _vague_follow_up(text):
        found.append("vague_follow_up")
    return tuple(found)


def find(turn: Turn) -> list[MarkerHit]:
    return [hit(name, s) for s in turn.sentences for name in markers_of(s.text)]
