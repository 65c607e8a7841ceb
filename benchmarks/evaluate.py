"""Measure verifiers side by side on every grounded evaluation set; Markdown to stdout.

    OMP_NUM_THREADS=1 python benchmarks/evaluate.py [--models verifier,baseline,lexical]
        [--sets wice,frank,...] [--limit N] [--seed 7] [--json OUT]
        [--cache DIR | --no-cache] [--speed-pairs 256] [--whole-claims]

Per set (see ``eval_suite.py`` beside this script for the list and each set's dev → test rule):
the threshold is chosen on the dev part at maximum balanced accuracy and applied unchanged
to the test part; balanced accuracy with a 95% bootstrap interval (1,000 resamples,
threshold fixed), ROC AUC, expected calibration error of the support score, the confusion
matrix, balanced accuracy at the scorer's own shipped threshold, and pairs/s and claims/s
as measured while scoring that set. A claim of several sentences scores the mean of its
sentences' best supports (``--whole-claims``: the whole claim against each passage, as
before 2026-12-05). ``--limit N`` caps each part of each set at N rows
(a seeded sample). A speed probe per scorer follows: pairs/s of one batch of the first
WiCE pairs with cold caches (for ``baseline``: a fresh embedder, nothing embedded yet).

The baseline's e5 embeddings are cached on disk (``--cache``, default
/tmp/sourcecheck-emb/cache) so that a second run does not embed again; the speed probe
never uses that cache. Thread counts: ``OMP_NUM_THREADS`` (default 1 here) and
``SOURCECHECK_THREADS`` for onnxruntime (default: the same as ``OMP_NUM_THREADS``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_suite as suite

from sourcecheck.embed import Embedder
from sourcecheck.evaluate.metrics import PER_SENTENCE, WHOLE_CLAIM
from sourcecheck.evaluate.userdata import Result
from sourcecheck.score import Scorer, get_scorer
from sourcecheck.score.baseline import BaselineScorer
from sourcecheck.score.features import DiskCachedEmbedder, TextEmbedder

DEFAULT_MODELS = "verifier,baseline,lexical"


def make_scorer(name: str, embedder: TextEmbedder | None) -> Scorer:
    """The scorer ``name`` (any registered name); ``baseline``, ``verifier`` and
    ``verifier-bf16`` get ``embedder`` for their dense features."""
    if name == "baseline":
        return BaselineScorer(embedder=embedder)
    prefix, _, arg = name.partition(":")
    if prefix in ("verifier", "verifier-bf16"):
        from sourcecheck.score.verifier import VerifierScorer

        runtime = "onnx" if prefix == "verifier" else "torch-bf16"
        return VerifierScorer(arg or None, runtime=runtime, embedder=embedder)
    return get_scorer(name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--models", default=DEFAULT_MODELS, help="comma-separated scorer names")
    parser.add_argument("--sets", default=",".join(suite.SETS), help="comma-separated set names")
    parser.add_argument("--limit", type=int, default=None, help="at most N rows per dev/test part")
    parser.add_argument("--seed", type=int, default=suite.SEED, help="seed of the row sample")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--cache", default="/tmp/sourcecheck-emb/cache", help="embedding cache")
    parser.add_argument("--no-cache", action="store_true", help="embed everything afresh")
    parser.add_argument("--speed-pairs", type=int, default=256, help="pairs in the speed probe")
    parser.add_argument(
        "--whole-claims",
        action="store_true",
        help="score a claim of several sentences whole, not sentence by sentence",
    )
    args = parser.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    names = [s.strip() for s in args.sets.split(",") if s.strip()]

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    sets = suite.load_sets(names, limit=args.limit, seed=args.seed)
    log(f"loaded {len(sets)} sets ({time.perf_counter() - started:.0f}s)")
    embedder: TextEmbedder | None = None if args.no_cache else DiskCachedEmbedder(args.cache)

    results: dict[str, dict[str, Result]] = {}
    described: dict[str, dict[str, object]] = {}
    probe: dict[str, float | None] = {}
    probe_set = next((s for s in sets if s.name == "wice"), sets[0])
    # two pairs warm the model up; with no more than that there is no probe
    probe_pairs = suite.pairs_of(probe_set.test, args.speed_pairs)
    if len(probe_pairs) <= 2:
        probe_pairs = []
    for model in models:
        scorer = make_scorer(model, embedder)
        described[model] = scorer.describe()
        results[model] = {}
        for s in sets:
            t = time.perf_counter()
            results[model][s.name] = suite.evaluate_set(
                scorer, s, per_sentence=not args.whole_claims
            )
            if isinstance(embedder, DiskCachedEmbedder):
                embedder.flush()
            r = results[model][s.name]
            log(
                f"{model} {s.name}: BAcc {100 * r.balanced_accuracy:.1f} AUC {100 * r.auc:.1f} "
                f"({r.pairs} pairs, {time.perf_counter() - t:.0f}s)"
            )
        if probe_pairs:
            cold = make_scorer(model, Embedder())
            probe[model] = rate = suite.speed(cold, probe_pairs, suite.clear_feature_caches)
            log(f"{model}: speed probe {rate:.1f} pairs/s")
        else:
            probe[model] = None

    threads = os.environ.get("OMP_NUM_THREADS")
    ort_threads = os.environ.get("SOURCECHECK_THREADS")
    print(suite.markdown(sets, results))
    print("| model | pairs/s over the run | claims/s over the run | speed probe, pairs/s |")
    print("|---|---|---|---|")
    for model in models:
        pairs = sum(r.pairs for r in results[model].values())
        seconds = sum(r.seconds for r in results[model].values())
        claims = sum(len(s.dev) + len(s.test) for s in sets)
        run_pairs = f"{pairs / seconds:.1f}" if seconds > 0 else "–"
        run_claims = f"{claims / seconds:.2f}" if seconds > 0 else "–"
        rate = probe[model]
        probe_rate = "–" if rate is None else f"{rate:.1f}"
        print(f"| {model} | {run_pairs} | {run_claims} | {probe_rate} |")
    print()
    probed = (
        f"{len(probe_pairs) - 2} pairs of {probe_set.title} in the speed probe"
        if probe_pairs
        else "no speed probe"
    )
    print(
        f"BAcc, AUC in %. {probed}. "
        f"OMP_NUM_THREADS={threads}, SOURCECHECK_THREADS={ort_threads}, "
        f"limit={args.limit}, seed={args.seed}; claims of several sentences: "
        f"{WHOLE_CLAIM if args.whole_claims else PER_SENTENCE}; "
        f"{platform.machine()}, {os.cpu_count()} cores; "
        f"{time.perf_counter() - started:.0f} s in all. Run speed of baseline counts the "
        "embedding cache as it was."
    )
    for model in models:
        trained = described[model].get("trained_on")
        if isinstance(trained, dict) and trained:
            print(f"{model} was trained on: {', '.join(sorted(map(str, trained)))}.")
    if args.json is not None:
        payload = {
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *(argv or sys.argv[1:])]),
            "limit": args.limit,
            "seed": args.seed,
            "claim_scoring": WHOLE_CLAIM if args.whole_claims else PER_SENTENCE,
            "threads": {"OMP_NUM_THREADS": threads, "SOURCECHECK_THREADS": ort_threads},
            "sets": {
                s.name: {
                    "title": s.title,
                    "threshold_from": s.threshold_from,
                    "n_dev": len(s.dev),
                    "n_test": len(s.test),
                }
                for s in sets
            },
            "results": {m: {k: r.as_dict() for k, r in v.items()} for m, v in results.items()},
            "speed_probe_pairs_per_second": probe,
            "scorers": described,
        }
        args.json.write_text(json.dumps(payload, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
