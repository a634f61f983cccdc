"""A FAKE OpenAI-compatible chat server (``/v1/chat/completions``, streamed or not), for tests and the CI eval.

No generative model runs on these machines, so this stands in for one, and says so. It speaks the wire
format Ollama, vLLM and llama.cpp's server emit (``chat.completion`` objects, or ``chat.completion.chunk``
server-sent events ending in ``[DONE]``). What it answers is chosen by the requested model name:

- ``grounded``: restates the first evidence block of the prompt and cites its id (passes the post-check);
- ``echo``: the core's extractive answer as the prompt gives it, citing every evidence id (what a faithful
  model writes: the post-check must never reject it);
- ``ungrounded``: the same plus an invented number; ``foreign``: plus a country the evidence lacks;
- ``badcite``: cites an id it was not given; ``english``: answers in English;
- ``malformed``: a reply that is not the protocol; ``error``: HTTP 500; ``slow``: waits ``SLOW_S`` first;
- ``trickle``: streams a word every ``TRICKLE_S`` seconds, for longer than any test's time-out;
- ``paced``: ``grounded``, streamed a word every ``PACED_S`` seconds (the UI's streaming, watched);
- ``mixed``: echo, ungrounded or foreign, chosen by a stable hash of the question (the CI eval).

Every request body is kept in ``FakeOpenAI.requests`` so a test can check what the model was shown; a test
may set ``FakeOpenAI.mode`` to choose the behaviour whatever model a client names.
Run alone: ``python -m tests.generate.fake_openai --port 8799``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLOW_S = 3.0
TRICKLE_S = 0.4
PACED_S = 0.15
EVIDENCE_LINE = re.compile(r"^\[([^\[\]\n]+)\]\s*(.*)$")
INVENTED_NUMBER = " وقد عُقد في المجموع 987 لقاءً."
INVENTED_PLACE = " كما شملت الجولة اليابان."


def evidence_blocks(prompt: str) -> list[tuple[str, str]]:
    """(id, first line of its text) for each evidence block the prompt lists."""
    blocks: list[tuple[str, str]] = []
    lines = prompt.splitlines()
    for i, line in enumerate(lines):
        m = EVIDENCE_LINE.match(line.strip())
        if m and " " not in m.group(1).strip():
            text = next((ln.strip() for ln in lines[i + 1 :] if ln.strip()), "")
            blocks.append((m.group(1).strip(), text))
    return blocks


def draft_of(prompt: str) -> str:
    """The extractive answer, between the shipped prompt's draft heading and its evidence heading."""
    m = re.search(r"الجواب المستخرج[^\n]*\n(.*?)\n\s*الأدلة:", prompt, re.S)
    return m.group(1).strip() if m else ""


def reply_for(model: str, messages: list[dict[str, Any]]) -> str:
    prompt = "\n".join(str(m.get("content", "")) for m in messages if m.get("role") == "user")
    blocks = evidence_blocks(prompt)
    sid, text = blocks[0] if blocks else ("none", "")
    grounded = f"بحسب المصدر، {text.rstrip('.')}. [{sid}]"
    if model == "mixed":
        model = ("echo", "ungrounded", "foreign")[int(hashlib.sha256(prompt.encode()).hexdigest(), 16) % 3]
        grounded = draft_of(prompt) + " " + "".join(f"[{b[0]}]" for b in blocks)
    if model == "echo":
        return draft_of(prompt) + " " + "".join(f"[{b[0]}]" for b in blocks)
    return {
        "ungrounded": grounded + INVENTED_NUMBER,
        "foreign": grounded + INVENTED_PLACE,
        "badcite": grounded.replace(f"[{sid}]", "[invented-source-1]"),
        "english": f"According to the source, this is the answer. [{sid}]",
    }.get(model, grounded)


def words(text: str) -> list[str]:
    return re.findall(r"\S+\s*", text)


class FakeOpenAI:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode: str | None = None
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # /v1/models: what clients probe
                self._json(200, {"object": "list", "data": [{"id": "grounded", "object": "model"}]})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                model = fake.mode or str(body.get("model", "grounded"))
                if model == "error":
                    return self._json(500, {"error": {"message": "model crashed", "type": "server_error"}})
                if model == "slow":
                    time.sleep(SLOW_S)
                if model == "malformed":
                    return self._raw(200, b"<html>this is not an OpenAI reply</html>", "application/json")
                text = reply_for(model, body.get("messages", []))
                if body.get("stream"):
                    return self._stream(model, text)
                self._json(200, completion(model, text))

            def _json(self, status: int, data: dict[str, Any]) -> None:
                self._raw(status, json.dumps(data, ensure_ascii=False).encode(), "application/json")

            def _raw(self, status: int, payload: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, model: str, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                pieces = words(text) * (50 if model == "trickle" else 1)
                try:
                    for piece in pieces:
                        self._event(chunk(model, {"content": piece}))
                        if model in ("trickle", "paced"):
                            time.sleep(TRICKLE_S if model == "trickle" else PACED_S)
                    self._event(chunk(model, {}, finish="stop"))
                    self.wfile.write(b"data: [DONE]\n\n")
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a time-out)
                    pass

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-openai", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def chunk(model: str, delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server (tests, CI eval).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    fake = FakeOpenAI(args.host, args.port)
    print(f"fake OpenAI-compatible server at {fake.url}", flush=True)
    fake.server.serve_forever()


if __name__ == "__main__":
    main()
