"""Training pairs for the 3-label cross-encoder verifier (supported / neutral /
contradicted), and the evaluation pairs it is scored on.

Only sets marked ``train? yes`` in ``../shared/eval/README.md`` are read for training:
SNLI dev+test, Factcheck-GPT stance, FRANK *valid*, the four SummaC (pr15) sets (minus a
held-out 30% of their documents, kept for evaluation), the partially supported WiCE
*train* sub-claims, and three SuperLim-2 Swedish sets (SweDiagnostics, SweWinogender,
SweParaphrase), plus synthetic pairs generated from the documents of those sets.
Options (off in the shipped recipe): ``--wice-reduced`` adds the WiCE train claims with
their annotated unsupported words taken out, as supported (``wice_train_reduced`` [0]);
``--summary-sentences`` each sentence of a consistent FRANK valid / SummaC summary against
its own best passage (``summary_sentence`` [0]); ``--distill-windows N`` writes
``distill.jsonl`` beside them: unlabelled pairs (label -1) of each summary sentence / WiCE
train claim against up to N windows of its whole document, which only a distilled
student reads, with its teacher's logits as their targets (:func:`distill_pairs`).
Never read for training: WiCE dev, FRANK test (and any training row whose document is a
FRANK test article), SweNLI dev and SweNLI test (SweFraCas), XNLI, covidfact, healthver,
climate_fever, scifact.

Labels: 0 supported, 1 neutral, 2 contradicted, 3 "not supported" where a set does not
say which (FRANK, SummaC: the loss then maximises p(neutral) + p(contradicted)).

Synthetic pairs (label in brackets), from 3-sentence windows of the training documents
(FRANK valid articles, SummaC training documents, WiCE train pages, Factcheck-GPT
evidence; Swedish: SuperLim sentences grouped into pseudo-passages):

* ``syn_copy`` [0]: a sentence of the window, often shortened to its first clause or
  with a parenthetical/appositive removed;
* ``syn_merge`` [0]: the first clauses of two sentences of the window joined by "and";
* ``syn_number`` [2] a number, year or month changed; ``syn_negation`` [2] a negation
  inserted or removed; ``syn_entity`` [2] a name replaced by another name from the same
  document; ``syn_roles`` [2] two names in the claim swapped; ``syn_antonym`` [2]
  rose/fell, more/less, before/after ... swapped; ``syn_unit`` [2] a unit changed;
* ``syn_outside`` [1]: a sentence of the same document outside the window;
  ``syn_extra`` [1]: a supported clause plus a clause from outside the window;
  ``syn_unrelated`` [1]: a sentence of another document;
* ``syn_long`` [same label] (``--long-share``): a short pair again, its passage set inside
  90-150 words of other documents' sentences.

A seeded ``--heldout`` share of every real source (by document) is set apart as
``heldout.jsonl``: the checkpoint, the calibration and the thresholds are chosen on it,
never on an evaluation set.

    python training/verifier_data.py OUT_DIR [--synthetic-per-doc 6]

writes ``train.jsonl``, ``heldout.jsonl``, ``record.json`` (rows per source and label,
SHA-256 of every file read and written) and, with ``--eval``, ``eval.jsonl.gz`` (the
evaluation sets as claim + passages + label, for scoring only).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import claim_parts
from sourcecheck.score.labels import VERIFIER_LABELS

SEED = 20261125
LABELS = VERIFIER_LABELS
NOT_SUPPORTED = 3

FILES = {
    "snli": ["snli/snli_1.0_dev.jsonl", "snli/snli_1.0_test.jsonl"],
    "factcheck_gpt": ["factcheck_gpt/subtasks/subtask3_claim_evidence_stance.jsonl"],
    "frank_valid": ["frank/frank_joined.jsonl"],
    "summac": [f"summac_pr15/{n}.json" for n in ds.SUMMAC_SETS],
    "wice_train_partial": ["wice/non_supported_tokens/train.jsonl"],
    "swediagnostics": ["superlim2/swediagnostics/swediagnostics_test.jsonl"],
    "swewinogender": ["superlim2/swewinogender/swewinogender_test.jsonl"],
    "sweparaphrase": ["superlim2/sweparaphrase/sweparaphrase_test.jsonl"],
    "swenli_train_half": ["superlim2/swenli/swenli_dev.jsonl"],
}
FORBIDDEN = (
    "wice dev",
    "frank test (and its articles)",
    "swenli dev",
    "swenli test (SweFraCas)",
    "xnli",
    "covidfact",
    "healthver",
    "climate_fever",
    "scifact",
)
NLI3 = {"entailment": 0, "neutral": 1, "contradiction": 2}
STANCE = {"completely-support": 0, "partially-support": 1, "refute": 2, "irrelevant": 1}


@dataclass(frozen=True)
class TrainPair:
    source: str
    claim: str
    passage: str
    label: int
    language: str
    group: str


def _h(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _unit(key: str) -> float:
    """A stable pseudo-random number in [0, 1) for ``key`` (document-level splits)."""
    return int(hashlib.sha256(f"{SEED}:{key}".encode()).hexdigest()[:8], 16) / 2**32


def _jsonl(relative: str) -> Iterator[dict[str, Any]]:
    with ds.data_file(relative).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


# ----------------------------------------------------------------------------- real data


def frank_test_docs() -> set[str]:
    return {r["doc"] for r in _jsonl("frank/frank_joined.jsonl") if r["split"] == "test"}


def summac_heldout(doc: str) -> bool:
    """30% of SummaC documents are held out of training for evaluation (the rule lives in
    ``sourcecheck.evaluate.datasets`` so that the benchmark suite measures those only)."""
    return ds.summac_heldout(doc)


def real_pairs(
    docs_out: dict[str, list[tuple[str, str]]],
    swenli_half: bool = False,
    wice_reduced: bool = False,
    summary_sentences: bool = False,
) -> list[TrainPair]:
    """The real training rows; ``docs_out[lang]`` collects (group, document text) for the
    synthetic generator. ``swenli_half``: also the SweNLI dev premises that
    ``evaluate.datasets.swenli_heldout`` does not keep for evaluation. ``wice_reduced``:
    also each WiCE train claim with its annotated unsupported words taken out
    (:func:`reduced_claim`), as supported by the same evidence (``wice_train_reduced``).
    ``summary_sentences``: also each sentence of a consistent multi-sentence FRANK valid /
    SummaC summary against its own best passage, as supported (``summary_sentence``)."""
    out: list[TrainPair] = []
    for split in ("dev", "test"):
        for ex in ds.snli(split):
            out.append(
                TrainPair(
                    "snli",
                    ex.claim,
                    ex.passages[0],
                    NLI3[ex.gold],
                    "en",
                    "snli:" + _h(ex.passages[0]),
                )
            )
    for n, row in enumerate(_jsonl(FILES["factcheck_gpt"][0])):
        ex = ds.Example(str(n), row["claim"], ds.split_passages(row["evidence"]), 0, "all", "fgpt")
        passage = ds.best_passage(ex)
        out.append(
            TrainPair(
                "factcheck_gpt",
                row["claim"],
                passage,
                STANCE[row["stance"]],
                "en",
                "fgpt:" + _h(row["claim"]),
            )
        )
        if len(row["evidence"]) > 200:
            docs_out["en"].append(("fgpt:" + _h(row["claim"]), row["evidence"]))
    seen_docs: set[str] = set()

    def summary_pair(source: str, ex: ds.Example, raw_doc: str) -> None:
        """A summary against its document's best passage (FRANK, SummaC: 'not supported'
        where it is not consistent); the document is kept for the synthetic pairs."""
        group = "doc:" + _h(raw_doc)
        label = 0 if ex.label else NOT_SUPPORTED
        out.append(TrainPair(source, ex.claim, ds.best_passage(ex), label, "en", group))
        parts = claim_parts(ex.claim, "en") if summary_sentences and ex.label else []
        if len(parts) > 1:  # a one-sentence summary is the pair above
            for part in parts:
                passage = ds.best_passage(replace(ex, claim=part))
                out.append(TrainPair("summary_sentence", part, passage, 0, "en", group))
        if raw_doc not in seen_docs:
            seen_docs.add(raw_doc)
            docs_out["en"].append((group, raw_doc))

    for source, ex, raw_doc in training_summaries(frank_summac_holdout=False):
        summary_pair(source, ex, raw_doc)
    reduced_seen: set[tuple[str, str]] = set()
    for row in _jsonl(FILES["wice_train_partial"][0]):
        sentences: list[str] = row["evidence"]
        wanted = sorted({i for g in row.get("supporting_sentences", []) for i in g})
        chosen = [sentences[i] for i in wanted if 0 <= i < len(sentences)]
        page = "\n".join(s for s in sentences if not s.startswith("(meta data)"))
        group = "wice:" + _h(page)
        if chosen:
            passage = " ".join(chosen)[:1200]
            out.append(TrainPair("wice_train_partial", row["claim"], passage, 1, "en", group))
            if wice_reduced:
                claim = reduced_claim(row["claim"], row["claim_tokens"], row["non_supported_spans"])
                if claim is not None and (claim, passage) not in reduced_seen:
                    reduced_seen.add((claim, passage))
                    out.append(TrainPair("wice_train_reduced", claim, passage, 0, "en", group))
        if page not in seen_docs:
            seen_docs.add(page)
            docs_out["en"].append((group, page))
    sv_sentences: list[str] = []
    for name in ("swediagnostics", "swewinogender"):
        for row in _jsonl(FILES[name][0]):
            label = NLI3.get(row["label"])
            if label is None:
                continue
            out.append(
                TrainPair(
                    name,
                    row["hypothesis"],
                    row["premise"],
                    label,
                    "sv",
                    name + ":" + _h(row["premise"]),
                )
            )
            sv_sentences.append(row["premise"].strip())
    for ex in ds.swenli_dev() if swenli_half else ():
        premise = ex.passages[0]
        if not ds.swenli_heldout(premise):
            out.append(
                TrainPair(
                    "swenli_train_half",
                    ex.claim,
                    premise,
                    NLI3[ex.gold],
                    "sv",
                    "swenli:" + _h(premise),
                )
            )
    for row in _jsonl(FILES["sweparaphrase"][0]):
        a, b, score = row["sentence_1"].strip(), row["sentence_2"].strip(), float(row["label"])
        group = "svpara:" + _h(a)
        if score >= 4.0:
            out.append(TrainPair("sweparaphrase", b, a, 0, "sv", group))
            out.append(TrainPair("sweparaphrase", a, b, 0, "sv", group))
        elif score <= 1.0:
            out.append(TrainPair("sweparaphrase", b, a, 1, "sv", group))
        sv_sentences.extend([a, b])
    # Swedish pseudo-documents: 4 distinct SuperLim sentences each (seeded grouping)
    rng = random.Random(SEED + 1)
    uniq = sorted(set(s for s in sv_sentences if 20 <= len(s) <= 300))
    rng.shuffle(uniq)
    for i in range(0, len(uniq) - 3, 4):
        docs_out["sv"].append(("svdoc:" + str(i), " ".join(uniq[i : i + 4])))
    return out


#: Label of a distillation pair: no label; only the teacher's logits train on it.
UNLABELLED = -1


def distill_pairs(per_claim: int, heldout: float) -> list[TrainPair]:
    """Unlabelled claim–window pairs for a distilled student (``--distill-windows``):
    each sentence of every FRANK valid / SummaC training summary, and each WiCE train
    claim, against up to ``per_claim`` windows of its whole document, cut as the
    benchmark suite cuts them (:func:`ds.split_passages`, :func:`ds.window_sentences`):
    the window covering most of it and seeded others. The student otherwise sees a
    summary only against its best passage, while a check scores every sentence against
    every window; here it learns the teacher's scores on the windows that do not hold
    the answer too. Documents in the held-out groups and FRANK test articles are left
    out, as for the labelled rows."""
    rng = random.Random(SEED + 7)
    out: list[TrainPair] = []
    seen: set[tuple[str, str]] = set()  # a sentence several summaries of a document share

    def add(source: str, claim: str, windows: Sequence[str], group: str) -> None:
        if _unit("held:" + group) < heldout or not windows or (group, claim) in seen:
            return
        seen.add((group, claim))
        best = ds.best_passage(ds.Example("", claim, tuple(windows), 0, "", source))
        others = [w for w in windows if w != best]
        rng.shuffle(others)
        for window in [best, *others[: per_claim - 1]]:
            out.append(TrainPair(source, claim, window, UNLABELLED, "en", group))

    for _, ex, raw_doc in training_summaries(frank_summac_holdout=True):
        windows = ds.split_passages(raw_doc)
        for part in claim_parts(ex.claim, "en"):  # the claim itself when it is one sentence
            add("distill_summary", part, windows, "doc:" + _h(raw_doc))
    for row in _jsonl(FILES["wice_train_partial"][0]):
        kept = [s for s in row["evidence"] if not s.startswith("(meta data)")]
        add("distill_wice", row["claim"], ds.window_sentences(kept), "wice:" + _h("\n".join(kept)))
    return out


def training_summaries(frank_summac_holdout: bool) -> Iterator[tuple[str, ds.Example, str]]:
    """(source, summary, its document) for every FRANK valid and SummaC summary that may
    train: no FRANK test article, no SummaC document kept for evaluation. One FRANK valid
    article is also such a SummaC document; ``frank_summac_holdout`` leaves it out too
    (the labelled rows of the recorded data do not, so that they still rebuild)."""
    banned = frank_test_docs()
    for ex in ds.frank("valid"):
        raw_doc = _frank_doc(ex.id)
        if raw_doc not in banned and not (frank_summac_holdout and summac_heldout(raw_doc)):
            yield "frank_valid", ex, raw_doc
    for name in ds.SUMMAC_SETS:
        rows: dict[str, dict[str, Any]] = json.loads(
            ds.data_file(f"summac_pr15/{name}.json").read_text(encoding="utf-8")
        )
        for ex in ds.summac(name):
            raw_doc = rows[ex.id]["document"]
            if raw_doc not in banned and not summac_heldout(raw_doc):
                yield "summac_" + name, ex, raw_doc


def write_pairs(path: Path, pairs: Iterable[TrainPair]) -> str:
    """Write ``pairs`` to ``path`` as JSON lines; the file's SHA-256."""
    with path.open("w", encoding="utf-8") as handle:
        for p in pairs:
            handle.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    return ds.file_sha256(path)


_FRANK_DOC: dict[str, str] = {}

#: Words that cannot end a sentence: a reduced claim ending in one lost its object.
_DANGLING = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "by", "for", "from", "to", "with", "as", "and",
    "or", "but", "than", "is", "are", "was", "were", "has", "have", "had", "his", "her", "its",
    "their",
})  # fmt: skip


def reduced_claim(
    claim: str, tokens: Sequence[str], unsupported: Sequence[bool], max_share: float = 0.4
) -> str | None:
    """``claim`` without the tokens WiCE annotates as unsupported by the evidence: what
    the evidence does support ("The audience consists of Australian ex-pats." →
    "The audience consists of ex-pats."). None where nothing or too much (over
    ``max_share`` of the tokens) is unsupported, the tokens cannot be found in order, or
    what is left does not read as a sentence (under 4 words, starting in lower case,
    ending in an article, preposition or auxiliary, an emptied quote or parenthesis), or
    where the unsupported words lie in more than one run."""
    if len(tokens) != len(unsupported) or not any(unsupported):
        return None
    if sum(unsupported) > max_share * len(tokens):
        return None
    runs = sum(1 for k, bad in enumerate(unsupported) if bad and (k == 0 or not unsupported[k - 1]))
    if runs > 1:  # words taken out in several places rarely leave a sentence
        return None
    pieces, cursor, last = [], 0, 0
    for token, bad in zip(tokens, unsupported, strict=True):
        at = claim.find(token, cursor)
        if at < 0:
            return None
        cursor = at + len(token)
        if bad:
            pieces.append(claim[last:at])
            last = cursor
    pieces.append(claim[last:])
    s = "".join(pieces)
    s = re.sub(r"\s+([,.;:!?)])", r"\1", s)
    s = re.sub(r"([,;:])\s*([,;:.])", r"\2", s)
    s = re.sub(r"\s{2,}", " ", s).strip()
    words = s.rstrip(".!?").split()
    if (
        len(words) < 4
        or not (s[0].isupper() or s[0].isdigit() or s[0] in "\"'")
        or words[-1].lower() in _DANGLING
        or words[0].rstrip(",").lower() in _DANGLING - {"a", "an", "the", "his", "her", "its"}
        or re.search(
            r"\(\s*\)|\"\s*\"|\"\s\w|^\W|\s%|\b(the|a|an) (of|in|on|at|to)\b|,\s*,"
            r"|\b(on|in|at|of|by|from),|'s (was|is|were|are)\b",
            s,
        )
    ):
        return None
    return s


def _frank_doc(example_id: str) -> str:
    if not _FRANK_DOC:
        for r in _jsonl("frank/frank_joined.jsonl"):
            _FRANK_DOC[f"frank-{r['hash']}-{r['model_name']}"] = r["doc"]
    return _FRANK_DOC[example_id]


# ----------------------------------------------------------------------- synthetic data

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?(?![\w])")
_NEG_EN = re.compile(
    r"\b(is|are|was|were|has|have|had|does|do|did|can|will|would|could|should)( not|n't)\b",
    re.IGNORECASE,
)
_AUX_EN = re.compile(r"\b(is|are|was|were|has|have|had|can|will|would|could|should)\b")
_NEG_SV = re.compile(r" (inte|ej)\b")
_VERB_SV = re.compile(r"\b(är|var|har|hade|kan|ska|skulle|blir|blev|kommer)\b")
_NAME = re.compile(r"(?<=\w )[A-ZÅÄÖ][a-zåäöéü]+(?: [A-ZÅÄÖ][a-zåäöéü]+)*")
_MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "sv": [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ],
}
_ANTONYMS = {
    "en": [
        ("increased", "decreased"),
        ("rose", "fell"),
        ("more", "fewer"),
        ("higher", "lower"),
        ("before", "after"),
        ("won", "lost"),
        ("largest", "smallest"),
        ("first", "last"),
        ("above", "below"),
        ("increase", "decrease"),
        ("older", "younger"),
        ("early", "late"),
        ("up", "down"),
        ("bigger", "smaller"),
        ("most", "least"),
        ("always", "never"),
        ("all", "none of the"),
        ("longer", "shorter"),
        ("men", "women"),
        ("man", "woman"),
        ("boy", "girl"),
        ("inside", "outside"),
        ("opened", "closed"),
        ("accepted", "rejected"),
        ("supported", "opposed"),
        ("north", "south"),
        ("east", "west"),
    ],
    "sv": [
        ("ökade", "minskade"),
        ("steg", "sjönk"),
        ("fler", "färre"),
        ("högre", "lägre"),
        ("före", "efter"),
        ("vann", "förlorade"),
        ("största", "minsta"),
        ("första", "sista"),
        ("över", "under"),
        ("äldre", "yngre"),
        ("mer", "mindre"),
        ("alltid", "aldrig"),
        ("man", "kvinna"),
        ("mannen", "kvinnan"),
        ("pojke", "flicka"),
        ("inne", "ute"),
        ("stor", "liten"),
        ("ung", "gammal"),
        ("norr", "söder"),
    ],
}
_UNITS = [
    ("km", "miles"),
    ("kilometres", "miles"),
    ("kilometers", "miles"),
    ("%", " percentage points"),
    ("million", "billion"),
    ("miljoner", "miljarder"),
    ("percent", "per mille"),
    ("meters", "feet"),
    ("metres", "feet"),
    ("kg", "pounds"),
    ("dollars", "euros"),
    ("kronor", "euro"),
    ("hours", "days"),
    ("timmar", "dagar"),
    ("days", "weeks"),
    ("dagar", "veckor"),
    ("years", "months"),
    ("år", "månader"),
]
_CLAUSE = re.compile(r",\s+|;\s+|\s+(?:and|but|which|while|who|och|men|som)\s+")
_PAREN = re.compile(r"\s*\([^)]{2,80}\)|,\s[^,]{3,60},(?=\s)")


def _words(s: str) -> int:
    return len(s.split())


def _first_clause(s: str) -> str | None:
    m = _CLAUSE.search(s)
    if m is None or _words(s[: m.start()]) < 5:
        return None
    return s[: m.start()].rstrip(" ,;") + "."


def _strip_paren(s: str) -> str | None:
    out = _PAREN.sub("", s, count=1)
    return out if out != s and _words(out) >= 5 else None


def swap_number(claim: str, rng: random.Random, lang: str) -> str | None:
    found = list(_NUMBER.finditer(claim))
    for month in _MONTHS[lang]:
        m = re.search(rf"\b{month}\b", claim)
        if m:
            other = rng.choice([x for x in _MONTHS[lang] if x != month])
            if not found or rng.random() < 0.4:
                return claim[: m.start()] + other + claim[m.end() :]
    if not found:
        return None
    m = rng.choice(found)
    text = m.group(0)
    if text.isdigit():
        value = int(text)
        if 1000 <= value <= 2100:
            new = str(value + rng.choice([-3, -2, -1, 1, 2, 3]))
        elif value < 10:
            new = str(rng.choice([x for x in range(0, 13) if x != value]))
        else:
            new = str(
                max(0, value + rng.choice([-1, 1]) * max(1, int(value * rng.uniform(0.2, 0.9))))
            )
    else:
        chars = list(text)
        idx = [i for i, c in enumerate(chars) if c.isdigit()]
        i = rng.choice(idx)
        chars[i] = str((int(chars[i]) + rng.randint(1, 8)) % 10)
        new = "".join(chars)
    if new == text:
        return None
    return claim[: m.start()] + new + claim[m.end() :]


def flip_negation(claim: str, lang: str) -> str | None:
    if lang == "sv":
        if _NEG_SV.search(claim):
            return _NEG_SV.sub("", claim, count=1)
        m = _VERB_SV.search(claim)
        return None if m is None else claim[: m.end()] + " inte" + claim[m.end() :]
    m = _NEG_EN.search(claim)
    if m is not None:
        return claim[: m.start()] + m.group(1) + claim[m.end() :]
    m = _AUX_EN.search(claim)
    return None if m is None else claim[: m.end()] + " not" + claim[m.end() :]


def swap_roles(claim: str) -> str | None:
    found = list(_NAME.finditer(claim))
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if (
                a.group(0) != b.group(0)
                and a.group(0) not in b.group(0)
                and b.group(0) not in a.group(0)
            ):
                return (
                    claim[: a.start()]
                    + b.group(0)
                    + claim[a.end() : b.start()]
                    + a.group(0)
                    + claim[b.end() :]
                )
    return None


def replace_entity(claim: str, names: list[str], rng: random.Random) -> str | None:
    found = list(_NAME.finditer(claim))
    if not found or not names:
        return None
    m = rng.choice(found)
    options = [n for n in names if n not in claim and n.split()[0] not in m.group(0)]
    if not options:
        return None
    return claim[: m.start()] + rng.choice(options) + claim[m.end() :]


def swap_antonym(claim: str, lang: str, rng: random.Random) -> str | None:
    pairs = list(_ANTONYMS[lang])
    rng.shuffle(pairs)
    for a, b in pairs:
        for x, y in ((a, b), (b, a)):
            m = re.search(rf"\b{re.escape(x)}\b", claim)
            if m:
                return claim[: m.start()] + y + claim[m.end() :]
    return None


def swap_unit(claim: str) -> str | None:
    for a, b in _UNITS:
        for x, y in ((a, b), (b, a)):
            pat = rf"(?<=\d)\s?{re.escape(x)}" if x == "%" else rf"\b{re.escape(x)}\b"
            m = re.search(pat, claim)
            if m:
                return claim[: m.start()] + y + claim[m.end() :]
    return None


def _sentences(text: str, lang: str) -> list[str]:
    return [text[a:b] for a, b in ds.sentence_spans(text, lang)]


def synthetic(
    docs: list[tuple[str, str]], lang: str, per_doc: int, rng: random.Random
) -> list[TrainPair]:
    """Synthetic pairs from documents (see the module docstring)."""
    out: list[TrainPair] = []
    all_sentences = [(g, s) for g, d in docs for s in _sentences(d, lang) if 6 <= _words(s) <= 45]
    for group, doc in docs:
        sents = [s.strip() for s in _sentences(doc, lang)]
        sents = [s for s in sents if 4 <= _words(s) <= 60]
        if len(sents) < 2:
            continue
        names = sorted(set(m.group(0) for m in _NAME.finditer(doc)))
        for _ in range(per_doc):
            start = rng.randrange(0, max(1, len(sents) - 2))
            window = sents[start : start + 3]
            passage = " ".join(window)
            if len(passage) > 700:
                window = window[:2]
                passage = " ".join(window)
            target = rng.choice([s for s in window if _words(s) <= 45] or window)
            # a supported claim
            r = rng.random()
            claim, kind = target, "syn_copy"
            if r < 0.35:
                claim = _first_clause(target) or _strip_paren(target) or target
            elif r < 0.55 and len(window) >= 2:
                a, b = rng.sample(window, 2)
                ca, cb = _first_clause(a) or a, _first_clause(b) or b
                cb = cb[:1].lower() + cb[1:] if not _NAME.match(" " + cb) else cb
                joiner = " och " if lang == "sv" else " and "
                claim, kind = ca.rstrip(" .!?") + joiner + cb, "syn_merge"
            elif r < 0.7:
                claim = _strip_paren(target) or target
            out.append(TrainPair(kind, claim, passage, 0, lang, group))
            # a contradicted claim
            edits = [
                ("syn_number", swap_number(claim, rng, lang)),
                ("syn_negation", flip_negation(claim, lang)),
                ("syn_entity", replace_entity(claim, names, rng)),
                ("syn_roles", swap_roles(claim)),
                ("syn_antonym", swap_antonym(claim, lang, rng)),
                ("syn_unit", swap_unit(claim)),
            ]
            edits = [(k, c) for k, c in edits if c and c != claim]
            if edits:
                rare = [e for e in edits if e[0] != "syn_negation"]
                k, c = rng.choice(rare if rare and rng.random() < 0.75 else edits)
                assert c is not None
                out.append(TrainPair(k, c, passage, 2, lang, group))
            # a neutral claim
            outside = [
                s
                for i, s in enumerate(sents)
                if not start - 1 <= i <= start + 3 and 6 <= _words(s) <= 45
            ]
            r = rng.random()
            if outside and r < 0.5:
                out.append(TrainPair("syn_outside", rng.choice(outside), passage, 1, lang, group))
            elif outside and r < 0.8:
                extra = rng.choice(outside)
                extra = (_first_clause(extra) or extra).rstrip(" .!?")
                extra = extra[:1].lower() + extra[1:] if not _NAME.match(" " + extra) else extra
                joiner = " och " if lang == "sv" else " and "
                base = (_first_clause(target) or target).rstrip(" .!?")
                out.append(
                    TrainPair("syn_extra", base + joiner + extra + ".", passage, 1, lang, group)
                )
            else:
                g, s = rng.choice(all_sentences)
                if g != group:
                    out.append(TrainPair("syn_unrelated", s, passage, 1, lang, group))
    return out


def long_windows(
    pairs: Sequence[TrainPair], docs: dict[str, list[tuple[str, str]]], share: float
) -> list[TrainPair]:
    """``syn_long`` copies of a seeded ``share`` of the short pairs (passage under 60
    words): the same claim and label, the passage set at a random place inside sentences
    of other documents of its language, so that a window of 100-200 tokens holding one
    relevant sentence is read like the sentence alone (a shallow model trained only on
    short passages called such windows contradictions). The passage stays inside the
    256-token training window: the filler is cut to what ~1.6 tokens a word leaves."""
    rng = random.Random(SEED + 1)
    pools = {
        lang: [(g, s) for g, d in found for s in _sentences(d, lang) if 6 <= _words(s) <= 40]
        for lang, found in docs.items()
    }
    out: list[TrainPair] = []
    for p in pairs:
        pool = pools.get(p.language)
        if not pool or p.source.startswith("xl_") or _words(p.passage) >= 60:
            continue
        if _unit(f"long:{p.source}:{p.claim}\n{p.passage}") >= share:
            continue
        budget = min(rng.randint(90, 150), int((250 - 1.6 * _words(p.claim)) / 1.6))
        budget -= _words(p.passage)
        filler: list[str] = []
        while budget > 6:
            g, sentence = rng.choice(pool)
            if g != p.group and _words(sentence) <= budget:
                filler.append(sentence.strip())
                budget -= _words(sentence)
            elif len(filler) >= 12:
                break
            else:
                budget -= 1
        if not filler:
            continue
        at = rng.randint(0, len(filler))
        passage = " ".join([*filler[:at], p.passage.strip(), *filler[at:]])
        out.append(TrainPair("syn_long", p.claim, passage, p.label, p.language, p.group))
    return out


# ------------------------------------------------------------ cross-language (Django)

DJANGO_LANGS = ("sv", "de", "fr", "es")
_PO_STR = re.compile(r'^(msgid|msgstr|msgctxt|msgid_plural|msgstr\[\d+\])\s+"(.*)"\s*$')
_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")


def read_po(text: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of a gettext .po file: singular, non-fuzzy, non-empty entries."""
    out: list[tuple[str, str]] = []
    entry: dict[str, str] = {}
    key = ""
    fuzzy = False

    def flush() -> None:
        if entry.get("msgid") and entry.get("msgstr") and "msgid_plural" not in entry and not fuzzy:
            out.append((entry["msgid"], entry["msgstr"]))

    for line in text.splitlines():
        line = line.strip()
        if not line:
            flush()
            entry, key, fuzzy = {}, "", False
            continue
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
            continue
        if line.startswith("#"):
            continue
        m = _PO_STR.match(line)
        if m:
            key = m.group(1)
            entry[key] = json.loads('"' + m.group(2) + '"')
        elif line.startswith('"') and key:
            entry[key] += json.loads(line)
    flush()
    return out


def django_pairs(wheels: Sequence[Path]) -> list[TrainPair]:
    """Cross-language pairs from the gettext catalogues (``django.po``) shipped inside
    permissively licensed wheels; the shipped recipe uses Django's (BSD-3-Clause; each
    .po file says it is distributed under Django's licence). For sv/de/fr/es: the
    translation as premise and the English message as claim [supported], and for
    Swedish also the reverse; another message of the same language [neutral]; the
    English message with a number or negation changed [contradicted]."""
    import zipfile

    rng = random.Random(SEED + 2)
    out: list[TrainPair] = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as zf:
            names = [n for n in zf.namelist() if n.endswith("/LC_MESSAGES/django.po")]
            for lang in DJANGO_LANGS:
                rows: list[tuple[str, str]] = []
                for n in sorted(names):
                    if f"/locale/{lang}/" not in n:
                        continue
                    for en, tr in read_po(zf.read(n).decode("utf-8")):
                        en = _PLACEHOLDER.sub("X", en).strip()
                        tr = _PLACEHOLDER.sub("X", tr).strip()
                        if _words(en) >= 4 and _words(tr) >= 3 and en != tr:
                            rows.append((en, tr))
                rows = sorted(set(rows))
                if len(rows) < 2:
                    continue
                for i, (en, tr) in enumerate(rows):
                    group = f"django:{lang}:{_h(en)}"
                    out.append(TrainPair("xl_django", en, tr, 0, "en", group))
                    if lang == "sv":
                        out.append(TrainPair("xl_django", tr, en, 0, "sv", group))
                    other = rows[(i + rng.randrange(1, len(rows))) % len(rows)]
                    out.append(TrainPair("xl_django", other[0], tr, 1, "en", group))
                    edited = swap_number(en, rng, "en") or flip_negation(en, "en")
                    if edited and edited != en:
                        out.append(TrainPair("xl_django", edited, tr, 2, "en", group))
    return out


# ----------------------------------------------------------------------------- build


def build(
    per_doc: int,
    sv_per_doc: int,
    heldout: float,
    django: Sequence[Path] = (),
    unrelated_share: float = 1.0,
    swenli_half: bool = False,
    long_share: float = 0.0,
    wice_reduced: bool = False,
    summary_sentences: bool = False,
) -> tuple[list[TrainPair], list[TrainPair], dict[str, Any]]:
    """``unrelated_share``: the seeded share of the ``syn_unrelated`` pairs kept (the
    easiest kind; fewer of them make room for harder rows in the same training time).
    ``long_share``: the seeded share of short pairs also given as a ``syn_long`` copy."""
    rng = random.Random(SEED)
    docs: dict[str, list[tuple[str, str]]] = {"en": [], "sv": []}
    real = real_pairs(docs, swenli_half, wice_reduced, summary_sentences)
    if django:
        real += django_pairs(django)
    syn = synthetic(docs["en"], "en", per_doc, rng) + synthetic(docs["sv"], "sv", sv_per_doc, rng)
    if unrelated_share < 1.0:
        syn = [
            p
            for p in syn
            if p.source != "syn_unrelated"
            or _unit(f"thin:{p.claim}\n{p.passage}") < unrelated_share
        ]
    if long_share > 0:
        syn += long_windows(real + syn, docs, long_share)
    train: list[TrainPair] = []
    held: list[TrainPair] = []
    for p in real + syn:
        (held if _unit("held:" + p.group) < heldout else train).append(p)
    rng.shuffle(train)
    rng.shuffle(held)
    record: dict[str, Any] = {
        "seed": SEED,
        "labels": [*LABELS, "not_supported (supported excluded, neutral vs contradicted unknown)"],
        "files": {
            name: {f: ds.file_sha256(ds.data_file(f)) for f in files}
            for name, files in FILES.items()
            if swenli_half or name != "swenli_train_half"
        },
        "documents_for_synthetic": {k: len(v) for k, v in docs.items()},
        "synthetic_per_doc": {"en": per_doc, "sv": sv_per_doc},
        "syn_unrelated_share_kept": unrelated_share,
        "swenli_train_half": swenli_half,
        "syn_long_share": long_share,
        **({"wice_train_reduced": True} if wice_reduced else {}),
        **({"summary_sentences": True} if summary_sentences else {}),
        "heldout_share_by_group": heldout,
        "summac_heldout_for_eval": "documents with _unit('summac:'+doc) < 0.3",
        "never_read_for_training": [
            "swenli dev: the held-out half of its premises (evaluate.datasets.swenli_heldout)"
            if swenli_half and name == "swenli dev"
            else name
            for name in FORBIDDEN
        ],
        "translation_wheels": {w.name: ds.file_sha256(w) for w in django},
        "train": _counts(train),
        "heldout": _counts(held),
    }
    return train, held, record


def _counts(rows: Iterable[TrainPair]) -> dict[str, Any]:
    by = Counter((p.source, p.label) for p in rows)
    out: dict[str, dict[str, int]] = {}
    for (source, label), n in sorted(by.items()):
        out.setdefault(source, {})[str(label)] = n
    rows = list(rows) if not isinstance(rows, list) else rows
    return {
        "by_source_label": out,
        "total": sum(by.values()),
        "by_label": dict(sorted(Counter(str(p.label) for p in rows).items())),
    }


# -------------------------------------------------------------------------- evaluation


def eval_sets() -> dict[str, list[dict[str, Any]]]:
    """The evaluation sets as plain rows (never trained on)."""
    out: dict[str, list[dict[str, Any]]] = {}

    def rows(examples: Iterable[ds.Example]) -> list[dict[str, Any]]:
        return [
            {"claim": e.claim, "passages": list(e.passages), "label": e.label, "gold": e.gold}
            for e in examples
        ]

    out["wice_dev"] = rows(ds.wice_dev())
    out["frank_test"] = rows(ds.frank("test"))
    for name in ds.SUMMAC_SETS:
        raw: dict[str, dict[str, Any]] = json.loads(
            ds.data_file(f"summac_pr15/{name}.json").read_text(encoding="utf-8")
        )
        out[f"summac_{name}_heldout"] = rows(
            e for e in ds.summac(name) if summac_heldout(raw[e.id]["document"])
        )
    out["swenli_dev_heldout"] = rows(ds.swenli_dev(heldout_only=True))
    for lang in ("de", "fr", "es", "en"):
        out[f"xnli_en_{lang}"] = rows(ds.xnli(lang, "en"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--synthetic-per-doc", type=int, default=6)
    parser.add_argument("--sv-per-doc", type=int, default=4)
    parser.add_argument("--heldout", type=float, default=0.08)
    parser.add_argument(
        "--unrelated-share",
        type=float,
        default=1.0,
        help="seeded share of the syn_unrelated pairs to keep (two-core CPU recipe: 0.5)",
    )
    parser.add_argument(
        "--swenli-half",
        action="store_true",
        help="train on the SweNLI dev premises the benchmark suite does not measure",
    )
    parser.add_argument(
        "--long-share",
        type=float,
        default=0.0,
        help="seeded share of short pairs also given inside 90-150 words of other "
        "documents' sentences (syn_long; two-core CPU recipe: 0.1)",
    )
    parser.add_argument(
        "--wice-reduced",
        action="store_true",
        help="also WiCE train claims without their unsupported words, as supported",
    )
    parser.add_argument(
        "--summary-sentences",
        action="store_true",
        help="also each sentence of a consistent summary against its best passage",
    )
    parser.add_argument(
        "--distill-windows",
        type=int,
        default=0,
        help="also write distill.jsonl: unlabelled claim-window pairs, up to N windows per "
        "summary sentence / WiCE claim, for a distilled student (train_verifier.py "
        "--distill-layers)",
    )
    parser.add_argument("--eval", action="store_true", help="also write eval.jsonl.gz")
    parser.add_argument(
        "--django",
        type=Path,
        nargs="*",
        default=[],
        help="wheels whose django.po translations give cross-language "
        "pairs (shipped recipe: pip download --no-deps django==5.2.19)",
    )
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    train, held, record = build(
        args.synthetic_per_doc,
        args.sv_per_doc,
        args.heldout,
        args.django,
        args.unrelated_share,
        args.swenli_half,
        args.long_share,
        args.wice_reduced,
        args.summary_sentences,
    )
    for name, rows in (("train", train), ("heldout", held)):
        record[f"{name}_jsonl_sha256"] = write_pairs(args.out_dir / f"{name}.jsonl", rows)
    if args.distill_windows:
        extra = distill_pairs(args.distill_windows, args.heldout)
        digest = write_pairs(args.out_dir / "distill.jsonl", extra)
        record["distill"] = {
            "windows_per_claim": args.distill_windows,
            "counts": dict(sorted(Counter(p.source for p in extra).items())),
            "total": len(extra),
        }
        record["distill_jsonl_sha256"] = digest
    if args.eval:
        with gzip.open(args.out_dir / "eval.jsonl.gz", "wt", encoding="utf-8") as handle:
            for name, rows_ in eval_sets().items():
                for r in rows_:
                    handle.write(json.dumps({"set": name, **r}, ensure_ascii=False) + "\n")
    (args.out_dir / "record.json").write_text(json.dumps(record, indent=2) + "\n")
    print(
        json.dumps(
            {
                "train": record["train"]["by_label"],
                "heldout": record["heldout"]["by_label"],
                "docs": record["documents_for_synthetic"],
            }
        ),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
