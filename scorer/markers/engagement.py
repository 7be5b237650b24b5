"""Engagement: filler-only turns, hedges, and addressing the customer by the wrong name."""

from __future__ import annotations

import re
from functools import lru_cache

from scorer.markers.hit import MarkerHit, hit
from scorer.markers.patterns import word_pattern
from scorer.markers.questions import question_form
from scorer.markers.text import TEXT_CACHE, Turn, split_sentences, tokens, word_set, words

FILLER_WORDS = word_set(
    """
    ok okay k kk mhm mm mmm hm hmm mm-hmm mhmm uh-huh uh huh um uhm er erm ah right sure
    yeah yea alright aha ah-ha i see got it gotcha fine cool oh noted understood
    alrighty sure-sure great good
    """
)
# Words that answer a yes/no question. "Yes." or "No." alone is an answer, never filler; "sure"
# and "yeah" are back-channel unless the customer has just asked something.
ANSWER_WORDS = word_set("yes yep yup yeah yea no nope sure certainly absolutely correct")
_ALWAYS_ANSWERS = word_set("yes yep yup no nope certainly absolutely correct")
_HEDGE = word_pattern(
    r"\b(?:i\s+(?:think|guess|suppose|believe|reckon|assume|imagine)\b(?!\s+(?:you'?re\s+right"
    r"|that'?s\s+(?:fair|right)))|i\s+don'?t\s+think|maybe|perhaps|probably|possibly|presumably"
    r"|(?<!what\s)(?<!which\s)(?<!this\s)(?<!that\s)(?<!any\s)(?<!the\s)(?<!a\s)(?<!same\s)(?<!som"
    r"e\s)(?<!one\s)(?<!these\s)(?<!those\s)(?<!of\s)(?:sort|kind)\s+of\b(?!\s+(?:thing|issue"
    r"|problem|account|plan|card|device|charge|error|service))|kinda|sorta"
    r"|i'?m\s+not\s+(?:\w+\s+)?sure|not\s+(?:entirely|totally|a\s+hundred\s+percent|100%?)\s+sure"
    r"|(?:it\s+)?(?:might|may|could)\s+(?:be|have\s+been)\b|hopefully|more\s+or\s+less"
    r"|i\s+would\s+(?:think|say|guess)|if\s+i'?m\s+not\s+mistaken|as\s+far\s+as\s+i\s+know"
    r"|should\s+(?:probably\s+)?be\s+(?:fine|ok|okay|alright))",
    re.I,
)
# Titles that go before a surname ("Mr Jennings", "Dr. Hale", "Madam Hale").
_TITLES = r"(?i:mr|mrs|ms|miss|mister|missus|dr|doctor|mx|sir|madam|ma'am)"
_GREETING_NAME = re.compile(
    r"\b(?i:hi|hello|hey|dear|thanks|thank\s+you|good\s+(?:morning|afternoon|evening)|welcome"
    r"|sorry|okay|ok|alright|right|well|yes|no|sure|bye|goodbye|cheers|great"
    r"|perfect)\s*,?\s+((?:" + _TITLES + r"\.?\s+)?[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b"
    r"(?!\s+(?:speaking|here|from|at|with|in|on|calling))",
)
_TITLE_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mister|Missus|Dr|Doctor|Mx|Sir|Madam)\.?\s+"
    r"([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)\b"
)
_NAME_COMMA_START = re.compile(
    r"^([A-Z][a-z]+)\s*,\s+(?:i|we|you|your|let|thanks|thank|that|this|it|so|can|could|would|please"
    r"|just|the|there|what|how|okay|ok)\b"
)
# ", Mike." at the end; the word before the comma tells an address ("High Street, Leeds").
_NAME_END = re.compile(r"([\w'’-]+),\s+([A-Z][a-z]+)\s*[.!?]*$")
NOT_NAMES = word_set(
    """
    I Sir Madam Maam Ma There Again Everyone Everybody All Team Folks Guys Much So For Very
    Too Once Now Then Today Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday
    Sunday Ok Okay Yes No Sure Right Well Great Perfect Thanks Thank Sorry Please Also Again
    Actually Just Hello Hi Hey Bye Absolutely Certainly Definitely Of Course Mate Friend
    Buddy Love Dear Honey Customer Caller Agent The This That It Let Alright Good Morning
    Afternoon Evening Night Both Indeed Understood Noted Excellent Wonderful Cheers Bye
    Goodbye Exactly Correct True Fine Unfortunately Honestly Basically Anyway First Second
    Next Finally Otherwise However Yeah Yep Oh Ah Um Uh Hmm Wow Cool Nice Happy Glad Welcome
    Apologies Pardon Listen Look See Got Mr Mrs Ms Miss Mister Missus Dr Doctor Mx
    """
)


_CAPITALISED = re.compile(r"[A-Z](?<![\w'’-][A-Z])[a-z]+(?:[-'][A-Z]?[a-z]+)?")
_TITLE = re.compile(r"^" + _TITLES + r"\.?\s+")


_PHRASES = ("i see", "got it", "uh huh", "all right", "of course", "that's fine")
_ALLOWED = FILLER_WORDS | ANSWER_WORDS | {p.replace(" ", "_") for p in _PHRASES}


@lru_cache(maxsize=TEXT_CACHE)
def _filler_kind(text: str) -> str | None:
    """'filler' (back-channel only: "mhm", "ok", "right", "I see"), 'answer' (back-channel that
    holds "yeah"/"sure": filler unless it answers a question), or None."""
    if len(text) > 100:
        return None  # six back-channel words at most
    tokens = words(text)
    if not tokens or len(tokens) > 8:
        return None
    joined = " ".join(tokens)
    for phrase in _PHRASES:
        joined = joined.replace(phrase, phrase.replace(" ", "_"))
    parts = joined.split()
    if len(parts) > 6 or not all(p in _ALLOWED for p in parts):
        return None
    if any(p in _ALWAYS_ANSWERS or p == "of_course" for p in parts):
        return None  # "Yes.", "No, sorry.", "Of course.": a direct answer
    return "answer" if any(p in ANSWER_WORDS for p in parts) else "filler"


def _asks(text: str) -> bool:
    """Whether a customer turn asks something (a question mark, or a question's form)."""
    return "?" in text or any(question_form(s) for s in split_sentences(text))


def _is_filler(turn: Turn) -> bool:
    kind = _filler_kind(turn.text)
    if kind == "answer":
        return not _asks(turn.last_context)
    return kind == "filler"


# Each name pattern with the words one of which it needs (none: always tried).
_NAME_PATTERNS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (
        _GREETING_NAME,
        word_set(
            """hi hello hey dear thanks thank good welcome sorry okay ok alright right well yes
            no sure bye goodbye cheers great perfect"""
        ),
    ),
    (_TITLE_NAME, word_set("mr mrs ms miss mister missus dr doctor mx sir madam")),
    (_NAME_COMMA_START, frozenset()),
)


@lru_cache(maxsize=64)
def _names(customer_name: str) -> frozenset[str]:
    return frozenset(part.lower().strip(".") for part in re.split(r"[\s,]+", customer_name) if part)


@lru_cache(maxsize=TEXT_CACHE)
def _addressed_names(text: str) -> tuple[str, ...]:
    """Names the sentence addresses someone by ("Thanks, John", "Hi Sarah", "Mr. Smith")."""
    # Every pattern names a capitalised word; most sentences have none worth trying.
    if all(word in NOT_NAMES for word in _CAPITALISED.findall(text)):
        return ()
    found: list[str] = []
    words_here = tokens(text)
    for pattern, cues in _NAME_PATTERNS:
        if cues and cues.isdisjoint(words_here):
            continue  # the pattern needs one of these words
        found += [_TITLE.sub("", match.group(1)) for match in pattern.finditer(text)]
    end = _NAME_END.search(text)
    if end is not None and end.group(1)[0].islower():
        found.append(end.group(2))
    return tuple(name for name in found if name not in NOT_NAMES and len(name) > 1)


def _only_known_names(text: str, known: frozenset[str]) -> bool:
    """Every capitalised word is the customer's name or no name at all, so the sentence cannot
    address anyone else (each name the patterns find is one of these words)."""
    return all(word in NOT_NAMES or word.lower() in known for word in _CAPITALISED.findall(text))


@lru_cache(maxsize=TEXT_CACHE)
def _hedges(text: str) -> bool:
    return _HEDGE.search(text) is not None


def find_filler_and_hedges(turn: Turn) -> list[MarkerHit]:
    hits: list[MarkerHit] = []
    if _is_filler(turn):
        stripped = turn.text.strip()
        hits.append(MarkerHit("filler", stripped, turn.text.index(stripped)))
    hits += [hit("hedge", sentence) for sentence in turn.sentences if _hedges(sentence.text)]
    return hits


def find_wrong_names(turn: Turn) -> list[MarkerHit]:
    known = _names(turn.customer_name) if turn.customer_name else frozenset()
    if not known:
        return []
    hits: list[MarkerHit] = []
    for sentence in turn.sentences:
        if not _only_known_names(sentence.text, known):
            for name in _addressed_names(sentence.text):
                if name.lower() not in known:
                    hits.append(hit("wrong_name", sentence))
                    break
    return hits
