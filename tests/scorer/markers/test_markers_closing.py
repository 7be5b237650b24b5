"""Forwardable summary and its parts."""

from __future__ import annotations

import pytest

from scorer.markers import SUMMARY_PARTS, summary_parts


def test_full_summary(markers):
    text = (
        "To recap: the charge was duplicated by a billing error, I've reversed it, "
        "you'll see the money back by Thursday, and my direct line is 0161 555 0199."
    )
    assert "summary" in markers(text)
    assert summary_parts(text) == set(SUMMARY_PARTS)


def test_summary_over_several_sentences(markers):
    text = (
        "Okay. The outage was caused by a fault at the exchange. I've booked an engineer "
        "for tomorrow between 8 and 12. If anything changes, call me on extension 4471."
    )
    assert "summary" in markers(text)
    assert {"what_happened", "what_was_done", "when", "contact"} <= summary_parts(text)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for calling, have a good day.",
        "I've reversed the charge.",
        "Is there anything else I can help with?",
    ],
)
def test_not_a_summary(markers, text):
    assert "summary" not in markers(text)


def test_summary_parts_names_each_part():
    assert summary_parts("My direct line is 0161 555 0199.") == {"contact"}
    assert summary_parts("I've cancelled the duplicate order.") == {"what_was_done"}
    assert summary_parts("Nothing to report.") == set()
