"""The virtual customer's one state machine.

`advance(state, scenario, markers, agent_text)` takes the markers the scorer found in the
agent's turn and returns the customer's next state plus a `Reaction`: what the customer does
this turn (react to a marker, ask what a term means, give up a withheld fact, ask an unanswered
question again, accept a resolution, raise the next issue, hang up, or close). The voices
(`scripted`, `llm`) only put a `Reaction` into words; none of them keeps a copy of this logic.

Rules, in the order they apply to one agent turn:

1. Mood moves by the scenario's reaction to each distinct marker, clamped to 0–10.
2. `jargon` without `jargon_explained`: the customer asks what the term means (once per term).
3. A withheld fact comes out when one of its markers is detected, or when the agent asks a
   question (a question marker or a "?") that mentions one of its topics.
4. An open issue is resolved when its rule matches and the customer has asked about it at least
   `asks_at_least` times; each resolution moves mood by `resolved_delta`.
5. The next issue is raised once the previous one is resolved, or `after_turns` agent turns
   after it was raised when the scenario says so.
6. Otherwise, if the agent did not address the oldest open issue (neither resolved it nor
   mentioned one of its topics), or answered it before the customer is ready to accept, and
   nothing else (a fact, a term) filled the turn, the customer asks again: next repeat line,
   mood moves by `repeat_delta`.
7. Mood at or below `hang_up_at`: the customer hangs up. Every issue resolved and mood at or
   above `satisfied_at`: the customer closes, content.

The reaction line that opens the reply follows the turn as a whole (`lead_marker`): the sign of
the summed marker deltas, the mood band on a tie, and never thanks in a turn that told the
customer to calm down or got defensive.

States are plain data: `to_dict()` / `from_dict()` round-trip through JSON, so another process
can continue a conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, Protocol

from server.scenario.schema import AfterTurns, MoodBand, Scenario

IssueStatus = Literal["pending", "open", "resolved"]
Outcome = Literal["resolved", "hung_up", "ended"]
Ending = Literal["resolved", "hung_up"]

QUESTION_MARKERS = frozenset({"open_question", "closed_question", "clarifying_question"})
HARD_NEGATIVES = frozenset({"told_to_calm_down", "defensive"})
"""Markers a customer always answers first: a turn holding one never opens with thanks."""
COOL_BANDS: frozenset[MoodBand] = frozenset({"furious", "upset"})


class MarkerLike(Protocol):
    """What the state machine needs of a `scorer.markers.MarkerHit`."""

    @property
    def marker(self) -> str: ...

    @property
    def quote(self) -> str: ...


@dataclass(frozen=True)
class IssueState:
    id: str
    status: IssueStatus = "pending"
    times_asked: int = 0
    raised_turn: int | None = None
    resolved_turn: int | None = None


@dataclass(frozen=True)
class Reaction:
    """What the customer does in one turn; the voices put it into words."""

    turn: int
    mood_before: float
    mood: float
    band: MoodBand
    markers: tuple[str, ...] = ()
    react_to: str | None = None
    """The marker whose reaction line leads the reply (see `lead_marker`)."""
    ask_term: str | None = None
    revealed: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    raised: tuple[str, ...] = ()
    repeat: str | None = None
    repeat_index: int = 0
    ending: Ending | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reaction:
        return cls(
            turn=int(data["turn"]),
            mood_before=float(data["mood_before"]),
            mood=float(data["mood"]),
            band=data["band"],
            markers=tuple(data.get("markers", ())),
            react_to=data.get("react_to"),
            ask_term=data.get("ask_term"),
            revealed=tuple(data.get("revealed", ())),
            resolved=tuple(data.get("resolved", ())),
            raised=tuple(data.get("raised", ())),
            repeat=data.get("repeat"),
            repeat_index=int(data.get("repeat_index", 0)),
            ending=data.get("ending"),
        )


@dataclass(frozen=True)
class CustomerState:
    mood: float
    issues: tuple[IssueState, ...]
    turn: int = 0
    revealed: tuple[str, ...] = ()
    terms_asked: tuple[str, ...] = ()
    repeats: int = 0
    said: tuple[str, ...] = ()
    """Every line the customer has said, so a voice can avoid saying one twice."""
    ended: bool = False
    outcome: Outcome | None = None
    pending: Reaction | None = None
    """The reaction of the latest turn, which the voice renders."""

    # --- reading -------------------------------------------------------------------------------

    def issue(self, issue_id: str) -> IssueState:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(f"no issue {issue_id!r} in this conversation")

    @property
    def open_issues(self) -> list[str]:
        return [issue.id for issue in self.issues if issue.status == "open"]

    @property
    def all_resolved(self) -> bool:
        return all(issue.status == "resolved" for issue in self.issues)

    def band(self, scenario: Scenario) -> MoodBand:
        return scenario.mood.bands.band(self.mood)

    # --- serialisation -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pending"] = self.pending.to_dict() if self.pending else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CustomerState:
        pending = data.get("pending")
        return cls(
            mood=float(data["mood"]),
            issues=tuple(IssueState(**issue) for issue in data["issues"]),
            turn=int(data["turn"]),
            revealed=tuple(data.get("revealed", ())),
            terms_asked=tuple(data.get("terms_asked", ())),
            repeats=int(data.get("repeats", 0)),
            said=tuple(data.get("said", ())),
            ended=bool(data.get("ended", False)),
            outcome=data.get("outcome"),
            pending=Reaction.from_dict(pending) if pending else None,
        )

    def with_said(self, line: str) -> CustomerState:
        return replace(self, said=(*self.said, line))


def initial_state(scenario: Scenario) -> CustomerState:
    """The customer before the opening line: the first issue is open and asked once."""
    first, *rest = scenario.issues
    issues = (
        IssueState(first.id, "open", times_asked=1, raised_turn=0),
        *(IssueState(issue.id) for issue in rest),
    )
    state = CustomerState(mood=scenario.mood.start, issues=issues)
    opening = Reaction(
        turn=0,
        mood_before=state.mood,
        mood=state.mood,
        band=state.band(scenario),
        raised=(first.id,),
    )
    return replace(state, pending=opening)


# --- matching ---------------------------------------------------------------------------------


def mentions(text: str, phrases: Iterable[str]) -> bool:
    """True when `text` contains one of `phrases` as whole words, case-insensitively."""
    return any(
        re.search(rf"(?<!\w){re.escape(phrase.strip())}(?!\w)", text, re.I)
        for phrase in phrases
        if phrase.strip()
    )


def _names(markers: Sequence[str | MarkerLike]) -> tuple[str, ...]:
    names: list[str] = []
    for item in markers:
        name = item if isinstance(item, str) else item.marker
        if name not in names:
            names.append(name)
    return tuple(names)


def unexplained_term(
    scenario: Scenario, markers: Sequence[str | MarkerLike], agent_text: str, asked: Sequence[str]
) -> str | None:
    """The internal term the customer should ask about, or None.

    Glossary terms in the agent's text come first; otherwise the quote of the `jargon` hit
    when it is a short term (the scorer quotes the term or the clause that holds it)."""
    names = _names(markers)
    if "jargon" not in names or "jargon_explained" in names:
        return None
    for term in scenario.glossary:
        if term not in asked and mentions(agent_text, [term]):
            return term
    for item in markers:
        if isinstance(item, str) or item.marker != "jargon":
            continue
        quote = item.quote.strip(" .,;:!?\"'")
        acronym = re.search(r"\b[A-Z]{2,}[0-9]*\b", quote)
        found = quote if len(quote.split()) <= 3 else (acronym.group(0) if acronym else None)
        if found and found not in asked:
            return found
    return None


def lead_marker(scenario: Scenario, names: Sequence[str], band: MoodBand) -> str | None:
    """The marker whose reaction line opens the reply, or None.

    The lead follows the turn as a whole, not its loudest part: `told_to_calm_down` or
    `defensive` in the turn leads (the customer never thanks someone who just did that);
    otherwise the sign of the summed deltas picks negative or positive reactions, and a turn
    that nets zero reads as negative while the customer is furious or upset, positive once
    neutral or warm. Among the reactions of that sign with lines, the largest change leads; when
    none has lines, nothing leads (a net-negative turn does not open with a grateful line)."""
    reactions = scenario.mood.reactions
    deltas = {name: reactions[name].delta for name in names if name in reactions}
    net = sum(deltas.values())
    negative = bool(HARD_NEGATIVES & set(deltas)) or net < 0 or (net == 0 and band in COOL_BANDS)
    candidates = [
        name
        for name, delta in deltas.items()
        if reactions[name].lines and (delta < 0 if negative else delta > 0)
    ]
    hard = [name for name in candidates if name in HARD_NEGATIVES]
    return max(hard or candidates, key=lambda name: abs(deltas[name]), default=None)


# --- the transition ---------------------------------------------------------------------------


def advance(
    state: CustomerState,
    scenario: Scenario,
    markers: Sequence[str | MarkerLike],
    agent_text: str,
) -> tuple[CustomerState, Reaction]:
    """The customer's next state and reaction after one agent turn (see the module docstring)."""
    if state.ended:
        raise ValueError(
            f"the conversation already ended ({state.outcome}); start a new one to go on"
        )
    turn = state.turn + 1
    names = _names(markers)
    reactions = scenario.mood.reactions
    mood = state.mood + sum(reactions[name].delta for name in names if name in reactions)

    term = unexplained_term(scenario, markers, agent_text, state.terms_asked)
    terms_asked = (*state.terms_asked, term) if term else state.terms_asked

    asked_question = "?" in agent_text or bool(QUESTION_MARKERS & set(names))
    revealed = tuple(
        fact.id
        for fact in scenario.customer.withheld
        if fact.id not in state.revealed
        and (
            bool(set(fact.revealed_by.markers) & set(names))
            or (asked_question and mentions(agent_text, fact.revealed_by.topics))
        )
    )

    issues = list(state.issues)
    resolved: list[str] = []
    addressed: set[str] = set()
    for i, issue_state in enumerate(issues):
        if issue_state.status != "open":
            continue
        issue = scenario.issues[i]
        rule = issue.resolved_by
        rule_met = (not rule.markers or bool(set(rule.markers) & set(names))) and (
            not rule.phrases or mentions(agent_text, rule.phrases)
        )
        if rule_met or mentions(agent_text, issue.topics):
            addressed.add(issue.id)
        if rule_met and issue_state.times_asked >= issue.asks_at_least:
            issues[i] = replace(issue_state, status="resolved", resolved_turn=turn)
            resolved.append(issue.id)
            mood += scenario.mood.resolved_delta

    raised: list[str] = []
    for i, issue_state in enumerate(issues[:-1]):
        following = issues[i + 1]
        if following.status != "pending" or issue_state.raised_turn is None:
            continue
        when = scenario.issues[i].reveal_next_when
        due = issue_state.status == "resolved" or (
            isinstance(when, AfterTurns) and turn - issue_state.raised_turn >= when.after_turns
        )
        if due:
            issues[i + 1] = replace(following, status="open", times_asked=1, raised_turn=turn)
            raised.append(following.id)
            break  # one new issue per turn

    repeat: str | None = None
    repeat_index = 0
    oldest_open = next((s for s in issues if s.status == "open" and s.id not in raised), None)
    if oldest_open is not None and not raised and not revealed and term is None:
        issue = scenario.issues[[s.id for s in issues].index(oldest_open.id)]
        not_ready = oldest_open.times_asked < issue.asks_at_least
        if oldest_open.id not in addressed or not_ready:
            repeat = oldest_open.id
            repeat_index = oldest_open.times_asked - 1
            index = [s.id for s in issues].index(oldest_open.id)
            issues[index] = replace(oldest_open, times_asked=oldest_open.times_asked + 1)
            mood += scenario.mood.repeat_delta

    mood = round(min(10.0, max(0.0, mood)), 3)
    band = scenario.mood.bands.band(mood)
    react_to = lead_marker(scenario, names, band)
    ending: Ending | None = None
    if mood <= scenario.mood.hang_up_at:
        ending = "hung_up"
    elif all(s.status == "resolved" for s in issues) and mood >= scenario.mood.satisfied_at:
        ending = "resolved"

    reaction = Reaction(
        turn=turn,
        mood_before=state.mood,
        mood=mood,
        band=band,
        markers=names,
        react_to=react_to,
        ask_term=None if ending == "hung_up" else term,
        revealed=() if ending == "hung_up" else revealed,
        resolved=tuple(resolved),
        raised=() if ending else tuple(raised),
        repeat=None if ending else repeat,
        repeat_index=repeat_index,
        ending=ending,
    )
    new_state = replace(
        state,
        mood=mood,
        issues=tuple(issues),
        turn=turn,
        revealed=(*state.revealed, *revealed),
        terms_asked=terms_asked,
        repeats=state.repeats + (1 if repeat else 0),
        ended=ending is not None,
        outcome=ending,
        pending=reaction,
    )
    return new_state, reaction


def end(state: CustomerState) -> CustomerState:
    """Close a conversation the agent left (no more agent turns): outcome `ended`."""
    if state.ended:
        return state
    return replace(state, ended=True, outcome="ended")


__all__ = [
    "CustomerState",
    "IssueState",
    "MarkerLike",
    "Outcome",
    "Reaction",
    "advance",
    "end",
    "initial_state",
    "lead_marker",
    "mentions",
    "unexplained_term",
]
