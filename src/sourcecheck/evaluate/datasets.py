"""Readers for the public evaluation and training sets in ``../shared/eval``.

Every reader yields :class:`Example`: one claim, the passages of the document it is
checked against, and a binary label mapped the LLM-AggreFact way (supported = 1;
partially supported, refuted, neutral, not enough info = 0). ``gold`` keeps the set's
own label so that a contradiction head can be trained from the same rows.

Documents longer than one passage are cut into windows of about three sentences
(at most 400 characters, one sentence of overlap); every window is a slice of the
document's own text, never a re-joined string. WiCE ships its pages as sentence lists,
so its windows are made of the given sentences.

The folder is ``../shared/eval`` relative to the repository root unless the
``SOURCECHECK_EVAL_DIR`` environment variable names another one.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Window shape used to cut documents into passages.
WINDOW_SENTENCES = 3
WINDOW_OVERLAP = 1
WINDOW_MAX_CHARS = 400

_REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Example:
    """One labelled claim with the passages of the document it is checked against.

    ``language`` is the claim's language, ``premise_language`` the passages'.
    ``gold`` is the data set's own label string (``"refute"``, ``"contradiction"``...).
    """

    id: str
    claim: str
    passages: tuple[str, ...]
    label: int
    split: str
    set_name: str
    language: str | None = "en"
    premise_language: str | None = "en"
    gold: str = ""


def eval_dir() -> Path:
    """Where the data sets live: ``$SOURCECHECK_EVAL_DIR`` or ``<repo>/../shared/eval``."""
    override = os.environ.get("SOURCECHECK_EVAL_DIR")
    if override:
        return Path(override)
    return _REPO_ROOT.parent / "shared" / "eval"


def _path(relative: str, root: Path | None) -> Path:
    return (root if root is not None else eval_dir()) / relative


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row: dict[str, Any] = json.loads(line)
                yield row


# -- passages ---------------------------------------------------------------------------


def sentence_spans(text: str, language: str | None = "en") -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (surrounding whitespace excluded).

    Line breaks also end a sentence, and a sentence longer than WINDOW_MAX_CHARS is cut
    at whitespace, so that no span is longer than one passage may be."""
    import sentencex

    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in sentencex.segment(language or "en", text):
        start = text.find(piece, cursor)
        if start < 0:  # the segmenter changed the text; fall back to the cursor
            start = cursor
        end = min(start + len(piece), len(text))
        cursor = end
        for match in re.finditer(r"[^\n]+", text[start:end]):
            spans.extend(_cap(text, start + match.start(), start + match.end()))
    return spans


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` stripped and cut at whitespace into spans <= WINDOW_MAX_CHARS."""
    out: list[tuple[int, int]] = []
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > WINDOW_MAX_CHARS:
        cut = text.rfind(" ", start + 1, start + WINDOW_MAX_CHARS)
        if cut <= start:
            cut = start + WINDOW_MAX_CHARS
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


def _window_bounds(lengths: Sequence[int], gaps: Sequence[int]) -> list[tuple[int, int]]:
    """Windows ``[i, j)`` over units of ``lengths``: up to WINDOW_SENTENCES units while the
    window (units plus the ``gaps`` between them) stays within WINDOW_MAX_CHARS; a unit
    longer than that is a window on its own. Consecutive windows share WINDOW_OVERLAP
    units where the next window can still grow past them (no window lies inside another)."""

    def grow(i: int) -> int:
        j = i + 1
        size = lengths[i]
        while j < n and j - i < WINDOW_SENTENCES:
            size += gaps[j - 1] + lengths[j]
            if size > WINDOW_MAX_CHARS:
                break
            j += 1
        return j

    bounds: list[tuple[int, int]] = []
    n = len(lengths)
    i = 0
    while i < n:
        j = grow(i)
        if bounds and j <= bounds[-1][1]:  # only the overlap fits: start afresh instead
            i = bounds[-1][1]
            j = grow(i)
        bounds.append((i, j))
        if j >= n:
            break
        i = max(j - WINDOW_OVERLAP, i + 1)
    return bounds


def split_passages(text: str, language: str | None = "en") -> tuple[str, ...]:
    """Cut ``text`` into overlapping windows of sentences; each is a slice of ``text``."""
    if len(text) <= WINDOW_MAX_CHARS:
        return (text.strip(),) if text.strip() else ()
    spans = sentence_spans(text, language)
    if not spans:
        return ()
    lengths = [end - start for start, end in spans]
    gaps = [spans[k + 1][0] - spans[k][1] for k in range(len(spans) - 1)]
    return tuple(text[spans[i][0] : spans[j - 1][1]] for i, j in _window_bounds(lengths, gaps))


def window_sentences(sentences: Sequence[str]) -> tuple[str, ...]:
    """Windows over a given sentence list (WiCE pages), sentences joined by one space;
    a given sentence longer than a passage is cut at whitespace first."""
    kept: list[str] = []
    for sentence in sentences:
        kept.extend(sentence[a:b] for a, b in _cap(sentence, 0, len(sentence)))
    bounds = _window_bounds([len(s) for s in kept], [1] * max(len(kept) - 1, 0))
    return tuple(" ".join(kept[i:j]) for i, j in bounds)


# -- readers ----------------------------------------------------------------------------


def wice_dev(root: Path | None = None) -> Iterator[Example]:
    """WiCE dev, claim level: the claim against its full cited page (given sentences).
    Only ``supported`` is positive."""
    path = _path("wice/entailment_retrieval/claim/dev.jsonl", root)
    for n, row in enumerate(_read_jsonl(path)):
        meta = row.get("meta") or {}
        yield Example(
            id=str(meta.get("id", f"wice-dev-{n}")),
            claim=row["claim"],
            passages=window_sentences(row["evidence"]),
            label=int(row["label"] == "supported"),
            split="dev",
            set_name="wice",
            gold=row["label"],
        )


def wice_train_partial(root: Path | None = None) -> Iterator[Example]:
    """WiCE *train* sub-claims annotated ``partially_supported`` (all negatives), each
    against the window around its annotated supporting sentences. Hard negatives for
    training; WiCE train is disjoint from the dev split used for evaluation."""
    path = _path("wice/non_supported_tokens/train.jsonl", root)
    for n, row in enumerate(_read_jsonl(path)):
        sentences: list[str] = row["evidence"]
        wanted = sorted({i for group in row.get("supporting_sentences", []) for i in group})
        chosen = [sentences[i] for i in wanted if 0 <= i < len(sentences)]
        if not chosen:
            continue
        yield Example(
            id=f"wice-train-{n}",
            claim=row["claim"],
            passages=window_sentences(chosen),
            label=0,
            split="train",
            set_name="wice_train_partial",
            gold=row["label"],
        )


def frank(split: str | None = None, root: Path | None = None) -> Iterator[Example]:
    """FRANK summaries against their news article; label 1 iff factuality == 1.0.
    ``split`` is ``"valid"``, ``"test"`` or None for both."""
    path = _path("frank/frank_joined.jsonl", root)
    passages_of: dict[str, tuple[str, ...]] = {}
    for row in _read_jsonl(path):
        if split is not None and row["split"] != split:
            continue
        doc: str = row["doc"]
        if doc not in passages_of:
            passages_of[doc] = split_passages(doc)
        yield Example(
            id=f"frank-{row['hash']}-{row['model_name']}",
            claim=row["claim"],
            passages=passages_of[doc],
            label=int(float(row["factuality"]) == 1.0),
            split=str(row["split"]),
            set_name="frank",
            gold=str(row["factuality"]),
        )


SUMMAC_SETS = ("factcc", "polytope", "summeval", "xsumfaith")


#: Seed of the verifier's training/evaluation splits of the sets it may train on: a text
#: (a SummaC document, a SweNLI premise) is held out (never trained on, kept for
#: evaluation) when its seeded hash falls below the set's share.
HELDOUT_SPLIT_SEED = 20261125
SUMMAC_HELDOUT_SHARE = 0.3


def _held_out(kind: str, text: str, share: float) -> bool:
    """The split rule: a stable pseudo-random number in [0, 1) for ``kind:text``, below
    ``share``."""
    digest = hashlib.sha256(f"{HELDOUT_SPLIT_SEED}:{kind}:{text}".encode()).hexdigest()
    return int(digest[:8], 16) / 2**32 < share


def summac_heldout(document: str) -> bool:
    """True when the shipped verifier was not trained on this SummaC document (a seeded 30%
    of the documents, chosen by hash so that every summary of a document goes the same
    way)."""
    return _held_out("summac", document, SUMMAC_HELDOUT_SHARE)


def summac(
    name: str, root: Path | None = None, *, heldout_only: bool = False
) -> Iterator[Example]:
    """One SummaC (pr15) set: summary (sentence) against its document; 1 = consistent.
    ``heldout_only``: only the documents :func:`summac_heldout` keeps out of training."""
    if name not in SUMMAC_SETS:
        raise ValueError(f"unknown SummaC set {name!r}; known: {', '.join(SUMMAC_SETS)}")
    path = _path(f"summac_pr15/{name}.json", root)
    rows: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    passages_of: dict[str, tuple[str, ...]] = {}
    for key, row in rows.items():
        doc: str = row["document"]
        if heldout_only and not summac_heldout(doc):
            continue
        if doc not in passages_of:
            passages_of[doc] = split_passages(doc)
        yield Example(
            id=key,
            claim=row["claim"],
            passages=passages_of[doc],
            label=int(row["label"]),
            split=str(row.get("cut") or "all"),
            set_name=f"summac_{name}",
            gold=str(row["label"]),
        )


def factcheck_gpt_stance(root: Path | None = None) -> Iterator[Example]:
    """Factcheck-GPT claim/evidence stance; positive iff ``completely-support``."""
    path = _path("factcheck_gpt/subtasks/subtask3_claim_evidence_stance.jsonl", root)
    for n, row in enumerate(_read_jsonl(path)):
        yield Example(
            id=f"factcheck-gpt-{n}",
            claim=row["claim"],
            passages=split_passages(row["evidence"]),
            label=int(row["stance"] == "completely-support"),
            split="all",
            set_name="factcheck_gpt",
            gold=row["stance"],
        )


#: The verifier's training split of SweNLI dev (``train? yes`` in the data README): a
#: premise, with every hypothesis written for it, is held out (never trained on, kept for
#: evaluation) by :func:`_held_out` with this share.
SWENLI_HELDOUT_SHARE = 0.5


def swenli_heldout(premise: str) -> bool:
    """True when the shipped verifier was not trained on this SweNLI dev premise (a seeded
    half of the premises, by hash, so that all hypotheses of a premise go the same way)."""
    return _held_out("swenli", premise, SWENLI_HELDOUT_SHARE)


def swenli_dev(root: Path | None = None, *, heldout_only: bool = False) -> Iterator[Example]:
    """SweNLI dev (MNLI dev-matched in Swedish): entailment vs neutral/contradiction.
    ``heldout_only``: only the premises :func:`swenli_heldout` keeps out of training."""
    path = _path("superlim2/swenli/swenli_dev.jsonl", root)
    for row in _read_jsonl(path):
        if heldout_only and not swenli_heldout(row["premise"]):
            continue
        yield Example(
            id=f"swenli-{row['id']}",
            claim=row["hypothesis"],
            passages=(row["premise"],),
            label=int(row["label"] == "entailment"),
            split="dev",
            set_name="swenli",
            language="sv",
            premise_language="sv",
            gold=row["label"],
        )


def snli(split: str, root: Path | None = None) -> Iterator[Example]:
    """SNLI ``dev`` or ``test`` (truncated); pairs without a gold label ("-") dropped."""
    if split not in ("dev", "test"):
        raise ValueError(f"unknown SNLI split {split!r}; known: dev, test")
    path = _path(f"snli/snli_1.0_{split}.jsonl", root)
    for row in _read_jsonl(path):
        gold = row["gold_label"]
        if gold == "-":
            continue
        yield Example(
            id=f"snli-{row['pairID']}",
            claim=row["sentence2"],
            passages=(row["sentence1"],),
            label=int(gold == "entailment"),
            split=split,
            set_name="snli",
            gold=gold,
        )


XNLI_LANGUAGES = ("en", "de", "fr", "es", "ru", "zh", "ar")


def xnli(
    premise_language: str, claim_language: str = "en", root: Path | None = None
) -> Iterator[Example]:
    """XNLI dev, cross-lingual: the hypothesis in ``claim_language`` against the premise
    in ``premise_language`` (the files are line-aligned). Eval only (CC BY-NC)."""
    for lang in (premise_language, claim_language):
        if lang not in XNLI_LANGUAGES:
            raise ValueError(f"unknown XNLI language {lang!r}; known: {', '.join(XNLI_LANGUAGES)}")
    premise_rows = _read_tsv(_path(f"xnli/dev-{premise_language}.tsv", root))
    claim_rows = _read_tsv(_path(f"xnli/dev-{claim_language}.tsv", root))
    if len(premise_rows) != len(claim_rows):
        raise ValueError(
            f"XNLI dev-{premise_language}.tsv and dev-{claim_language}.tsv differ in length"
        )
    for n, (prem, hyp) in enumerate(zip(premise_rows, claim_rows, strict=True)):
        yield Example(
            id=f"xnli-{premise_language}-{claim_language}-{n}",
            claim=hyp[1],
            passages=(prem[0],),
            label=int(hyp[2] == "entailment"),
            split="dev",
            set_name=f"xnli_{claim_language}_{premise_language}",
            language=claim_language,
            premise_language=premise_language,
            gold=hyp[2],
        )


def _read_tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if row]


def covidfact(root: Path | None = None) -> Iterator[Example]:
    """COVID-Fact claims against their evidence sentences; SUPPORTED vs REFUTED. Eval only."""
    path = _path("covidfact/COVIDFACT_dataset.jsonl", root)
    for n, row in enumerate(_read_jsonl(path)):
        yield Example(
            id=f"covidfact-{n}",
            claim=row["claim"],
            passages=window_sentences(row["evidence"]),
            label=int(row["label"] == "SUPPORTED"),
            split="all",
            set_name="covidfact",
            gold=row["label"],
        )


def healthver_dev(root: Path | None = None) -> Iterator[Example]:
    """HealthVer dev: health claim against an evidence passage; Supports vs rest. Eval only."""
    path = _path("healthver/healthver_dev.csv", root)
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield Example(
                id=f"healthver-{row['id']}",
                claim=row["claim"],
                passages=split_passages(row["evidence"]),
                label=int(row["label"] == "Supports"),
                split="dev",
                set_name="healthver",
                gold=row["label"],
            )


def climate_fever(root: Path | None = None) -> Iterator[Example]:
    """CLIMATE-FEVER, claim level: the claim against its five evidence sentences;
    SUPPORTS vs REFUTES / NOT_ENOUGH_INFO / DISPUTED. Eval only."""
    path = _path("climate_fever/climate-fever.jsonl", root)
    for row in _read_jsonl(path):
        yield Example(
            id=f"climate-fever-{row['claim_id']}",
            claim=row["claim"],
            passages=tuple(e["evidence"] for e in row["evidences"]),
            label=int(row["claim_label"] == "SUPPORTS"),
            split="all",
            set_name="climate_fever",
            gold=row["claim_label"],
        )


_INT_LIST = re.compile(r"\d+")


def scifact(split: str = "validation", root: Path | None = None) -> Iterator[Example]:
    """SciFact claims against the abstracts they cite; SUPPORT vs CONTRADICT / no
    evidence. ``split``: train or validation (test has no labels). Eval only."""
    if split not in ("train", "validation"):
        raise ValueError(f"unknown SciFact split {split!r}; known: train, validation")
    corpus: dict[str, list[str]] = {
        str(row["doc_id"]): list(row["abstract"])
        for row in _read_jsonl(_path("scifact/corpus.jsonl", root))
    }
    claims: dict[str, dict[str, Any]] = {}
    with _path(f"scifact/claims_{split}.csv", root).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            entry = claims.setdefault(
                row["id"],
                {
                    "claim": row["claim"],
                    "labels": set(),
                    "docs": _INT_LIST.findall(row["cited_doc_ids"]),
                },
            )
            if row["evidence_label"]:
                entry["labels"].add(row["evidence_label"])
    for claim_id, entry in claims.items():
        passages: list[str] = []
        for doc_id in entry["docs"]:
            passages.extend(window_sentences(corpus.get(doc_id, [])))
        labels: set[str] = entry["labels"]
        gold = "SUPPORT" if labels == {"SUPPORT"} else "|".join(sorted(labels)) or "NEI"
        yield Example(
            id=f"scifact-{split}-{claim_id}",
            claim=entry["claim"],
            passages=tuple(passages),
            label=int(labels == {"SUPPORT"}),
            split=split,
            set_name="scifact",
            gold=gold,
        )


def data_file(relative: str, root: Path | None = None) -> Path:
    """The path of a data file under the eval folder (for hashing what was used)."""
    return _path(relative, root)


def file_sha256(path: Path) -> str:
    """SHA-256 of a data file, read in blocks (training records what it used)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def best_passage(example: Example) -> str:
    """The passage that covers most of the claim's content words: the one a training
    pair is built from when a document has several."""
    from sourcecheck.score.lexical import coverage

    if len(example.passages) == 1:
        return example.passages[0]
    scores = [
        coverage(example.claim, p, example.language, example.premise_language)
        for p in example.passages
    ]
    return example.passages[max(range(len(scores)), key=scores.__getitem__)]
