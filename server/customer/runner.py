"""One conversation with the virtual customer, used alike by the CLI, the web app and voice.

    conversation = Conversation(scenario, seed=7)
    print(conversation.opening().text)
    reply = conversation.reply("I'm sorry, that sounds like it's costing you work.")
    ...
    report = scorer.score(conversation.transcript())

Each agent turn goes through the scorer's marker detection (with the customer's earlier turns
as context and the scenario's glossary), then the state machine, then a voice. `snapshot()`
after any turn and `Conversation.restore(scenario, snapshot)` in another process continue the
same conversation, with the same seeded choices.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

from scorer import Transcript, Turn
from scorer.markers import detect
from server.customer.scripted import ScriptedVoice
from server.customer.spoken import Spoken, Voice, chunks_of
from server.customer.state import (
    CustomerState,
    Outcome,
    Reaction,
    advance,
    end,
    initial_state,
)
from server.scenario.schema import Scenario

SNAPSHOT_VERSION = 1


@dataclass(frozen=True)
class CustomerReply:
    """The customer's side of one turn."""

    text: str
    turn: int
    mood: float
    band: str
    markers: tuple[str, ...]
    ended: bool
    outcome: Outcome | None
    fallback: bool = False
    reason: str | None = None
    reaction: Reaction | None = None


@dataclass(frozen=True)
class TurnRecord:
    """What happened in one turn: turn 0 is the opening, turn i the reply to the agent's i-th
    message, whose markers are listed."""

    turn: int
    mood: float
    customer_said: str
    markers: list[str] = field(default_factory=list)
    fallback: bool = False
    reason: str | None = None
    band: str = ""
    focus: str | None = None
    """The issue the agent's turn dealt with."""
    act: str | None = None
    """What the agent did to it: answered, resolved, asked, promised, working, dodged, wrong."""
    repeat_kind: str | None = None
    """The customer asked again: `unanswered`, or `again` (a repetitive persona's choice)."""
    closing: str | None = None
    """Every issue resolved: wrap_up, anything_else, waiting or goodbye."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TurnRecord:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


class ConversationError(RuntimeError):
    """A call that does not fit the conversation's stage (e.g. replying after it ended)."""


class Conversation:
    def __init__(
        self,
        scenario: Scenario,
        *,
        seed: int = 0,
        voice: Voice | None = None,
        channel: str = "chat",
    ) -> None:
        self.scenario = scenario
        self.seed = seed
        self.channel = channel
        self.scripted = ScriptedVoice(seed)
        self.voice: Voice = voice if voice is not None else self.scripted
        self.state: CustomerState = initial_state(scenario)
        self.turns: list[Turn] = []
        self.states: list[TurnRecord] = []
        self.last_reply: CustomerReply | None = None

    # --- reading -------------------------------------------------------------------------------

    @property
    def ended(self) -> bool:
        return self.state.ended

    @property
    def outcome(self) -> Outcome | None:
        return self.state.outcome

    @property
    def mood(self) -> float:
        return self.state.mood

    def transcript(self) -> Transcript:
        return Transcript(
            turns=tuple(self.turns),
            channel=self.channel,
            customer_name=self.scenario.customer.name,
            glossary=dict(self.scenario.glossary),
        )

    # --- turns ---------------------------------------------------------------------------------

    def opening(self) -> CustomerReply:
        """The customer's first line (the first issue's opening)."""
        if self.turns:
            raise ConversationError("opening() was already called; use reply() for the next turn")
        reaction = self.state.pending
        assert reaction is not None  # initial_state always sets the opening reaction
        parts = self.scripted.parts(self.scenario, self.state, reaction)
        return self._commit(self.state, reaction, Spoken(" ".join(parts), parts))

    def reply(
        self, agent_text: str, *, start: float | None = None, end: float | None = None
    ) -> CustomerReply:
        """The customer's answer to one agent turn, in the scripted voice."""
        agent_turn, new_state, reaction = self._advance(agent_text, start, end)
        parts = self.scripted.parts(self.scenario, self.state, reaction)
        return self._commit(new_state, reaction, Spoken(" ".join(parts), parts), agent_turn)

    async def areply(
        self, agent_text: str, *, start: float | None = None, end: float | None = None
    ) -> AsyncIterator[str]:
        """Stream the customer's answer in the conversation's voice; the turn is recorded once
        the stream is exhausted (then `last_reply` holds it)."""
        agent_turn, new_state, reaction = self._advance(agent_text, start, end)
        spoken = Spoken()
        history = [(turn.speaker, turn.text) for turn in [*self.turns, agent_turn]]
        async for chunk in self.voice.stream(self.scenario, self.state, reaction, history, spoken):
            yield chunk
        if not spoken.text.strip():  # a voice that produced nothing must not lose the turn
            parts = self.scripted.parts(self.scenario, self.state, reaction)
            spoken = Spoken(" ".join(parts), parts, True, spoken.reason or "empty reply")
            for chunk in chunks_of(spoken.text):
                yield chunk
        self._commit(new_state, reaction, spoken, agent_turn)

    def finish(self) -> None:
        """The agent ended the call: outcome `resolved` when every issue was resolved (the agent
        closed it), `ended` otherwise (unless the customer had already hung up or said goodbye)."""
        self.state = end(self.state)

    def view(self) -> dict[str, Any]:
        """What the customer can see of the call, for a trainer's preview: mood, each issue's
        status with what the agent asked, answered, promised (what and when) and got wrong,
        the facts given, and whether the customer is waiting for the agent to close."""
        state = self.state
        facts = {fact.id: fact.fact for fact in self.scenario.customer.withheld}
        return {
            "mood": state.mood,
            "band": state.band(self.scenario),
            "closing": state.closing,
            "outcome": state.outcome,
            "issues": [
                {
                    "id": issue.id,
                    "summary": spec.summary,
                    "status": issue.status,
                    "times_asked": issue.times_asked,
                    "last_act": issue.last_act,
                    "asked": list(issue.asked),
                    "answered_turns": list(issue.answered),
                    "promises": [
                        {"what": p.what, "when": p.when, "turn": p.turn, "owned": p.owned}
                        for p in issue.promises
                    ],
                    "wrong": list(issue.wrong),
                }
                for issue, spec in zip(state.issues, self.scenario.issues, strict=True)
            ],
            "facts_given": [facts[fact_id] for fact_id in state.revealed if fact_id in facts],
            "terms_asked": list(state.terms_asked),
        }

    def time_customer_turn(self, start: float, end: float) -> None:
        """Set the times of the latest customer turn (voice: when its audio played)."""
        for i in range(len(self.turns) - 1, -1, -1):
            if self.turns[i].speaker == "customer":
                self.turns[i] = Turn("customer", self.turns[i].text, start, end)
                return
        raise ConversationError("no customer turn yet; call opening() first")

    def _advance(
        self, agent_text: str, start: float | None, end: float | None
    ) -> tuple[Turn, CustomerState, Reaction]:
        if not self.turns:
            raise ConversationError("call opening() before the first reply")
        if self.state.ended:
            raise ConversationError(
                f"the conversation has ended ({self.state.outcome}); start a new one"
            )
        if not agent_text.strip():
            raise ConversationError("the agent's turn is empty; say something")
        customer_turns = [turn.text for turn in self.turns if turn.speaker == "customer"]
        agent_turns = [turn.text for turn in self.turns if turn.speaker == "agent"]
        hits = list(
            detect(
                agent_text,
                context=customer_turns,
                agent_history=agent_turns,
                glossary=dict(self.scenario.glossary),
                customer_name=self.scenario.customer.name,
            )
        )
        markers: list[Any] = list(hits)
        last_customer = self.turns[-1]
        interrupted = (
            start is not None
            and last_customer.speaker == "customer"
            and last_customer.end is not None
            and start < last_customer.end
        )
        if interrupted and not any(hit.marker == "interruption" for hit in hits):
            markers.append("interruption")
        new_state, reaction = advance(self.state, self.scenario, markers, agent_text)
        return Turn("agent", agent_text, start, end), new_state, reaction

    def _commit(
        self,
        state: CustomerState,
        reaction: Reaction,
        spoken: Spoken,
        agent_turn: Turn | None = None,
    ) -> CustomerReply:
        """Record the turn: nothing changes until the reply is complete, so an abandoned
        stream leaves the conversation as it was."""
        text = spoken.text.strip()
        if agent_turn is not None:
            self.turns.append(agent_turn)
        parts = spoken.parts or [text]
        self.state = state
        for part in parts:
            self.state = self.state.with_said(part)
        self.turns.append(Turn("customer", text))
        record = TurnRecord(
            turn=reaction.turn,
            mood=reaction.mood,
            customer_said=text,
            markers=list(reaction.markers),
            fallback=spoken.fallback,
            reason=spoken.reason,
            band=reaction.band,
            focus=reaction.focus,
            act=reaction.act,
            repeat_kind=reaction.repeat_kind,
            closing=reaction.closing,
        )
        self.states.append(record)
        self.last_reply = CustomerReply(
            text=text,
            turn=reaction.turn,
            mood=reaction.mood,
            band=reaction.band,
            markers=reaction.markers,
            ended=self.state.ended,
            outcome=self.state.outcome,
            fallback=spoken.fallback,
            reason=spoken.reason,
            reaction=reaction,
        )
        return self.last_reply

    # --- persistence ---------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Plain JSON-serialisable data from which `restore` continues the conversation."""
        return {
            "snapshot_version": SNAPSHOT_VERSION,
            "scenario_id": self.scenario.id,
            "scenario_version": self.scenario.version,
            "seed": self.seed,
            "channel": self.channel,
            "state": self.state.to_dict(),
            "turns": [turn.to_dict() for turn in self.turns],
            "states": [record.to_dict() for record in self.states],
        }

    @classmethod
    def restore(
        cls, scenario: Scenario, snapshot: dict[str, Any], *, voice: Voice | None = None
    ) -> Conversation:
        if snapshot.get("snapshot_version") != SNAPSHOT_VERSION:
            raise ConversationError(
                f"snapshot version {snapshot.get('snapshot_version')!r} is not "
                f"{SNAPSHOT_VERSION}; start a new conversation"
            )
        if snapshot.get("scenario_id") != scenario.id:
            raise ConversationError(
                f"snapshot belongs to scenario {snapshot.get('scenario_id')!r}, not "
                f"{scenario.id!r}; load that scenario to continue it"
            )
        conversation = cls(
            scenario,
            seed=int(snapshot["seed"]),
            voice=voice,
            channel=str(snapshot.get("channel", "chat")),
        )
        conversation.state = CustomerState.from_dict(snapshot["state"])
        conversation.turns = [
            Turn(t["speaker"], t["text"], t.get("start"), t.get("end")) for t in snapshot["turns"]
        ]
        conversation.states = [TurnRecord.from_dict(record) for record in snapshot["states"]]
        return conversation
