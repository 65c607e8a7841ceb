"""Record the accuracy floors that tests/test_accuracy_gate.py enforces.

Picks a seeded subset of each evaluation set, measures each gated scorer on it at the
scorer's own shipped threshold, and writes the subset ids, the data files' SHA-256 and,
per scorer, floor = measured balanced accuracy - MARGIN to tests/gate/floors.json.

    python tests/gate/make_floor.py            # every model in MODELS
    python tests/gate/make_floor.py verifier   # re-record one model's floors only

Gated: the shipped default (``verifier``) and the ``baseline`` it replaced.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import balanced_accuracy, document_scores
from sourcecheck.score.registry import shared_scorer

HERE = Path(__file__).resolve().parent
FLOORS = HERE / "floors.json"
MARGIN = 0.03
SEED = 7
MODELS = ("verifier", "baseline")
#: name: (data file, reader, examples kept, most passages per document). FRANK documents
#: are capped at 8 passages so that the gate scores little and runs in seconds. SweNLI:
#: only the premises the verifier was not trained on.
SETS = {
    "frank_test": ("frank/frank_joined.jsonl", lambda: ds.frank("test"), 100, 8),
    "swenli_dev": (
        "superlim2/swenli/swenli_dev.jsonl",
        lambda: ds.swenli_dev(heldout_only=True),
        200,
        1,
    ),
    "xnli_en_de": ("xnli/dev-de.tsv", lambda: ds.xnli("de", "en"), 100, 1),
}


def subset(examples: list[ds.Example], size: int, max_passages: int) -> list[ds.Example]:
    rng = random.Random(SEED)
    short = [e for e in examples if len(e.passages) <= max_passages]
    pos = [e for e in short if e.label == 1]
    neg = [e for e in short if e.label == 0]
    return rng.sample(pos, size // 2) + rng.sample(neg, size // 2)


def measure(examples: list[ds.Example], model: str) -> float:
    scorer = shared_scorer(model)
    scores = document_scores(
        scorer,
        [(e.claim, e.passages) for e in examples],
        claim_language=examples[0].language,
        passage_language=examples[0].premise_language,
    )
    return balanced_accuracy([e.label for e in examples], scores, scorer.support_threshold)


def main(models: list[str]) -> None:
    old: dict[str, Any] = (
        json.loads(FLOORS.read_text(encoding="utf-8")) if FLOORS.is_file() else {}
    )
    sets: dict[str, Any] = {}
    chosen: dict[str, list[ds.Example]] = {}
    for name, (relative, read, size, max_passages) in SETS.items():
        path = ds.data_file(relative)
        chosen[name] = subset(list(read()), size, max_passages)
        sets[name] = {
            "file": relative,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "ids": [e.id for e in chosen[name]],
        }
    same_sets = old.get("sets") == sets
    floors: dict[str, Any] = dict(old.get("floors", {})) if same_sets else {}
    scorers: dict[str, Any] = dict(old.get("scorers", {})) if same_sets else {}
    for model in models if same_sets else list(MODELS):
        scorer = shared_scorer(model)
        scorers[model] = {"name": scorer.name, "model_id": scorer.model_id}
        floors[model] = {}
        for name, examples in chosen.items():
            value = measure(examples, model)
            floors[model][name] = {"measured": round(value, 4), "floor": round(value - MARGIN, 4)}
            print(f"{model} {name}: balanced accuracy {value:.4f} on {len(examples)}")
    out = {"margin": MARGIN, "scorers": scorers, "floors": floors, "sets": sets}
    FLOORS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:] or list(MODELS))
