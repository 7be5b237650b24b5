"""Pattern named, told to calm down, defensive, repeat reference."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "We keep coming back to the refund, so let's fix that now.",
        "We've been going round in circles on this, so here is what I'll do.",
        "This is the third time you've had to call about the same bill.",
        "You've had to explain this to us four times, and that shouldn't happen.",
    ],
)
def test_pattern_named(markers, text):
    assert "pattern_named" in markers(text)


def test_a_plain_fix_is_not_a_pattern(markers):
    assert "pattern_named" not in markers("Let's fix the refund now.")


@pytest.mark.parametrize(
    "text",
    [
        "Please calm down, sir.",
        "You need to relax so I can help.",
        "There's no need to shout.",
        "Can you lower your voice, please?",
        "Take a deep breath and we'll sort it.",
        "Sir, there's no need to raise your voice.",
    ],
)
def test_told_to_calm_down(markers, text):
    assert "told_to_calm_down" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "I won't tell you to calm down, you have every reason to be upset.",
        "I'm not asking you to relax, I'm going to fix this.",
        "Nobody is telling you to calm down.",
    ],
)
def test_negated_calm_down_does_not_count(markers, text):
    assert "told_to_calm_down" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "If you let me explain, the charge is correct.",
        "As I already said, the fee is non-refundable.",
        "That's not my fault, the courier lost it.",
        "It's our policy, I can't change it.",
        "You need to understand that the meter was read correctly.",
    ],
)
def test_defensive(markers, text):
    assert "defensive" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Our policy allows a free change within 24 hours, so I've changed it.",
        "Let me explain what I'm going to do next.",
    ],
)
def test_not_defensive(markers, text):
    assert "defensive" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "As I mentioned, the refund takes five days.",
        "Like I said, the engineer comes on Thursday.",
        "As I told you, the card is blocked.",
        "Again, the booking cannot be changed online.",
    ],
)
def test_repeat_reference(markers, text):
    assert "repeat_reference" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Could you say the number again?",
        "I'll try the payment again now.",
        "You mentioned the charge was on Tuesday.",
    ],
)
def test_not_a_repeat_reference(markers, text):
    assert "repeat_reference" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm not the one who cancelled your flight.",
        "It wasn't me who set up that direct debit.",
        "Look, I'm trying to help you here.",
        "Listen, I'm doing what I can.",
        "I'm only trying to help.",
        "Don't take it out on me, I just answer the phone.",
        "I've explained this three times now.",
    ],
)
def test_shielding_the_agent_is_defensive(markers, text):
    found = markers(text)
    assert "defensive" in found
    assert "generic_empathy" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I'm trying to get your money back today.",
        "Look, I've found the problem: the line was never switched over.",
        "I'm not the engineer, but I can book one for tomorrow.",
    ],
)
def test_working_on_the_problem_is_not_defensive(markers, text):
    assert "defensive" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "I've explained this three times now.",
        "I have told you this twice.",
        "I've said it more than once.",
        "I've gone over this several times with you.",
    ],
)
def test_counting_earlier_answers_is_a_repeat_reference(markers, text):
    assert "repeat_reference" in markers(text)
