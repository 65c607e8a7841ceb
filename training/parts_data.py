"""Training pairs for the third verifier round: parts of a sentence, and negation that a
translation moves.

The second-round model (v2) learned a shortcut: a negation on one side only reads as a
contradiction. "Witnesses spotted multiple suspects fleeing the scene, according to the
release" against the very sentence it is cut from ("..., but police did not specify the
number involved") scored contradicts 0.88; the decision splits compound claims into such
parts (``claims.split_statements``), so every part beside a negated clause was at risk.
Translations move negation too ("no information" is "sans information", "stayed away" is
"n'est pas venu"). This script writes the pairs that teach otherwise::

    python training/parts_data.py WORK/data3 --base WORK/data2

``WORK/data2`` is the second round's data (``contrast_data.py``); ``WORK/data3`` gets
``train.jsonl`` (the new pairs plus a seeded replay share of the second round's training
pairs, themselves new pairs and a replay of the first round's), ``heldout.jsonl`` (the
second round's held-out pairs plus the new groups held out) and ``record.json``.

New pairs, only from sets marked ``train? yes`` and only from the 28 NTREX-128 documents
``contrast_data.py`` already reads (neither the verdict benchmark's nor the judge's):

- ``part_same``: each statement of an English sentence that packs several (split by the
  pipeline's own ``split_statements``, or cut at its first clause) against the window that
  holds the whole sentence (supported); the statement negated or with a number or name
  changed (contradicted).
- ``part_xl``: the same statements against the window in a translation (supported), and
  their edits (contradicted); a seeded share the other way round, a translated statement
  against the English window.
- ``negasym``: a sentence against its translation where one side has a negation cue and
  the other none (NTREX and Tatoeba): supported, since translators move negation.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from contrast_data import _sha, _tatoeba, next_round, write_round  # noqa: E402
from train_judge import NTREX_DOCS  # noqa: E402
from verdict_suites import EVAL, NTREX_LANGS, _ntrex_lines, ntrex_split  # noqa: E402
from verifier_data import (  # noqa: E402
    _NAME,
    TrainPair,
    _first_clause,
    _words,
    flip_negation,
    replace_entity,
    swap_number,
)

from sourcecheck.claims import split_statements  # noqa: E402
from sourcecheck.tokens import negation_count  # noqa: E402

SEED = 20261208


def _parts(sentence: str, language: str) -> list[str]:
    """The statements of ``sentence`` the decision would check one by one, or its first
    clause; none when it states one thing."""
    parts = split_statements(sentence, language)
    if len(parts) > 1:
        return parts
    if language == "en" and (first := _first_clause(sentence)):
        return [first]
    return []


def _edit(part: str, names: list[str], rng: random.Random) -> tuple[str, str] | None:
    edits = [
        ("negation", flip_negation(part, "en")),
        ("number", swap_number(part, rng, "en")),
        ("entity", replace_entity(part, names, rng)),
    ]
    found = [(k, c) for k, c in edits if c and c != part]
    return rng.choice(found) if found else None


def part_pairs(langs_per_part: int, reverse: float, rng: random.Random) -> list[TrainPair]:
    _, texts = _ntrex_lines()
    _, train_docs = ntrex_split()
    out: list[TrainPair] = []
    foreign = [lang for lang in NTREX_LANGS if lang != "en"]
    for doc_id, lines in train_docs[NTREX_DOCS:]:
        en = [texts["en"][i].strip() for i in lines]
        names = sorted({m.group(0) for s in en for m in _NAME.finditer(" " + s)})
        group = f"ntrex:{doc_id}"
        for k, sentence in enumerate(en):
            if not 8 <= _words(sentence) <= 70 or sentence.endswith("?"):
                continue
            parts = _parts(sentence, "en")
            if not parts:
                continue
            lo = k - (1 if k > 0 and rng.random() < 0.3 else 0)
            hi = k + (1 if k + 1 < len(en) and rng.random() < 0.3 else 0)
            window_en = " ".join(en[lo : hi + 1])
            for part in parts:
                out.append(TrainPair("part_same", part, window_en, 0, "en", group))
                edit = _edit(part, names, rng)
                if edit is not None:
                    out.append(TrainPair(f"part_same_{edit[0]}", edit[1], window_en, 2, "en",
                                         group))  # fmt: skip
                for lang in rng.sample(foreign, langs_per_part):
                    other = [texts[lang][i].strip() for i in lines]
                    if not other[k]:
                        continue
                    window = " ".join(other[lo : hi + 1])
                    out.append(TrainPair("part_xl", part, window, 0, "en", group))
                    if edit is not None and rng.random() < 0.5:
                        out.append(TrainPair(f"part_xl_{edit[0]}", edit[1], window, 2, "en",
                                             group))  # fmt: skip
            if rng.random() < reverse:
                lang = rng.choice(foreign)
                translated = texts[lang][lines[k]].strip()
                for part in _parts(translated, lang) if translated else []:
                    out.append(TrainPair("part_xl_reverse", part, window_en, 0, lang, group))
    return out


def negasym_pairs(per_lang: int, rng: random.Random) -> list[TrainPair]:
    """Translation pairs where exactly one side has a negation cue."""
    out: list[TrainPair] = []
    _, texts = _ntrex_lines()
    _, train_docs = ntrex_split()
    for doc_id, lines in train_docs[NTREX_DOCS:]:
        for lang in NTREX_LANGS:
            if lang == "en":
                continue
            for i in lines:
                a, b = texts["en"][i].strip(), texts[lang][i].strip()
                if a and b and (negation_count(a, "en") > 0) != (negation_count(b, lang) > 0):
                    claim, passage, cl = (a, b, "en") if rng.random() < 0.8 else (b, a, lang)
                    out.append(TrainPair("negasym_ntrex", claim, passage, 0, cl,
                                         f"ntrex:{doc_id}"))  # fmt: skip
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for lang, a, b in _tatoeba():
        if _words(a) >= 4 and b and (negation_count(a, "en") > 0) != (negation_count(b, lang) > 0):
            by_lang.setdefault(lang, []).append((a, b))
    for lang, items in sorted(by_lang.items()):
        for a, b in rng.sample(items, min(per_lang, len(items))):
            out.append(TrainPair("negasym_tatoeba", a, b, 0, "en", f"tatoeba:{lang}:{a}"))
    return out


def build(args: argparse.Namespace) -> tuple[list[TrainPair], list[TrainPair], dict[str, Any]]:
    rng = random.Random(SEED)
    new = part_pairs(args.langs_per_part, args.reverse, rng) + negasym_pairs(
        args.tatoeba_per_lang, rng
    )
    args.seed = SEED
    swe = {"tatoeba_swe_sha256": _sha(EVAL / "tatoeba/manythings_swe_eng/swe.txt")}
    return next_round(args, new, rng, "third_round", 3, swe)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="contrast_data.py's output")
    parser.add_argument("--langs-per-part", type=int, default=3)
    parser.add_argument("--reverse", type=float, default=0.3)
    parser.add_argument("--tatoeba-per-lang", type=int, default=150)
    parser.add_argument("--replay", type=float, default=0.3)
    parser.add_argument("--heldout", type=float, default=0.1)
    args = parser.parse_args()
    write_round(args.out_dir, *build(args))


if __name__ == "__main__":
    main()
