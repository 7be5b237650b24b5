"""Filler-only turns, hedges and the wrong name."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text", ["ok", "Mhm.", "Right, right.", "uh huh", "Sure.", "Okay. Got it."]
)
def test_filler(markers, text):
    assert markers(text) == ["filler"]


@pytest.mark.parametrize(
    "text",
    ["Okay, I've found the order.", "Sure, I can do that today.", "Right, which card was it?", ""],
)
def test_not_filler(markers, text):
    assert "filler" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "I think the router is faulty.",
        "It's probably the SIM card.",
        "Maybe the payment hasn't cleared yet.",
        "It's sort of a known issue.",
        "I'm not sure but the refund might be delayed.",
    ],
)
def test_hedge(markers, text):
    assert "hedge" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "What kind of router do you have?",
        "This sort of charge shows up after a plan change.",
        "The refund was issued on Monday.",
    ],
)
def test_not_a_hedge(markers, text):
    assert "hedge" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, John, I've found it.",
        "Hi Sarah, how can I help?",
        "Mr. Smith, the card is blocked.",
        "I've reset it for you, Mike.",
    ],
)
def test_wrong_name(markers, text):
    assert "wrong_name" in markers(text, customer_name="Dana Ruiz")


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, Dana, I've found it.",
        "Ms Ruiz, the card is blocked.",
        "I'll pass this to Maria in billing.",
        "Hi, this is Tom from the travel desk.",
        "Let me confirm the address: 12 High Street, Leeds?",
        "Thanks, I've found it.",
    ],
)
def test_right_or_no_name(markers, text):
    assert "wrong_name" not in markers(text, customer_name="Dana Ruiz")


def test_no_customer_name_means_no_wrong_name(markers):
    assert "wrong_name" not in markers("Thanks, John.")
