"""The LLM voice's prompt, in two parts so a server's prompt cache can do its job.

`persona_prompt(scenario)` is the stable part: who the customer is, what they want, what they
know from the start, how they talk and the rules of the reply. It is the same on every turn of a
call, so it goes first (the system message, or folded into the first user turn).

`turn_notes(scenario, state, reaction, reference)` is the part that changes each turn: how the
customer feels now, the facts given so far, where each issue stands (what the agent asked,
answered, promised and when, got wrong), what to do in this reply, and the scripted line as a
reference so both voices say the same thing in different words. It goes last, after the agent's
latest words. Withheld facts appear only once they are revealed.
"""

from __future__ import annotations

from server.customer.state import CustomerState, Reaction
from server.scenario.schema import Scenario

MOOD_WORDS = {
    "furious": "furious: sharp, short, close to giving up on this company",
    "upset": "upset: impatient and sceptical, but still willing to listen",
    "neutral": "neutral: guarded but cooperative",
    "warm": "warm: relieved, friendly, cooperative",
}
NOTES_OPEN = "[Notes for your next reply, not said aloud]"
CALL_STARTS = "[The call connects. You speak first.]"
"""The first user turn, so the history alternates from a user turn as strict templates need."""


def persona_prompt(scenario: Scenario) -> str:
    """The stable part of the prompt: the same on every turn of a call."""
    customer = scenario.customer
    facts = "\n".join(f"- {fact}" for fact in customer.facts) or "- (none)"
    style = f"\nHow you talk: {scenario.llm_style.strip()}" if scenario.llm_style else ""
    channel = "phone" if "voice" in scenario.channels else "chat"
    return f"""You are {customer.name}, a customer contacting customer service by {channel}. \
The user is the customer-service agent. Stay in character as {customer.name} for the whole \
conversation.

Who you are: {customer.background.strip()}
What you want: {customer.goal.strip()}
What you know and may mention:
{facts}{style}

Rules: reply as {customer.name} only, with one turn of the caller in 1 to 3 short sentences of \
plain speech. Never write the agent's lines, a name prefix, stage directions or quotation marks \
around the reply. Never say you are an AI, a simulation or a role-play, and never mention scores, \
training, markers or notes. Do not invent new problems, do not solve the problem for the agent, \
and do not say a problem is sorted or say goodbye unless your notes say so. Each of the agent's \
turns ends with notes in square brackets that only you can see: follow them."""


def _facts(scenario: Scenario, state: CustomerState, reaction: Reaction) -> list[str]:
    given = {*state.revealed, *reaction.revealed}
    return [fact.fact for fact in scenario.customer.withheld if fact.id in given]


def _issue_lines(scenario: Scenario, state: CustomerState) -> list[str]:
    lines = []
    for issue, issue_state in zip(scenario.issues, state.issues, strict=True):
        if issue_state.status == "pending":
            continue  # not raised yet: the customer does not bring it up early
        status = "settled" if issue_state.status == "resolved" else "still open"
        details = [f"asked about it {issue_state.times_asked} time(s)"]
        if issue_state.asked:
            details.append(f'the agent asked: "{issue_state.asked[-1]}"')
        if issue_state.answered:
            details.append("the agent has answered it")
        for promise in issue_state.promises[-2:]:
            when = promise.when or "no time given"
            details.append(f'the agent promised: "{promise.what}" ({when})')
        if issue_state.wrong:
            details.append(f"the agent got it wrong: {', '.join(issue_state.wrong)}")
        lines.append(f"- {issue.summary} ({status}; {'; '.join(details)})")
    return lines


def _instructions(scenario: Scenario, reaction: Reaction) -> list[str]:
    do: list[str] = []
    if reaction.react_to:
        do.append(f"React to what the agent just did ({reaction.react_to.replace('_', ' ')}).")
    if reaction.ending == "hung_up":
        do.append("You have had enough: say a curt goodbye and hang up. Nothing else.")
        return do
    issues = {issue.id: issue for issue in scenario.issues}
    if reaction.ask_term:
        do.append(f'Ask what "{reaction.ask_term}" means; you do not know the term.')
    if reaction.correct:
        mistake = issues[reaction.correct].wrong[reaction.mistake]
        do.append(f"The agent got a detail wrong; correct them: {mistake.lines[0]}")
    facts = {fact.id: fact for fact in scenario.customer.withheld}
    for fact_id in reaction.revealed:
        do.append(f"Answer the agent's question by telling them: {facts[fact_id].fact}")
    for fact_id in reaction.restated:
        do.append(f"They asked again; tell them again: {facts[fact_id].fact}")
    if reaction.answer and not reaction.revealed:
        issue = issues[reaction.answer]
        detail = (issue.details or issue.opening)[0]
        do.append(f'Answer the agent\'s question about "{issue.summary}" with: {detail}')
    if reaction.promise is not None and reaction.act != "answered":
        if reaction.promise.when is None:
            do.append("The agent promised something without saying when: ask when.")
        else:
            do.append(f"Acknowledge the agent's promise ({reaction.promise.when}).")
    for issue_id in reaction.resolved:
        do.append(f"Accept the agent's answer on: {issues[issue_id].summary}")
    for issue_id in reaction.raised:
        if issue_id in reaction.raised_answered:
            do.append(f"Ask again, saying you know they told you: {issues[issue_id].summary}")
        elif issue_id != reaction.answer:
            do.append(f"Bring up a new problem: {issues[issue_id].summary}")
    if reaction.repeat and reaction.repeat_kind == "again":
        do.append(
            "The agent answered, but you want to hear it again: say you know they told you, "
            f"and ask again about: {issues[reaction.repeat].summary}"
        )
    elif reaction.repeat:
        do.append(
            f"You did not get a straight answer. Ask again about: {issues[reaction.repeat].summary}"
        )
    if reaction.closing == "wrap_up":
        do.append("Everything you called about is sorted: say so, and wait. Do not say goodbye.")
    elif reaction.closing == "anything_else":
        do.append("Say there is nothing else. Do not say goodbye yet.")
    elif reaction.closing == "waiting":
        do.append("Everything is sorted; respond briefly and wait for the agent to close.")
    elif reaction.closing == "goodbye":
        do.append("The agent is closing the call: thank them briefly and say goodbye.")
    if not do:
        do.append("Respond naturally to the agent, in keeping with your mood.")
    return do


def turn_notes(scenario: Scenario, state: CustomerState, reaction: Reaction, reference: str) -> str:
    """The per-turn part of the prompt, appended to the agent's latest turn."""
    facts = _facts(scenario, state, reaction)
    known = ("\nYou have also told them: " + " ".join(facts)) if facts else ""
    issues = "\n".join(_issue_lines(scenario, state)) or "- (none yet)"
    todo = "\n".join(f"- {item}" for item in _instructions(scenario, reaction))
    return f"""{NOTES_OPEN}
You feel {MOOD_WORDS[reaction.band]} (mood {reaction.mood:g} out of 10).{known}
Your problems so far:
{issues}
In this reply:
{todo}
A reply that fits: "{reference}\""""


def system_prompt(
    scenario: Scenario, state: CustomerState, reaction: Reaction, reference: str
) -> str:
    """The whole prompt of one turn as one text: the persona, then the turn's notes."""
    return persona_prompt(scenario) + "\n\n" + turn_notes(scenario, state, reaction, reference)
