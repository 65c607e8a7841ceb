"""Which sentences are claims: a learned check-worthiness score.

The rule filter in :mod:`sourcecheck.claims` drops what is plainly not a claim (questions,
greetings, fragments); it keeps nearly every opinion, joke and exhortation, and each
costs model time and buries the sentences a fact-checker came for. This model scores the
rest: a logistic regression over the sentence's multilingual-e5 vector (the very vector
retrieval embeds the claim with, so a kept claim costs nothing extra) and three
structural features (a digit, the length, a question mark). It is trained by
``training/train_worthiness.py`` on English ClaimBuster sentences; the multilingual
embedding carries it to the other languages, which ``benchmarks/checkworthiness.py``
measures on a Swedish set the project wrote. Its card is ``data/worthiness-card.md``.

The multilingual embedding places a sentence and its translation close, but not at the
same point: each language sits at an offset of its own, and a classifier fitted mostly on
English reads that offset as evidence (before, a Swedish opinion scored as if it were
half a claim). The model therefore carries, per language, the mean difference between
sentences in that language and their English translations (measured on parallel news
and everyday sentences at training time), and subtracts it from a sentence's vector
before it scores (the held-out rows that choose the threshold are scored the same way;
the training rows keep their own vectors). A language without an offset (English, or one
the parallel data lacks) is scored as it is.

The threshold is chosen for a fact-checker: missing a claim costs more than checking an
opinion, so it is set to keep 95% of check-worthy sentences on held-out data.
A sentence that cites a source or quotes one is always kept: its author points at
evidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import MODEL_ID as EMBED_MODEL_ID
from sourcecheck.embed import Embedder
from sourcecheck.errors import ModelError
from sourcecheck.lang import table_code
from sourcecheck.modelfile import load_json_model

EXTRA_FEATURES = ("has_digit", "log_words", "question")
_WORD = re.compile(r"\w+")


def extra_features(text: str) -> list[float]:
    words = len(_WORD.findall(text))
    return [
        1.0 if any(ch.isdigit() for ch in text) else 0.0,
        math.log1p(words) / 3.0,
        1.0 if text.rstrip().endswith("?") else 0.0,
    ]


def feature_matrix(
    texts: Sequence[str], vectors: npt.NDArray[np.floating]
) -> npt.NDArray[np.float64]:
    """The model's inputs: each sentence's e5 query vector, then the extra features."""
    extra = np.asarray([extra_features(t) for t in texts], dtype=np.float64).reshape(
        len(texts), len(EXTRA_FEATURES)
    )
    return np.hstack([np.asarray(vectors, dtype=np.float64), extra])


@dataclass(frozen=True)
class WorthinessModel:
    model_id: str
    embedder: str
    weights: npt.NDArray[np.float64]
    bias: float
    #: Probability at or above which a sentence is kept as a claim.
    threshold: float
    #: Per language (ISO 639-1), the vector subtracted before scoring.
    offsets: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)

    def probabilities(
        self,
        texts: Sequence[str],
        embedder: Embedder,
        languages: Sequence[str | None] | None = None,
    ) -> list[float]:
        """P(check-worthy) for each sentence (embedded as queries, as retrieval does), in
        ``languages`` (one per sentence; None where unknown)."""
        if not texts:
            return []
        vectors = np.asarray(embedder.queries(list(texts)), dtype=np.float64)
        if languages is not None and self.offsets:
            vectors = vectors - self.language_offsets(languages, vectors.shape[1])
        x = feature_matrix(texts, vectors)
        z = x @ self.weights + self.bias
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]

    def language_offsets(
        self, languages: Sequence[str | None], dim: int
    ) -> npt.NDArray[np.float64]:
        """One row per sentence: its language's offset, zeros where there is none."""
        out = np.zeros((len(languages), dim), dtype=np.float64)
        for i, lang in enumerate(languages):
            offset = self.offsets.get(table_code(lang) or "")
            if offset is not None:
                out[i] = offset
        return out


def load_worthiness(path: str | None = None) -> WorthinessModel:
    model, where = load_json_model(
        path, "worthiness.json", "check-worthiness model", _worthiness_model
    )
    if model.embedder != EMBED_MODEL_ID:
        raise ModelError(
            f"{where}: the check-worthiness model was trained on {model.embedder}, "
            f"not on {EMBED_MODEL_ID}"
        )
    return model


def _worthiness_model(data: dict[str, Any]) -> WorthinessModel:
    weights = np.asarray(data["weights"], dtype=np.float64)
    model = WorthinessModel(
        model_id=str(data["model_id"]),
        embedder=str(data["embedder"]),
        weights=weights,
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
        offsets={
            str(lang): np.asarray(vec, dtype=np.float64)
            for lang, vec in (data.get("language_offsets") or {}).items()
        },
    )
    if any(v.shape != (len(weights) - len(EXTRA_FEATURES),) for v in model.offsets.values()):
        raise ValueError("a language offset does not match the embedding's size")
    return model


@lru_cache(maxsize=1)
def default_worthiness() -> WorthinessModel:
    """The model shipped in the package."""
    return load_worthiness()
