"""Small text helpers shared by the behaviors: words, content words, sentences, quotes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from scorer.markers.text import (
    CLAUSE_BREAK,
    TEXT_CACHE,
    WordTable,
    byte_table,
    runs_as_words,
    spaced_out,
    split_sentences,
)

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")

_STOPWORDS_TEXT = """
    a about above after again all am an and any are as at be because been before being below
    between both but by can could did do does doing don down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself
    just let like me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some still such than that the their them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself im ive ill id youre
    youve dont cant wont didnt isnt wasnt okay ok yes yeah please thanks thank hi hello hey
    sorry well oh um uh really again already get got going go gonna want need know tell told
    said say ask asked one also
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


_LETTERS_AND_DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789"
_JOINED_WORD_BYTES = byte_table(_LETTERS_AND_DIGITS)
_WORD_BYTES = byte_table(_LETTERS_AND_DIGITS + _LETTERS_AND_DIGITS.upper() + "'")


def words(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes dropped ("don't" -> "dont"): the runs of a-z and
    0-9 (`[a-z0-9]+`) once the apostrophes are gone."""
    joined = text.lower().replace("'", "").replace("’", "")
    return spaced_out(joined, _JOINED_WORD_BYTES).split()


def word_count(text: str) -> int:
    """How many words `_WORD` finds in `text`."""
    spaced = spaced_out(text.replace("’", "'"), _WORD_BYTES)
    return len(runs_as_words(spaced, _COUNTED_APART, _WORD))


# An apostrophe that `_WORD` does not count inside a word: at the start of a run, not followed
# by a letter, or followed by letters and then a digit or a second apostrophe ("'em", "abc'",
# "rock'n'roll").
_COUNTED_APART = re.compile(r"'(?:(?<= ')|(?![A-Za-z])|[A-Za-z]*[0-9'])")


@lru_cache(maxsize=TEXT_CACHE)
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content_word(word: str) -> str:
    """The stem of a word that carries meaning; "" for a stop word or a one-letter word."""
    return _stem(word) if len(word) > 1 and word not in STOPWORDS else ""


_CONTENT_WORDS = WordTable(_content_word)


@lru_cache(maxsize=TEXT_CACHE)
def content_words(text: str) -> frozenset[str]:
    """Stemmed words that carry meaning (stopwords and one-letter words removed)."""
    return _CONTENT_WORDS.values_of(words(text))


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
