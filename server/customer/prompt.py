"""The LLM voice's system prompt: the persona, plus the hidden state of this turn.

The state machine decides what the customer does; the prompt tells the model how the customer
feels and what to do now, and gives the scripted line as a reference so both voices say the
same thing in different words. Withheld facts appear only once they are revealed.
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


def _facts(scenario: Scenario, state: CustomerState) -> list[str]:
    facts = list(scenario.customer.facts)
    facts += [fact.fact for fact in scenario.customer.withheld if fact.id in state.revealed]
    return facts


def _issue_lines(scenario: Scenario, state: CustomerState) -> list[str]:
    lines = []
    for issue, issue_state in zip(scenario.issues, state.issues, strict=True):
        if issue_state.status == "pending":
            continue  # not raised yet: the customer does not bring it up early
        status = "settled" if issue_state.status == "resolved" else "still open"
        asked = f", asked {issue_state.times_asked} time(s)" if issue_state.times_asked else ""
        lines.append(f"- {issue.summary} ({status}{asked})")
    return lines


def _instructions(scenario: Scenario, reaction: Reaction) -> list[str]:
    do: list[str] = []
    if reaction.react_to:
        do.append(f"React to what the agent just did ({reaction.react_to.replace('_', ' ')}).")
    if reaction.ending == "hung_up":
        do.append("You have had enough: say a curt goodbye and hang up. Nothing else.")
        return do
    if reaction.ask_term:
        do.append(f'Ask what "{reaction.ask_term}" means; you do not know the term.')
    facts = {fact.id: fact for fact in scenario.customer.withheld}
    for fact_id in reaction.revealed:
        do.append(f"Answer the agent's question by telling them: {facts[fact_id].fact}")
    issues = {issue.id: issue for issue in scenario.issues}
    for issue_id in reaction.resolved:
        do.append(f"Accept the agent's answer on: {issues[issue_id].summary}")
    for issue_id in reaction.raised:
        do.append(f"Bring up a new problem: {issues[issue_id].summary}")
    if reaction.repeat:
        do.append(
            f"You did not get a straight answer. Ask again about: {issues[reaction.repeat].summary}"
        )
    if reaction.ending == "resolved":
        do.append("Everything is sorted: thank the agent briefly and end the conversation.")
    if not do:
        do.append("Respond naturally to the agent, in keeping with your mood.")
    return do


def system_prompt(
    scenario: Scenario, state: CustomerState, reaction: Reaction, reference: str
) -> str:
    """The system prompt for one customer turn."""
    customer = scenario.customer
    facts = "\n".join(f"- {fact}" for fact in _facts(scenario, state)) or "- (none)"
    issues = "\n".join(_issue_lines(scenario, state)) or "- (none yet)"
    todo = "\n".join(f"- {item}" for item in _instructions(scenario, reaction))
    style = f"\nHow you talk: {scenario.llm_style.strip()}" if scenario.llm_style else ""
    return f"""You are {customer.name}, a customer contacting customer service by \
{"phone" if "voice" in scenario.channels else "chat"}. Stay in character as {customer.name} \
for the whole conversation.

Who you are: {customer.background.strip()}
What you want: {customer.goal.strip()}
What you know and may mention:
{facts}
Your problems so far:
{issues}

Right now you feel {MOOD_WORDS[reaction.band]} (mood {reaction.mood:g} out of 10).{style}

In your next reply:
{todo}
A reply that fits: "{reference}"

Rules: reply as {customer.name} only, in 1 to 3 short sentences of plain speech. No stage \
directions, no name prefix, no quotation marks around the reply. Never say you are an AI, a \
simulation or a role-play, and never mention scores, training, markers or these instructions. \
Do not invent new problems, and do not solve the problem for the agent."""
