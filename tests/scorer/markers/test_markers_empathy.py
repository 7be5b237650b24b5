"""Impact named, generic empathy and apology."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "You were cut off the day before your interview, and that cost you the call.",
            "My line went dead the day before my job interview and I missed the call.",
        ),
        (
            "It sounds like the double charge left you short for your rent this month.",
            "You charged me twice and now I'm short for rent.",
        ),
        (
            "You've lost two days of pay because the line has been down since Monday.",
            "My internet has been down since Monday and I work from home, I've lost two days pay.",
        ),
        (
            "That must be hard for you, with the card blocked right before your trip.",
            "My card was blocked and I fly to Rome tomorrow.",
        ),
        (
            "You must be worried, with your son's birthday present stuck at the depot.",
            "The parcel was a birthday present for my son and it's stuck at the depot.",
        ),
    ],
)
def test_impact_named(markers, text, context):
    found = markers(text, context=context)
    assert "impact_named" in found
    assert "generic_empathy" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I understand your frustration.",
        "That must be really frustrating.",
        "I can imagine how annoying that is.",
        "That sounds stressful.",
        "I hear you.",
    ],
)
def test_generic_empathy(markers, text):
    found = markers(text, context="The app logged me out again and I can't pay my staff.")
    assert "generic_empathy" in found
    assert "impact_named" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I'm sorry about that.",
        "My apologies for the delay.",
        "Apologies, that should not happen.",
        "I do apologise for the wait.",
        "Sorry for the trouble with your booking.",
    ],
)
def test_apology(markers, text):
    assert "apology" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Sorry, could you repeat the reference number?",
        "Sorry? I didn't catch that.",
        "Your refund will arrive in three to five working days.",
        "Let me check the booking.",
    ],
)
def test_not_an_apology(markers, text):
    assert "apology" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "I have your account open here.",
        "I've checked the line and reset the port.",
        "I will call you back by 3 pm.",
        "The engineer is booked for Thursday morning.",
        "I have a new router ready for you.",
        "I've booked an engineer for you tomorrow.",
        "I'm running a line test now, it takes about a minute.",
        "Thanks, I've found it.",
        "I went ahead and cancelled the duplicate order.",
        "Please hold while I transfer you to billing.",
        "As I said, the refund takes five working days.",
        "I've released the hold on your card.",
    ],
)
def test_service_talk_is_not_empathy(markers, text):
    found = markers(text, context="My line has been down since Monday.")
    assert "impact_named" not in found
    assert "generic_empathy" not in found


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "So you were charged a fee right before payday, and that left you short for rent. "
            "That's a real worry.",
            "They charged me a fee right before payday and now I can't cover my rent.",
        ),
        (
            "Three days without internet when you work from home means you can't reach your "
            "clients.",
            "My internet has been dead since Monday and I work from home.",
        ),
        (
            "The parcel not turning up meant you had nothing to give your son on his birthday.",
            "The parcel was his birthday present and it never came.",
        ),
        (
            "The logouts are stopping you from approving payroll for your team.",
            "The app keeps logging me out and I can't approve payroll.",
        ),
    ],
)
def test_a_restated_problem_with_its_consequence_names_the_impact(markers, text, context):
    assert "impact_named" in markers(text, context=context)


@pytest.mark.parametrize(
    ("text", "context"),
    [
        (
            "Your refund for the cancelled flight to Madrid was approved this morning.",
            "I want a refund for the cancelled flight to Madrid.",
        ),
        (
            "The refund for your cancelled flight to Madrid is on its way.",
            "I want my refund for the cancelled flight to Madrid.",
        ),
        (
            "Your card for the joint account was blocked after three wrong PIN attempts.",
            "My card for the joint account was declined at the shop.",
        ),
    ],
)
def test_news_about_the_customers_things_is_not_impact(markers, text, context):
    assert "impact_named" not in markers(text, context=context)


def test_a_real_worry_is_generic_empathy(markers):
    assert "generic_empathy" in markers("That's a real worry.")


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for bearing with me on the rail pass, Priya.",
        "Bear with me a moment.",
        "I'll pop you on hold for me to check the booking.",
        "Could you wait for me while I pull that up?",
    ],
)
def test_asking_the_customer_to_wait_is_service_talk_not_empathy(markers, text):
    found = markers(text, context="My rail pass was cancelled and I need it for Monday.")
    assert "generic_empathy" not in found
    assert "impact_named" not in found


@pytest.mark.parametrize(
    "text",
    [
        "I've asked the returns team to open a courier claim today.",
        "I have told our billing desk to hold the payment.",
        "To recap: your voucher arrived broken; I've asked the returns team to refund it.",
    ],
)
def test_passing_work_to_a_team_is_service_talk(markers, text):
    found = markers(text, context="My gift voucher arrived broken and I want a refund.")
    assert "generic_empathy" not in found
    assert "impact_named" not in found
