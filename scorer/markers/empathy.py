"""Empathy: naming the customer's specific impact, generic empathy, apology.

- impact_named: an acknowledgement about the customer's own circumstances: second person plus
  concrete content from what they said ("you were cut off the day before your interview").
- generic_empathy: an emotion word with no specifics ("I understand your frustration").
- apology: "I'm sorry", "my apologies", "I apologise".
"""

from __future__ import annotations

import re

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.text import Span, Turn, content_stems, words

_APOLOGY = re.compile(
    r"\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:(?:so|very|really|truly|terribly|deeply|extremely)\s+)?"
    r"sorry\b|\bsorry\s+(?:about|for|to\s+hear|that)\b|\bmy\s+apolog|\bour\s+apolog|\bapologies\b"
    r"|\bi\s+(?:do\s+)?apologi[sz]e|\bwe\s+apologi[sz]e|^\s*sorry\b(?!\s*[,?]\s*(?:what|could|can"
    r"|say|come|pardon))",
    re.I,
)
_EMOTION = (
    r"(?:frustrat\w*|upset\w*|angry|anger|annoy\w*|stress\w*|worr\w*|concern\w*|disappoint\w*|"
    r"inconvenien\w*|hard|difficult|tough|awful|terrible|horrible|rough|painful|scar\w*|"
    r"confus\w*|exhaust\w*|overwhelm\w*|unfair|unacceptable|infuriat\w*|aggravat\w*|"
    r"distress\w*|hurt\w*|sad|lonely|anxious|anxiety|fear\w*|afraid|tired|hopeless|"
    r"heartbreak\w*|devastat\w*|irritat\w*|maddening|feel\w*|emotion\w*|pain|struggl\w*|"
    r"a\s+lot\s+to\s+deal\s+with|no\s+fun|not\s+(?:fun|good|ok|okay|great|easy)|"
    r"a\s+(?:pain|nightmare|hassle|mess)|(?:so\s+)?sorry)"
)
_GENERIC = re.compile(
    r"\bi\s+(?:completely\s+|totally\s+|fully\s+|really\s+|do\s+|can\s+)?(?:understand|hear\s+you"
    r"|get\s+(?:it|that|why|how)|see\s+(?:why|how|where)|know\s+(?:how|what)\s+(?:you|it|that)"
    r"|appreciate\s+(?:that|how|this|your|it|you)|imagine|only\s+imagine|relate|feel\s+(?:you|for))\b"
    r"|\bi'?m\s+(?:so\s+)?sorry\s+(?:to\s+hear|you'?re|you\s+are|that\s+you|for\s+what)"
    r"|\b(?:that|this|it)(?:'s|\s+is|\s+must\s+be|\s+must\s+have\s+been|\s+sounds?(?:\s+like)?"
    r"|\s+seems?|\s+would\s+be|'d\s+be|\s+can\s+be)\s+(?:(?:so|really|very|incredibly|quite|pretty"
    r"|super|extremely|such\s+a|a\s+really|a)\s+)*"
    + _EMOTION
    + r"|\bhow\s+"
    + _EMOTION
    + r"|\bsounds?\s+(?:like\s+)?(?:(?:so|really|very|a)\s+)*"
    + _EMOTION
    + r"|\b(?:you'?re|you\s+are)\s+not\s+alone|\bhugs?\b|\bsending\s+(?:you\s+)?(?:love|hugs|"
    r"strength)|\bi\s+feel\s+for\s+you|\bmy\s+heart\s+goes|\b(?:been|went)\s+through\s+(?:the\s+"
    r"same|something|this|that|it)|\b(?:same|me\s+too)\b|\bhang\s+in\s+there|\bstay\s+strong"
    r"|\bthat\s+sucks|\bsuch\s+a\s+shame|\bi'?m\s+(?:so\s+)?glad|\bi\s+hope\s+(?:you|things|it)"
    r"|\bi\s+know\s+(?:the|that|this)\s+feel|\bunderstandabl[ey]|\bof\s+course\s+you'?re"
    r"|\bno\s+wonder|\bit'?s\s+(?:okay|ok|normal|natural|understandable)\s+to\s+(?:feel|be)"
    r"|\bcompletely\s+(?:valid|understandable)|\bvalid\b",
    re.I,
)
_SECOND_PERSON = frozenset(
    {"you", "your", "you're", "you've", "you'd", "you'll", "yours", "yourself"}
)
_INTERPRETIVE = re.compile(
    r"\b(?:it\s+)?(?:sounds|seems|looks)\s+like\s+(?:you|your)|\byou\s+(?:must|might)\s+(?:be|have|feel)"
    r"|\byou(?:'re|\s+are)\s+(?:feeling|going\s+through|dealing\s+with|worried|scared|upset|"
    r"frustrated|stuck|left|trying|struggling)|\byou(?:'ve|\s+have)\s+(?:been|had|lost|missed)"
    r"|\byou\s+(?:were|got)\s+\w+|\byour\s+\w+|\bi\s+(?:also|too)\s+\w+|\bi'?ve\s+(?:been|had|"
    r"felt|gone)|\bi\s+(?:had|felt|went)\s+(?:the\s+same|a\s+similar|this|that)",
    re.I,
)


_STRONG_INTERPRETIVE = re.compile(
    r"\b(?:sounds|seems|looks)\s+like\s+(?:you|your)|\byou\s+(?:must|might)\s+(?:be|have|feel)"
    r"|\byou(?:'re|\s+are)\s+(?:feeling|going\s+through|dealing\s+with)"
    r"|\byou(?:'ve|\s+have)\s+(?:been\s+(?:through|left|dealing|stuck|trying|waiting)|lost|missed)",
    re.I,
)


def _impact_named(sentence: Span, turn: Turn) -> bool:
    tokens = words(sentence.text)
    if not any(t in _SECOND_PERSON for t in tokens) and not re.search(
        r"\bi\s+(?:also|too)\b|\bi'?ve\s+(?:been|had|felt)|\bsame\s+(?:thing|situation|boat)",
        sentence.text,
        re.I,
    ):
        return False
    if sentence.text.rstrip().endswith("?"):
        return False
    overlap = content_stems(sentence.text) & turn.context_stems
    if not turn.context:
        return (
            bool(_STRONG_INTERPRETIVE.search(sentence.text))
            and len(content_stems(sentence.text)) >= 3
        )
    return len(overlap) >= 2 or (len(overlap) >= 1 and bool(_INTERPRETIVE.search(sentence.text)))


def find(turn: Turn) -> list[MarkerHit]:
    hits: list[MarkerHit] = []
    for sentence in turn.sentences:
        if _APOLOGY.search(sentence.text):
            hits.append(hit("apology", sentence))
        if _impact_named(sentence, turn):
            hits.append(hit("impact_named", sentence))
        elif _GENERIC.search(sentence.text):
            hits.append(hit("generic_empathy", sentence))
    return hits
