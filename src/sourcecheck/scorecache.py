"""Scores by (model, claim hash, passage hash): a passage is never scored twice for the
same claim text by the same model: in memory for the process and, with a store (the
``scores`` table of :mod:`sourcecheck.store`), across processes and restarts."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.store import ScoreKey, StoredScore

__all__ = ["ScoreCache", "ScoreKey", "ScoreStore"]


class ScoreStore(Protocol):
    """A persistent layer under :class:`ScoreCache` (the service keeps one in SQLite)."""

    def get_many(self, keys: Sequence[ScoreKey]) -> Mapping[ScoreKey, PairScore | StoredScore]: ...

    def put_many(self, items: Iterable[tuple[ScoreKey, PairScore]]) -> None: ...


class ScoreCache:
    """Scores by (model, claim hash, passage hash): a passage is never scored twice for
    the same claim text by the same model, across checks in one process — and, with a
    ``store``, across processes and restarts (each batch is written as soon as scored)."""

    def __init__(self, size: int = 500_000, store: ScoreStore | None = None) -> None:
        self._data: OrderedDict[ScoreKey, PairScore] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()
        self.store = store

    @staticmethod
    def key(model: str, pair: Pair) -> ScoreKey:
        def h(text: str) -> bytes:
            return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()

        return (model, h(pair.claim), h(pair.passage))

    def score(self, scorer: Scorer, pairs: Sequence[Pair], batch_size: int) -> list[PairScore]:
        model = f"{scorer.name}|{scorer.model_id}"
        keys = [self.key(model, p) for p in pairs]
        out: list[PairScore | None] = []
        with self._lock:
            for k in keys:
                hit = self._data.get(k)
                out.append(hit)
        todo = [i for i, s in enumerate(out) if s is None]
        if todo and self.store is not None:
            stored = self.store.get_many([keys[i] for i in todo])
            with self._lock:
                for i in todo:
                    row = stored.get(keys[i])
                    if row is not None:
                        hit = PairScore(row.support, row.contradiction, row.truncated)
                        out[i] = hit
                        self._data[keys[i]] = hit
            todo = [i for i in todo if out[i] is None]
        for b in range(0, len(todo), batch_size):
            idx = todo[b : b + batch_size]
            scores = scorer.score_batch([pairs[i] for i in idx])
            if len(scores) != len(idx):
                raise RuntimeError(f"scorer {scorer.name} returned {len(scores)} for {len(idx)}")
            with self._lock:
                for i, s in zip(idx, scores, strict=True):
                    out[i] = s
                    self._data[keys[i]] = s
                while len(self._data) > self._size:
                    self._data.popitem(last=False)
            if self.store is not None:
                self.store.put_many((keys[i], s) for i, s in zip(idx, scores, strict=True))
        return [s for s in out if s is not None]
