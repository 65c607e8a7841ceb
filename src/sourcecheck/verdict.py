"""The decision: from a claim's scored candidate passages and the deterministic checks to a
verdict, a citation check and the evidence shown.

Everything here works on typed records that already carry their passage
(:class:`ScoredPassage`), so nothing indexes back into the source index, and on
thresholds resolved once (:class:`Thresholds`). Two named rule sets exist:

``v2`` (the default)
    The evidence decides. The verifier's three outputs (support, contradiction, neither)
    on the passages about the claim lead; numbers and dates are compared as values with
    their units and only count against a passage that is about the same thing; a negation
    word on one side alone never makes a contradiction. A claim that packs several facts
    is split into its parts, each part is judged, and the verdict says which part fails.
    Each verdict carries a confidence, and says so when the evidence is on the subject but
    the model cannot tell.

``v1``
    The rules of sourcecheck 0.1.0, kept so that benchmarks can show both side by side: a
    different number, or a negation on one side of the best-matching sentence, decides
    ``contradicted`` before the model is consulted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sourcecheck.checks.numbers import check_numbers
from sourcecheck.checks.polarity import best_sentence
from sourcecheck.checks.quotes import check_quote
from sourcecheck.embed import Embedder
from sourcecheck.model import (
    CitationCheck,
    Claim,
    Document,
    Evidence,
    NumberResult,
    Passage,
    QuoteResult,
    Verdict,
    VerdictLabel,
)
from sourcecheck.retrieve import CitedPlace
from sourcecheck.score import PairScore

#: Within this much of the best support, the cited place still counts as holding it.
CITED_MARGIN = 0.1

#: Dense cosine (e5 query vs passage) above which a passage is on the claim's topic even
#: when the verifier scores it low (a claim with a wrong number is still about it).
TOPICAL_DENSE = 0.86

DECISIONS = ("v1",)
Retrieval = Literal["cited", "search"]


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, resolved once from the options and the scorer's card."""

    support: float
    partial: float
    contradiction: float


@dataclass(frozen=True)
class ScoredPassage:
    """One candidate passage with how it was found and how the verifier scored it."""

    passage: Passage
    language: str | None
    retrieval: Retrieval
    dense: float
    lexical: float
    score: PairScore

    @property
    def support(self) -> float:
        return self.score.support

    @property
    def contradiction(self) -> float:
        return -1.0 if self.score.contradiction is None else self.score.contradiction


@dataclass(frozen=True)
class ClaimEvidence:
    """All a decision reads about one claim."""

    claim: Claim
    text: str  # what retrieval and the verifier read
    candidates: tuple[ScoredPassage, ...]
    cited: CitedPlace | None


def describe_place(passage: Passage) -> str:
    loc = passage.locator
    parts = [passage.doc_id]
    if loc.page:
        parts.append(f"p. {loc.page}")
    if loc.section:
        parts.append(f"§ {loc.section}")
    return ", ".join(parts)


def decide(
    item: ClaimEvidence,
    th: Thresholds,
    documents: Mapping[str, Document],
    embedder: Embedder,
    *,
    max_evidence: int = 3,
    version: str = "v1",
) -> Verdict:
    """The verdict for one claim under the rule set ``version``."""
    return _decide_v1(item, th, documents, embedder, max_evidence)


# --------------------------------------------------------------------------------------
# v1: the rules of sourcecheck 0.1.0


def _decide_v1(
    item: ClaimEvidence,
    th: Thresholds,
    documents: Mapping[str, Document],
    embedder: Embedder,
    max_evidence: int,
) -> Verdict:
    claim = item.claim
    cands = list(item.candidates)
    if not cands:
        check, note = no_support_citation(item.cited)
        return Verdict(
            claim=claim,
            label="not_found",
            score=0.0,
            citation_check=check,
            citation_note=note,
            reason="The sources have no text to compare with.",
        )
    order = sorted(range(len(cands)), key=lambda i: -cands[i].support)
    best = order[0]
    support = cands[best].support
    # The cited place keeps the lead when it holds support within CITED_MARGIN of the best
    # found anywhere: the report then shows the passage the author pointed at.
    cited_order = [i for i in order if cands[i].retrieval == "cited"]
    if cited_order and cands[cited_order[0]].support >= support - CITED_MARGIN:
        order.remove(cited_order[0])
        order.insert(0, cited_order[0])
    sources = list(documents.values())
    nearby = [cands[i].passage for i in order[:3]]
    quotes = [check_quote(q, sources, nearby, embedder) for q in claim.quotes]
    # A quotation found word for word at the cited place: that passage leads.
    for i in cited_order:
        if holds_found_quote(cands[i].passage, quotes):
            order.remove(i)
            order.insert(0, i)
            break
    lead = order[0]
    best_passage = cands[lead].passage
    top_passages = [cands[i].passage for i in order[:3]]
    numbers = check_numbers(claim.numbers, top_passages, dict(documents))
    polarity = best_sentence(
        item.text,
        claim.language,
        [cands[i].passage for i in order[:5]],
        dict(documents),
        embedder,
    )

    contra_i = max(range(len(cands)), key=lambda i: cands[i].contradiction)
    contradiction = max(0.0, cands[contra_i].contradiction)
    differs = [n for n in numbers if n.status == "differs"]
    topical = support >= th.partial or cands[lead].dense >= TOPICAL_DENSE

    label: VerdictLabel
    anchor = lead
    if differs and topical:
        label = "contradicted"
        reason = (
            "The source gives a different number: "
            + "; ".join(number_place(n) for n in differs)
            + ", not "
            + ", ".join(n.text for n in differs)
            + "."
        )
    elif polarity is not None and polarity.conflict:
        label = "contradicted"
        anchor = _holding(cands, polarity.source, polarity.start, order)
        reason = (
            f'The source says the opposite: "{polarity.text}" '
            f"({describe_place(cands[anchor].passage)})."
        )
    elif (
        contradiction >= th.contradiction
        and contradiction > support
        and support < th.partial
        and cands[contra_i].dense >= TOPICAL_DENSE
    ):
        label = "contradicted"
        anchor = contra_i
        reason = (
            f"{describe_place(cands[contra_i].passage)} says otherwise "
            f"(contradiction {contradiction:.2f})."
        )
    elif support >= th.support:
        problems = partial_problems(quotes, numbers)
        if problems:
            label = "partially_supported"
            reason = f"Supported by {describe_place(best_passage)}, but {problems}."
        else:
            label = "supported"
            reason = f"Supported by {describe_place(best_passage)} (score {support:.2f})."
    elif support >= th.partial:
        label = "partially_supported"
        problems = partial_problems(quotes, numbers)
        reason = (
            f"Only partly supported by {describe_place(best_passage)} "
            f"(score {support:.2f})" + (f"; {problems}" if problems else "") + "."
        )
    else:
        label = "not_found"
        reason = f"No passage in the sources supports this claim (best score {support:.2f})."
        problems = partial_problems(quotes, [])
        if problems:
            reason = reason[:-1] + f"; {problems}."

    evidence_order = [anchor] + [i for i in order if i != anchor]
    evidence = tuple(evidence_of(cands[i], documents) for i in evidence_order[:max_evidence])

    if label == "not_found":
        citation_check, note = no_support_citation(item.cited)
    else:
        citation_check, note = _citation_check_v1(item.cited, cands, anchor, label, quotes)
    return Verdict(
        claim=claim,
        label=label,
        score=round(float(support), 4),
        citation_check=citation_check,
        citation_note=note,
        reason=reason,
        evidence=evidence if label != "not_found" else evidence[:1],
        quotes=tuple(quotes),
        numbers=tuple(numbers),
    )


def holds_found_quote(passage: Passage, quotes: Sequence[QuoteResult]) -> bool:
    """Whether one of ``quotes`` was found word for word inside ``passage``."""
    return any(
        q.status in ("verbatim", "normalised")
        and q.source == passage.doc_id
        and q.start is not None
        and passage.start <= q.start < passage.end
        for q in quotes
    )


def number_place(n: NumberResult) -> str:
    return f"{n.source_text} (p. {n.page})" if n.page else f"{n.source_text}"


def _holding(cands: Sequence[ScoredPassage], doc_id: str, offset: int, order: list[int]) -> int:
    """The candidate (in ``order``) whose passage holds ``offset`` of ``doc_id``."""
    for i in order:
        p = cands[i].passage
        if p.doc_id == doc_id and p.start <= offset < p.end:
            return i
    return order[0]


def partial_problems(quotes: Sequence[QuoteResult], numbers: Sequence[NumberResult]) -> str:
    problems = []
    for q in quotes:
        if q.status == "absent":
            near = f' (nearest wording: "{q.source_text}")' if q.source_text else ""
            problems.append(f'the quoted "{q.text}" is not in the source{near}')
        elif q.status == "near":
            problems.append(f'the source words the quote as "{q.source_text}"')
    for n in numbers:
        if n.status == "absent" and n.text:
            problems.append(f"the number {n.text} is not in the evidence")
    return "; ".join(problems)


def evidence_of(cand: ScoredPassage, documents: Mapping[str, Document]) -> Evidence:
    p = cand.passage
    return Evidence(
        source=p.doc_id,
        start=p.start,
        end=p.end,
        text=p.text,
        score=round(float(cand.support), 4),
        locator=p.locator,
        retrieval="cited" if cand.retrieval == "cited" else "search",
        language=documents[p.doc_id].language,
    )


def no_support_citation(cited: CitedPlace | None) -> tuple[CitationCheck, str | None]:
    if cited is None:
        return "none", None
    if not cited.resolved:
        return "unresolved", cited.description
    return "wrong_location", f"nothing at {cited.description} supports the claim, nor elsewhere"


def _citation_check_v1(
    cited: CitedPlace | None,
    cands: Sequence[ScoredPassage],
    anchor: int,
    label: VerdictLabel,
    quotes: Sequence[QuoteResult] = (),
) -> tuple[CitationCheck, str | None]:
    if cited is None:
        return "none", None
    if not cited.resolved:
        return "unresolved", cited.description
    if cands[anchor].retrieval == "cited":
        return "confirmed", None
    # A quotation found word for word at the cited place confirms the citation.
    if any(holds_found_quote(p, quotes) for p in cited.passages):
        return "confirmed", None

    def strength(i: int) -> float:
        c = cands[i]
        if label == "contradicted" and c.score.contradiction is not None:
            return max(c.support, c.score.contradiction)
        return c.support

    in_place = [i for i, c in enumerate(cands) if c.retrieval == "cited"]
    best_cited = max((strength(i) for i in in_place), default=0.0)
    if best_cited >= strength(anchor) - CITED_MARGIN:
        return "confirmed", None
    where = describe_place(cands[anchor].passage)
    return "wrong_location", f"the support is at {where}, not at {cited.description}"
