"""Jargon left unexplained vs explained in the same turn."""

from __future__ import annotations

import pytest

GLOSSARY = {"CSC flag": "a billing hold", "porting": "moving your number to another provider"}


@pytest.mark.parametrize(
    "text",
    [
        "There's a CSC flag on the account.",
        "I've raised it with L2 under an SLA.",
        "The error is ERR_402 on our side.",
        "Your porting request is pending.",
    ],
)
def test_jargon(markers, text):
    found = markers(text, glossary=GLOSSARY)
    assert "jargon" in found


@pytest.mark.parametrize(
    "text",
    [
        "The CSC flag, which is a billing hold, is now removed.",
        "There's a CSC flag - that means a billing hold - on the account.",
        "It's on the SLA (the time we promise to fix it in).",
        "Your porting request, moving your number to another provider, is pending.",
    ],
)
def test_jargon_explained(markers, text):
    found = markers(text, glossary=GLOSSARY)
    assert "jargon_explained" in found
    assert "jargon" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I'll send the PDF and your PIN by SMS.",
        "Your flight is at 9 AM.",
        "This is NOT ACCEPTABLE to us either, and I'm fixing it.",
        "Thanks for waiting, I have the account here.",
    ],
)
def test_everyday_acronyms_and_shouting_are_not_jargon(markers, text):
    assert "jargon" not in markers(text, glossary=GLOSSARY)


@pytest.mark.parametrize(
    "text",
    [
        "Your reference is HLD-40917.",
        "I've logged it under INC-2231, so quote that if you call back.",
        "The case number is CS-2024-0091.",
        "Order AB12345 left the warehouse this morning.",
        "Your booking ref is ORD/55310.",
    ],
)
def test_reference_numbers_are_not_jargon(markers, text):
    assert "jargon" not in markers(text, glossary=GLOSSARY)


def test_an_acronym_next_to_a_reference_is_still_jargon(markers):
    assert "jargon" in markers("I've opened INC-2231 and sent it to the NOC.", glossary=GLOSSARY)


@pytest.mark.parametrize(
    "text",
    [
        "PRN, that's the code our system uses for a delivery fault.",
        "The ONT, that's the white box on the wall, shows a fault.",
        "It's an SLA, which is the time we promise to fix it in.",
    ],
)
def test_a_term_followed_by_what_it_is_is_explained(markers, text):
    found = markers(text, glossary=GLOSSARY)
    assert "jargon_explained" in found
    assert "jargon" not in found
