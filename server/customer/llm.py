"""The LLM voice: any OpenAI-compatible chat-completions endpoint renders the customer's turn.

Every turn sends a fresh system prompt compiled from the scenario and the state machine's hidden
state (`prompt.system_prompt`), then the conversation so far (customer turns as the assistant,
agent turns as the user), and streams the reply. When the endpoint fails, times out or returns
nothing before the first words, the turn is spoken by the scripted voice instead and recorded
with `fallback=True` and the reason, so a turn is never lost.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import openai
from openai import AsyncOpenAI

from server.customer.prompt import system_prompt
from server.customer.scripted import ScriptedVoice
from server.customer.spoken import Spoken, stream_text
from server.customer.state import CustomerState, Reaction
from server.scenario.schema import Scenario
from server.settings import Settings

PREFIX_BUFFER = 24
"""Characters held back at the start of a reply so a `Name:` prefix or a quote can be cut."""


class LLMVoice:
    """Customer voice over an OpenAI-compatible endpoint, with the scripted voice as fallback."""

    name = "llm"

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str | None,
        model: str,
        timeout: float = 10.0,
        seed: int = 0,
        temperature: float = 0.8,
        max_tokens: int = 150,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.fallback = ScriptedVoice(seed)
        self._client = AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=0,
        )

    @classmethod
    def from_settings(cls, settings: Settings, seed: int = 0) -> LLMVoice | None:
        """The LLM voice configured by `SPARRING_LLM_*`, or None when no model is set (the
        conversation then speaks with its scripted voice)."""
        if not settings.llm_model:
            return None
        return cls(
            base_url=settings.llm_base_url or None,
            api_key=settings.llm_api_key or None,
            model=settings.llm_model,
            timeout=settings.llm_timeout_s,
            seed=seed,
        )

    async def aclose(self) -> None:
        await self._client.close()

    def messages(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
    ) -> list[dict[str, str]]:
        """The chat messages for this turn; `history` holds (speaker, text) pairs."""
        reference = self.fallback.say(scenario, state, reaction)
        messages = [
            {"role": "system", "content": system_prompt(scenario, state, reaction, reference)}
        ]
        for speaker, text in history:
            messages.append(
                {"role": "assistant" if speaker == "customer" else "user", "content": text}
            )
        return messages

    async def stream(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
        spoken: Spoken,
    ) -> AsyncIterator[str]:
        """Yield the reply in chunks; `spoken` ends up holding the full text and whether the
        scripted voice had to step in."""
        chunks = self._chunks(self.messages(scenario, state, reaction, history))
        cleaner = _ReplyCleaner(scenario.customer.name)
        try:
            async with asyncio.timeout(self.timeout):
                first = await _first_words(chunks, cleaner)
        except (TimeoutError, openai.APIError, _EmptyReply) as error:
            await chunks.aclose()
            spoken.fallback = True
            spoken.reason = _reason(error, self.timeout)
            async for chunk in stream_text(self.fallback.parts(scenario, state, reaction), spoken):
                yield chunk
            return
        spoken.add(first)
        yield first
        try:
            async for piece in chunks:
                text = cleaner.feed(piece)
                if text:
                    spoken.add(text)
                    yield text
        except (TimeoutError, openai.APIError) as error:
            spoken.reason = f"stream cut short: {_reason(error, self.timeout)}"
        tail = cleaner.finish()
        if tail:
            spoken.add(tail)
            yield tail
        spoken.text = spoken.text.strip()
        if cleaner.quoted:
            spoken.text = spoken.text.rstrip('"\u201d').rstrip()
        spoken.parts = [spoken.text]

    async def _chunks(self, messages: list[dict[str, str]]) -> AsyncGenerator[str, None]:
        request: Any = messages
        response = await self._client.chat.completions.create(
            model=self.model,
            messages=request,
            stream=True,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )
        async for event in response:
            if event.choices and event.choices[0].delta.content:
                yield event.choices[0].delta.content


class _EmptyReply(Exception):
    pass


async def _first_words(chunks: AsyncIterator[str], cleaner: _ReplyCleaner) -> str:
    async for piece in chunks:
        text = cleaner.feed(piece)
        if text.strip():
            return text
    text = cleaner.finish()
    if not text.strip():
        raise _EmptyReply("the endpoint returned an empty reply")
    return text


def _reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError | openai.APITimeoutError):
        return f"timeout after {timeout:g}s"
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code} from the LLM endpoint"
    if isinstance(error, openai.APIConnectionError):
        return "cannot connect to the LLM endpoint"
    return str(error) or type(error).__name__


class _ReplyCleaner:
    """Cuts a leading `Name:`/`Customer:` label and wrapping quotes from a streamed reply."""

    def __init__(self, name: str) -> None:
        labels = {name, name.split()[0], "Customer"}
        alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
        self._prefix = re.compile(rf"^\s*(?:\*\*)?(?:{alternatives})(?:\*\*)?\s*:\s*", re.I)
        self._head = ""
        self._started = False
        self.quoted = False

    def feed(self, piece: str) -> str:
        if self._started:
            return piece
        self._head += piece
        if len(self._head) < PREFIX_BUFFER:
            return ""
        return self._release()

    def _release(self) -> str:
        self._started = True
        text = self._prefix.sub("", self._head).lstrip()
        if text[:1] in {'"', "\u201c"}:
            self.quoted = True
            text = text[1:]
        return text

    def finish(self) -> str:
        if not self._started:
            text = self._release()
            return text.rstrip().rstrip('"\u201d') if self.quoted else text.rstrip()
        return ""
