"""Coaching is about this conversation: it quotes the agent's own line and builds the better
line from this customer's facts; evidence for an agent behavior points at the agent."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_cross_sell_coaching_quotes_the_pitch_not_the_whole_run_of_speech() -> None:
    call = {
        "turns": [
            {"speaker": "customer", "text": "hi my parcel of tiles came smashed this morning"},
            {
                "speaker": "agent",
                "text": "right okay i can see it was delivered at seven forty this morning to "
                "the site address and signed for by your fitter so while i've got you we do "
                "offer our breakage cover it's only three percent of the goods value",
            },
            {"speaker": "customer", "text": "i don't want cover i want my tiles"},
            {"speaker": "agent", "text": "i'll send new tiles out tomorrow morning"},
        ]
    }
    coaching = scorer.score(call, ["customer_language"]).behaviors["customer_language"].coaching
    assert coaching.startswith("Leave out \"while i've got you we do offer our breakage cover")
    assert "seven forty" not in coaching


def test_customer_language_coaching_starts_from_what_they_said() -> None:
    call = {
        "turns": [
            {
                "speaker": "customer",
                "text": "My daughter starts at her new school on Monday and her bus pass "
                "hasn't come.",
            },
            {
                "speaker": "agent",
                "text": "The SmartPass Junior product is processed through the ticketing "
                "platform in five working days.",
            },
        ]
    }
    coaching = scorer.score(call, ["customer_language"]).behaviors["customer_language"].coaching
    assert (
        "\"So your daughter starts at her new school on Monday and her bus pass hasn't come — "
        "here is what I'll do about that" in coaching
    ), coaching


def test_listening_coaching_asks_about_this_customers_need_not_a_helpdesk_question() -> None:
    call = {
        "turns": [
            {"speaker": "customer", "text": "Hello."},
            {"speaker": "agent", "text": "Hi, how can I help?"},
            {
                "speaker": "customer",
                "text": "I left my wedding suit for alterations at your Leeds shop on Monday.",
            },
            {
                "speaker": "agent",
                "text": "So you left your wedding suit for alterations on Monday, got it. I'll "
                "book it in for the express service today.",
            },
        ]
    }
    coaching = scorer.score(call, ["active_listening"]).behaviors["active_listening"].coaching
    assert "you left your wedding suit for alterations at your Leeds shop" in coaching, coaching
    assert "what do you need to happen, and by when?" in coaching
    assert "what you've tried" not in coaching


def test_patience_coaching_quotes_the_answer_not_the_greeting_before_it() -> None:
    call = {
        "turns": [
            {"speaker": "customer", "text": "When does my new phone arrive?"},
            {
                "speaker": "agent",
                "text": "Hi Omar, thanks for waiting. Your phone left our warehouse this "
                "morning and DPD deliver it tomorrow between ten and two, with a text an hour "
                "before.",
            },
            {"speaker": "customer", "text": "Sorry, so when does the phone actually get here?"},
            {"speaker": "agent", "text": "Tomorrow."},
        ]
    }
    coaching = (
        scorer.score(call, ["patience_under_repetition"])
        .behaviors["patience_under_repetition"]
        .coaching
    )
    assert '"Your phone left our warehouse this morning' in coaching, coaching
    assert "Hi Omar" not in coaching


def test_deescalation_coaching_names_their_question_as_a_question() -> None:
    call = {
        "turns": [
            {"speaker": "customer", "text": "Can the fitting be moved to Thursday?"},
            {"speaker": "agent", "text": "Our fitting days are Mondays and Fridays."},
            {
                "speaker": "customer",
                "text": "This is ridiculous. Can the fitting be moved to Thursday?",
            },
            {"speaker": "agent", "text": "Like I said, Mondays and Fridays only."},
            {
                "speaker": "customer",
                "text": "I have asked you three times now! Can it be Thursday or not?!",
            },
            {"speaker": "agent", "text": "Mondays and Fridays."},
        ]
    }
    coaching = scorer.score(call, ["deescalation"]).behaviors["deescalation"].coaching
    assert "coming back to your question ‘can the fitting be moved to Thursday?’" in coaching
