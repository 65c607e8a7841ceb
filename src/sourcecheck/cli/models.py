"""``sourcecheck models``: the scorer backends ``--model`` accepts, built-in and plug-in."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any


def add_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "models",
        help="list the scorer backends --model accepts (built-in and installed plug-ins)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per backend")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from sourcecheck.score.registry import backends

    found = backends()
    if args.json:
        for b in found:
            print(json.dumps(asdict(b), ensure_ascii=False))
        return 0
    width = max((len(b.usage) for b in found), default=0)
    for b in found:
        what = f"cannot be loaded: {b.problem}" if b.problem else b.summary
        print(f"{b.usage:<{width}}  {what}  [{b.origin}]", file=sys.stdout)
    return 0
