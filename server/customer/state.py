"""The virtual customer's one state machine.

`advance(state, scenario, markers, agent_text)` takes the markers the scorer found in the
agent's turn and returns the customer's next state plus a `Reaction`: what the customer does
this turn. The voices (`scripted`, `llm`) only put a `Reaction` into words; none of them keeps a
copy of this logic.

The state is what the customer can see of the call: per issue, what the agent asked about it,
when the agent answered it, what was promised (what and when) and what the agent got wrong;
which withheld facts came out and which were asked for again; every line the customer said;
how often each marker was heard. A reply is chosen from this state, so the customer answers
what was said: a question about an issue gets its details, a promise is acknowledged (or asked
"when?"), an answered question is not asked again unless the persona repeats on purpose, and
then the repeat is marked as such (`repeat_kind == "again"`).

Rules, in the order they apply to one agent turn:

1. Mood moves by the scenario's reaction to each distinct marker, clamped to 0-10.
2. `jargon` without `jargon_explained`: the customer asks what the term means (once per term).
3. A withheld fact comes out when one of its markers is detected, or when the agent asks a
   question (a question marker or a "?") that mentions one of its topics; a fact already given
   and asked for again is given again.
4. The turn's issue (`focus`) is the first open issue the turn answers or mentions, else the
   first not-yet-raised one it answers or mentions (the agent brought it up: it opens now), else
   the oldest open issue. What the agent did to it (`act`):
   `wrong` (one of its mistakes), `resolved` / `answered` (its rule matched, in a statement;
   resolved once the customer asked `asks_at_least` times), `asked` (a question about it, or any
   real question while it is open when the persona has `details` for it), `promised` (a
   commitment marker, or an "I'll ..." the scorer does not mark because it names no time),
   `working` (it is mentioned) or `dodged` (none of these).
5. Every open issue whose rule matches and that was asked often enough is resolved (mood moves by
   `resolved_delta`). A rule matched before an issue is raised is remembered.
6. The next issue is raised once the previous one is resolved, or `after_turns` agent turns
   after it was raised when the scenario says so. An issue the agent already answered is raised
   as a marked repeat (`asks_again`) by a repetitive customer, and taken as settled by others.
7. A dodged issue is asked again (next `repeats` line, mood moves by `repeat_delta`) unless a
   fact or a term question filled the turn; an answered one that the customer is not yet ready to
   accept is asked again with an `asks_again` line (marked, no mood change).
8. Closing: when every issue is resolved the customer says so (`wrap_up`) and waits. The call
   ends `resolved` only when the agent closes it: a goodbye in the agent's turn, or the agent
   ending the call (`end`). Mood at or below `hang_up_at`: the customer hangs up (`hung_up`);
   that is the only way the customer ends a call.

The reaction line that opens the reply follows the turn as a whole (`lead_marker`): the sign of
the summed marker deltas, the mood band on a tie, and never thanks in a turn that told the
customer to calm down or got defensive. `react_again` says the marker was heard in an earlier
turn, so a line that counts ("that's the second time") is true.

States are plain data: `to_dict()` / `from_dict()` round-trip through JSON (older snapshots
without the newer fields load with them empty), so another process can continue a conversation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal, Protocol

from server.scenario.schema import AfterTurns, Issue, MoodBand, Scenario

IssueStatus = Literal["pending", "open", "resolved"]
Outcome = Literal["resolved", "hung_up", "ended"]
Ending = Literal["resolved", "hung_up"]
Act = Literal["wrong", "resolved", "answered", "asked", "promised", "working", "dodged"]
RepeatKind = Literal["unanswered", "again"]
Closing = Literal["wrap_up", "anything_else", "waiting", "goodbye"]

QUESTION_MARKERS = frozenset({"open_question", "closed_question", "clarifying_question"})
COMMITMENT_MARKERS = frozenset({"ownership_commitment", "diffuse_commitment", "vague_follow_up"})
HARD_NEGATIVES = frozenset({"told_to_calm_down", "defensive"})
"""Markers a customer always answers first: a turn holding one never opens with thanks."""
COOL_BANDS: frozenset[MoodBand] = frozenset({"furious", "upset"})

_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
WHEN = re.compile(
    rf"\b(?:today|tonight|tomorrow(?: (?:morning|afternoon|evening))?|right now|now"
    rf"|this (?:morning|afternoon|evening|week)|next week|end of (?:the )?(?:day|week)"
    rf"|(?:by|on|before|until|next|this) {_WEEKDAY}|{_WEEKDAY}"
    rf"|(?:within|in|by) (?:the next )?(?:\d+|one|two|three|four|five|ten|24|48|a few)"
    rf"(?: working| business)? (?:minutes?|hours?|days?|weeks?)"
    rf"|(?:at|by|before) (?:\d{{1,2}}(?::\d\d)?(?: ?[ap]\.?m\.?)?|noon|midday)"
    rf"|\d{{1,2}}(?::\d\d)? ?[ap]\.?m\.?"
    rf"|(?:on )?the \d{{1,2}}(?:st|nd|rd|th))\b",
    re.I,
)
"""A time in a promise: "by Friday", "within 48 hours", "at noon", "tomorrow morning"."""

GOODBYE = re.compile(
    r"\b(?:good ?bye|bye|take care|have a (?:good|great|nice|lovely|wonderful|safe) "
    r"(?:day|evening|afternoon|morning|night|weekend|trip|flight|holiday)"
    r"|thanks? (?:you )?for (?:calling|contacting|chatting|getting in touch))\b",
    re.I,
)
"""An agent closing the call."""
ANYTHING_ELSE = re.compile(
    r"\b(?:anything else|something else|any other (?:questions?|issues?|problems?))\b", re.I
)


class MarkerLike(Protocol):
    """What the state machine needs of a `scorer.markers.MarkerHit`."""

    @property
    def marker(self) -> str: ...

    @property
    def quote(self) -> str: ...


@dataclass(frozen=True)
class Promise:
    """Something the agent promised about an issue: what (the agent's words) and when (the time
    it named, or None when it named none)."""

    what: str
    when: str | None
    turn: int
    owned: bool = True
    """False for a commitment nobody owns ("we'll look into it", "someone will call")."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Promise:
        return cls(
            what=str(data["what"]),
            when=data.get("when"),
            turn=int(data["turn"]),
            owned=bool(data.get("owned", True)),
        )


@dataclass(frozen=True)
class IssueState:
    id: str
    status: IssueStatus = "pending"
    times_asked: int = 0
    raised_turn: int | None = None
    resolved_turn: int | None = None
    asked: tuple[str, ...] = ()
    """The agent's questions about this issue, as said."""
    answered: tuple[int, ...] = ()
    """Turns in which the agent's words met the issue's `resolved_by` rule (before it was raised
    too)."""
    promises: tuple[Promise, ...] = ()
    wrong: tuple[str, ...] = ()
    """What the agent got wrong about it (the mistake phrases found)."""
    marked_repeats: int = 0
    """How often the customer asked again after a right answer (`asks_again` lines)."""
    last_act: Act | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IssueState:
        return cls(
            id=str(data["id"]),
            status=data.get("status", "pending"),
            times_asked=int(data.get("times_asked", 0)),
            raised_turn=data.get("raised_turn"),
            resolved_turn=data.get("resolved_turn"),
            asked=tuple(data.get("asked", ())),
            answered=tuple(int(turn) for turn in data.get("answered", ())),
            promises=tuple(Promise.from_dict(p) for p in data.get("promises", ())),
            wrong=tuple(data.get("wrong", ())),
            marked_repeats=int(data.get("marked_repeats", 0)),
            last_act=data.get("last_act"),
        )


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
    react_again: bool = False
    """`react_to` was heard in an earlier turn too (its `again_lines` fit)."""
    ask_term: str | None = None
    revealed: tuple[str, ...] = ()
    restated: tuple[str, ...] = ()
    """Withheld facts given earlier that the agent asked for again: the customer repeats them."""
    focus: str | None = None
    """The issue the agent's turn dealt with (see the module docstring, rule 4)."""
    act: Act | None = None
    correct: str | None = None
    """An issue the agent got wrong: the customer corrects it (its `wrong[mistake]` lines)."""
    mistake: int = 0
    answer: str | None = None
    """An issue the agent asked about: the customer gives its details."""
    promise: Promise | None = None
    """A promise made this turn: the customer acknowledges it, or asks when (`when` is None)."""
    resolved: tuple[str, ...] = ()
    raised: tuple[str, ...] = ()
    raised_answered: tuple[str, ...] = ()
    """Issues raised this turn that the agent had already answered: said as marked repeats."""
    repeat: str | None = None
    repeat_index: int = 0
    repeat_kind: RepeatKind | None = None
    """`unanswered`: the agent did not answer; `again`: it did, and the persona asks again on
    purpose (a repetitive customer), with a line that says so."""
    closing: Closing | None = None
    """Every issue is resolved: the customer says so (`wrap_up`), answers "anything else?",
    waits for the agent to close (`waiting`), or says goodbye to the agent's goodbye."""
    content: bool = True
    """At `closing`, whether mood reached `satisfied_at` (a content or a grudging close)."""
    ending: Ending | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reaction:
        promise = data.get("promise")
        return cls(
            turn=int(data["turn"]),
            mood_before=float(data["mood_before"]),
            mood=float(data["mood"]),
            band=data["band"],
            markers=tuple(data.get("markers", ())),
            react_to=data.get("react_to"),
            react_again=bool(data.get("react_again", False)),
            ask_term=data.get("ask_term"),
            revealed=tuple(data.get("revealed", ())),
            restated=tuple(data.get("restated", ())),
            focus=data.get("focus"),
            act=data.get("act"),
            correct=data.get("correct"),
            mistake=int(data.get("mistake", 0)),
            answer=data.get("answer"),
            promise=Promise.from_dict(promise) if promise else None,
            resolved=tuple(data.get("resolved", ())),
            raised=tuple(data.get("raised", ())),
            raised_answered=tuple(data.get("raised_answered", ())),
            repeat=data.get("repeat"),
            repeat_index=int(data.get("repeat_index", 0)),
            repeat_kind=data.get("repeat_kind"),
            closing=data.get("closing"),
            content=bool(data.get("content", True)),
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
    heard: tuple[str, ...] = ()
    """The markers of every agent turn so far (each once per turn), to count them."""
    closing: bool = False
    """Every issue is resolved and the customer said so: waiting for the agent to close."""
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

    def times_heard(self, marker: str) -> int:
        return self.heard.count(marker)

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
            issues=tuple(IssueState.from_dict(issue) for issue in data["issues"]),
            turn=int(data["turn"]),
            revealed=tuple(data.get("revealed", ())),
            terms_asked=tuple(data.get("terms_asked", ())),
            repeats=int(data.get("repeats", 0)),
            said=tuple(data.get("said", ())),
            heard=tuple(data.get("heard", ())),
            closing=bool(data.get("closing", False)),
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
    return first_mention(text, phrases) is not None


def first_mention(text: str, phrases: Iterable[str]) -> str | None:
    """The first of `phrases` found in `text` as whole words, case-insensitively, or None."""
    for phrase in phrases:
        if phrase.strip() and re.search(rf"(?<!\w){re.escape(phrase.strip())}(?!\w)", text, re.I):
            return phrase.strip()
    return None


def promised_time(text: str) -> str | None:
    """The time a promise names ("by Friday", "within 48 hours"), or None."""
    found = WHEN.search(text)
    return found.group(0) if found else None


PLEDGE = re.compile(
    r"\b(?:(I)(?:'ll| will| shall)|(?:we|someone|somebody)(?:'ll| will))\s+\w", re.I
)
"""A promise the scorer may not mark (it wants a time for `ownership_commitment`): "I'll send
an engineer" is still something the customer heard promised, and asks when."""


def _pledge(text: str) -> tuple[str, bool] | None:
    """The sentence of the first promise in the agent's statements, and whether the agent owned
    it ("I will ..."), or None."""
    for sentence in re.split(r"(?<=[.!?])\s+", statements(text)):
        found = PLEDGE.search(sentence)
        if found is not None:
            return sentence.strip(), found.group(1) is not None
    return None


def is_goodbye(text: str) -> bool:
    """True when the agent's turn closes the call ("Have a good day", "Goodbye")."""
    return GOODBYE.search(text) is not None


def _names(markers: Sequence[str | MarkerLike]) -> tuple[str, ...]:
    names: list[str] = []
    for item in markers:
        name = item if isinstance(item, str) else item.marker
        if name not in names:
            names.append(name)
    return tuple(names)


def _quote(markers: Sequence[str | MarkerLike], names: Iterable[str], text: str) -> str:
    """The quote of the first hit of one of `names`, or the whole text."""
    wanted = set(names)
    for item in markers:
        if not isinstance(item, str) and item.marker in wanted and item.quote.strip():
            return item.quote.strip()
    return text.strip()


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


def statements(text: str) -> str:
    """`text` without its questions: "What's the new address?" answers nothing."""
    return " ".join(
        sentence
        for sentence in re.split(r"(?<=[.!?])\s+", text)
        if not sentence.rstrip().endswith("?")
    )


def rule_met(issue: Issue, names: Sequence[str], agent_text: str) -> bool:
    """True when the agent's turn meets the issue's `resolved_by` rule; its phrases count only
    in statements, not in questions."""
    rule = issue.resolved_by
    return (not rule.markers or bool(set(rule.markers) & set(names))) and (
        not rule.phrases or mentions(statements(agent_text), rule.phrases)
    )


def _mistake(issue: Issue, agent_text: str) -> tuple[int, str] | None:
    """The first of the issue's mistakes found in the agent's turn: (its index, the phrase)."""
    for index, mistake in enumerate(issue.wrong):
        found = first_mention(agent_text, mistake.phrases)
        if found is not None:
            return index, found
    return None


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
    asked_question = "?" in agent_text or bool(QUESTION_MARKERS & set(names))

    # 2. a term the customer does not know
    term = unexplained_term(scenario, markers, agent_text, state.terms_asked)
    terms_asked = (*state.terms_asked, term) if term else state.terms_asked

    # 4. the issue this turn dealt with, and what the agent did to it
    issues = list(state.issues)
    specs = scenario.issues
    met = [rule_met(spec, names, agent_text) for spec in specs]
    touched = [met[i] or mentions(agent_text, spec.topics) for i, spec in enumerate(specs)]
    for i, issue_state in enumerate(issues):
        if met[i] and issue_state.status != "resolved":
            issues[i] = replace(issue_state, answered=(*issue_state.answered, turn))
    focus_index = next(
        (i for i, s in enumerate(issues) if s.status == "open" and touched[i]),
        next(
            (i for i, s in enumerate(issues) if s.status == "pending" and touched[i]),
            next((i for i, s in enumerate(issues) if s.status == "open"), None),
        ),
    )
    raised: list[str] = []
    raised_answered: list[str] = []
    act: Act | None = None
    correct = answer = None
    mistake_index = 0
    promise: Promise | None = None
    if focus_index is not None:
        spec = specs[focus_index]
        focus_state = issues[focus_index]
        if focus_state.status == "pending":
            # the agent brought up an issue the customer had not raised yet: it is open now,
            # and the customer explains it (its opening) unless the agent settled it already
            focus_state = replace(focus_state, status="open", times_asked=1, raised_turn=turn)
            if not met[focus_index]:
                raised.append(spec.id)
            elif spec.asks_at_least > 1:
                raised.append(spec.id)
                raised_answered.append(spec.id)
                focus_state = replace(focus_state, marked_repeats=1)
        mistake = _mistake(spec, agent_text)
        commitment = COMMITMENT_MARKERS & set(names)
        pledge = _pledge(agent_text) if not commitment else None
        if pledge is not None:
            commitment = frozenset({"ownership_commitment" if pledge[1] else "diffuse_commitment"})
        if mistake is not None:
            act = "wrong"
            correct = spec.id
            mistake_index = mistake[0]
            focus_state = replace(focus_state, wrong=(*focus_state.wrong, mistake[1]))
        elif met[focus_index]:
            ready = focus_state.times_asked >= spec.asks_at_least
            act = "resolved" if ready else "answered"
        elif asked_question and (
            touched[focus_index] or (bool(QUESTION_MARKERS & set(names)) and bool(spec.details))
        ):
            # a question about the issue, or any real question while it is open (the account
            # number, when it started): the customer answers with the issue's details
            act = "asked"
            answer = spec.id
            focus_state = replace(focus_state, asked=(*focus_state.asked, agent_text.strip()))
        elif commitment and (touched[focus_index] or len(state.open_issues) == 1):
            act = "promised"
        elif touched[focus_index]:
            act = "working"
        else:
            act = "dodged"
        if commitment and act in {"resolved", "answered", "promised"}:
            owned = "ownership_commitment" in commitment
            what = pledge[0] if pledge is not None else _quote(markers, commitment, agent_text)
            promise = Promise(what, promised_time(what) or promised_time(agent_text), turn, owned)
            focus_state = replace(focus_state, promises=(*focus_state.promises, promise))
        issues[focus_index] = replace(focus_state, last_act=act)
        if raised and act != "asked":
            answer = None  # raised by the agent's own words: its opening explains it

    # 3. withheld facts
    # a question about an issue gets that issue's answer, not a fact its question marker
    # would otherwise bring out (the fact still comes out for its own topics)
    question_markers = QUESTION_MARKERS if answer is not None else frozenset()
    revealed: list[str] = []
    restated: list[str] = []
    for fact in scenario.customer.withheld:
        by_topic = asked_question and mentions(agent_text, fact.revealed_by.topics)
        if fact.id in state.revealed:
            if by_topic:
                restated.append(fact.id)
        elif by_topic or bool(set(fact.revealed_by.markers) & set(names) - question_markers):
            revealed.append(fact.id)

    # 5. resolutions
    resolved: list[str] = []
    for i, issue_state in enumerate(issues):
        if issue_state.status != "open" or not met[i] or (i == focus_index and act == "wrong"):
            continue
        if issue_state.times_asked >= specs[i].asks_at_least:
            issues[i] = replace(issue_state, status="resolved", resolved_turn=turn)
            resolved.append(issue_state.id)
            mood += scenario.mood.resolved_delta

    # 6. the next issue
    if not raised:
        for i, issue_state in enumerate(issues[:-1]):
            following = issues[i + 1]
            if following.status != "pending" or issue_state.raised_turn is None:
                continue
            when = specs[i].reveal_next_when
            due = issue_state.status == "resolved" or (
                isinstance(when, AfterTurns) and turn - issue_state.raised_turn >= when.after_turns
            )
            if not due:
                continue
            spec = specs[i + 1]
            opened = replace(following, status="open", times_asked=1, raised_turn=turn)
            if following.answered and spec.asks_at_least <= 1:
                # the agent answered it before the customer got to it: nothing left to ask
                issues[i + 1] = replace(opened, status="resolved", resolved_turn=turn)
                continue
            if following.answered:  # said as a marked repeat: the next one is the second
                opened = replace(opened, marked_repeats=1)
                raised_answered.append(following.id)
            issues[i + 1] = opened
            raised.append(following.id)
            break  # one new issue per turn

    # 7. asking again
    repeat: str | None = None
    repeat_kind: RepeatKind | None = None
    repeat_index = 0
    if focus_index is not None and specs[focus_index].id not in raised:
        issue_state = issues[focus_index]
        spec = specs[focus_index]
        quiet = bool(raised or revealed or restated or term or correct or answer)
        earlier = issue_state.promises[:-1] if act == "promised" else ()
        promised_before = bool(earlier) and (
            promise is None or promise.when in {None, *(p.when for p in earlier)}
        )  # a promise again that adds no time is no progress
        if issue_state.status == "open" and act == "answered":
            repeat, repeat_kind = spec.id, "again"
            repeat_index = issue_state.marked_repeats
        elif issue_state.status == "open" and (act == "dodged" or promised_before) and not quiet:
            # not answered now (a stall, or a promise again with nothing done): asked again;
            # when the agent did answer it earlier, the repeat is said as one (marked)
            answered_before = bool(issue_state.answered) and bool(spec.asks_again)
            repeat, repeat_kind = spec.id, "again" if answered_before else "unanswered"
            repeat_index = (
                issue_state.marked_repeats
                if answered_before
                else issue_state.times_asked - 1 - issue_state.marked_repeats
            )
            mood += scenario.mood.repeat_delta
        if repeat is not None:
            issues[focus_index] = replace(
                issue_state,
                times_asked=issue_state.times_asked + 1,
                marked_repeats=issue_state.marked_repeats + (repeat_kind == "again"),
            )

    # 8. closing and endings
    mood = round(min(10.0, max(0.0, mood)), 3)
    band = scenario.mood.bands.band(mood)
    react_to = lead_marker(scenario, names, band)
    all_resolved = all(s.status == "resolved" for s in issues)
    ending: Ending | None = None
    closing: Closing | None = None
    if mood <= scenario.mood.hang_up_at:
        ending = "hung_up"
    elif all_resolved:
        if is_goodbye(agent_text):
            closing, ending = "goodbye", "resolved"
        elif not state.closing:
            closing = "wrap_up"
        elif ANYTHING_ELSE.search(agent_text):
            closing = "anything_else"
        else:
            closing = "waiting"
    hung_up = ending == "hung_up"

    reaction = Reaction(
        turn=turn,
        mood_before=state.mood,
        mood=mood,
        band=band,
        markers=names,
        react_to=react_to,
        react_again=react_to is not None and state.times_heard(react_to) > 0,
        ask_term=None if hung_up else term,
        revealed=() if hung_up else tuple(revealed),
        restated=() if hung_up else tuple(restated),
        focus=specs[focus_index].id if focus_index is not None else None,
        act=act,
        correct=None if hung_up else correct,
        mistake=mistake_index,
        answer=None if hung_up else answer,
        promise=None if hung_up else promise,
        resolved=tuple(resolved),
        raised=() if ending else tuple(raised),
        raised_answered=() if ending else tuple(raised_answered),
        repeat=None if ending else repeat,
        repeat_index=repeat_index,
        repeat_kind=None if ending or repeat is None else repeat_kind,
        closing=closing,
        content=mood >= scenario.mood.satisfied_at,
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
        heard=(*state.heard, *names),
        closing=state.closing or closing is not None,
        ended=ending is not None,
        outcome=ending,
        pending=reaction,
    )
    return new_state, reaction


def end(state: CustomerState) -> CustomerState:
    """The agent ended the call (no more agent turns): outcome `resolved` when every issue was
    resolved (the agent closed a finished call), `ended` otherwise."""
    if state.ended:
        return state
    return replace(state, ended=True, outcome="resolved" if state.all_resolved else "ended")


__all__ = [
    "Act",
    "CustomerState",
    "IssueState",
    "MarkerLike",
    "Outcome",
    "Promise",
    "Reaction",
    "advance",
    "end",
    "first_mention",
    "initial_state",
    "is_goodbye",
    "lead_marker",
    "mentions",
    "promised_time",
    "rule_met",
    "unexplained_term",
]
