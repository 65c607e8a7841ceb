"""The flow, and the only place that knows its order:

load → claims → index sources → retrieve (cited place first, then search) → score
→ deterministic checks (quotes, numbers, citation location) → verdicts → report.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np

from sourcecheck import __version__
from sourcecheck.claims import (
    extract_claims,
    scoring_text,
    split_statements,
    statement_spans,
    strip_attribution,
)
from sourcecheck.config import Options, resolve_options
from sourcecheck.embed import EMBEDDER_ID, Embedder, default_embedder
from sourcecheck.errors import InputError
from sourcecheck.judge import JudgeModel, default_judge
from sourcecheck.load import load_document
from sourcecheck.model import (
    REPORT_SCHEMA,
    Claim,
    Document,
    Passage,
    Report,
    Skipped,
    SourceInfo,
    Stance,
    Verdict,
)
from sourcecheck.retrieve import (
    Candidate,
    CitedPlace,
    SourceIndex,
    build_index,
    resolve_citations,
    search,
)
from sourcecheck.score import Pair, PairScore, Scorer
from sourcecheck.score.registry import shared_scorer
from sourcecheck.scorecache import ScoreCache
from sourcecheck.segment import split_sentences
from sourcecheck.stance import stance_model_for
from sourcecheck.thread import THREAD_RULES, analyse_thread
from sourcecheck.verdict import ClaimEvidence, ScoredPassage, Thresholds, decide
from sourcecheck.worthiness import WorthinessModel, default_worthiness

#: progress(stage, done, total): stages are "load", "index" (passages embedded), "score"
#: (claims scored) and "check" (claims decided).
Progress = Callable[[str, int, int], None]
DocInput = str | os.PathLike[str] | Document

#: on_verdict(position, verdict): called as each claim is decided, in claim order.
VerdictSink = Callable[[int, Verdict], None]
#: trace(evidence, verdict): what one claim's decision read, and what it decided.
Trace = Callable[[ClaimEvidence, Verdict], None]


_cache = ScoreCache()


def _load_all(
    inputs: Sequence[DocInput], progress: Progress | None, offset: int, total: int
) -> list[Document]:
    docs = []
    for i, item in enumerate(inputs):
        docs.append(item if isinstance(item, Document) else load_document(item))
        if progress:
            progress("load", offset + i + 1, total)
    return docs


def _unique_ids(sources: list[Document], article: Document) -> list[Document]:
    """Source ids must be unique (and differ from the article's): suffix clashes."""
    seen = {article.id}
    out = []
    for doc in sources:
        new_id = _free_id(doc.id, seen) if doc.id in seen else doc.id
        seen.add(new_id)
        out.append(doc if new_id == doc.id else replace(doc, id=new_id))
    return out


def check(
    article: DocInput,
    sources: Sequence[DocInput],
    *,
    options: Options | None = None,
    option_origins: dict[str, str] | None = None,
    scorer: Scorer | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    score_cache: ScoreCache | None = None,
    on_verdict: VerdictSink | None = None,
) -> Report:
    """Check ``article`` against ``sources`` (paths or loaded Documents).

    ``progress`` may raise to stop the check (the service cancels that way);
    ``score_cache`` replaces the process-wide one; ``on_verdict`` sees each verdict as
    soon as it is decided."""
    origins: dict[str, str] = dict(option_origins or {})
    if options is None:
        options, origins = resolve_options()
    if not sources:
        raise InputError("<sources>", "no source given: name at least one with --source")
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    total_docs = 1 + len(sources)
    article_doc = _load_all([article], progress, 0, total_docs)[0]
    source_docs = _unique_ids(_load_all(sources, progress, 1, total_docs), article_doc)
    timings["load"] = time.perf_counter() - t0
    return check_documents(
        article_doc,
        source_docs,
        options=options,
        option_origins=origins,
        scorer=scorer,
        embedder=embedder,
        progress=progress,
        timings=timings,
        score_cache=score_cache,
        on_verdict=on_verdict,
    )


def check_documents(
    article: Document,
    sources: Sequence[Document],
    *,
    options: Options | None = None,
    option_origins: dict[str, str] | None = None,
    scorer: Scorer | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    score_cache: ScoreCache | None = None,
    on_verdict: VerdictSink | None = None,
    trace: Trace | None = None,
    index: SourceIndex | None = None,
) -> Report:
    """Check an already-loaded article against already-loaded sources.

    ``trace`` sees, for each claim, every candidate the verifier scored beside the
    verdict (benchmarks read it to tell retrieval misses from decision errors).

    ``index``: an index built before (a corpus, :mod:`sourcecheck.corpus`) to search
    instead of indexing ``sources`` (which must then be empty). The report lists the
    corpus documents the verdicts cite or draw evidence from, not the whole corpus."""
    if index is not None and sources:
        raise ValueError("give sources or a prebuilt index, not both")
    if options is None:
        options, option_origins = resolve_options()
    timings = dict(timings or {})
    embedder = embedder or default_embedder()
    scorer = scorer or shared_scorer(options.model)
    judge_model = judge_for(scorer) if options.decision == "v2" else None
    th = resolve_thresholds(options, scorer, judge_model)

    if index is not None:
        sources = list(index.documents.values())
        if article.id in index.documents:
            article = replace(article, id=_free_id(article.id, index.documents))
    t = time.perf_counter()
    claim_set = extract_claims(article, sources)
    claims = [c for c in claim_set.claims if options.check_comments or c.origin == "article"]
    skipped = [s for s in claim_set.skipped if options.check_comments or s.origin == "article"]
    worthiness = None if options.all_sentences else default_worthiness()
    if worthiness is not None:
        claims, unworthy = _worthy(claims, worthiness, embedder)
        rank = {"article": -1} | {c.id: i for i, c in enumerate(article.comments)}
        skipped = sorted([*skipped, *unworthy], key=lambda s: (rank.get(s.origin, 0), s.start))
    timings["claims"] = time.perf_counter() - t

    corpus = index is not None
    t = time.perf_counter()
    if index is None:
        index = build_index(
            sources,
            embedder,
            (lambda done, total: progress("index", done, total)) if progress else None,
        )
    timings["index"] = time.perf_counter() - t

    t = time.perf_counter()
    # One batched call embeds every claim; each search below then hits the cache.
    embedder.queries([checked_text(c) for c in claims])
    plans = [_retrieve(index, claim, options, embedder) for claim in claims]
    timings["retrieve"] = time.perf_counter() - t

    t = time.perf_counter()
    cache = score_cache or _cache
    scores = _score_all(claims, plans, scorer, options, progress, cache)
    closer = _second_look(
        index, claims, plans, scores, scorer, options, cache, scorer.support_threshold
    )
    timings["score"] = time.perf_counter() - t

    t = time.perf_counter()
    verdicts = []
    for i, (claim, plan, claim_scores) in enumerate(zip(claims, plans, scores, strict=True)):
        item = _claim_evidence(claim, plan, claim_scores, closer.get(i, {}))
        verdicts.append(
            decide(
                item,
                th,
                index.documents,
                embedder,
                max_evidence=options.max_evidence,
                version=options.decision,
                judge_model=judge_model,
            )
        )
        if trace:
            trace(item, verdicts[-1])
        if on_verdict:
            on_verdict(i, verdicts[-1])
        if progress:
            progress("check", i + 1, len(claims))
    timings["checks"] = time.perf_counter() - t

    stances: tuple[Stance, ...] = ()
    stance_model = stance_model_for(scorer)
    if options.check_comments and article.comments:
        t = time.perf_counter()
        stances = analyse_thread(
            claims,
            article.comments,
            scorer,
            embedder,
            score=lambda pairs: cache.score(scorer, pairs, options.batch_size),
            model=stance_model,
        )
        timings["thread"] = time.perf_counter() - t
    timings = {k: round(v, 3) for k, v in timings.items()}

    return Report(
        schema=REPORT_SCHEMA,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        tool_version=__version__,
        article=source_info(article),
        sources=tuple(
            source_info(d) for d in (_used_sources(sources, verdicts) if corpus else sources)
        ),
        verdicts=tuple(verdicts),
        skipped=tuple(skipped),
        options={**options.as_dict(), "origins": dict(option_origins or {})},
        models={
            "scorer": scorer.describe(),
            "thresholds": {
                "support": th.support,
                "partial": th.partial,
                "contradiction": th.contradiction,
            },
            "embedder": EMBEDDER_ID,
            "worthiness": worthiness.model_id if worthiness else None,
            "decision": {
                "rules": options.decision,
                "judge": judge_model.model_id if judge_model else None,
            },
            # Claim–passage pairs the verifier read (or the cache answered) for this report.
            "verifier_pairs": sum(len(p.read(t)) for p in plans for t in range(len(p.texts))),
            # The stance's rules, and the learned stance model where it decided.
            "thread": (
                None
                if not stances
                else THREAD_RULES
                if stance_model is None
                else f"{THREAD_RULES}+{stance_model.model_id}"
            ),
        },
        timings=timings,
        comments=article.comments if options.check_comments else (),
        stances=stances,
    )


def _worthy(
    claims: Sequence[Claim], model: WorthinessModel, embedder: Embedder
) -> tuple[list[Claim], list[Skipped]]:
    """Claims the check-worthiness model keeps, and the others as skipped sentences with
    their probability. A claim citing or quoting a source is always kept."""
    probs = model.probabilities(
        [checked_text(c) for c in claims], embedder, [c.language for c in claims]
    )
    kept: list[Claim] = []
    dropped: list[Skipped] = []
    for claim, p in zip(claims, probs, strict=True):
        if p >= model.threshold or claim.citations or claim.quotes:
            kept.append(claim)
        else:
            dropped.append(
                Skipped(
                    claim.text,
                    claim.start,
                    claim.end,
                    claim.origin,
                    f"not check-worthy (model: {p:.2f}, below {model.threshold:.2f})",
                )
            )
    return kept, dropped


def _free_id(doc_id: str, taken: Container[str]) -> str:
    """``doc_id`` with the first free suffix: ``-2``, ``-3``, ..."""
    n = 2
    while f"{doc_id}-{n}" in taken:
        n += 1
    return f"{doc_id}-{n}"


def _used_sources(sources: Sequence[Document], verdicts: Sequence[Verdict]) -> list[Document]:
    """The documents a report needs to list: those its evidence, quotations, numbers and
    citations name (a corpus of thousands would otherwise fill every report)."""
    used: set[str] = set()
    for v in verdicts:
        used.update(e.source for e in v.evidence)
        used.update(q.source for q in v.quotes if q.source)
        used.update(n.source for n in v.numbers if n.source)
        used.update(c.target for c in v.claim.citations if c.target)
        used.update(p.evidence.source for p in v.parts if p.evidence)
    return [d for d in sources if d.id in used]


def judge_for(scorer: Scorer) -> JudgeModel | None:
    """The shipped judge when it was trained on this scorer's outputs; None otherwise
    (the decision then reads the scorer's own probabilities, and the report says so)."""
    judge_model = default_judge()
    return judge_model if judge_model.scorer_model_id == scorer.model_id else None


def resolve_thresholds(
    options: Options, scorer: Scorer, judge_model: JudgeModel | None
) -> Thresholds:
    """The decision thresholds, once: explicit options first, then the judge's (they
    apply to its probabilities), then the scorer's own."""
    if judge_model is not None:
        support = judge_model.thresholds["supports"]
        partial = judge_model.thresholds["unsure"]
        contradiction = judge_model.thresholds["contradicts"]
    else:
        support = scorer.support_threshold
        partial = scorer.partial_threshold
        contradiction = scorer.contradiction_threshold

    def pick(value: float | None, default: float) -> float:
        return default if value is None else value

    return Thresholds(
        support=pick(options.support_threshold, support),
        partial=pick(options.partial_threshold, partial),
        contradiction=pick(options.contradiction_threshold, contradiction),
    )


def source_info(doc: Document) -> SourceInfo:
    return SourceInfo(
        id=doc.id,
        path=doc.path,
        media_type=doc.media_type,
        language=doc.language,
        pages=len(doc.pages),
        sha256=doc.sha256,
        title=doc.title,
        characters=len(doc.text),
        warnings=doc.warnings,
    )


def checked_text(claim: Claim) -> str:
    """What retrieval and the verifier read: the claim without its citations and without
    an attribution frame ("The report says that ...")."""
    return strip_attribution(scoring_text(claim) or claim.text)


@dataclass(frozen=True)
class _Plan:
    candidates: tuple[Candidate, ...]
    cited: CitedPlace | None
    text: str
    #: The statements a compound claim packs.
    parts: tuple[str, ...] = ()
    #: Per part, the positions in ``candidates`` it is read against (all when empty).
    part_candidates: tuple[tuple[int, ...], ...] = ()

    @property
    def texts(self) -> tuple[str, ...]:
        return (self.text, *self.parts)

    def read(self, t: int) -> tuple[Candidate, ...]:
        """The candidates text ``t`` of :attr:`texts` is read against."""
        if t == 0 or not self.part_candidates:
            return self.candidates
        return tuple(self.candidates[c] for c in self.part_candidates[t - 1])


def _retrieve(index: SourceIndex, claim: Claim, options: Options, embedder: Embedder) -> _Plan:
    """The cascade's cheap stage: the passages the verifier will read. The ``cited_k``
    best of the cited place, then the ``top_k`` best of the whole source, each ranked by
    fused BM25 and dense rank and each taking a distinct place (a sentence and the window
    around it are one place). ``benchmarks/cascade.py`` measured this against scoring every
    passage: the same verdicts within the interval for a tenth of the pairs."""
    text = checked_text(claim)
    cited = resolve_citations(index, claim)
    found: dict[int, Candidate] = {}
    if cited is not None and cited.resolved:
        for c in search(
            index,
            text,
            claim.language,
            restrict=cited.indexes,
            top_k=options.cited_k,
            embedder=embedder,
            distinct=True,
        ):
            found[c.index] = c.cited()
    for c in search(
        index,
        text,
        claim.language,
        top_k=options.top_k,
        embedder=embedder,
        distinct=True,
        exclude=found.keys(),
    ):
        found.setdefault(c.index, c)
    parts = split_statements(text, claim.language) if options.decision == "v2" else [text]
    if len(parts) < 2:
        return _Plan(tuple(found.values()), cited, text)
    candidates = tuple(found.values())
    return _Plan(
        candidates,
        cited,
        text,
        tuple(parts),
        _part_candidates(candidates, parts, options, embedder),
    )


def _part_candidates(
    candidates: Sequence[Candidate],
    parts: Sequence[str],
    options: Options,
    embedder: Embedder,
) -> tuple[tuple[int, ...], ...]:
    """Per statement of a compound claim, the positions of the candidates it is read
    against, in the claim's order: every one of the cited place (the cited place is
    always read, and the citation check weighs it) and the ``part_k`` searched ones
    closest to the statement in meaning (the index's vectors against the statement's
    query vector); () when every statement reads every candidate. A statement is one
    clause of what retrieval searched for: the passage that speaks to it is among the
    claim's candidates, and most often the nearest of them."""
    searched = [k for k, c in enumerate(candidates) if c.retrieval != "cited"]
    if not options.part_k or len(searched) <= options.part_k:
        return ()
    cited = [k for k, c in enumerate(candidates) if c.retrieval == "cited"]
    vectors = np.stack([candidates[k].vector for k in searched])
    out = []
    for q in embedder.queries(list(parts)):
        near = np.argsort(-(vectors @ q), kind="stable")[: options.part_k]
        out.append(tuple(sorted(cited + [searched[int(k)] for k in near])))
    return tuple(out)


def _score_all(
    claims: Sequence[Claim],
    plans: Sequence[_Plan],
    scorer: Scorer,
    options: Options,
    progress: Progress | None,
    cache: ScoreCache,
) -> list[list[list[PairScore]]]:
    """Score every claim (and each of its parts) × candidate pair, batched across claims;
    per claim, one list of scores per text in ``plan.texts``."""
    results: list[list[list[PairScore]]] = []
    chunk = max(1, options.batch_size // max(1, options.top_k + options.cited_k // 2))
    for start in range(0, len(claims), chunk):
        pairs: list[Pair] = []
        sizes = []
        for claim, plan in zip(
            claims[start : start + chunk], plans[start : start + chunk], strict=True
        ):
            for t, text in enumerate(plan.texts):
                for cand in plan.read(t):
                    passage = cand.passage
                    pairs.append(
                        Pair(
                            claim=text,
                            passage=passage.text,
                            claim_language=claim.language,
                            passage_language=cand.language,
                        )
                    )
            sizes.append([len(plan.read(t)) for t in range(len(plan.texts))])
        scored = cache.score(scorer, pairs, options.batch_size)
        at = 0
        for per_size in sizes:
            per_text = []
            for size in per_size:
                per_text.append(scored[at : at + size])
                at += size
            results.append(per_text)
        if progress:
            progress("score", min(start + chunk, len(claims)), len(claims))
    return results


#: A candidate the verifier reads as contradicting the claim (contradiction at least this)
#: is read again statement by statement when it joins several ("A, but B", or a window of
#: two sentences): a sentence
#: that states A supports a claim that states A, whatever B adds (a conjunction entails
#: each conjunct), but the verifier reads a negation in B as contradicting A ("Witnesses
#: spotted suspects fleeing" against "Witnesses spotted suspects fleeing, but police did
#: not specify the number": contradiction 0.88).
SECOND_LOOK = 0.3


def _statements_of(text: str, language: str | None) -> list[tuple[int, int]]:
    """The statements of a passage: its sentences (a passage may be a window of two), each
    cut at its joined statements."""
    out: list[tuple[int, int]] = []
    for s, e in split_sentences(text, language):
        out.extend((s + a, s + b) for a, b in statement_spans(text[s:e], language))
    return out


def _second_look(
    index: SourceIndex,
    claims: Sequence[Claim],
    plans: Sequence[_Plan],
    scores: Sequence[Sequence[Sequence[PairScore]]],
    scorer: Scorer,
    options: Options,
    cache: ScoreCache,
    support: float,
) -> dict[int, dict[tuple[int, int], tuple[Passage, PairScore]]]:
    """Per claim, (text, candidate) -> the statement of that candidate passage that the
    verifier reads as supporting the text (at least ``support``, the scorer's own support
    threshold, and more than the whole passage) while none of the passage's other
    statements contradicts it (then the passage as a whole does: "the outbreak cost
    €180,000" against "the costs cannot be put at a figure yet; a first estimate is
    €180,000"), scored afresh: the decision then reads that statement, with its own
    offsets, in place of the passage. Only candidates read as contradicting, only passages
    that join several statements, and only single statements (a compound claim is read
    through its parts) are read again: a few pairs."""
    asks: list[tuple[int, int, int, Passage]] = []
    pairs: list[Pair] = []
    for i, (claim, plan, per_text) in enumerate(zip(claims, plans, scores, strict=True)):
        for t, (text, text_scores) in enumerate(zip(plan.texts, per_text, strict=True)):
            if t == 0 and plan.parts:
                continue
            for c, (cand, score) in enumerate(zip(plan.read(t), text_scores, strict=True)):
                if score.contradiction is None or score.contradiction < SECOND_LOOK:
                    continue
                passage = cand.passage
                doc = index.documents[passage.doc_id]  # to locate each statement in it
                spans = _statements_of(passage.text, doc.language)
                if len(spans) < 2:
                    continue
                for s, e in spans:
                    start = passage.start + s
                    part = Passage(
                        passage.doc_id, start, passage.start + e, passage.text[s:e],
                        doc.locate(start),
                    )  # fmt: skip
                    asks.append((i, t, c, part))
                    pairs.append(Pair(text, part.text, claim.language, doc.language))
    if not pairs:
        return {}
    read: dict[tuple[int, int, int], list[tuple[Passage, PairScore]]] = {}
    for (i, t, c, part), score in zip(asks, cache.score(scorer, pairs, options.batch_size),
                                      strict=True):  # fmt: skip
        read.setdefault((i, t, c), []).append((part, score))
    out: dict[int, dict[tuple[int, int], tuple[Passage, PairScore]]] = {}
    for (i, t, c), statements in read.items():
        k = max(range(len(statements)), key=lambda k: statements[k][1].support)
        part, score = statements[k]
        others = [s for j, (_, s) in enumerate(statements) if j != k]
        if (
            score.support >= support
            and score.support > scores[i][t][c].support
            and all((s.contradiction or 0.0) < SECOND_LOOK for s in others)
        ):
            out.setdefault(i, {})[(t, c)] = (part, score)
    return out


def _claim_evidence(
    claim: Claim,
    plan: _Plan,
    scores: Sequence[Sequence[PairScore]],
    closer: dict[tuple[int, int], tuple[Passage, PairScore]] | None = None,
) -> ClaimEvidence:
    """The typed record a decision reads: each candidate with its passage and score, and
    the same for each part of a compound claim; ``closer``: (text, candidate) -> the
    statement of the passage read in its place (:func:`_second_look`)."""
    closer = closer or {}

    def scored(t: int, text_scores: Sequence[PairScore]) -> tuple[ScoredPassage, ...]:
        cands = []
        for c, (cand, score) in enumerate(zip(plan.read(t), text_scores, strict=True)):
            passage = cand.passage
            if (t, c) in closer:
                passage, score = closer[(t, c)]
            cands.append(
                ScoredPassage(
                    passage=passage,
                    language=cand.language,
                    retrieval="cited" if cand.retrieval == "cited" else "search",
                    dense=cand.dense,
                    lexical=cand.lexical,
                    score=score,
                )
            )
        return tuple(cands)

    parts = tuple(
        ClaimEvidence(claim=claim, text=text, candidates=scored(t, part), cited=plan.cited)
        for t, (text, part) in enumerate(zip(plan.parts, scores[1:], strict=True), start=1)
    )
    return ClaimEvidence(
        claim=claim,
        text=plan.text,
        candidates=scored(0, scores[0]),
        cited=plan.cited,
        parts=parts,
    )
