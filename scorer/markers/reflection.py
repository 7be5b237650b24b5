"""Paraphrase: the agent restates what the customer said, without adding information or advice.

A sentence is a paraphrase when it is a statement about the customer (or a reflective frame:
"so you…", "it sounds like…", "you're saying…", "what I'm hearing…") or an echo of the
customer's own words, and it neither gives information or advice ("you can reset it in the
app", "I'd recommend…", "your refund has been sent") nor asks for new information.
A question counts only in declarative form ("So you were charged twice?").
"""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.information import new_specifics, reports_status
from scorer.markers.patterns import lowered, word_pattern
from scorer.markers.questions import (
    AUXILIARIES,
    WH_WORDS,
    forms,
    may_prompt,
    opens_with_prompt,
    strip_lead,
)
from scorer.markers.text import (
    RECENT_CUSTOMER_TURNS,
    TEXT_CACHE,
    Span,
    Turn,
    clause_texts,
    content_stems,
    words,
)

_STRONG_FRAME = word_pattern(
    r"\b(?:sounds|seems|looks|feels)\s+(?:like|as\s+(?:if|though))|\b(?:i'?m|i\s+am)\s+(?:hearing"
    r"|picking\s+up|sensing|getting\s+(?:the\s+sense|that))|\bwhat\s+i\s+(?:hear|heard)"
    r"|\bi\s+hear\s+(?:you\s+say|that)|\byou'?re\s+saying|\byou\s+are\s+saying|\bin\s+other\s+words"
    r"|\bif\s+i\s+(?:understand|hear|heard|got)\s+(?:you|that|this|it)|\bi\s+can\s+(?:tell|sense"
    r"|hear|see)\s+(?:that\s+)?(?:you|how|it'?s\s+been)|\bon\s+the\s+one\s+hand"
    r"|\bon\s+the\s+other\s+hand|\bpart\s+of\s+you|\bwhat\s+you'?re\s+(?:saying|telling"
    r"|describing)|\byou\s+(?:said|mentioned|told\s+me|described)\b"
    r"|\bmy\s+sense\s+is|\bi\s+get\s+the\s+(?:sense|feeling|impression)|\b(?:it'?s"
    r"|it\s+is)\s+(?:almost\s+)?as\s+(?:if|though)|\bso\s+(?:what|it'?s)\s+(?:i'?m\s+)?(?:hearing"
    r"|sounds)",
    re.I,
)
# A frame that announces a check of understanding: "Let me make sure I have this right: …".
CHECK_FRAME = word_pattern(
    r"\b(?:let\s+me|i\s+(?:just\s+)?(?:want|need)\s+to|i'd\s+(?:just\s+)?like\s+to|(?:just"
    r"\s+)?to|can\s+i|could\s+i)\s+(?:just\s+)?(?:make\s+sure|check|see\s+if|be\s+sure"
    r"|confirm)\s+(?:that\s+)?i(?:'ve|\s+have)?\s+(?:got|get|have|understand|understood|heard"
    r"|follow(?:ed)?)\b(?:\s+(?:this|that|it|you|everything|all\s+(?:of\s+)?(?:this|that)"
    r"|things))?(?:\s+(?:right|correctly|straight|properly))?|\bjust\s+so\s+i'?m\s+(?:clear"
    r"|sure)\b|\bif\s+i(?:'ve|\s+have)\s+(?:got|understood)\s+(?:this|that|it|you)\s+(?:right"
    r"|correctly)\b",
    re.I,
)
# Information, advice, instructions, procedure, praise: not a restatement.
_INFORMATION = word_pattern(
    r"\b(?<!that\s)(?<!what\s)(?<!which\s)(?<!thing\s)you\s+(?:do\s+|really\s+|just\s+)?(?:should"
    r"|could\s+(?:try|also|always|just|call|go|use)|can\s+(?:try|also|use|go|call|find|reset|check"
    r"|log|visit|download|update|do|get|just|always|expect|see\s+(?:it|this))|need\s+to|have\s+to"
    r"|must|might\s+want|may\s+want|'ll\s+(?:need|want|get|receive|see|find|be\s+(?:able|charged"
    r"|billed|refunded|credited|getting))|will\s+(?:need|want|get|receive|see|find|be\s+(?:able"
    r"|charged|billed|refunded|credited)))|\bi\s+(?:would|'d)\s+(?:recommend|suggest|advise"
    r"|encourage)|\bi\s+(?:recommend|suggest|advise|encourage)|\blet(?:'s|\s+me|\s+us)\b|\bresearch\b"
    r"|\bstud(?:y|ies)\b|\bguidelines?\b|\bpeople\s+who\b|\bis\s+it\s+(?:okay|ok|alright)\s+if\b"
    r"|\bplease\b|\bmake\s+sure\s+(?:you|to)\b|\bthank(?:s|\s+you)\b|\bwelcome\b|\bwe\s+(?:might"
    r"|could|can|may|'d|would)\b|\bif\s+you'?re\s+interested\b|\bif\s+you\s+were\s+to\b"
    r"|\bone\s+of\s+the\s+things\s+(?:that\s+)?we\b|\b(?:has|have)\s+been\s+(?:sent|processed"
    r"|issued|refunded|credited|approved|cancell?ed|updated|reset|fixed|resolved|escalated|booked"
    r"|applied|added|removed)\b|\byour\s+\w+\s+(?:shows|is\s+showing|says)\b"
    r"|\bi\s+can\s+see\s+(?:on|in|from|here|the|your)\b|\bhere'?s\s+(?:what|how)\b|\bthe\s+(?:best"
    r"|easiest)\s+way\b|\bwhat\s+(?:i|we)\s+(?:can|will|'ll)\b|\bif\s+you\s+(?:want|like|need"
    r"|could|would)\b|\bgood\s+question|\bwell\s+done\b|\bcongratulations\b"
    r"|\bno\s+need\s+to\b",
    re.I,
)
# The agent announcing what they will do ("so I'll…", "we can…"): its own pattern, as it has
# no word start to gate on; it is searched only in sentences that hold "I" or "we".
_ANNOUNCEMENT = word_pattern(
    r"(?:^|[,;]\s*|\b(?:and|so|but|then|now|okay|well)\s+)(?:we|i)(?:'ll|\s+will|\s+can"
    r"(?!\s+(?:tell|sense|hear|imagine))|'m\s+going\s+to|\s+am\s+going\s+to|\s+could)\b",
    re.I,
)


@lru_cache(maxsize=TEXT_CACHE)
def check_frame(text: str) -> re.Match[str] | None:
    """The first check frame of `text` ("let me make sure I have this right"), if any: the
    paraphrase, empathy and commitment rules all ask."""
    return CHECK_FRAME.search(text)


@lru_cache(maxsize=TEXT_CACHE)
def without_check_frame(text: str) -> str:
    """`text` with its check frames ("let me make sure I have this right") blanked out: they
    announce a restatement, and say nothing of sympathy or commitment themselves."""
    return text if check_frame(text) is None else CHECK_FRAME.sub(" ", text)


def _informational(text: str, tokens: list[str]) -> bool:
    """Advice, announcements, thanks and other agent information (`_INFORMATION`, or
    `_ANNOUNCEMENT` where the sentence holds "I" or "we")."""
    if _INFORMATION.search(text) is not None:
        return True
    if lowered(text) is not None and _I_OR_WE.search(" ".join(tokens)) is None:
        return False  # (a text that lower-cases unevenly is searched with full case folding)
    # The announcement opens on no word the engine could skip to; what it announces can.
    return _ANNOUNCED.search(text) is not None and _ANNOUNCEMENT.search(text) is not None


# What every announcement holds (see `_ANNOUNCEMENT`).
_ANNOUNCED = re.compile(
    r"(?:we|i)(?:'ll|\s+will|\s+can|'m\s+going\s+to|\s+am\s+going\s+to|\s+could)", re.I
)
# A word "i" or "we", or one that starts "i'" or "we'", in words joined by spaces.
_I_OR_WE = re.compile(r"(?:^| )(?:i|we)(?=[' ]|$)")


_PRAISE_ONLY = word_pattern(
    r"^\W*(?:\w+\W+){0,2}?(?:that'?s|it'?s|this\s+is)\s+(?:(?:really|so|very|just|certainly"
    r"|absolutely|definitely|totally|quite|pretty)\s+)?(?:great|good|fantastic|wonderful|awesome"
    r"|excellent|amazing|perfect|fine|true|fair)\W*$",
    re.I,
)


_SECOND_PERSON = frozenset({"you", "your", "you're", "you've", "you'd", "yourself", "yours"})
_IMPERSONAL_START = frozenset(
    {"it", "it's", "that", "that's", "this", "there", "there's", "things", "which", "and", "but"}
)
_FIRST_PERSON = frozenset(
    {"i", "i'm", "i've", "i'd", "i'll", "we", "we're", "we've", "we'll", "me"}
)
_FIRST_PERSON_OR_OURS = _FIRST_PERSON | {"my", "our", "us"}
_FAREWELL = word_pattern(
    r"^\W*(?:(?:ok(?:ay)?|well|alright|thanks?|thank\s+you|great|perfect|lovely|cheers)\W+)*"
    r"(?:see\s+you|take\s+care|bye|goodbye|have\s+a\s+(?:good|nice|great|lovely|wonderful))\b",
    re.I,
)


_CORE_LEAD = frozenset(
    {
        "however",
        "actually",
        "technically",
        "obviously",
        "basically",
        "also",
        "even",
        "though",
        "honestly",
        "clearly",
        "certainly",
        "really",
        "kind",
        "sort",
        "of",
    }
)
_GENERIC_SUBJECT = re.compile(
    r"^(?:a\s+lot\s+of\s+|most\s+|many\s+|some\s+|other\s+)?(?:people|folks|patients|customers"
    r"|everyone|everybody|anyone|nobody|no\s+one|things\s+like|studies|research)\b",
)
# Statements of what will happen or has been done: the agent informing, not restating.
_SERVICE_STATEMENT = word_pattern(
    r"\b(?:will|'ll|shall|won't|going\s+to|gonna)\b|\b(?:is|are|was|were|has\s+been|have\s+been|be"
    r"|being)\s+(?:\w+ly\s+)?(?:sent|processed|issued|refunded|credited|approved|cancell?ed"
    r"|updated|reset|fixed|resolved|escalated|booked|applied|added|removed|charged|billed"
    r"|delivered|shipped|dispatched|scheduled|arranged|logged|raised|submitted|paid|reversed"
    r"|restored|replaced|installed|activated|blocked|closed|opened)\b|\b(?:today|tomorrow|monday"
    r"|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b(?:our|the)\s+(?:system|records?"
    r"|policy|terms|engineer|technician|courier|team|account|app|website|warehouse|order|booking"
    r"|refund|invoice|bill|payment|line|router|card)\b",
    re.I,
)
# A statement that opens on a thing and says what it is ("The ONT is the white box…")
# describes, it does not restate.
_ARTICLES = frozenset({"the", "a", "an", "our", "their", "its"})
_FUTURE = frozenset({"will", "'ll", "should", "would", "can", "could", "might", "may", "won't"})
_PREPOSITIONS = frozenset({"in", "to", "at", "for", "from", "with", "of", "on", "by", "about"})
_SUBJECT_AFTER_WH = frozenset(
    {
        "you",
        "you're",
        "you've",
        "your",
        "i",
        "i'm",
        "we",
        "we're",
        "they",
        "he",
        "she",
        "it",
        "it's",
        "that",
        "the",
        "this",
        "there",
    }
)
_MODAL_AFTER_YOU = frozenset(
    {
        "might",
        "may",
        "can",
        "could",
        "would",
        "will",
        "'ll",
        "need",
        "should",
        "must",
        "won't",
        "can't",
        "cannot",
        "likely",
    }
)


def _core(tokens: list[str]) -> list[str]:
    """The words after discourse openers ("so, um, you know, actually…")."""
    core = strip_lead(tokens)
    while core:
        if core[:2] == ["you", "know"] or core[:2] == ["i", "mean"]:
            core = strip_lead(core[2:])
        elif core[0] in _CORE_LEAD:
            core = strip_lead(core[1:])
        else:
            break
    return core


def _without_you_know(tokens: list[str]) -> list[str]:
    """Tokens with the filler "you know" taken out (it is not about the customer)."""
    if "know" not in tokens:
        return list(tokens)
    kept: list[str] = []
    skip = False
    for index, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        following = tokens[index + 1 : index + 3]
        if (
            token == "you"
            and following[:1] == ["know"]
            and following[1:]
            not in (
                ["that"],
                ["how"],
                ["what"],
                ["it"],
            )
        ):
            skip = True
            continue
        kept.append(token)
    return kept


def _echo(text: str, turn: Turn) -> bool:
    """Most of the sentence's content words come from the customer's last turn."""
    stems = content_stems(text)
    if not stems or not turn.last_context_stems:
        return False
    shared = stems & turn.last_context_stems
    return len(shared) >= 1 and len(shared) >= 0.5 * len(stems)


_LED_BY_SO = re.compile(r"^\W*(?:\w+\W+){0,3}?so\b", re.I)


def informs(text: str, turn: Turn) -> bool:
    """The sentence gives the agent's information: a status, or specifics (numbers, days, the
    company's people and places) the customer did not say."""
    return reports_status(text) or bool(
        new_specifics(text, turn.context_stems, turn.context[-RECENT_CUSTOMER_TURNS:])
    )


def reflection_strength(sentence: Span, turn: Turn, form: str | None) -> str | None:
    """'strong' (a reflective frame or a statement about the customer), 'weak' (a statement
    that restates the topic without a frame), or None (a question, information, advice)."""
    text = sentence.text
    kind = _kind(text, form)
    if kind is None or kind == "weak":
        return kind
    if kind == "strong":
        # "Your balance is 40 pounds", "It's on its way to you": about the customer's things,
        # but the agent's news. A reflective frame or the customer as a person keeps it.
        if not _framed(text) and not _has_you(text) and informs(text, turn):
            return None
        return kind
    # A frame-less statement restates only when there is something to restate, and does not
    # bring news of its own.
    if not turn.context or (not _has_you(text) and informs(text, turn)):
        return None
    if kind == "statement" or _echo(text, turn):
        return "weak"
    return None


@lru_cache(maxsize=TEXT_CACHE)
def _framed(text: str) -> bool:
    """The sentence holds a reflective frame ("it sounds like", "you're saying", "let me make
    sure I have this right")."""
    return _STRONG_FRAME.search(text) is not None or check_frame(text) is not None


_YOU = frozenset({"you", "you're", "you've", "you'd", "you'll", "yourself"})


@lru_cache(maxsize=TEXT_CACHE)
def _has_you(text: str) -> bool:
    """The customer is a person in the sentence ("you"), not only an owner ("your") or where
    something goes ("on its way to you")."""
    tokens = _without_you_know(words(text))
    return any(
        t in _YOU and not (t == "you" and i and tokens[i - 1] in _PREPOSITIONS)
        for i, t in enumerate(tokens)
    )


@lru_cache(maxsize=TEXT_CACHE)
def _kind(text: str, form: str | None) -> str | None:
    """What the sentence is on its own: 'strong', 'weak', None, or, for a statement without a
    frame, 'statement' (restates when there is a customer turn) or 'echo' (restates only when
    it repeats the customer's words)."""
    frame = check_frame(text)
    if frame is not None:
        # "Let me make sure I have this right: you were charged twice": what follows the frame
        # is the restatement; the frame alone only announces one.
        return "strong" if len(words(text[frame.end() :])) >= 2 else None
    tokens = words(text)
    if len(tokens) < 2 or _PRAISE_ONLY.match(text) or _FAREWELL.search(text):
        return None
    core = _core(tokens)
    if not core:
        return None
    if _informational(text, tokens) or (
        may_prompt(tokens)
        and any(opens_with_prompt(_core(words(clause))) for clause in clause_texts(text))
    ):
        return None
    if core[0] in WH_WORDS and len(core) > 1 and core[1] not in _SUBJECT_AFTER_WH:
        return None
    if core[0] in _PREPOSITIONS and len(core) > 2 and core[1] in WH_WORDS:
        return None  # "In what ways might…", "To what extent…": asking
    if _STRONG_FRAME.search(text) and not (form == "open" and core[0] in WH_WORDS):
        return "strong"
    if form == "open" or (form == "closed" and core[0] in AUXILIARIES):
        return None
    if _GENERIC_SUBJECT.match(" ".join(core)):
        return None
    if core[0] in _FIRST_PERSON:
        return None
    is_question = text.rstrip("\"'’”) ").endswith("?")
    led_by_so = _LED_BY_SO.match(text) is not None
    if is_question and led_by_so and form == "closed" and core[0] not in AUXILIARIES:
        return "strong"  # "So it wasn't what you expected?": checking a restatement
    if core[0] == "your" and (
        any(t in _FUTURE for t in core[1:4]) or _SERVICE_STATEMENT.search(text)
    ):
        return None  # "Your bill will show a credit…": what will happen or was done
    if core[0] in _SECOND_PERSON:
        second = core[1] if len(core) > 1 else ""
        if second in _MODAL_AFTER_YOU or core[:3] in (["you're", "going", "to"], ["you", "need"]):
            return None
        return "weak" if is_question and not led_by_so else "strong"
    second_person = not _SECOND_PERSON.isdisjoint(_without_you_know(core))
    if is_question:
        return "weak" if second_person else None
    if second_person and (led_by_so or core[0] in _IMPERSONAL_START):
        return "strong"
    if not _FIRST_PERSON_OR_OURS.isdisjoint(core):
        return None  # the agent talking about themselves or the service
    describes = core[0] in _ARTICLES and any(t in ("is", "are", "means") for t in core[1:5])
    if len(core) >= 3 and not describes and not _SERVICE_STATEMENT.search(text):
        return "statement"
    return "echo"


def find(turn: Turn) -> list[MarkerHit]:
    """Strong reflections always count; weak ones only in a turn that asks nothing."""
    sentence_forms = forms(turn)
    graded = [
        (s, reflection_strength(s, turn, form))
        for s, form in zip(turn.sentences, sentence_forms, strict=True)
    ]
    asks = any(form is not None for form in sentence_forms)
    return [
        hit("paraphrase", s)
        for s, strength in graded
        if strength == "strong" or (strength == "weak" and not asks)
    ]
