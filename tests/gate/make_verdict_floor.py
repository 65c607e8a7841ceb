"""Record the verdict floors that tests/test_verdict_gate.py enforces.

Runs a pinned slice of the verdict benchmark (``benchmarks/verdicts.py``) through the
whole pipeline with the default model and decision rules: the first NTREX documents of
the benchmark's order in four source languages, and two of the project's hand-written
reports. Writes the data files' SHA-256, the slice, and floor = measured accuracy -
MARGIN, ceiling = measured flips + MARGIN (in %) to tests/gate/verdict_floors.json.

    python tests/gate/make_verdict_floor.py
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from verdict_suites import (  # noqa: E402
    CASES,
    EVAL,
    NTREX_LANGS,
    Group,
    handwritten_groups,
    ntrex_groups,
)
from verdicts import Outcome, run_group  # noqa: E402

FLOORS = HERE / "verdict_floors.json"
MARGIN = 5.0
SLICE: dict[str, Any] = {
    "ntrex_docs": 2,
    "ntrex_languages": ["sv", "de", "fr", "fi"],
    "handwritten": ["sv-granhojda-skolstruktur", "fr-cep-crues-serole"],
    "model": "verifier",
    "decision": "v2",
}


def data_files() -> list[Path]:
    ntrex = EVAL / "ntrex128"
    files = [ntrex / "DOCUMENT_IDS.tsv"]
    files += [
        ntrex / f"newstest2019-{NTREX_LANGS[lang]}.txt"
        for lang in ["en", *SLICE["ntrex_languages"]]
    ]
    files += [CASES / f"{name}.toml" for name in SLICE["handwritten"]]
    return files


def hashes() -> dict[str, str]:
    return {
        p.relative_to(p.parent.parent).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in data_files()
    }


def groups() -> list[Group]:
    out = list(ntrex_groups(SLICE["ntrex_languages"], docs=SLICE["ntrex_docs"]))
    wanted = set(SLICE["handwritten"])
    out += [g for g in handwritten_groups() if g.id.split(":")[1] in wanted]
    return out


def measure() -> dict[str, float]:
    outcomes: list[Outcome] = []
    for group in groups():
        outcomes += run_group(group, [SLICE["decision"]], SLICE["model"])
    n = len(outcomes)
    return {
        "n": n,
        "accuracy": round(100.0 * sum(o.correct for o in outcomes) / n, 1),
        "flips": round(100.0 * sum(o.flip for o in outcomes) / n, 1),
    }


def main() -> int:
    figures = measure()
    record = {
        "slice": SLICE,
        "sha256": hashes(),
        "margin": MARGIN,
        "measured": figures,
        "floor_accuracy": round(figures["accuracy"] - MARGIN, 1),
        "ceiling_flips": round(figures["flips"] + MARGIN, 1),
    }
    FLOORS.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
