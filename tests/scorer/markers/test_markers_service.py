"""Customer-job reference and cross-sell."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "Let's get the payment reissued so you can get paid on Friday.",
        "I'll restore the terminal so your shop can take card payments again.",
        "I'll rebook you on the 6 pm flight so you're in time for your sister's wedding.",
        "The seats will be added today so that your new starters can log in on Monday.",
    ],
)
def test_customer_job_reference(markers, text):
    assert "customer_job_reference" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "The router needs a firmware update.",
        "Your bill is higher because of the roaming charges.",
        "So you can't log in since the update?",
    ],
)
def test_not_customer_job_reference(markers, text):
    assert "customer_job_reference" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "Would you be interested in our premium plan?",
        "Have you considered upgrading to unlimited data?",
        "We also have a travel insurance package for just $9 a month.",
        "I can upgrade you to the Pro tier while we're on the call.",
        "There's a special offer on the fibre bundle this week.",
    ],
)
def test_cross_sell(markers, text):
    assert "cross_sell" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "The upgrade last week is what broke the sync, so I'm rolling it back.",
        "I can upgrade your router firmware remotely.",
        "Your plan already includes roaming in Spain.",
    ],
)
def test_not_cross_sell(markers, text):
    assert "cross_sell" not in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "While I have you, our Premium Shield plan would cover this.",
        "While I've got you on the line, have you heard about our broadband bundle?",
        "Our Home Care cover would protect you if this happens again.",
        "It might be worth upgrading to our fibre package.",
    ],
)
def test_pitch_during_service_is_cross_sell(markers, text):
    assert "cross_sell" in markers(text)


@pytest.mark.parametrize(
    "text",
    [
        "While I check the line, please stay on the call.",
        "Our engineer will cover the cost of the visit.",
        "Your plan already covers this repair.",
    ],
)
def test_service_talk_is_not_cross_sell(markers, text):
    assert "cross_sell" not in markers(text)
