"""Features of a claim–passage pair for the baseline verifier: small, named, documented.

``pair_features(pairs)`` returns one row per pair and the feature names. Each feature:

==================  =====================================================================
``same_language``   1 when claim and passage are in the same language (languages from the
                    pair, detected with :func:`sourcecheck.lang.detect_language` if None).
``coverage``        share of the claim's distinct content words (stemmed per language,
                    stopwords dropped, :mod:`sourcecheck.tokens`) found in the passage.
``bigram_coverage`` share of the claim's content-word bigrams found in the passage.
``longest_run``     longest run of consecutive claim content words that also appears
                    consecutively in the passage, over the claim's content-word count.
``names_missing``   share of the claim's capitalised names (not sentence-initial) that
                    the passage lacks (names of 4+ letters compared as prefixes, so that
                    "Stockholm" ~ "Stockholms").
                    Names survive translation, so this one is kept across languages.
``has_numbers``     1 when the claim mentions numbers (:mod:`sourcecheck.numbers`).
``numbers_missing`` share of the claim's numbers with no equal number in the passage.
``number_conflict`` 1 when a claim number is missing and the passage has a number of the
                    same kind and unit with another value ("3.8 million" vs "4.1 miljoner").
``negation_mismatch`` 1 when exactly one of claim and passage has a negation cue (not,
                    never, no, without ... / inte, ej, aldrig, ingen, utan ...). For the
                    passage, the sentence sharing most content words with the claim is
                    what counts (the whole passage across languages).
``negation_flip``   ``negation_mismatch`` times ``relevance``: a flipped negation matters
                    when the passage is about the claim.
``number_flip``     ``number_conflict`` times ``relevance``.
``dense_cosine``    cosine between the e5 query embedding of the claim and the passage's
                    vector (multilingual: works across languages): the normalised sum of
                    its sentences' passage embeddings, as the index builds a two-sentence
                    window's vector (:func:`passage_vectors`).
``relevance``       ``dense_cosine`` rescaled and clipped (below): a hinge that lets a
                    linear head treat unrelated text differently from related text.
``claim_length``    log(1 + number of claim content words): long claims are rarely
                    supported in full by one passage.
``cross_relevance`` ``relevance`` of a cross-language pair (0 within one language): lets
                    the linear head weigh dense similarity more where it is the only
                    evidence of meaning.
==================  =====================================================================

``relevance`` is ``dense_cosine`` mapped linearly from [0.80, 0.95] onto [0, 1] and clipped.
With e5-small, unrelated text sits below about 0.80 (training claims against random
passages: median 0.75, 90th percentile 0.80) and 0.95 is the 95th percentile of the
training pairs themselves.

Across languages e5 squeezes its scale: a claim meets the Swedish translation of its
evidence at a lower cosine than the English original, and unrelated Swedish text at a
higher one. :class:`CrossLanguageMap` (fitted by the training script on the project's own
parallel sentences, ``training/data/parallel_en_sv.tsv``, and shipped in the weights) maps
a cross-language cosine back onto the same-language scale before ``dense_cosine`` and
``relevance`` are computed.

``coverage``, ``bigram_coverage`` and ``longest_run`` are *lexical*: they are multiplied by
``same_language``, so they count only when claim and passage share a language. An English
claim against a Swedish passage is judged on dense similarity, names, numbers and
negation. :func:`as_cross_language` turns same-language rows into what they would be
across languages (for training the model on that regime).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import DIM, default_embedder
from sourcecheck.errors import ModelError
from sourcecheck.lang import detect_language
from sourcecheck.model import NumberMention
from sourcecheck.score.base import Pair
from sourcecheck.tokens import NEGATIONS_V1, content_tokens, negation_count, words

Vectors = npt.NDArray[np.float32]


class TextEmbedder(Protocol):
    """What the features need from an embedder (``sourcecheck.embed.Embedder`` fits)."""

    def queries(self, texts: Sequence[str]) -> Vectors: ...

    def passages(self, texts: Sequence[str]) -> Vectors: ...


class DiskCachedEmbedder:
    """An embedder that keeps every vector it computes in ``folder`` (``.npz`` shards),
    so that training and benchmark runs embed a text once across processes. For
    development runs only: the product uses the in-memory cache of ``Embedder``."""

    def __init__(
        self, folder: str | Path, inner: TextEmbedder | None = None, shard_size: int = 2000
    ) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.inner: TextEmbedder = inner if inner is not None else default_embedder()
        self.shard_size = shard_size
        self._store: dict[bytes, Vectors] = {}
        self._pending: dict[bytes, Vectors] = {}
        for shard in sorted(self.folder.glob("shard-*.npz")):
            with np.load(shard) as data:
                for key, vec in zip(data["keys"], data["vecs"], strict=True):
                    self._store[bytes(key)] = vec
        self.computed = 0

    def __len__(self) -> int:
        return len(self._store)

    @staticmethod
    def key(text: str, *, is_query: bool) -> bytes:
        return hashlib.sha1((("q:" if is_query else "p:") + text).encode("utf-8")).digest()

    def queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=True)

    def passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, is_query=False)

    def _embed(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        keys = [self.key(t, is_query=is_query) for t in texts]
        missing: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in self._store and key not in missing:
                missing[key] = text
        if missing:
            todo = list(missing)
            batch = [missing[k] for k in todo]
            vecs = self.inner.queries(batch) if is_query else self.inner.passages(batch)
            for key, vec in zip(todo, vecs, strict=True):
                self._store[key] = vec
                self._pending[key] = vec
            self.computed += len(todo)
            if len(self._pending) >= self.shard_size:
                self.flush()
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = self._store[key]
        return out

    def flush(self) -> None:
        """Write the vectors computed since the last flush as a new shard."""
        if not self._pending:
            return
        name = f"shard-{time.time_ns()}-{os.getpid()}"
        keys = np.array(list(self._pending), dtype="S20")
        vecs = np.stack(list(self._pending.values())).astype(np.float32)
        tmp = self.folder / f".{name}.tmp.npz"
        np.savez(tmp, keys=keys, vecs=vecs)
        tmp.rename(self.folder / f"{name}.npz")
        self._pending.clear()


FEATURE_NAMES: tuple[str, ...] = (
    "same_language",
    "coverage",
    "bigram_coverage",
    "longest_run",
    "names_missing",
    "has_numbers",
    "numbers_missing",
    "number_conflict",
    "negation_mismatch",
    "negation_flip",
    "number_flip",
    "dense_cosine",
    "relevance",
    "claim_length",
    "cross_relevance",
)
RELEVANCE_FLOOR = 0.80
RELEVANCE_CEILING = 0.95
#: Features that only count when claim and passage share a language.
LEXICAL_FEATURES: frozenset[str] = frozenset({"coverage", "bigram_coverage", "longest_run"})

FeatureMatrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class _Analysis:
    """What the features need to know about one text in one language."""

    stems: tuple[str, ...]
    bigrams: frozenset[tuple[str, str]]
    words: frozenset[str]
    names: tuple[str, ...]
    negated: bool
    #: per sentence: its content stems, whether it has a negation cue, its words and the
    #: values of its numbers (names and numbers match a sentence across languages)
    sentences: tuple[tuple[frozenset[str], bool, frozenset[str], frozenset[float]], ...]
    numbers: tuple[NumberMention, ...]


@lru_cache(maxsize=65_536)
def _analyse(text: str, language: str | None) -> _Analysis:
    from sourcecheck.numbers import find_numbers

    stems = tuple(content_tokens(text, language))
    return _Analysis(
        stems=stems,
        bigrams=frozenset(pairwise(stems)),
        words=frozenset(words(text)),
        names=_names(text),
        negated=negation_count(text, language, NEGATIONS_V1) > 0,
        numbers=tuple(find_numbers(text, language)),
        sentences=tuple(
            (
                frozenset(content_tokens(part, language)),
                negation_count(part, language, NEGATIONS_V1) > 0,
                frozenset(words(part)),
                frozenset(n.value for n in find_numbers(part, language)),
            )
            for part in _SENTENCE_END.split(text)
            if part.strip()
        ),
    )


#: A cheap sentence split for locating negations (no offsets are needed here).
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _passage_negated(claim: _Analysis, passage: _Analysis, same: bool) -> bool:
    """Whether the part of the passage that matches the claim is negated: the sentence(s)
    with most claim content words (across languages: most of the claim's names and
    numbers), or the whole passage if nothing can be matched."""
    if len(passage.sentences) < 2:
        return passage.negated
    if same and claim.stems:
        wanted = set(claim.stems)
        overlaps = [len(wanted & sent[0]) for sent in passage.sentences]
    else:
        values = {n.value for n in claim.numbers}
        overlaps = [
            sum(1 for name in claim.names if _name_found(name, sent[2])) + len(values & sent[3])
            for sent in passage.sentences
        ]
    best = max(overlaps)
    if best == 0:
        return passage.negated
    return any(sent[1] for sent, o in zip(passage.sentences, overlaps, strict=True) if o == best)


def _names(text: str) -> tuple[str, ...]:
    """Lowercased capitalised words that do not start a sentence (a cheap proper-noun
    guess that needs no tagger and works the same in English and Swedish)."""
    found: list[str] = []
    sentence_start = True
    for raw in text.split():
        word = raw.strip("\"'“”‘’()[]{}«»,;:")
        if word and word[0].isupper() and not sentence_start and len(word) > 1 and word.isalpha():
            found.append(word.lower())
        sentence_start = raw.endswith((".", "!", "?", ":"))
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=65_536)
def _language(text: str) -> str | None:
    return detect_language(text)


def _longest_run(claim: Sequence[str], passage: Sequence[str]) -> int:
    """Length of the longest common contiguous token run (dynamic programming over the
    positions where tokens match, so it costs O(matches) rather than O(m * n))."""
    if not claim or not passage:
        return 0
    positions: dict[str, list[int]] = {}
    for j, token in enumerate(passage):
        positions.setdefault(token, []).append(j)
    best = 0
    previous: dict[int, int] = {}
    for token in claim:
        current: dict[int, int] = {}
        for j in positions.get(token, ()):
            run = previous.get(j - 1, 0) + 1
            current[j] = run
            best = max(best, run)
        previous = current
    return best


def _numbers_equal(a: NumberMention, b: NumberMention) -> bool:
    from sourcecheck.numbers import numbers_equal

    return numbers_equal(a, b)


def _number_features(claim: _Analysis, passage: _Analysis) -> tuple[float, float, float]:
    if not claim.numbers:
        return 0.0, 0.0, 0.0
    missing = [n for n in claim.numbers if not any(_numbers_equal(n, m) for m in passage.numbers)]
    conflict = any(m.kind == n.kind and m.unit == n.unit for n in missing for m in passage.numbers)
    return 1.0, len(missing) / len(claim.numbers), float(conflict)


def _names_missing(claim: _Analysis, passage: _Analysis) -> float:
    if not claim.names:
        return 0.0
    missing = sum(1 for name in claim.names if not _name_found(name, passage.words))
    return missing / len(claim.names)


def _name_found(name: str, passage_words: frozenset[str]) -> bool:
    """Exact for short names ("EU", "SVT"); as a prefix for longer ones, so that Swedish
    genitives and inflections count ("Vattenfall" ~ "Vattenfalls")."""
    if name in passage_words:
        return True
    return len(name) >= 4 and any(w.startswith(name) for w in passage_words)


def _row(claim: _Analysis, passage: _Analysis, same: bool, cosine: float) -> list[float]:
    n = len(claim.stems)
    if same and n:
        have = set(passage.stems)
        distinct = set(claim.stems)
        coverage = len(distinct & have) / len(distinct)
        claim_bigrams = set(pairwise(claim.stems))
        bigram = (
            len(claim_bigrams & passage.bigrams) / len(claim_bigrams) if claim_bigrams else coverage
        )
        run = _longest_run(claim.stems, passage.stems) / n
    else:
        coverage = bigram = run = 0.0
    has_numbers, numbers_missing, conflict = _number_features(claim, passage)
    mismatch = float(claim.negated != _passage_negated(claim, passage, same))
    relevance = min(
        max((cosine - RELEVANCE_FLOOR) / (RELEVANCE_CEILING - RELEVANCE_FLOOR), 0.0), 1.0
    )
    return [
        float(same),
        coverage,
        bigram,
        run,
        _names_missing(claim, passage),
        has_numbers,
        numbers_missing,
        conflict,
        mismatch,
        mismatch * relevance,
        conflict * relevance,
        cosine,
        relevance,
        math.log1p(n),
        0.0 if same else relevance,
    ]


@dataclass(frozen=True)
class CrossLanguageMap:
    """An affine map of cross-language cosines onto the same-language scale: the
    background (unrelated pairs) and matched (claim vs its evidence) means of the
    cross-language cosines go to those of the same-language ones."""

    background_cross: float
    matched_cross: float
    background_same: float
    matched_same: float

    def __call__(self, cosine: float) -> float:
        slope = (self.matched_same - self.background_same) / (
            self.matched_cross - self.background_cross
        )
        return self.background_same + (cosine - self.background_cross) * slope

    @classmethod
    def fit(cls, claims: Vectors, same: Vectors, cross: Vectors) -> CrossLanguageMap:
        """From row-aligned embeddings: claim queries, their evidence in the claim's
        language, and the same evidence translated."""
        off = ~np.eye(len(claims), dtype=bool)
        s = claims.astype(np.float64) @ same.astype(np.float64).T
        c = claims.astype(np.float64) @ cross.astype(np.float64).T
        return cls(
            background_cross=float(c[off].mean()),
            matched_cross=float(np.diag(c).mean()),
            background_same=float(s[off].mean()),
            matched_same=float(np.diag(s).mean()),
        )


#: Where the shipped cross-language map lives: the pair features' data file, which the
#: baseline's heads were fitted on too.
FEATURES_DATA = "baseline.json"


@lru_cache(maxsize=1)
def shipped_cross_map() -> CrossLanguageMap | None:
    """The cross-language map the shipped pair features use (``cross_language_dense`` in
    ``data/baseline.json``): the baseline scorer reads it with its heads, and the shipped
    verifier's stacked head was fitted on features computed through it."""
    where = resources.files("sourcecheck") / "data" / FEATURES_DATA
    try:
        raw = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{where}: cannot read the pair features' data: {exc}") from exc
    spec = raw.get("cross_language_dense")
    return CrossLanguageMap(**spec) if spec is not None else None


def passage_vectors(passages: Sequence[tuple[str, str | None]], embedder: TextEmbedder) -> Vectors:
    """One unit vector per ``(text, language)``: the normalised sum of the passage
    embeddings of its sentences (:func:`sourcecheck.segment.split_sentences`); a
    one-sentence passage's own embedding.

    The index gives a two-sentence window the same vector, from its two sentences, so the
    passages a check scores are embedded once, when their source is indexed. A window
    embedded as one text lies close to it: over the 257 windows of a 30-page Swedish report
    (``benchmarks/longpost.py``), cosine 0.978 at the median, 0.960 at the lowest."""
    from sourcecheck.segment import split_sentences

    spans: list[list[str]] = []
    for text, language in passages:
        parts = [text[a:b] for a, b in split_sentences(text, language)] if text.strip() else []
        spans.append(parts if len(parts) > 1 else [text])
    flat = [t for parts in spans for t in parts]
    vecs = np.asarray(embedder.passages(flat), dtype=np.float64)
    out = np.zeros((len(passages), DIM))
    at = 0
    for i, parts in enumerate(spans):
        out[i] = vecs[at : at + len(parts)].sum(axis=0)
        at += len(parts)
    norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    result: Vectors = (out / norms).astype(np.float32)
    return result


def pair_features(
    pairs: Sequence[Pair],
    embedder: TextEmbedder | None = None,
    cross_map: CrossLanguageMap | None = None,
) -> tuple[FeatureMatrix, list[str]]:
    """The feature matrix of ``pairs`` (one row per pair) and the feature names.

    Claims and passages are embedded in one batch each through ``embedder`` (the
    process-wide :func:`sourcecheck.embed.default_embedder` by default); cross-language
    cosines go through ``cross_map`` where one is given."""
    names = list(FEATURE_NAMES)
    if not pairs:
        return np.zeros((0, len(names))), names
    emb = embedder if embedder is not None else default_embedder()
    claim_vecs = emb.queries([p.claim for p in pairs])
    passage_vecs = passage_vectors([(p.passage, p.passage_language) for p in pairs], emb)
    cosines = np.einsum("ij,ij->i", claim_vecs.astype(np.float64), passage_vecs.astype(np.float64))
    rows: list[list[float]] = []
    for pair, cosine in zip(pairs, cosines, strict=True):
        claim_lang = pair.claim_language or _language(pair.claim)
        passage_lang = pair.passage_language or _language(pair.passage)
        # an undetectable language (a bare number, a name) is taken to match the other
        same = claim_lang is None or passage_lang is None or claim_lang == passage_lang
        claim = _analyse(pair.claim, claim_lang or passage_lang)
        passage = _analyse(pair.passage, passage_lang or claim_lang)
        aligned = float(cosine) if same or cross_map is None else cross_map(float(cosine))
        rows.append(_row(claim, passage, same, aligned))
    return np.asarray(rows, dtype=np.float64), names


def clear_caches() -> None:
    """Forget the per-text analyses (for timing runs that must start cold)."""
    _analyse.cache_clear()
    _language.cache_clear()


def as_cross_language(features: FeatureMatrix, names: Sequence[str]) -> FeatureMatrix:
    """``features`` as they would be if claim and passage were in different languages:
    ``same_language`` and the lexical features zeroed, everything else kept."""
    out = features.copy()
    for k, name in enumerate(names):
        if name == "same_language" or name in LEXICAL_FEATURES:
            out[:, k] = 0.0
        elif name == "cross_relevance":
            out[:, k] = features[:, list(names).index("relevance")]
    return out
