"""Coaching is about this conversation: it quotes the agent's own line and builds the better
line from this customer's facts; evidence for an agent behavior points at the agent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import scorer
from scorer.coaching import said_back

CONVERSATIONS = Path(__file__).parent / "conversations"


def result(name: str, behavior: str) -> scorer.BehaviorResult:
    data = json.loads((CONVERSATIONS / f"{name}.json").read_text(encoding="utf-8"))
    data.pop("expect")
    return scorer.score(data, [behavior]).behaviors[behavior]


@pytest.mark.parametrize(
    ("said", "back"),
    [
        (
            "My card is not working since this morning.",
            "your card is not working since this morning",
        ),
        ("Hi, I'm moving house on the 14th.", "you're moving house on the 14th"),
        ("We were charged twice for our seats!", "you were charged twice for your seats"),
        ("Can you send me the form?", "can you send you the form"),
        ("I need to move my scan, I'm afraid.", "you need to move your scan"),
    ],
)
def test_said_back_puts_the_customer_in_the_second_person(said: str, back: str) -> None:
    assert said_back(said) == back


def test_impact_coaching_uses_this_customers_facts() -> None:
    coaching = result("imp_average_topic_only_luggage", "impact_naming").coaching
    assert '"I understand delayed luggage is really frustrating."' in coaching
    assert "your suit for your brother's wedding tomorrow morning" in coaching


def test_patience_coaching_quotes_the_agents_own_full_answer() -> None:
    coaching = result("rep_poor_said_twice_refund", "patience_under_repetition").coaching
    assert "Like I already told you" in coaching
    assert "Your return was received on the 3rd" in coaching


def test_listening_coaching_restates_what_this_customer_said() -> None:
    coaching = result("al_average_no_question_cable", "active_listening").coaching
    assert "your TV box keeps freezing when you watch recordings" in coaching


def test_summary_coaching_quotes_what_the_agent_did() -> None:
    coaching = result("sum_average_no_when_gym", "forwardable_summary").coaching
    assert "missing when" in coaching and "I've refunded the second payment" in coaching


@pytest.mark.parametrize("path", sorted(CONVERSATIONS.glob("*.json")), ids=lambda p: p.stem)
def test_no_canned_line_from_another_call(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.pop("expect")
    report = scorer.score(data)
    for name, found in report.behaviors.items():
        for canned in ("Which account did the charge land on", "run payroll", "the parcel leaves"):
            assert canned not in found.coaching, (path.name, name)
        for item in found.evidence:
            if item.effect == "-":
                assert data["turns"][item.turn]["speaker"] == "agent", (path.name, name, item)


def alternating(*lines: str) -> dict[str, Any]:
    """A transcript of customer and agent lines in turn, the customer first."""
    speakers = ("customer", "agent")
    return {"turns": [{"speaker": speakers[i % 2], "text": t} for i, t in enumerate(lines)]}


def coaching_for(call: dict[str, Any], behavior: str) -> str:
    return scorer.score(call, [behavior]).behaviors[behavior].coaching


def test_cross_sell_coaching_quotes_the_pitch_not_the_whole_run_of_speech() -> None:
    call = alternating(
        "hi my parcel of tiles came smashed this morning",
        "right okay i can see it was delivered at seven forty this morning to the site address "
        "and signed for by your fitter so while i've got you we do offer our breakage cover "
        "it's only three percent of the goods value",
        "i don't want cover i want my tiles",
        "i'll send new tiles out tomorrow morning",
    )
    coaching = coaching_for(call, "customer_language")
    assert coaching.startswith("Leave out \"while i've got you we do offer our breakage cover")
    assert "seven forty" not in coaching


def test_customer_language_coaching_starts_from_what_they_said() -> None:
    call = alternating(
        "My daughter starts at her new school on Monday and her bus pass hasn't come.",
        "The SmartPass Junior product is processed through the ticketing platform in five "
        "working days.",
    )
    assert (
        "\"So your daughter starts at her new school on Monday and her bus pass hasn't come — "
        "here is what I'll do about that" in coaching_for(call, "customer_language")
    )


def test_listening_coaching_asks_about_this_customers_need_not_a_helpdesk_question() -> None:
    call = alternating(
        "Hello.",
        "Hi, how can I help?",
        "I left my wedding suit for alterations at your Leeds shop on Monday.",
        "So you left your wedding suit for alterations on Monday, got it. I'll book it in for "
        "the express service today.",
    )
    coaching = coaching_for(call, "active_listening")
    assert "you left your wedding suit for alterations at your Leeds shop" in coaching, coaching
    assert "what do you need to happen, and by when?" in coaching
    assert "what you've tried" not in coaching


def test_patience_coaching_quotes_the_answer_not_the_greeting_before_it() -> None:
    call = alternating(
        "When does my new phone arrive?",
        "Hi Omar, thanks for waiting. Your phone left our warehouse this morning and DPD "
        "deliver it tomorrow between ten and two, with a text an hour before.",
        "Sorry, so when does the phone actually get here?",
        "Tomorrow.",
    )
    coaching = coaching_for(call, "patience_under_repetition")
    assert '"Your phone left our warehouse this morning' in coaching, coaching
    assert "Hi Omar" not in coaching


def test_deescalation_coaching_names_their_question_as_a_question() -> None:
    call = alternating(
        "Can the fitting be moved to Thursday?",
        "Our fitting days are Mondays and Fridays.",
        "This is ridiculous. Can the fitting be moved to Thursday?",
        "Like I said, Mondays and Fridays only.",
        "I have asked you three times now! Can it be Thursday or not?!",
        "Mondays and Fridays.",
    )
    coaching = coaching_for(call, "deescalation")
    assert "coming back to your question ‘can the fitting be moved to Thursday?’" in coaching
