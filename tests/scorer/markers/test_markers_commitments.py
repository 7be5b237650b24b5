"""Ownership, diffuse commitments and vague follow-ups."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "I will call you back by 3 pm today.",
        "I'll email the refund confirmation within the hour.",
        "I'm going to book the engineer for Thursday morning.",
        "I'll text you the tracking number before 5 pm.",
        "I will send the new invoice tomorrow.",
    ],
)
def test_ownership_commitment(markers, text):
    found = markers(text)
    assert "ownership_commitment" in found
    assert "diffuse_commitment" not in found
    assert "vague_follow_up" not in found


@pytest.mark.parametrize(
    "text",
    [
        "We'll look into it.",
        "Someone will get back to you.",
        "The team will handle it.",
        "I'll look into it.",
        "It will be escalated to the relevant department.",
    ],
)
def test_diffuse_commitment(markers, text):
    found = markers(text)
    assert "diffuse_commitment" in found
    assert "ownership_commitment" not in found


@pytest.mark.parametrize(
    "text",
    [
        "We'll be in touch.",
        "You'll hear from us soon.",
        "I'll get back to you at some point.",
        "Someone will contact you shortly.",
    ],
)
def test_vague_follow_up(markers, text):
    found = markers(text)
    assert "vague_follow_up" in found
    assert "ownership_commitment" not in found


@pytest.mark.parametrize(
    "text",
    [
        "We don't charge for the first replacement card.",
        "I'll need your postcode first.",
        "Let me put you on hold for a moment.",
        "Your parcel will arrive tomorrow.",
    ],
)
def test_not_commitments(markers, text):
    found = markers(text)
    assert "ownership_commitment" not in found
    assert "diffuse_commitment" not in found
    assert "vague_follow_up" not in found
