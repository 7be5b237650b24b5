"""Clarity: internal terms and acronyms left unexplained (`jargon`) or translated in the same
turn (`jargon_explained`).

A term is internal when the scenario's glossary lists it, when it is an all-caps acronym the
customer is unlikely to know, or when it looks like a product code ("ERR_402", "T2 ticket").
A reference number with a letter prefix ("HLD-40917", "INC-2231") names one case or order: it
is read out, not jargon.
It counts as explained when the turn says what it means right after it ("the CSC flag, which
is a billing hold", "CSC flag - that means…", "(a billing hold)"), when the next sentence
defines it ("…a loss adjuster. That's an independent surveyor who…", "In other words…", "So if
the repairs come to £2,000, you'd pay…"), or when that sentence or the next carries most of the
glossary's customer-language meaning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from scorer.markers.hit import MarkerHit
from scorer.markers.patterns import word_pattern
from scorer.markers.text import Span, Turn, content_stems, in_lower_case, word_set

# Acronyms a customer knows: no translation needed.
COMMON_ACRONYMS = word_set(
    """
    I OK TV PM AM USA US UK EU PIN ATM ID SMS PDF FAQ USB GPS CEO VIP ASAP FYI DVD CD PC IT
    HR WIFI HD UTC GMT EST PST CET BST VAT IRS NHS TSA NYC LA DC UN USD EUR GBP CAD AUD APP
    AI FM AC DIY LOL OMG BTW ETA PS NB JPEG PNG MP3 MP4 HTML URL WWW SIM IBAN ZIP SUV GB MB
    KB TB QR NO YES HELLO HI THE AND YOU IS NOT A OR MR MRS MS DR ST II III IV OOH UH
    BBC ITV CNN NFL NBA FIFA UEFA NASA FBI UPS DHL BMW VW MOT GP AA RAC
    """
)
# Each pattern opens on a character class and checks what comes before it right after that
# first character, so that the regex engine can skip to the candidates ("(?<![\w-])" first
# would make it try every position).
_ACRONYM = re.compile(
    r"[A-Z](?<![\w-][A-Z])(?:[A-Z]{1,5}s?|[A-Z]*(?:[-_/][A-Z0-9]+)+|[A-Z]{0,4}\d{1,4}[A-Z]?)"
    r"(?![\w-])"
)
# (Possessive letter runs: what follows them is never a letter, so giving letters back could
# not help a match, and the engine is spared trying.)
_CODE = re.compile(
    r"[A-Za-z](?<![\w-][A-Za-z])(?:[A-Za-z]*+_[A-Za-z0-9_]+|[A-Za-z]++-\d{2,})(?![\w-])"
)
# A reference: a letter prefix, an optional "-", "/", "#" or "." and a number of three digits
# or more, maybe in groups ("HLD-40917", "INC-2231", "ORD/55310", "CS-2024-0091", "AB12345").
# It names one order, case or booking; the customer reads it, nobody needs it translated.
_REFERENCE = re.compile(
    r"[A-Za-z](?<![\w-][A-Za-z])[A-Za-z]{0,5}+(?:[-/#.]?\d{3,}|(?:[-/#.]\d+)*[-/#.]\d{3,})[A-Za-z]?"
    r"(?![\w-])"
)
# A reference starts at most this many characters before its first digit (six letters and a
# separator), so its scan starts there: the text before holds no reference.
_REFERENCE_LEAD = 7
_DIGIT = re.compile(r"\d")
_THREE_DIGITS = re.compile(r"\d\d\d")
# Every code holds "_" or a "-" and two digits.
_DASH_DIGITS = re.compile(r"-\d\d")
_EXPLAINED_AFTER = word_pattern(
    r"^[\"'’”)]?(?:\s+[\w-]+){0,2}?\s*(?:\(|[-–—:]\s*(?:(?:that|which|it|this)\s*)?(?:'s|is|means"
    r"|just\s+means)?|,?\s*(?:which|that)\s+(?:is\s+(?:a|an|the|our|your|when|where|how|what"
    r"|like|someone|something)|means|just\s+means|stands\s+for"
    r"|basically\s+means|is\s+basically|is\s+just|is\s+our|is\s+a|is\s+the)\b|,?\s*(?:that|which"
    r"|it|this)['’]s\s+(?:just\s+|basically\s+|simply\s+)?(?:a|an|the|our|what|when|how|where)\b"
    r"|,?\s*(?:i\.e\."
    r"|meaning|which\s+means|in\s+other\s+words|or\s+in\s+plain\s+(?:english|terms)|basically"
    r"|stands\s+for|short\s+for|also\s+called|otherwise\s+known\s+as|or\s+simply)\b|,?\s+(?:is"
    r"|means)\s+(?:just\s+|basically\s+|simply\s+)?(?:a|an|the|our|when|that|how|what|where)\b)",
    re.I,
)
_EXPLAINED_BEFORE = word_pattern(
    r"(?:(?:called|known\s+as|we\s+call\s+(?:it|this|that)|what\s+we\s+call|we\s+refer\s+to\s+"
    r"(?:it|this)\s+as|labelled|labeled|marked\s+as)\s+(?:an?\s+|the\s+)?[\"'“‘]?)$",
    re.I,
)


@lru_cache(maxsize=256)
def _glossary_pattern(terms: tuple[str, ...]) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """One regex for all glossary terms, longest first, each a whole word or phrase."""
    kept = tuple(sorted((t for t in terms if t.strip()), key=len, reverse=True))
    if not kept:
        return kept, re.compile(r"(?!)")
    body = "|".join("(" + re.escape(term) + ")" for term in kept)
    return kept, re.compile(r"(?<!\w)(?:" + body + r")(?!\w)", re.I)


def _terms(turn: Turn) -> list[tuple[str, int, str | None]]:
    """(term, start, glossary meaning) for every internal term in the turn."""
    text = turn.text
    found: list[tuple[str, int, str | None]] = []
    taken: list[tuple[int, int]] = []
    glossary: Mapping[str, str] = turn.glossary or {}
    if glossary:
        terms, pattern = _glossary_pattern(tuple(glossary))
        for match in pattern.finditer(text):
            term = terms[match.lastindex - 1] if match.lastindex else match.group()
            taken.append((match.start(), match.end()))
            found.append((match.group(), match.start(), glossary[term]))
    first_digit = _DIGIT.search(text)
    if first_digit is not None and _THREE_DIGITS.search(text, first_digit.start()) is not None:
        # Every reference holds three digits in a row.
        start = max(0, first_digit.start() - _REFERENCE_LEAD)
        taken += [(m.start(), m.end()) for m in _REFERENCE.finditer(text, start)]
    codes = "_" in text or (first_digit is not None and _DASH_DIGITS.search(text) is not None)
    for pattern in (_ACRONYM, _CODE) if codes else (_ACRONYM,):
        for match in pattern.finditer(text):
            word = match.group()
            if word.rstrip("s") in COMMON_ACRONYMS or word in COMMON_ACRONYMS:
                continue
            if pattern is _ACRONYM and _spelled_word(word):
                continue  # "text USAGE to 2020", "press ENTER": a word in capitals
            if pattern is _ACRONYM and _shouting(text, match.start(), match.end()):
                continue
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append((match.start(), match.end()))
            found.append((word, match.start(), None))
    if in_lower_case(text):
        # Speech to text writes acronyms in lower case: "the dlm's banded the profile", "a pcn
        # issued under pofa". Letters with no vowel between them are said as letters.
        for match in _SPOKEN_LETTERS.finditer(text):
            word = match.group()
            if word in _SAID_AS_WORDS or word.upper() in COMMON_ACRONYMS:
                continue
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue
            taken.append((match.start(), match.end()))
            found.append((word, match.start(), None))
    return sorted(found, key=lambda item: item[1])


# Two to five letters with no vowel (nor "y"), not a word of their own.
_SPOKEN_LETTERS = re.compile(r"(?<![\w'’-])[b-df-hj-np-tv-xz]{2,5}(?=['’]s\b|[^\w'’-]|$)")
# Said as words or known to everyone, in lower case: fillers, titles, units, ordinals.
_SAID_AS_WORDS = word_set(
    """
    hmm hm mm mmm mhm mhmm hmph pfft tsk zzz shh sh psst brr grr nth st nd rd th mr mrs ms dr
    hrs mph kg km cm ml mg pm
    tv pc dvd pdf gps bbc nhs sms cd dj bt hq xl xxl vs pls thx ffs gp lbs kw kwh
    """
)


def _spelled_word(word: str) -> bool:
    """Five letters or more with two vowels or more: a word written in capitals, not an
    acronym (acronyms are short or all consonants: "ONT", "NOC", "SMTP")."""
    return len(word) >= 5 and word.isalpha() and sum(word.count(v) for v in "AEIOU") >= 2


def _shouting(text: str, start: int, end: int) -> bool:
    """Capitals that are emphasis or a title ("this is NOT fair"), not an acronym."""
    before = text[max(0, start - 20) : start].split()
    after = text[end : end + 20].split()
    neighbours = [w for w in (before[-1:] + after[:1]) if w[:1].isalpha()]
    return bool(neighbours) and all(w.isupper() and len(w) > 1 for w in neighbours)


# The sentence after the term defines it: "There's an excess of £250. That's the part of any
# claim you pay yourself", "…a loss adjuster. That's an independent surveyor who…", "In other
# words…", "Think of it as…", "Basically, …", "So if the repairs come to £2,000, you'd pay…".
_DEFINES_NEXT = word_pattern(
    r"^\W*(?:(?:so|and|basically|essentially|simply)\W+)?(?:(?:that|this|it|which)(?:['’]s|\s+is"
    r"|\s+just\s+means|\s+means|\s+simply\s+means|\s+basically\s+means|\s+stands\s+for)\s+"
    r"(?:just\s+|basically\s+|simply\s+)?(?:a|an|the|our|what|when|how|where|who|your|any|any"
    r"\s+\w+|someone|somebody|one|like|that|you)\b|in\s+other\s+words|put\s+simply|simply\s+put"
    r"|in\s+plain\s+(?:english|terms|words)|think\s+of\s+(?:it|that|this|them)\s+as|it\s+works"
    r"\s+like|(?:that|this|it)\s+(?:just\s+)?means|basically\b|what\s+(?:that|this|it)\s+means"
    r"|so\s+if\b[^.!?]{0,80}\byou(?:['’]d|\s+would|['’]ll|\s+will|\s+pay|\s+get))",
    re.I,
)


def _explained(turn: Turn, term: str, start: int, meaning: str | None) -> bool:
    text = turn.text
    after = text[start + len(term) : start + len(term) + 60]
    before = text[max(0, start - 40) : start]
    if _EXPLAINED_AFTER.match(after) or _EXPLAINED_BEFORE.search(before):
        return True
    sentence = turn.sentence_at(start)
    following = _next_sentence(turn, sentence.end)
    if following is not None and _DEFINES_NEXT.match(following.text):
        return True
    if meaning:
        wanted = content_stems(meaning)
        said = content_stems(sentence.text)
        if following is not None:
            said = said | content_stems(following.text)
        said -= content_stems(term)
        # The glossary's meaning, in most of its words, in that sentence or the next.
        if wanted and len(wanted & said) * 2 >= len(wanted) + (len(wanted) > 2):
            return True
    return False


def _next_sentence(turn: Turn, end: int) -> Span | None:
    for sentence in turn.sentences:
        if sentence.start >= end:
            return sentence
    return None


# Every acronym or code holds one of these: two capitals, a capital and a digit, "_", "x-1".
_MAY_HOLD_TERM = re.compile(r"[A-Z_-](?:(?<=[A-Z])[A-Z0-9]|(?<=_)|(?<=[A-Za-z]-)\d)")


def internal_terms(turn: Turn) -> list[tuple[str, int, bool]]:
    """(term, start, explained) for every internal term the turn uses, in order."""
    if (
        not turn.glossary
        and _MAY_HOLD_TERM.search(turn.text) is None
        and (not in_lower_case(turn.text) or not _SPOKEN_LETTERS.search(turn.text))
    ):
        return []
    return [
        (term, start, _explained(turn, term, start, meaning))
        for term, start, meaning in _terms(turn)
    ]


def find(turn: Turn) -> list[MarkerHit]:
    hits: list[MarkerHit] = []
    for _term, start, explained in internal_terms(turn):
        sentence = turn.sentence_at(start)
        marker = "jargon_explained" if explained else "jargon"
        hits.append(MarkerHit(marker=marker, quote=sentence.text, start=sentence.start))
    return hits
