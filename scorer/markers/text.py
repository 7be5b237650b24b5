"""Shared text helpers for the marker families: sentences with offsets, tokens, content stems.

Everything here is pure and cheap: a turn is split once (`Turn.of`) and every family reads the
same sentences, tokens and customer-context stems.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "no", "approx", "jr"}
)
# A sentence ends at . ! ? (plus closing quotes/brackets) followed by space, or at a line break.
_BOUNDARY = re.compile(r"[.!?…]+[\"'’”)\]]*(?=\s|$)|\n+")
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_LAST_WORD = re.compile(r"([A-Za-z.]+)[.]$")


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
    times day today good great yep hmm mhm alright lot lots kinda will let also us
    """
)


@dataclass(frozen=True)
class Span:
    """A piece of the agent text and where it starts in that text."""

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


def split_sentences(text: str) -> list[Span]:
    """Split `text` into sentences; every span's text is `text[span.start:span.end]`."""
    spans: list[Span] = []
    begin = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith(".") and len(match.group()) == 1:
            last = _LAST_WORD.search(text, begin, end)
            if last and last.group(1).lower().rstrip(".") in _ABBREVIATIONS:
                continue
        span = _trimmed(text, begin, end)
        if span is not None:
            spans.append(span)
        begin = end
    tail = _trimmed(text, begin, len(text))
    if tail is not None:
        spans.append(tail)
    return spans


_CLAUSE_BREAK = re.compile(r"[,;:]|\s[-–—]+\s|-{2,}|[–—]")


@lru_cache(maxsize=4096)
def _clauses(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    begin = 0
    for match in _CLAUSE_BREAK.finditer(text):
        span = _trimmed(text, begin, match.start())
        if span is not None:
            spans.append(span)
        begin = match.end()
    span = _trimmed(text, begin, len(text))
    if span is not None:
        spans.append(span)
    return tuple(spans)


def split_clauses(sentence: Span) -> list[Span]:
    """Split a sentence at commas, semicolons, colons and dashes, keeping offsets."""
    return [Span(c.text, sentence.start + c.start) for c in _clauses(sentence.text)]


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("’", "'") for w in _WORD.findall(text.lower()))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (apostrophes kept, curly ones made straight)."""
    return list(_words(text))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match 'charged' with 'charge' or 'charges'."""
    for suffix in ("ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=8192)
def _content_stems(text: str) -> frozenset[str]:
    return frozenset(
        stem(w.split("'")[0])
        for w in _words(text)
        if w not in STOPWORDS and len(w) > 2 and not w.isdigit()
    )


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry content (no stop words, no short words, no numbers)."""
    return set(_content_stems(text))


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
    _context_stems: set[str] | None = field(default=None, repr=False)
    _last_context_stems: set[str] | None = field(default=None, repr=False)

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
    def last_context_stems(self) -> set[str]:
        """Content stems of the customer's turn just before this one."""
        if self._last_context_stems is None:
            self._last_context_stems = content_stems(self.last_context)
        return self._last_context_stems

    @property
    def context_stems(self) -> set[str]:
        """Content stems of all of the customer's earlier turns."""
        if self._context_stems is None:
            stems: set[str] = set()
            for turn in self.context:
                stems |= content_stems(turn)
            self._context_stems = stems
        return self._context_stems

    def sentence_at(self, offset: int) -> Span:
        """The sentence that contains `offset` (the whole text when none does)."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return Span(self.text, 0)


def _top_level_branches(pattern: str) -> list[str]:
    branches: list[str] = []
    depth = 0
    in_class = False
    start = 0
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:index])
            start = index + 1
        index += 1
    branches.append(pattern[start:])
    return branches


_PREFIX_LENGTH = 4
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'")
_MAX_PREFIXES = 400


@lru_cache(maxsize=8192)
def word_prefixes(text: str) -> frozenset[str]:
    """Every prefix (up to four characters) of every word of `text`, lower-cased."""
    return frozenset(
        token[:length] for token in _words(text) for length in range(1, min(len(token), 4) + 1)
    )


def _prefixes(items: list[tuple[Any, Any]], index: int = 0) -> set[str] | None:
    """The literal prefixes a match of items[index:] may start with; None when unknown.

    A prefix ends at the first character that is not part of a word, at the fourth character,
    or wherever the pattern stops being literal; an empty prefix means "anything".
    """
    if index == len(items):
        return {""}
    op, value = items[index]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return _prefixes(items, index + 1)
    if op is _c.LITERAL:
        char = chr(value).lower()
        if char not in _TOKEN_CHARS:
            return {""}
        rest = _prefixes(items, index + 1)
        if rest is None:
            return None
        return {(char + tail)[:_PREFIX_LENGTH] for tail in rest}
    if op is _c.SUBPATTERN:
        return _prefixes(list(value[3].data) + items[index + 1 :])
    if op is _c.BRANCH:
        found: set[str] = set()
        for alternative in value[1]:
            part = _prefixes(list(alternative.data) + items[index + 1 :])
            if part is None:
                return None
            found |= part
            if len(found) > _MAX_PREFIXES:
                return None
        return found
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, body = value
        with_body = _prefixes(list(body.data))
        if with_body is None:
            return None
        if low == 0:
            without = _prefixes(items, index + 1)
            if without is None:
                return None
            return with_body | without
        return with_body
    if op is _c.IN and all(kind is _c.LITERAL for kind, _ in value):
        chars = {chr(code).lower() for _, code in value}
        if not chars <= _TOKEN_CHARS:
            return {""}
        rest = _prefixes(items, index + 1)
        if rest is None:
            return None
        return {(char + tail)[:_PREFIX_LENGTH] for char in chars for tail in rest}
    return {""}


def _usable(found: set[str] | None) -> bool:
    return found is not None and "" not in found and all(p[0] != "'" for p in found)


def _consumes_space(op: Any, value: Any) -> bool:
    """A required element that matches whitespace, so the next element starts a word."""
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, _high, body = value
        return bool(low) and all(_consumes_space(o, v) for o, v in body.data)
    if op is _c.IN:
        return any(kind is _c.CATEGORY and v is _c.CATEGORY_SPACE for kind, v in value)
    return op is _c.LITERAL and chr(value) == " "


def _branch_prefixes(branch: str) -> frozenset[str] | None:
    """Word prefixes one of which any match of `branch` (a branch that starts at a word)
    must contain as the start of a word; None when no such set is known.

    Every element that starts a word (the first, and each after required whitespace) offers
    the literal prefixes of what follows it; the most selective offer wins.
    """
    try:
        items = list(_parser.parse(branch, re.I).data)
    except re.error:
        return None
    best: set[str] | None = None
    starts_word = True
    for index, (op, value) in enumerate(items):
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue
        if starts_word:
            found = _prefixes(items, index)
            if (
                found is not None
                and _usable(found)
                and (best is None or _score(found) > _score(best))
            ):
                best = found
        optional = op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and value[0] == 0
        if optional:
            starts_word = False
            continue
        starts_word = _consumes_space(op, value)
    if best is None:
        return None
    return frozenset(p.rstrip("'") for p in best)


def _score(found: set[str]) -> tuple[int, int]:
    return (min(len(p.rstrip("'")) for p in found), -len(found))


@lru_cache(maxsize=8192)
def lowered(text: str) -> str | None:
    """`text` in lower case, or None when lower-casing would move offsets (rare Unicode)."""
    low = text.lower()
    return low if len(low) == len(text) else None


class WordPattern:
    """A compiled case-insensitive alternation, fast on short texts.

    - Branches written as `\\b…` check the word boundary once, before the alternation, which
      lets the regex engine skip most positions.
    - The literal start of each such branch ("sorry", "i'm", "calm") gives a set of word
      prefixes; on a text with none of them only the remaining branches are tried.
    - Matching runs on the lower-cased text without re.IGNORECASE (same offsets; matched
      groups come back lower-cased).
    Which texts match, and where, is the same as with the plain case-insensitive regex.
    """

    def __init__(self, pattern: str) -> None:
        gated: list[str] = []
        always: list[str] = []
        prefixes: set[str] = set()
        for branch in _top_level_branches(pattern):
            found = _branch_prefixes(branch[2:]) if branch.startswith(r"\b") else None
            if found is None:
                always.append(branch)
            else:
                # The branch starts with a letter or digit: \b there is "no word character
                # before".
                gated.append(branch[2:])
                prefixes |= found
        whole = [r"(?<!\w)(?=\w)(?:" + "|".join(gated) + ")"] if gated else []
        whole += always
        self.pattern = pattern
        # Lower-case matching needs a pattern with no upper-case letter of its own.
        folding = bool(re.search(r"(?<!\\)[A-Z]", pattern))
        flags = re.I if folding else 0
        self._whole = re.compile("|".join(whole), flags)
        self._rest = re.compile("|".join(always), flags) if always else None
        self._prefixes = frozenset(prefixes) if gated else None
        self._needs_case_folding = folding
        self._whole_folding = re.compile("|".join(whole), re.I)
        self._rest_folding = re.compile("|".join(always), re.I) if always else None

    def _prepare(self, text: str) -> tuple[str, re.Pattern[str] | None]:
        low = None if self._needs_case_folding else lowered(text)
        subject, whole, rest = (
            (low, self._whole, self._rest)
            if low is not None
            else (text, self._whole_folding, self._rest_folding)
        )
        if self._prefixes is None or not self._prefixes.isdisjoint(word_prefixes(text)):
            return subject, whole
        return subject, rest

    def search(self, text: str) -> re.Match[str] | None:
        subject, regex = self._prepare(text)
        return regex.search(subject) if regex is not None else None

    def match(self, text: str) -> re.Match[str] | None:
        subject, regex = self._prepare(text)
        return regex.match(subject) if regex is not None else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        subject, regex = self._prepare(text)
        return regex.finditer(subject) if regex is not None else iter(())

    def sub(self, replacement: str, text: str, count: int = 0) -> str:
        """Replace matches; the text outside the matches keeps its case."""
        subject, regex = self._prepare(text)
        if regex is None:
            return text
        pieces: list[str] = []
        last = 0
        for number, found in enumerate(regex.finditer(subject)):
            if count and number >= count:
                break
            pieces.append(text[last : found.start()])
            pieces.append(replacement)
            last = found.end()
        pieces.append(text[last:])
        return "".join(pieces)


def word_pattern(pattern: str, flags: int = re.I) -> WordPattern:
    """Compile a case-insensitive alternation of word-initial branches into a `WordPattern`."""
    if flags != re.I:
        raise ValueError("word_pattern() compiles case-insensitive patterns only (flags=re.I)")
    return WordPattern(pattern)
