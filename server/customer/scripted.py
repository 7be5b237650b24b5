"""The scripted voice: puts a `Reaction` into words from the scenario's lines.

Each choice between variants uses a random generator seeded by (seed, turn, slot), so the same
seed replays the same conversation, different seeds differ, and a conversation restored in
another process continues exactly as it would have. A line the customer already said is not
said again, except the issue repeats, which a persona repeats on purpose. An issue's opening is
one of its variants picked the same way, so two seeds seldom start a conversation alike.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence

from server.customer.spoken import Spoken, stream_text
from server.customer.state import CustomerState, Reaction
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
        parts: list[str] = []
        if reaction.react_to is not None:
            parts += picker.maybe("react", scenario.mood.reactions[reaction.react_to].lines)
        if reaction.ending == "hung_up":
            return parts + picker.one("hang_up", lines.hang_up)
        if reaction.ask_term is not None:
            variants = [line.replace("{term}", reaction.ask_term) for line in lines.ask_term]
            parts += picker.one("term", variants)
        facts = {fact.id: fact for fact in scenario.customer.withheld}
        for fact_id in reaction.revealed:
            parts += picker.one(f"fact:{fact_id}", facts[fact_id].lines)
        if reaction.resolved and reaction.ending is None:
            parts += picker.maybe("resolved", lines.issue_resolved)
        issues = {issue.id: issue for issue in scenario.issues}
        for issue_id in reaction.raised:
            parts += picker.one(f"opening:{issue_id}", issues[issue_id].opening)
        if reaction.repeat is not None:
            repeats = issues[reaction.repeat].repeats
            parts.append(repeats[min(reaction.repeat_index, len(repeats) - 1)])
        if reaction.ending == "resolved":
            parts += picker.one("satisfied", lines.satisfied)
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

    def _band_line(
        self, picker: _Picker, scenario: Scenario, state: CustomerState, band: MoodBand
    ) -> list[str]:
        """A line for the mood band; when its variants are used up, a neighbouring band's,
        then the open question again, so nothing is said twice by accident."""
        position = MOOD_BANDS.index(band)
        nearest = sorted(MOOD_BANDS, key=lambda other: abs(MOOD_BANDS.index(other) - position))
        for other in nearest:
            found = picker.maybe(f"band:{other}", scenario.lines.for_band(other))
            if found:
                return found
        for issue, issue_state in zip(scenario.issues, state.issues, strict=True):
            if issue_state.status == "open":
                return [issue.repeats[-1]]
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
