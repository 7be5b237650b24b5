"""Small text helpers shared by the behaviors: words, content words, sentences, quotes.

Words, content words, stop words and sentences come from the markers' text module, so the
whole scorer reads text one way; this module adds word counts and quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from scorer.markers.text import (
    CLAUSE_BREAK,
    STOPWORDS,
    TEXT_CACHE,
    byte_table,
    content_stems,
    runs_as_words,
    spaced_out,
    split_sentences,
    words,
)

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

__all__ = ["STOPWORDS", "content_words", "overlap", "sentences", "snippet", "word_count", "words"]


_LETTERS_AND_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
_WORD_BYTES = byte_table(_LETTERS_AND_DIGITS + _LETTERS_AND_DIGITS.upper() + "'")


def word_count(text: str) -> int:
    """How many words `_WORD` finds in `text`."""
    spaced = spaced_out(text.replace("’", "'"), _WORD_BYTES)
    return len(runs_as_words(spaced, _COUNTED_APART, _WORD))


# An apostrophe that `_WORD` does not count inside a word: at the start of a run, not followed
# by a letter, or followed by letters and then a digit or a second apostrophe ("'em", "abc'",
# "rock'n'roll").
_COUNTED_APART = re.compile(r"'(?:(?<= ')|(?![A-Za-z])|[A-Za-z]*[0-9'])")


@lru_cache(maxsize=TEXT_CACHE)
def content_words(text: str) -> frozenset[str]:
    """Stemmed words that carry meaning: the markers' `content_stems` (one tokenizer, one
    stemmer and one stop-word list for the whole scorer) and the numbers ("38", "2020"), which
    the conversation's facts are made of."""
    numbers = frozenset(word for word in words(text) if word.isdigit())
    return content_stems(text) | numbers if numbers else content_stems(text)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared content relative to the smaller side (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def sentences(text: str) -> Iterator[tuple[int, str]]:
    """(start, sentence) pairs; each sentence is an exact, stripped substring of `text`. The
    markers' sentence splitter: a dot inside "ben.support@shop.example", "3.5" or "Mr." does not
    end a sentence."""
    for span in split_sentences(text):
        yield span.start, span.text


def sentence_texts(text: str) -> list[str]:
    """The sentences of `text` as `sentences` gives them, without their offsets."""
    return [span.text for span in split_sentences(text)]


def snippet(text: str, limit: int = 12) -> str:
    """The opening of `text` as a quote, an exact substring of it that ends where a phrase
    ends: the first sentence (with the next ones while it is shorter than `limit` // 2 words:
    "Okay." alone says nothing) when it has at most twice `limit` words; else up to its last
    clause break (comma, semicolon, colon, dash) after `limit` // 2 words and within twice
    `limit` words; else its first twice `limit` words."""
    stripped = text.strip()
    spans = split_sentences(stripped)
    if not spans:
        return stripped
    last = 0
    while last + 1 < len(spans) and word_count(stripped[: spans[last].end]) < limit // 2:
        last += 1
    sentence = stripped[: spans[last].end]
    longest = 2 * limit
    if word_count(sentence) <= longest:
        return sentence
    matches = list(_WORD.finditer(sentence))
    cap = matches[longest - 1].end()
    breaks = [
        found.start()
        for found in CLAUSE_BREAK.finditer(sentence, matches[max(0, limit // 2 - 1)].end(), cap)
    ]
    return sentence[: breaks[-1] if breaks else cap].rstrip()


def sentence_at(text: str, position: int) -> str:
    """The sentence of `text` that contains `position` (an exact substring)."""
    for start, sentence in sentences(text):
        if start <= position < start + len(sentence):
            return sentence
    return snippet(text)
