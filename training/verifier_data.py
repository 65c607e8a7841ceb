"""Training pairs for the cross-encoder verifier (first experiment).

Only sets marked ``train? yes`` in ``../shared/eval/README.md`` are read, through the
readers in :mod:`sourcecheck.evaluate.datasets`: FRANK valid, the four SummaC (pr15) sets,
Factcheck-GPT stance, SNLI dev and test, and the partially supported WiCE *train*
sub-claims. Never read here: WiCE dev, FRANK test, SweNLI dev (evaluation-only in this
experiment), XNLI, covidfact, healthver, climate_fever, scifact.

* A multi-passage document becomes one pair: the claim with the passage of highest
  lexical coverage of the claim (as ``training/train_baseline.py`` does).
* Label 1 = supported, 0 = everything else.
* Synthetic negatives made from supported pairs: a number in the claim replaced by
  another value, a negation inserted or removed (English "not", Swedish "inte"), two
  capitalised names swapped. Each is label 0.

``python training/verifier_data.py OUT_DIR`` writes ``train.jsonl`` (one pair a line,
shuffled with a fixed seed) and ``record.json`` (per-set row counts and file SHA-256).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from sourcecheck.evaluate import datasets as ds

SEED = 20261125

#: Training source name -> data file relative to the eval folder.
FILES = {
    "frank_valid": "frank/frank_joined.jsonl",
    "summac_factcc": "summac_pr15/factcc.json",
    "summac_polytope": "summac_pr15/polytope.json",
    "summac_summeval": "summac_pr15/summeval.json",
    "summac_xsumfaith": "summac_pr15/xsumfaith.json",
    "factcheck_gpt": "factcheck_gpt/subtasks/subtask3_claim_evidence_stance.jsonl",
    "snli_dev": "snli/snli_1.0_dev.jsonl",
    "snli_test": "snli/snli_1.0_test.jsonl",
    "wice_train_partial": "wice/non_supported_tokens/train.jsonl",
}

#: Sets that must never be read for training.
FORBIDDEN = (
    "wice dev",
    "frank test",
    "swenli dev",
    "xnli",
    "covidfact",
    "healthver",
    "climate_fever",
    "scifact",
)


@dataclass(frozen=True)
class TrainPair:
    """One training pair."""

    source: str
    claim: str
    passage: str
    label: int
    claim_language: str
    passage_language: str


def _readers() -> dict[str, Callable[[], Iterable[ds.Example]]]:
    return {
        "frank_valid": lambda: ds.frank("valid"),
        "summac_factcc": lambda: ds.summac("factcc"),
        "summac_polytope": lambda: ds.summac("polytope"),
        "summac_summeval": lambda: ds.summac("summeval"),
        "summac_xsumfaith": lambda: ds.summac("xsumfaith"),
        "factcheck_gpt": ds.factcheck_gpt_stance,
        "snli_dev": lambda: ds.snli("dev"),
        "snli_test": lambda: ds.snli("test"),
        "wice_train_partial": ds.wice_train_partial,
    }


_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
_NEG_EN = re.compile(
    r"\b(is|are|was|were|has|have|had|does|do|did|can|will|would|could)"
    r"( not|n't)\b",
    re.IGNORECASE,
)
_AUX_EN = re.compile(r"\b(is|are|was|were|has|have|had|does|did|can|will|would|could)\b")
_NEG_SV = re.compile(r" inte\b")
_VERB_SV = re.compile(r"\b(är|var|har|hade|kan|ska|skulle|blir|blev)\b")
_NAME = re.compile(r"(?<=\w )[A-ZÅÄÖ][a-zåäöé]+(?: [A-ZÅÄÖ][a-zåäöé]+)*")


def swap_number(claim: str, rng: random.Random) -> str | None:
    """Replace one number in ``claim`` with a different plausible value."""
    found = list(_NUMBER.finditer(claim))
    if not found:
        return None
    m = rng.choice(found)
    text = m.group(0)
    digits = text.replace(",", "").replace(".", "")
    if not digits.isdigit():
        return None
    value = int(text) if text.isdigit() else None
    if value is not None and 1000 <= value <= 2100:  # a year
        new = str(value + rng.choice([-3, -2, -1, 1, 2, 3]))
    elif value is not None:
        new = str(max(0, value + rng.choice([-1, 1]) * max(1, int(value * rng.uniform(0.2, 0.9)))))
        if new == text:
            new = str(value + 1)
    else:
        chars = list(text)
        idx = [i for i, c in enumerate(chars) if c.isdigit()]
        i = rng.choice(idx)
        chars[i] = str((int(chars[i]) + rng.randint(1, 8)) % 10)
        new = "".join(chars)
    return claim[: m.start()] + new + claim[m.end() :]


def flip_negation(claim: str, language: str) -> str | None:
    """Remove a negation if there is one, else insert one after the first auxiliary."""
    if language == "sv":
        if _NEG_SV.search(claim):
            return _NEG_SV.sub("", claim, count=1)
        m = _VERB_SV.search(claim)
        return None if m is None else claim[: m.end()] + " inte" + claim[m.end() :]
    m = _NEG_EN.search(claim)
    if m is not None:
        return claim[: m.start()] + m.group(1) + claim[m.end() :]
    m = _AUX_EN.search(claim)
    return None if m is None else claim[: m.end()] + " not" + claim[m.end() :]


def swap_names(claim: str) -> str | None:
    """Swap the first two different capitalised (non-initial) names in ``claim``."""
    found = list(_NAME.finditer(claim))
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a.group(0) != b.group(0):
                return (
                    claim[: a.start()]
                    + b.group(0)
                    + claim[a.end() : b.start()]
                    + a.group(0)
                    + claim[b.end() :]
                )
    return None


def build(synthetic_share: float = 0.5) -> tuple[list[TrainPair], dict[str, object]]:
    """All training pairs (real + synthetic), shuffled with :data:`SEED`, and the record."""
    rng = random.Random(SEED)
    pairs: list[TrainPair] = []
    record: dict[str, object] = {}
    for name, read in _readers().items():
        rows = []
        for ex in read():
            rows.append(
                TrainPair(
                    name,
                    ex.claim,
                    ds.best_passage(ex),
                    ex.label,
                    ex.language or "en",
                    ex.premise_language or "en",
                )
            )
        pairs.extend(rows)
        record[name] = {
            "file": FILES[name],
            "sha256": ds.file_sha256(ds.data_file(FILES[name])),
            "rows": len(rows),
            "supported": sum(r.label for r in rows),
        }
        print(f"{name}: {record[name]}", file=sys.stderr)
    synthetic: dict[str, list[TrainPair]] = {"syn_number": [], "syn_negation": [], "syn_names": []}
    for p in [p for p in pairs if p.label == 1]:
        if rng.random() > synthetic_share:
            continue
        options: list[tuple[str, str | None]] = [
            ("syn_number", swap_number(p.claim, rng)),
            ("syn_negation", flip_negation(p.claim, p.claim_language)),
            ("syn_names", swap_names(p.claim)),
        ]
        options = [(k, c) for k, c in options if c and c != p.claim]
        if not options:
            continue
        # Prefer the rarer kinds: numbers and names before negation.
        kind, claim = next(((k, c) for k, c in options if k != "syn_negation"), options[0])
        if rng.random() < 0.3:
            kind, claim = rng.choice(options)
        assert claim is not None
        synthetic[kind].append(
            TrainPair(kind, claim, p.passage, 0, p.claim_language, p.passage_language)
        )
    for kind, rows in synthetic.items():
        pairs.extend(rows)
        record[kind] = {"rows": len(rows), "supported": 0, "from": "supported pairs above"}
        print(f"{kind}: {len(rows)}", file=sys.stderr)
    rng.shuffle(pairs)
    record["total"] = {"rows": len(pairs), "supported": sum(p.label for p in pairs)}
    record["seed"] = SEED
    record["never_read"] = list(FORBIDDEN)
    return pairs, record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    pairs, record = build()
    path = args.out_dir / "train.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for p in pairs:
            handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    record["train_jsonl_sha256"] = ds.file_sha256(path)
    (args.out_dir / "record.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record["total"]), file=sys.stderr)


if __name__ == "__main__":
    main()
