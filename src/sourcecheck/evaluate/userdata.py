"""Measure scorers on anyone's own data: JSONL lines of ``claim``, ``document`` (a string,
or a list of passages) and ``label`` (1 = supported, 0 = not).

A document is read as passages (a string is cut with :func:`split_passages`); a claim's
score is the highest support over its passages, and a claim of several sentences scores
the mean of its sentences' (:func:`.metrics.score_documents`; ``per_sentence=False``,
``--whole-claims`` on the command line, scores it whole). The decision threshold is chosen on the
dev data when there is some (maximum balanced accuracy) and applied unchanged to the test
data; otherwise it is the scorer's own shipped threshold.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcecheck.errors import InputError
from sourcecheck.evaluate.datasets import split_passages
from sourcecheck.evaluate.metrics import (
    PER_SENTENCE,
    WHOLE_CLAIM,
    balanced_accuracy,
    best_threshold,
    bootstrap_ci,
    confusion,
    expected_calibration_error,
    roc_auc,
    score_documents,
)
from sourcecheck.score import Scorer


@dataclass(frozen=True)
class Item:
    claim: str
    passages: tuple[str, ...]
    label: int


@dataclass(frozen=True)
class Result:
    """One scorer on one data file. Names are API: outside tooling reads them."""

    model: str
    data: str
    n: int
    positives: int
    balanced_accuracy: float
    balanced_accuracy_low: float
    balanced_accuracy_high: float
    auc: float
    threshold: float
    threshold_from: str
    confusion: dict[str, int]
    ece: float
    pairs: int
    seconds: float
    pairs_per_second: float
    claims_per_second: float
    #: Balanced accuracy at the scorer's own shipped threshold (how well that transfers).
    shipped_threshold: float = float("nan")
    balanced_accuracy_shipped: float = float("nan")
    #: How a claim of several sentences was scored (metrics.PER_SENTENCE or WHOLE_CLAIM).
    claim_scoring: str = PER_SENTENCE

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def measure(
    scorer: Scorer,
    labels: Sequence[int],
    scores: Sequence[float],
    *,
    threshold: float,
    threshold_from: str,
    data_name: str,
    pairs: int,
    seconds: float,
    claims: int | None = None,
    claim_scoring: str = PER_SENTENCE,
) -> Result:
    """Every figure of a :class:`Result` from ready-made document scores (``pairs`` scored
    in ``seconds``; ``claims``: how many claims that took, default ``len(labels)``)."""
    ci = bootstrap_ci(lambda y, s: balanced_accuracy(y, s, threshold), labels, scores)
    c = confusion(labels, scores, threshold)
    claims = len(labels) if claims is None else claims
    shipped = scorer.support_threshold
    return Result(
        model=scorer.name,
        data=data_name,
        n=len(labels),
        positives=sum(labels),
        balanced_accuracy=round(ci.value, 4),
        balanced_accuracy_low=round(ci.low, 4),
        balanced_accuracy_high=round(ci.high, 4),
        auc=round(roc_auc(labels, scores), 4),
        threshold=round(float(threshold), 4),
        threshold_from=threshold_from,
        confusion={"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn},
        ece=round(expected_calibration_error(labels, scores), 4),
        pairs=pairs,
        seconds=round(seconds, 3),
        pairs_per_second=round(pairs / seconds, 2) if seconds > 0 else float("inf"),
        claims_per_second=round(claims / seconds, 2) if seconds > 0 else float("inf"),
        shipped_threshold=round(float(shipped), 4),
        balanced_accuracy_shipped=round(balanced_accuracy(labels, scores, shipped), 4),
        claim_scoring=claim_scoring,
    )


def read_items(path: str | Path) -> list[Item]:
    """Read a JSONL file; a bad line is an :class:`InputError` naming the line."""
    where = str(path)
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(where, "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(where, f"cannot be read as UTF-8 text ({exc})") from None
    items: list[Item] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(where, f"line {number} is not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(where, f"line {number} is not a JSON object")
        claim, document, label = row.get("claim"), row.get("document"), row.get("label")
        if not isinstance(claim, str) or not claim.strip():
            raise InputError(where, f"line {number}: 'claim' must be a non-empty string")
        if isinstance(document, str):
            passages = split_passages(document, None)
        elif isinstance(document, list) and all(isinstance(p, str) for p in document):
            passages = tuple(p for p in document if p.strip())
        else:
            raise InputError(
                where, f"line {number}: 'document' must be a string or a list of strings"
            )
        if label not in (0, 1) or isinstance(label, bool):
            raise InputError(where, f"line {number}: 'label' must be 1 (supported) or 0")
        items.append(Item(claim, passages, int(label)))
    if not items:
        raise InputError(where, "has no examples")
    if len({i.label for i in items}) < 2:
        raise InputError(where, "needs examples of both labels (1 and 0) to measure anything")
    return items


def score_items(
    scorer: Scorer, items: Sequence[Item], *, per_sentence: bool = True
) -> tuple[list[float], int, float]:
    """Document scores, the number of pairs scored, and the seconds it took."""
    started = time.perf_counter()
    scores, pairs = score_documents(
        scorer, [(i.claim, i.passages) for i in items], per_sentence=per_sentence
    )
    return scores, pairs, time.perf_counter() - started


def evaluate(
    scorer: Scorer,
    data: Sequence[Item],
    *,
    dev: Sequence[Item] | None = None,
    data_name: str = "data",
    per_sentence: bool = True,
) -> Result:
    """Measure ``scorer`` on ``data`` (threshold from ``dev`` when given)."""
    labels = [i.label for i in data]
    scores, pairs, seconds = score_items(scorer, data, per_sentence=per_sentence)
    if dev:
        dev_scores, _, _ = score_items(scorer, dev, per_sentence=per_sentence)
        threshold = best_threshold([i.label for i in dev], dev_scores)
        origin = "dev (max balanced accuracy)"
    else:
        threshold = scorer.support_threshold
        origin = "the scorer's shipped threshold"
    return measure(
        scorer,
        labels,
        scores,
        threshold=threshold,
        threshold_from=origin,
        data_name=data_name,
        pairs=pairs,
        seconds=seconds,
        claim_scoring=PER_SENTENCE if per_sentence else WHOLE_CLAIM,
    )


def markdown_table(results: Sequence[Result]) -> str:
    rows = [
        "| model | n | balanced accuracy (95% CI) | AUC | threshold | pairs/s | claims/s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.model} | {r.n} | {100 * r.balanced_accuracy:.1f} "
            f"[{100 * r.balanced_accuracy_low:.1f}–{100 * r.balanced_accuracy_high:.1f}] "
            f"| {100 * r.auc:.1f} | {r.threshold:.3f} | {r.pairs_per_second:.1f} "
            f"| {r.claims_per_second:.1f} |"
        )
    return "\n".join(rows) + "\n"
