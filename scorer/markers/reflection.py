"""Paraphrase: the agent restates what the customer said, without adding information or advice.

A paraphrase is a declarative sentence that either uses a reflective frame ("so you…",
"it sounds like…", "you're saying…", "what I'm hearing…") or is about the customer
("you…/your…") and shares content with the customer's last turn. Sentences that give
information or advice ("you can reset it in the app", "I recommend…", "the guidelines say…")
and questions asking for new information are not paraphrases.
"""

from __future__ import annotations

import re

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.text import Span, Turn, content_stems, words

_FRAME = re.compile(
    r"^(?:(?:so|okay|ok|right|alright|and|yeah|yes|mm-hmm|mhm|uh-huh|hmm|well|now|um|uh|oh|i\s+see)"
    r"[\s,.]+)*(?:"
    r"(?:it\s+)?(?:sounds|seems|looks|feels)\s+(?:like|as\s+(?:if|though)|that)"
    r"|(?:what\s+)?(?:i'?m|i\s+am)\s+hearing|what\s+i\s+hear|i\s+hear\s+(?:you|that)"
    r"|you'?re\s+saying|you\s+are\s+saying|you\s+said|you\s+mentioned|you\s+told\s+me"
    r"|if\s+i\s+(?:understand|hear|heard|got|get)\s+(?:you|that|this|it)"
    r"|let\s+me\s+(?:make\s+sure|see\s+if)\s+i|so\s+(?:you|your|for\s+you|it'?s|the|what)"
    r"|in\s+other\s+words|so\s+basically|basically\s+you|you\s+feel|you'?re\s+feeling"
    r"|(?:on\s+the\s+one\s+hand|part\s+of\s+you)|you'?ve\s+(?:been|got|had|noticed|found|tried)"
    r"|you\s+(?:really|don'?t|didn'?t|can'?t|just|want|wanted|were|had|have|feel|felt|think"
    r"|thought|know|knew|noticed|found|see|like|need|still|kind\s+of|sort\s+of|also|never|"
    r"already|haven'?t|aren'?t|wouldn'?t|couldn'?t|would\s+(?:like|rather|love))"
    r"|you'?re|you\s+are|your\s+\w+|for\s+you|this\s+is|that'?s|it'?s)",
    re.I,
)
# Information, advice, instructions, procedure: not a restatement.
_INFORMATION = re.compile(
    r"\byou\s+(?:should|could\s+try|can\s+(?:try|also|use|go|call|find|reset|check|log|visit|"
    r"download|update)|need\s+to\s+(?:go|call|log|click|reset|update|pay|send)|must|might\s+want"
    r"|may\s+want|'ll\s+(?:need|want|get|receive|see)|will\s+(?:need|want|get|receive|see))"
    r"|\bi\s+(?:would|'d)\s+(?:recommend|suggest|advise)|\bi\s+(?:recommend|suggest|advise)"
    r"|\bwe\s+(?:recommend|suggest|advise|can|will|'ll|offer|have\s+a)|\blet\s+me\b|\bi\s+(?:can|will"
    r"|'ll|'m\s+going\s+to)\b|\bresearch\b|\bstudies\b|\bguidelines?\b|\bthe\s+(?:policy|system"
    r"|process)\b|\bclick\b|\bgo\s+to\b|\bplease\b|\bmake\s+sure\s+(?:you|to)\b|\btry\s+to\b"
    r"|\bhere'?s\s+(?:what|how)|\bthe\s+(?:best|easiest)\s+way|\bwhat\s+(?:i|we)\s+(?:can|will)",
    re.I,
)
_STRONG_FRAME = re.compile(
    r"\b(?:sounds|seems|looks)\s+like\b|\b(?:i'?m|i\s+am)\s+hearing|\bwhat\s+i\s+hear"
    r"|\byou'?re\s+saying|\byou\s+are\s+saying|\bin\s+other\s+words|\bif\s+i\s+(?:understand|hear)"
    r"|\bon\s+the\s+one\s+hand|\bpart\s+of\s+you",
    re.I,
)


def is_paraphrase(sentence: Span, turn: Turn) -> bool:
    text = sentence.text
    if (
        text.rstrip().endswith("?")
        and not _STRONG_FRAME.search(text)
        and not re.match(r"^(?:\W*\w+\W+){0,3}?(?:so\s+)?you(?:'re|'ve|\s)", text, re.I)
    ):
        return False
    if not _FRAME.match(text):
        return False
    if _INFORMATION.search(text):
        return False
    tokens = words(text)
    if len(tokens) < 3:
        return False
    if _STRONG_FRAME.search(text):
        return True
    second_person = sum(1 for t in tokens if t.startswith("you"))
    overlap = content_stems(text) & turn.last_context_stems
    if not turn.context:
        return second_person > 0 and bool(re.match(r"^\W*(?:so|it\s+sounds)\b", text, re.I))
    return second_person > 0 and bool(overlap) or len(overlap) >= 2


def find(turn: Turn) -> list[MarkerHit]:
    return [hit("paraphrase", s) for s in turn.sentences if is_paraphrase(s, turn)]
