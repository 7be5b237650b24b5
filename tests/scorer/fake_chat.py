"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for the judge's tests. It
answers per behavior (named in the judge's system prompt) with a scripted reply and can
misbehave on purpose: refuse a reply format with an HTTP status (as llama-cpp-python's server
refuses `json_schema` with 500), answer every request with one status, or answer slowly."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import scorer

NOT_A_VERDICT = "I cannot grade this transcript."
OWNERSHIP_POOR = (
    "Sure! Here is the verdict:\n```json\n"
    '{"applicable": true, "level": "Poor", "score": 20, "evidence": ['
    '{"turn": 1, "quote": "We\'ll look into it.", "effect": "-"},], '
    '"coaching": "Say: I will refund the second laptop by Friday."}\n```'
)


@dataclass
class Script:
    """How the fake endpoint behaves."""

    replies: dict[str, str] = field(default_factory=dict)  # behavior -> reply text
    refuse: dict[str, int] = field(default_factory=dict)  # reply format -> HTTP status
    delay_s: float = 0.0
    status: int | None = None  # answer every request with this HTTP status
    requests: list[dict[str, Any]] = field(default_factory=list)


def reply_format(body: dict[str, Any]) -> str:
    chosen = body.get("response_format")
    return "plain" if chosen is None else str(chosen["type"])


class ChatCompletions(BaseHTTPRequestHandler):
    script = Script()

    def do_POST(self) -> None:  # noqa: N802 — http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        script = ChatCompletions.script
        script.requests.append({"path": self.path, "body": body})
        if script.delay_s:
            time.sleep(script.delay_s)
        kind = reply_format(body)
        status = script.status or script.refuse.get(kind)
        if status is not None:
            self._send(status, {"error": {"message": f"{kind} is not supported here"}})
            return
        system = body["messages"][0]["content"]
        behavior = next((b for b in scorer.BEHAVIORS if f": {b}." in system), "")
        content = script.replies.get(behavior, NOT_A_VERDICT)
        self._send(
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            },
        )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@contextmanager
def serve(script: Script | None = None) -> Iterator[tuple[str, Script]]:
    """Run the server with `script`; yields its `/v1` base URL and the script."""
    ChatCompletions.script = script or Script()
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", ChatCompletions.script
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
