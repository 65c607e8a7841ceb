"""``sourcecheck batch``: many items, one process or a Ray cluster (see sourcecheck.batch)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: Any) -> None:
    from sourcecheck.cli.check import add_check_options

    p: argparse.ArgumentParser = sub.add_parser(
        "batch",
        help="check many articles (a JSONL of items) in one process or on Ray",
        description=(
            "Check every item of ITEMS (JSONL, one item per line: "
            '{"id": ..., "article": PATH or URL, "sources": [PATH or URL, ...]}, or '
            '"article_text" instead of "article"; paths relative to ITEMS). Writes '
            "OUT/reports/ID.json, OUT/verdicts.jsonl as each item finishes, "
            "OUT/verdicts.parquet and OUT/summary.json at the end."
        ),
    )
    p.add_argument("items", metavar="ITEMS", help="JSONL file of items")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder")
    p.add_argument(
        "--corpus",
        metavar="SOURCES",
        help="a folder or JSONL of documents, indexed once (and kept in the cache): items "
        "may leave out their sources and are checked against the whole corpus",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on with the batch in DIR: items done (same content and options) are skipped",
    )
    p.add_argument(
        "--ray",
        nargs="?",
        const=True,
        metavar="ADDRESS",
        help="run on Ray: a local instance, or the cluster at ADDRESS ('auto', ray://...)",
    )
    p.add_argument("--workers", type=int, metavar="N", help="Ray actors (default: one per CPU)")
    p.add_argument("-m", "--model", help="the scorer (as for check; default: the shipped verifier)")
    add_check_options(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sourcecheck.batch import run_batch
    from sourcecheck.cli.check import check_options
    from sourcecheck.config import resolve_options
    from sourcecheck.errors import ConfigError

    if args.workers is not None and args.workers < 1:
        raise ConfigError("--workers must be at least 1")
    options, origins = resolve_options(check_options(args))
    result = run_batch(
        args.items,
        args.out,
        corpus=args.corpus,
        resume=args.resume,
        ray=args.ray,
        workers=args.workers,
        options=options,
        option_origins=origins,
        cache=not args.no_cache,
        progress=not args.quiet,
    )
    rate = result.done / result.seconds * 60 if result.seconds > 0 else 0.0
    verdicts = ", ".join(f"{k} {v}" for k, v in result.verdicts.items()) or "none"
    print(
        f"{result.done} done, {result.failed} failed, {result.skipped} already done "
        f"(of {result.total}); {result.claims} claims ({verdicts}); "
        f"{result.seconds:.1f} s, {rate:.1f} items/min; outputs in {result.out_dir}",
        file=sys.stderr if args.quiet else sys.stdout,
    )
    for item_id, error in result.failures[:20]:
        print(f"sourcecheck: item {item_id} failed: {error}", file=sys.stderr)
    if len(result.failures) > 20:
        print(
            f"sourcecheck: ... and {len(result.failures) - 20} more (see items.jsonl)",
            file=sys.stderr,
        )
    return 1 if result.failed else 0
