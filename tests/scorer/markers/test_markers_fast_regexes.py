"""Regexes rewritten for speed find what their plain forms find (property tests)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers import clarity, information, reflection
from scorer.markers import text as marker_text

_codes = st.text(alphabet=st.sampled_from(list("aBxZ09-/#._ \tçK٣")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(_codes)
def test_reference_and_code_scans_match_their_plain_forms(text):
    reference = re.compile(
        r"[A-Za-z](?<![\w-][A-Za-z])[A-Za-z]{0,5}(?:[-/#.]?\d{3,}|(?:[-/#.]\d+)*[-/#.]\d{3,})"
        r"[A-Za-z]?(?![\w-])"
    )
    code = re.compile(
        r"[A-Za-z](?<![\w-][A-Za-z])(?:[A-Za-z]*_[A-Za-z0-9_]+|[A-Za-z]+-\d{2,})(?![\w-])"
    )
    assert [m.span() for m in clarity._REFERENCE.finditer(text)] == [
        m.span() for m in reference.finditer(text)
    ]
    assert [m.span() for m in clarity._CODE.finditer(text)] == [
        m.span() for m in code.finditer(text)
    ]
    # The gates and the start of the reference scan in `_terms`.
    if "_" not in text and clarity._DASH_DIGITS.search(text) is None:
        assert code.search(text) is None
    first_digit = clarity._DIGIT.search(text)
    if first_digit is None or clarity._THREE_DIGITS.search(text) is None:
        assert reference.search(text) is None
    else:
        start = max(0, first_digit.start() - clarity._REFERENCE_LEAD)
        assert [m.span() for m in clarity._REFERENCE.finditer(text, start)] == [
            m.span() for m in reference.finditer(text)
        ]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("1203 :.apmAPM£$€x٣")), max_size=20))
def test_money_or_time_matches_its_plain_form(text):
    plain = re.compile(r"[£$€]|\b\d+(?:[:.]\d+)?\s*(?:am|pm)\b", re.I)
    fast = "£" in text or "$" in text or "€" in text or information._TIME_OF_DAY.search(text)
    assert bool(fast) == bool(plain.search(text))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("MrsDe.g ab.X")), max_size=16))
def test_abbreviation_check_matches_the_last_word_regex(text):
    last_word = re.compile(r"([A-Za-z.]+)[.]$")
    text += "."
    for begin in range(len(text)):
        found = last_word.search(text, begin, len(text))
        expected = bool(found) and found.group(1).lower().rstrip(".") in {
            "mr",
            "mrs",
            "ms",
            "dr",
            "st",
            "vs",
            "etc",
            "e.g",
            "i.e",
            "a.m",
            "p.m",
            "no",
            "approx",
            "jr",
        }
        assert marker_text._abbreviation_before(text, begin, len(text) - 1) == expected


ANNOUNCING = "so we i 'll will can 'm going to am could , ; and then tell x I WE"
_announcing = st.lists(
    st.sampled_from([*ANNOUNCING.split(), " ", " ", "  "]),
    max_size=12,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_announcing)
def test_the_announcement_gate_never_rules_out_an_announcement(text):
    if reflection._ANNOUNCEMENT.search(text) is not None:
        assert reflection._ANNOUNCED.search(text) is not None


def test_the_announcement_gate_lets_announcements_through_and_rules_out_the_rest():
    for text in ("So we'll call you back.", "Okay, I can send it now.", "and i am going to"):
        assert reflection._ANNOUNCEMENT.search(text) is not None, text
        assert reflection._ANNOUNCED.search(text) is not None, text
    for text in ("Thanks for calling today.", "Your router is on its way."):
        assert reflection._ANNOUNCED.search(text) is None, text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ABCa1_ -.ÉÀ")), max_size=24))
def test_shouted_word_scan_matches_its_plain_form(text):
    from scorer.conversation import _CAPS_WORD

    assert _CAPS_WORD.findall(text) == re.findall(r"\b[A-Z]{3,}\b", text)
