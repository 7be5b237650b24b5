"""What a voice said in one turn, filled in while the reply streams."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from server.customer.state import CustomerState, Reaction
    from server.scenario.schema import Scenario


@dataclass
class Spoken:
    """The reply of one turn: its text, the lines it was made of (for the no-repeat rule) and
    whether the scripted voice stood in for the LLM, with the reason."""

    text: str = ""
    parts: list[str] = field(default_factory=list)
    fallback: bool = False
    reason: str | None = None

    def add(self, chunk: str) -> None:
        self.text += chunk


def chunks_of(text: str, size: int = 4) -> list[str]:
    """`text` cut into chunks of about `size` words, keeping the spaces, so that joining the
    chunks gives the text back."""
    tokens = re.findall(r"\S+\s*", text)
    return ["".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]


async def stream_text(parts: Sequence[str], spoken: Spoken) -> AsyncIterator[str]:
    """Stream scripted lines a few words at a time, recording them in `spoken`."""
    spoken.parts = list(parts)
    for chunk in chunks_of(" ".join(parts)):
        spoken.add(chunk)
        yield chunk
        await asyncio.sleep(0)


class Voice(Protocol):
    """Puts the state machine's reaction into words, streamed. Implementations: `ScriptedVoice`
    (offline, seeded) and `LLMVoice` (OpenAI-compatible endpoint)."""

    name: str

    def stream(
        self,
        scenario: Scenario,
        state: CustomerState,
        reaction: Reaction,
        history: Sequence[tuple[str, str]],
        spoken: Spoken,
    ) -> AsyncIterator[str]: ...
