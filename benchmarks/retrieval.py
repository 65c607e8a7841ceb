"""Retrieval alone: does search put the decisive sentence among the first k places, and
what does indexing cost — with two-sentence windows embedded as text, or given the mean
of their sentences' vectors (half the embedding work)?

    OMP_NUM_THREADS=2 python benchmarks/retrieval.py [--suites ntrex,handwritten]
        [--ntrex-docs 10] [--ks 1,3,8]

Every case of the verdict suites that names its decisive source sentence (claims stated
as written or with one detail changed; not the unrelated ones) is searched for in its
source with ``retrieve.search(distinct=True)`` as the pipeline does; recall@k is the share
whose decisive sentence overlaps one of the first k passages. Both ways of making window
vectors run in the same process, each with a fresh embedder (no disk cache), so the index
times compare.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ["SOURCECHECK_CACHE_DIR"] = "none"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verdict_suites import handwritten_groups, ntrex_groups, overlaps
from verdicts import _find_span

from sourcecheck.embed import Embedder
from sourcecheck.load import load_bytes
from sourcecheck.retrieve import WINDOW_VECTORS, build_index, search


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suites", default="ntrex,handwritten")
    ap.add_argument("--ntrex-docs", type=int, default=10)
    ap.add_argument("--ks", default="1,3,8")
    args = ap.parse_args(argv)
    ks = [int(k) for k in args.ks.split(",")]
    groups = []
    if "ntrex" in args.suites:
        groups.extend(ntrex_groups(None, docs=args.ntrex_docs))
    if "handwritten" in args.suites:
        groups.extend(handwritten_groups())
    sources = {}
    for g in groups:
        if g.source_name not in sources:
            sources[g.source_name] = load_bytes(
                g.source, name=g.source_name, doc_id=g.id.split(":")[1]
            )
    print(
        "| suite | windows | index s | passages embedded | "
        + " | ".join(f"recall@{k}" for k in ks)
        + " | cases |"
    )
    print("|---|---|---|---|" + "---|" * len(ks) + "---|")
    for mode in WINDOW_VECTORS:
        embedder = Embedder(store=None)
        embedder.queries(["warm up"])
        hits: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        cases: dict[str, int] = defaultdict(int)
        seconds: dict[str, float] = defaultdict(float)
        embedded: dict[str, int] = defaultdict(int)
        indexes = {}
        for g in groups:
            doc = sources[g.source_name]
            if g.source_name not in indexes:
                t = time.perf_counter()
                counter = [0]
                indexes[g.source_name] = build_index(
                    [doc],
                    embedder,
                    lambda done, total, c=counter: c.__setitem__(0, total),
                    window_vectors=mode,
                )
                seconds[g.suite] += time.perf_counter() - t
                embedded[g.suite] += counter[0]
            index = indexes[g.source_name]
            for case in g.cases:
                span = _find_span(doc, case.evidence)
                if span is None or case.accept[0] not in ("supported", "contradicted"):
                    continue
                cases[g.suite] += 1
                found = search(
                    index,
                    case.claim,
                    case.claim_language,
                    top_k=max(ks),
                    embedder=embedder,
                    distinct=True,
                )
                for k in ks:
                    if any(
                        overlaps(span, (index.passages[c.index].start, index.passages[c.index].end))
                        for c in found[:k]
                    ):
                        hits[g.suite][k] += 1
        for suite in cases:
            recalls = " | ".join(f"{100 * hits[suite][k] / cases[suite]:.1f}" for k in ks)
            print(
                f"| {suite} | {mode} | {seconds[suite]:.1f} | {embedded[suite]} | {recalls} | "
                f"{cases[suite]} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
