"""Metrics and the sequence facts behind them: interruptions, gaps, pace, repeats."""

from __future__ import annotations

from pathlib import Path

import scorer
from scorer.conversation import Conversation
from scorer.transcript import Transcript, Turn

FIXTURES = Path(__file__).parent / "fixtures"


def timed_call() -> Transcript:
    return Transcript(
        (
            Turn("customer", "My card was declined at the shop today.", 0.0, 4.0),
            Turn("agent", "So your card was declined today. Which shop was it?", 5.5, 9.5),
            Turn("customer", "The grocery store on Main Street, and I had to leave", 10.0, 16.0),
            Turn("agent", "Right, I see the block now.", 14.0, 17.0),
            Turn("customer", "Okay.", 18.0, 19.0),
            Turn("agent", "I have removed the block, so the card works again now.", 20.0, 24.0),
        ),
        channel="voice",
    )


def test_interruptions_and_response_gaps() -> None:
    conv = Conversation(timed_call())
    assert conv.agent_interruptions == [3]
    assert conv.agent_gaps == {1: 1.5, 3: -2.0, 5: 1.0}
    metrics = scorer.score(timed_call()).metrics
    assert metrics.interruptions_per_min == round(1 / (24 / 60), 2)
    assert metrics.interruption_rate == round(1 / 3, 3)
    assert metrics.median_response_gap_s == 1.0


def test_pace_and_talk_ratio_from_timings() -> None:
    metrics = scorer.score(timed_call()).metrics
    agent_words = 10 + 6 + 11
    assert metrics.agent_wpm == round(agent_words * 60 / (4 + 3 + 4))
    customer_words = 8 + 11 + 1
    assert metrics.customer_wpm == round(customer_words * 60 / (4 + 6 + 1))
    assert metrics.talk_ratio == round(11 / 22, 2)


def test_timing_metrics_are_none_without_timings() -> None:
    report = scorer.score(scorer.load(FIXTURES / "ownership/good_utilities.txt"))
    metrics = report.metrics.to_dict()
    for key in (
        "interruptions_per_min",
        "interruption_rate",
        "median_response_gap_s",
        "agent_wpm",
        "customer_wpm",
    ):
        assert metrics[key] is None, key
    assert metrics["talk_ratio"] is not None and 0 < metrics["talk_ratio"] < 1


def test_start_only_timings_give_pace_but_no_interruptions(tmp_path: Path) -> None:
    path = tmp_path / "call.txt"
    path.write_text(
        "[00:00] Customer: My order never came.\n"
        "[00:04] Agent: I'm sorry, I can see it is stuck at the depot.\n"
        "[00:09] Customer: Okay.\n",
        encoding="utf-8",
    )
    metrics = scorer.score(scorer.load(path)).metrics
    assert metrics.interruptions_per_min is None
    assert metrics.median_response_gap_s is None
    assert metrics.agent_wpm == round(11 * 60 / 5)


def test_question_and_hedge_counts_come_from_markers() -> None:
    transcript = Transcript(
        (
            Turn("customer", "The app crashes when I upload a photo."),
            Turn("agent", "What happens just before it crashes? Is it every photo?"),
        )
    )
    metrics = scorer.score(transcript).metrics
    assert metrics.open_questions >= 1
    assert metrics.closed_questions >= 1
    assert metrics.hedges == 0


def test_repeats_are_found_by_content_and_counted() -> None:
    conv = Conversation(scorer.load(FIXTURES / "patience_under_repetition/poor_utilities.vtt"))
    assert {i: (r.original, r.count) for i, r in conv.repeats.items()} == {2: (0, 1), 4: (0, 2)}


def test_different_questions_are_not_repeats() -> None:
    transcript = Transcript(
        (
            Turn("customer", "When will the engineer arrive at my house?"),
            Turn("agent", "Tomorrow between 8 and 12."),
            Turn("customer", "Can I pay my bill by direct debit?"),
            Turn("agent", "Yes, I've set that up."),
        )
    )
    assert Conversation(transcript).repeats == {}


def test_escalation_signals() -> None:
    transcript = Transcript(
        (
            Turn("customer", "This is RIDICULOUS, I WANT my money"),
            Turn("customer", "Hello, a quick question about my plan."),
            Turn("customer", "Why won't it work!!"),
        )
    )
    assert Conversation(transcript).escalated_turns == [0, 2]


def test_fix_position_skips_conditions_and_questions() -> None:
    transcript = Transcript(
        (
            Turn("customer", "My router keeps restarting."),
            Turn("agent", "Before I change anything, can I ask which lights are on?"),
            Turn("agent", "Thanks. I have reset the router from here."),
            Turn("agent", "Can I reset it again if it happens tonight?"),
        )
    )
    conv = Conversation(transcript)
    assert conv.fix_position(1) is None
    assert conv.fix_position(2) == len("Thanks. ")
    assert conv.fix_position(3) is None
    assert conv.first_fix == (2, len("Thanks. "))


def test_a_reaction_before_a_repeated_question_does_not_hide_it() -> None:
    transcript = Transcript(
        (
            Turn(
                "customer",
                "Hi, my broadband has dropped every evening since Monday and I work from home, "
                "so I need to know when my internet will be fixed.",
            ),
            Turn("agent", "Let me check the line for you."),
            Turn(
                "customer",
                "That's not good enough, I've been patient all week and it's costing me clients "
                "and money. When will my internet be fixed?",
            ),
            Turn("agent", "I understand."),
            Turn(
                "customer",
                "Honestly, nobody at your company seems to care about any of this at all. When "
                "is my internet getting fixed?",
            ),
        )
    )
    assert {i: (r.original, r.count) for i, r in Conversation(transcript).repeats.items()} == {
        2: (0, 1),
        4: (0, 2),
    }


def test_a_new_question_after_a_reaction_is_not_a_repeat() -> None:
    transcript = Transcript(
        (
            Turn("customer", "When will the engineer come to fix my internet?"),
            Turn("agent", "Tomorrow morning between 8 and 10."),
            Turn(
                "customer",
                "Fine, my internet and the engineer, sorted then. Will I get money back on my "
                "bill for the lost days?",
            ),
        )
    )
    assert Conversation(transcript).repeats == {}
