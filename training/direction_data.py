"""Training pairs for the fourth verifier round: which way a change goes, and which value
belongs to what.

The third-round model (v3) reads a claim against a translation by its shared words and
numbers, and misses the small word that reverses it: "Net profit is now back above its 2019
level" against "Le résultat net reste toutefois inférieur à son niveau de 2019" scored
supports 0.89; "Bids were scored 70 percent on quality and 30 percent on price" against
"70 procent på pris och ... 30 procent på kvalitet" 0.86; "a follow-up session in autumn
2026" against "in spring 2026" 0.58. Earlier rounds had a few hundred such edits among
tens of thousands of pairs. This script writes thousands, each beside its unedited twin so
that the edit, not the topic, carries the label::

    python training/direction_data.py WORK/data4 --base WORK/data3

New pairs, only from sets marked ``train? yes`` and only from the NTREX-128 documents
``contrast_data.py`` already reads (neither the verdict benchmark's nor the judge's):

- ``dir_ntrex`` / ``dir_tatoeba``: an English sentence with a word that has a direction
  (rose / fell, higher / lower, above / below, improved / worsened, more / fewer, before /
  after, spring / autumn, ...; :data:`DIRECTIONS`) against the sentence's window in its
  own language or in a translation: as written (supported) and with that word reversed
  (contradicted);
- ``valswap_ntrex`` / ``valswap_tatoeba``: a sentence with two different numbers, the two
  swapped (contradicted), beside the sentence as written (supported);
- ``vitaminc_more``: VitaminC cases no earlier round read (contrastive revisions of the
  same Wikipedia sentence), never the verdict benchmark's.

A tenth of the new pairs (by document or sentence) is held out with all of the third
round's held-out pairs; training mixes the new pairs with a seeded replay share of the
third round's training pairs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "benchmarks"))

from contrast_data import (  # noqa: E402
    VITAMINC,
    _read,
    _tatoeba,
    _vitaminc_bench_cases,
    next_round,
    write_round,
)
from train_judge import NTREX_DOCS  # noqa: E402
from verdict_suites import EVAL, NTREX_LANGS, _ntrex_lines, ntrex_split  # noqa: E402
from verifier_data import TrainPair, _words  # noqa: E402

SEED = 20261209

#: Words and their reverse. Each pair is tried both ways; a word is replaced only as a
#: whole word, with its case kept.
DIRECTIONS = (
    ("rose", "fell"), ("risen", "fallen"), ("increased", "decreased"), ("increase", "decrease"),
    ("increases", "decreases"), ("grew", "shrank"), ("growth", "decline"),
    ("climbed", "dropped"), ("gained", "lost"), ("higher", "lower"), ("highest", "lowest"),
    ("more", "fewer"), ("above", "below"), ("improved", "worsened"), ("better", "worse"),
    ("best", "worst"), ("earlier", "later"), ("before", "after"), ("larger", "smaller"),
    ("largest", "smallest"), ("bigger", "smaller"), ("biggest", "smallest"),
    ("faster", "slower"), ("older", "younger"), ("cheaper", "more expensive"),
    ("strengthened", "weakened"), ("expanded", "shrank"), ("majority", "minority"),
    ("most", "fewest"), ("spring", "autumn"), ("summer", "winter"), ("morning", "evening"),
    ("won", "lost"), ("accepted", "rejected"), ("approved", "rejected"),
    ("supported", "opposed"), ("allowed", "banned"), ("opened", "closed"), ("north", "south"),
    ("east", "west"),
)  # fmt: skip
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")


def reverse_direction(sentence: str, rng: random.Random) -> str | None:
    """``sentence`` with one of its direction words reversed, or None."""
    pairs = list(DIRECTIONS)
    rng.shuffle(pairs)
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            # a whole word, not part of a contraction ("won't") nor of a name ("the
            # Morning News"): capitalised only at the start of the sentence
            pattern = rf"(?<!['’])\b{re.escape(x)}\b(?!['’])"
            for m in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                if m.group(0)[0].isupper() and m.start() > 0:
                    continue
                word = y.capitalize() if m.group(0)[0].isupper() else y
                return sentence[: m.start()] + word + sentence[m.end() :]
    return None


def swap_values(sentence: str, rng: random.Random) -> str | None:
    """``sentence`` with two of its different numbers swapped, or None."""
    found = list(_NUMBER.finditer(sentence))
    options = [(a, b) for i, a in enumerate(found) for b in found[i + 1 :]
               if a.group(0) != b.group(0)]  # fmt: skip
    if not options:
        return None
    a, b = rng.choice(options)
    return (
        sentence[: a.start()]
        + b.group(0)
        + sentence[a.end() : b.start()]
        + a.group(0)
        + sentence[b.end() :]
    )


def _twins(
    source: str, sentence: str, edited: str | None, passages: list[str], group: str
) -> list[TrainPair]:
    if edited is None or edited == sentence:
        return []
    out: list[TrainPair] = []
    for passage in passages:
        out.append(TrainPair(source, sentence, passage, 0, "en", group))
        out.append(TrainPair(source, edited, passage, 2, "en", group))
    return out


def ntrex_pairs(langs_per_sentence: int, rng: random.Random) -> list[TrainPair]:
    _, texts = _ntrex_lines()
    _, train_docs = ntrex_split()
    foreign = [lang for lang in NTREX_LANGS if lang != "en"]
    out: list[TrainPair] = []
    for doc_id, lines in train_docs[NTREX_DOCS:]:
        en = [texts["en"][i].strip() for i in lines]
        for k, sentence in enumerate(en):
            if not 5 <= _words(sentence) <= 70 or sentence.endswith("?"):
                continue
            lo = k - (1 if k > 0 and rng.random() < 0.3 else 0)
            hi = k + (1 if k + 1 < len(en) and rng.random() < 0.3 else 0)
            langs = ["en", *rng.sample(foreign, langs_per_sentence)]
            windows = [
                " ".join(t for t in (texts[lang][lines[j]].strip() for j in range(lo, hi + 1)) if t)
                for lang in langs
            ]
            group = f"ntrex:{doc_id}"
            out += _twins("dir_ntrex", sentence, reverse_direction(sentence, rng), windows, group)
            out += _twins("valswap_ntrex", sentence, swap_values(sentence, rng), windows, group)
    return out


def tatoeba_pairs(per_lang: int, rng: random.Random) -> list[TrainPair]:
    by_lang: dict[str, list[tuple[str, str, str, str]]] = {}
    for lang, en, tr in _tatoeba():
        if _words(en) < 4 or not tr or en.endswith("?"):
            continue
        for kind, edited in (("dir", reverse_direction(en, rng)),
                             ("valswap", swap_values(en, rng))):  # fmt: skip
            if edited is not None and edited != en:
                by_lang.setdefault(lang, []).append((kind, en, edited, tr))
    out: list[TrainPair] = []
    for lang, items in sorted(by_lang.items()):
        for kind, en, edited, tr in rng.sample(items, min(per_lang, len(items))):
            out += _twins(f"{kind}_tatoeba", en, edited, [tr], f"tatoeba:{lang}:{en}")
    return out


def vitaminc_more(limit: int, seen: set[str], rng: random.Random) -> list[TrainPair]:
    path = EVAL / "vitaminc" / "vitaminc_real" / "test.jsonl"
    banned = _vitaminc_bench_cases()
    by_case: dict[str, list[dict[str, str]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        key = row["case_id"]
        if key not in banned and f"vitaminc:{key}" not in seen:
            by_case.setdefault(key, []).append(row)
    keys = sorted(by_case)
    rng.shuffle(keys)
    out: list[TrainPair] = []
    for key in keys:
        if len(out) >= limit:
            break
        for row in by_case[key]:
            evidence = row["evidence"].replace("\ufffd", " ")
            out.append(TrainPair("vitaminc_more", row["claim"], evidence,
                                 VITAMINC[row["label"]], "en", f"vitaminc:{key}"))  # fmt: skip
    return out


def build(args: argparse.Namespace) -> tuple[list[TrainPair], list[TrainPair], dict[str, Any]]:
    rng = random.Random(SEED)
    # every VitaminC case an earlier round read: the first round's rows live on only
    # through the replays, so read the earlier rounds' full data too when it is there
    seen: set[str] = set()
    for earlier in (args.base, args.base.parent / "data2", args.base.parent / "data"):
        for name in ("train.jsonl", "heldout.jsonl"):
            if (earlier / name).exists():
                seen |= {p.group for p in _read(earlier / name)}
    new = (
        ntrex_pairs(args.langs_per_sentence, rng)
        + tatoeba_pairs(args.tatoeba_per_lang, rng)
        + vitaminc_more(args.vitaminc, seen, rng)
    )
    args.seed = SEED
    return next_round(args, new, rng, "fourth_round", 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--base", type=Path, required=True, help="parts_data.py's output")
    parser.add_argument("--langs-per-sentence", type=int, default=2)
    parser.add_argument("--tatoeba-per-lang", type=int, default=120)
    parser.add_argument("--vitaminc", type=int, default=1500)
    parser.add_argument("--replay", type=float, default=0.3)
    parser.add_argument("--heldout", type=float, default=0.1)
    args = parser.parse_args()
    write_round(args.out_dir, *build(args))


if __name__ == "__main__":
    main()
