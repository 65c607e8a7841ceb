"""``sourcecheck evaluate DATA.jsonl [--dev DEV.jsonl] [--model NAME ...] [--json]``"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "evaluate",
        help="measure verifiers on your own labelled claim/document pairs",
        description=(
            "Measure one or more verifiers on DATA (JSONL: claim, document as a string or a "
            "list of passages, label 1 = supported / 0 = not). With --dev the threshold is "
            "chosen on DEV and applied unchanged to DATA; otherwise each scorer's shipped "
            "threshold is used."
        ),
    )
    p.add_argument("data", metavar="DATA.jsonl")
    p.add_argument("--dev", metavar="DEV.jsonl", help="labelled data to choose the threshold on")
    p.add_argument(
        "-m",
        "--model",
        dest="models",
        action="append",
        metavar="NAME",
        help="verifier to measure (repeat to compare side by side; default: the configured "
        "model of `sourcecheck check`: config file, SOURCECHECK_MODEL, else the shipped verifier)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="JSON to stdout: one object for one model, a list for several",
    )
    p.add_argument(
        "--whole-claims",
        action="store_true",
        help="score a claim of several sentences whole (default: each sentence against the "
        "document, the claim's score the mean of theirs)",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sourcecheck.config import resolve_options
    from sourcecheck.evaluate.userdata import evaluate, markdown_table, read_items
    from sourcecheck.score.registry import shared_scorer

    data = read_items(args.data)
    dev = read_items(args.dev) if args.dev else None
    results = []
    for name in args.models or [resolve_options()[0].model]:
        scorer = shared_scorer(name)
        print(f"sourcecheck: evaluating {name} on {len(data)} claims", file=sys.stderr)
        results.append(
            evaluate(
                scorer,
                data,
                dev=dev,
                data_name=Path(args.data).name,
                per_sentence=not args.whole_claims,
            )
        )
    if args.json:
        payload: object = (
            results[0].as_dict() if len(results) == 1 else [r.as_dict() for r in results]
        )
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(markdown_table(results))
    return 0
