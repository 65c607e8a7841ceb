"""Training pairs for the second verifier round: across languages and contrastive.

The shipped verifier (``verifier_data.py``) read few cross-language pairs (the Django
catalogues: short interface strings) and no real contrastive set, so an English sentence
against its professional translation often scored low and a changed number slipped
through. This script writes the pairs for a warm-started second round::

    python training/contrast_data.py WORK/data2 --base WORK/data

``WORK/data`` is the first round's data (``verifier_data.py``); ``WORK/data2`` gets
``train.jsonl`` (the new pairs plus a seeded replay share of the first round's training
pairs, so the model keeps what it knew), ``heldout.jsonl`` (the first round's held-out
pairs plus the new sets' held-out groups: calibration and the stacked head are fitted
there) and ``record.json`` (rows per source and label, file hashes).

New pairs, only from sets marked ``train? yes`` in ``../shared/eval``:

- ``xl_ntrex``: NTREX-128 news, the 28 documents that neither the verdict benchmark
  (``benchmarks/verdict_suites.ntrex_split``: its 30 reserved documents) nor the judge
  (``training/train_judge.py``: the first 32 training documents) reads. An English sentence
  against a window of the document in Danish, German, Finnish, French, Norwegian, Spanish or
  Swedish that holds its translation (supported); the same sentence with a number, month,
  name, role, antonym or negation changed by ``verifier_data``'s own edits (contradicted);
  another sentence of the document (neutral). A seeded share the other way round (the
  translated sentence as the claim, the English window as the passage).
- ``xl_tatoeba``: Tatoeba everyday sentences, English against Swedish (manythings) and the
  seven LASER languages: the translation (supported), an edited English sentence
  (contradicted), another pair's translation (neutral).
- ``vitaminc``: VitaminC real contrastive pairs, whole ``case_id`` sets, leaving out every
  case the verdict benchmark's VitaminC suite reads (``vitaminc_groups``).
- ``fm2``: Fool Me Twice claims the judge does not read: gold evidence (supported /
  contradicted) and a retrieved non-gold sentence of the same page (neutral).
- ``breaking_nli``: SNLI premises with one word swapped (mostly contradicted).
- ``begin``: BEGIN dialogue responses against their knowledge snippet (fully attributable:
  supported; not fully attributable: not supported; generic: neutral), the ``wow`` dev split.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from train_judge import FM2_CLAIMS, NTREX_DOCS, fm2_items, fm2_sample  # noqa: E402
from verdict_suites import (  # noqa: E402
    EVAL,
    NTREX_LANGS,
    _ntrex_lines,
    ntrex_split,
    vitaminc_groups,
)
from verifier_data import (  # noqa: E402
    _NAME,
    TrainPair,
    _counts,
    _first_clause,
    _unit,
    _words,
    flip_negation,
    replace_entity,
    swap_antonym,
    swap_number,
    swap_roles,
    write_pairs,
)

from sourcecheck.evaluate import datasets as ds  # noqa: E402

SEED = 20261207


def _edit(claim: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    """One contradicting edit of an English ``claim`` (the kinds ``verifier_data`` uses),
    negation less often than the others."""
    edits = [
        ("number", swap_number(claim, rng, "en")),
        ("negation", flip_negation(claim, "en")),
        ("entity", replace_entity(claim, names, rng)),
        ("roles", swap_roles(claim)),
        ("antonym", swap_antonym(claim, "en", rng)),
    ]
    found = [(k, c) for k, c in edits if c and c != claim]
    if not found:
        return None
    rare = [e for e in found if e[0] != "negation"]
    kind, text = rng.choice(rare if rare and rng.random() < 0.7 else found)
    assert text is not None
    return kind, text


def ntrex_pairs(per_doc_lang: int, reverse: float, rng: random.Random) -> list[TrainPair]:
    _, texts = _ntrex_lines()
    _, train_docs = ntrex_split()
    docs = train_docs[NTREX_DOCS:]
    out: list[TrainPair] = []
    for doc_id, lines in docs:
        en = [texts["en"][i].strip() for i in lines]
        names = sorted({m.group(0) for s in en for m in _NAME.finditer(" " + s)})
        for lang in NTREX_LANGS:
            if lang == "en":
                continue
            other = [texts[lang][i].strip() for i in lines]
            usable = [
                k
                for k, s in enumerate(en)
                if 4 <= _words(s) <= 60 and other[k] and not s.endswith("?")
            ]
            for k in rng.sample(usable, min(per_doc_lang, len(usable))):
                lo = k - (1 if k > 0 and rng.random() < 0.3 else 0)
                hi = k + (1 if k + 1 < len(en) and rng.random() < 0.3 else 0)
                group = f"ntrex:{doc_id}"
                flipped = rng.random() < reverse
                # the window in the source language, the claim in the other
                window_l = " ".join(other[lo : hi + 1])
                window_en = " ".join(en[lo : hi + 1])
                claim = en[k]
                if not flipped and rng.random() < 0.2:
                    claim = _first_clause(claim) or claim
                claim_lang, passage = ("en", window_l) if not flipped else (lang, window_en)
                if flipped:
                    claim = other[k]
                out.append(TrainPair("xl_ntrex", claim, passage, 0, claim_lang, group))
                if not flipped:
                    edit = _edit(claim, names, rng)
                    if edit is not None:
                        out.append(
                            TrainPair(f"xl_ntrex_{edit[0]}", edit[1], passage, 2, "en", group)
                        )
                else:
                    changed = swap_number(claim, rng, "en")
                    if changed and changed != claim:
                        out.append(TrainPair("xl_ntrex_number", changed, passage, 2, lang, group))
                far = [j for j in range(len(en)) if not lo - 1 <= j <= hi + 1 and other[j]]
                if far:
                    j = rng.choice(far)
                    neighbour = en[j] if not flipped else other[j]
                    out.append(
                        TrainPair("xl_ntrex_other", neighbour, passage, 1, claim_lang, group)
                    )
    return out


_TATOEBA_LANGS = {"da": "dan", "de": "deu", "fi": "fin", "fr": "fra", "nb": "nob", "es": "spa",
                  "sv": "swe"}  # fmt: skip


def _tatoeba() -> Iterator[tuple[str, str, str]]:
    """(language, English, translation) for every pair in the set."""
    base = EVAL / "tatoeba"
    for lang, code in _TATOEBA_LANGS.items():
        en = (base / "laser_v1" / f"tatoeba.{code}-eng.eng").read_text(encoding="utf-8")
        tr = (base / "laser_v1" / f"tatoeba.{code}-eng.{code}").read_text(encoding="utf-8")
        for a, b in zip(en.splitlines(), tr.splitlines(), strict=True):
            yield lang, a.strip(), b.strip()
    for line in (base / "manythings_swe_eng" / "swe.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            yield "sv", parts[0].strip(), parts[1].strip()


def tatoeba_pairs(per_lang: int, rng: random.Random) -> list[TrainPair]:
    rows = [r for r in _tatoeba() if _words(r[1]) >= 5 and r[2] and not r[1].endswith("?")]
    by_lang: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        by_lang.setdefault(r[0], []).append(r)
    out: list[TrainPair] = []
    names = sorted({m.group(0) for _, a, _ in rows for m in _NAME.finditer(" " + a)})
    for lang, items in sorted(by_lang.items()):
        for _, en, tr in rng.sample(items, min(per_lang, len(items))):
            group = f"tatoeba:{lang}:{en}"
            out.append(TrainPair("xl_tatoeba", en, tr, 0, "en", group))
            u = rng.random()
            if u < 0.6:
                edit = _edit(en, names, rng)
                if edit is not None:
                    out.append(TrainPair(f"xl_tatoeba_{edit[0]}", edit[1], tr, 2, "en", group))
            elif u < 0.8:
                _, other, _ = rng.choice(items)
                if other != en:
                    out.append(TrainPair("xl_tatoeba_other", other, tr, 1, "en", group))
    return out


def _vitaminc_bench_cases() -> set[str]:
    """The case ids that the verdict benchmark's VitaminC suite reads (its groups are
    ``vitaminc:<case_id>:<evidence>``)."""
    return {group.id.split(":")[1] for group in vitaminc_groups()}


VITAMINC = {"SUPPORTS": 0, "NOT ENOUGH INFO": 1, "REFUTES": 2}


def vitaminc_pairs(limit: int, rng: random.Random) -> list[TrainPair]:
    path = EVAL / "vitaminc" / "vitaminc_real" / "test.jsonl"
    banned = _vitaminc_bench_cases()
    by_case: dict[str, list[dict[str, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["case_id"] not in banned:
            by_case.setdefault(row["case_id"], []).append(row)
    keys = sorted(by_case)
    rng.shuffle(keys)
    out: list[TrainPair] = []
    for key in keys:
        if len(out) >= limit:
            break
        for row in by_case[key]:
            evidence = row["evidence"].replace("\ufffd", " ")
            out.append(
                TrainPair(
                    "vitaminc",
                    row["claim"],
                    evidence,
                    VITAMINC[row["label"]],
                    "en",
                    f"vitaminc:{key}",
                )
            )
    return out


def fm2_pairs(rng: random.Random) -> list[TrainPair]:
    items = fm2_items()
    judged = {it["id"] for it in fm2_sample(FM2_CLAIMS)}
    out: list[TrainPair] = []
    for item in items:
        if item["id"] in judged:
            continue
        gold = [e["text"] for e in item["gold_evidence"] if e.get("text")]
        if not gold:
            continue
        group = f"fm2:{item['id']}"
        label = 0 if item["label"] == "SUPPORTS" else 2
        out.append(TrainPair("fm2", item["text"], " ".join(gold[:2]), label, "en", group))
        other = [e["text"] for e in item.get("retrieved_evidence", []) if e["text"] not in gold]
        if other and rng.random() < 0.4:
            out.append(TrainPair("fm2_other", item["text"], rng.choice(other), 1, "en", group))
    return out


_NLI = {"entailment": 0, "neutral": 1, "contradiction": 2}


def breaking_pairs(limit: int, rng: random.Random) -> list[TrainPair]:
    path = EVAL / "breaking_nli" / "dataset.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    rows = [r for r in rows if r.get("gold_label") in _NLI]
    out = []
    for r in rng.sample(rows, min(limit, len(rows))):
        out.append(
            TrainPair(
                "breaking_nli",
                r["sentence2"],
                r["sentence1"],
                _NLI[r["gold_label"]],
                "en",
                f"breaking:{r['sentence1']}",
            )
        )
    return out


_BEGIN = {"fully attributable": 0, "not fully attributable": 3, "generic": 1}


def begin_pairs(limit: int, rng: random.Random) -> list[TrainPair]:
    path = EVAL / "begin" / "wow" / "begin_dev_wow.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    rows = [dict(zip(head, line.split("\t"), strict=False)) for line in lines[1:]]
    rows = [r for r in rows if r.get("begin_label", "").strip().lower() in _BEGIN]
    out = []
    for r in rng.sample(rows, min(limit, len(rows))):
        label = _BEGIN[r["begin_label"].strip().lower()]
        out.append(
            TrainPair(
                "begin", r["response"], r["knowledge"], label, "en", f"begin:{r['knowledge'][:80]}"
            )
        )
    return out


def _sha(path: Path) -> str:
    return ds.file_sha256(path)


def _read(path: Path) -> list[TrainPair]:
    with path.open(encoding="utf-8") as handle:
        return [TrainPair(**json.loads(line)) for line in handle if line.strip()]


def build(args: argparse.Namespace) -> tuple[list[TrainPair], list[TrainPair], dict[str, Any]]:
    rng = random.Random(SEED)
    new = (
        ntrex_pairs(args.ntrex_per_doc_lang, args.reverse, rng)
        + tatoeba_pairs(args.tatoeba_per_lang, rng)
        + vitaminc_pairs(args.vitaminc, rng)
        + fm2_pairs(rng)
        + breaking_pairs(args.breaking, rng)
        + begin_pairs(args.begin, rng)
    )
    train: list[TrainPair] = []
    held: list[TrainPair] = []
    for p in new:
        (held if _unit("held2:" + p.group) < args.heldout else train).append(p)
    base_train = _read(args.base / "train.jsonl")
    base_held = _read(args.base / "heldout.jsonl")
    replay = [p for p in base_train if _unit("replay:" + p.claim + "\n" + p.passage) < args.replay]
    mix = train + replay
    rng.shuffle(mix)
    held_all = base_held + held
    base = json.loads((args.base / "record.json").read_text(encoding="utf-8"))
    new_files = {
        "ntrex128": {f.name: _sha(f) for f in sorted((EVAL / "ntrex128").glob("*.txt"))},
        "tatoeba": {
            f.relative_to(EVAL).as_posix(): _sha(f)
            for f in sorted((EVAL / "tatoeba").rglob("*"))
            if f.is_file() and (f.name == "swe.txt" or f.suffix not in (".md", ".txt"))
        },
        "vitaminc": {"vitaminc_real/test.jsonl": _sha(EVAL / "vitaminc/vitaminc_real/test.jsonl")},
        "fm2": {f"{s}.jsonl": _sha(EVAL / "fm2" / f"{s}.jsonl") for s in ("dev", "test")},
        "breaking_nli": {"dataset.jsonl": _sha(EVAL / "breaking_nli/dataset.jsonl")},
        "begin": {"wow/begin_dev_wow.tsv": _sha(EVAL / "begin/wow/begin_dev_wow.tsv")},
    }
    record: dict[str, Any] = {
        "files": {**base["files"], **new_files},
        "never_read_for_training": [
            *base["never_read_for_training"],
            "the 30 NTREX documents of the verdict benchmark",
            "the 32 NTREX training documents and 700 Fool Me Twice claims the judge reads",
            "the VitaminC cases of the verdict benchmark's VitaminC suite",
        ],
        "second_round": {
            "seed": SEED,
            "base_train_sha256": ds.file_sha256(args.base / "train.jsonl"),
            "base_heldout_sha256": ds.file_sha256(args.base / "heldout.jsonl"),
            "replay_share_of_base_train": args.replay,
            "options": {k: v for k, v in vars(args).items() if k not in ("out_dir", "base")},
            "new_pairs_train": _counts(train),
            "new_pairs_heldout": _counts(held),
        },
        "train": _counts(mix),
        "heldout": _counts(held_all),
    }
    return mix, held_all, record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="verifier_data.py's output")
    parser.add_argument("--ntrex-per-doc-lang", type=int, default=9)
    parser.add_argument("--reverse", type=float, default=0.15)
    parser.add_argument("--tatoeba-per-lang", type=int, default=220)
    parser.add_argument("--vitaminc", type=int, default=3000)
    parser.add_argument("--breaking", type=int, default=1200)
    parser.add_argument("--begin", type=int, default=600)
    parser.add_argument("--replay", type=float, default=0.3)
    parser.add_argument("--heldout", type=float, default=0.1)
    args = parser.parse_args()
    write_round(args.out_dir, *build(args))


def next_round(
    args: argparse.Namespace,
    new: list[TrainPair],
    rng: random.Random,
    name: str,
    number: int,
    extra: dict[str, Any] | None = None,
) -> tuple[list[TrainPair], list[TrainPair], dict[str, Any]]:
    """A later round's data from its ``new`` pairs and the round before it (``args.base``):
    the new pairs split by group into training and held out (``args.heldout``), a seeded
    replay share (``args.replay``) of the base's training pairs mixed in, the base's
    held-out pairs kept; and its record, which carries the earlier rounds' records and
    this one's under ``name`` (``third_round``, ...). ``number`` keys the seeded split and
    replay (each round draws its own)."""
    train: list[TrainPair] = []
    held: list[TrainPair] = []
    for p in new:
        (held if _unit(f"held{number}:" + p.group) < args.heldout else train).append(p)
    base_train = _read(args.base / "train.jsonl")
    base_held = _read(args.base / "heldout.jsonl")
    replay = [
        p
        for p in base_train
        if _unit(f"replay{number}:" + p.claim + "\n" + p.passage) < args.replay
    ]
    mix = train + replay
    rng.shuffle(mix)
    base = json.loads((args.base / "record.json").read_text(encoding="utf-8"))
    earlier = {k: v for k, v in base.items() if k.endswith("_round")}
    record: dict[str, Any] = {
        "files": base["files"],
        "never_read_for_training": base["never_read_for_training"],
        **earlier,
        name: {
            "seed": args.seed,
            "base_train_sha256": ds.file_sha256(args.base / "train.jsonl"),
            "base_heldout_sha256": ds.file_sha256(args.base / "heldout.jsonl"),
            **(extra or {}),
            "replay_share_of_base_train": args.replay,
            "options": {
                k: v for k, v in vars(args).items() if k not in ("out_dir", "base", "seed")
            },
            "new_pairs_train": _counts(train),
            "new_pairs_heldout": _counts(held),
        },
        "train": _counts(mix),
        "heldout": _counts(base_held + held),
    }
    return mix, base_held + held, record


def write_round(
    out_dir: Path, train: list[TrainPair], held: list[TrainPair], record: dict[str, Any]
) -> None:
    """A round's ``train.jsonl``, ``heldout.jsonl`` and ``record.json`` (with the two
    files' SHA-256) under ``out_dir``; the counts to stderr."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train", train), ("heldout", held)):
        record[f"{name}_jsonl_sha256"] = write_pairs(out_dir / f"{name}.jsonl", rows)
    (out_dir / "record.json").write_text(json.dumps(record, indent=2, default=str) + "\n")
    summary = {"train": record["train"], "heldout": record["heldout"]["by_label"]}
    print(json.dumps(summary, indent=1), file=sys.stderr)


if __name__ == "__main__":
    main()
