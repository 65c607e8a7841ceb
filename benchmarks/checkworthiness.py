"""How well sourcecheck keeps check-worthy sentences and skips the rest: today's rule
filter alone beside the rule filter with the check-worthiness model, in one run.

* ``rules``: ``sourcecheck.claims.extract_claims`` keeps a sentence as a claim unless it
  is a question, a greeting, pure opinion, too short, or has no letters;
* ``model``: what ``check`` keeps by default — the rule filter's claims that the model
  (``sourcecheck.worthiness``, threshold from its JSON) scores check-worthy, or that cite
  or quote a source.

Measured on ClaimBuster two-class test (US debate sentences; 1 = check-worthy, CC BY 4.0),
CLEF CheckThat! 2024 task 1 English dev and dev-test (Yes/No), and the project's Swedish
set (``checkworthiness_cases/sv.tsv``, 260 sentences of news, reports, columns, blogs and
comment threads). Each sentence is loaded as a one-line text document; a sentence counts
as kept when it yields a claim. Prints a Markdown table (``--json OUT`` for the figures).

    OMP_NUM_THREADS=2 python benchmarks/checkworthiness.py [--limit N] [--json OUT]
"""

from __future__ import annotations

import argparse
import csv
import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "2")
from collections.abc import Iterator
from pathlib import Path

from sourcecheck.claims import extract_claims
from sourcecheck.embed import default_embedder
from sourcecheck.errors import InputError
from sourcecheck.evaluate.datasets import eval_dir
from sourcecheck.load import load_text
from sourcecheck.pipeline import checked_text
from sourcecheck.worthiness import default_worthiness

SV = Path(__file__).resolve().parent / "checkworthiness_cases" / "sv.tsv"


def claimbuster_test(root: Path) -> Iterator[tuple[str, int]]:
    for row in json.loads((root / "claimbuster/two_class/test.json").read_text("utf-8")):
        yield row["text"], int(row["label"])


def checkthat(root: Path, split: str) -> Iterator[tuple[str, int]]:
    path = root / f"checkthat2024_task1_en/CT24_checkworthy_english_{split}.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            yield row["Text"], int(row["class_label"].strip() == "Yes")


def swedish(path: Path = SV) -> Iterator[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            yield row["text"], int(row["label"])


def decisions(rows: list[tuple[str, int]]) -> dict[str, list[bool]]:
    """Per sentence: kept by the rules, and kept by the rules and the model."""
    model = default_worthiness()
    embedder = default_embedder()
    rules: list[bool] = []
    claims = []
    for text, _ in rows:
        try:
            found = extract_claims(load_text(text, name="sentence.txt")).claims
        except InputError:
            found = []
        rules.append(bool(found))
        claims.append(found)
    texts = [checked_text(c) for found in claims for c in found]
    languages = [c.language for found in claims for c in found]
    probs = iter(model.probabilities(texts, embedder, languages))
    with_model = []
    for found in claims:
        keep = False
        for c in found:
            p = next(probs)
            keep |= p >= model.threshold or bool(c.citations or c.quotes)
        with_model.append(keep)
    return {"rules": rules, "model": with_model}


def measure(rows: list[tuple[str, int]], kept: list[bool]) -> dict[str, float]:
    tp = fp = tn = fn = 0
    for (_, label), pred in zip(rows, kept, strict=True):
        tp += pred and label == 1
        fp += pred and label == 0
        tn += (not pred) and label == 0
        fn += (not pred) and label == 1
    recall = tp / (tp + fn) if tp + fn else float("nan")
    specificity = tn / (tn + fp) if tn + fp else float("nan")
    precision = tp / (tp + fp) if tp + fp else float("nan")
    return {
        "n": len(rows),
        "kept": tp + fp,
        "recall": recall,
        "specificity": specificity,
        "precision": precision,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "bacc": (recall + specificity) / 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, help="first N sentences of each set")
    parser.add_argument("--json", dest="json_out")
    args = parser.parse_args()
    root = eval_dir()
    sets = {
        "ClaimBuster two-class test": list(claimbuster_test(root)),
        "CheckThat 2024 en dev": list(checkthat(root, "dev")),
        "CheckThat 2024 en dev-test": list(checkthat(root, "dev-test")),
        "Swedish (project-written)": list(swedish()),
    }
    print(f"model: {default_worthiness().model_id}, threshold {default_worthiness().threshold}\n")
    print(
        "| set | filter | n | kept | recall (check-worthy kept) | specificity (others skipped) "
        "| precision | F1 | balanced accuracy |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, rows in sets.items():
        rows = rows[: args.limit] if args.limit else rows
        results[name] = {}
        for filt, kept in decisions(rows).items():
            m = measure(rows, kept)
            results[name][filt] = m
            print(
                f"| {name} | {filt} | {m['n']:.0f} | {m['kept']:.0f} | {100 * m['recall']:.1f} "
                f"| {100 * m['specificity']:.1f} | {100 * m['precision']:.1f} "
                f"| {100 * m['f1']:.1f} | {100 * m['bacc']:.1f} |"
            )
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
