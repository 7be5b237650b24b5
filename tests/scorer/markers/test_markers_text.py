"""Sentence splitting with offsets, tokens and content stems."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers.text import WordTable, content_stems, split_clauses, split_sentences, words


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


def test_spaced_dashes_break_clauses_each_time():
    from scorer.markers.text import clause_texts

    assert clause_texts("the fee - refunded - gone") == ("the fee", "refunded", "gone")
    assert clause_texts("a - - b") == ("a", "b")
    assert clause_texts("HLD-40917 is--as I said--closed") == (
        "HLD-40917 is",
        "as I said",
        "closed",
    )
    text = "Well — first, the ONT: the box - it blinks."
    (sentence,) = split_sentences(text)
    for clause in split_clauses(sentence):
        assert text[clause.start : clause.end] == clause.text


def test_words_and_stems():
    assert words("I’m SO sorry, Dana!") == ["i'm", "so", "sorry", "dana"]
    assert content_stems("The charges were charged twice") == content_stems("charge twice")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_sentences_cover_every_non_space_character(text):
    covered = "".join(s.text for s in split_sentences(text))
    assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", text)


# The regexes the byte-table tokenizers stand for.
_MARKER_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")
_COUNTED_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_tricky_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aZ9'’ .,-_\n\t£é€İKß\u212a\x00\x7f")),
        st.characters(),
    ),
    max_size=40,
)


@settings(max_examples=500, deadline=None)
@given(_tricky_text)
def test_tokenizers_find_what_their_regexes_find(text):
    from scorer import text as behavior_text

    assert words(text) == _MARKER_WORD.findall(text.lower().replace("’", "'"))
    assert behavior_text.words(text) == words(text)  # one tokenizer for the whole scorer
    assert behavior_text.word_count(text) == len(_COUNTED_WORD.findall(text))


def test_tokenizers_on_apostrophes_digits_and_non_ascii():
    from scorer import text as behavior_text

    text = "Rock'n'roll, O’Neil's £830.38 'em abc'123 İstanbul \ud800x CAFÉ"
    assert words(text) == _MARKER_WORD.findall(text.lower().replace("’", "'"))
    assert "rock'n'roll" in words(text) and "o'neil's" in words(text)
    assert behavior_text.words("Don't stop") == ["don't", "stop"]
    assert behavior_text.word_count(text) == len(_COUNTED_WORD.findall(text))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab ,;:-–—\t\n\u2003")), max_size=30))
def test_clause_breaks_are_the_plain_alternation(text):
    from scorer.markers.text import CLAUSE_BREAK

    plain = re.compile(r"[,;:]|(?<=\s)[-–—]+\s|-{2,}|[–—]")
    assert CLAUSE_BREAK.split(text) == plain.split(text)


def test_word_table_computes_each_word_once_and_starts_again_at_its_limit() -> None:
    computed: list[str] = []

    def compute(word: str) -> str:
        computed.append(word)
        return "" if word == "the" else word.upper()

    table = WordTable(compute, limit=3)
    assert table.values_of(["the", "bill", "bill", "went"]) == frozenset({"BILL", "WENT"})
    assert computed == ["the", "bill", "went"]
    assert table["bill"] == "BILL" and computed == ["the", "bill", "went"]  # kept
    assert table["up"] == "UP"  # the fourth word: the table started again
    assert len(table) == 1
    assert table["bill"] == "BILL" and computed[-1] == "bill"  # worked out again


def test_word_table_holds_any_kind_of_value() -> None:
    table = WordTable(lambda word: (word[:2], len(word)))
    assert list(map(table.__getitem__, ["refund", "re"])) == [("re", 6), ("re", 2)]
