"""Train the stance model (``src/sourcecheck/data/stance.json``, :mod:`sourcecheck.stance`).

    python training/train_stance.py [--out src/sourcecheck/data/stance.json]

Reads the threads the project wrote for training (``training/data/stance_threads/*.jsonl``,
the format of ``benchmarks/stance_cases/threads.jsonl``) and the stance set's development
threads (``benchmarks/stance.DEV``); never its test threads. Each thread goes through the
same path as ``check`` and the benchmark: rendered as a WordPress page, loaded, its article
claims extracted and filtered, its comments linked and read by the shipped verifier
(:func:`sourcecheck.thread.stance_features`). A multinomial logistic regression is fitted
on the readings and the comment vectors (:meth:`sourcecheck.stance.StanceModel.inputs`);
its regularisation and class weighting are chosen by cross-validation that holds out whole
threads, and the cross-validated figures go into the model file (``training.cv``). The
benchmark's test threads measure it (``python benchmarks/stance.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from stance import CASES, DEV, LABELS, _f1, article_claims, read_threads, thread_html  # noqa: E402

from sourcecheck.embed import EMBEDDER_ID, MODEL_ID, default_embedder  # noqa: E402
from sourcecheck.load import load_bytes  # noqa: E402
from sourcecheck.pipeline import scorer_for  # noqa: E402
from sourcecheck.stance import CLASSES, READINGS, StanceModel  # noqa: E402
from sourcecheck.thread import comment_languages, stance_features  # noqa: E402

THREADS = ROOT / "training" / "data" / "stance_threads"
MODEL_VERSION = "sourcecheck-stance-v1"
SEED = 20261207
assert tuple(LABELS) == CLASSES


def training_threads() -> tuple[list[dict[str, Any]], dict[str, str]]:
    threads: list[dict[str, Any]] = []
    files: dict[str, str] = {}
    for path in sorted(THREADS.glob("*.jsonl")):
        threads += read_threads(path)
        files[path.relative_to(ROOT).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    dev = [t for t in read_threads(CASES) if t["id"] in DEV]
    files[CASES.relative_to(ROOT).as_posix() + " (dev threads)"] = hashlib.sha256(
        CASES.read_bytes()
    ).hexdigest()
    return threads + dev, files


def thread_rows(thread: dict[str, Any], model: str) -> list[dict[str, Any]]:
    """Each comment's readings, text, language and gold stance."""
    doc = load_bytes(
        thread_html(thread).encode("utf-8"), name=f"{thread['id']}.html", doc_id=thread["id"]
    )
    gold = {c["id"]: c for c in thread["comments"]}
    if len(doc.comments) != len(gold):
        raise SystemExit(f"{thread['id']}: the loader found {len(doc.comments)} comments")
    claims = article_claims(doc)
    features = stance_features(claims, doc.comments, scorer_for(model), default_embedder())
    langs = comment_languages(doc.comments)
    rows = []
    for comment, f in zip(doc.comments, features, strict=True):
        g = gold[comment.id.removeprefix("comment-")]
        rows.append(
            {
                "thread": thread["id"],
                "language": thread["language"],
                "comment_language": langs[comment.id],
                "text": comment.text,
                "gold": g["stance"],
                "features": f,
            }
        )
    return rows


def design(rows: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw readings, comment vectors (offsets taken off) and labels."""
    from sourcecheck.stance import readings
    from sourcecheck.worthiness import default_worthiness

    scalars = np.asarray([readings(r["features"], r["text"]) for r in rows], dtype=np.float64)
    vectors = np.asarray(default_embedder().queries([r["text"] for r in rows]), dtype=np.float64)
    vectors -= default_worthiness().language_offsets(
        [r["comment_language"] for r in rows], vectors.shape[1]
    )
    y = np.asarray([CLASSES.index(r["gold"]) for r in rows])
    return scalars, vectors, y


def fit(
    scalars: np.ndarray, vectors: np.ndarray, y: np.ndarray, c: float, balanced: bool
) -> StanceModel:
    from sklearn.linear_model import LogisticRegression

    mean = scalars.mean(axis=0)
    scale = np.maximum(scalars.std(axis=0), 1e-6)
    x = np.hstack([(scalars - mean) / scale, vectors])
    lr = LogisticRegression(
        C=c, max_iter=5000, class_weight="balanced" if balanced else None, random_state=SEED
    )
    lr.fit(x, y)
    coef = np.zeros((len(CLASSES), x.shape[1]))
    intercept = np.zeros(len(CLASSES))
    coef[lr.classes_] = lr.coef_
    intercept[lr.classes_] = lr.intercept_
    return StanceModel(
        model_id=MODEL_VERSION,
        embedder=MODEL_ID,
        scorer_model_id="",
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
    )


def predict(model: StanceModel, scalars: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    x = np.hstack([(scalars - model.mean) / model.scale, vectors])
    return np.asarray(model.probabilities(x).argmax(axis=1))


def cross_validate(
    rows: list[dict[str, Any]],
    scalars: np.ndarray,
    vectors: np.ndarray,
    y: np.ndarray,
    c: float,
    balanced: bool,
    folds: int,
) -> dict[str, Any]:
    """Figures over held-out threads: each thread is predicted by a model fitted on the
    threads of the other folds."""
    threads = sorted({r["thread"] for r in rows})
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(threads))
    fold_of = {threads[i]: k % folds for k, i in enumerate(order)}
    fold = np.asarray([fold_of[r["thread"]] for r in rows])
    pred = np.zeros_like(y)
    for k in range(folds):
        test = fold == k
        model = fit(scalars[~test], vectors[~test], y[~test], c, balanced)
        pred[test] = predict(model, scalars[test], vectors[test])
    scores = _f1([CLASSES[i] for i in y], [CLASSES[i] for i in pred])
    return {"macro_f1": round(scores["macro_f1"], 4), "accuracy": round(scores["accuracy"], 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src/sourcecheck/data/stance.json")
    ap.add_argument("--model", default="verifier", help="the scorer whose readings it learns")
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()

    threads, files = training_threads()
    started = time.perf_counter()
    rows = [r for t in threads for r in thread_rows(t, args.model)]
    print(f"{len(threads)} threads, {len(rows)} comments read in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
    scalars, vectors, y = design(rows)
    grid = []
    for c in (0.3, 1.0, 3.0, 10.0, 30.0, 100.0):
        for balanced in (False, True):
            cv = cross_validate(rows, scalars, vectors, y, c, balanced, args.folds)
            grid.append({"c": c, "balanced": balanced, **cv})
            print(json.dumps(grid[-1]), file=sys.stderr)
    best = max(grid, key=lambda g: (g["macro_f1"], -g["c"]))
    model = fit(scalars, vectors, y, best["c"], best["balanced"])
    scorer = scorer_for(args.model)
    counts: dict[str, dict[str, int]] = {}
    for r in rows:
        by = counts.setdefault(r["language"], {})
        by[r["gold"]] = by.get(r["gold"], 0) + 1
    out = {
        "model_id": MODEL_VERSION,
        "embedder": MODEL_ID,
        "embedder_runtime": EMBEDDER_ID,
        "scorer_model_id": scorer.model_id,
        "classes": list(CLASSES),
        "readings": list(READINGS),
        "mean": [round(float(v), 6) for v in model.mean],
        "scale": [round(float(v), 6) for v in model.scale],
        "coef": [[round(float(v), 6) for v in row] for row in model.coef],
        "intercept": [round(float(v), 6) for v in model.intercept],
        "training": {
            "files": files,
            "threads": len(threads),
            "comments": len(rows),
            "labels_by_language": counts,
            "c": best["c"],
            "class_weight": "balanced" if best["balanced"] else None,
            "cv": {"folds": args.folds, "by_thread": True, "grid": grid, "chosen": best},
            "seed": SEED,
        },
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}: C={best['c']} balanced={best['balanced']} "
          f"cv macro-F1 {best['macro_f1']:.3f}", file=sys.stderr)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
