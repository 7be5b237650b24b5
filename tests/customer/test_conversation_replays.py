"""Scripted multi-turn replays, one persona type at a time, asserting that the customer's replies
follow what the agent said; then 10 replayed calls per persona type (good, mixed and poor agents)
with no reply that contradicts or ignores the agent (`replays.contradictions`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

import pytest

from scorer import Turn
from server.customer import Conversation
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.scenario.schema import Scenario
from tests.customer.replays import STYLES, Replay, contradictions, play_agent

PERSONAS = [load_scenario(path) for path in sorted(SCENARIOS_DIR.glob("*_*.yaml"))]
BY_TYPE: dict[str, list[Scenario]] = defaultdict(list)
for persona in PERSONAS:
    BY_TYPE[persona.type].append(persona)
DANA = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")
DOROTHY = load_scenario(SCENARIOS_DIR / "repetitive_banking_card_replacement.yaml")
CARMEN = load_scenario(SCENARIOS_DIR / "multi_issue_ecommerce_return_and_address.yaml")


def play(scenario: Scenario, lines: list[str], seed: int = 1) -> Conversation:
    conversation = Conversation(scenario, seed=seed)
    conversation.opening()
    for line in lines:
        conversation.reply(line)
    return conversation


def said(conversation: Conversation, turn: int) -> str:
    return conversation.states[turn].customer_said


# --- hostile -----------------------------------------------------------------------------------


def test_hostile_a_promised_credit_is_acknowledged_not_asked_for() -> None:
    conversation = play(
        DANA,
        [
            "I will book a technician for tomorrow morning between 8 and 10.",
            "I will put a credit on your bill today for every day without service.",
        ],
    )
    credit = next(issue for issue in DANA.issues if issue.id == "credit")
    reply = said(conversation, 2)
    assert not any(line in reply for line in [*credit.repeats, *credit.opening]), reply
    assert conversation.states[2].act == "resolved" and conversation.state.closing
    assert any(line in reply for line in DANA.lines.wrap_up)


def test_hostile_counts_i_understand_only_once_it_was_said_twice() -> None:
    conversation = play(DANA, ["I understand.", "I understand, really."])
    generic = DANA.mood.reactions["generic_empathy"]
    assert not any(line in said(conversation, 1) for line in generic.again_lines)
    assert any(line in said(conversation, 2) for line in generic.again_lines)


def test_hostile_calm_down_twice_hangs_up_for_cause() -> None:
    conversation = play(DANA, ["Calm down.", "Calm down, please."])
    assert conversation.outcome == "hung_up"
    assert any(line in said(conversation, 2) for line in DANA.lines.hang_up)


# --- repetitive --------------------------------------------------------------------------------


def test_repetitive_repeats_an_answered_question_as_a_marked_choice() -> None:
    cash = DOROTHY.issues[1]
    conversation = play(
        DOROTHY,
        [
            "You can take your passport to the post office counter and withdraw cash there.",
            "I've ordered your new card; it will arrive by Friday.",
            "Yes, by Friday, in the post.",
            "That's right, it arrives by Friday.",
            "Yes, at the post office counter with your passport.",
        ],
    )
    # the cash question was answered before she got to it: she asks it as a marked repeat
    raised = next(record for record in conversation.states if record.focus == "cash_before_friday")
    assert any(line in raised.customer_said for line in cash.asks_again), raised
    for record in conversation.states[1:]:
        unmarked = [*cash.repeats, *cash.opening]
        assert not any(line in record.customer_said for line in unmarked), record
    assert contradictions(Replay(DOROTHY, "good", 1, conversation)) == []


def test_repetitive_answers_first_then_marked_repeats_then_acceptance() -> None:
    card = DOROTHY.issues[0]
    answer = "Your new card will arrive by Friday."
    conversation = play(DOROTHY, [answer, answer, answer])
    kinds = [(r.act, r.repeat_kind) for r in conversation.states[1:]]
    assert kinds == [("answered", "again"), ("answered", "again"), ("resolved", None)]
    assert said(conversation, 1).endswith(card.asks_again[0])
    assert said(conversation, 2).endswith(card.asks_again[1])


# --- multi-issue -------------------------------------------------------------------------------


def test_multi_issue_answers_the_question_that_was_asked() -> None:
    conversation = play(CARMEN, ["What's the problem with the lamp?", "What's the new address?"])
    lamp, _, address = CARMEN.issues[1], CARMEN.issues[0], CARMEN.issues[2]
    assert any(line in said(conversation, 1) for line in [*lamp.details, *lamp.opening])
    assert not any(line in said(conversation, 1) for line in CARMEN.lines.warm)
    assert "14 Lansdown Road" in said(conversation, 2)
    assert any(line in said(conversation, 2) for line in address.details)
    assert conversation.state.issue("default_address").asked == ("What's the new address?",)


def test_multi_issue_corrects_a_wrong_detail() -> None:
    conversation = play(CARMEN, ["I'll send you a size 40 then."])
    boots = CARMEN.issues[0]
    assert conversation.states[1].act == "wrong"
    assert any(line in said(conversation, 1) for line in boots.wrong[0].lines)
    assert conversation.state.issue("boots_exchange").status == "open"


# --- closing -----------------------------------------------------------------------------------


def test_the_customer_waits_and_the_agent_closes() -> None:
    lines = [
        "I will send you a returns label today so you can swap the boots for a size 39.",
        "I will chase the lamp refund today; it reaches your new card within 5 days.",
        "I've updated the default address to Bath.",
    ]
    conversation = play(CARMEN, lines)
    assert not conversation.ended and conversation.state.closing
    assert any(line in said(conversation, 3) for line in CARMEN.lines.wrap_up)
    conversation.reply("Is there anything else I can help with?")
    assert not conversation.ended
    assert any(line in said(conversation, 4) for line in CARMEN.lines.anything_else)
    conversation.reply(
        "To recap: the 39s go out when your return is scanned, the lamp refund reaches your "
        "new card within five days, and your address is now Bath. Call me on 0161 555 0142."
    )
    assert not conversation.ended
    conversation.reply("Have a lovely day, goodbye!")
    assert (conversation.ended, conversation.outcome) == (True, "resolved")
    assert any(line in said(conversation, 6) for line in CARMEN.lines.satisfied)


def test_ending_a_finished_call_is_resolved_an_unfinished_one_ended() -> None:
    finished = play(
        DANA,
        [
            "I will book a technician for tomorrow morning between 8 and 10.",
            "I will put a credit on your bill today for every day without service.",
        ],
    )
    finished.finish()
    assert finished.outcome == "resolved"
    unfinished = play(DANA, ["Let me check."])
    unfinished.finish()
    assert unfinished.outcome == "ended"


def test_a_goodbye_with_issues_open_is_not_a_close() -> None:
    conversation = play(DANA, ["Okay, thanks for calling, goodbye."])
    assert not conversation.ended
    assert not any(line in said(conversation, 1) for line in DANA.lines.satisfied)


# --- the measure: 10 replayed calls per persona type --------------------------------------------


@pytest.mark.parametrize("persona_type", sorted(BY_TYPE))
def test_ten_replayed_calls_per_type_have_no_contradicting_reply(persona_type: str) -> None:
    personas = BY_TYPE[persona_type]
    replays = [play_agent(personas[k % len(personas)], STYLES[k % 3], k) for k in range(10)]
    problems = [f"{r.scenario.id}/{r.style}: {p}" for r in replays for p in contradictions(r)]
    assert problems == []
    outcomes = {r.conversation.outcome for r in replays}
    assert "resolved" in outcomes  # good agents close their calls
    assert sum(len(r.conversation.states) - 1 for r in replays) >= 40


def test_the_check_catches_replies_that_ignore_the_agent() -> None:
    """The measure is not vacuous: replies of the old kind are counted."""

    def with_reply(conversation: Conversation, turn: int, text: str) -> Replay:
        turns = list(conversation.turns)
        turns[2 * turn] = Turn("customer", text)
        states = list(conversation.states)
        states[turn] = replace(states[turn], customer_said=text)
        conversation.turns, conversation.states = turns, states
        return Replay(conversation.scenario, "test", 0, conversation)

    asked = play(CARMEN, ["What's the new address?"])
    found = contradictions(with_reply(asked, 1, "Great, one down! And the lamp money?"))
    assert any("ignored a question" in problem for problem in found)

    promised = play(DANA, ["I will book a technician for tomorrow morning between 8 and 10."])
    found = contradictions(with_reply(promised, 1, "What about my bill?"))
    assert any("ignored a promise" in problem for problem in found)

    counted = play(DANA, ["I understand."])
    found = contradictions(with_reply(counted, 1, 'I\'ve heard "I understand" twice already.'))
    assert any("came again the first time" in problem for problem in found)

    closing = play(DANA, ["Let me check."])
    found = contradictions(with_reply(closing, 1, DANA.lines.satisfied[0]))
    assert any("closed with issues still open" in problem for problem in found)


@pytest.mark.parametrize(
    "scenario", [p for p in PERSONAS if any(i.asks_again for i in p.issues)], ids=lambda p: p.id
)
def test_marked_repeats_still_read_as_repeats_to_the_scorer(scenario: Scenario) -> None:
    """`asks_again` lines replace `repeats` for a repetitive customer, so they must carry the
    question's key words: patience_under_repetition needs the scorer to see the repeat."""
    from scorer import Transcript
    from scorer.conversation import Conversation as Scored

    for issue in scenario.issues:
        for opening in issue.opening:
            for line in issue.asks_again:
                turns = (Turn("customer", opening), Turn("agent", "Okay."), Turn("customer", line))
                assert 2 in Scored(Transcript(turns=turns)).repeats, (issue.id, line)
