"""The scripted voice: puts a `Reaction` into words from the scenario's lines.

Each choice between variants uses a random generator seeded by (seed, turn, slot), so the same
seed replays the same conversation, different seeds differ, and a conversation restored in
another process continues exactly as it would have. A line the customer already said is not
said again, except the issue repeats, which a persona repeats on purpose. An issue's opening is
one of its variants picked the same way, so two seeds seldom start a conversation alike.

The reply follows what the agent just did (the reaction's `act` on its `focus` issue), in this
order: a reaction line; a hang-up; a term question; a correction; revealed (or re-asked) facts;
the details of an issue the agent asked about; "when?" for a promise without a time, or a nod to
one with a time; an `issue_resolved` line; a new issue or a repeat (`repeats` when the agent did
not answer, `asks_again` when a repetitive customer asks again on purpose); the closing lines. A
mood-band line is said only when none of these applies.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence

from server.customer.spoken import Spoken, stream_text
from server.customer.state import COMMITMENT_MARKERS, CustomerState, Reaction
from server.scenario.schema import MOOD_BANDS, MoodBand, Scenario


class ScriptedVoice:
    """Offline, deterministic customer voice."""

    name = "scripted"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def parts(self, scenario: Scenario, state: CustomerState, reaction: Reaction) -> list[str]:
        """The lines of the reply, in the order said. `state` is the state before the reply
        is recorded (its `said` holds the earlier lines)."""
        picker = _Picker(self.seed, reaction.turn, state.said)
        lines = scenario.lines
        issues = {issue.id: issue for issue in scenario.issues}
        parts: list[str] = []
        reacted_to: str | None = None
        if reaction.react_to is not None:
            reacted = scenario.mood.reactions[reaction.react_to]
            variants = reacted.again_lines if reaction.react_again and reacted.again_lines else []
            said = picker.maybe("react", variants or reacted.lines)
            parts += said
            reacted_to = reaction.react_to if said else None
        if reaction.ending == "hung_up":
            return parts + picker.one("hang_up", lines.hang_up)
        if reaction.ask_term is not None:
            variants = [line.replace("{term}", reaction.ask_term) for line in lines.ask_term]
            parts += picker.one("term", variants)
        if reaction.correct is not None:
            mistakes = issues[reaction.correct].wrong
            if reaction.mistake < len(mistakes):
                parts += picker.one("correct", mistakes[reaction.mistake].lines)
        facts = {fact.id: fact for fact in scenario.customer.withheld}
        for fact_id in (*reaction.revealed, *reaction.restated):
            parts += picker.one(f"fact:{fact_id}", facts[fact_id].lines)
        if reaction.answer is not None and not reaction.revealed:
            issue = issues[reaction.answer]
            parts += picker.one(f"details:{issue.id}", issue.details or issue.opening)
        parts += self._promise(picker, scenario, reaction, reacted_to)
        if reaction.resolved and reaction.closing is None:
            parts += picker.maybe("resolved", lines.issue_resolved)
        for issue_id in reaction.raised:
            issue = issues[issue_id]
            if issue_id == reaction.answer and not reaction.revealed:
                continue  # the agent asked about it: its details above explain it
            if issue_id in reaction.raised_answered and issue.asks_again:
                parts.append(issue.asks_again[0])
            else:
                parts += picker.one(f"opening:{issue_id}", issue.opening)
        if reaction.repeat is not None:
            issue = issues[reaction.repeat]
            again = reaction.repeat_kind == "again" and issue.asks_again
            repeats = issue.asks_again if again else issue.repeats
            parts.append(repeats[min(reaction.repeat_index, len(repeats) - 1)])
        parts += self._closing(picker, scenario, state, reaction, bool(parts))
        if not parts:
            parts += self._band_line(picker, scenario, state, reaction.band)
        return parts

    def say(self, scenario: Scenario, state: CustomerState, reaction: Reaction) -> str:
        return " ".join(self.parts(scenario, state, reaction))

    async def stream(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
        spoken: Spoken,
    ) -> AsyncIterator[str]:
        """The reply in a few chunks, like a streamed one (`history` is not needed here)."""
        async for chunk in stream_text(self.parts(scenario, state, reaction), spoken):
            yield chunk

    def _promise(
        self, picker: _Picker, scenario: Scenario, reaction: Reaction, reacted_to: str | None
    ) -> list[str]:
        """'When?' for a promise without a time; a nod to one with a time, unless a reaction
        line to the commitment (`reacted_to`: the marker whose line was said) or the issue's
        resolution already said it."""
        promise = reaction.promise
        if promise is None or reaction.act == "answered":
            return []
        if promise.when is None:
            if reacted_to in {"diffuse_commitment", "vague_follow_up"}:
                return []  # their reaction lines already ask who and when
            return (
                picker.one("ask_when", scenario.lines.ask_when) if scenario.lines.ask_when else []
            )
        if reacted_to in COMMITMENT_MARKERS or reaction.resolved:
            return []
        return picker.maybe("promise_noted", scenario.lines.promise_noted)

    def _closing(
        self,
        picker: _Picker,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        said_something: bool,
    ) -> list[str]:
        lines = scenario.lines
        if reaction.closing == "goodbye":
            return picker.one("satisfied", lines.satisfied)
        if reaction.closing == "wrap_up":
            return picker.one("wrap_up", lines.wrap_up or lines.issue_resolved)
        if reaction.closing == "anything_else":
            variants = lines.anything_else or lines.wrap_up or lines.neutral
            return picker.one("anything_else", variants)
        if reaction.closing == "waiting" and not said_something:
            return self._band_line(picker, scenario, state, reaction.band, closing=True)
        return []

    def _band_line(
        self,
        picker: _Picker,
        scenario: Scenario,
        state: CustomerState,
        band: MoodBand,
        *,
        closing: bool = False,
    ) -> list[str]:
        """A line for the mood band; when its variants are used up, a neighbouring band's,
        then the open question again (or, once everything is resolved, the wrap-up), so nothing
        is said twice by accident."""
        position = MOOD_BANDS.index(band)
        nearest = sorted(MOOD_BANDS, key=lambda other: abs(MOOD_BANDS.index(other) - position))
        for other in nearest:
            found = picker.maybe(f"band:{other}", scenario.lines.for_band(other))
            if found:
                return found
        if not closing:
            for issue, issue_state in zip(scenario.issues, state.issues, strict=True):
                if issue_state.status == "open":
                    return [issue.repeats[-1]]
        if closing and scenario.lines.wrap_up:
            return picker.one("wrap_up", scenario.lines.wrap_up)
        return picker.one(f"band:{band}", scenario.lines.for_band(band))


class _Picker:
    def __init__(self, seed: int, turn: int, said: Sequence[str]) -> None:
        self.seed = seed
        self.turn = turn
        self.said = set(said)

    def _rng(self, slot: str) -> random.Random:
        return random.Random(f"{self.seed}:{self.turn}:{slot}")

    def maybe(self, slot: str, variants: Sequence[str]) -> list[str]:
        """One variant not said yet, or nothing when all were said."""
        fresh = [line for line in variants if line not in self.said]
        if not fresh:
            return []
        line = self._rng(slot).choice(fresh)
        self.said.add(line)
        return [line]

    def one(self, slot: str, variants: Sequence[str]) -> list[str]:
        """One variant, preferring those not said yet."""
        found = self.maybe(slot, variants)
        return found or [self._rng(slot).choice(list(variants))]
