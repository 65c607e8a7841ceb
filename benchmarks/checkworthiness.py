"""How well the claim filter keeps check-worthy sentences and skips the rest.

The filter (``sourcecheck.claims.extract_claims``) keeps a sentence as a claim unless it is
a question, a greeting, pure opinion, too short, or has no letters. Measured on:
* ClaimBuster two-class test (US debate sentences; 1 = check-worthy), CC BY 4.0;
* CLEF CheckThat! 2024 task 1 English dev and dev-test (Yes/No).

Each sentence is loaded as a one-line text document and run through the public API; a
sentence counts as kept when it yields a claim. Prints a Markdown table.

    python benchmarks/checkworthiness.py [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterator
from pathlib import Path

from sourcecheck.claims import extract_claims
from sourcecheck.errors import InputError
from sourcecheck.evaluate.datasets import eval_dir
from sourcecheck.load import load_text


def claimbuster_test(root: Path) -> Iterator[tuple[str, int]]:
    for row in json.loads((root / "claimbuster/two_class/test.json").read_text("utf-8")):
        yield row["text"], int(row["label"])


def checkthat(root: Path, split: str) -> Iterator[tuple[str, int]]:
    path = root / f"checkthat2024_task1_en/CT24_checkworthy_english_{split}.tsv"
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            yield row["Text"], int(row["class_label"].strip() == "Yes")


def kept(sentence: str) -> bool:
    try:
        doc = load_text(sentence, name="sentence.txt")
    except InputError:
        return False
    return bool(extract_claims(doc).claims)


def measure(rows: list[tuple[str, int]]) -> dict[str, float]:
    tp = fp = tn = fn = 0
    for text, label in rows:
        pred = kept(text)
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
    args = parser.parse_args()
    root = eval_dir()
    sets = {
        "ClaimBuster two-class test": list(claimbuster_test(root)),
        "CheckThat 2024 en dev": list(checkthat(root, "dev")),
        "CheckThat 2024 en dev-test": list(checkthat(root, "dev-test")),
    }
    print(
        "| set | n | kept | recall (check-worthy kept) | specificity (others skipped) "
        "| precision | F1 | balanced accuracy |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, rows in sets.items():
        m = measure(rows[: args.limit] if args.limit else rows)
        print(
            f"| {name} | {m['n']:.0f} | {m['kept']:.0f} | {100 * m['recall']:.1f} "
            f"| {100 * m['specificity']:.1f} | {100 * m['precision']:.1f} "
            f"| {100 * m['f1']:.1f} | {100 * m['bacc']:.1f} |"
        )


if __name__ == "__main__":
    main()
