"""Replayed conversations and a consistency check of the customer's replies.

`play_agent(scenario, style, seed)` plays a whole call against a persona with an agent of one
style: `good` (asks about each issue, answers it, summarises, says goodbye), `mixed` (some
stalling, a promise without a time, generic sympathy, a slip) or `poor` (stalls, "as I
mentioned", "calm down", jargon, a goodbye with the issues still open). The agent reads the
customer's last reply the way a person would (which issue the customer is on); it never looks at
mood.

`contradictions(conversation)` lists every customer reply that contradicts or ignores what the
agent just said, judged from the persona's own lines and the agent's words:

- a question about an issue is answered (its details or opening, a fact, a term question);
- a promise is acknowledged (a reaction to it, a nod, "when?", a resolution, the wrap-up), or
  answered by a reaction that outranks it ("calm down", a defensive line);
- an issue whose answer the agent already gave is not asked again with an unanswered-repeat
  line or its opening; a repetitive persona's repeat is one of its marked `asks_again` lines;
- a reaction line that counts ("twice already") follows an earlier time;
- no wrap-up or goodbye while an issue is open, no goodbye before the agent closes, a goodbye
  when the agent closes a finished call, and outcome `resolved` only for a call the agent closed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from server.customer import Conversation
from server.customer.state import is_goodbye, mentions, rule_met
from server.scenario.schema import Reaction, Scenario

STYLES = ("good", "mixed", "poor")
MAX_TURNS = 16
STALLS = ("Let me check that for you.", "One moment please.", "I'm still looking at this.")


@dataclass
class Replay:
    scenario: Scenario
    style: str
    seed: int
    conversation: Conversation

    def transcript_text(self) -> str:
        name = self.scenario.customer.name
        rows = []
        for turn in self.conversation.turns:
            who = name if turn.speaker == "customer" else "Agent"
            rows.append(f"{who}: {turn.text}")
        rows.append(f"(outcome: {self.conversation.outcome})")
        return "\n".join(rows)


def _open_issue(conversation: Conversation) -> int | None:
    for i, issue in enumerate(conversation.state.issues):
        if issue.status == "open":
            return i
    return None


def _resolve_line(scenario: Scenario, index: int, rng: random.Random) -> str:
    """A line that meets the issue's `resolved_by` rule, as a competent agent would say it."""
    rule = scenario.issues[index].resolved_by
    phrase = rng.choice(rule.phrases or ["this"])
    if "summary" in rule.markers:
        return (
            f"To recap: {phrase}. I will email you the details today, and you can call me "
            "directly on 0161 555 0142."
        )
    if {"jargon_explained", "customer_job_reference"} & set(rule.markers) and scenario.glossary:
        term, meaning = next(iter(scenario.glossary.items()))
        return (
            f"So you can get on with your day: {phrase}. On the bill that's called {term}, "
            f"which means {meaning}."
        )
    return f"I will sort this out today: {phrase}, and I will confirm it to you by 5pm."


def _ask_line(scenario: Scenario, index: int, rng: random.Random) -> str:
    topic = rng.choice(scenario.issues[index].topics or ["problem"])
    return f"Could you tell me a bit more about the {topic}?"


def _summary(scenario: Scenario) -> str:
    first = scenario.customer.name.split()[0]
    return (
        f"Thanks for your patience, {first}. To recap: everything we discussed is done today, "
        "you will get an email confirming it by 5pm, and you can call me directly on "
        "0161 555 0142."
    )


def agent_turn(
    scenario: Scenario, conversation: Conversation, style: str, rng: random.Random, asked: set[int]
) -> str | None:
    """The agent's next line, or None when the agent ends the call."""
    state = conversation.state
    index = _open_issue(conversation)
    turn = state.turn
    if state.closing:
        if style == "good" and rng.random() < 0.7 and turn < MAX_TURNS - 2:
            said_summary = any("To recap" in t.text for t in conversation.turns)
            if not said_summary:
                return _summary(scenario)
        return (
            rng.choice(["Have a good day, goodbye.", "Thanks for calling. Take care, bye.", None])
            if style != "good"
            else "Thank you for calling. Have a good day, goodbye."
        )
    if turn >= MAX_TURNS:
        return None
    if index is None:
        return None
    if style == "good":
        if index not in asked:
            asked.add(index)
            return _ask_line(scenario, index, rng)
        return _resolve_line(scenario, index, rng)
    if style == "mixed":
        roll = rng.random()
        if roll < 0.15:
            return rng.choice(STALLS)
        if roll < 0.25:
            return "I understand. I will get back to you."
        if roll < 0.35 and index not in asked:
            asked.add(index)
            return _ask_line(scenario, index, rng)
        if roll < 0.42 and scenario.issues[index].wrong:
            return f"So that's the {scenario.issues[index].wrong[0].phrases[0]}, right?"
        if roll < 0.47:
            return "I understand your frustration."
        return _resolve_line(scenario, index, rng)
    # poor
    roll = rng.random()
    if turn >= 7 and rng.random() < 0.3:
        return "Okay, thanks for calling, goodbye."
    if roll < 0.3:
        return rng.choice(STALLS)
    if roll < 0.45:
        return "As I mentioned, we will look into it."
    if roll < 0.55:
        return "Please calm down."
    if roll < 0.65 and scenario.glossary:
        term = rng.choice(sorted(scenario.glossary))
        return f"It's flagged as {term} on the system."
    if roll < 0.8:
        return "Okay."
    return _resolve_line(scenario, index, rng)


def play_agent(scenario: Scenario, style: str, seed: int) -> Replay:
    rng = random.Random(f"{scenario.id}:{style}:{seed}")
    conversation = Conversation(scenario, seed=seed)
    conversation.opening()
    asked: set[int] = set()
    while not conversation.ended:
        line = agent_turn(scenario, conversation, style, rng, asked)
        if line is None:
            conversation.finish()
            break
        conversation.reply(line)
    return Replay(scenario, style, seed, conversation)


# --- the check ----------------------------------------------------------------------------------


def _has(text: str, lines: list[str]) -> bool:
    return any(line and line in text for line in lines)


def contradictions(replay: Replay) -> list[str]:
    """Every reply that contradicts or ignores what the agent said, as `turn N: why`."""
    scenario = replay.scenario
    conversation = replay.conversation
    lines = scenario.lines
    reactions = scenario.mood.reactions
    turns = conversation.turns
    records = conversation.states
    problems: list[str] = []
    answered: set[str] = set()  # issues whose answer the agent has given (rule met)
    heard: set[str] = set()
    resolved_turn = {
        spec.id: issue.resolved_turn
        for spec, issue in zip(scenario.issues, conversation.state.issues, strict=True)
    }
    fact_lines = [line for fact in scenario.customer.withheld for line in fact.lines]
    term_stubs = [line.split("{term}")[0] for line in lines.ask_term if line.split("{term}")[0]]
    ack = [
        *reactions.get("ownership_commitment", _NO_REACTION).lines,
        *lines.promise_noted,
        *lines.ask_when,
        *lines.issue_resolved,
        *lines.wrap_up,
        *lines.satisfied,
        *lines.anything_else,
    ]
    outranking = [
        line
        for name in ("told_to_calm_down", "defensive", "repeat_reference", "cross_sell")
        for line in reactions.get(name, _NO_REACTION).lines
    ]
    marked = [line for issue in scenario.issues for line in issue.asks_again]
    promised: set[str] = set()  # issues the agent has promised something about
    for n in range(1, len(records)):
        agent = turns[2 * n - 1].text
        reply = turns[2 * n].text
        markers = set(records[n].markers)
        where = f"turn {n} ({agent!r} -> {reply!r})"
        settled = {
            issue_id for issue_id, turn in resolved_turn.items() if turn is not None and turn <= n
        }
        hung_up = _has(reply, lines.hang_up)
        # 1. a question about an issue is answered
        if "?" in agent and not hung_up:
            for issue in scenario.issues:
                if issue.id not in settled and mentions(agent, issue.topics):
                    answers = [*issue.details, *issue.opening, *fact_lines, *issue.asks_again]
                    answers += [line for mistake in issue.wrong for line in mistake.lines]
                    if not (_has(reply, answers) or _has(reply, term_stubs)):
                        problems.append(f"{where}: ignored a question about {issue.id}")
                    break
        # 2. a promise is acknowledged (a second one with nothing done may be pushed back on)
        if "ownership_commitment" in markers and not hung_up:
            about = [issue for issue in scenario.issues if mentions(agent, issue.topics)]
            pushed = [
                line
                for issue in scenario.issues
                if issue.id in promised
                for line in [*issue.repeats, *issue.asks_again]
            ]
            if not _has(reply, [*ack, *outranking, *marked, *pushed]):
                problems.append(f"{where}: ignored a promise")
            promised |= {issue.id for issue in about} or {
                scenario.issues[i].id
                for i, s in enumerate(conversation.state.issues)
                if s.raised_turn is not None and s.raised_turn < n
            }
        # 3. an answered issue is not asked again unmarked
        for issue in scenario.issues:
            unmarked = [*issue.repeats, *issue.opening]
            if issue.id in answered and _has(reply, unmarked) and not _has(reply, issue.asks_again):
                problems.append(f"{where}: asked about {issue.id} again after it was answered")
        answered |= {issue.id for issue in scenario.issues if rule_met(issue, list(markers), agent)}
        # 4. counting reaction lines follow an earlier time
        for name, reaction in reactions.items():
            if _has(reply, reaction.again_lines) and name not in heard:
                problems.append(f"{where}: said {name} came again the first time")
        heard |= markers
        # 5. closing
        all_done = len(settled) == len(scenario.issues)
        if _has(reply, [*lines.wrap_up, *lines.satisfied]) and not all_done:
            problems.append(f"{where}: closed with issues still open")
        said_goodbye = _has(reply, lines.satisfied)
        if said_goodbye and not is_goodbye(agent):
            problems.append(f"{where}: said goodbye before the agent closed")
        if all_done and is_goodbye(agent) and not (said_goodbye or hung_up):
            problems.append(f"{where}: ignored the agent's goodbye")
    if conversation.outcome == "resolved" and not conversation.state.all_resolved:
        problems.append("outcome resolved with issues open")
    if conversation.outcome == "resolved" and turns[-2].speaker == "agent":
        closed_by_goodbye = is_goodbye(turns[-2].text)
        if not closed_by_goodbye and _has(turns[-1].text, lines.satisfied):
            problems.append("the customer closed the call herself")
    return problems


_NO_REACTION = Reaction(delta=0)
