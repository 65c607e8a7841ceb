"""Evaluation metrics in plain numpy (scikit-learn is a development dependency only).

Labels are 0/1 with 1 = supported; scores are higher-is-more-supported. A prediction
is positive when ``score >= threshold``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sourcecheck.score.base import Pair, Scorer

FloatArray = npt.NDArray[np.float64]
ArrayLike = Sequence[float] | npt.NDArray[np.floating] | npt.NDArray[np.integer]


@dataclass(frozen=True)
class Confusion:
    """Counts of a binary confusion matrix (positive = supported)."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def recall_positive(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def recall_negative(self) -> float:
        return self.tn / (self.tn + self.fp) if self.tn + self.fp else float("nan")


@dataclass(frozen=True)
class Interval:
    """A point estimate with a bootstrap confidence interval."""

    value: float
    low: float
    high: float


def _arrays(labels: ArrayLike, scores: ArrayLike) -> tuple[FloatArray, FloatArray]:
    y = np.asarray(labels, dtype=np.float64).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"labels ({y.size}) and scores ({s.size}) differ in length")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    return y, s


def confusion(labels: ArrayLike, scores: ArrayLike, threshold: float) -> Confusion:
    """The confusion matrix of predicting ``score >= threshold`` as positive."""
    y, s = _arrays(labels, scores)
    pred = s >= threshold
    pos = y == 1
    return Confusion(
        tp=int(np.sum(pred & pos)),
        fp=int(np.sum(pred & ~pos)),
        tn=int(np.sum(~pred & ~pos)),
        fn=int(np.sum(~pred & pos)),
    )


def balanced_accuracy(labels: ArrayLike, scores: ArrayLike, threshold: float) -> float:
    """Mean of the recall of the positive and of the negative class."""
    c = confusion(labels, scores, threshold)
    return (c.recall_positive + c.recall_negative) / 2


def roc_auc(labels: ArrayLike, scores: ArrayLike) -> float:
    """Area under the ROC curve by the rank (Mann–Whitney U) formula, ties averaged."""
    y, s = _arrays(labels, scores)
    n_pos = int(np.sum(y == 1))
    n_neg = y.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="mergesort")
    sorted_s = s[order]
    ranks = np.empty(y.size, dtype=np.float64)
    # average 1-based ranks over runs of tied scores
    boundaries = np.flatnonzero(np.diff(sorted_s)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [y.size]))
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + end + 1) / 2
    rank_sum = float(np.sum(ranks[y == 1]))
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def best_threshold(labels: ArrayLike, scores: ArrayLike) -> float:
    """The threshold that maximises balanced accuracy on (``labels``, ``scores``):
    the midpoint between the two scores where the best cut falls."""
    y, s = _arrays(labels, scores)
    candidates = np.unique(s)
    if candidates.size == 1:
        return float(candidates[0])
    n_pos = max(int(np.sum(y == 1)), 1)
    n_neg = max(int(np.sum(y == 0)), 1)
    order = np.argsort(-s, kind="mergesort")
    ys, ss = y[order], s[order]
    tp = np.cumsum(ys)
    fp = np.cumsum(1 - ys)
    last_of_run = np.flatnonzero(np.r_[ss[1:] != ss[:-1], True])
    bacc = (tp[last_of_run] / n_pos + (n_neg - fp[last_of_run]) / n_neg) / 2
    k = int(np.argmax(bacc))
    cut = last_of_run[k]
    if cut + 1 >= ss.size:  # everything predicted positive
        return float(ss[cut])
    return float((ss[cut] + ss[cut + 1]) / 2)


def bootstrap_ci(
    metric: Callable[[FloatArray, FloatArray], float],
    labels: ArrayLike,
    scores: ArrayLike,
    *,
    n: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> Interval:
    """Percentile bootstrap interval of ``metric(labels, scores)`` over resampled rows."""
    y, s = _arrays(labels, scores)
    rng = np.random.default_rng(seed)
    values: list[float] = []
    for _ in range(n):
        idx = rng.integers(0, y.size, y.size)
        value = metric(y[idx], s[idx])
        if not np.isnan(value):
            values.append(value)
    alpha = (1 - level) / 2
    return Interval(
        value=metric(y, s),
        low=float(np.quantile(values, alpha)) if values else float("nan"),
        high=float(np.quantile(values, 1 - alpha)) if values else float("nan"),
    )


def expected_calibration_error(labels: ArrayLike, probs: ArrayLike, bins: int = 10) -> float:
    """Expected calibration error over ``bins`` equal-width probability bins."""
    y, p = _arrays(labels, probs)
    if y.size == 0:
        return float("nan")
    which = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if np.any(mask):
            total += float(np.sum(mask)) * abs(float(np.mean(p[mask])) - float(np.mean(y[mask])))
    return total / y.size


#: How a claim of several sentences is scored (see :func:`score_documents`).
PER_SENTENCE = "mean over the claim's sentences of each sentence's best passage"
WHOLE_CLAIM = "the whole claim's best passage"


def claim_parts(claim: str, language: str | None = None) -> list[str]:
    """The sentences of ``claim`` (the claim itself when it has one), cut as documents are
    cut into passages (:func:`.datasets.sentence_spans`, sentencex). Not the pipeline's
    :func:`sourcecheck.segment.split_sentences`: that one joins a sentence that starts in
    lower case to the one before (an abbreviation, in real text), and the summaries of
    FRANK and SummaC are lower-cased ("... north carolina . the home featured ...")."""
    from sourcecheck.evaluate.datasets import sentence_spans

    spans = sentence_spans(claim, language)
    if len(spans) < 2:
        return [claim]
    return [claim[start:end] for start, end in spans]


def score_documents(
    scorer: Scorer,
    documents: Sequence[tuple[str, Sequence[str]]],
    *,
    claim_language: str | None = None,
    passage_language: str | None = None,
    batch_size: int = 512,
    per_sentence: bool = True,
) -> tuple[list[float], int]:
    """Each claim's support by its document, and the number of pairs scored.

    A sentence's support is the highest over the document's passages (0.0 for a document
    without passages). With ``per_sentence`` (the default) a claim of several sentences is
    cut into them (:func:`claim_parts`), as ``sourcecheck check`` checks an article sentence
    by sentence, and its score is the mean of its sentences' supports (SummaC-ZS, Laban et
    al. 2022: a summary sentence that no passage supports pulls the score down by its
    share); otherwise the whole claim is one query. One-sentence claims score the same
    either way."""
    parts = [
        claim_parts(claim, claim_language) if per_sentence else [claim] for claim, _ in documents
    ]
    pairs: list[Pair] = []
    owner: list[tuple[int, int]] = []
    for k, ((_, passages), sentences) in enumerate(zip(documents, parts, strict=True)):
        for j, sentence in enumerate(sentences):
            for passage in passages:
                pairs.append(Pair(sentence, passage, claim_language, passage_language))
                owner.append((k, j))
    best = [[0.0] * len(sentences) for sentences in parts]
    for start in range(0, len(pairs), batch_size):
        chunk = pairs[start : start + batch_size]
        for (k, j), score in zip(
            owner[start : start + batch_size], scorer.score_batch(chunk), strict=True
        ):
            best[k][j] = max(best[k][j], score.support)
    return [sum(b) / len(b) for b in best], len(pairs)


def document_score(
    scorer: Scorer,
    claim: str,
    passages: Sequence[str],
    *,
    claim_language: str | None = None,
    passage_language: str | None = None,
    per_sentence: bool = True,
) -> float:
    """The support of ``claim`` by a document (:func:`score_documents`), in one batch."""
    return document_scores(
        scorer,
        [(claim, passages)],
        claim_language=claim_language,
        passage_language=passage_language,
        per_sentence=per_sentence,
    )[0]


def document_scores(
    scorer: Scorer,
    documents: Sequence[tuple[str, Sequence[str]]],
    *,
    claim_language: str | None = None,
    passage_language: str | None = None,
    batch_size: int = 512,
    per_sentence: bool = True,
) -> list[float]:
    """:func:`score_documents` without the pair count."""
    return score_documents(
        scorer,
        documents,
        claim_language=claim_language,
        passage_language=passage_language,
        batch_size=batch_size,
        per_sentence=per_sentence,
    )[0]
