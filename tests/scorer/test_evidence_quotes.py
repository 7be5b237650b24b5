"""Evidence quotes end where a phrase ends: a whole sentence, or a sentence cut at a clause
break, never mid-phrase ("…a credit of £830.38 for the four")."""

from __future__ import annotations

import scorer
from scorer.text import snippet


def test_a_sentence_of_ordinary_length_is_quoted_whole():
    text = "Yes, I've applied a credit of £830.38 for the four days; it shows on your May bill."
    assert snippet(text) == text
    opening = "Hello there, how are you doing today?"
    assert snippet(f"{opening} A second sentence follows.") == opening
    assert snippet("  Mhm.  ") == "Mhm."
    assert snippet("   ") == ""


def test_a_long_sentence_is_cut_at_its_last_clause_break_within_the_limit():
    text = (
        "I've applied a credit of £830.38 for the four days; it shows on your November bill "
        "and I will also send you a text with the reference number today"
    )
    assert snippet(text, 10) == "I've applied a credit of £830.38 for the four days"
    words = " ".join(f"w{number}" for number in range(40))
    assert snippet(words) == " ".join(f"w{number}" for number in range(24))


def test_fix_quotes_in_a_scored_call_hold_the_whole_phrase():
    transcript = scorer.Transcript.from_dict(
        {
            "turns": [
                {"speaker": "customer", "text": "My broadband has been down since Monday."},
                {
                    "speaker": "agent",
                    "text": "Yes, I've applied a credit of £30.50 for the four days; it shows "
                    "on your November bill.",
                },
            ]
        }
    )
    report = scorer.score(transcript, ["active_listening", "impact_naming"])
    quotes = [item.quote for result in report.behaviors.values() for item in result.evidence]
    whole = "I've applied a credit of £30.50 for the four days; it shows on your November bill."
    assert any(whole in quote for quote in quotes), quotes
    for quote in quotes:
        assert quote in transcript.turns[1].text or quote in transcript.turns[0].text
        assert not quote.endswith(" the four")


def test_a_short_opening_sentence_takes_the_next_one_along():
    text = "Okay. Go to settings, then security, and reset the sign-on. Then log in again."
    assert snippet(text) == "Okay. Go to settings, then security, and reset the sign-on."
    assert snippet("Mhm. Right.") == "Mhm. Right."
