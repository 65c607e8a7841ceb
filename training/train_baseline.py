"""Train the baseline verifier and write ``src/sourcecheck/data/baseline.json``.

    OMP_NUM_THREADS=1 python training/train_baseline.py [--cache DIR] [--out FILE] [--dump X.npz]

Trains only on sets marked ``train? yes`` in ``../shared/eval/README.md`` and never on
the splits the benchmark evaluates (WiCE dev, FRANK test, SweNLI dev):

* FRANK **valid**, SummaC (factcc, polytope, summeval, xsumfaith), Factcheck-GPT stance
  (all supports and refutes, a fixed sample of the irrelevant rows), SNLI dev + test,
  and WiCE **train** sub-claims annotated partially supported (hard negatives).
* A document-level example becomes one training pair: the claim with the passage that
  covers most of its content words (what the max over passages picks at inference).
* Cross-language augmentation: a share of the training rows is duplicated as it would be
  with claim and passage in different languages (``same_language`` and the lexical
  features zero; dense, name, number and negation features kept).
* Support head: supported vs everything else. Contradiction head: SNLI contradiction vs
  rest and Factcheck-GPT refute vs rest (only those rows).
* Unrelated pairs: SHUFFLED_ROWS claims of SNLI and Factcheck-GPT paired with the passage
  of another, random example of the same set; negative for both heads (an unrelated
  passage neither supports nor contradicts a claim), so that the contradiction head does
  not learn "dissimilar means contradicting" from SNLI.
* Grouped 5-fold cross-validation (groups: document / premise / claim) chooses the
  regularisation strength by the mean over sets of the out-of-fold ROC AUC; a Platt
  scaling fitted on the out-of-fold scores calibrates the head, which is then refit on
  all rows with the calibration folded into its coefficients.

The output records the SHA-256 and row counts of every data file used. Embeddings are
cached on disk (``--cache``, under /tmp by default), never in the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import MODEL_ID
from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import (
    balanced_accuracy,
    best_threshold,
    expected_calibration_error,
    roc_auc,
)
from sourcecheck.score.base import Pair
from sourcecheck.score.baseline import WEIGHTS_FORMAT
from sourcecheck.score.features import (
    CrossLanguageMap,
    DiskCachedEmbedder,
    as_cross_language,
    pair_features,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240611
FOLDS = 5
CROSS_LANGUAGE_SHARE = 0.3
FACTCHECK_IRRELEVANT_KEEP = 1000
SHUFFLED_ROWS = 1000
C_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)

#: (set name, data file relative to the eval folder) for every training source.
FILES = {
    "frank_valid": "frank/frank_joined.jsonl",
    "summac_factcc": "summac_pr15/factcc.json",
    "summac_polytope": "summac_pr15/polytope.json",
    "summac_summeval": "summac_pr15/summeval.json",
    "summac_xsumfaith": "summac_pr15/xsumfaith.json",
    "factcheck_gpt": "factcheck_gpt/subtasks/subtask3_claim_evidence_stance.jsonl",
    "snli": "snli/snli_1.0_dev.jsonl",
    "snli_test": "snli/snli_1.0_test.jsonl",
    "wice_train_partial": "wice/non_supported_tokens/train.jsonl",
}


@dataclass(frozen=True)
class Row:
    """One training pair: the example's chosen passage, its labels and its group."""

    set_name: str
    pair: Pair
    support: int
    contradiction: int | None
    fold: int


def _fold(key: str) -> int:
    """A stable, seeded fold number for a group key."""
    h = hashlib.sha256(f"{SEED}:{key}".encode()).digest()
    return int.from_bytes(h[:4], "big") % FOLDS


def _shuffled(rows: Sequence[Row], rng: np.random.Generator) -> list[Row]:
    """Claims of ``rows`` against the passage of another row of a different group."""
    n = SHUFFLED_ROWS // 2
    out: list[Row] = []
    for i in rng.choice(len(rows), size=min(n, len(rows)), replace=False):
        row = rows[int(i)]
        for _ in range(10):
            other = rows[int(rng.integers(len(rows)))]
            if other.pair.claim != row.pair.claim and other.pair.passage != row.pair.passage:
                break
        pair = Pair(
            row.pair.claim, other.pair.passage, row.pair.claim_language, other.pair.passage_language
        )
        out.append(Row(f"{row.set_name}_shuffled", pair, 0, 0, row.fold))
    return out


def collect() -> tuple[list[Row], dict[str, dict[str, object]]]:
    rng = np.random.default_rng(SEED)
    sources: list[tuple[str, list[ds.Example]]] = [
        ("frank_valid", list(ds.frank("valid"))),
        *[(f"summac_{name}", list(ds.summac(name))) for name in ds.SUMMAC_SETS],
        ("factcheck_gpt", list(ds.factcheck_gpt_stance())),
        ("snli", list(ds.snli("dev"))),
        ("snli_test", list(ds.snli("test"))),
        ("wice_train_partial", list(ds.wice_train_partial())),
    ]
    rows: list[Row] = []
    record: dict[str, dict[str, object]] = {}
    for name, examples in sources:
        if name == "factcheck_gpt":
            irrelevant = [i for i, e in enumerate(examples) if e.gold == "irrelevant"]
            keep_irr = set(
                rng.choice(irrelevant, size=FACTCHECK_IRRELEVANT_KEEP, replace=False).tolist()
            )
            examples = [
                e for i, e in enumerate(examples) if e.gold != "irrelevant" or i in keep_irr
            ]
        for example in examples:
            if not example.passages:
                continue
            if name.startswith("snli"):
                contradiction: int | None = int(example.gold == "contradiction")
                group = example.passages[0]
            elif name == "factcheck_gpt":
                contradiction = int(example.gold == "refute")
                group = example.claim
            else:
                contradiction = None
                group = example.passages[0][:300]
            rows.append(
                Row(
                    set_name=name,
                    pair=Pair(
                        example.claim,
                        ds.best_passage(example),
                        example.language,
                        example.premise_language,
                    ),
                    support=example.label,
                    contradiction=contradiction,
                    fold=_fold(f"{name}:{group}"),
                )
            )
        if name in ("snli", "factcheck_gpt"):
            rows.extend(_shuffled([r for r in rows if r.set_name == name], rng))
        path = ds.data_file(FILES[name])
        mine = [r for r in rows if r.set_name == name]
        record[name] = {
            "file": FILES[name],
            "sha256": ds.file_sha256(path),
            "rows": len(mine),
            "shuffled_rows": sum(1 for r in rows if r.set_name == f"{name}_shuffled"),
            "supported": sum(r.support for r in mine),
            "contradiction_rows": sum(1 for r in mine if r.contradiction is not None),
            "contradictions": sum(r.contradiction or 0 for r in mine),
        }
        print(f"{name}: {record[name]}", file=sys.stderr)
    return rows, record


def featurise(rows: Sequence[Row], embedder: DiskCachedEmbedder) -> npt.NDArray[np.float64]:
    started = time.time()
    parts: list[npt.NDArray[np.float64]] = []
    batch = 256
    for start in range(0, len(rows), batch):
        matrix, _ = pair_features([r.pair for r in rows[start : start + batch]], embedder)
        parts.append(matrix)
        if (start // batch) % 4 == 0:
            print(
                f"features {start + len(matrix)}/{len(rows)} "
                f"({embedder.computed} embedded, {time.time() - started:.0f}s)",
                file=sys.stderr,
            )
    embedder.flush()
    return np.vstack(parts)


def fit(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], c: float
) -> tuple[list[float], float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(x, y)
    return [float(v) for v in model.coef_[0]], float(model.intercept_[0])


@dataclass(frozen=True)
class HeadFit:
    """A fitted, calibrated head, in the shared standardised feature space."""

    c: float
    coef: list[float]
    intercept: float
    platt: tuple[float, float]
    rows: int
    positives: int
    cross_validated: dict[str, float]
    threshold: float
    cross_language_calibration: tuple[float, float]

    def as_json(self) -> dict[str, object]:
        return {
            "coef": self.coef,
            "intercept": self.intercept,
            "C": self.c,
            "platt_scaling_folded_in": list(self.platt),
            "rows": self.rows,
            "positives": self.positives,
            "cross_validated": self.cross_validated,
            "threshold_max_bacc_out_of_fold": self.threshold,
            "cross_language_calibration": list(self.cross_language_calibration),
        }


def augment(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], names: list[str], seed: int
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """``x`` plus a seeded CROSS_LANGUAGE_SHARE of its rows as cross-language rows."""
    pick = np.random.default_rng(seed).random(len(x)) < CROSS_LANGUAGE_SHARE
    return np.vstack([x, as_cross_language(x[pick], names)]), np.concatenate([y, y[pick]])


def _logit(
    x: npt.NDArray[np.float64], coef: Sequence[float], intercept: float
) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = x @ np.asarray(coef) + intercept
    return out


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1 / (1 + np.exp(-z))
    return out


def _summary(
    y: npt.NDArray[np.float64],
    p: npt.NDArray[np.float64],
    p_cross: npt.NDArray[np.float64],
    sets: npt.NDArray[np.str_],
) -> dict[str, float]:
    per_set = {}
    for name in sorted(set(sets.tolist())):
        m = sets == name
        if 0 < y[m].sum() < m.sum():
            per_set[name] = roc_auc(y[m], p[m])
    return {
        "macro_auc": float(np.mean(list(per_set.values()))),
        "auc": roc_auc(y, p),
        "auc_cross_language": roc_auc(y, p_cross),
        "bacc@0.5": balanced_accuracy(y, p, 0.5),
        "ece": expected_calibration_error(y, p),
        **{f"auc_{k}": v for k, v in per_set.items()},
    }


def train_head(
    head: str,
    x: npt.NDArray[np.float64],
    y: npt.NDArray[np.float64],
    sets: npt.NDArray[np.str_],
    folds: npt.NDArray[np.int_],
    names: list[str],
    mean: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
) -> HeadFit:
    """Choose C by grouped cross-validation (mean over sets of the out-of-fold AUC),
    Platt-calibrate on the out-of-fold logits, refit on all rows. Training folds get
    cross-language duplicates; out-of-fold scores are also taken with every row turned
    cross-language (``auc_cross_language``)."""
    xs = (x - mean) / scale
    xs_cross = (as_cross_language(x, names) - mean) / scale
    results: dict[float, dict[str, float]] = {}
    oof_logits: dict[float, npt.NDArray[np.float64]] = {}
    oof_cross: dict[float, npt.NDArray[np.float64]] = {}
    for c in C_GRID:
        z = np.zeros(len(y))
        z_cross = np.zeros(len(y))
        for k in range(FOLDS):
            test = folds == k
            x_tr, y_tr = augment(x[~test], y[~test], names, SEED + k)
            coef, intercept = fit((x_tr - mean) / scale, y_tr, c)
            z[test] = _logit(xs[test], coef, intercept)
            z_cross[test] = _logit(xs_cross[test], coef, intercept)
        oof_logits[c] = z
        oof_cross[c] = z_cross
        results[c] = _summary(y, _sigmoid(z), _sigmoid(z_cross), sets)
        print(
            f"{head} C={c}: " + json.dumps({k: round(v, 4) for k, v in results[c].items()}),
            file=sys.stderr,
        )
    best_c = max(C_GRID, key=lambda c: results[c]["macro_auc"])
    # Platt scaling on the out-of-fold logits of the chosen C (two parameters).
    (a,), b = fit(oof_logits[best_c][:, None], y, 1e6)
    calibrated = _sigmoid(a * oof_logits[best_c] + b)
    report = {k: round(v, 4) for k, v in results[best_c].items()}
    report["ece_after_platt"] = round(expected_calibration_error(y, calibrated), 4)
    report["bacc@0.5_after_platt"] = round(balanced_accuracy(y, calibrated, 0.5), 4)
    # Cross-language rows carry less evidence, so their logits spread less: a Platt
    # scaling of their own makes a probability mean the same in both regimes.
    (a2,), b2 = fit(oof_cross[best_c][:, None], y, 1e6)
    calibrated_cross = _sigmoid(a2 * oof_cross[best_c] + b2)
    report["ece_cross_language_after_platt"] = round(
        expected_calibration_error(y, calibrated_cross), 4
    )
    threshold = best_threshold(
        np.concatenate([y, y]), np.concatenate([calibrated, calibrated_cross])
    )
    report["bacc@threshold"] = round(balanced_accuracy(y, calibrated, threshold), 4)
    report["bacc_cross_language@threshold"] = round(
        balanced_accuracy(y, calibrated_cross, threshold), 4
    )
    x_all, y_all = augment(x, y, names, SEED + FOLDS)
    coef, intercept = fit((x_all - mean) / scale, y_all, best_c)
    return HeadFit(
        c=best_c,
        coef=[a * w for w in coef],
        intercept=a * intercept + b,
        platt=(a, b),
        rows=len(y_all),
        positives=int(y_all.sum()),
        cross_validated=report,
        threshold=round(float(threshold), 4),
        # Applied to the folded logit z of a cross-language pair: sigmoid(alpha * z + beta).
        cross_language_calibration=(a2 / a, b2 - a2 * b / a),
    )


PARALLEL = ROOT / "training" / "data" / "parallel_en_sv.tsv"


def fit_cross_language_map(embedder: DiskCachedEmbedder) -> tuple[CrossLanguageMap, int]:
    """Fit the cross-language cosine map on the project's own English/Swedish sentences
    (claim, English evidence, the evidence in Swedish); never on evaluation data."""
    rows = [
        line.rstrip("\n").split("\t")
        for line in PARALLEL.read_text(encoding="utf-8").splitlines(keepends=True)
        if line.strip() and not line.startswith("#")
    ]
    claims = embedder.queries([r[0] for r in rows])
    same = embedder.passages([r[1] for r in rows])
    cross = embedder.passages([r[2] for r in rows])
    return CrossLanguageMap.fit(claims, same, cross), len(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", default="/tmp/sourcecheck-emb/cache", help="embedding cache folder"
    )
    parser.add_argument("--out", default=str(ROOT / "src/sourcecheck/data/baseline.json"))
    parser.add_argument("--dump", help="also save the feature matrix and labels (.npz)")
    args = parser.parse_args(argv)

    rows, record = collect()
    embedder = DiskCachedEmbedder(args.cache)
    x = featurise(rows, embedder)
    _, names = pair_features([])
    sets = np.array([r.set_name for r in rows])
    folds = np.array([r.fold for r in rows])
    y_support = np.array([r.support for r in rows], dtype=np.float64)
    has_c = np.array([r.contradiction is not None for r in rows])
    y_contra = np.array([r.contradiction or 0 for r in rows], dtype=np.float64)
    if args.dump:
        np.savez(
            args.dump,
            x=x,
            names=np.array(names),
            sets=sets,
            folds=folds,
            y_support=y_support,
            has_c=has_c,
            y_contra=y_contra,
        )

    # One standardisation for both heads, from all rows with their cross-language copies.
    x_std, _ = augment(x, y_support, names, SEED + 1)
    mean = x_std.mean(axis=0)
    scale = x_std.std(axis=0)
    scale[scale < 1e-9] = 1.0

    support = train_head("support", x, y_support, sets, folds, names, mean, scale)
    contradiction = train_head(
        "contradiction",
        x[has_c],
        y_contra[has_c],
        sets[has_c],
        folds[has_c],
        names,
        mean,
        scale,
    )

    import sklearn

    cross_map, parallel_rows = fit_cross_language_map(embedder)
    weights = {
        "format": WEIGHTS_FORMAT,
        "name": "sourcecheck.baseline.v1",
        "feature_names": names,
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "support": support.as_json(),
        "contradiction": contradiction.as_json(),
        "cross_language_dense": asdict(cross_map),
        # Verdict thresholds: support and contradiction maximise balanced accuracy on the
        # out-of-fold scores; "partial" (weak, related support) is half the support one.
        "thresholds": {
            "support": support.threshold,
            "partial": round(support.threshold / 2, 4),
            "contradiction": contradiction.threshold,
        },
        "training": {
            "script": "training/train_baseline.py",
            "seed": SEED,
            "embedder": MODEL_ID,
            "sklearn": sklearn.__version__,
            "folds": FOLDS,
            "cross_language_share": CROSS_LANGUAGE_SHARE,
            "factcheck_gpt_irrelevant_kept": FACTCHECK_IRRELEVANT_KEEP,
            "shuffled_unrelated_pairs": SHUFFLED_ROWS,
            "pair_choice": "single passage, or the passage covering most claim content words",
            "contradiction_rows": "snli (contradiction vs rest), factcheck_gpt (refute vs rest)",
            "sets": record,
            "cross_language_map": {
                "file": str(PARALLEL.relative_to(ROOT)),
                "sha256": ds.file_sha256(PARALLEL),
                "rows": parallel_rows,
            },
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
