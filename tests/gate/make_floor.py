"""Record the accuracy floors that tests/test_accuracy_gate.py enforces.

Picks a seeded subset of each evaluation set, measures the shipped default scorer on it at
its shipped threshold, and writes the subset ids, the data files' SHA-256 and
floor = measured balanced accuracy - MARGIN to tests/gate/floors.json.

    python tests/gate/make_floor.py
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import balanced_accuracy, document_scores
from sourcecheck.pipeline import scorer_for

HERE = Path(__file__).resolve().parent
MARGIN = 0.03
SEED = 7
#: name: (data file, reader, examples kept, most passages per document). FRANK documents
#: are capped at 8 passages so that the gate embeds little and runs in seconds.
SETS = {
    "frank_test": ("frank/frank_joined.jsonl", lambda: ds.frank("test"), 100, 8),
    "swenli_dev": ("superlim2/swenli/swenli_dev.jsonl", ds.swenli_dev, 200, 1),
}


def subset(examples: list[ds.Example], size: int, max_passages: int) -> list[ds.Example]:
    rng = random.Random(SEED)
    short = [e for e in examples if len(e.passages) <= max_passages]
    pos = [e for e in short if e.label == 1]
    neg = [e for e in short if e.label == 0]
    return rng.sample(pos, size // 2) + rng.sample(neg, size // 2)


def measure(examples: list[ds.Example], model: str) -> float:
    scorer = scorer_for(model)
    scores = document_scores(
        scorer,
        [(e.claim, e.passages) for e in examples],
        claim_language=examples[0].language,
        passage_language=examples[0].premise_language,
    )
    return balanced_accuracy([e.label for e in examples], scores, scorer.support_threshold)


def main() -> None:
    model = "baseline"
    floors: dict[str, object] = {"model": model, "margin": MARGIN, "sets": {}}
    for name, (relative, read, size, max_passages) in SETS.items():
        path = ds.data_file(relative)
        chosen = subset(list(read()), size, max_passages)
        value = measure(chosen, model)
        floors["sets"][name] = {  # type: ignore[index]
            "file": relative,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "ids": [e.id for e in chosen],
            "measured": round(value, 4),
            "floor": round(value - MARGIN, 4),
        }
        print(f"{name}: balanced accuracy {value:.4f} on {len(chosen)}")
    (HERE / "floors.json").write_text(json.dumps(floors, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
