"""Train the judge (``src/sourcecheck/data/judge.json``): a multinomial logistic regression
that turns the verifier's scores and the value checks of one claim/passage pair into
P(supports), P(contradicts), P(neither). See ``sourcecheck.judge`` for the features.

    python training/train_judge.py --out src/sourcecheck/data/judge.json
        [--work DIR] [--ntrex-docs 32] [--fm2 700] [--model verifier] [--c 1.0]
        [--precision 0.85] [--unsure 0.5]

Data (only sets marked ``train? yes`` in ``../shared/eval``; the pairs are scored by the
shipped verifier, exactly as ``sourcecheck check`` scores them):

- NTREX-128, the documents the verdict benchmark does not read
  (``benchmarks/verdict_suites.ntrex_split``): each document in each of its eight
  languages is indexed as ``check`` indexes a source; English sentences of it, as
  written and with one number, date, name or negation changed (a changed name is the
  wrong actor or place: labelled contradicts), and sentences of other training
  documents, are searched as claims; each retrieved candidate is labelled supports /
  contradicts where it holds the sentence's translation and neither elsewhere.
- Fool Me Twice (dev and test): each English claim against its gold evidence sentence
  (SUPPORTS / REFUTES) and against one retrieved sentence of the same page that is not
  gold (neither).

A seeded 20% of the NTREX documents and of the FM2 claims is held out: the figures in the
card (log loss, accuracy, per-class recall, ECE of P(supports)) are measured there, then
the model is refitted on everything. The scored pairs (claim, passage, scores) are cached in
``--work`` as JSON lines, and the features computed from them at fit time, so that a
refit or a change to the features does not score again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
from verdict_suites import (  # noqa: E402
    EVAL,
    NTREX_LANGS,
    _ntrex_lines,
    ntrex_claims,
    ntrex_source,
    ntrex_split,
    overlaps,
)

from sourcecheck.embed import default_embedder  # noqa: E402
from sourcecheck.evaluate.metrics import expected_calibration_error  # noqa: E402
from sourcecheck.judge import CLASSES, FEATURES, features  # noqa: E402
from sourcecheck.load import load_bytes  # noqa: E402
from sourcecheck.model import Locator, Passage  # noqa: E402
from sourcecheck.numbers import CALENDAR_KINDS, find_numbers  # noqa: E402
from sourcecheck.retrieve import build_index, search  # noqa: E402
from sourcecheck.score import Pair  # noqa: E402
from sourcecheck.score.registry import shared_scorer  # noqa: E402

SEED = 20261207
LABEL = {"supported": 1, "contradicted": 2, "not_found": 0}


def ntrex_rows(docs: int, model: str, top_k: int) -> list[dict[str, Any]]:
    _, texts = _ntrex_lines()
    _, train = ntrex_split()
    train = train[:docs]
    scorer = shared_scorer(model)
    embedder = default_embedder()
    rows: list[dict[str, Any]] = []
    held = {d for d, _ in random.Random(SEED).sample(train, len(train) // 5)}
    for n, (doc_id, lines) in enumerate(train):
        claims = ntrex_claims(
            doc_id, lines, texts["en"], texts, train, stated=4, unrelated=2, seed=SEED
        )
        for lang in NTREX_LANGS:
            doc = load_bytes(
                ntrex_source(lines, texts[lang]).encode("utf-8"),
                name=f"{doc_id}-{lang}.txt",
                doc_id=doc_id,
            )
            index = build_index([doc], embedder)
            pending: list[tuple[dict[str, Any], Passage, float]] = []
            for kind, text, accept, line in claims:
                gold = None
                if line is not None:
                    at = doc.text.find(texts[lang][line].strip())
                    gold = (at, at + len(texts[lang][line].strip())) if at >= 0 else None
                    if gold is None:
                        continue
                for cand in search(index, text, "en", top_k=top_k, embedder=embedder):
                    p = index.passages[cand.index]
                    hit = gold is not None and overlaps(gold, (p.start, p.end))
                    label = LABEL[accept[0]] if hit else 0
                    row = {
                        "source": "ntrex",
                        "group": doc_id,
                        "heldout": doc_id in held,
                        "kind": kind if hit else f"{kind}-other",
                        "lang": lang,
                        "claim": text,
                        "label": label,
                        "dense": cand.dense,
                    }
                    pending.append((row, p, cand.dense))
            scores = scorer.score_batch(
                [Pair(r["claim"], p.text, "en", lang) for r, p, _ in pending]
            )
            for (row, p, _dense), s in zip(pending, scores, strict=True):
                row.update(passage=p.text, support=s.support, contradiction=s.contradiction)
                rows.append(row)
        print(f"ntrex {n + 1}/{len(train)} {doc_id}: {len(rows)} rows", file=sys.stderr)
    return rows


#: The shipped recipe's defaults (``--ntrex-docs``, ``--fm2``); contrast_data.py keeps the
#: verifier's second round off the same documents and claims.
NTREX_DOCS = 32
FM2_CLAIMS = 700


def fm2_items() -> list[dict[str, Any]]:
    """Every Fool Me Twice claim, dev then test."""
    items = []
    for split in ("dev", "test"):
        path = EVAL / "fm2" / f"{split}.jsonl"
        items += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return items


def fm2_sample(limit: int) -> list[dict[str, Any]]:
    """The seeded ``limit`` claims the judge is trained on."""
    items = fm2_items()
    return random.Random(SEED).sample(items, min(limit, len(items)))


def fm2_rows(limit: int, model: str) -> list[dict[str, Any]]:
    items = fm2_sample(limit)
    scorer = shared_scorer(model)
    embedder = default_embedder()
    pending: list[tuple[dict[str, Any], str]] = []
    for k, item in enumerate(items):
        gold = [e["text"] for e in item["gold_evidence"] if e.get("text")]
        golds = set(gold)
        other = [e["text"] for e in item.get("retrieved_evidence", []) if e["text"] not in golds]
        base = {"source": "fm2", "group": item["id"], "heldout": k % 5 == 0, "lang": "en"}
        if gold:
            label = 1 if item["label"] == "SUPPORTS" else 2
            pending.append(
                ({**base, "claim": item["text"], "label": label, "kind": "gold"}, gold[0])
            )
        if other:
            row = {**base, "claim": item["text"], "label": 0, "kind": "other"}
            pending.append((row, other[0]))
    q = embedder.queries([r["claim"] for r, _ in pending])
    pv = embedder.passages([t for _, t in pending])
    dense = (q * pv).sum(axis=1)
    scores = scorer.score_batch([Pair(r["claim"], t, "en", "en") for r, t in pending])
    rows = []
    for (row, text), s, d in zip(pending, scores, dense, strict=True):
        row.update(passage=text, support=s.support, contradiction=s.contradiction, dense=float(d))
        rows.append(row)
    print(f"fm2: {len(rows)} rows", file=sys.stderr)
    return rows


def feature_row(row: dict[str, Any]) -> list[float]:
    """The judge's features of a cached row (the scores are cached, the features are
    computed here, so a change to them needs no scoring again)."""
    doc = load_bytes(row["passage"].encode("utf-8"), name="passage.txt", doc_id="p")
    doc = replace(doc, language=row["lang"])
    passage = Passage("p", 0, len(doc.text), doc.text, Locator())
    vec, _ = features(
        row["claim"],
        "en",
        find_numbers(row["claim"], "en"),
        passage,
        {"p": doc},
        row["support"],
        row["contradiction"],
        row["dense"],
    )
    return vec


def judge_id(rows_sha256: str) -> str:
    """The judge's id: its scored pairs, the features read from them, and the calendar
    kinds the calendar features compare."""
    kinds = ",".join(CALENDAR_KINDS)
    key = hashlib.sha256((rows_sha256 + "|" + ",".join(FEATURES) + "|" + kinds).encode())
    key = key.hexdigest()
    return f"sourcecheck-judge-v1@{key[:12]}"


def _fit(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    # No class weights: the probabilities must stay calibrated to how often each class
    # occurs among a claim's candidates (weighting would inflate the rare classes).
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, y)
    return model


def _threshold_for_precision(
    p: np.ndarray[Any, Any], positive: np.ndarray[Any, Any], precision: float
) -> float:
    """The lowest threshold (on a 0.01 grid, at least 0.5) at which the held-out pairs
    scoring at or above it are ``precision`` positive."""
    for t in np.arange(0.5, 0.99, 0.01):
        above = p >= t
        if above.sum() >= 10 and positive[above].mean() >= precision:
            return round(float(t), 2)
    return 0.99


def _report(probs: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> dict[str, Any]:
    pred = probs.argmax(axis=1)
    out: dict[str, Any] = {
        "n": len(y),
        "log_loss": round(float(-np.log(probs[np.arange(len(y)), y] + 1e-12).mean()), 4),
        "accuracy": round(float((pred == y).mean()), 4),
    }
    for k, name in enumerate(CLASSES):
        mask = y == k
        out[f"recall_{name}"] = round(float((pred[mask] == k).mean()), 4) if mask.any() else None
    out["ece_supports"] = round(expected_calibration_error(y == 1, probs[:, 1]), 4)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", default="/tmp/sourcecheck-judge")
    ap.add_argument("--ntrex-docs", type=int, default=NTREX_DOCS)
    ap.add_argument("--fm2", type=int, default=FM2_CLAIMS)
    ap.add_argument("--top-k", type=int, default=4)
    ap.add_argument("--model", default="verifier")
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument(
        "--precision",
        type=float,
        default=0.85,
        help="the support and contradiction thresholds are the lowest at which this share "
        "of the held-out pairs above them has that label (a flip costs more than a miss)",
    )
    ap.add_argument("--unsure", type=float, default=0.5)
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    model_key = args.model.replace(":", "_").replace("/", "_")
    cache = work / f"rows-{model_key}-{args.ntrex_docs}-{args.fm2}-{args.top_k}.jsonl"
    t0 = time.time()
    if cache.exists():
        rows = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
    else:
        rows = ntrex_rows(args.ntrex_docs, args.model, args.top_k) + fm2_rows(args.fm2, args.model)
        cache.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    data_hash = hashlib.sha256(cache.read_bytes()).hexdigest()
    x = np.asarray([feature_row(r) for r in rows], dtype=np.float64)
    y = np.asarray([r["label"] for r in rows], dtype=int)
    held = np.asarray([r["heldout"] for r in rows])
    mean = x[~held].mean(axis=0)
    scale = x[~held].std(axis=0) + 1e-6
    fitted = _fit((x[~held] - mean) / scale, y[~held], args.c)
    probs = fitted.predict_proba((x[held] - mean) / scale)
    thresholds = {
        "supports": _threshold_for_precision(probs[:, 1], y[held] == 1, args.precision),
        "contradicts": _threshold_for_precision(probs[:, 2], y[held] == 2, args.precision),
        "unsure": args.unsure,
    }
    figures: dict[str, Any] = {"heldout": _report(probs, y[held]), "thresholds": thresholds}
    for source in ("ntrex", "fm2"):
        m = np.asarray([r["source"] == source for r in rows])[held]
        figures[f"heldout_{source}"] = _report(probs[m], y[held][m])
    by_lang = {}
    for lang in NTREX_LANGS:
        m = np.asarray([r["source"] == "ntrex" and r["lang"] == lang for r in rows])[held]
        by_lang[lang] = _report(probs[m], y[held][m])
    figures["heldout_ntrex_by_language"] = by_lang
    # The shipped model: fitted on every row, scaled on every row.
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    final = _fit((x - mean) / scale, y, args.c)
    counts = Counter((r["source"], CLASSES[r["label"]]) for r in rows)
    out = {
        "model_id": judge_id(data_hash),
        # The judge reads this scorer's outputs; another scorer's are not on its scale.
        "scorer_model_id": shared_scorer(args.model).model_id,
        "features": list(FEATURES),
        "classes": list(CLASSES),
        "weights": final.coef_.round(6).tolist(),
        "bias": final.intercept_.round(6).tolist(),
        "mean": mean.round(6).tolist(),
        "scale": scale.round(6).tolist(),
        "thresholds": thresholds,
        "training": {
            "command": "python training/train_judge.py --out src/sourcecheck/data/judge.json "
            + f"--ntrex-docs {args.ntrex_docs} --fm2 {args.fm2} --top-k {args.top_k} "
            + f"--c {args.c} --precision {args.precision} --unsure {args.unsure}",
            "verifier": args.model,
            "rows_sha256": data_hash,
            "rows": {f"{s}/{c}": n for (s, c), n in sorted(counts.items())},
            "seed": SEED,
            "seconds": round(time.time() - t0, 1),
            "figures": figures,
        },
    }
    Path(args.out).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
