"""The decision (``sourcecheck.verdict``), table-driven over typed records: each row gives
the candidates' scores and where they sit, and the verdict, citation check, leading
evidence and confidence expected. The scorer's own probabilities are read here (no
judge), so each row states exactly what the decision sees; the judge is tested on its own
below."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from sourcecheck.config import Options
from sourcecheck.judge import FEATURES, default_judge, features, judge
from sourcecheck.model import Citation, Claim, Document, Locator, Passage
from sourcecheck.numbers import find_numbers
from sourcecheck.pipeline import resolve_thresholds
from sourcecheck.retrieve import CitedPlace
from sourcecheck.score import PairScore, Scorer
from sourcecheck.verdict import ClaimEvidence, ScoredPassage, Thresholds, decide
from tests.conftest import make_document

DOC = make_document(
    "rapport",
    [
        ["Av kommunens 52 broar behöver 14 repareras inom två år.", "Broarna är gamla."],
        ["Storåbron har inte stängts för trafik.", "Kostnaden var 3,8 miljoner kronor."],
        ["Föräldrarna klagar snarare på lärarbristen än på lokalerna."],
    ],
    sections=[["2.1", "2.1"], ["3.4", "3.4"], ["4", None]],
)
DOCS = {DOC.id: DOC}
TH = Thresholds(support=0.5, partial=0.3, contradiction=0.5)


def _passage(doc: Document, k: int) -> Passage:
    """The k-th paragraph block of ``doc`` as a passage."""
    b = doc.blocks[k]
    page = doc.page_at(b.start)
    loc = Locator(
        page=page.label if page else None,
        page_index=page.index if page else None,
        section=b.section,
        paragraph=b.paragraph_in_page,
        section_paragraph=b.paragraph_in_section,
    )
    return Passage(doc.id, b.start, b.end, doc.text[b.start : b.end], loc)


P = [_passage(DOC, k) for k in range(len(DOC.blocks))]


class _NoEmbedder:
    """The decision embeds nothing when the claim quotes nothing."""

    def queries(self, texts: Any) -> Any:  # pragma: no cover - must not be called
        raise AssertionError("the decision embedded a query")

    passages = queries


@dataclass(frozen=True)
class Row:
    name: str
    # (passage index, retrieval, support, contradiction)
    candidates: tuple[tuple[int, str, float, float], ...]
    label: str
    lead: int | None  # passage index of the first evidence item
    citation: str = "none"
    cited: CitedPlace | None = None
    text: str = "Fourteen of the 52 bridges need repairs."


def _cited(*ks: int, disagree: bool = False) -> CitedPlace:
    return CitedPlace(tuple(ks), True, "p. 1", tuple(P[k] for k in ks), disagree=disagree)


ROWS = [
    Row("support at the cited place", ((0, "cited", 0.92, 0.02),), "supported", 0, "confirmed",
        _cited(0)),
    Row("support elsewhere than cited", ((1, "cited", 0.05, 0.03), (0, "search", 0.9, 0.02)),
        "supported", 0, "wrong_location", _cited(1)),
    Row("support found by search inside the cited place: the citation holds",
        ((0, "search", 0.9, 0.02), (1, "cited", 0.3, 0.02)), "supported", 0, "confirmed",
        _cited(0, 1)),
    Row("the cited place close to the best keeps the lead",
        ((0, "search", 0.9, 0.02), (1, "cited", 0.85, 0.02)), "supported", 1, "confirmed",
        _cited(1)),
    Row("a contradiction leads its verdict and its evidence",
        ((0, "search", 0.2, 0.05), (2, "search", 0.05, 0.88)), "contradicted", 2),
    Row("support beside a contradiction below its threshold",
        ((0, "search", 0.8, 0.02), (2, "search", 0.05, 0.45)), "supported", 0),
    Row("strong support and strong contradiction: a conflict shown, not a guess",
        ((0, "search", 0.8, 0.02), (2, "search", 0.05, 0.7)), "partially_supported", 0),
    Row("a contradiction away from the passages most about the claim does not count",
        ((0, "search", 0.9, 0.02), (1, "search", 0.85, 0.05), (2, "search", 0.05, 0.6)),
        "supported", 0),
    Row("on the subject but unsure: partial, never a guess",
        ((0, "search", 0.4, 0.1),), "partially_supported", 0),
    Row("silent sources", ((1, "search", 0.05, 0.05), (3, "search", 0.02, 0.1)), "not_found",
        1),
    Row("silent sources, cited place exists", ((1, "cited", 0.05, 0.05),), "not_found", 1,
        "wrong_location", _cited(1)),
    Row("the cited place speaks to the claim without settling it: the right place",
        ((1, "cited", 0.2, 0.25), (0, "search", 0.1, 0.05)), "not_found", 1, "confirmed",
        _cited(1)),
    Row("another place speaks to the claim, the cited one does not",
        ((1, "cited", 0.02, 0.02), (0, "search", 0.2, 0.25)), "not_found", 0,
        "wrong_location", _cited(1)),
    Row("the cited place exists nowhere", ((0, "search", 0.9, 0.02),), "supported", 0,
        "unresolved", CitedPlace((), False, "p. 12 does not exist in the source")),
    Row("page and section that do not coincide",
        ((0, "cited", 0.9, 0.02), (2, "cited", 0.05, 0.02)), "supported", 0, "wrong_location",
        _cited(0, 2, disagree=True)),
    Row("a negation word on one side does not decide alone",
        ((2, "search", 0.9, 0.03),), "supported", 2,
        text="The Storå bridge has remained open to traffic."),
]  # fmt: skip


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_decision_table(row: Row) -> None:
    claim = Claim("c1", row.text, 0, len(row.text), language="en")
    if row.cited is not None and row.cited.disagree:
        claim = replace(claim, citations=(Citation("(p. 2, § 2.1)", 0, 5, "page", "2", None,
                                                   "2.1"),))  # fmt: skip
    cands = tuple(
        ScoredPassage(P[k], None, r, 0.9, 1.0, PairScore(s, c))  # type: ignore[arg-type]
        for k, r, s, c in row.candidates
    )
    item = ClaimEvidence(claim, row.text, cands, row.cited)
    v = decide(item, TH, DOCS, _NoEmbedder(), version="v2")  # type: ignore[arg-type]
    assert v.label == row.label
    assert v.citation_check == row.citation
    if row.lead is not None:
        assert (v.evidence[0].start, v.evidence[0].end) == (P[row.lead].start, P[row.lead].end)
        assert DOC.text[v.evidence[0].start : v.evidence[0].end] == v.evidence[0].text
    assert v.confidence is not None and 0.0 <= v.confidence <= 1.0
    if row.label == "not_found":
        assert len(v.evidence) == 1
    if row.cited is not None and row.cited.disagree:
        assert "§ 2.1" in (v.citation_note or "") and "p. 2" in (v.citation_note or "")


def test_no_candidates_is_not_found() -> None:
    claim = Claim("c1", "Anything.", 0, 9, language="en")
    v = decide(ClaimEvidence(claim, "Anything.", (), None), TH, DOCS, _NoEmbedder(),  # type: ignore[arg-type]
               version="v2")  # fmt: skip
    assert v.label == "not_found" and v.evidence == ()


def test_v1_kept_for_comparison_lets_a_number_decide() -> None:
    text = "Of the 52 bridges, 16 need repairs within two years."
    claim = Claim("c1", text, 0, len(text), language="en", numbers=tuple(find_numbers(text, "en")))
    cands = (ScoredPassage(P[0], "sv", "search", 0.95, 2.0, PairScore(0.2, 0.1)),)
    from sourcecheck.embed import default_embedder

    v = decide(ClaimEvidence(claim, text, cands, None), TH, DOCS, default_embedder(),
               version="v1")  # fmt: skip
    assert v.label == "contradicted" and v.confidence is None


# --------------------------------------------------------------------------------------
# Thresholds are resolved once, in one order


class _Fixed(Scorer):
    name = "test.fixed.v1"
    model_id = "fixed"
    support_threshold = 0.7
    partial_threshold = 0.2
    contradiction_threshold = 0.6

    def score_batch(self, pairs: Any) -> list[PairScore]:  # pragma: no cover
        return []


def test_thresholds_options_then_judge_then_scorer() -> None:
    scorer = _Fixed()
    assert resolve_thresholds(Options(), scorer, None) == Thresholds(0.7, 0.2, 0.6)
    judge_model = default_judge()
    th = resolve_thresholds(Options(), scorer, judge_model)
    assert th.support == judge_model.thresholds["supports"]
    assert th.contradiction == judge_model.thresholds["contradicts"]
    th = resolve_thresholds(Options(support_threshold=0.9), scorer, judge_model)
    assert th.support == 0.9 and th.partial == judge_model.thresholds["unsure"]


# --------------------------------------------------------------------------------------
# The judge


def _judged(claim: str, k: int, support: float, contradiction: float, dense: float) -> Any:
    return judge(
        default_judge(),
        claim,
        "en",
        find_numbers(claim, "en"),
        [(P[k], support, contradiction, dense)],
        DOCS,
    )[0]


def test_judge_features_in_order_and_probabilities_sum_to_one() -> None:
    claim = "Of the 52 bridges, 14 need repairs within two years."
    vec, checks = features(claim, "en", find_numbers(claim, "en"), P[0], DOCS, 0.5, 0.1, 0.9)
    assert len(vec) == len(FEATURES)
    assert {n.status for n in checks.numbers} == {"matches"}
    j = _judged(claim, 0, 0.5, 0.1, 0.9)
    assert j.supports + j.contradicts + j.neither == pytest.approx(1.0)


def test_judge_a_changed_number_on_the_same_passage_moves_toward_contradiction() -> None:
    right = _judged("Of the 52 bridges, 14 need repairs within two years.", 0, 0.4, 0.2, 0.9)
    wrong = _judged("Of the 52 bridges, 34 need repairs within two years.", 0, 0.4, 0.2, 0.9)
    assert wrong.contradicts > right.contradicts
    assert wrong.supports < right.supports


def test_judge_a_far_passage_is_neither() -> None:
    j = _judged("The mayor opened a new library in the harbour district.", 3, 0.01, 0.02, 0.75)
    assert j.neither > max(j.supports, j.contradicts)


def test_judge_only_reads_the_scorer_it_was_trained_on() -> None:
    from sourcecheck.pipeline import judge_for

    assert judge_for(_Fixed()) is None


@pytest.mark.parametrize(
    ("claim", "passage", "matches", "conflicts"),
    [
        ("The match is on Friday.", "Matchen spelas i fredags.", ("weekday",), ()),
        ("The match is on Friday.", "Das Spiel ist am Donnerstagabend.", (), ("weekday",)),
        ("Filming starts in December.", "Le tournage commence en novembre.", (), ("month",)),
        ("Filming starts in December.", "Kuvaukset alkavat joulukuussa.", ("month",), ()),
        ("The bridge reopened.", "Bron öppnade i november.", (), ()),
        ("Prices may rise in March.", "Les prix montent en mars.", ("month",), ()),
        ("Troops marched on the capital.", "Trupperna tågade mot huvudstaden i mars.", (), ()),
        # seasons, in any served language; words that also mean something else are not
        (
            "A follow-up session is planned for autumn 2026.",
            "Une séance de suivi est prévue au printemps 2026.",
            (),
            ("season",),
        ),
        ("The lake froze in winter.", "Sjön frös till under vintern.", ("season",), ()),
        ("Visits rose in the spring.", "Besöken ökade i vår region.", (), ()),
        ("The plan has been delayed.", "Le plan a été retardé cet été-là.", (), ()),
        ("The Arab Spring began in Tunisia.", "Der Arabische Frühling begann in Tunesien.", (), ()),
        ("Der Umbau soll im Herbst beginnen.", "Remonttia alettiin syksyllä.", ("season",), ()),
    ],
)
def test_calendar_words_compared_as_values(
    claim: str, passage: str, matches: tuple[str, ...], conflicts: tuple[str, ...]
) -> None:
    from sourcecheck.judge import calendar_agreement

    assert calendar_agreement(claim, passage) == (matches, conflicts)


def test_a_month_named_otherwise_on_the_passage_about_the_claim_contradicts() -> None:
    doc = make_document(
        "news",
        [["Från november kommer Kit att spela i en nyuppsättning av True West i London."]],
    )
    text = "From December Kit will star in a revival of True West in London."
    claim = Claim("c1", text, 0, len(text), language="en")
    cand = ScoredPassage(_passage(doc, 0), "sv", "search", 0.9, 3.0, PairScore(0.6, 0.1))
    from sourcecheck.pipeline import judge_for, resolve_thresholds
    from sourcecheck.score.registry import shared_scorer

    judge_model = judge_for(shared_scorer("verifier"))
    assert judge_model is not None
    th = resolve_thresholds(Options(), shared_scorer("verifier"), judge_model)
    v = decide(ClaimEvidence(claim, text, (cand,), None), th, {doc.id: doc}, _NoEmbedder(),  # type: ignore[arg-type]
               judge_model=judge_model)  # fmt: skip
    assert v.label == "contradicted"
    assert "month" in v.reason


def test_a_quote_in_translation_does_not_count_against_the_claim() -> None:
    """An English article quoting the Swedish report in translation: the quote cannot be
    found word for word, the verdict rests on the verifier's reading, and the reason shows
    the source's own wording. A quote missing from a source in the claim's own language
    still makes the claim partial."""
    from sourcecheck.embed import default_embedder
    from sourcecheck.model import Quote

    text = 'The report says 14 bridges "need repairs within two years".'
    q0 = text.index('"') + 1
    quote = Quote("need repairs within two years", q0, q0 + 29)
    claim = Claim("c1", text, 0, len(text), language="en", quotes=(quote,))
    cands = (ScoredPassage(P[0], None, "search", 0.9, 1.0, PairScore(0.92, 0.02)),)  # type: ignore[arg-type]
    item = ClaimEvidence(claim, text, cands, None)
    v = decide(item, TH, DOCS, default_embedder(), version="v2")
    assert v.label == "supported"
    assert v.quotes[0].status == "translated"
    assert "repareras" in (v.quotes[0].source_text or "")
    assert "in translation" in v.reason

    english = make_document(
        "report",
        [["Of the 52 bridges, 14 are in poor condition; work is due by 2027."]],
        language="en",
    )
    p = _passage(english, 0)
    cands = (ScoredPassage(p, None, "search", 0.9, 1.0, PairScore(0.92, 0.02)),)  # type: ignore[arg-type]
    v = decide(
        ClaimEvidence(claim, text, cands, None),
        TH,
        {english.id: english},
        default_embedder(),
        version="v2",
    )
    assert v.quotes[0].status == "absent"
    assert v.label == "partially_supported"


def test_coverage_tells_silent_sources_from_unsettled_ones() -> None:
    """Not found has two readings: the sources do not discuss the claim (not checkable
    here), or a passage speaks to it without settling it (the reason names it)."""

    def verdict(*candidates: tuple[int, float, float]) -> Any:
        text = "Fourteen of the 52 bridges need repairs."
        claim = Claim("c1", text, 0, len(text), language="en")
        cands = tuple(
            ScoredPassage(P[k], None, "search", 0.9, 1.0, PairScore(s, c))  # type: ignore[arg-type]
            for k, s, c in candidates
        )
        return decide(ClaimEvidence(claim, text, cands, None), TH, DOCS, _NoEmbedder(),
                      version="v2")  # type: ignore[arg-type]  # fmt: skip

    silent = verdict((1, 0.05, 0.05), (3, 0.02, 0.1))
    assert silent.label == "not_found"
    assert silent.coverage == pytest.approx(0.12)
    assert "do not discuss it" in silent.reason
    unsettled = verdict((0, 0.25, 0.2), (3, 0.02, 0.05))
    assert unsettled.label == "not_found"
    assert unsettled.coverage == pytest.approx(0.45)
    assert "speaks to this" in unsettled.reason and "p. 1" in unsettled.reason
    assert verdict((0, 0.92, 0.02)).coverage == pytest.approx(0.94)


@pytest.mark.parametrize(
    ("language", "claim", "passage", "label"),
    [
        # German capitalises every noun: "Patienten", "Krankenhaus" are not names the
        # evidence must repeat.
        ("de", "Alle 22 Patienten, die im Krankenhaus behandelt wurden, waren über 75 Jahre alt.",
         "22 Erkrankte mussten stationär behandelt werden, alle waren älter als 75 Jahre.",
         "supported"),
        # In English a capital inside the sentence is a name: support for a sentence about
        # someone else is not support.
        ("en", "The audit was led by Karin Lindqvist of the regional office.",
         "The audit was led by the head of the regional office.", "partially_supported"),
        ("sv", "Revisionen leddes av Karin Lindqvist vid regionkontoret.",
         "Revisionen leddes av chefen för regionkontoret.", "partially_supported"),
    ],
)  # fmt: skip
def test_names_the_evidence_must_hold_follow_the_languages_spelling(
    language: str, claim: str, passage: str, label: str
) -> None:
    doc = make_document("src", [[passage]], language=language)
    p = _passage(doc, 0)
    c = Claim("c1", claim, 0, len(claim), language=language)
    cand = ScoredPassage(p, language, "search", 0.9, 1.0, PairScore(0.9, 0.02))
    v = decide(
        ClaimEvidence(c, claim, (cand,), None), TH, {doc.id: doc}, _NoEmbedder(), version="v2"
    )  # type: ignore[arg-type]
    assert v.label == label, v.reason
