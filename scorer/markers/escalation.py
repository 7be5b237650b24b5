"""Escalation: naming the loop, telling the customer to calm down, defensive shields, and
pointing back at earlier answers ("as I mentioned")."""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.text import Turn, word_pattern

_CALM_DOWN = word_pattern(
    r"\b(?:calm\s+down|settle\s+down|cool\s+(?:it|down)|relax\b|chill\s+out|take\s+it\s+easy"
    r"|lower\s+your\s+voice|keep\s+your\s+voice\s+down|stop\s+(?:shouting|yelling|screaming|swearin"
    r"g"
    r"|raising\s+your\s+voice|getting\s+(?:so\s+)?(?:upset|worked\s+up|angry|emotional))"
    r"|(?:don'?t|do\s+not)\s+(?:shout|yell|scream|raise\s+your\s+voice|get\s+(?:so\s+)?(?:upset"
    r"|worked\s+up|angry|emotional|excited))|no\s+need\s+to\s+(?:shout|yell|get\s+(?:so\s+)?"
    r"(?:upset|angry|worked\s+up)|be\s+(?:so\s+)?(?:rude|upset|angry))|take\s+a\s+(?:deep\s+)?breat"
    r"h"
    r"|(?:be|stay)\s+calm|(?:you\s+)?need\s+to\s+(?:calm|relax)|there'?s\s+no\s+reason\s+to\s+be"
    r"\s+(?:so\s+)?(?:upset|angry)|you'?re\s+(?:overreacting|being\s+(?:hysterical|emotional|"
    r"unreasonable|rude)))",
    re.I,
)
# "I won't tell you to calm down", "I'm not asking you to relax".
_NEGATED_PREFIX = word_pattern(
    r"(?:\b(?:not|never|n't|won'?t|no\s+one|nobody)\b[^.!?,;]{0,30}\b(?:tell|telling|ask|asking|say"
    r"|saying|going\s+to|want|expect|need|expecting)\b[^.!?,;]{0,15}$|\b(?:don'?t|do\s+not|no\s+nee"
    r"d"
    r"\s+to|not)\s+(?:have\s+to\s+|need\s+to\s+)?$)",
    re.I,
)
_DEFENSIVE = word_pattern(
    r"\bif\s+you(?:'d|\s+would|\s+will|'ll)?\s+(?:just\s+)?(?:let|allow)\s+me\s+(?:to\s+)?(?:explai"
    r"n|"
    r"finish|speak|talk|answer)|\blet\s+me\s+finish|\bas\s+i\s+(?:already|have\s+already|'ve\s+alre"
    r"ady)"
    r"\s+(?:said|told|explained|mentioned|stated)|\bi(?:'ve|\s+have)\s+already\s+(?:told|explained"
    r"|said)|\b(?:that'?s|that\s+is|it'?s|it\s+is)\s+not\s+(?:my|our)\s+(?:fault|problem|"
    r"responsibility|department|job)|\bnot\s+my\s+fault|\b(?:it'?s|it\s+is|that'?s|that\s+is)\s+"
    r"(?:just\s+)?(?:our|company|the)\s+polic(?:y|ies)|\bpolicy\s+(?:is\s+policy|says|doesn'?t"
    r"\s+allow|won'?t\s+allow)|\bi\s+don'?t\s+make\s+the\s+rules|\byou\s+(?:need|have)\s+to\s+"
    r"understand|\bi'?m\s+(?:just|only)\s+doing\s+my\s+job|\bthere'?s\s+nothing\s+(?:more\s+)?i"
    r"\s+can\s+do|\bthat'?s\s+not\s+what\s+i\s+said|\byou'?re\s+not\s+listening|\byou\s+(?:should|"
    r"must)\s+have\s+read|\bit\s+(?:clearly\s+)?says\s+in\s+the\s+terms|\bthat'?s\s+just\s+how\s+it"
    r"\s+(?:is|works)|\bwith\s+(?:all\s+)?due\s+respect",
    re.I,
)
_REPEAT = word_pattern(
    r"\bas\s+(?:i|we)(?:'ve|\s+have)?\s+(?:already\s+|previously\s+|just\s+)?(?:said|mentioned|"
    r"told\s+you|explained|stated|noted|pointed\s+out)|\blike\s+i\s+(?:already\s+)?(?:said|told\s+y"
    r"ou|"
    r"mentioned|explained)|\bas\s+previously\s+(?:mentioned|stated|explained)|\bi(?:'ve|\s+have)?\s"
    r"+"
    r"already\s+(?:told|explained|said|mentioned)|\bi\s+(?:told|explained\s+to)\s+you\s+(?:already|"
    r"before|earlier)|\b(?:i'?ll|let\s+me|i\s+will)\s+(?:say|explain|repeat)\s+(?:it|this|that)\s+"
    r"(?:again|one\s+more\s+time)|^\s*(?:and\s+|so\s+|but\s+)?(?:once\s+)?again\s*,|\bfor\s+the\s+"
    r"(?:second|third|fourth|last)\s+time\b|\bas\s+(?:i|we)\s+(?:discussed|went\s+over)",
    re.I,
)
_PATTERN = word_pattern(
    r"\b(?:we|you)(?:'ve|\s+have|'re|\s+are)?\s+(?:keep|kept|been)\s+(?:coming|going|getting)\s+"
    r"back\s+to|\bkeeps?\s+coming\s+(?:back|up)|\b(?:we(?:'re|\s+are)|we(?:'ve|\s+have)\s+been)\s+"
    r"(?:going|talking|running)\s+(?:a?round\s+)?in\s+circles|\bround\s+in\s+circles|\bgoing\s+"
    r"around\s+in\s+circles|\b(?:this|that)\s+is\s+the\s+(?:second|third|fourth|fifth|\w+th)\s+time"
    r"|\byou(?:'ve|\s+have)\s+(?:had\s+to\s+)?(?:ask|call|tell|explain|raise|chase|contact|"
    r"mention|repeat)\w*\s+(?:\w+\s+){0,4}(?:several|three|four|five|many|multiple|\d+)\s+times"
    r"|\byou(?:'ve|\s+have)\s+(?:had\s+to\s+)?(?:ask|call|tell|explain|raise|chase|mention|repeat)"
    r"\w*\s+(?:\w+\s+){0,4}(?:again\s+and\s+again|over\s+and\s+over|more\s+than\s+once|repeatedly)"
    r"|\bkeep\s+having\s+to\b|\bthe\s+same\s+(?:conversation|loop|point|question)\s+(?:again|keeps"
    r"|over)|\bwe(?:'re|\s+are)\s+(?:stuck\s+)?(?:in\s+)?a\s+loop|\bstuck\s+on\s+the\s+same"
    r"|\bwe\s+keep\s+\w+ing\b|\bkeeps?\s+(?:happening|coming\s+up)\b",
    re.I,
)


@lru_cache(maxsize=4096)
def markers_of(text: str) -> tuple[str, ...]:
    """The escalation markers of one sentence (they depend on nothing else)."""
    found: list[str] = []
    for match in _CALM_DOWN.finditer(text):
        if not _NEGATED_PREFIX.search(text[: match.start()]):
            found.append("told_to_calm_down")
            break
    if _DEFENSIVE.search(text):
        found.append("defensive")
    if _REPEAT.search(text):
        found.append("repeat_reference")
    if _PATTERN.search(text):
        found.append("pattern_named")
    return tuple(found)


def find(turn: Turn) -> list[MarkerHit]:
    return [hit(name, s) for s in turn.sentences for name in markers_of(s.text)]
