"""How many verifier pairs a claim needs: exhaustive scoring against cheaper cascades.

Every suite of the verdict benchmark (``verdicts.py``) is run once with the verifier
reading **every** passage of the source for every claim (exhaustive). Each cascade is then
decided from the same scores, keeping only the passages its cheap first stage lets
through: the ``c`` best of the cited place and the ``k`` best of the search (fused lexical
and dense rank: the order ``retrieve.search`` gives), so every row is measured on the same
claims, scores and decision code in one run. Printed per suite: accepted verdicts, flips,
candidate recall (the decisive sentence among the passages read) and verifier pairs per
claim, with a 95% interval on accepted verdicts.

    OMP_NUM_THREADS=2 python benchmarks/cascade.py [--suites ntrex,handwritten,wice]
        [--ntrex-docs 3] [--cascades 12+8,4+4,3+3,2+2] [--json OUT]

A cascade ``c+k``: at most ``c`` cited passages and ``k`` searched ones, in fused order;
``c+kd``: the same, where a passage mostly inside one already let through (a sentence and
the window of two sentences around it) takes no place. ``12+8`` was the default before the
cascade (``cited_k`` 12, ``top_k`` 8).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("SOURCECHECK_THREADS", os.environ["OMP_NUM_THREADS"])
sys.path.insert(0, str(Path(__file__).resolve().parent))

from verdict_suites import Case, Group, overlaps
from verdicts import Outcome, _outcome, figures, groups_for

from sourcecheck.config import resolve_options
from sourcecheck.embed import default_embedder
from sourcecheck.load import load_bytes
from sourcecheck.model import Verdict
from sourcecheck.pipeline import check_documents, judge_for, resolve_thresholds
from sourcecheck.score.registry import shared_scorer
from sourcecheck.verdict import ClaimEvidence, ScoredPassage, decide

EVERYTHING = 10**6


def _cut(item: ClaimEvidence, cited: int, search: int, distinct: bool = False) -> ClaimEvidence:
    """The candidates a cascade c+k lets through (their order kept); ``distinct``: a
    passage mostly inside one already let through (a sentence of a window, a window
    around a sentence) does not take a place."""
    keep: list[ScoredPassage] = []
    n_cited = n_search = 0
    for c in item.candidates:
        if distinct and any(
            k.passage.doc_id == c.passage.doc_id
            and overlaps((k.passage.start, k.passage.end), (c.passage.start, c.passage.end))
            for k in keep
            if k.retrieval == c.retrieval
        ):
            continue
        if c.retrieval == "cited" and n_cited < cited:
            keep.append(c)
            n_cited += 1
        elif c.retrieval == "search" and n_search < search:
            keep.append(c)
            n_search += 1
    ids = {(c.passage.doc_id, c.passage.start, c.passage.end) for c in keep}

    def sub(x: ClaimEvidence) -> ClaimEvidence:
        return replace(
            x,
            candidates=tuple(
                c for c in x.candidates if (c.passage.doc_id, c.passage.start, c.passage.end) in ids
            ),
        )

    return replace(sub(item), parts=tuple(sub(p) for p in item.parts))


def _pairs(item: ClaimEvidence) -> int:
    return len(item.candidates) * (1 + len(item.parts))


def run_group(
    group: Group, cascades: Sequence[tuple[str, int, int]], model: str
) -> tuple[list[Outcome], dict[str, int]]:
    """Outcomes of every case under exhaustive scoring and each cascade (``decision`` names
    the row), and the verifier pairs each row read."""
    source = load_bytes(group.source, name=group.source_name, doc_id=group.id.split(":")[1])
    outcomes: list[Outcome] = []
    pairs: dict[str, int] = defaultdict(int)
    by_lang: dict[str, list[Case]] = defaultdict(list)
    for case in group.cases:
        by_lang[case.claim_language].append(case)
    embedder = default_embedder()
    for lang, cases in by_lang.items():
        text = "\n\n".join(c.claim for c in cases) + "\n"
        article = load_bytes(text.encode("utf-8"), name=f"article-{lang}.txt", doc_id="article")
        spans, at = [], 0
        for c in cases:
            start = article.text.find(c.claim.split()[0], at)
            spans.append(start)
            at = start + 1
        bounds = [*spans[1:], len(article.text) + 1]
        options, origins = resolve_options(
            {"model": model, "top_k": EVERYTHING, "cited_k": EVERYTHING}
        )
        scorer = shared_scorer(model)
        judge = judge_for(scorer)
        th = resolve_thresholds(options, scorer, judge)
        traces: dict[int, ClaimEvidence] = {}

        def keep(item: ClaimEvidence, verdict: Verdict, into: dict = traces) -> None:  # type: ignore[type-arg]
            into[item.claim.start] = item

        report = check_documents(
            article, [source], options=options, option_origins=origins, trace=keep
        )
        rows: dict[str, tuple[dict[int, ClaimEvidence], dict[int, Verdict]]] = {
            "exhaustive": (traces, {v.claim.start: v for v in report.verdicts})
        }
        for name, cited, search in cascades:
            distinct = name.endswith("d")
            cut = {start: _cut(item, cited, search, distinct) for start, item in traces.items()}
            decided = {
                start: decide(
                    item,
                    th,
                    {source.id: source},
                    embedder,
                    max_evidence=options.max_evidence,
                    version=options.decision,
                    judge_model=judge,
                )
                for start, item in cut.items()
            }
            rows[name] = (cut, decided)
        for name, (items, verdicts) in rows.items():
            pairs[name] += sum(_pairs(i) for i in items.values())
            for k, case in enumerate(cases):
                mine = [
                    v
                    for start, v in sorted(verdicts.items())
                    if v.claim.origin == "article" and spans[k] <= start < bounds[k]
                ]
                outcomes.append(_outcome(group, case, name, mine, items, source))
    return outcomes, pairs


def _interval(p: float, n: int) -> float:
    """Half-width of a 95% Wilson-style normal interval, in points."""
    if n == 0:
        return float("nan")
    q = p / 100
    return 196 * math.sqrt(max(q * (1 - q), 1e-9) / n)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--suites", default="ntrex,handwritten,wice")
    ap.add_argument("--ntrex-docs", type=int, default=3)
    ap.add_argument("--languages", default="")
    ap.add_argument("--wice", type=int, default=30)
    ap.add_argument("--vitaminc", type=int, default=60)
    ap.add_argument("--model", default="verifier")
    ap.add_argument("--cascades", default="12+8,4+4,4+4d,3+3,3+3d,2+2,2+2d")
    ap.add_argument("--json", dest="json_out")
    args = ap.parse_args(argv)
    cascades = []
    for spec in args.cascades.split(","):
        c, k = spec.rstrip("d").split("+")
        cascades.append((spec, int(c), int(k)))
    names = ["exhaustive", *(c[0] for c in cascades)]
    shared_scorer(args.model)
    default_embedder()
    t0 = time.perf_counter()
    outcomes: dict[str, list[Outcome]] = defaultdict(list)
    pairs: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    claims: dict[str, int] = defaultdict(int)
    for group in groups_for(args):
        outs, group_pairs = run_group(group, cascades, args.model)
        outcomes[group.suite].extend(outs)
        for name, n in group_pairs.items():
            pairs[group.suite][name] += n
        claims[group.suite] += len(group.cases)
        print(f"{group.id}: {len(outs) // len(names)} cases", file=sys.stderr)
    wall = time.perf_counter() - t0
    print(f"# Cascades against exhaustive scoring ({wall:.0f} s)\n")
    results: dict[str, dict[str, dict[str, object]]] = {}
    for suite, outs in outcomes.items():
        print(f"## {suite} ({claims[suite]} cases)\n")
        print("| reads | accepted % (±95%) | flips % | candidate recall % | pairs / claim |")
        print("|---|---|---|---|---|")
        results[suite] = {}
        for name in names:
            mine = [o for o in outs if o.decision == name]
            fig = figures(mine)
            acc = float(fig["accuracy"] or 0.0)  # type: ignore[arg-type]
            per_claim = pairs[suite][name] / max(1, claims[suite])
            fig = {**fig, "pairs_per_claim": round(per_claim, 2)}
            results[suite][name] = fig
            print(
                f"| {name} | {acc:.1f} (±{_interval(acc, len(mine)):.1f}) | {fig['flips']} | "
                f"{fig['candidate_recall']} | {per_claim:.1f} |"
            )
        print()
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
