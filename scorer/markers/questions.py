"""Questions: open vs closed by the form of the sentence, and clarifying questions.

- open: a wh-/how question ("what happened when…", "how does that affect you?") or an open
  prompt ("tell me about…", "walk me through…", "can you describe…").
- closed: an auxiliary-inverted yes/no question ("can you…", "did it…"), a tag question
  ("…, right?"), a declarative question ("you live in Leeds?") or an either/or choice.
- clarifying: a question asking the customer to pin down or confirm something they said
  ("which account…", "do you mean…", "when did the charge appear?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from operator import eq

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import word_pattern
from scorer.markers.text import (
    TEXT_CACHE,
    Span,
    Turn,
    clause_texts,
    content_stems,
    word_set,
    words,
)
from scorer.markers.text import (
    tokens as word_tokens,
)

WH_WORDS = word_set(
    """
    what how why where when who which whose whom what's how's where's who's why's when's
    what're how're where're who're what'd how'd where'd who'd why'd whatcha
    """
)
AUXILIARIES = word_set(
    """
    do does did is are was were am can could will would should shall may might must have has
    had don't doesn't didn't isn't aren't wasn't weren't can't couldn't won't wouldn't
    shouldn't haven't hasn't hadn't ain't d'you dya
    """
)
SUBJECTS = word_set(
    """
    you i we it that this there they he she your ya y'all anyone anybody someone somebody
    everything anything something the my our his her their these those any one
    """
)
LEAD_WORDS = word_set(
    """
    uh um er erm so and but well oh okay ok now then or like right yeah yes no alright hmm
    mhm also anyway actually just see first second next finally sir ma'am listen look hey hi
    huh wow gosh because cause plus besides um-hum uh-huh ah aha great good perfect cool
    sure thanks excellent fine wh wha th mm hm mmh mm-hmm
    """
)
_LEAD_PHRASES = (
    ("i", "mean"),
    ("you", "know"),
    ("all", "right"),
    ("thank", "you"),
    ("by", "the", "way"),
    ("out", "of", "curiosity"),
    ("in", "that", "case"),
)
_LEAD_PHRASES_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {
    first: tuple(p for p in _LEAD_PHRASES if p[0] == first)
    for first in {p[0] for p in _LEAD_PHRASES}
}
# Lead-ins that announce the question in a clause of their own: "I need to know, how…".
_LEAD_IN = word_pattern(
    r"^(?:(?:and|so|but|well|now)\s+)?(?:(?:i\s+(?:just\s+)?(?:need|want|wanted|would\s+like)"
    r"|i'd\s+(?:just\s+)?like)\s+to\s+(?:know|ask|check|understand)|(?:i\s+(?:was|am)"
    r"|i'm)\s+(?:just\s+)?(?:wondering|curious|interested\s+in)|(?:just\s+)?(?:kind\s+of\s+"
    r"|sort\s+of\s+)?wondering|i\s+wonder|let\s+me\s+ask(?:\s+you)?|(?:can|could"
    r"|may)\s+i\s+ask(?:\s+you)?|my\s+question\s+is|the\s+question\s+is|(?:a"
    r"|one)\s+(?:quick\s+)?question|quick\s+question|tell\s+me|just\s+(?:to\s+)?(?:check|confirm"
    r"|clarify)|what\s+(?:i'm|i\s+am)\s+(?:really\s+)?(?:interested\s+in|curious\s+about"
    r"|wondering)(?:\s+is)?)\b",
    re.I,
)
# Open prompts, with or without a question mark: "tell me about…", "can you walk me through…".
_OPEN_PROMPT = word_pattern(
    r"^(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:just\s+)?|please\s+"
    r"|maybe\s+you\s+could\s+|(?:if\s+|maybe\s+)?you\s+(?:could|can"
    r"|might)\s+(?:just\s+)?(?:kind\s+of\s+)?|(?:i'd|i\s+would)\s+like\s+you\s+to\s+"
    r"|i\s+need\s+you\s+to\s+|why\s+don't\s+you\s+|would\s+you\s+mind\s+|(?:i'd"
    r"|i\s+would)\s+(?:love|like)\s+to\s+)?(?:tell(?:ing)?\s+(?:me"
    r"|us)\s+(?:(?:a\s+)?(?:little\s+)?(?:bit\s+)?(?:more\s+)?)?(?:about|what|how|why|where|when"
    r"|who|which|something|anything|everything|more|a\s+bit|a\s+little|some)\b"
    r"|walk(?:ing)?\s+(?:me|us)\s+through|talk(?:ing)?\s+(?:me|us)\s+through|describ(?:e|ing)"
    r"|explain(?:ing)?\b(?!\s+(?:that|this|it)\s+to)|elaborat|expand(?:ing)?\s+on"
    r"|fill(?:ing)?\s+(?:me|us)\s+in|help\s+(?:me|us)\s+understand|say\s+(?:a\s+(?:bit"
    r"|little)\s+)?(?:something\s+)?more|shar(?:e|ing)\s+(?:with\s+(?:me|us)\s+)?(?:a\s+(?:bit"
    r"|little)\s+)?(?:more|what|how|why|some|about|your\s+thoughts)|hear\s+(?:more|about|what|how"
    r"|why)|know\s+more\s+about|give\s+(?:me|us)\s+(?:an?\s+)?(?:little\s+|rough\s+"
    r"|quick\s+)?(?:example|idea|sense|picture|timeframe|timeline|rundown|overview))",
    re.I,
)
_TAG = word_pattern(
    r"^(?:right|correct|yeah|yes|no|ok|okay|huh|eh|true|am\s+i\s+right|is\s+that\s+(?:right"
    r"|correct|true|so)|isn't\s+it|aren't\s+you|don't\s+you|didn't\s+you|doesn't\s+it|won't\s+you"
    r"|wasn't\s+it|can't\s+you|haven't\s+you|is\s+it|was\s+it|did\s+you|do\s+you)$",
    re.I,
)
_CLARIFY_FRAME = word_pattern(
    r"\b(?:do|did)\s+you\s+mean|\byou\s+mean\b|\bdid\s+you\s+say\b|\bwhat\s+do\s+you\s+mean"
    r"|\bjust\s+(?:to\s+)?(?:confirm|clarify|check|be\s+clear|make\s+sure)|\bto\s+(?:confirm"
    r"|clarify)\b|\bis\s+(?:that|this)\s+(?:right|correct|the\s+one)|\bam\s+i\s+right\b"
    r"|\bwhich\s+(?:one|of|\w+)\b|\bwhat\s+exactly\b|\bexactly\s+(?:what|which|when|where|how)\b"
    r"|\bwhen\s+(?:did|was|were|exactly)\b|\bwhere\s+(?:did|was|were|exactly)\b|\bhow\s+(?:much"
    r"|many|long\s+ago)\b|\bwhat\s+(?:date|day|time|amount|number|name|email|address)\b"
    r"|\bcan\s+you\s+(?:confirm|clarify|spell|repeat)\b|\bcould\s+you\s+(?:confirm|clarify|spell"
    r"|repeat)\b|\bwhat\s+(?:did|does)\s+(?:the|it|that)\s+\w+\s+say\b",
    re.I,
)


def strip_lead(tokens: list[str]) -> list[str]:
    """The tokens after discourse openers ("so, um, okay, I mean, …")."""
    i = 0
    count = len(tokens)
    while i < count:
        token = tokens[i]
        if token in LEAD_WORDS:
            i += 1
            continue
        phrases = _LEAD_PHRASES_BY_FIRST.get(token)
        if phrases is None:
            break
        for phrase in phrases:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                break
        else:
            break
    return tokens[i:] if i else tokens


def opens_with_prompt(tokens: list[str]) -> bool:
    """The words open with a prompt: "tell me about…", "can you walk me through…"."""
    return may_prompt(tokens) and bool(_OPEN_PROMPT.match(" ".join(tokens)))


def may_prompt(tokens: Sequence[str]) -> bool:
    """Whether the words hold a prompt verb at all (every prompt needs one)."""
    return not _PROMPT_VERBS.isdisjoint(tokens)


# The verbs an open prompt is made of (see _OPEN_PROMPT).
_PROMPT_VERBS = word_set(
    """tell telling walk walking talk talking describe describing explain explaining expand
    expanding fill filling help say share sharing hear know give elaborate elaborates elaborated
    elaborating elaboration elaborations elaborative"""
)
_YOU_KNOW_WHAT = word_pattern(
    r"^(?:\W*\w+\W+){0,2}?(?:you\s+)?know\s*,?\s*what\s+(?:i\s+mean|i'm\s+saying|i\s+am\s+saying)",
    re.I,
)
_TRAILING_OR = re.compile(r"\bor\s*[-—–.?]*$", re.I)


# A yes/no frame around a wh-question: "do you have any idea why…", "any thoughts on how…".
_INDIRECT_WH = word_pattern(
    r"\b(?:idea|ideas|thoughts?|sense|notion)(?:\s+(?!why|what|how|where|when|who)\w+){0,2}?\s+"
    r"(?:about\s+|of\s+|on\s+|as\s+to\s+)?(?:why|what|how|where|when|who)\b",
    re.I,
)
_PREPOSITIONS = frozenset({"in", "to", "at", "for", "from", "with", "of", "on", "by", "about"})
_CLEFT_SUBJECTS = frozenset({"i", "i'm", "you", "you're", "we", "we're", "they", "he", "she"})
# Wh-words that open a subordinate clause when a subject follows ("when you go out, …").
_SUBORDINATORS = frozenset({"when", "where", "while", "whenever", "wherever"})
_ELLIPTICAL_ANY = re.compile(
    r"^(?:any|anything|anyone|anybody)\s+(?:other|else|more|thoughts?|ideas?|questions?|concerns?"
    r"|suggestions?|worries|feelings)\b"
)
_INVITES_LIST = re.compile(
    r"^(?:are|is)\s+there\s+(?:any|anything)\s+(?:other|else|more|things?|concerns?|worries"
    r"|ways?|reasons?|changes?|areas?|parts?)\b|\b(?:any|anything)\s+(?:other|else)\b"
)
_RATING = word_pattern(
    r"\bscale\b|\b(?:0|1|one|zero)\s+(?:to|and)\s+(?:10|ten|100)\b|\bwhat\s+number\b", re.I
)
_ANNOTATION = re.compile(r"\[[^\]]*\]")
_STUTTER = re.compile(r"\b(\w{1,4})-(?=\1)", re.I)


def _tokens(text: str) -> list[str]:
    """Words of a clause without stutters ("w-where", "can you- can you") or openers."""
    if "-" in text:
        text = _STUTTER.sub("", text)
    if "[" in text:
        text = _ANNOTATION.sub(" ", text)  # "[chuckles]", "[crosstalk]"
    tokens = words(text)
    if any(map(eq, tokens, tokens[1:])) or any(map(eq, tokens, tokens[2:])):
        tokens = collapse_repeats(tokens)
    # (Else nothing repeats a word one or two words back: there is nothing to collapse.)
    return strip_lead(tokens)


def collapse_repeats(tokens: list[str]) -> list[str]:
    """The words with repeats collapsed: a word said twice in a row ("the the"), and a pair said
    twice ("can you can you")."""
    collapsed: list[str] = []
    for token in tokens:
        if collapsed and collapsed[-1] == token:
            continue
        if len(collapsed) >= 3 and collapsed[-3:-1] == [collapsed[-1], token]:
            collapsed.pop()
            continue
        collapsed.append(token)
    return collapsed


def _lead_in_form(tokens: list[str]) -> tuple[bool, str | None]:
    """(is a lead-in, form of what follows it): "I'm wondering how…" -> (True, 'open')."""
    core = " ".join(tokens)
    lead_in = _LEAD_IN.match(core)
    if not lead_in:
        return False, None
    rest = strip_lead(core[lead_in.end() :].split())
    if rest and rest[0] in ("if", "whether"):
        return True, "closed"
    if rest and (rest[0] in WH_WORDS or rest[0] == "about"):
        return True, "open"
    if rest and rest[0] in AUXILIARIES:
        return True, "closed"
    return True, None


def _pseudo_cleft(tokens: list[str]) -> bool:
    """ "what I hear is…", "what you're saying is…": wh-word, subject, then "is"/"was"."""
    return (
        tokens[0] == "what"
        and len(tokens) > 2
        and tokens[1] in _CLEFT_SUBJECTS
        and any(t in ("is", "was") for t in tokens[2:7])
    )


def question_form(sentence: Span) -> str | None:
    """'open', 'closed' or None (not a question) for one sentence."""
    return _form_of(sentence.text)


@lru_cache(maxsize=TEXT_CACHE)
def _form_of(text: str) -> str | None:
    if not text.rstrip("\"'’”) ").endswith("?"):
        tokens = word_tokens(text)
        no_cue = _UNMARKED_CUES.isdisjoint(tokens)
        if no_cue and "-" not in text and _OPENERS.isdisjoint(tokens):
            # Only an opening wh-word or auxiliary could ask, and the sentence holds neither
            # (without stutters to undo, a clause's words are words of the sentence).
            return None
        return _unmarked_question_form(clause_texts(text), no_cue)
    clauses = clause_texts(text)
    if _YOU_KNOW_WHAT.match(text):
        return "closed"
    if _TRAILING_OR.search(text):
        return "open"  # "…at home or?": an unfinished choice invites any answer
    return _marked_question_form(text, clauses)


_OPENERS = WH_WORDS | AUXILIARIES


def _unmarked_question_form(clauses: Sequence[str], no_cue: bool) -> str | None:
    """A sentence without a question mark asks through an open prompt ("tell me about…"), a
    lead-in ("I'm wondering how…", "I wonder if…") or, since transcripts often drop the mark,
    an opening wh-word plus auxiliary ("where is my parcel") or inverted auxiliary ("do you
    have the number")."""
    if no_cue:
        # No prompt verb and no lead-in word: only an opening wh-word or auxiliary can ask.
        for clause in clauses:
            tokens = _tokens(clause)
            if len(tokens) > 1:
                return _opening_form(tokens)
        return None
    first = True
    for clause in clauses:
        tokens = _tokens(clause)
        if not tokens:
            continue
        if opens_with_prompt(tokens):
            return "open"
        is_lead_in, form = _lead_in_form(tokens)
        if is_lead_in:
            if form is not None:
                return form
            continue
        if first and len(tokens) > 1:
            form = _opening_form(tokens)
            if form is not None:
                return form
        if len(tokens) > 1:
            first = False
    return None


# Words one of which every prompt or lead-in holds ("tell me", "I'm wondering", "can I ask").
_UNMARKED_CUES = _PROMPT_VERBS | word_set(
    "know ask check understand wondering curious interested wonder question confirm clarify"
)


def _opening_form(tokens: list[str]) -> str | None:
    """'open' for an opening wh-word plus auxiliary ("where is my parcel"), 'closed' for an
    inverted auxiliary ("do you have the number"), else None."""
    if (
        tokens[0] in WH_WORDS
        and (
            tokens[1] in AUXILIARIES
            or tokens[1] in ("about", "else", "kind", "kinds", "sort", "type")
            or tokens[0] == "how"  # "how confident are you that…"
            and tokens[2:3] != []
            and tokens[2] in AUXILIARIES
            and tokens[3:4] != []
            and tokens[3] in SUBJECTS
        )
    ):
        return "open"
    if tokens[0] in AUXILIARIES and tokens[1] in SUBJECTS:
        return "closed"
    return None


def _marked_question_form(text: str, clauses: Sequence[str]) -> str:
    """The form of a sentence ending in a question mark.

    The first clause that carries the question decides: a wh-word or an open prompt makes it
    open, an inverted auxiliary, a tag or a declarative clause closed. A false start of one or
    two words ("Are you, where are you from?") gives way to the full clause after it.
    """
    for position, clause in enumerate(clauses):
        tokens = _tokens(clause)
        if not tokens:
            continue
        if opens_with_prompt(tokens):
            return "open"
        later_clauses = clauses[position + 1 :]
        if _ELLIPTICAL_ANY.match(" ".join(tokens)):
            return "open"  # "Any other concerns?": no inversion, an invitation to list
        if _RATING.search(text):
            return "closed"  # "On a scale of 0 to 10, how…?": the answer is a number
        if (
            tokens[0] in _SUBORDINATORS
            and len(tokens) > 1
            and tokens[1] in SUBJECTS
            and any(_tokens(later) for later in later_clauses)
        ):
            continue  # "When you go out, is there alcohol?": the main clause decides
        if tokens[0] in _PREPOSITIONS and len(tokens) > 1 and tokens[1] in WH_WORDS:
            tokens = tokens[1:]  # "In what way…?", "From where…?"
        # "What I'm hearing is that…?" is a statement said as a question, not a wh-question.
        asks_what = tokens[0] in WH_WORDS and not _pseudo_cleft(tokens)
        if asks_what or tokens[0] in AUXILIARIES:
            form = "open" if tokens[0] in WH_WORDS else "closed"
            if form == "closed" and _INDIRECT_WH.search(text):
                form = "open"  # "Do you have any idea why that is?": the why is the question
            if form == "closed" and _INVITES_LIST.search(" ".join(tokens)):
                form = "open"  # "Are there any other concerns…?": an invitation to list
            cut_off = clause.rstrip().endswith(("-", "—", "–"))
            if len(tokens) <= 2 or cut_off:  # a false start gives way to a fuller clause
                for later in later_clauses:
                    rest = _tokens(later)
                    if len(rest) > 2 and (rest[0] in WH_WORDS or rest[0] in AUXILIARIES):
                        return "open" if rest[0] in WH_WORDS else "closed"
            return form
        is_lead_in, announced = _lead_in_form(tokens)
        if is_lead_in:
            if announced is not None:
                return announced
            continue
        if later_clauses and _TAG.match(" ".join(words(clauses[-1]))):
            return "closed"
        # A declarative clause; a full wh- or inverted clause later decides
        # ("The bill, what does it say?").
        for later in later_clauses:
            rest = _tokens(later)
            if rest and rest[0] in WH_WORDS and len(rest) > 2:
                return "open"
            if _ELLIPTICAL_ANY.match(" ".join(rest)):
                return "open"
            if rest and rest[0] in AUXILIARIES and len(rest) > 3:
                return "closed"
        return "closed"
    return "closed"


def forms(turn: Turn) -> list[str | None]:
    """The question form of each sentence of the turn (computed once per turn)."""
    if turn.question_forms is None:
        turn.question_forms = [question_form(s) for s in turn.sentences]
    return turn.question_forms


def find(turn: Turn) -> list[MarkerHit]:
    hits: list[MarkerHit] = []
    for sentence, form in zip(turn.sentences, forms(turn), strict=True):
        if form is None:
            continue
        hits.append(hit(f"{form}_question", sentence))
        if _is_clarifying(sentence, turn):
            hits.append(hit("clarifying_question", sentence))
    return hits


_ASKS_TO_CONFIRM = word_pattern(
    r"\b(?:do|did)\s+you\s+mean|you\s+mean\b|did\s+you\s+say|confirm|clarify", re.I
)


@lru_cache(maxsize=TEXT_CACHE)
def _clarify_frame(text: str) -> str | None:
    """'confirm' (asks to confirm or pin down what was said), 'specify' (a specifying
    question), or None."""
    if not _CLARIFY_FRAME.search(text):
        return None
    return "confirm" if _ASKS_TO_CONFIRM.search(text) else "specify"


# "Can I ask which…", "could you tell me when…": the agent asks leave to have the customer
# pin something down.
_ASKS_LEAVE = word_pattern(
    r"\b(?:can|could|may|might)\s+i\s+(?:just\s+)?(?:ask|check)\b|\b(?:can|could|would)\s+you"
    r"\s+(?:just\s+)?(?:tell|remind|let)\s+me\b",
    re.I,
)


def _is_clarifying(sentence: Span, turn: Turn) -> bool:
    text = sentence.text
    frame = _clarify_frame(text)
    if frame is None:
        return False
    if frame == "confirm":
        return True
    # A specifying question is clarifying when it is about the customer's issue: what they
    # raised in their recent turns, their own things, or asked with leave ("can I ask which…").
    if not turn.context or _ASKS_LEAVE.search(text) or _about_the_customer(text):
        return True
    return bool(content_stems(text) & turn.context_stems)


def _about_the_customer(text: str) -> bool:
    return not _YOU_OR_YOURS.isdisjoint(word_tokens(text))


_YOU_OR_YOURS = frozenset({"you", "your", "you're", "you've", "yours"})
