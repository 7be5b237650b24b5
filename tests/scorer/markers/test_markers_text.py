"""Sentence splitting with offsets, tokens and content stems."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers.text import content_stems, split_clauses, split_sentences, words


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
