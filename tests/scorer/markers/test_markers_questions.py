"""Open, closed and clarifying questions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorer.markers import detect


@pytest.mark.parametrize(
    "text",
    [
        "What happened when the engineer came round?",
        "How has the outage affected your shop this week?",
        "Tell me about the last time the app logged you out.",
        "Can you walk me through what you see on the booking page?",
        "Could you describe what the meter display shows?",
        "So, um, why do you think the payment was declined?",
        "I was wondering, how did the parcel end up at the depot?",
        "Help me understand what you need the refund for.",
        "In what way has the outage affected your shop?",
        "Do you have any idea why the payment failed?",
    ],
)
def test_open_questions(markers, text):
    found = markers(text)
    assert "open_question" in found
    assert "closed_question" not in found


@pytest.mark.parametrize(
    "text",
    [
        "Is the router light blinking orange?",
        "Did the refund reach your account?",
        "Can you see the error on your screen?",
        "Have you tried restarting the laptop since the update?",
        "You're calling about the flight to Lisbon?",
        "The charge was on Tuesday, right?",
        "Would you prefer a refund or a voucher?",
        "do you still have the confirmation email",
    ],
)
def test_closed_questions(markers, text):
    found = markers(text)
    assert "closed_question" in found
    assert "open_question" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I'll check the line now.",
        "What I can do is send you a new card.",
        "How it works is that the credit shows on your next bill.",
        "Your order left the warehouse yesterday.",
    ],
)
def test_statements_are_not_questions(markers, text):
    found = markers(text)
    assert "open_question" not in found
    assert "closed_question" not in found


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Which account was the charge on?", "I got charged twice on my account."),
        ("Do you mean the landline or the mobile?", "My phone has been dead since Friday."),
        ("When did the charge appear?", "There's a charge I don't recognise."),
        ("Just to confirm, is that the booking for the 14th?", "I need to change my booking."),
        ("How much was the second payment?", "You took the payment twice."),
    ],
)
def test_clarifying_questions(markers, text, context):
    assert "clarifying_question" in markers(text, context=context)


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("Would you like to hear about our new savings account?", "My card was declined."),
        ("Is there anything else I can help with today?", "Thanks, that's sorted."),
        ("How are you today?", "Hi, I'm calling about my bill."),
    ],
)
def test_questions_that_do_not_clarify(markers, text, context):
    assert "clarifying_question" not in markers(text, context=context)


def test_each_question_in_a_turn_is_its_own_hit():
    text = "I see the two charges. Which card was it on? And did you get a text from us?"
    hits = [h for h in detect(text) if h.marker.endswith("_question")]
    kinds = [(h.marker, h.quote) for h in hits if h.marker != "clarifying_question"]
    assert kinds == [
        ("open_question", "Which card was it on?"),
        ("closed_question", "And did you get a text from us?"),
    ]


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "Before I change anything, can I ask which address the parcel should have gone to?",
            "I've been waiting all week and nobody tells me anything!",
        ),
        (
            "Could you tell me which date the payment left your account?",
            "This is the worst service I've ever had.",
        ),
        ("What date is your flight now?", "I'm furious, this is the third time!"),
        (
            "May I ask which store you bought the kettle from?",
            ["The kettle I bought leaks.", "I want my money back, today."],
        ),
    ],
)
def test_asking_the_customer_to_pin_down_their_issue_is_clarifying(markers, text, context):
    found = markers(text, context=context)
    assert "clarifying_question" in found
    assert "closed_question" in found or "open_question" in found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["can", "you", "so", "um", "where", "is", "it"]), max_size=10))
def test_stutters_collapse_only_where_a_word_repeats_one_or_two_words_back(tokens):
    from scorer.markers.questions import _tokens, collapse_repeats, strip_lead

    near_repeat = any(
        tokens[i] == tokens[j]
        for i in range(len(tokens))
        for j in (i + 1, i + 2)
        if j < len(tokens)
    )
    if not near_repeat:
        assert collapse_repeats(tokens) == tokens  # what lets `_tokens` skip the collapse
    assert _tokens(" ".join(tokens)) == strip_lead(collapse_repeats(tokens))


def test_repeats_collapse():
    from scorer.markers.questions import collapse_repeats

    assert collapse_repeats(["can", "you", "can", "you", "tell"]) == ["can", "you", "tell"]
    assert collapse_repeats(["the", "the", "bill"]) == ["the", "bill"]
