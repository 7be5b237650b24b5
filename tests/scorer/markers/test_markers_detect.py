"""The `detect` contract: vocabulary, order, exact quotes, robustness on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers import MARKERS, MarkerHit, detect, marker_names

SPEC_MARKERS = {
    "open_question", "closed_question", "clarifying_question", "paraphrase", "impact_named",
    "generic_empathy", "apology", "pattern_named", "told_to_calm_down", "defensive",
    "repeat_reference", "jargon", "jargon_explained", "hedge", "ownership_commitment",
    "diffuse_commitment", "vague_follow_up", "cross_sell", "customer_job_reference", "summary",
    "filler", "interruption", "wrong_name",
}  # fmt: skip


def test_vocabulary_is_the_designed_one():
    assert set(MARKERS) == SPEC_MARKERS
    assert len(MARKERS) == len(set(MARKERS))


def test_hits_are_in_order_and_quote_the_text(check):
    text = (
        "I'm sorry, Dana. So you were charged twice. As I mentioned, we'll look into it. "
        "Can you tell me which card it was?"
    )
    hits = detect(text, context=["You charged me twice!"], customer_name="Dana Ruiz")
    assert all(isinstance(h, MarkerHit) for h in hits)
    check(text, hits)
    names = marker_names(hits)
    assert names[0] == "apology"
    assert {"paraphrase", "repeat_reference", "diffuse_commitment", "open_question"} <= set(names)
    assert len(names) == len(set(names))


def test_interruption_is_never_detected_from_text():
    assert all(h.marker != "interruption" for h in detect("Sorry to interrupt, but-"))


def test_empty_and_blank_text():
    assert detect("") == []
    assert detect("   \n ") == []


def test_same_marker_can_occur_twice():
    hits = detect("Is it the router? Is it the cable?")
    assert [h.marker for h in hits].count("closed_question") == 2


_words = st.sampled_from(
    [
        "I",
        "you",
        "we",
        "sorry",
        "calm",
        "down",
        "refund",
        "CSC",
        "ERR_42",
        "will",
        "call",
        "by",
        "3",
        "pm",
        "today",
        "?",
        ".",
        ",",
        "!",
        "maybe",
        "so",
        "what",
        "how",
        "can",
        "did",
        "is",
        "the",
        "your",
        "Dana",
        "John",
        "Mr.",
        "—",
        "'",
        '"',
        "é",
        "日本",
        "0161",
        "555",
        "@",
        "x.com",
    ]
    + ["\n", " "]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=300), st.lists(_words, max_size=60).map(" ".join)),
    context=st.lists(st.text(max_size=80), max_size=3),
    name=st.one_of(st.none(), st.text(max_size=20)),
    glossary=st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=3),
)
def test_never_crashes_and_quotes_are_substrings(text, context, name, glossary):
    hits = detect(text, context=context, customer_name=name, glossary=glossary)
    for item in hits:
        assert item.marker in MARKERS
        assert text[item.start : item.start + len(item.quote)] == item.quote
    assert [h.start for h in hits] == sorted(h.start for h in hits)


def test_marker_names_keeps_first_appearance_order():
    hits = [MarkerHit("hedge", "a", 0), MarkerHit("apology", "b", 2), MarkerHit("hedge", "c", 4)]
    assert marker_names(hits) == ["hedge", "apology"]


def test_word_boundaries_in_quotes():
    text = "Okay.   Which   account?"
    hits = detect(text)
    assert [h.quote for h in hits if h.marker == "open_question"] == ["Which   account?"]
    assert re.fullmatch(r"\S.*\S", hits[0].quote)


def test_markers_limits_the_work_to_the_families_that_give_them():
    text = (
        "Thanks, Sarah. To recap: your router failed on Monday, I've booked an engineer, "
        "and they will come on Friday between 8 and 12; call me on 0161 555 0199."
    )
    context = ["My router died on Monday and I work from home."]
    everything = detect(text, context=context, customer_name="Dana Ruiz")
    assert {"summary", "wrong_name"} <= set(marker_names(everything))
    scored = detect(
        text,
        context=context,
        customer_name="Dana Ruiz",
        markers=set(MARKERS) - {"summary", "wrong_name"},
    )
    assert scored == [h for h in everything if h.marker not in ("summary", "wrong_name")]
    assert marker_names(detect(text, context=context, markers={"summary"})) == ["summary"]
    assert detect(text, context=context, markers=()) == []


def test_every_family_declares_the_markers_it_gives():
    from scorer.markers import _FAMILIES
    from scorer.markers.text import Turn

    declared = set().union(*(gives for _, gives in _FAMILIES))
    assert declared == set(MARKERS) - {"interruption"}
    lines = [
        "I'm sorry, Sarah. So you were charged twice. As I mentioned, we'll look into it.",
        "Calm down. We keep going round in circles; I will call you by 3 pm today on 0161 555.",
        "Your ONT shows LOS, which means the line is down. Mhm. I think maybe it's the router?",
        "To recap: your router failed on Monday, I've booked an engineer, and they come Friday.",
        "While I have you, our Premium plan is only £4 more, so you can work from home again.",
        "Can you tell me more about what happens when the app logs you out?",
    ]
    seen: set[str] = set()
    for text in lines:
        turn = Turn.of(
            text, context=["You charged me twice! I work from home."], customer_name="Dana Ruiz"
        )
        for family, gives in _FAMILIES:
            given = {found.marker for found in family(turn)}
            assert given <= gives, family.__qualname__
            seen |= given
    assert len(seen) >= 12, seen  # the lines give most of the vocabulary
