"""Sentence splitting with offsets, tokens, and the fast case-insensitive patterns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers import commitments, empathy, escalation, reflection
from scorer.markers.text import content_stems, split_clauses, split_sentences, word_pattern, words


def test_sentences_keep_offsets():
    text = "  Hi Mr. Ruiz. Is it 3.5 GB?\nYes! It is…  done"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Hi Mr. Ruiz.",
        "Is it 3.5 GB?",
        "Yes!",
        "It is…",
        "done",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_clauses_keep_offsets():
    text = "Well, first, how did it happen - and when?"
    (sentence,) = split_sentences(text)
    clauses = split_clauses(sentence)
    assert [c.text for c in clauses] == ["Well", "first", "how did it happen", "and when?"]
    for clause in clauses:
        assert text[clause.start : clause.end] == clause.text


def test_words_and_stems():
    assert words("I’m SO sorry, Dana!") == ["i'm", "so", "sorry", "dana"]
    assert content_stems("The charges were charged twice") == content_stems("charge twice")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_sentences_cover_every_non_space_character(text):
    covered = "".join(s.text for s in split_sentences(text))
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


PATTERNS = [
    r"\bsorry\s+(?:about|for)\b|\bmy\s+apolog|^\W*sorry\b",
    r"\b(?:i'?m|i\s+am)\s+(?:so\s+)?sorry\b|<3",
    r"\bcall\s+me\b|\b\d{3}[-\s]\d{4}\b|\bmy\s+(?:direct\s+)?line",
    r"\b(?:that|this|it)(?:'s|\s+is)\s+(?:so\s+)?(?:hard|awful)|\bhow\s+(?:hard|awful)",
]
_pieces = st.sampled_from(
    [
        "sorry",
        "about",
        "I'm",
        "Im",
        "so",
        "SORRY",
        "my",
        "apologies",
        "call",
        "me",
        "555-1234",
        "line",
        "it's",
        "that",
        "is",
        "hard",
        "awful",
        "how",
        "<3",
        "x",
        ".",
        ",",
        "İ",
        "ß",
        "straße",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=12).map(" ".join), st.sampled_from(PATTERNS))
def test_word_pattern_matches_like_the_plain_regex(text, pattern):
    fast = word_pattern(pattern)
    plain = re.compile(pattern, re.I)
    expected = plain.search(text)
    got = fast.search(text)
    assert (got is None) == (expected is None)
    if got is not None and expected is not None:
        assert got.span() == expected.span()
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in plain.finditer(text)]


MODULE_PATTERNS = [
    reflection._INFORMATION,
    empathy._GENERIC,
    empathy._APOLOGY,
    commitments.TIME,
    commitments._DIFFUSE,
    escalation._CALM_DOWN,
]
PHRASE_WORDS = (
    "let's let us me people who who've you can need to i'm so sorry i understand that's it "
    "must be hard calm down relax don't shout we'll look into someone will get back today by "
    "3 pm at 10 within the hour on friday x'you i'll apologise sounds like it's been awful . , "
    "- ' ’ I'M SORRY"
)
_phrase_pieces = st.sampled_from(PHRASE_WORDS.split())


@settings(max_examples=400, deadline=None)
@given(st.lists(_phrase_pieces, max_size=14).map(" ".join), st.sampled_from(MODULE_PATTERNS))
def test_marker_patterns_match_like_plain_regexes(text, fast):
    plain = re.compile(fast.pattern, re.I)
    expected = plain.search(text)
    got = fast.search(text)
    assert (got is None) == (expected is None), (text, fast.pattern[:60])
    if got is not None and expected is not None:
        assert got.span() == expected.span()
