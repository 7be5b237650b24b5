"""The state machine, one customer type at a time, driven by marker names directly."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from server.customer.scripted import ScriptedVoice
from server.customer.state import CustomerState, advance, end, initial_state
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.scenario.schema import Scenario
from tests.customer.conftest import BASE

Make = Callable[..., Scenario]


@dataclass(frozen=True)
class Hit:
    marker: str
    quote: str


def test_opening_state(make_scenario: Make) -> None:
    state = initial_state(make_scenario())
    assert state.mood == 3
    assert [(i.id, i.status, i.times_asked) for i in state.issues] == [
        ("late", "open", 1),
        ("fee", "pending", 0),
    ]
    assert state.pending is not None and state.pending.raised == ("late",)


# --- hostile -----------------------------------------------------------------------------------


def test_hostile_escalates_then_hangs_up_when_told_to_calm_down(make_scenario: Make) -> None:
    scenario = make_scenario()
    state = initial_state(scenario)
    state, reaction = advance(state, scenario, ["told_to_calm_down"], "Calm down.")
    assert reaction.react_to == "told_to_calm_down"
    assert state.mood == pytest.approx(0.5)  # -2 for the marker, -0.5 for asking again
    assert reaction.repeat == "late" and not state.ended
    state, reaction = advance(state, scenario, ["told_to_calm_down"], "Calm DOWN.")
    assert (state.ended, state.outcome, reaction.ending) == (True, "hung_up", "hung_up")
    assert reaction.repeat is None  # a customer who hangs up does not ask again
    with pytest.raises(ValueError, match="already ended"):
        advance(state, scenario, [], "Hello?")


def test_hostile_softens_when_impact_is_named(make_scenario: Make) -> None:
    scenario = make_scenario()
    state, reaction = advance(
        initial_state(scenario), scenario, ["impact_named", "apology"], "Sorry, that's awful."
    )
    assert state.mood == pytest.approx(5.5)
    assert reaction.react_to == "impact_named"  # the larger change leads the reply
    assert reaction.revealed == ("birthday",)  # its marker gives the fact up
    assert reaction.repeat is None  # the turn is filled by the fact


# --- which reaction leads the reply ------------------------------------------------------------

DANA = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")


@pytest.mark.parametrize(
    ("markers", "lead"),
    [
        # impact named (+2) is the single largest change, but the turn as a whole went badly
        (
            ["impact_named", "repeat_reference", "diffuse_commitment", "vague_follow_up"],
            "repeat_reference",
        ),
        # a net gain, yet "calm down" or a defensive line is answered first, never thanked
        (["impact_named", "defensive"], "defensive"),
        (
            ["told_to_calm_down", "impact_named", "ownership_commitment", "paraphrase"],
            "told_to_calm_down",
        ),
        (["impact_named", "defensive", "told_to_calm_down"], "told_to_calm_down"),
        # a turn that is good overall opens with the strongest positive reaction
        (["impact_named", "repeat_reference"], "impact_named"),
        (["generic_empathy", "apology"], "generic_empathy"),
        # net negative and no negative reaction has lines: nothing leads, thanks least of all
        (["generic_empathy", "vague_follow_up"], None),
    ],
)
def test_lead_follows_the_turn_not_its_loudest_marker(markers: list[str], lead: str | None) -> None:
    _, reaction = advance(initial_state(DANA), DANA, markers, "…")
    assert reaction.react_to == lead


def test_hostile_persona_never_opens_with_thanks_after_calm_down_or_defensive() -> None:
    grateful = [
        line
        for reaction in DANA.mood.reactions.values()
        if reaction.delta > 0
        for line in reaction.lines
    ]
    for markers in (["impact_named", "defensive"], ["impact_named", "told_to_calm_down"]):
        for seed in range(4):
            state = initial_state(DANA)
            state, reaction = advance(state, DANA, markers, "…")
            text = ScriptedVoice(seed).say(DANA, state, reaction)
            assert not any(text.startswith(line) for line in grateful), text
            assert any(text.startswith(line) for line in DANA.mood.reactions[markers[1]].lines)


def test_a_net_zero_turn_reads_by_the_mood_band(make_scenario: Make) -> None:
    reactions = {
        "paraphrase": {"delta": 1, "lines": ["That's it."]},
        "filler": {"delta": -1, "lines": ["Is that a yes?"]},
    }
    for start, lead in ((3, "filler"), (5.5, "paraphrase")):  # upset, then neutral
        scenario = make_scenario(mood__reactions=reactions, mood__start=start)
        _, reaction = advance(initial_state(scenario), scenario, ["paraphrase", "filler"], "Mm.")
        assert reaction.react_to == lead, (start, reaction.band)


def test_mood_is_clamped(make_scenario: Make) -> None:
    scenario = make_scenario(mood__reactions={"impact_named": {"delta": 10}}, mood__start=9)
    state, _ = advance(initial_state(scenario), scenario, ["impact_named"], "That ruins the day.")
    assert state.mood == 10


# --- repetitive --------------------------------------------------------------------------------


def test_repetitive_asks_three_times_before_accepting(make_scenario: Make) -> None:
    issue = {**BASE_ISSUE, "asks_at_least": 3, "asks_again": ["Sorry, when was it?", "Once more?"]}
    scenario = make_scenario(type="repetitive", issues=[issue])
    state = initial_state(scenario)
    answer = "I will have it delivered on Friday."
    state, first = advance(state, scenario, ["ownership_commitment"], answer)
    state, second = advance(state, scenario, ["ownership_commitment"], answer)
    state, third = advance(state, scenario, ["ownership_commitment"], answer)
    # answered each time: the persona asks again on purpose, and says so (marked repeats)
    assert (first.act, first.repeat, first.repeat_kind, first.repeat_index) == (
        "answered",
        "late",
        "again",
        0,
    )
    assert (second.repeat, second.repeat_kind, second.repeat_index) == ("late", "again", 1)
    assert third.repeat is None and third.resolved == ("late",) and third.act == "resolved"
    assert state.repeats == 2
    late = state.issue("late")
    assert late.times_asked == 3 and late.answered == (1, 2, 3) and late.marked_repeats == 2
    assert [p.when for p in late.promises] == ["on Friday"] * 3
    said = ScriptedVoice(0).parts(scenario, state, first)
    assert said[-1] == "Sorry, when was it?"  # the marked line, not the unanswered repeat


def test_repetitive_issue_without_marked_repeats_is_a_lint_error(make_scenario: Make) -> None:
    with pytest.raises(ValueError, match="add `asks_again:` lines"):
        make_scenario(type="repetitive", issues=[{**BASE_ISSUE, "asks_at_least": 2}])


def test_unanswered_question_is_asked_again(make_scenario: Make) -> None:
    scenario = make_scenario()
    state = initial_state(scenario)
    state, reaction = advance(state, scenario, [], "Thanks for calling.")
    assert (reaction.repeat, reaction.repeat_index, state.mood) == ("late", 0, 2.5)
    state, reaction = advance(state, scenario, [], "Your parcel is at the depot.")
    assert reaction.repeat is None  # the agent is on it (topic mentioned), though not resolved
    assert reaction.act == "working" and state.issue("late").status == "open"


def test_a_question_about_the_issue_gets_its_details(make_scenario: Make) -> None:
    scenario = make_scenario(issue0__details=["Order 555, sent on the 2nd."])
    state, reaction = advance(
        initial_state(scenario), scenario, ["open_question"], "What's the parcel's order number?"
    )
    assert (reaction.focus, reaction.act, reaction.answer, reaction.repeat) == (
        "late",
        "asked",
        "late",
        None,
    )
    assert state.issue("late").asked == ("What's the parcel's order number?",)
    assert ScriptedVoice(0).say(scenario, state, reaction) == "Order 555, sent on the 2nd."


def test_a_question_names_no_resolution(make_scenario: Make) -> None:
    scenario = make_scenario(issue0__resolved_by={"phrases": ["new address"]})
    state, reaction = advance(initial_state(scenario), scenario, [], "What's the new address?")
    assert reaction.resolved == () and state.issue("late").answered == ()
    state, reaction = advance(state, scenario, [], "I've saved the new address.")
    assert reaction.resolved == ("late",)


def test_a_promise_without_a_time_is_asked_when(make_scenario: Make) -> None:
    scenario = make_scenario(
        lines={**BASE["lines"], "ask_when": ["When?"], "promise_noted": ["Noted."]}
    )
    state, reaction = advance(
        initial_state(scenario),
        scenario,
        [Hit("ownership_commitment", "I will chase it.")],
        "I will chase the parcel.",
    )
    assert reaction.act == "promised" and reaction.promise is not None
    assert reaction.promise.when is None and reaction.repeat is None
    assert ScriptedVoice(0).parts(scenario, state, reaction) == ["When?"]
    state, reaction = advance(
        state,
        scenario,
        [Hit("ownership_commitment", "I will chase it by noon.")],
        "I will chase the parcel by noon.",
    )
    assert reaction.promise is not None and reaction.promise.when == "by noon"
    assert ScriptedVoice(0).parts(scenario, state, reaction) == ["Noted."]
    assert [p.when for p in state.issue("late").promises] == [None, "by noon"]


def test_a_mistake_is_corrected_and_resolves_nothing(make_scenario: Make) -> None:
    mistake = {"phrases": ["Thursday"], "lines": ["Not Thursday. I said Friday is too late."]}
    scenario = make_scenario(issue0__wrong=[mistake], issue0__resolved_by={"phrases": ["friday"]})
    state, reaction = advance(
        initial_state(scenario), scenario, [], "It comes Thursday, or Friday at worst."
    )
    assert (reaction.act, reaction.correct, reaction.resolved) == ("wrong", "late", ())
    assert state.issue("late").wrong == ("Thursday",)
    assert ScriptedVoice(0).say(scenario, state, reaction) == mistake["lines"][0]


def test_an_answer_given_before_the_customer_asks_is_remembered(make_scenario: Make) -> None:
    scenario = make_scenario(type="multi_issue")
    state = initial_state(scenario)
    state, reaction = advance(
        state, scenario, [], "The parcel is on its way, and I'll refund the fee."
    )
    assert state.issue("fee").answered == (1,) and state.issue("fee").status == "pending"
    state, reaction = advance(
        state, scenario, ["ownership_commitment"], "I will have it with you on Friday."
    )
    # the fee was answered before she got to it: she does not ask about it
    assert reaction.raised == () and state.issue("fee").status == "resolved"
    assert reaction.closing == "wrap_up"


def test_reaction_lines_that_count_need_an_earlier_time(make_scenario: Make) -> None:
    reactions = {
        "generic_empathy": {"delta": 0.5, "lines": ["Sure."], "again_lines": ["Twice now."]}
    }
    scenario = make_scenario(mood__reactions=reactions, mood__start=5)
    state = initial_state(scenario)
    state, first = advance(state, scenario, ["generic_empathy"], "I understand.")
    assert first.react_to == "generic_empathy" and not first.react_again
    assert ScriptedVoice(0).parts(scenario, state, first)[0] == "Sure."
    state, second = advance(state, scenario, ["generic_empathy"], "I understand.")
    assert second.react_again and state.times_heard("generic_empathy") == 2
    assert ScriptedVoice(0).parts(scenario, state, second)[0] == "Twice now."


# --- multi_issue -------------------------------------------------------------------------------


def test_second_issue_comes_up_once_the_first_is_settled(make_scenario: Make) -> None:
    scenario = make_scenario(type="multi_issue")
    state = initial_state(scenario)
    state, reaction = advance(
        state, scenario, ["ownership_commitment"], "I will get it to you by Friday."
    )
    assert reaction.resolved == ("late",) and reaction.raised == ("fee",)
    assert state.open_issues == ["fee"]
    assert state.mood == 4  # +1 for the resolution
    state, reaction = advance(state, scenario, ["impact_named"], "I'll refund the fee too.")
    assert state.all_resolved and state.mood == 7
    # every issue resolved: the customer says so and waits for the agent to close
    assert (reaction.closing, reaction.ending, state.ended) == ("wrap_up", None, False)


def test_a_number_phrase_resolves_when_the_agent_says_it(make_scenario: Make) -> None:
    scenario = make_scenario(issue0__resolved_by={"phrases": [64.99]}, issue0__topics=[39])
    state = initial_state(scenario)
    state, reaction = advance(state, scenario, [], "Is that order 39 you mean?")
    assert reaction.repeat is None and not reaction.resolved  # a topic: the agent is on it
    state, reaction = advance(state, scenario, [], "I have refunded the 64.99 to your card.")
    assert reaction.resolved == ("late",)
    _, reaction = advance(state, scenario, [], "The fee was 164.995 in total.")
    assert reaction.resolved == ()  # whole numbers only, not a digit run inside another


def test_second_issue_comes_up_after_turns_even_if_unresolved(make_scenario: Make) -> None:
    scenario = make_scenario(type="multi_issue", issue0__reveal_next_when={"after_turns": 2})
    state = initial_state(scenario)
    state, first = advance(state, scenario, [], "Let me look.")
    state, second = advance(state, scenario, [], "Still looking at the parcel.")
    assert first.raised == () and second.raised == ("fee",)
    assert state.open_issues == ["late", "fee"]


# --- calm --------------------------------------------------------------------------------------


def test_calm_customer_waits_for_the_agent_to_close(make_scenario: Make) -> None:
    scenario = make_scenario(
        type="calm", quadrant="calm_reassurance", mood__start=6, issues=[BASE_ISSUE]
    )
    state, reaction = advance(
        initial_state(scenario), scenario, ["ownership_commitment"], "I will send it Friday."
    )
    assert (state.ended, reaction.closing, reaction.content) == (False, "wrap_up", True)
    assert state.closing
    state, reaction = advance(state, scenario, ["closed_question"], "Anything else today?")
    assert (reaction.closing, state.ended) == ("anything_else", False)
    state, reaction = advance(state, scenario, ["summary"], "So: it ships Friday.")
    assert (reaction.closing, state.ended) == ("waiting", False)
    state, reaction = advance(state, scenario, [], "Thanks for calling, goodbye!")
    assert (reaction.closing, reaction.ending) == ("goodbye", "resolved")
    assert (state.ended, state.outcome) == (True, "resolved")


def test_the_agent_ending_a_finished_call_closes_it_resolved(make_scenario: Make) -> None:
    scenario = make_scenario(issues=[BASE_ISSUE])
    state, _ = advance(
        initial_state(scenario), scenario, ["ownership_commitment"], "I will send it Friday."
    )
    assert end(state).outcome == "resolved"
    assert end(initial_state(scenario)).outcome == "ended"


def test_resolved_but_unhappy_customer_stays(make_scenario: Make) -> None:
    scenario = make_scenario(issues=[BASE_ISSUE])
    state, reaction = advance(
        initial_state(scenario), scenario, ["ownership_commitment"], "I will send it Friday."
    )
    assert state.all_resolved and state.mood == 4 and not state.ended
    assert reaction.ending is None and reaction.band == "upset"
    assert (reaction.closing, reaction.content) == ("wrap_up", False)


# --- confused ----------------------------------------------------------------------------------


def test_confused_customer_asks_what_a_term_means_once(make_scenario: Make) -> None:
    scenario = make_scenario(type="confused")
    state = initial_state(scenario)
    state, reaction = advance(state, scenario, [Hit("jargon", "RTS")], "It's flagged RTS.")
    assert reaction.ask_term == "RTS" and reaction.repeat is None
    state, reaction = advance(state, scenario, [Hit("jargon", "RTS")], "Yes, RTS.")
    assert reaction.ask_term is None
    assert state.terms_asked == ("RTS",)


def test_explained_term_or_unknown_term_from_the_quote(make_scenario: Make) -> None:
    scenario = make_scenario(type="confused")
    state = initial_state(scenario)
    _, reaction = advance(
        state,
        scenario,
        [Hit("jargon", "RTS"), Hit("jargon_explained", "returned to sender")],
        "It's RTS, returned to sender.",
    )
    assert reaction.ask_term is None
    _, reaction = advance(state, scenario, [Hit("jargon", "the OLT")], "Reset the OLT.")
    assert reaction.ask_term == "the OLT"


# --- withheld facts ----------------------------------------------------------------------------


def test_fact_comes_out_when_asked_about_its_topic(make_scenario: Make) -> None:
    scenario = make_scenario()
    state = initial_state(scenario)
    _, told = advance(state, scenario, [], "It's a gift, I see.")
    assert told.revealed == ()  # mentioned but not asked
    state, asked = advance(state, scenario, ["closed_question"], "Is it a gift")
    assert asked.revealed == ("birthday",)
    state, again = advance(state, scenario, ["closed_question"], "A present?")
    assert again.revealed == ()  # each fact comes out once ...
    assert again.restated == ("birthday",)  # ... and is given again when asked again
    assert state.revealed == ("birthday",)


# --- serialisation -----------------------------------------------------------------------------


def test_state_round_trips_through_json(make_scenario: Make) -> None:
    scenario = make_scenario()
    state = initial_state(scenario)
    state, _ = advance(state, scenario, [Hit("jargon", "RTS")], "RTS, so?")
    state, _ = advance(state, scenario, ["impact_named"], "That ruins the birthday.")
    state, _ = advance(
        state, scenario, [Hit("ownership_commitment", "I will call at noon")], "I will call at noon"
    )
    state = state.with_said("Where is my parcel?")
    assert state.issue("late").promises
    restored = CustomerState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state
    assert end(restored).outcome == "ended"


def test_a_snapshot_from_before_the_listening_state_still_loads(make_scenario: Make) -> None:
    scenario = make_scenario()
    old = initial_state(scenario).to_dict()
    for key in ("heard", "closing"):
        del old[key]
    for issue in old["issues"]:
        for key in ("asked", "answered", "promises", "wrong", "marked_repeats", "last_act"):
            del issue[key]
    restored = CustomerState.from_dict(old)
    assert restored == initial_state(scenario)


BASE_ISSUE = {
    "id": "late",
    "summary": "The parcel is late.",
    "opening": "Where is my parcel?",
    "repeats": ["I asked where my parcel is."],
    "topics": ["parcel"],
    "resolved_by": {"markers": ["ownership_commitment"], "phrases": ["friday"]},
}
