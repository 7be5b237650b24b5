"""`sparring practice SCENARIO`: a conversation with the virtual customer in the terminal, then
the scorecard. Agent turns come from the keyboard (prompt `you> `), from `--agent-lines FILE`
(one turn per line) or from piped standard input."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from scorer.scoring import Judge
from server.customer import Conversation, LLMVoice, Voice
from server.scenario.loader import ScenarioError, find_scenario


class VoiceChoice(StrEnum):
    auto = "auto"
    scripted = "scripted"
    llm = "llm"


def _voice(choice: VoiceChoice, seed: int) -> Voice | None:
    """None means the conversation's own scripted voice."""
    if choice is VoiceChoice.scripted:
        return None
    from server.settings import load_settings

    settings = load_settings()
    voice = LLMVoice.from_settings(settings, seed)
    if voice is None and choice is VoiceChoice.llm:
        raise typer.BadParameter(
            "set SPARRING_LLM_MODEL (and SPARRING_LLM_BASE_URL) to use the LLM voice",
            param_hint="--voice",
        )
    if voice is not None:
        from server.customer.llm import verify_model

        problem = asyncio.run(verify_model(settings))  # the endpoint serves the model
        if problem is not None:
            typer.echo(f"error: {problem}", err=True)
            raise typer.Exit(2)
    return voice


def _judge() -> Judge | None:
    """The LLM judge when SPARRING_LLM_MODEL is set and SPARRING_LLM_JUDGE is on (whatever the
    voice): the markers decide where it gives no verified verdict."""
    from server.services.judging import judge_from_settings
    from server.settings import load_settings

    return judge_from_settings(load_settings())


def _agent_turns(agent_lines: Path | None) -> Iterator[str]:
    if agent_lines is not None:
        try:
            text = agent_lines.read_text(encoding="utf-8")
        except OSError as error:
            raise typer.BadParameter(f"cannot read {agent_lines}: {error}") from None
        yield from (line.strip() for line in text.splitlines() if line.strip())
        return
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            return
        if not interactive and not line:
            return
        line = line.strip()
        if line in {"/quit", "/exit", "/end"}:
            return
        if line:
            yield line


def _say(conversation: Conversation, text: str, runner: asyncio.Runner, echo: bool) -> None:
    name = conversation.scenario.customer.name

    async def stream() -> None:
        if echo:
            typer.echo(f"{name}: ", nl=False)
        async for chunk in conversation.areply(text):
            if echo:
                typer.echo(chunk, nl=False)
        if echo:
            typer.echo("")

    runner.run(stream())


def practice(
    scenario: Annotated[
        str, typer.Argument(help="Scenario id from scenarios/ or a path to a YAML file.")
    ],
    seed: Annotated[int, typer.Option(help="Seed of the customer's choices of words.")] = 0,
    agent_lines: Annotated[
        Path | None,
        typer.Option("--agent-lines", help="Replay the agent's turns from FILE, one per line."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print transcript, states and report as JSON.")
    ] = False,
    voice: Annotated[
        VoiceChoice,
        typer.Option(help="auto: the LLM when SPARRING_LLM_MODEL is set, else scripted."),
    ] = VoiceChoice.auto,
) -> None:
    """Practise against a virtual customer, then see the scorecard."""
    from scorer import render_text, score

    try:
        persona = find_scenario(scenario)
    except ScenarioError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    chosen = _voice(voice, seed)
    conversation = Conversation(persona, seed=seed, voice=chosen)
    name = persona.customer.name
    echo = not as_json
    replaying = agent_lines is not None or not sys.stdin.isatty()
    if echo:
        typer.echo(f"{persona.title} ({persona.id}, seed {seed}). End with /quit or Ctrl-D.")
        typer.echo(f"{name}: {conversation.opening().text}")
    else:
        conversation.opening()
    unused = 0
    with asyncio.Runner() as runner:
        for line in _agent_turns(agent_lines):
            if conversation.ended:
                unused += 1
                continue
            if echo and replaying:
                typer.echo(f"you> {line}")
            _say(conversation, line, runner, echo)
        if isinstance(chosen, LLMVoice):
            runner.run(chosen.aclose())
    conversation.finish()
    transcript = conversation.transcript()
    report = score(transcript, judge=_judge())
    if as_json:
        out: dict[str, Any] = {
            "scenario": persona.id,
            "seed": seed,
            "transcript": transcript.to_dict(),
            "states": [record.to_dict() for record in conversation.states],
            "outcome": conversation.outcome,
            "report": report.to_dict(),
        }
        typer.echo(json.dumps(out, indent=2))
        return
    ending = {
        "resolved": f"Every issue resolved and you closed the call ({name} is satisfied).",
        "hung_up": f"{name} hung up.",
        "ended": "You ended the conversation.",
    }[conversation.outcome or "ended"]
    typer.echo(f"\n--- {ending} Final mood {conversation.mood:g}/10.")
    if unused:
        typer.echo(f"({unused} agent line(s) not used: the conversation had ended)")
    typer.echo(render_text(report, transcript))


def register(app: typer.Typer) -> None:
    app.command("practice")(practice)
