"""``llm:MODEL``: a chat model behind any OpenAI-compatible server (vLLM, llama.cpp, Ollama, ...).

The model is asked for one JSON object, ``{"label": "supported" | "contradicted" |
"not_enough_info", "confidence": 0..1}``, at temperature 0. An answer that cannot be read, or a
server that fails, raises ModelError: a score is never invented, defaulted or drawn at random
(MiniCheck's ``inference.py`` returns a random label when parsing fails; we must not).

The answer becomes a PairScore by giving the named label its confidence and splitting the rest
evenly between the two other labels: the model said nothing about how the remainder divides, and
putting all of it on "supported" would make a hesitant "contradicted" or "not enough info" look
half-supported.

Only the standard library is used (urllib), so the extra costs no dependency.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sourcecheck.errors import ConfigError, ModelError, one_line
from sourcecheck.score.base import Pair, PairScore, Scorer

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
BASE_URL_ENV = "SOURCECHECK_LLM_BASE_URL"
API_KEY_ENV = "SOURCECHECK_LLM_API_KEY"

LABELS = ("supported", "contradicted", "not_enough_info")

SYSTEM_PROMPT = (
    "You check whether a source passage supports a claim. Judge only from the passage, not "
    'from what you know. Labels: "supported" - the passage states or directly implies the '
    'claim; "contradicted" - the passage states something incompatible with the claim; '
    '"not_enough_info" - neither. Reply with one JSON object and nothing else: '
    '{"label": "supported" | "contradicted" | "not_enough_info", '
    '"confidence": <number from 0 to 1 that the label is right>}'
)


def user_prompt(pair: Pair) -> str:
    return f"Passage:\n<<<\n{pair.passage}\n>>>\n\nClaim:\n<<<\n{pair.claim}\n>>>"


def _normalise_label(label: str) -> str:
    return "_".join(label.strip().lower().replace("-", " ").replace("_", " ").split())


def _json_objects(text: str) -> list[dict[str, Any]]:
    """Every JSON object embedded in ``text`` (models wrap answers in prose or code fences)."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    start = text.find("{")
    while start != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            found.append(value)
        start = text.find("{", end)
    return found


def parse_answer(content: str) -> tuple[str, float]:
    """(label, confidence) from the model's reply; ValueError saying what is wrong otherwise.

    The last JSON object with a ``label`` counts (a reasoning model may think aloud first).
    """
    answers = [obj for obj in _json_objects(content) if "label" in obj]
    if not answers:
        raise ValueError(f"no JSON object with a label in the answer {one_line(content, 80)!r}")
    answer = answers[-1]
    raw_label = answer["label"]
    label = _normalise_label(raw_label) if isinstance(raw_label, str) else ""
    if label not in LABELS:
        raise ValueError(f"label {raw_label!r} is not one of {', '.join(LABELS)}")
    if "confidence" not in answer:
        raise ValueError("the answer has no confidence")
    raw_conf = answer["confidence"]
    try:
        if isinstance(raw_conf, bool):
            raise ValueError
        confidence = float(raw_conf)
    except (TypeError, ValueError):
        raise ValueError(f"confidence {raw_conf!r} is not a number") from None
    if not 0.0 <= confidence <= 1.0:  # also rejects NaN
        raise ValueError(f"confidence {raw_conf!r} is not between 0 and 1")
    return label, confidence


def to_pair_score(label: str, confidence: float) -> PairScore:
    """The named label gets ``confidence``; the other two share the rest evenly."""
    rest = (1.0 - confidence) / 2
    if label == "supported":
        return PairScore(support=confidence, contradiction=rest)
    if label == "contradicted":
        return PairScore(support=rest, contradiction=confidence)
    return PairScore(support=rest, contradiction=rest)


class LLMScorer(Scorer):
    """A chat model as a verifier, one request per pair, ``concurrency`` requests at a time."""

    name = "sourcecheck.llm.v1"

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_tokens: int = 256,
        concurrency: int = 4,
    ) -> None:
        if not model:
            raise ConfigError("llm: needs a model name, e.g. llm:qwen2.5-7b-instruct")
        if timeout <= 0:
            raise ConfigError(f"timeout must be positive, not {timeout}")
        if max_tokens < 1:
            raise ConfigError(f"max_tokens must be at least 1, not {max_tokens}")
        if concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, not {concurrency}")
        base = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        parts = urllib.parse.urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"{BASE_URL_ENV} must be an http(s) URL such as {DEFAULT_BASE_URL}, not {base!r}"
            )
        self.model_id = model
        self.base_url = base
        self._api_key = api_key if api_key is not None else os.environ.get(API_KEY_ENV) or None
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.concurrency = concurrency

    def describe(self) -> dict[str, object]:
        info = super().describe()
        # Never the key: the report is shared.
        info.update(base_url=self.base_url, temperature=0, labels=list(LABELS))
        return info

    def _fail(self, problem: str) -> ModelError:
        return ModelError(f"llm model {self.model_id!r} at {self.base_url}: {problem}")

    def request_body(self, pair: Pair) -> dict[str, Any]:
        return {
            "model": self.model_id,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": user_prompt(pair)},
            ],
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions",
            data=json.dumps(body).encode("utf-8"),
            headers=headers,
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace") if exc.fp else ""
            raise self._fail(f"server answered HTTP {exc.code}: {one_line(detail, 160)}") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise self._fail(f"no answer within {self.timeout:g} s") from exc
            raise self._fail(
                f"cannot reach the server ({one_line(str(exc.reason), 160)}); start an "
                f"OpenAI-compatible server there or set {BASE_URL_ENV}"
            ) from exc
        except TimeoutError as exc:
            raise self._fail(f"no answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise self._fail(f"connection failed: {one_line(str(exc), 160)}") from exc
        try:
            data = json.loads(raw)
        except ValueError as exc:
            text = raw.decode("utf-8", "replace")
            raise self._fail(f"the response is not JSON: {one_line(text, 80)!r}") from exc
        if not isinstance(data, dict):
            raise self._fail("the response is not a JSON object")
        return data

    def score_one(self, pair: Pair) -> PairScore:
        data = self._post(self.request_body(pair))
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise self._fail(f"the response has no choices: {one_line(json.dumps(data), 80)}")
        message = choices[0].get("message")
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, str) or not content.strip():
            raise self._fail("the answer is empty")
        try:
            label, confidence = parse_answer(content)
        except ValueError as exc:
            problem = str(exc)
            if choices[0].get("finish_reason") == "length":
                problem += f" (cut off at max_tokens={self.max_tokens})"
            raise self._fail(problem) from None
        return to_pair_score(label, confidence)

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        if self.concurrency == 1 or len(pairs) <= 1:
            return [self.score_one(p) for p in pairs]
        pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(pairs)))
        try:
            # map keeps the order, and re-raises the first error when its result is reached.
            return list(pool.map(self.score_one, pairs))
        finally:
            # After an error, requests not yet sent are dropped rather than waited for.
            pool.shutdown(wait=True, cancel_futures=True)


def make_llm_scorer(arg: str) -> LLMScorer:
    """Factory for ``--model llm:MODEL``; server and key come from the environment."""
    return LLMScorer(arg.strip())
