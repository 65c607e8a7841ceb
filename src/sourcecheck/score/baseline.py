"""The baseline verifier: two logistic-regression heads over :mod:`.features`.

The weights ship in ``sourcecheck/data/baseline.json`` (written by
``training/train_baseline.py``, which also records the data it was trained on, with
hashes and row counts). Inference is numpy only: standardise the features with the
stored mean and scale, then a sigmoid of the linear score. ``support`` is the support
head's probability; ``contradiction`` the contradiction head's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import MAX_CHARS as EMBED_MAX_CHARS
from sourcecheck.errors import ModelError
from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.score.features import (
    FEATURE_NAMES,
    CrossLanguageMap,
    FeatureMatrix,
    TextEmbedder,
    pair_features,
)

WEIGHTS_FORMAT = "sourcecheck/baseline-weights/v1"


@dataclass(frozen=True)
class Head:
    """One logistic-regression head over standardised features."""

    coef: npt.NDArray[np.float64]
    intercept: float
    #: (alpha, beta): cross-language pairs get sigmoid(alpha * z + beta) of the logit z,
    #: their own calibration, since their evidence is thinner (see the training script).
    cross_calibration: tuple[float, float] = (1.0, 0.0)

    def predict(
        self, standardised: FeatureMatrix, cross: npt.NDArray[np.bool_] | None = None
    ) -> npt.NDArray[np.float64]:
        z = standardised @ self.coef + self.intercept
        if cross is not None:
            alpha, beta = self.cross_calibration
            z = np.where(cross, alpha * z + beta, z)
        out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -40.0, 40.0)))
        return out


@dataclass(frozen=True)
class BaselineWeights:
    """The contents of ``baseline.json`` that inference needs."""

    feature_names: tuple[str, ...]
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    support: Head
    contradiction: Head
    raw: dict[str, Any]
    cross_map: CrossLanguageMap | None = None
    #: Decision thresholds chosen on out-of-fold training scores (see the weights file).
    thresholds: dict[str, float] | None = None


def default_weights_path() -> Path:
    return Path(str(resources.files("sourcecheck") / "data" / "baseline.json"))


def load_weights(path: str | Path | None = None) -> BaselineWeights:
    """Read and check a weights file (the shipped one by default)."""
    where = Path(path) if path is not None else default_weights_path()
    try:
        raw: dict[str, Any] = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{where}: cannot read the baseline weights: {exc}") from exc
    if raw.get("format") != WEIGHTS_FORMAT:
        raise ModelError(f"{where}: not a {WEIGHTS_FORMAT} file (format={raw.get('format')!r})")
    names = tuple(raw["feature_names"])
    if names != FEATURE_NAMES:
        raise ModelError(
            f"{where}: trained on features {list(names)}, but this version computes "
            f"{list(FEATURE_NAMES)}; retrain with training/train_baseline.py"
        )
    n = len(names)

    def vector(values: Sequence[float], what: str) -> npt.NDArray[np.float64]:
        arr = np.asarray(values, dtype=np.float64)
        if arr.shape != (n,):
            raise ModelError(f"{where}: {what} has {arr.size} values, expected {n}")
        return arr

    def head(key: str) -> Head:
        spec = raw[key]
        alpha, beta = spec.get("cross_language_calibration", (1.0, 0.0))
        return Head(
            coef=vector(spec["coef"], f"{key}.coef"),
            intercept=float(spec["intercept"]),
            cross_calibration=(float(alpha), float(beta)),
        )

    scale = vector(raw["scale"], "scale")
    if np.any(scale <= 0):
        raise ModelError(f"{where}: scale must be positive")
    return BaselineWeights(
        feature_names=names,
        mean=vector(raw["mean"], "mean"),
        scale=scale,
        support=head("support"),
        contradiction=head("contradiction"),
        raw=raw,
        cross_map=CrossLanguageMap(**raw["cross_language_dense"])
        if "cross_language_dense" in raw
        else None,
        thresholds={k: float(v) for k, v in raw["thresholds"].items()}
        if "thresholds" in raw
        else None,
    )


class BaselineScorer(Scorer):
    """Logistic regression over lexical, number, negation and dense-similarity features
    (multilingual: cross-language pairs rest on the dense and number features)."""

    name = "sourcecheck.baseline.v1"
    model_id = "sourcecheck-baseline-v1 (logistic regression over features; e5-small)"
    max_length = None

    def __init__(
        self, weights_path: str | Path | None = None, embedder: TextEmbedder | None = None
    ) -> None:
        self.weights = load_weights(weights_path)
        self.embedder = embedder
        if self.weights.thresholds:
            self.support_threshold = self.weights.thresholds["support"]
            self.partial_threshold = self.weights.thresholds["partial"]
            self.contradiction_threshold = self.weights.thresholds["contradiction"]

    def features(self, pairs: Sequence[Pair]) -> FeatureMatrix:
        matrix, _ = pair_features(pairs, self.embedder, self.weights.cross_map)
        return matrix

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        if not pairs:
            return []
        raw = self.features(pairs)
        cross = raw[:, FEATURE_NAMES.index("same_language")] < 0.5
        x = (raw - self.weights.mean) / self.weights.scale
        support = self.weights.support.predict(x, cross)
        contradiction = self.weights.contradiction.predict(x, cross)
        # The embedder cuts text at its window; the lexical features still see it all.
        return [
            PairScore(
                support=float(s),
                contradiction=float(c),
                truncated=len(p.claim) > EMBED_MAX_CHARS or len(p.passage) > EMBED_MAX_CHARS,
            )
            for p, s, c in zip(pairs, support, contradiction, strict=True)
        ]

    def describe(self) -> dict[str, object]:
        info = super().describe()
        # Rows per training set; hashes and the rest are in the weights file and its card.
        sets = self.weights.raw.get("training", {}).get("sets", {})
        info["trained_on"] = {name: spec.get("rows") for name, spec in sets.items()}
        return info
