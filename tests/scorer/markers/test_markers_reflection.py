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


@pytest.mark.parametrize(
    ("text", "context"),
    [
        ("It's with the refunds team.", "Where is my refund? I was told it was processed."),
        ("The engineer is booked for Tuesday.", "When is the engineer coming? I took a day off."),
        ("Your balance is 40 pounds.", "How much do I still owe on this account?"),
        ("Your parcel is at the depot in Leeds.", "My parcel never arrived and I need it."),
        ("The parcel was left with a neighbour at number 12.", "My parcel never arrived."),
        ("Your bill went up because the discount ended in March.", "Why did my bill go up?"),
        ("It's on its way to you now.", "Where is my replacement card?"),
    ],
)
def test_status_and_news_are_not_paraphrases(markers, text, context):
    found = markers(text, context=context)
    assert "paraphrase" not in found
    assert "impact_named" not in found


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "Let me make sure I have this right: you were charged twice for the same order.",
            "You charged me twice for the same order.",
        ),
        (
            "Let me make sure I've got this right - the parcel never arrived and the driver "
            "says it did.",
            "My parcel never arrived but the driver says he delivered it.",
        ),
        (
            "Just so I'm clear, the app logs you out every time you open payroll.",
            "The app logs me out whenever I open payroll.",
        ),
        (
            "I want to check I've understood: the engineer didn't turn up today.",
            "The engineer didn't turn up today and I took the day off.",
        ),
        (
            "Let me just check I understand: the card was declined twice at the till today.",
            "My card got declined twice at the till this morning.",
        ),
        (
            "Let me make sure I have this right: the refund has to land before Friday.",
            "I need the refund before Friday or I can't pay my rent.",
        ),
    ],
)
def test_a_check_of_understanding_is_a_paraphrase_frame(markers, text, context):
    found = markers(text, context=context)
    assert "paraphrase" in found
    for wrong in ("ownership_commitment", "generic_empathy", "diffuse_commitment"):
        assert wrong not in found


def test_the_frame_alone_announces_but_does_not_restate(markers):
    found = markers("Let me make sure I have this right.", context="My parcel never arrived.")
    assert found == []
