"""Evidence retrieval: passages with locators, the cited place first, then hybrid search.

Passages are single sentences and windows of two consecutive sentences inside one paragraph
block, so a claim that merges two adjacent sentences still meets both, and every passage is a slice
``document.text[start:end]``. Search fuses a lexical ranking (BM25 over stemmed words,
good within a language) with a dense one (multilingual-e5-small, good across languages)
by reciprocal rank fusion.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from sourcecheck.embed import DIM, Embedder, default_embedder
from sourcecheck.model import Block, Citation, Claim, Document, Passage
from sourcecheck.segment import split_sentences
from sourcecheck.tokens import content_tokens

MAX_PASSAGE_CHARS = 700
RRF_K = 60
EMBED_BATCH = 256


@dataclass(frozen=True)
class Candidate:
    """A passage proposed for a claim, and why: the passage itself, its document's
    language and its vector travel with it, so nothing downstream reads the index again."""

    index: int  # its position in SourceIndex.passages (and .vectors)
    retrieval: str  # "cited" or "search"
    dense: float
    lexical: float
    passage: Passage
    language: str | None
    vector: npt.NDArray[np.float32] = field(compare=False, repr=False)

    def cited(self) -> Candidate:
        """The same candidate, found at the cited place."""
        return replace(self, retrieval="cited")


@dataclass(frozen=True)
class CitedPlace:
    """Where a claim's citations point: the passages there (and their indexes), or why not.

    ``disagree``: a citation of several parts (a page and a section) whose parts each exist
    in the source but not together (the cited page does not hold the cited section); the
    place is then the union of where each part points, and ``description`` says so."""

    indexes: tuple[int, ...]
    resolved: bool
    description: str
    passages: tuple[Passage, ...] = ()
    disagree: bool = False


@dataclass
class SourceIndex:
    """All passages of all sources, with a BM25 index and dense vectors."""

    documents: dict[str, Document]
    passages: list[Passage]
    passage_doc: list[str]
    vectors: npt.NDArray[np.float32]
    _bm25: object = field(repr=False)
    _doc_passages: dict[str, list[int]] = field(repr=False, default_factory=dict)
    #: BM25 reads each passage after its document's title (:func:`in_context`): a
    #: corpus's many documents, where the title says which one a sentence is about. The
    #: vectors stay the passages' own (the verifier's dense feature reuses them).
    title_context: bool = False

    def passages_of(self, doc_id: str) -> list[int]:
        return self._doc_passages.get(doc_id, [])


def _paragraph_blocks(doc: Document) -> list[tuple[int, int]]:
    blocks: Sequence[Block] = doc.blocks
    spans = [(b.start, b.end) for b in blocks if b.kind not in ("heading", "toc")]
    if not spans and doc.text.strip():
        spans = [(0, len(doc.text))]
    return spans


def make_passages(doc: Document) -> list[Passage]:
    """Sentences, and windows of two neighbouring sentences, inside each paragraph block,
    in document order."""
    out: list[Passage] = []
    seen: set[tuple[int, int]] = set()
    for b_start, b_end in _paragraph_blocks(doc):
        block_text = doc.text[b_start:b_end]
        sents = [(b_start + s, b_start + e) for s, e in split_sentences(block_text, doc.language)]
        if not sents:
            continue
        # Every sentence alone (the sharpest evidence for a one-fact claim) and every pair
        # of neighbours (for a claim that joins two facts).
        windows: list[tuple[int, int]] = list(sents)
        for i in range(len(sents) - 1):
            start, end = sents[i][0], sents[i + 1][1]
            if end - start <= MAX_PASSAGE_CHARS:
                windows.append((start, end))
        for start, end in sorted(windows):
            # A single sentence longer than the cap is split at word boundaries.
            for s, e in _cap(doc.text, start, end):
                if (s, e) in seen:
                    continue
                seen.add((s, e))
                out.append(Passage(doc.id, s, e, doc.text[s:e], doc.locate(s)))
    return out


def _cap(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_PASSAGE_CHARS * 2:
        return [(start, end)]
    pieces = []
    s = start
    while s < end:
        e = min(end, s + MAX_PASSAGE_CHARS)
        if e < end:
            space = text.rfind(" ", s + MAX_PASSAGE_CHARS // 2, e)
            if space > s:
                e = space
        pieces.append((s, e))
        s = e
        while s < end and text[s].isspace():
            s += 1
    return pieces


#: How the vectors of two-sentence windows are made: ``"mean"`` (the normalised sum of
#: their two sentences' vectors: half the embedding work) or ``"embed"`` (each window
#: embedded as text). ``benchmarks/retrieval.py`` compares them.
WINDOW_VECTORS = ("mean", "embed")


def _windows(passages: Sequence[Passage]) -> dict[int, tuple[int, int]]:
    """Passages that join two others of the same document end to end (the two-sentence
    windows): index -> the indexes of their first and second sentence."""
    by_start: dict[tuple[str, int], list[int]] = {}
    by_end: dict[tuple[str, int], list[int]] = {}
    for i, p in enumerate(passages):
        by_start.setdefault((p.doc_id, p.start), []).append(i)
        by_end.setdefault((p.doc_id, p.end), []).append(i)
    out: dict[int, tuple[int, int]] = {}
    for i, p in enumerate(passages):
        firsts = [a for a in by_start.get((p.doc_id, p.start), []) if passages[a].end < p.end]
        lasts = [b for b in by_end.get((p.doc_id, p.end), []) if passages[b].start > p.start]
        for a in firsts:
            b = next((b for b in lasts if passages[b].start >= passages[a].end), None)
            if b is not None and a not in out and b not in out:
                out[i] = (a, b)
                break
    return out


def build_index(
    sources: Sequence[Document],
    embedder: Embedder | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    window_vectors: str = "mean",
    title_context: bool = False,
) -> SourceIndex:
    """Passages of every source, indexed; ``progress(done, total)`` follows the embedding
    of the passages, which is where a large source spends its time. ``title_context``:
    BM25 reads each passage after its document's title (:func:`in_context`; the corpus
    index does, a check's few sources do not)."""
    empty = SourceIndex(
        {},
        [],
        [],
        np.zeros((0, DIM), dtype=np.float32),
        _bm25_of([], {}),
        title_context=title_context,
    )
    return extend_index(empty, sources, embedder, progress=progress, window_vectors=window_vectors)


def extend_index(
    index: SourceIndex,
    sources: Sequence[Document],
    embedder: Embedder | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    window_vectors: str = "mean",
) -> SourceIndex:
    """``index`` (a corpus) with ``sources`` added: their passages are made and embedded,
    the index's own vectors are reused as they are, and BM25 is rebuilt over all passages
    (its word weights depend on the whole collection). The same index as
    :func:`build_index` over both, without embedding the corpus again."""
    if window_vectors not in WINDOW_VECTORS:
        raise ValueError(f"window_vectors must be one of {WINDOW_VECTORS}")
    if not sources:
        return index
    embedder = embedder or default_embedder()
    clash = [d.id for d in sources if d.id in index.documents]
    if clash:
        raise ValueError(f"source ids already in the index: {', '.join(clash)}")
    passages = list(index.passages)
    doc_passages = dict(index._doc_passages)
    new: list[Passage] = []
    for doc in sources:
        ps = make_passages(doc)
        first = len(passages) + len(new)
        doc_passages[doc.id] = list(range(first, first + len(ps)))
        new.extend(ps)
    documents = {**index.documents, **{d.id: d for d in sources}}
    context = documents if index.title_context else None
    vectors = np.concatenate(
        [index.vectors, _passage_vectors(new, embedder, progress, window_vectors)],
        axis=0,
    )
    passages.extend(new)
    return SourceIndex(
        documents=documents,
        passages=passages,
        passage_doc=[p.doc_id for p in passages],
        vectors=vectors,
        _bm25=_bm25_of(passages, documents, context),
        _doc_passages=doc_passages,
        title_context=index.title_context,
    )


def in_context(passage: Passage, documents: Mapping[str, Document] | None) -> str:
    """What BM25 reads of a passage: its text, after its document's title where
    ``documents`` are given and the document has one ("Title. Sentence"). The evidence a
    report shows is always the passage's own text.

    Measured on SciFact (a 1,500-abstract slice holding every abstract the claims cite;
    188 validation and 505 training claims with rationale sentences): the rationale among
    search's first 3 places for 78.7% / 81.8% of claims with the title before each
    passage for BM25, 76.1% of the validation claims without. Embedding "Title.
    Sentence" as well, for a second embedding of every passage, gave 79.3% / 81.4%."""
    if documents is None:
        return passage.text
    title = (documents[passage.doc_id].title or "").strip()
    return f"{title.rstrip('.')}. {passage.text}" if title else passage.text


def _bm25_of(
    passages: Sequence[Passage],
    documents: Mapping[str, Document],
    context: Mapping[str, Document] | None = None,
) -> object:
    """BM25 over the passages (of :func:`in_context` with ``context``), each stemmed in
    its document's language."""
    import bm25s

    corpus = [
        content_tokens(in_context(p, context), documents[p.doc_id].language) or ["\u2205"]
        for p in passages
    ]
    bm25 = bm25s.BM25()
    if corpus:
        bm25.index(corpus, show_progress=False)
    return bm25


def _passage_vectors(
    passages: Sequence[Passage],
    embedder: Embedder,
    progress: Callable[[int, int], None] | None,
    window_vectors: str,
) -> npt.NDArray[np.float32]:
    """One unit vector per passage; with ``"mean"`` a two-sentence window's is the
    normalised sum of its sentences'."""
    vectors = np.zeros((len(passages), DIM), dtype=np.float32)
    windows = _windows(list(passages)) if window_vectors == "mean" else {}
    todo = [i for i in range(len(passages)) if i not in windows]
    for start in range(0, len(todo), EMBED_BATCH):
        batch = todo[start : start + EMBED_BATCH]
        vectors[batch] = embedder.passages([passages[i].text for i in batch])
        if progress:
            progress(start + len(batch), len(todo))
    for i, (a, b) in windows.items():
        v = vectors[a] + vectors[b]
        vectors[i] = v / max(float(np.linalg.norm(v)), 1e-12)
    return vectors


def _cited_sources(index: SourceIndex, citation: Citation) -> list[Document]:
    if citation.target and citation.target in index.documents:
        return [index.documents[citation.target]]
    return list(index.documents.values())


def resolve_citations(index: SourceIndex, claim: Claim) -> CitedPlace | None:
    """Passages at the place the claim's citations point to; None if it cites no place."""
    located = [
        c for c in claim.citations if c.page or c.section or c.paragraph or c.kind == "footnote"
    ]
    located = [c for c in located if c.kind != "footnote"]
    if not located:
        return None
    found: list[int] = []
    missing: list[str] = []
    disagree: list[str] = []
    for cit in located:
        hits = _cited_passages(index, cit)
        if not hits:
            # A page and a section that each exist but not together: the citation's parts
            # disagree. Its place is then where each part points, so the check can say
            # which part holds the support.
            parts = _split_parts(cit)
            part_hits = [_cited_passages(index, part) for part in parts]
            if len(parts) > 1 and all(part_hits):
                hits = [i for ph in part_hits for i in ph]
                disagree.append(" and ".join(p.describe() for p in parts) + " do not coincide")
        if hits:
            found.extend(hits)
        else:
            missing.append(cit.describe())
    description = ", ".join(c.describe() for c in located)
    if not found:
        return CitedPlace((), False, f"{'; '.join(missing)} does not exist in the source")
    if disagree:
        description += f" ({'; '.join(disagree)})"
    unique = tuple(dict.fromkeys(found))
    return CitedPlace(
        unique,
        True,
        description,
        tuple(index.passages[i] for i in unique),
        disagree=bool(disagree),
    )


def _cited_passages(index: SourceIndex, cit: Citation) -> list[int]:
    """Passages at the place ``cit`` points to, in every source it may name."""
    return [i for doc in _cited_sources(index, cit) for i in _place_passages(index, doc, cit)]


def _split_parts(cit: Citation) -> list[Citation]:
    """A citation of a page and a section (and a paragraph) as its separate parts; the
    paragraph stays with the section when there is one, else with the page."""
    if not (cit.page and cit.section):
        return [cit]
    return [
        replace(cit, section=None, paragraph=None),
        replace(cit, page=None, page_end=None),
    ]


def _page_range(doc: Document, cit: Citation) -> tuple[int, int] | None:
    if not cit.page:
        return None
    first = doc.page_by_label(cit.page)
    if first is None:
        return None
    last = doc.page_by_label(cit.page_end) if cit.page_end else first
    if last is None or last.index < first.index:
        last = first
    return first.start, last.end


def in_section(section: str | None, wanted: str) -> bool:
    """Whether ``section`` is the section ``wanted`` or one of its subsections."""
    return section is not None and (section == wanted or section.startswith(wanted + "."))


def _place_passages(index: SourceIndex, doc: Document, cit: Citation) -> list[int]:
    """Passages of ``doc`` inside the cited page range and/or section and/or paragraph."""
    if cit.page and not doc.pages:
        return []
    page_span = _page_range(doc, cit)
    if cit.page and page_span is None:
        return []
    out = []
    for i in index.passages_of(doc.id):
        p = index.passages[i]
        loc = p.locator
        if page_span and not (page_span[0] <= p.start < page_span[1]):
            continue
        if cit.section and not in_section(loc.section, cit.section):
            continue
        if cit.paragraph:
            # "third paragraph" counts within the cited section when one is given, else
            # within the cited page.
            number = loc.section_paragraph if cit.section else loc.paragraph
            if number != cit.paragraph:
                continue
        out.append(i)
    return out


def search(
    index: SourceIndex,
    query: str,
    query_language: str | None,
    *,
    restrict: Sequence[int] | None = None,
    top_k: int = 8,
    embedder: Embedder | None = None,
    distinct: bool = False,
    exclude: Collection[int] = (),
) -> list[Candidate]:
    """Hybrid search over all passages (or ``restrict``): BM25 + dense, fused by RRF.

    ``distinct``: a passage mostly inside one ranked above it (a sentence of a window
    already taken, or a window around a sentence already taken) takes no place, so
    ``top_k`` passages cover ``top_k`` places of the source. ``exclude``: passages taken
    already (by the cited place), passed over."""
    n = len(index.passages)
    if n == 0:
        return []
    embedder = embedder or default_embedder()
    qvec = embedder.queries([query])[0]
    dense = index.vectors @ qvec
    lexical = np.zeros(n, dtype=np.float64)
    for lang in {d.language for d in index.documents.values()}:
        # Tokenise the query with each source language's stemmer: a claim's names and
        # numbers match across languages even where its words do not.
        toks = content_tokens(query, lang)
        if toks:
            scores = index._bm25.get_scores(toks)  # type: ignore[attr-defined]
            lexical = np.maximum(lexical, np.asarray(scores, dtype=np.float64))
    pool = np.arange(n) if restrict is None else np.asarray(sorted(set(restrict)), dtype=int)
    if pool.size == 0:
        return []
    d_rank = _ranks(dense[pool])
    l_rank = _ranks(lexical[pool])
    fused = 1.0 / (RRF_K + d_rank) + np.where(lexical[pool] > 0, 1.0 / (RRF_K + l_rank), 0.0)
    order = np.argsort(-fused, kind="stable")
    picked: list[int] = []
    for j in order:
        if len(picked) >= top_k:
            break
        if int(pool[j]) in exclude:
            continue
        if distinct and any(_same_place(index, int(pool[j]), int(pool[k])) for k in picked):
            continue
        picked.append(int(j))
    return [candidate(index, int(pool[j]), "search", dense, lexical) for j in picked]


def candidate(
    index: SourceIndex,
    at: int,
    retrieval: str,
    dense: npt.NDArray[np.float64],
    lexical: npt.NDArray[np.float64],
) -> Candidate:
    passage = index.passages[at]
    return Candidate(
        index=at,
        retrieval=retrieval,
        dense=float(dense[at]),
        lexical=float(lexical[at]),
        passage=passage,
        language=index.documents[passage.doc_id].language,
        vector=index.vectors[at],
    )


def same_place(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans of one text share at least half of the shorter one: a sentence
    and the window around it, or a passage and the sentence it holds."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return inter > 0 and inter >= 0.5 * min(a[1] - a[0], b[1] - b[0])


def _same_place(index: SourceIndex, a: int, b: int) -> bool:
    pa, pb = index.passages[a], index.passages[b]
    return pa.doc_id == pb.doc_id and same_place((pa.start, pa.end), (pb.start, pb.end))


def _ranks(scores: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks
