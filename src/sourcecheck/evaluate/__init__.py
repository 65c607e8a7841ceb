"""Measuring verifiers: public data set readers (:mod:`.datasets`) and metrics
(:mod:`.metrics`). Development tooling; nothing here runs in the product pipeline."""

from sourcecheck.evaluate.datasets import Example, eval_dir, split_passages
from sourcecheck.evaluate.metrics import (
    balanced_accuracy,
    best_threshold,
    bootstrap_ci,
    confusion,
    document_score,
    document_scores,
    expected_calibration_error,
    roc_auc,
)

__all__ = [
    "Example",
    "balanced_accuracy",
    "best_threshold",
    "bootstrap_ci",
    "confusion",
    "document_score",
    "document_scores",
    "eval_dir",
    "expected_calibration_error",
    "roc_auc",
    "split_passages",
]
