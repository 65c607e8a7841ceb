"""LLMScorer against a tiny fake OpenAI-compatible server on 127.0.0.1 (a random port)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sourcecheck.errors import ConfigError, ModelError
from sourcecheck.score import Pair, get_scorer
from sourcecheck.score.llm import (
    DEFAULT_BASE_URL,
    LLMScorer,
    make_llm_scorer,
    parse_answer,
)

#: (request body, headers) -> (HTTP status, response body: a dict sent as JSON, or raw bytes)
Responder = Callable[[dict[str, Any], dict[str, str]], tuple[int, "dict[str, Any] | bytes"]]

PAIR = Pair(claim="The bridge opened in 1932.", passage="The bridge was opened in March 1932.")


def chat(content: str, finish_reason: str = "stop") -> dict[str, Any]:
    """A chat-completions response carrying ``content``."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
    }


@dataclass
class FakeServer:
    base_url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    respond: Responder = lambda body, headers: (
        200,
        chat('{"label": "supported", "confidence": 1}'),
    )

    def answer(self, content: str, finish_reason: str = "stop") -> None:
        self.respond = lambda body, headers: (200, chat(content, finish_reason))


@pytest.fixture(autouse=True)
def _no_llm_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.delenv("SOURCECHECK_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("SOURCECHECK_LLM_API_KEY", raising=False)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with lock:
                fake.requests.append({"path": self.path, "headers": headers, "body": body})
            status, payload = fake.respond(body, headers)
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (the timeout test)
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    fake = FakeServer(base_url=f"http://127.0.0.1:{httpd.server_address[1]}/v1")
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_request_shape(server: FakeServer) -> None:
    scorer = LLMScorer("tiny-chat", base_url=server.base_url)
    scorer.score_batch([PAIR])
    [request] = server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["content-type"] == "application/json"
    assert "authorization" not in request["headers"]
    body = request["body"]
    assert body["model"] == "tiny-chat"
    assert body["temperature"] == 0
    assert body["max_tokens"] == 256
    system, user = body["messages"]
    assert system["role"] == "system"
    assert all(word in system["content"] for word in ("JSON", "supported", "contradicted"))
    assert "not_enough_info" in system["content"]
    assert user["role"] == "user"
    assert PAIR.claim in user["content"]
    assert PAIR.passage in user["content"]
    assert user["content"].index(PAIR.passage) < user["content"].index(PAIR.claim)


def test_base_url_and_key_from_environment(
    server: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCECHECK_LLM_BASE_URL", server.base_url + "/")
    monkeypatch.setenv("SOURCECHECK_LLM_API_KEY", "sk-test-123")
    scorer = make_llm_scorer("tiny-chat")
    assert scorer.base_url == server.base_url
    scorer.score_batch([PAIR])
    assert server.requests[0]["headers"]["authorization"] == "Bearer sk-test-123"
    info = scorer.describe()
    assert info["name"] == "sourcecheck.llm.v1"
    assert info["model_id"] == "tiny-chat"
    assert info["base_url"] == server.base_url
    assert "sk-test-123" not in json.dumps(info)


def test_default_base_url() -> None:
    assert LLMScorer("m").base_url == DEFAULT_BASE_URL
    assert DEFAULT_BASE_URL == "http://127.0.0.1:8000/v1"


@pytest.mark.parametrize(
    ("content", "support", "contradiction"),
    [
        ('{"label": "supported", "confidence": 0.9}', 0.9, 0.05),
        ('{"label": "contradicted", "confidence": 0.8}', 0.1, 0.8),
        ('{"label": "not_enough_info", "confidence": 0.6}', 0.2, 0.2),
        ('```json\n{"label": "Supported", "confidence": "0.7"}\n```', 0.7, 0.15),
        ('{"label": "Not enough info", "confidence": 1}', 0.0, 0.0),
        (
            'Hmm {"label": "supported"?} Final: {"label": "contradicted", "confidence": 0.5}',
            0.25,
            0.5,
        ),
    ],
)
def test_answers_become_scores(
    server: FakeServer, content: str, support: float, contradiction: float
) -> None:
    server.answer(content)
    [score] = LLMScorer("tiny-chat", base_url=server.base_url).score_batch([PAIR])
    assert score.support == pytest.approx(support)
    assert score.contradiction == pytest.approx(contradiction)
    assert score.truncated is False


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("Yes, the passage supports it.", "no JSON object with a label"),
        ('{"verdict": "supported"}', "no JSON object with a label"),
        ('{"label": "maybe", "confidence": 0.5}', "not one of"),
        ('{"label": "supported"}', "no confidence"),
        ('{"label": "supported", "confidence": 1.5}', "not between 0 and 1"),
        ('{"label": "supported", "confidence": "high"}', "not a number"),
        ('{"label": "supported", "confidence": true}', "not a number"),
        ("   ", "empty"),
    ],
)
def test_unreadable_answers_raise_never_score(
    server: FakeServer, content: str, problem: str
) -> None:
    server.answer(content)
    scorer = LLMScorer("tiny-chat", base_url=server.base_url)
    with pytest.raises(ModelError, match=problem) as info:
        scorer.score_batch([PAIR])
    message = str(info.value)
    assert "\n" not in message
    assert "tiny-chat" in message
    assert server.base_url in message


def test_cut_off_answer_says_so(server: FakeServer) -> None:
    server.answer('{"label": "suppo', finish_reason="length")
    with pytest.raises(ModelError, match="max_tokens=256"):
        LLMScorer("tiny-chat", base_url=server.base_url).score_batch([PAIR])


@pytest.mark.parametrize(
    ("status", "payload", "problem"),
    [
        (500, {"error": {"message": "model crashed"}}, "HTTP 500: .*model crashed"),
        (404, {"error": {"message": "model 'tiny-chat' not found"}}, "HTTP 404"),
        (200, b"<html>not json</html>", "not JSON"),
        (200, {"choices": []}, "no choices"),
        (200, {"object": "error", "message": "overloaded"}, "no choices"),
    ],
)
def test_server_errors_raise(
    server: FakeServer, status: int, payload: dict[str, Any] | bytes, problem: str
) -> None:
    server.respond = lambda body, headers: (status, payload)
    with pytest.raises(ModelError, match=problem) as info:
        LLMScorer("tiny-chat", base_url=server.base_url).score_batch([PAIR])
    assert "\n" not in str(info.value)


def test_unreachable_server_raises() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago and has no listener
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    scorer = LLMScorer("tiny-chat", base_url=f"http://127.0.0.1:{port}/v1", timeout=5)
    with pytest.raises(ModelError, match=r"cannot reach the server.*SOURCECHECK_LLM_BASE_URL"):
        scorer.score_batch([PAIR])


def test_slow_server_times_out(server: FakeServer) -> None:
    def slow(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        time.sleep(1.0)
        return 200, chat('{"label": "supported", "confidence": 0.9}')

    server.respond = slow
    start = time.monotonic()
    with pytest.raises(ModelError, match=r"no answer within 0\.2 s"):
        LLMScorer("tiny-chat", base_url=server.base_url, timeout=0.2).score_batch([PAIR])
    assert time.monotonic() - start < 1.0


def test_concurrent_batch_keeps_order(server: FakeServer) -> None:
    def by_claim(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        user = body["messages"][1]["content"]
        number = int(user.rsplit("claim number ", 1)[1].split()[0])
        time.sleep(0.01 * (number % 3))  # answers arrive out of order
        return 200, chat(json.dumps({"label": "supported", "confidence": number / 10}))

    server.respond = by_claim
    pairs = [Pair(claim=f"claim number {i} here", passage="p") for i in range(10)]
    scores = LLMScorer("tiny-chat", base_url=server.base_url, concurrency=4).score_batch(pairs)
    assert [s.support for s in scores] == pytest.approx([i / 10 for i in range(10)])
    assert len(server.requests) == 10


def test_one_bad_answer_fails_the_batch(server: FakeServer) -> None:
    def second_is_garbage(body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        if "second" in body["messages"][1]["content"]:
            return 200, chat("I cannot answer that.")
        return 200, chat('{"label": "supported", "confidence": 0.9}')

    server.respond = second_is_garbage
    pairs = [Pair(claim=c, passage="p") for c in ("first", "second", "third")]
    for concurrency in (1, 3):
        scorer = LLMScorer("tiny-chat", base_url=server.base_url, concurrency=concurrency)
        with pytest.raises(ModelError, match="no JSON object"):
            scorer.score_batch(pairs)


def test_empty_batch_sends_nothing(server: FakeServer) -> None:
    assert LLMScorer("tiny-chat", base_url=server.base_url).score_batch([]) == []
    assert server.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "127.0.0.1:8000/v1", "ftp://host/v1"])
def test_base_url_must_be_http(url: str) -> None:
    with pytest.raises(ConfigError, match="http"):
        LLMScorer("tiny-chat", base_url=url)


def test_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="model name"):
        make_llm_scorer("")
    with pytest.raises(ConfigError, match="timeout"):
        LLMScorer("m", timeout=0)
    with pytest.raises(ConfigError, match="concurrency"):
        LLMScorer("m", concurrency=0)


def test_get_scorer_builds_it(server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCECHECK_LLM_BASE_URL", server.base_url)
    scorer = get_scorer("llm:tiny-chat")
    assert isinstance(scorer, LLMScorer)
    assert scorer.model_id == "tiny-chat"
    assert scorer.score_batch([PAIR])[0].support == 1.0


def test_parse_answer_takes_the_last_labelled_object() -> None:
    text = '{"label": "supported", "confidence": 0.1} {"label": "contradicted", "confidence": 0.9}'
    assert parse_answer(text) == ("contradicted", 0.9)
