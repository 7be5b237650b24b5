"""Paraphrase: restating what the customer said, not informing or asking."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "So you were charged twice and that made your rent payment bounce.",
            "You charged me twice and now my rent payment bounced.",
        ),
        (
            "It sounds like the app has been logging you out every morning this week.",
            "The app keeps logging me out every morning.",
        ),
        (
            "What I'm hearing is that nobody called you back yesterday.",
            "I was promised a callback yesterday and nobody called.",
        ),
        (
            "You've taken the day off and still don't know when the engineer is coming.",
            "I've taken the day off and I still don't know when the engineer is coming.",
        ),
        (
            "You're saying the parcel shows as delivered but it never arrived.",
            "It says delivered but it's not here.",
        ),
    ],
)
def test_paraphrases(markers, text, context):
    assert "paraphrase" in markers(text, context=context)


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "You can reset your password from the login page.",
            "I can't log in to my account.",
        ),
        (
            "Your refund has been processed and will arrive in three working days.",
            "Where is my refund?",
        ),
        ("I'd recommend switching the router off for thirty seconds.", "My wifi keeps dropping."),
        ("What time did the engineer arrive?", "The engineer came but left after ten minutes."),
        ("Let me check the delivery scan for you.", "My parcel never arrived."),
        ("Our policy allows changes up to 24 hours before departure.", "Can I change my flight?"),
        ("I've booked an engineer for you tomorrow morning.", "My line is still down."),
        ("The engineer is booked for Thursday.", "When is the engineer coming?"),
        ("Your bill will show a credit for the lost days.", "I lost three days of service."),
        ("The ONT is the white box on the wall.", "What's an ONT?"),
        ("Great, have a lovely evening.", "Thanks, that's all."),
        ("Your refund was processed on the 3rd.", "Where is my refund?"),
        ("There's no need to raise your voice.", "This is ridiculous!"),
    ],
)
def test_information_advice_and_questions_are_not_paraphrases(markers, text, context):
    assert "paraphrase" not in markers(text, context=context)
