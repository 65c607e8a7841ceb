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
from sourcecheck.model import Claim, Document  # noqa: E402
from sourcecheck.score.registry import shared_scorer  # noqa: E402
from sourcecheck.stance import CLASSES, READINGS, LinkModel, StanceModel  # noqa: E402
from sourcecheck.thread import (  # noqa: E402
    CUE_LABELS,
    LINK_FEATURES,
    comment_languages,
    link_candidates,
    link_comments,
    stance_cues,
    stance_features,
)

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


def load_thread(thread: dict[str, Any]) -> tuple[Document, list[Claim]]:
    doc = load_bytes(
        thread_html(thread).encode("utf-8"), name=f"{thread['id']}.html", doc_id=thread["id"]
    )
    if len(doc.comments) != len(thread["comments"]):
        raise SystemExit(f"{thread['id']}: the loader found {len(doc.comments)} comments")
    return doc, article_claims(doc)


def link_rows(thread: dict[str, Any], doc: Document, claims: list[Claim]) -> list[dict[str, Any]]:
    """Each comment's link candidates, each marked right or not by the thread's gold
    target: the claims overlapping the article sentence it answers, its parent comment,
    or no target. A comment whose sentence no checked claim overlaps has no right
    candidate (the benchmark counts it wrong whatever is chosen)."""
    embedder = default_embedder()
    cues = stance_cues(doc.comments, embedder)
    engaged = frozenset(
        c.id
        for c, p in zip(doc.comments, cues, strict=True)
        if CUE_LABELS[int(p.argmax())] != "comments"
    )
    spans = {}
    for k, sentence in enumerate(thread["article"], 1):
        at = doc.text.find(sentence)
        if at >= 0:
            spans[f"a{k}"] = (at, at + len(sentence))
    gold = {c["id"]: c.get("target") for c in thread["comments"]}
    candidates = link_candidates(claims, doc.comments, embedder, engaged=engaged)
    rules = link_comments(claims, doc.comments, embedder, engaged=engaged)
    by_claim = {c.id: c for c in claims}
    rows = []
    for comment in doc.comments:
        want = gold[comment.id.removeprefix("comment-")]
        marks = []
        for cand in candidates[comment.id]:
            t = cand.target
            if t is None:
                right = want is None
            elif t.kind == "comment":
                right = want is not None and t.id == "comment-" + want
            else:
                a, b = spans.get(want or "", (-1, -1))
                claim = by_claim[t.id]
                right = claim.start < b and a < claim.end
            marks.append(right)
        features = [c.features for c in candidates[comment.id]]
        # which candidate the rules (thread-v1) choose, for the figure beside the linker's
        chosen = rules[comment.id][0]
        rule_pick = next(
            k
            for k, cand in enumerate(candidates[comment.id])
            if (cand.target.id if cand.target else None) == (chosen.id if chosen else None)
        )
        rows.append(
            {"thread": thread["id"], "features": features, "right": marks, "rules": rule_pick}
        )
    return rows


def fit_linker(rows: list[dict[str, Any]], c: float) -> LinkModel:
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([f for r in rows for f in r["features"]], dtype=np.float64)
    y = np.asarray([m for r in rows for m in r["right"]], dtype=np.int64)
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), 1e-6)
    lr = LogisticRegression(C=c, max_iter=5000, fit_intercept=False, random_state=SEED)
    lr.fit((x - mean) / scale, y)
    return LinkModel(mean=mean, scale=scale, coef=lr.coef_[0].astype(np.float64))


def link_accuracy(linker: LinkModel, rows: list[dict[str, Any]]) -> float:
    from sourcecheck.thread import LinkCandidate

    right = 0
    for r in rows:
        cands = [LinkCandidate(None, "none", 0.0, tuple(f)) for f in r["features"]]
        right += bool(r["right"][int(linker.scores(cands).argmax())])
    return right / max(1, len(rows))


def cv_linker(rows: list[dict[str, Any]], c: float, folds: int) -> float:
    threads = sorted({r["thread"] for r in rows})
    order = np.random.default_rng(SEED).permutation(len(threads))
    fold_of = {threads[i]: k % folds for k, i in enumerate(order)}
    right = 0.0
    for k in range(folds):
        train = [r for r in rows if fold_of[r["thread"]] != k and any(r["right"])]
        test = [r for r in rows if fold_of[r["thread"]] == k]
        right += link_accuracy(fit_linker(train, c), test) * len(test)
    return round(right / len(rows), 4)


def thread_rows(
    thread: dict[str, Any],
    doc: Document,
    claims: list[Claim],
    model: str,
    linker: LinkModel | None,
) -> list[dict[str, Any]]:
    """Each comment's readings, text, language and gold stance."""
    gold = {c["id"]: c for c in thread["comments"]}
    features = stance_features(
        claims, doc.comments, shared_scorer(model), default_embedder(), linker=linker
    )
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
    loaded = [load_thread(t) for t in threads]
    links = [r for t, (doc, claims) in zip(threads, loaded, strict=True)
             for r in link_rows(t, doc, claims)]  # fmt: skip
    link_grid = [{"c": c, "accuracy": cv_linker(links, c, args.folds)} for c in (0.1, 1.0, 10.0)]
    rules_links = round(sum(r["right"][r["rules"]] for r in links) / len(links), 4)
    print(json.dumps(link_grid), f"rules: {rules_links}", file=sys.stderr)
    link_best = max(link_grid, key=lambda g: (g["accuracy"], -g["c"]))
    linker = fit_linker([r for r in links if any(r["right"])], link_best["c"])
    rows = [r for t, (doc, claims) in zip(threads, loaded, strict=True)
            for r in thread_rows(t, doc, claims, args.model, linker)]  # fmt: skip
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
    scorer = shared_scorer(args.model)
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
        "link": {
            "features": list(LINK_FEATURES),
            "mean": [round(float(v), 6) for v in linker.mean],
            "scale": [round(float(v), 6) for v in linker.scale],
            "coef": [round(float(v), 6) for v in linker.coef],
            "c": link_best["c"],
            "cv": {"folds": args.folds, "by_thread": True, "grid": link_grid},
            # the rules' links (thread-v1, never fitted on these threads) on the same rows
            "rules_accuracy": rules_links,
        },
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
