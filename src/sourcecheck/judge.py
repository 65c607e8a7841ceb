"""The judge: for one claim against one candidate passage, the probabilities that the
passage supports it, contradicts it, or neither — from the verifier's scores and checks
that read values rather than words.

The verifier reads English against English well and a claim against a translation less
well (a word-for-word German translation of an English sentence often scores below 0.3).
What it misses, other signals carry across languages: the multilingual embedding's
closeness (a translation lands close, another sentence of the same story does not), the
claim's numbers, dates, months and weekdays compared as values, the names it shares with
the passage, and whether negation sits on one side only. A multinomial logistic
regression over these (``data/judge.json``) weighs them; it is trained by
``training/train_judge.py`` on cross-language pairs made from parallel news and on
English claim/evidence pairs, with a held-out slice for the figures, and its card
(``data/judge-card.md``) lists both. No single feature decides alone: a negation word on
one side moves the odds, the rest of the evidence still counts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from sourcecheck.checks.numbers import check_numbers
from sourcecheck.model import Document, NumberMention, NumberResult, Passage
from sourcecheck.numbers import calendar_names, month_number
from sourcecheck.tokens import negation_count

FEATURES = (
    "support_logit",
    "contradiction_logit",
    "dense",
    "cross_language",
    "dense_cross",
    "numbers_match",
    "numbers_differ",
    "numbers_absent",
    "names_shared",
    "names_missing",
    "negation_mismatch",
    "length_ratio",
    "calendar_match",
    "calendar_mismatch",
    "negation_close",
    "negation_x_contradiction",
)
CLASSES = ("neither", "supports", "contradicts")

#: Words written with a capital inside a sentence: names, places, organisations. They
#: survive translation, which makes them a cross-language signal of the same subject.
_NAME_RE = re.compile(r"(?<=[\w,;:)\]\"”’'] )([A-ZÅÄÖÆØÜÉ][\w'’-]{2,})")


@dataclass(frozen=True)
class Judgement:
    """The judge's probabilities for one claim/passage pair, and the number checks
    against that passage."""

    supports: float
    contradicts: float
    neither: float
    numbers: tuple[NumberResult, ...] = ()
    #: "month" / "weekday" / "season" where claim and passage each name one and none
    #: coincide.
    calendar_conflicts: tuple[str, ...] = ()
    #: "month" / "weekday" / "season" where claim and passage name the same one.
    calendar_matches: tuple[str, ...] = ()


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


#: Capitalised words that are not names: weekdays (months are dates, read by the number
#: checks); each language writes them its own way, so a shared stem would not be found.
_NOT_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
    ]
)


#: Languages whose spelling capitalises every noun: there a capital letter does not mark
#: a name, so no word is read as one.
NOUNS_CAPITALISED = frozenset({"de", "lb"})


def names(text: str, language: str | None = None) -> list[str]:
    """The capitalised words of ``text`` that are not at a sentence start, nor weekday
    or month names; none in a language that capitalises every noun (German: "Patienten",
    "Kosten" are not names)."""
    if language in NOUNS_CAPITALISED:
        return []
    return [
        m.group(1)
        for m in _NAME_RE.finditer(text)
        if m.group(1).casefold() not in _NOT_NAMES and month_number(m.group(1)) is None
    ]


def shares_name(name: str, passage: str) -> bool:
    # Names inflect a little across languages ("Rangers" / "Rangersin"): a shared stem of
    # five letters, or the whole of a shorter name, counts.
    key = name.casefold()[:5]
    return key in passage.casefold()


@dataclass(frozen=True)
class PairChecks:
    """The value checks of one claim/passage pair that the decision reads again beside
    the judge's probabilities."""

    numbers: tuple[NumberResult, ...]
    #: "month" / "weekday" / "season": named alike by both, and named by both but never
    #: alike.
    calendar_matches: tuple[str, ...]
    calendar_conflicts: tuple[str, ...]


def features(
    claim: str,
    claim_language: str | None,
    claim_numbers: Sequence[NumberMention],
    passage: Passage,
    documents: Mapping[str, Document],
    support: float,
    contradiction: float | None,
    dense: float,
) -> tuple[list[float], PairChecks]:
    """The judge's feature vector (in :data:`FEATURES` order) and the value checks."""
    doc = documents[passage.doc_id]
    cross = float(bool(claim_language and doc.language and claim_language != doc.language))
    nums = tuple(check_numbers(claim_numbers, [passage], dict(documents)))
    n = max(1, len(nums))
    match = sum(r.status == "matches" for r in nums) / n
    differ = sum(r.status == "differs" for r in nums) / n
    absent = sum(r.status == "absent" for r in nums) / n
    claimed = names(claim, claim_language)
    shared = sum(shares_name(x, passage.text) for x in claimed)
    negated_claim = negation_count(claim, claim_language) > 0
    negated_passage = negation_count(passage.text, doc.language) > 0
    ratio = len(passage.text) / max(1, len(claim))
    mismatch = float(negated_claim != negated_passage)
    cal_matches, cal_conflicts = calendar_agreement(claim, passage.text)
    contradiction_logit = _logit(contradiction if contradiction is not None else 0.0)
    vector = [
        _logit(support),
        contradiction_logit,
        dense,
        cross,
        dense * cross,
        match,
        differ,
        absent,
        shared / max(1, len(claimed)),
        float(len(claimed) - shared) / max(1, len(claimed)) if claimed else 0.0,
        mismatch,
        math.log(max(ratio, 0.05)),
        float(bool(cal_matches)),
        float(bool(cal_conflicts)),
        # Negation on one side matters where the passage says the same thing otherwise
        # (a translation lands at e5 cosine 0.85-0.95), and where the verifier also reads
        # a contradiction; elsewhere it is a word of another sentence.
        mismatch * min(max((dense - 0.8) / 0.1, 0.0), 1.5),
        mismatch * contradiction_logit,
    ]
    return vector, PairChecks(nums, cal_matches, cal_conflicts)


def calendar_agreement(claim: str, passage: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The kinds (month, weekday, season) that claim and passage both name the same of, and
    those both name but never the same one ("on Friday" against "i torsdags", "in autumn"
    against "under våren")."""
    a, b = calendar_names(claim), calendar_names(passage)
    matches = tuple(k for k in a if a[k] & b[k])
    conflicts = tuple(k for k in a if a[k] and b[k] and not a[k] & b[k])
    return matches, conflicts


@dataclass(frozen=True)
class JudgeModel:
    """Weights [class, feature], biases [class], the feature scaling, and the card."""

    weights: np.ndarray[Any, np.dtype[np.float64]]
    bias: np.ndarray[Any, np.dtype[np.float64]]
    mean: np.ndarray[Any, np.dtype[np.float64]]
    scale: np.ndarray[Any, np.dtype[np.float64]]
    thresholds: dict[str, float]
    model_id: str
    #: The scorer whose outputs the judge was trained on (its ``model_id``).
    scorer_model_id: str

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray[Any, Any]:
        x = (np.asarray(rows, dtype=np.float64) - self.mean) / self.scale
        z = x @ self.weights.T + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        out: np.ndarray[Any, Any] = e / e.sum(axis=1, keepdims=True)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JudgeModel:
        if list(data["features"]) != list(FEATURES) or list(data["classes"]) != list(CLASSES):
            raise ValueError("judge.json was made for other features or classes")
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=np.asarray(data["bias"], dtype=np.float64),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            thresholds={k: float(v) for k, v in data["thresholds"].items()},
            model_id=str(data["model_id"]),
            scorer_model_id=str(data["scorer_model_id"]),
        )


@lru_cache(maxsize=1)
def default_judge() -> JudgeModel:
    """The judge shipped in the package."""
    text = resources.files("sourcecheck").joinpath("data/judge.json").read_text("utf-8")
    return JudgeModel.from_dict(json.loads(text))


def judge(
    model: JudgeModel,
    claim: str,
    claim_language: str | None,
    claim_numbers: Sequence[NumberMention],
    items: Sequence[tuple[Passage, float, float | None, float]],
    documents: Mapping[str, Document],
) -> list[Judgement]:
    """Judge ``claim`` against each (passage, support, contradiction, dense) item."""
    if not items:
        return []
    rows = []
    checks = []
    for passage, support, contradiction, dense in items:
        vec, check = features(
            claim, claim_language, claim_numbers, passage, documents, support, contradiction, dense
        )
        rows.append(vec)
        checks.append(check)
    probs = model.probabilities(rows)
    return [
        Judgement(
            supports=float(p[1]),
            contradicts=float(p[2]),
            neither=float(p[0]),
            numbers=check.numbers,
            calendar_conflicts=check.calendar_conflicts,
            calendar_matches=check.calendar_matches,
        )
        for p, check in zip(probs, checks, strict=True)
    ]
