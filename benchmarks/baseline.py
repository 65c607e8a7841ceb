"""Benchmark the ``baseline`` and ``lexical`` scorers side by side; prints Markdown.

    OMP_NUM_THREADS=1 python benchmarks/baseline.py [--limit N] [--cache DIR | --no-cache]

* WiCE dev, claim level: a claim's score is the highest support over the passages of
  its whole cited page. WiCE has only a dev split here, so balanced accuracy is given at
  the threshold chosen on FRANK valid *and* at the dev-optimal threshold (an oracle,
  optimistic by construction).
* FRANK test: threshold chosen on FRANK valid (document level, max over passages).
* SweNLI dev, entailment vs rest: threshold chosen on a seeded 20% slice of SweNLI dev,
  scored on the other 80%.
* XNLI dev, English hypothesis against the German premise (cross-language), threshold
  from a 20% slice as for SweNLI. (No Swedish in XNLI; eval-only licence.)
* Speed: pairs per second on the first WiCE pairs, with a cold embedding cache and
  with the embeddings already cached (the per-text analysis caches cleared both times).

Balanced accuracy comes with a 95% bootstrap interval (threshold held fixed).
Embeddings are cached on disk (``--cache``) so a rerun after retraining is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_suite import clear_feature_caches, example_scores, pairs_of, slice_split
from eval_suite import speed as suite_speed

from sourcecheck.embed import Embedder
from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import (
    Interval,
    balanced_accuracy,
    best_threshold,
    bootstrap_ci,
    roc_auc,
)
from sourcecheck.score.base import Pair, Scorer
from sourcecheck.score.baseline import BaselineScorer
from sourcecheck.score.features import DiskCachedEmbedder, TextEmbedder
from sourcecheck.score.lexical import LexicalScorer

SEED = 7
SPEED_PAIRS = 256


@dataclass(frozen=True)
class Cell:
    text: str


def _fmt(x: float) -> str:
    return f"{100 * x:.1f}"


def _bacc_cell(y: np.ndarray, s: np.ndarray, threshold: float) -> Cell:
    ci: Interval = bootstrap_ci(lambda a, b: balanced_accuracy(a, b, threshold), y, s, n=1000)
    return Cell(f"{_fmt(ci.value)} [{_fmt(ci.low)}–{_fmt(ci.high)}]")


def _scores(scorer: Scorer, examples: Sequence[ds.Example]) -> np.ndarray:
    return np.asarray(example_scores(scorer, examples)[0])


def _labels(examples: Sequence[ds.Example]) -> np.ndarray:
    return np.asarray([e.label for e in examples], dtype=np.float64)


def _slice_split(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded 20% / 80% split of ``range(n)`` (threshold slice, evaluation slice)."""
    return slice_split(n, SEED)


def evaluate(
    scorer: Scorer, data: dict[str, list[ds.Example]], log: Callable[[str], None]
) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    t = time.time()
    y_fv, s_fv = _labels(data["frank_valid"]), _scores(scorer, data["frank_valid"])
    threshold = best_threshold(y_fv, s_fv)
    out["frank_threshold"] = Cell(f"{threshold:.3f}")
    log(f"{scorer.name}: FRANK valid ({time.time() - t:.0f}s)")

    y, s = _labels(data["frank_test"]), _scores(scorer, data["frank_test"])
    out["frank_bacc"] = _bacc_cell(y, s, threshold)
    out["frank_auc"] = Cell(_fmt(roc_auc(y, s)))
    log(f"{scorer.name}: FRANK test ({time.time() - t:.0f}s)")

    y, s = _labels(data["wice"]), _scores(scorer, data["wice"])
    out["wice_bacc_frank"] = _bacc_cell(y, s, threshold)
    oracle = best_threshold(y, s)
    out["wice_bacc_oracle"] = Cell(f"{_bacc_cell(y, s, oracle).text} (t={oracle:.3f})")
    out["wice_auc"] = Cell(_fmt(roc_auc(y, s)))
    log(f"{scorer.name}: WiCE dev ({time.time() - t:.0f}s)")

    for key in ("swenli", "xnli"):
        examples = data[key]
        y, s = _labels(examples), _scores(scorer, examples)
        pick, rest = _slice_split(len(examples))
        t_slice = best_threshold(y[pick], s[pick])
        out[f"{key}_bacc"] = Cell(f"{_bacc_cell(y[rest], s[rest], t_slice).text} (t={t_slice:.3f})")
        out[f"{key}_auc"] = Cell(_fmt(roc_auc(y[rest], s[rest])))
        log(f"{scorer.name}: {key} ({time.time() - t:.0f}s)")
    return out


def speed(make: Callable[[TextEmbedder], Scorer], pairs: Sequence[Pair]) -> tuple[float, float]:
    """Pairs per second with a fresh, empty embedding cache (embedding included), and
    again with the embeddings cached (as when passages were embedded for retrieval)."""
    clear_feature_caches()
    scorer = make(Embedder())
    cold = suite_speed(scorer, pairs, clear_feature_caches)
    warm = suite_speed(scorer, pairs, clear_feature_caches)
    return cold, warm


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="at most N examples per set")
    parser.add_argument("--cache", default="/tmp/sourcecheck-emb/cache", help="embedding cache")
    parser.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def take(it: Iterable[ds.Example]) -> list[ds.Example]:
        return list(islice(it, args.limit))

    data = {
        "frank_valid": take(ds.frank("valid")),
        "frank_test": take(ds.frank("test")),
        "wice": take(ds.wice_dev()),
        "swenli": take(ds.swenli_dev()),
        "xnli": take(ds.xnli("de", "en")),
    }
    embedder: TextEmbedder | None = None if args.no_cache else DiskCachedEmbedder(args.cache)
    scorers: dict[str, Callable[[TextEmbedder | None], Scorer]] = {
        "baseline": lambda e: BaselineScorer(embedder=e),
        "lexical": lambda e: LexicalScorer(),
    }
    results: dict[str, dict[str, Cell]] = {}
    speeds: dict[str, tuple[float, float]] = {}
    wice_pairs = pairs_of(data["wice"], SPEED_PAIRS)
    for name, make in scorers.items():
        results[name] = evaluate(make(embedder), data, log)
        if isinstance(embedder, DiskCachedEmbedder):
            embedder.flush()
        speeds[name] = speed(make, wice_pairs)

    n = {k: len(v) for k, v in data.items()}
    _, rest = _slice_split(n["swenli"])
    _, xrest = _slice_split(n["xnli"])
    rows = [
        (
            f"WiCE dev, claim level (n={n['wice']})",
            "BAcc @ FRANK-valid threshold",
            "wice_bacc_frank",
        ),
        ("", "BAcc @ WiCE-dev-optimal threshold (oracle)", "wice_bacc_oracle"),
        ("", "ROC AUC", "wice_auc"),
        (f"FRANK test (n={n['frank_test']})", "BAcc @ FRANK-valid threshold", "frank_bacc"),
        ("", "ROC AUC", "frank_auc"),
        (f"SweNLI dev, 80% (n={len(rest)})", "BAcc @ threshold from other 20%", "swenli_bacc"),
        ("", "ROC AUC", "swenli_auc"),
        (f"XNLI dev en→de, 80% (n={len(xrest)})", "BAcc @ threshold from other 20%", "xnli_bacc"),
        ("", "ROC AUC", "xnli_auc"),
        (f"FRANK valid (n={n['frank_valid']})", "threshold chosen (max BAcc)", "frank_threshold"),
    ]
    names = list(scorers)
    print("| set | metric | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for label, metric, key in rows:
        print(f"| {label} | {metric} | " + " | ".join(results[s][key].text for s in names) + " |")
    threads = os.environ.get("OMP_NUM_THREADS")
    print(
        f"| speed (n={len(wice_pairs) - 2} WiCE pairs, {threads} thread) "
        "| pairs/s, embedding included (cold cache) | "
        + " | ".join(f"{speeds[s][0]:.1f}" for s in names)
        + " |"
    )
    print(
        "|  | pairs/s, embeddings already cached | "
        + " | ".join(f"{speeds[s][1]:.1f}" for s in names)
        + " |"
    )
    print()
    print(
        "BAcc and AUC in %. BAcc: balanced accuracy with a 95% bootstrap interval (1,000 "
        "resamples, threshold fixed). Document-level sets score a claim as the highest "
        "support over its passages."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
