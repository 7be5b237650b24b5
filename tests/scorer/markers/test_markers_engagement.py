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


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Good morning, Mr Jennings.", "Harold Jennings"),
        ("Hello Mrs Hale.", "Joan Hale"),
        ("Thanks for holding, Dr. Hale.", "Joan Hale"),
        ("Good evening Ms Hale, I have your file open.", "Joan Hale"),
        ("Hi Harold, thanks for calling.", "Harold Jennings"),
        ("Thank you, Mr. Harold Jennings.", "Harold Jennings"),
        ("Sorry Miss Hale, one more thing.", "Joan Hale"),
        ("Welcome back, Madam Hale.", "Joan Hale"),
    ],
)
def test_title_surname_first_and_full_name_are_the_right_name(markers, text, name):
    assert "wrong_name" not in markers(text, customer_name=name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Good morning, Mr Smith.", "Harold Jennings"),
        ("Hello Mrs Hall.", "Joan Hale"),
        ("Hi Joanne, thanks for holding.", "Joan Hale"),
    ],
)
def test_a_title_does_not_hide_a_wrong_name(markers, text, name):
    assert "wrong_name" in markers(text, customer_name=name)


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("Yes.", "Is the refund through?"),
        ("No.", "Do I need to send the router back?"),
        ("Yes.", ""),
        ("Yep, correct.", "Is that the card ending 4421?"),
        ("Sure.", "Can you email me the confirmation?"),
        ("Yeah.", "Did it go through"),
    ],
)
def test_a_direct_answer_is_not_filler(markers, text, asked):
    assert "filler" not in markers(text, context=asked)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("Sure.", "I've been waiting on this parcel for a week now."),
        ("Yeah. Mhm.", "And then the courier said it was delivered."),
        ("I see.", "Can you check it?"),
        ("Uh huh.", "It was meant to arrive on Friday."),
    ],
)
def test_back_channel_is_filler(markers, text, said):
    assert markers(text, context=said) == ["filler"]
