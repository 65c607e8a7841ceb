"""A learned stance for each comment of a thread: ``agrees``, ``disputes``, ``asks`` or
``comments``, read from the comment's own wording and from what the verifier says of the
comment against its target.

The rules of :func:`sourcecheck.thread.decide_stance` read a handful of signals through
thresholds chosen by hand on seven threads; they miss most agreement ("Stämmer, jag
kollade samma tabell" has no support the verifier can see) and call evaluative outrage a
dispute. This model is a multinomial logistic regression (``data/stance.json``) over:

- the comment's multilingual-e5 query vector, less its language's offset (the same
  per-language offsets the check-worthiness model measured on parallel text, so a
  Swedish comment is read as its English translation would be): how it is worded;
- the readings the rules use (:class:`~sourcecheck.thread.StanceFeatures`): the
  verifier's calibrated support and contradiction of the target by the comment, both ways
  round; the wording cue per stance; whether it ends in a question and the share of its
  words in questions; what its target is (an article claim, a comment, nothing) and how
  strongly it was linked; its length; how close it is to its target (e5 cosine); the
  share of its figures the target has and lacks; a negation cue; whether the target is a
  question it answers.

It is trained by ``training/train_stance.py`` on threads the project wrote for training
(``training/data/stance_threads``) and on the development threads of the stance set, never
on its test threads; ``benchmarks/stance.py`` measures it beside the rules. It reads the
verifier's scores, so it is used only with the scorer it was trained on
(``scorer_model_id``); with any other scorer the rules decide and the report says so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import MODEL_ID as EMBED_MODEL_ID
from sourcecheck.embed import Embedder
from sourcecheck.errors import ModelError
from sourcecheck.model import LinkKind, Stance, StanceLabel
from sourcecheck.modelfile import load_json_model
from sourcecheck.score.base import Scorer
from sourcecheck.thread import (
    CUE_LABELS,
    LINK_FEATURES,
    LinkCandidate,
    LinkTarget,
    StanceFeatures,
)

CLASSES: tuple[StanceLabel, ...] = ("agrees", "disputes", "asks", "comments")
READINGS = (
    "support",
    "contradiction",
    "reverse_support",
    "reverse_contradiction",
    *(f"cue_{label}" for label in CUE_LABELS),
    "ends_with_question",
    "question_share",
    "target_claim",
    "target_comment",
    "no_target",
    "link_score",
    "log_words",
    "target_cosine",
    "numbers_shared",
    "numbers_new",
    "negated",
    "target_asks",
)
_WORD = re.compile(r"\w+")


def readings(f: StanceFeatures, text: str) -> list[float]:
    """The scalar inputs of one comment, in :data:`READINGS` order."""
    return [
        f.support,
        f.contradiction,
        f.reverse_support,
        f.reverse_contradiction,
        *f.cue,
        1.0 if f.ends_with_question else 0.0,
        f.question_share,
        1.0 if f.target_kind == "claim" else 0.0,
        1.0 if f.target_kind == "comment" else 0.0,
        1.0 if f.target is None else 0.0,
        f.link_score,
        math.log1p(len(_WORD.findall(text))) / 3.0,
        f.target_cosine,
        f.numbers_shared,
        f.numbers_new,
        1.0 if f.negated else 0.0,
        1.0 if f.target_asks else 0.0,
    ]


@dataclass(frozen=True)
class LinkModel:
    """Which of a comment's candidate targets it answers
    (:func:`sourcecheck.thread.link_candidates`): a linear score over each candidate's
    features (an article claim, the parent, or none, each with features of its own), the
    highest wins. Trained as a logistic regression on candidate rows (the right target
    against the others) over the same threads as the stance."""

    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    coef: npt.NDArray[np.float64]

    def scores(self, candidates: Sequence[LinkCandidate]) -> npt.NDArray[np.float64]:
        x = np.asarray([c.features for c in candidates], dtype=np.float64)
        return np.asarray(((x - self.mean) / self.scale) @ self.coef)

    def choose(
        self, candidates: Sequence[LinkCandidate]
    ) -> tuple[LinkTarget | None, LinkKind, float]:
        """(target, how it was found, the rules' link score) of the best candidate."""
        best = candidates[int(self.scores(candidates).argmax())]
        return best.target, best.how, best.score


@dataclass(frozen=True)
class StanceModel:
    model_id: str
    embedder: str
    #: The verifier whose scores the readings hold; the model is used only with it.
    scorer_model_id: str
    mean: npt.NDArray[np.float64]
    scale: npt.NDArray[np.float64]
    #: One row per class (:data:`CLASSES`): the readings' weights, then the vector's.
    coef: npt.NDArray[np.float64]
    intercept: npt.NDArray[np.float64]
    #: The learned linker trained with it (the stance readings were read against the
    #: targets it chooses); None: the rules link.
    linker: LinkModel | None = None

    def inputs(
        self,
        features: Sequence[StanceFeatures],
        texts: Sequence[str],
        languages: Sequence[str | None],
        embedder: Embedder,
    ) -> npt.NDArray[np.float64]:
        """The model's input rows: scaled readings, then the comment's e5 query vector less
        its language's offset."""
        from sourcecheck.worthiness import default_worthiness

        scalars = np.asarray(
            [readings(f, t) for f, t in zip(features, texts, strict=True)], dtype=np.float64
        ).reshape(len(texts), len(READINGS))
        vectors = np.asarray(embedder.queries(list(texts)), dtype=np.float64)
        vectors = vectors - default_worthiness().language_offsets(languages, vectors.shape[1])
        return np.hstack([(scalars - self.mean) / self.scale, vectors])

    def probabilities(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        z = x @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return np.asarray(p / p.sum(axis=1, keepdims=True))

    def decide(
        self,
        features: Sequence[StanceFeatures],
        texts: Sequence[str],
        languages: Sequence[str | None],
        embedder: Embedder,
    ) -> tuple[Stance, ...]:
        """A stance for each comment: the most probable class, its probability as the
        confidence; target and link as the linking found them."""
        if not features:
            return ()
        p = self.probabilities(self.inputs(features, texts, languages, embedder))
        out = []
        for f, row in zip(features, p, strict=True):
            k = int(row.argmax())
            out.append(
                Stance(
                    comment=f.comment,
                    stance=CLASSES[k],
                    target=f.target,
                    target_kind=f.target_kind,
                    confidence=round(float(row[k]), 4),
                    link=f.link,
                    link_score=round(f.link_score, 4),
                )
            )
        return tuple(out)


def load_stance_model(path: str | None = None) -> StanceModel:
    model, where = load_json_model(path, "stance.json", "stance model", _stance_model)
    if model.embedder != EMBED_MODEL_ID:
        raise ModelError(
            f"{where}: trained on {model.embedder!r} vectors, but the embedder is "
            f"{EMBED_MODEL_ID!r}"
        )
    return model


def _stance_model(data: dict[str, Any]) -> StanceModel:
    if tuple(data["classes"]) != CLASSES or tuple(data["readings"]) != READINGS:
        raise ValueError("its classes or readings are not this version's")
    model = StanceModel(
        model_id=str(data["model_id"]),
        embedder=str(data["embedder"]),
        scorer_model_id=str(data["scorer_model_id"]),
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        coef=np.asarray(data["coef"], dtype=np.float64),
        intercept=np.asarray(data["intercept"], dtype=np.float64),
        linker=_linker(data["link"]) if data.get("link") is not None else None,
    )
    if model.coef.shape[0] != len(CLASSES) or model.mean.shape != (len(READINGS),):
        raise ValueError("its weights do not match its classes and readings")
    return model


def _linker(data: dict[str, Any]) -> LinkModel:
    if tuple(data["features"]) != LINK_FEATURES:
        raise ValueError("its link features are not this version's")
    linker = LinkModel(
        mean=np.asarray(data["mean"], dtype=np.float64),
        scale=np.asarray(data["scale"], dtype=np.float64),
        coef=np.asarray(data["coef"], dtype=np.float64),
    )
    if {linker.mean.shape, linker.scale.shape, linker.coef.shape} != {(len(LINK_FEATURES),)}:
        raise ValueError("its link weights do not match its link features")
    return linker


@lru_cache(maxsize=1)
def default_stance_model() -> StanceModel:
    """The stance model shipped in the package."""
    return load_stance_model()


def stance_model_for(scorer: Scorer) -> StanceModel | None:
    """The shipped stance model when it was trained on this scorer's readings; None
    otherwise (the rules then decide, and the report says which did)."""
    model = default_stance_model()
    return model if model.scorer_model_id == scorer.model_id else None
