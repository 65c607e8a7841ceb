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
from dataclasses import dataclass, replace
from typing import Literal

from sourcecheck.checks.numbers import check_numbers
from sourcecheck.checks.polarity import best_sentence
from sourcecheck.checks.quotes import check_quote
from sourcecheck.embed import Embedder
from sourcecheck.judge import Judgement, JudgeModel, judge, names, shares_name
from sourcecheck.model import (
    CitationCheck,
    Claim,
    Document,
    Evidence,
    NumberMention,
    NumberResult,
    PartResult,
    Passage,
    QuoteResult,
    Verdict,
    VerdictLabel,
)
from sourcecheck.numbers import changes, find_numbers, numbers_equal
from sourcecheck.retrieve import CitedPlace, in_section, same_place
from sourcecheck.score import PairScore

#: Within this much of the best support, the cited place still counts as holding it.
CITED_MARGIN = 0.1

#: Dense cosine (e5 query vs passage) above which a passage is on the claim's topic even
#: when the verifier scores it low (a claim with a wrong number is still about it).
TOPICAL_DENSE = 0.86

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
    #: A claim that packs several statements: one record per statement, each with the
    #: same candidates scored against that statement alone.
    parts: tuple[ClaimEvidence, ...] = ()


def describe_place(passage: Passage | Evidence) -> str:
    """``"report, p. 12, § 3.4"``: the document and its page and section, for a reason."""
    where = passage.locator.parts(paragraph=False, file_page=False)
    return ", ".join([passage.doc_id if isinstance(passage, Passage) else passage.source, *where])


def decide(
    item: ClaimEvidence,
    th: Thresholds,
    documents: Mapping[str, Document],
    embedder: Embedder,
    *,
    max_evidence: int = 3,
    version: str = "v2",
    judge_model: JudgeModel | None = None,
) -> Verdict:
    """The verdict for one claim under the rule set ``version``. ``judge_model`` (v2):
    the judge that reads the scorer's outputs; None when the scorer is not the one the
    judge was trained on, and its own probabilities are read as they are."""
    if not item.candidates:
        check, note = no_support_citation(item.cited)
        return Verdict(
            claim=item.claim,
            label="not_found",
            score=0.0,
            citation_check=check,
            citation_note=note,
            reason="The sources have no text to compare with.",
        )
    if version == "v1":
        return _decide_v1(item, th, documents, embedder, max_evidence)
    return _decide_v2(item, th, documents, embedder, max_evidence, judge_model)


# --------------------------------------------------------------------------------------
# v2: the evidence decides


def judgements(
    item: ClaimEvidence, documents: Mapping[str, Document], judge_model: JudgeModel | None
) -> list[Judgement]:
    """P(supports), P(contradicts), P(neither) for each candidate: the judge's where it
    reads this scorer, else the scorer's own (neither = the rest)."""
    if judge_model is None:
        out = []
        for c in item.candidates:
            con = max(0.0, c.contradiction)
            sup = min(c.support, 1.0 - con)
            out.append(Judgement(supports=sup, contradicts=con, neither=1.0 - sup - con))
        return out
    return judge(
        judge_model,
        item.text,
        item.claim.language,
        find_numbers(item.text, item.claim.language),
        [(c.passage, c.support, c.score.contradiction, c.dense) for c in item.candidates],
        documents,
    )


def _decide_v2(
    item: ClaimEvidence,
    th: Thresholds,
    documents: Mapping[str, Document],
    embedder: Embedder,
    max_evidence: int,
    judge_model: JudgeModel | None,
) -> Verdict:
    claim = item.claim
    cands = list(item.candidates)
    js = judgements(item, documents, judge_model)
    by_sup, by_con = _orders(js)
    ps, pc = js[by_sup[0]].supports, js[by_con[0]].contradicts
    coverage = max(1.0 - j.neither for j in js)

    sources = list(documents.values())
    nearby = [cands[i].passage for i in by_sup[:3]]
    quotes = [check_quote(q, sources, nearby, embedder, claim.language) for q in claim.quotes]
    numbers = check_numbers(claim.numbers, nearby, dict(documents))

    label, confidence = _label(ps, pc, th)
    # An unsure verdict leans one way or the other: its evidence leads with that side.
    leans_against = label == "partially_supported" and pc > ps
    order = by_con if label == "contradicted" or leans_against else by_sup

    # Numbers and dates are compared as values with their units: where a passage that
    # speaks to the claim states another value of the same kind, and no passage near the
    # top states the claim's own, the source says otherwise.
    # The passages read for this: the one most about the claim where the judge leans to
    # a contradiction, and the best-supporting one where it leans to support (a passage
    # that would support the claim but for its number says otherwise).
    differs: list[NumberResult] = []
    calendar: list[str] = []
    reversed_change: tuple[NumberMention, NumberMention] | None = None
    focus = min(range(len(cands)), key=lambda i: js[i].neither)
    claim_changes = changes(item.text, claim.language)
    for i in dict.fromkeys([focus, by_sup[0]]):
        if js[i].contradicts >= th.partial or (i == by_sup[0] and ps >= th.partial):
            differs = value_conflicts(js, i, by_sup[:3])
            calendar = calendar_conflicts(js, i, by_sup[:3])
            reversed_change = _reversed_change(claim_changes, cands[i], documents)
            if differs or calendar or reversed_change:
                focus = i
                break
    if (differs or calendar or reversed_change) and label != "contradicted":
        label, confidence = "contradicted", 1.0 - js[focus].neither
        order = [focus] + [i for i in by_sup if i != focus]

    # A claim that packs several statements holds only as far as each of them does.
    parts: list[PartResult] = []
    part_note = ""
    if item.parts:
        part_js = [judgements(part, documents, judge_model) for part in item.parts]
        for part, pjs in zip(item.parts, part_js, strict=True):
            parts.append(_part_result(part, pjs, th, documents))
        failing = [k for k, p in enumerate(parts) if p.label != "supported"]
        against = [k for k, p in enumerate(parts) if p.label == "contradicted"]
        if against and label != "contradicted":
            # The part the source contradicts decides, with its passage as evidence.
            k = max(against, key=lambda k: parts[k].confidence)
            # a part may read a subset of the claim's candidates (Options.part_k)
            cands, js = list(item.parts[k].candidates), part_js[k]
            by_con = _orders(js)[1]
            label, order, confidence = "contradicted", by_con, parts[k].confidence
            pc = parts[k].confidence
        elif failing and label == "supported":
            label = "partially_supported"
        elif label in ("not_found", "partially_supported") and len(failing) < len(parts):
            label, confidence = "partially_supported", max(p.confidence for p in parts)
        if failing:
            part_note = (
                " Part by part: "
                + "; ".join(
                    f'"{p.text.rstrip(".")}": {_PART_WORDS[p.label]}'
                    + (f" ({describe_place(p.evidence)})" if p.evidence else "")
                    for p in parts
                )
                + "."
            )

    # A quote the evidence holds only in another language stands in translation where
    # the source is read as saying what the claim says; where it is not (nothing found,
    # or the source says otherwise) the source has no wording for it: absent.
    if label in ("not_found", "contradicted"):
        quotes = [replace(q, status="absent") if q.status == "translated" else q for q in quotes]

    def strength(i: int) -> float:
        return js[i].contradicts if label == "contradicted" else js[i].supports

    # The cited place leads when it holds the verdict's evidence about as well as the best
    # passage found anywhere, or holds a quotation word for word: the report then shows the
    # passage the author pointed at.
    cited = [i for i in order if cands[i].retrieval == "cited"]
    anchor = order[0]
    if cited and strength(cited[0]) >= strength(anchor) - CITED_MARGIN:
        anchor = cited[0]
    for i in cited:
        if holds_found_quote(cands[i].passage, quotes):
            anchor = i
            break
    place = describe_place(cands[anchor].passage)
    if label == "contradicted":
        differs = differs or [n for n in js[anchor].numbers if n.status == "differs"]
        said = f'"{_sentence_of(cands[anchor].passage)}" ({place})'
        if reversed_change and not differs:
            a, b = reversed_change
            reason = (
                f"The source gives the change the other way round: {said} goes from {a.text} "
                f"to {b.text} (contradicts {pc:.2f})."
            )
        elif differs:
            reason = (
                f"The source gives a different number: {said} has "
                + ", ".join(f"{n.source_text} where the claim has {n.text}" for n in differs)
                + f" (contradicts {pc:.2f})."
            )
        elif calendar:
            reason = (
                f"The source names another {' and '.join(calendar)}: {said} (contradicts {pc:.2f})."
            )
        else:
            reason = f"The source says otherwise: {said} (contradicts {pc:.2f})."
    elif label == "supported":
        problems = partial_problems(quotes, numbers)
        missing = missing_names(
            item.text,
            [
                cands[i].passage
                for i in order[:3]
                if cands[i].language is None or cands[i].language == claim.language
            ],
            claim.language,
        )
        if missing:
            problems = "; ".join(
                [*([problems] if problems else []), f"{', '.join(missing)} is not in the evidence"]
            )
        if problems:
            label = "partially_supported"
            reason = f"Supported by {place} (supports {ps:.2f}), but {problems}."
        else:
            reason = f"Supported by {place} (supports {ps:.2f})."
    elif label == "partially_supported":
        problems = partial_problems(quotes, numbers)
        reason = (
            f"{place} is about this, but the evidence is not conclusive (supports {ps:.2f}, "
            f"contradicts {pc:.2f}): read it before relying on the claim"
            + (f"; {problems}" if problems else "")
            + "."
        )
    else:
        # Not found: a passage speaks to the claim without settling it, or none does.
        scores = f"supports {ps:.2f}, contradicts {pc:.2f}"
        if coverage >= th.partial:
            reason = (
                f"{place} speaks to this but neither supports nor contradicts it clearly "
                f"({scores}): read it before relying on the claim"
            )
        else:
            reason = (
                "No passage in the sources supports or contradicts this claim "
                f"(best: {scores}): the sources do not discuss it"
            )
        problems = partial_problems(quotes, [])
        reason += (f"; {problems}" if problems else "") + "."

    if label != "not_found":
        reason += translation_note(quotes)
    reason += part_note
    evidence_order = [anchor] + [i for i in order if i != anchor]
    evidence = tuple(evidence_of(cands[i], documents) for i in evidence_order[:max_evidence])
    if label == "not_found":
        about = [1.0 - j.neither for j in js]
        citation_check, note = _unsettled_citation(item, cands, about, coverage, th)
    else:
        citation_check, note = _citation_check_v2(
            item, cands, anchor, [strength(i) for i in range(len(cands))], quotes
        )
    return Verdict(
        claim=claim,
        label=label,
        score=round(float(ps), 4),
        citation_check=citation_check,
        citation_note=note,
        reason=reason,
        evidence=evidence if label != "not_found" else evidence[:1],
        quotes=tuple(quotes),
        numbers=tuple(numbers),
        confidence=round(float(confidence), 4),
        coverage=round(float(coverage), 4),
        parts=tuple(parts),
    )


_PART_WORDS = {
    "supported": "supported",
    "partially_supported": "not conclusive",
    "contradicted": "the source says otherwise",
    "not_found": "not in the sources",
}


#: How many of the passages most about the claim (lowest P(neither)) may contradict it.
FOCUS = 2


def _orders(js: Sequence[Judgement]) -> tuple[list[int], list[int]]:
    """Candidates by support, best first; and the candidates that may contradict, most
    contradicting first: only the ``FOCUS`` passages most about the claim. A passage on
    another matter of the same report may disagree with the claim's words without
    saying anything about what the claim states."""
    idx = range(len(js))
    by_sup = sorted(idx, key=lambda i: -js[i].supports)
    # A passage that gives other numbers than the claim, where a passage supporting the
    # claim better gives the claim's own, is about something else ("21 bridges in class
    # 2" beside "14 of 52 bridges"): it is no contradiction.
    stated = {x.text for i in idx for x in js[i].numbers if x.status == "matches"}
    other_numbers = {
        i
        for i in idx
        if any(x.status == "differs" and x.text in stated for x in js[i].numbers)
        and not any(x.status == "matches" for x in js[i].numbers)
        and js[i].supports < js[by_sup[0]].supports
    }
    focus = sorted((i for i in idx if i not in other_numbers), key=lambda i: js[i].neither)
    by_con = sorted(focus[:FOCUS], key=lambda i: -js[i].contradicts)
    return by_sup, by_con + [i for i in by_sup if i not in by_con]


def _label(ps: float, pc: float, th: Thresholds) -> tuple[VerdictLabel, float]:
    """The label for the best support ``ps`` and the best contradiction ``pc`` of the
    passages about the claim, and its confidence: the probability of that label (for a
    partial verdict, of support; for not_found, that no passage supports or contradicts).
    Strong support and strong contradiction together are a conflict the reader must
    see, never a guess either way: partially supported."""
    if pc >= th.contradiction and ps >= th.support:
        return "partially_supported", ps
    if pc >= th.contradiction and pc > ps:
        return "contradicted", pc
    if ps >= th.support:
        return "supported", ps
    if max(ps, pc) >= th.partial:
        return "partially_supported", ps
    return "not_found", 1.0 - max(ps, pc)


def _part_result(
    part: ClaimEvidence,
    js: Sequence[Judgement],
    th: Thresholds,
    documents: Mapping[str, Document],
) -> PartResult:
    cands = part.candidates
    by_sup, by_con = _orders(js)
    best_sup, best_con = by_sup[0], by_con[0]
    label, confidence = _label(js[best_sup].supports, js[best_con].contradicts, th)
    lead = best_con if label == "contradicted" else best_sup
    return PartResult(
        text=part.text,
        label=label,
        confidence=round(float(confidence), 4),
        evidence=None if label == "not_found" else evidence_of(cands[lead], documents),
    )


def value_conflicts(
    js: Sequence[Judgement], focus: int, nearby: Sequence[int]
) -> list[NumberResult]:
    """The claim's numbers that passage ``focus`` states otherwise (same kind and unit,
    another value) where no passage of ``nearby`` states the claim's own value. The
    caller reads only passages the judge takes to speak to the claim: a number of another
    matter in a passage on the same subject is no contradiction."""
    found = {n.text for i in nearby for n in js[i].numbers if n.status == "matches"}
    return [n for n in js[focus].numbers if n.status == "differs" and n.text not in found]


def _reversed_change(
    claim_changes: Sequence[tuple[NumberMention, NumberMention]],
    cand: ScoredPassage,
    documents: Mapping[str, Document],
) -> tuple[NumberMention, NumberMention] | None:
    """The passage's change between the same two figures as one of the claim's, the other
    way round ("fell from 6.8 to 4.1 percent" against "steg från 4,1 till 6,8 procent"):
    the passage's (from, to); None where there is none."""
    if not claim_changes:
        return None
    passage_changes = changes(cand.passage.text, documents[cand.passage.doc_id].language)
    for x1, x2 in claim_changes:
        if numbers_equal(x1, x2):
            continue
        for y1, y2 in passage_changes:
            if numbers_equal(x1, y2) and numbers_equal(x2, y1):
                return y1, y2
    return None


def calendar_conflicts(js: Sequence[Judgement], focus: int, nearby: Sequence[int]) -> list[str]:
    """The kinds (month, weekday, season) that passage ``focus`` names otherwise than the claim,
    where no passage of ``nearby`` names the claim's."""
    agreed = {k for i in nearby for k in js[i].calendar_matches}
    return [k for k in js[focus].calendar_conflicts if k not in agreed]


def missing_names(
    claim: str, evidence: Sequence[Passage], language: str | None = None
) -> list[str]:
    """The names the claim gives (people, places, bodies) that none of ``evidence``
    contains: support for a sentence about someone else is not support. Only evidence in
    the claim's language is read for this (Vienna is Wien in German, ATM a bankomat in
    Swedish); across languages the judge weighs shared names as one signal among others.
    No evidence in the claim's language: nothing is missing."""
    if not evidence:
        return []
    return [
        x
        for x in dict.fromkeys(names(claim, language))
        if not any(shares_name(x, p.text) for p in evidence)
    ]


def _sentence_of(passage: Passage, limit: int = 240) -> str:
    text = " ".join(passage.text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _citation_check_v2(
    item: ClaimEvidence,
    cands: Sequence[ScoredPassage],
    anchor: int,
    strength: Sequence[float],
    quotes: Sequence[QuoteResult],
) -> tuple[CitationCheck, str | None]:
    cited = item.cited
    if cited is None:
        return "none", None
    if not cited.resolved:
        return "unresolved", cited.description
    if cited.disagree:
        # Page and section each exist but not together: say which part holds the evidence.
        return "wrong_location", _which_part(item.claim, cands[anchor].passage, cited)
    if at_cited_place(cands[anchor], cited):
        return "confirmed", None
    if any(holds_found_quote(p, quotes) for p in cited.passages):
        return "confirmed", None
    in_place = [i for i, c in enumerate(cands) if at_cited_place(c, cited)]
    best_cited = max((strength[i] for i in in_place), default=0.0)
    if best_cited >= strength[anchor] - CITED_MARGIN:
        return "confirmed", None
    where = describe_place(cands[anchor].passage)
    return "wrong_location", f"the evidence is at {where}, not at {cited.description}"


def at_cited_place(cand: ScoredPassage, cited: CitedPlace) -> bool:
    """Whether a candidate lies at the cited place: found there, or found by search at the
    same place as one of its passages (retrieval's :func:`same_place`: the window around
    the cited sentence is at the cited place, whichever route found it)."""
    if cand.retrieval == "cited":
        return True
    p = cand.passage
    return any(
        q.doc_id == p.doc_id and same_place((q.start, q.end), (p.start, p.end))
        for q in cited.passages
    )


def _unsettled_citation(
    item: ClaimEvidence,
    cands: Sequence[ScoredPassage],
    about: Sequence[float],
    coverage: float,
    th: Thresholds,
) -> tuple[CitationCheck, str | None]:
    """The citation check of a claim no passage settles. Where a passage speaks to the
    claim (``coverage``, the judge's probability that the passage most about the claim is
    about it, reaches the unsure level) and the cited place holds that passage, or one
    about as close, the citation points at the right place: the source discusses the
    claim there without settling it. Otherwise nothing at the cited place bears on it."""
    cited = item.cited
    if cited is not None and cited.resolved and not cited.disagree and coverage >= th.partial:
        at_place = [about[i] for i, c in enumerate(cands) if at_cited_place(c, cited)]
        if at_place and max(at_place) >= coverage - CITED_MARGIN:
            return "confirmed", f"{cited.description} speaks to the claim but does not settle it"
    return no_support_citation(cited)


def _which_part(claim: Claim, passage: Passage, cited: CitedPlace) -> str:
    loc = passage.locator
    held: list[str] = []
    missed: list[str] = []
    for cit in claim.citations:
        if cit.page:
            (held if loc.page == cit.page else missed).append(f"p. {cit.page}")
        if cit.section:
            ok = in_section(loc.section, cit.section)
            (held if ok else missed).append(f"§ {cit.section}")
    where = describe_place(passage)
    if held and missed:
        return (
            f"the cited {' and '.join(missed)} and {' and '.join(held)} do not coincide: "
            f"the evidence is at {where}, which matches {' and '.join(held)} only"
        )
    return f"{cited.description}: the evidence is at {where}"


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


def translation_note(quotes: Sequence[QuoteResult]) -> str:
    """`` The quote "…" is in translation; the source words it as “…”.`` for each quote
    the evidence holds only in another language."""
    return "".join(
        f' The quote "{q.text}" is in translation; the source words it as “{q.source_text}”.'
        for q in quotes
        if q.status == "translated" and q.source_text
    )


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
