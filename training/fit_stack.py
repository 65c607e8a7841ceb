"""Fit the verifier's stacked support head: a logistic regression over the cross-encoder's
support margin and the ``baseline`` scorer's pair features (lexical coverage, names,
numbers, negation, e5 cosine, ...), on the held-out slice of the verifier's training data.

Why: the cross-encoder alone reads meaning well inside one sentence pair, but over a long
document (the maximum over many passages) it gives some unrelated passages a high support
score; the features know when a passage shares nothing with the claim. The stack is stored
in ``verifier.json`` (``stack``), which :mod:`sourcecheck.score.verifier` already applies:
``support = sigmoid(coef_margin * margin + coef . features + intercept)``.

    python training/fit_stack.py --data WORK/data --out DIR [--model SRC_DIR]
        [--cache /tmp/sourcecheck-emb/cache] [--c 1.0]

Reads ``WORK/data/heldout.jsonl`` (rows the cross-encoder never trained on; the checkpoint
and Platt calibration were chosen on the same slice, nothing else is), scores it with the
model in ``--model`` (default: the shipped one), and reports, with 5 grouped folds
(a row's ``group`` never straddles folds), out-of-fold AUC, balanced accuracy and ECE of
the margin alone (Platt) and of the stack. Then fits the stack on all of the slice, picks
the support threshold at the best out-of-fold balanced accuracy, and writes ``DIR`` = a copy
of the model directory with the stack, the new thresholds and a record (data hash, folds'
figures) in ``verifier.json``. Evaluation sets are never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

os.environ.setdefault("OMP_NUM_THREADS", "2")

from sourcecheck.evaluate.metrics import (
    balanced_accuracy,
    best_threshold,
    expected_calibration_error,
    roc_auc,
)
from sourcecheck.score.base import Pair
from sourcecheck.score.baseline import load_weights
from sourcecheck.score.features import FEATURE_NAMES, DiskCachedEmbedder, pair_features
from sourcecheck.score.labels import margins
from sourcecheck.score.verifier import VerifierScorer, default_model_dir

SEED = 20261125
FOLDS = 5
Array = npt.NDArray[np.float64]


def _fold(group: str) -> int:
    return int(hashlib.sha256(f"{SEED}:fold:{group}".encode()).hexdigest()[:8], 16) % FOLDS


def support_margins(scorer: VerifierScorer, pairs: list[Pair]) -> Array:
    """The cross-encoder's support margin per pair: the maximum over its windows."""
    windows, _ = scorer.windows(pairs)
    support, _ = margins(scorer.logits(windows), scorer.loaded.config.labels)
    out = np.full(len(pairs), -np.inf)
    for w, m in zip(windows, support, strict=True):
        out[w.owner] = max(out[w.owner], float(m))
    return out


def _fit(x: Array, y: Array, c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def _figures(y: Array, p: Array) -> dict[str, float]:
    t = best_threshold(y, p)
    return {
        "auc": round(roc_auc(y, p), 4),
        "bacc": round(balanced_accuracy(y, p, t), 4),
        "threshold": round(float(t), 4),
        "ece": round(expected_calibration_error(y, p), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="verifier_data.py output")
    parser.add_argument("--out", type=Path, required=True, help="model directory to write")
    parser.add_argument("--model", type=Path, default=None, help="source model directory")
    parser.add_argument("--cache", default="/tmp/sourcecheck-emb/cache", help="embedding cache")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    args = parser.parse_args(argv)
    source = args.model or default_model_dir()

    held = args.data / "heldout.jsonl"
    rows = [json.loads(line) for line in held.read_text(encoding="utf-8").splitlines() if line]
    pairs = [Pair(r["claim"], r["passage"], r.get("language"), None) for r in rows]
    y = np.asarray([1.0 if int(r["label"]) == 0 else 0.0 for r in rows])
    folds = np.asarray([_fold(r["group"]) for r in rows])

    scorer = VerifierScorer(source)
    margin = support_margins(scorer, pairs)
    embedder = DiskCachedEmbedder(args.cache)
    feats, names = pair_features(pairs, embedder, load_weights().cross_map)
    embedder.flush()
    assert names == list(FEATURE_NAMES)
    x = np.column_stack([margin, feats])

    platt = scorer.loaded.config.support
    oof_margin = np.asarray(platt(margin), dtype=np.float64)
    oof_stack = np.zeros(len(rows))
    for k in range(FOLDS):
        train, test = folds != k, folds == k
        oof_stack[test] = _fit(x[train], y[train], args.c).predict_proba(x[test])[:, 1]
    report = {
        "rows": len(rows),
        "positives": int(y.sum()),
        "margin_alone_platt": _figures(y, oof_margin),
        "stack_out_of_fold": _figures(y, oof_stack),
    }
    print(json.dumps(report, indent=1), file=sys.stderr)

    model = _fit(x, y, args.c)
    coef = model.coef_[0]
    threshold = best_threshold(y, oof_stack)

    args.out.mkdir(parents=True, exist_ok=True)
    if args.out.resolve() != source.resolve():  # else: add the stack in place
        for name in ("model.onnx", "tokenizer.json"):
            shutil.copyfile(source / name, args.out / name)
        for card in source.glob("*.md"):
            shutil.copyfile(card, args.out / card.name)
    config = json.loads((source / "verifier.json").read_text(encoding="utf-8"))
    if config.get("stack") is not None:
        raise SystemExit(f"{source}: the model is stacked already; start from its export")
    config["stack"] = {
        "features": list(FEATURE_NAMES),
        "coef_margin": float(coef[0]),
        "coef": [float(c) for c in coef[1:]],
        "intercept": float(model.intercept_[0]),
    }
    config["thresholds"]["support"] = round(float(threshold), 6)
    config["thresholds"]["partial"] = round(float(threshold), 6)
    config.setdefault("training", {})["stack"] = {
        "fitted_on": "heldout.jsonl of verifier_data.py (never trained on by the cross-encoder)",
        "heldout_jsonl_sha256": hashlib.sha256(held.read_bytes()).hexdigest(),
        "model": f"sklearn LogisticRegression, L2, C={args.c:g}, lbfgs",
        "folds": f"{FOLDS} grouped folds by the row's group (seeded hash)",
        **report,
    }
    (args.out / "verifier.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
