"""The conversation runner over the repo's personas and the scorer's real marker detection."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from scorer import Transcript, score
from server.customer import Conversation, ConversationError, ScriptedVoice
from server.customer.spoken import Spoken
from server.paths import SCENARIOS_DIR
from server.scenario import Scenario, load_scenario

Make = Callable[..., Scenario]

HOSTILE = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")

CALM_DOWN = [
    "You need to calm down.",
    "Ma'am, calm down and let me look.",
    "Please calm down.",
]
IMPACT = [
    "Three days without internet when you work from home means you can't reach your clients"
    " — I'm sorry, that's serious.",
    "How has it affected your work?",
    "I will book a technician for tomorrow morning between 8 and 10, and I will call you at"
    " noon to check it's working.",
]

FILLER = [
    "Thanks for your patience.",
    "Let me check.",
    "Okay.",
    "One moment.",
    "Right.",
    "Bear with me.",
    "I see.",
    "Sure.",
]


def play(scenario: Scenario, lines: list[str], seed: int = 0) -> Conversation:
    conversation = Conversation(scenario, seed=seed)
    conversation.opening()
    for line in lines:
        if conversation.ended:
            break
        conversation.reply(line)
    return conversation


def test_hostile_ends_angrier_when_told_to_calm_down_than_when_impact_is_named() -> None:
    scolded = play(HOSTILE, CALM_DOWN)
    heard = play(HOSTILE, IMPACT)
    assert scolded.outcome == "hung_up" or scolded.mood < HOSTILE.mood.start
    assert heard.mood > HOSTILE.mood.start
    assert scolded.mood < heard.mood
    first = scolded.states[1]
    assert "told_to_calm_down" in first.markers
    calm_lines = HOSTILE.mood.reactions["told_to_calm_down"].lines
    assert any(line in first.customer_said for line in calm_lines)
    # naming the impact brings the withheld fact out
    assert "lost_client" in heard.state.revealed


@pytest.mark.parametrize(
    ("spoiler", "marker"),
    [(" But it's not my fault.", "defensive"), (" Calm down.", "told_to_calm_down")],
)
def test_a_named_impact_spoiled_by_the_same_turn_is_not_thanked(spoiler: str, marker: str) -> None:
    heard = (
        "So your internet has been dead since Monday and you can't work from home, and this is "
        "your third call."
    )
    grateful = HOSTILE.mood.reactions["impact_named"].lines
    for seed in range(3):
        alone = play(HOSTILE, [heard], seed=seed).states[1]
        spoiled = play(HOSTILE, [heard + spoiler], seed=seed).states[1]
        assert "impact_named" in alone.markers and alone.customer_said.startswith(tuple(grateful))
        assert {"impact_named", marker} <= set(spoiled.markers)
        assert not spoiled.customer_said.startswith(tuple(grateful))
        assert spoiled.customer_said.startswith(tuple(HOSTILE.mood.reactions[marker].lines))


def test_states_record_every_turn() -> None:
    conversation = play(HOSTILE, IMPACT)
    assert [record.turn for record in conversation.states] == list(range(len(IMPACT) + 1))
    assert conversation.states[0].customer_said in HOSTILE.issues[0].opening
    assert conversation.states[0].markers == []
    transcript = conversation.transcript()
    assert isinstance(transcript, Transcript)
    assert [turn.speaker for turn in transcript.turns] == ["customer", "agent"] * 3 + ["customer"]
    assert transcript.customer_name == "Dana Ruiz"
    assert transcript.glossary == HOSTILE.glossary
    for record, turn in zip(conversation.states, transcript.turns[::2], strict=True):
        assert record.customer_said == turn.text


def test_the_same_seed_replays_the_same_conversation() -> None:
    first = play(HOSTILE, FILLER, seed=11)
    again = play(HOSTILE, FILLER, seed=11)
    assert first.transcript() == again.transcript()
    assert [r.mood for r in first.states] == [r.mood for r in again.states]


def test_different_seeds_choose_different_words() -> None:
    transcripts = {
        json.dumps(play(HOSTILE, FILLER, seed=seed).transcript().to_dict()) for seed in range(4)
    }
    assert len(transcripts) > 1


def test_opening_is_a_seeded_choice_among_its_variants(make_scenario: Make) -> None:
    variants = ["Where is my parcel?", "My parcel never came. Where is it?", "Where's my parcel?"]
    scenario = make_scenario(issue0__opening=variants)
    openings = [Conversation(scenario, seed=seed).opening().text for seed in range(12)]
    assert set(openings) == set(variants)  # every variant comes up, nothing else
    again = [Conversation(scenario, seed=seed).opening().text for seed in range(12)]
    assert openings == again  # the same seed opens the same way


def test_a_later_issue_opens_with_one_of_its_variants(make_scenario: Make) -> None:
    variants = ["And I want the delivery fee back.", "Also, the delivery fee. I want it back."]
    scenario = make_scenario(issue1__opening=variants)
    heard = set()
    for seed in range(8):
        conversation = play(scenario, ["I will have the parcel delivered on Friday."], seed=seed)
        said = conversation.states[-1].customer_said
        heard |= {variant for variant in variants if variant in said}
    assert heard == set(variants)


def test_no_line_is_said_twice_by_accident(make_scenario: Make) -> None:
    scenario = make_scenario()
    conversation = play(scenario, [f"The parcel, let me see ({i})." for i in range(14)], seed=5)
    assert not conversation.ended
    repeats = {line for issue in scenario.issues for line in issue.repeats}
    said = [line for line in conversation.state.said if line not in repeats]
    assert len(said) == len(set(said))
    # when every band line is used up the customer falls back on its open question
    assert conversation.states[-1].customer_said in repeats


def test_repeated_question_uses_the_repeat_lines_in_order(make_scenario: Make) -> None:
    scenario = make_scenario()
    conversation = play(scenario, ["Hello there.", "Good afternoon.", "Hi."])
    said = [record.customer_said for record in conversation.states[1:]]
    assert said == [
        "I asked where my parcel is.",
        "WHERE is my parcel?",
        "WHERE is my parcel?",  # the last repeat is reused, on purpose
    ]


async def test_areply_streams_the_scripted_reply_in_chunks() -> None:
    conversation = Conversation(HOSTILE, seed=2)
    conversation.opening()
    chunks = [chunk async for chunk in conversation.areply(IMPACT[0])]
    assert len(chunks) > 1
    assert conversation.last_reply is not None
    assert "".join(chunks).strip() == conversation.last_reply.text
    replayed = play(HOSTILE, IMPACT[:1], seed=2)
    assert replayed.states[-1].customer_said == conversation.last_reply.text


def test_snapshot_restores_in_another_process_shape() -> None:
    whole = play(HOSTILE, IMPACT, seed=9)
    half = play(HOSTILE, IMPACT[:1], seed=9)
    snapshot = json.loads(json.dumps(half.snapshot()))
    resumed = Conversation.restore(HOSTILE, snapshot)
    for line in IMPACT[1:]:
        resumed.reply(line)
    assert resumed.transcript() == whole.transcript()
    assert [r.to_dict() for r in resumed.states] == [r.to_dict() for r in whole.states]
    assert resumed.outcome == whole.outcome


def test_restore_refuses_another_scenario(make_scenario: Make) -> None:
    snapshot = play(HOSTILE, IMPACT[:1]).snapshot()
    with pytest.raises(ConversationError, match="belongs to scenario 'hostile_telecom_outage'"):
        Conversation.restore(make_scenario(), snapshot)


def test_talking_over_the_customer_is_an_interruption(make_scenario: Make) -> None:
    scenario = make_scenario(
        mood__reactions={"interruption": {"delta": -1, "lines": ["Let me finish!"]}}
    )
    conversation = Conversation(scenario, channel="voice")
    conversation.opening()
    conversation.time_customer_turn(0.0, 3.0)
    reply = conversation.reply("Your parcel is coming.", start=2.0, end=4.0)
    assert "interruption" in reply.markers
    assert reply.text.startswith("Let me finish!")
    conversation.time_customer_turn(4.5, 6.0)
    reply = conversation.reply("The parcel ships Monday.", start=7.0, end=8.0)
    assert "interruption" not in reply.markers


def test_misuse_is_explained(make_scenario: Make) -> None:
    conversation = Conversation(make_scenario())
    with pytest.raises(ConversationError, match="call opening"):
        conversation.reply("Hi")
    conversation.opening()
    with pytest.raises(ConversationError, match="already called"):
        conversation.opening()
    with pytest.raises(ConversationError, match="empty"):
        conversation.reply("   ")
    conversation.finish()
    assert conversation.outcome == "ended"
    with pytest.raises(ConversationError, match="has ended"):
        conversation.reply("Hello?")


def test_scorer_reads_the_transcript() -> None:
    conversation = play(HOSTILE, IMPACT)
    transcript = conversation.transcript()
    report = score(transcript).to_dict()
    impact = report["behaviors"]["impact_naming"]
    assert impact["applicable"] is True
    for item in impact["evidence"]:
        assert item["quote"] in transcript.turns[item["turn"]].text


def test_scripted_voice_matches_the_runner() -> None:
    conversation = Conversation(HOSTILE, seed=4)
    conversation.opening()
    state_before = conversation.state
    reply = conversation.reply(CALM_DOWN[0])
    assert reply.reaction is not None
    voice = ScriptedVoice(seed=4)
    assert voice.say(HOSTILE, state_before, reply.reaction) == reply.text
    assert Spoken().fallback is False
