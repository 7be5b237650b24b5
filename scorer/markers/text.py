"""Shared text helpers for the marker families: sentences with offsets, tokens, content stems.

Everything here is pure and cheap: a turn is split once (`Turn.of`) and every family reads the
same sentences, tokens and customer-context stems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple, TypeVar

# How many texts each per-text cache keeps: plenty for every family to share the work on a
# turn and to read the customer's recent turns again, few enough that a long call does not fill
# memory with cached sets (whose number also makes the garbage collector's full passes slow).
TEXT_CACHE = 1024

_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "no", "approx", "jr"}
)
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space, or at a line break.
# Opens on a character class so that the regex engine skips straight to candidates.
_BOUNDARY = re.compile(r"[.!?…\n](?:(?<=\n)\n*|(?<!\n)[.!?…]*[\"'’”)\]]*(?=\s|$))")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_LETTERS_AND_DOTS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz."


def in_lower_case(text: str) -> bool:
    """Written with no capital letter: how speech to text gives a call ("i'll get an engineer
    out", "the dlm's banded the profile")."""
    return not any(c.isupper() for c in text)


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, as a set (for readable word lists)."""
    return frozenset(text.split())


STOPWORDS = word_set(
    """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each few for from further had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most
    mustn't my myself no nor not of off on once only or other ought our ours ourselves out
    over own same shan't she she'd she'll she's should shouldn't so some such than that
    that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to too under until up very was wasn't we we'd we'll
    we're we've were weren't what what's when when's where where's which while who who's
    whom why why's with won't would wouldn't you you'd you'll you're you've your yours
    yourself yourselves just like really get got go going gonna wanna know think yeah yes
    okay ok um uh oh well right mean thing things lot kind sort something anything
    everything still even much many way back now want said say says tell told feel felt see
    make made one two thank thanks please sure maybe actually pretty stuff bit little time
    times day today good great yep hmm mhm alright lot lots kinda will let also us sorry
    hello hi hey
    """
)


class Span(NamedTuple):
    """A piece of the agent text and where it starts in that text (an immutable value; a
    named tuple, since every turn makes several)."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    return Span(stripped, start + (len(piece) - len(piece.lstrip())))


def _abbreviation_before(text: str, begin: int, dot: int) -> bool:
    """Whether the letters and dots just before the full stop at `dot` (from `begin`) are an
    abbreviation ("Mr", "e.g"), so that the stop ends no sentence."""
    before = text[begin:dot]
    word = before[len(before.rstrip(_LETTERS_AND_DOTS)) :]
    if not word or len(word) < len(before) and before[-len(word) - 1].isalnum():
        return False  # "the 21st.", "Suite 4b.": the end of a longer word, not "St."
    lowered = word.lower().rstrip(".")
    if lowered == "no":  # "No. 12" abbreviates; a plain "No." ends the sentence
        return text[dot + 1 : dot + 3].strip()[:1].isdigit()
    return lowered in _ABBREVIATIONS


def split_sentences(text: str) -> list[Span]:
    """Split `text` into sentences; every span's text is `text[span.start:span.end]`."""
    return list(_sentences(text))


@lru_cache(maxsize=TEXT_CACHE)
def _sentences(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        start, end = match.span()
        if end - start == 1 and text[start] == "." and _abbreviation_before(text, begin, start):
            continue
        span = _trimmed(text, begin, end)
        if span is not None:
            spans.append(span)
        begin = end
    tail = _trimmed(text, begin, len(text))
    if tail is not None:
        spans.append(tail)
    return tuple(spans)


# A comma, semicolon or colon; dashes after whitespace and before whitespace (the break starts
# at the first dash); two hyphens or more; an en or em dash. Written to open on one character
# class of punctuation, so that the regex engine skips straight to candidates (not to every
# space): the character it opens on decides which of the four it can be.
CLAUSE_BREAK = re.compile(r"[,;:\-–—](?:(?<=[,;:])|(?<=\s[-–—])[-–—]*\s|(?<=-)-+|(?<=[–—]))")


@lru_cache(maxsize=TEXT_CACHE)
def _clauses(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    begin = 0
    for match in CLAUSE_BREAK.finditer(text):
        span = _trimmed(text, begin, match.start())
        if span is not None:
            spans.append(span)
        begin = match.end()
    span = _trimmed(text, begin, len(text))
    if span is not None:
        spans.append(span)
    return tuple(spans)


@lru_cache(maxsize=TEXT_CACHE)
def clause_texts(text: str) -> tuple[str, ...]:
    """The clauses of a sentence as text (as `split_clauses`, without offsets)."""
    return tuple(filter(None, map(str.strip, CLAUSE_BREAK.split(text))))


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence at commas, semicolons, colons and dashes, keeping offsets."""
    return [Span(c.text, sentence.start + c.start) for c in _clauses(sentence.text)]


def byte_table(keep: str) -> bytes:
    """A `bytes.translate` table that keeps the ASCII characters of `keep` and makes every
    other byte a space. Encoded as UTF-8, a non-ASCII character is bytes of 128 and above, so
    it becomes spaces too: for words made of ASCII letters, digits and apostrophes, splitting
    the translated text finds what a regex scan finds, several times faster."""
    return bytes(code if chr(code) in keep else 32 for code in range(256))


def spaced_out(text: str, table: bytes) -> str:
    """`text` with every character the `table` does not keep replaced by spaces (one per
    UTF-8 byte: lengths change where the text is not ASCII, so offsets do not hold)."""
    return text.encode("utf-8", "surrogatepass").translate(table).decode("ascii")


_WORD_BYTES = byte_table("abcdefghijklmnopqrstuvwxyz0123456789'")


@lru_cache(maxsize=TEXT_CACHE)
def _words(text: str) -> tuple[str, ...]:
    # What `_WORD.findall` gives on the lower-cased text.
    spaced = spaced_out(text.lower().replace("’", "'"), _WORD_BYTES)
    return tuple(runs_as_words(spaced, _SPLIT_BY_APOSTROPHE, _WORD))


def runs_as_words(spaced: str, apart: re.Pattern[str], word: re.Pattern[str]) -> list[str]:
    """The words of a spaced-out text (see `spaced_out`) as `word.findall` finds them: its
    runs as they stand, unless an apostrophe opens the text or stands where `apart` finds one
    (where `word` would not read it inside a word); then `word` reads each run that holds an
    apostrophe. One scan instead of a regex pass over every run."""
    runs = spaced.split()
    if "'" not in spaced or (spaced[0] != "'" and apart.search(spaced) is None):
        return runs
    return [found for run in runs for found in (word.findall(run) if "'" in run else (run,))]


# An apostrophe that `_WORD` does not read inside a word: at the start of a run, or not followed
# by letters up to the next apostrophe or the run's end ("'em", "abc'", "abc'123", "a''b").
# (The scan opens on the apostrophe itself, so the regex engine skips straight to them.)
_SPLIT_BY_APOSTROPHE = re.compile(r"'(?:(?<= ')|(?![a-z])|[a-z]*[0-9])")


def tokens(text: str) -> tuple[str, ...]:
    """Lower-cased word tokens as a tuple (cached: do not modify)."""
    return _words(text)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept, curly ones made straight)."""
    return list(_words(text))


@lru_cache(maxsize=TEXT_CACHE)
def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match 'charged' with 'charge' or 'charges'."""
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_Value = TypeVar("_Value")


class WordTable(dict[str, _Value]):
    """word -> value, worked out by `compute` the first time a word is seen and kept (at most
    `limit` words, then it starts again): words recur across turns and calls even when
    sentences do not. A dict whose `__missing__` computes, so that a text's words are looked up
    in one C loop (`map(table.__getitem__, words)`) and only the new ones call back into
    Python."""

    def __init__(self, compute: Callable[[str], _Value], limit: int = 50_000) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def values_of(self, words: Iterable[str]) -> frozenset[_Value]:
        """The values of `words`, less the empty one (a word that stands for nothing)."""
        return frozenset(filter(None, map(self.__getitem__, words)))

    def __missing__(self, word: str) -> _Value:
        if len(self) >= self._limit:
            self.clear()
        value = self[word] = self._compute(word)
        return value


def _content_stem(word: str) -> str:
    """The stem of a word that carries content; "" for a stop word, a short word, a number."""
    if len(word) > 2 and word not in STOPWORDS and not word.isdigit():
        return stem(word.partition("'")[0] if "'" in word else word)
    return ""


_CONTENT_STEMS = WordTable(_content_stem)


@lru_cache(maxsize=TEXT_CACHE)
def _content_stems(text: str) -> frozenset[str]:
    return _CONTENT_STEMS.values_of(_words(text))


def content_stems(text: str) -> frozenset[str]:
    """Stems of the words that carry content (no stop words, no short words, no numbers)."""
    return _content_stems(text)


RECENT_CUSTOMER_TURNS = 6


@dataclass
class Turn:
    """One agent turn, split once and shared by every marker family."""

    text: str
    sentences: list[Span]
    context: Sequence[str] = ()
    agent_history: Sequence[str] = ()
    glossary: Mapping[str, str] | None = None
    customer_name: str | None = None
    question_forms: list[str | None] | None = field(default=None, repr=False)
    _context_stems: frozenset[str] | None = field(default=None, repr=False)
    _last_context_stems: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        text: str,
        *,
        context: Sequence[str] = (),
        agent_history: Sequence[str] = (),
        glossary: Mapping[str, str] | None = None,
        customer_name: str | None = None,
    ) -> Turn:
        return cls(
            text=text,
            sentences=split_sentences(text),
            context=context,
            agent_history=agent_history,
            glossary=glossary,
            customer_name=customer_name,
        )

    @property
    def last_context(self) -> str:
        return self.context[-1] if self.context else ""

    @property
    def last_context_stems(self) -> frozenset[str]:
        """Content stems of the customer's turn just before this one."""
        if self._last_context_stems is None:
            self._last_context_stems = _content_stems(self.last_context)
        return self._last_context_stems

    @property
    def context_stems(self) -> frozenset[str]:
        """Content stems of the customer's recent turns (the last few, so that long calls
        stay linear; each turn's stems are worked out once and cached)."""
        if self._context_stems is None:
            recent = self.context[-RECENT_CUSTOMER_TURNS:]
            self._context_stems = frozenset().union(*map(_content_stems, recent))
        return self._context_stems

    def sentence_at(self, offset: int) -> Span:
        """The sentence that contains `offset` (the whole text when none does)."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return Span(self.text, 0)
