"""The LLM voice: any OpenAI-compatible chat-completions endpoint renders the customer's turn.

The messages work with strict chat templates (Gemma's, for one): the history alternates from a
user turn (a short "the call connects" cue comes before the customer's opening, which is the
assistant's), and the persona goes in a system message or, with `fold_system`
(`SPARRING_LLM_FOLD_SYSTEM`), at the top of that first user turn for servers whose template drops
system messages. The persona is the same on every turn and comes first; the state of this turn
(`prompt.turn_notes`) comes last, after the agent's latest words, so a server's prompt cache
re-reads only the newest turn.

The reply streams a sentence at a time, each checked before it is released (`check_sentence`):
in character, one caller's turn (a turn marker, a speaker label or a new paragraph ends it),
short (at most `MAX_SENTENCES` sentences and `MAX_REPLY_CHARS` characters), no agent-side text,
no resolution or goodbye the state machine did not decide. Two deadlines bound a turn: the first
words must come within `first_token_timeout` seconds and the whole reply within `timeout`.

When nothing usable came (an error, a timeout, an empty or rejected first sentence) the scripted
voice says the turn instead, recorded with `fallback=True` and the true reason. When a check or
a deadline stops a reply after some sentences were said, those stay and the reason is recorded
("cut short: ..."). A turn is never lost.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

import openai
from openai import AsyncOpenAI

from server.customer.prompt import CALL_STARTS, persona_prompt, turn_notes
from server.customer.scripted import ScriptedVoice
from server.customer.spoken import Spoken, stream_text
from server.customer.state import CustomerState, Reaction
from server.scenario.schema import Scenario
from server.settings import Settings

DEFAULT_STOP = ("\nAgent:", "\nUser:", "<end_of_turn>", "[Notes")
"""Stop sequences sent when the operator sets none (`SPARRING_LLM_STOP`)."""
MAX_SENTENCES = 3
MAX_REPLY_CHARS = 420

_TURN_MARKER = re.compile(
    r"<start_of_turn>|<end_of_turn>|<\|im_(?:start|end)\|>|</?s>|\[Notes|\[/?INST\]"
    r"|(?:^|\n|\s)(?:\*\*)?(?:Agent|AGENT|User|USER|Assistant|Representative|Rep|Support"
    r"|Customer service|Customer Service|CSR)(?:\*\*)?\s*:",
)
_OUT_OF_CHARACTER = re.compile(
    r"\b(?:as an ai|an ai(?: language)? model|language model|i am an ai|i'm an ai|chatbot"
    r"|role-?play|simulation|simulated|this scenario|as the customer|in character"
    r"|my (?:notes|instructions)|the notes say|mood \d+(?:\.\d+)? out of 10"
    r"|a reply that fits|notes for your next reply|in this reply|problems? so far|still open;"
    r"|asked about it \d+ time|the agent (?:asked|promised|has answered))\b",
    re.I,
)
_AGENT_SIDE = re.compile(
    r"\b(?:how (?:can|may) i (?:help|assist)(?: you)?|thank you for (?:calling|contacting)"
    r"|thanks for (?:calling|contacting)|is there anything else i can (?:help|do)"
    r"|let me (?:check|look) (?:that|this|into that) for you|i can help you with that"
    r"|i(?:'ll| will) (?:book|arrange|process|issue|refund|credit) (?:that|this|it) for you)\b",
    re.I,
)
_GOODBYE = re.compile(
    r"\b(?:good ?bye|bye(?:-bye)?|cheers,? bye|have a (?:good|nice|lovely) day)\b", re.I
)
_RESOLVED = re.compile(
    r"\b(?:that'?s (?:all )?(?:sorted|fixed|resolved|everything)|all (?:sorted|fixed|done)"
    r"|problem (?:is )?(?:solved|fixed)|you'?ve (?:sorted|fixed|solved) it"
    r"|thanks? (?:you )?for (?:sorting|fixing) (?:it|this|that))\b",
    re.I,
)
_STAGE = re.compile(r"\*[^*\n]{1,40}\*|\((?:sighs?|laughs?|pauses?|angrily|calmly)[^)]*\)", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)]*\s+")


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
        first_token_timeout: float | None = None,
        seed: int = 0,
        temperature: float = 0.8,
        max_tokens: int = 150,
        stop: Sequence[str] | None = None,
        fold_system: bool = False,
    ) -> None:
        self.model = model
        self.timeout = timeout
        self.first_token_timeout = min(first_token_timeout or timeout, timeout)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.stop = list(DEFAULT_STOP if stop is None else stop)[:4]
        """OpenAI-compatible servers accept up to four stop sequences."""
        self.fold_system = fold_system
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
            api_key=_secret(settings.llm_api_key) or None,
            model=settings.llm_model,
            timeout=settings.llm_timeout_s,
            first_token_timeout=settings.llm_first_token_s,
            seed=seed,
            max_tokens=settings.llm_max_tokens,
            stop=parse_stop(settings.llm_stop),
            fold_system=settings.llm_fold_system,
        )

    async def aclose(self) -> None:
        await self._client.close()

    async def check_model(self) -> str | None:
        """None when the endpoint serves the configured model (GET /v1/models), else one line
        saying what is wrong and what to do."""
        try:
            page = await self._client.models.list()
        except openai.APIError as error:
            return (
                f"cannot list the models of the LLM endpoint ({_reason(error, self.timeout)}); "
                "check SPARRING_LLM_BASE_URL and SPARRING_LLM_API_KEY"
            )
        served = [model.id for model in page.data]
        if self.model in served:
            return None
        listed = ", ".join(served[:10]) or "none"
        return (
            f"SPARRING_LLM_MODEL {self.model!r} is not served by the LLM endpoint (it serves: "
            f"{listed}); set SPARRING_LLM_MODEL to one of those"
        )

    def messages(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
    ) -> list[dict[str, str]]:
        """The chat messages for this turn; `history` holds (speaker, text) pairs, the agent's
        latest turn last. Roles alternate from a user turn; the persona comes first and this
        turn's notes last."""
        persona = persona_prompt(scenario)
        messages: list[dict[str, str]] = []
        if self.fold_system:
            messages.append({"role": "user", "content": f"{persona}\n\n{CALL_STARTS}"})
        else:
            messages.append({"role": "system", "content": persona})
            messages.append({"role": "user", "content": CALL_STARTS})
        for speaker, text in history:
            role = "assistant" if speaker == "customer" else "user"
            if messages[-1]["role"] == role:
                messages[-1] = {"role": role, "content": f"{messages[-1]['content']}\n{text}"}
            else:
                messages.append({"role": role, "content": text})
        reference = self.fallback.say(scenario, state, reaction)
        notes = turn_notes(scenario, state, reaction, reference)
        if messages[-1]["role"] == "user":
            messages[-1] = {"role": "user", "content": f"{messages[-1]['content']}\n\n{notes}"}
        else:
            messages.append({"role": "user", "content": notes})
        return messages

    async def stream(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
        spoken: Spoken,
    ) -> AsyncIterator[str]:
        """Yield the reply a checked sentence at a time; `spoken` ends up holding the full text
        and whether the scripted voice had to step in, and why."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + self.timeout
        first_deadline = started + self.first_token_timeout
        chunks = self._chunks(self.messages(scenario, state, reaction, history))
        gate = ReplyGate(scenario, reaction)
        got_words = False
        problem: str | None = None
        try:
            while not gate.stopped:
                until = deadline if got_words else first_deadline
                remaining = until - loop.time()
                if remaining <= 0:
                    raise TimeoutError
                try:
                    piece = await asyncio.wait_for(anext(chunks), remaining)
                except StopAsyncIteration:
                    break
                got_words = got_words or bool(piece.strip())
                for sentence in gate.feed(piece):
                    spoken.add(sentence)
                    yield sentence
            if not gate.stopped:
                for sentence in gate.finish():
                    spoken.add(sentence)
                    yield sentence
        except TimeoutError:
            problem = (
                f"the whole reply took over {self.timeout:g}s"
                if got_words
                else f"no words within {self.first_token_timeout:g}s"
            )
            if not gate.released:
                problem = f"timeout: {problem}"
        except (openai.APIError, _StreamFault) as error:
            problem = _reason(error, self.timeout)
        finally:
            await chunks.aclose()
        problem = problem or gate.reason
        if not gate.released:
            spoken.fallback = True
            spoken.reason = problem or "the endpoint returned an empty reply"
            spoken.text = ""
            async for chunk in stream_text(self.fallback.parts(scenario, state, reaction), spoken):
                yield chunk
            return
        if problem:
            spoken.reason = f"stream cut short: {problem}"
        spoken.text = spoken.text.strip()
        spoken.parts = [spoken.text]

    async def _chunks(self, messages: list[dict[str, str]]) -> AsyncGenerator[str, None]:
        """The reply's text pieces; raises `_StreamFault` for a chunk that is not valid JSON
        and for a stream that ends before the endpoint said the reply is finished."""
        request: Any = messages
        response = await self._client.chat.completions.create(
            model=self.model,
            messages=request,
            stream=True,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            stop=self.stop or None,
        )
        finished = False
        events = aiter(response)
        while True:
            try:
                event = await anext(events)
            except StopAsyncIteration:
                break
            except ValueError as error:  # json.JSONDecodeError and malformed chunk shapes
                raise _StreamFault(f"the LLM endpoint sent an invalid chunk ({error})") from None
            if event.choices and event.choices[0].finish_reason:
                finished = True
            if event.choices and event.choices[0].delta.content:
                yield event.choices[0].delta.content
        if not finished:
            raise _StreamFault("the LLM endpoint closed the stream before the reply was finished")


def _secret(value: object) -> str:
    """The text of a setting that may be a pydantic `SecretStr`."""
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal() if callable(reveal) else value)


def parse_stop(value: str) -> list[str] | None:
    """`SPARRING_LLM_STOP` as a list: None (the defaults) when empty, [] for `none`, else the
    `|`-separated sequences with `\\n` read as a line break."""
    if not value.strip():
        return None
    if value.strip().lower() == "none":
        return []
    return [part.replace("\\n", "\n") for part in value.split("|") if part]


class _StreamFault(Exception):
    """The stream broke: a chunk that is not JSON, or an end without a finish reason."""


def _reason(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError | openai.APITimeoutError):
        return f"timeout after {timeout:g}s"
    if isinstance(error, openai.APIStatusError):
        return f"HTTP {error.status_code} from the LLM endpoint"
    if isinstance(error, openai.APIConnectionError):
        return "cannot connect to the LLM endpoint"
    return str(error) or type(error).__name__


def check_sentence(sentence: str, reaction: Reaction, index: int) -> str | None:
    """Why `sentence` (the `index`-th of the reply) cannot be said by the customer this turn,
    or None when it can."""
    if _OUT_OF_CHARACTER.search(sentence):
        return "out of character (talks about being an AI, a role-play or its notes)"
    if _AGENT_SIDE.search(sentence):
        return "agent-side text (the customer spoke as the agent)"
    closing = reaction.closing == "goodbye" or reaction.ending is not None
    if not closing and _GOODBYE.search(sentence):
        return "said goodbye before the agent closed the call"
    if not reaction.resolved and reaction.closing is None and _RESOLVED.search(sentence):
        return "invented a resolution (nothing was resolved this turn)"
    if index >= MAX_SENTENCES:
        return f"too long (over {MAX_SENTENCES} sentences)"
    return None


class ReplyGate:
    """Cleans a streamed reply and releases it a checked sentence at a time.

    It cuts a leading `Name:`/`Customer:` label, wrapping quotes and stage directions; it ends
    the reply at a turn marker or a new paragraph (one caller's turn); and it stops at the first
    sentence `check_sentence` rejects, remembering why (`reason`)."""

    def __init__(self, scenario: Scenario, reaction: Reaction) -> None:
        name = scenario.customer.name
        labels = {name, name.split()[0], "Customer", "Caller"}
        alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
        self._prefix = re.compile(rf"^\s*(?:\*\*)?(?:{alternatives})(?:\*\*)?\s*:\s*", re.I)
        self.reaction = reaction
        self._buffer = ""
        self._chars = 0
        self.released: list[str] = []
        self.stopped = False
        self.reason: str | None = None

    def feed(self, piece: str) -> list[str]:
        """Sentences completed by `piece` that passed the checks."""
        if self.stopped:
            return []
        self._buffer += piece
        ended = self._end_of_turn()
        out: list[str] = []
        while not self.stopped:
            found = _SENTENCE_END.search(self._buffer)
            if found is None:
                break
            sentence, self._buffer = self._buffer[: found.end()], self._buffer[found.end() :]
            out += self._release(sentence)
        if ended and not self.stopped:
            out += self._release(self._buffer)
            self._buffer = ""
            self.stopped = True
        return out

    def finish(self) -> list[str]:
        """The last sentence, when the reply ended without closing punctuation."""
        if self.stopped:
            return []
        self.stopped = True
        rest, self._buffer = self._buffer, ""
        return self._release(rest)

    def _end_of_turn(self) -> bool:
        """Cut the buffer at a turn marker or a paragraph break; True when the turn ended."""
        marker = _TURN_MARKER.search(self._buffer)
        start = self._buffer if self.released else self._buffer.lstrip()
        paragraph = re.search(r"\S\s*\n\s*\n", start)
        cuts = [m.start() for m in (marker,) if m is not None]
        if paragraph is not None:
            cuts.append(len(self._buffer) - len(start) + paragraph.start() + 1)
        if not cuts:
            return False
        cut = min(cuts)
        rest = self._buffer[cut:]
        self._buffer = self._buffer[:cut]
        # a speaker label or a new paragraph means the model went on writing; an end-of-turn
        # token alone is a clean end
        went_on = marker is None or cut != marker.start() or ":" in marker.group(0)
        if went_on or _TURN_MARKER.sub("", rest).strip():
            self.reason = "cut at the end of the caller's turn (the model went on past it)"
        return True

    def _release(self, sentence: str) -> list[str]:
        text = sentence
        if not self.released:
            text = self._prefix.sub("", text.lstrip())
        text = _STAGE.sub("", text)
        text = re.sub(r"\s+", " ", text).strip().strip('"\u201c\u201d').strip()
        if not text or not re.search(r"\w", text):
            return []
        problem = check_sentence(text, self.reaction, len(self.released))
        if problem is None and self._chars + len(text) > MAX_REPLY_CHARS:
            problem = f"too long (over {MAX_REPLY_CHARS} characters)"
        if problem is not None:
            self.stopped = True
            self.reason = problem
            return []
        self._chars += len(text) + 1
        self.released.append(text)
        return [text if len(self.released) == 1 else " " + text]


async def verify_model(settings: Settings) -> str | None:
    """The startup check: None when no LLM is configured or the endpoint serves the model,
    else one line naming the problem and what to do."""
    voice = LLMVoice.from_settings(settings)
    if voice is None:
        return None
    try:
        return await voice.check_model()
    finally:
        await voice.aclose()
