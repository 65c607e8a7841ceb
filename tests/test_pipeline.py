"""The pipeline's decisions with a scripted scorer, and the offset round trip as a
property over generated documents."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcecheck.config import Options
from sourcecheck.load import load_text
from sourcecheck.model import Report
from sourcecheck.pipeline import check_documents
from sourcecheck.score import Pair, PairScore, Scorer
from tests.conftest import make_document


class ScriptedScorer(Scorer):
    """Support 0.95 where the passage holds the claim's marker word, contradiction 0.9
    where it holds the marker and a "not"; 0.05 otherwise."""

    name = "test.scripted.v1"
    model_id = "scripted"

    def __init__(self, rules: dict[str, str]) -> None:
        self.rules = rules  # claim substring -> passage marker

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        out = []
        for p in pairs:
            marker = next((m for k, m in self.rules.items() if k in p.claim), None)
            if marker and marker in p.passage and " inte " in p.passage:
                out.append(PairScore(0.05, 0.9))
            elif marker and marker in p.passage:
                out.append(PairScore(0.95, 0.02))
            else:
                out.append(PairScore(0.05, 0.05))
        return out


SOURCE = make_document(
    "rapport",
    [
        ["Inledning om kommunens broar och deras skick.", "Broarna inspekteras vart tredje år."],
        ["Kostnaderna för underhåll ökar varje år.", "Budgeten beslutas av fullmäktige."],
        ["Storåbron är inte avstängd för trafik.", "Ekbron är avstängd för trafik sedan mars."],
    ],
    sections=[["1", "1"], ["2", "2"], ["3.1", "3.2"]],
)


def _article(*sentences: str) -> str:
    return "\n\n".join(sentences) + "\n"


def _check(article_text: str, rules: dict[str, str]) -> Report:
    article = load_text(article_text, name="article.txt")
    return check_documents(article, [SOURCE], options=Options(), scorer=ScriptedScorer(rules))


def test_supported_where_cited_and_elsewhere() -> None:
    report = _check(
        _article(
            "The bridges are inspected on a regular cycle (page 1).",
            "The Ek bridge has been closed since March, the report says (page 2).",
            "The budget is set by the full council (section 9.9).",
            "Maintenance costs rise every year (page 12).",
        ),
        {
            "regular cycle": "vart tredje år",
            "Ek bridge": "Ekbron",
            "budget": "fullmäktige",
            "Maintenance": "ökar varje år",
        },
    )
    v1, v2, v3, v4 = report.verdicts
    assert (v1.label, v1.citation_check) == ("supported", "confirmed")
    assert v1.evidence[0].locator.page == "1" and v1.evidence[0].retrieval == "cited"
    assert (v2.label, v2.citation_check) == ("supported", "wrong_location")
    assert v2.evidence[0].locator.page == "3" and v2.evidence[0].locator.section == "3.2"
    assert v2.citation_note and "p. 3" in v2.citation_note and "p. 2" in v2.citation_note
    assert (v3.label, v3.citation_check) == ("supported", "unresolved")
    assert v3.citation_note and "9.9" in v3.citation_note
    assert (v4.label, v4.citation_check) == ("supported", "unresolved")


def test_contradicted_and_not_found() -> None:
    report = _check(
        _article(
            "The Storå bridge is closed to traffic (section 3.1).",
            "The report recommends a new tunnel under the river.",
        ),
        {"Storå": "Storåbron"},
    )
    contra, missing = report.verdicts
    assert contra.label == "contradicted"
    assert contra.citation_check == "confirmed"
    assert "Storåbron är inte avstängd" in contra.evidence[0].text
    assert missing.label == "not_found" and missing.citation_check == "none"
    assert missing.score < 0.5


ENGLISH_SOURCE = make_document(
    "report",
    [
        ["About the municipality's bridges.", "The bridges are inspected every three years."],
    ],
    language="en",
)


def test_absent_quote_makes_support_partial() -> None:
    article = load_text(
        _article('The report says the bridges are inspected "every single month" (page 1).'),
        name="article.txt",
    )
    scorer = ScriptedScorer({"inspected": "every three years"})
    report = check_documents(article, [ENGLISH_SOURCE], options=Options(), scorer=scorer)
    (v,) = report.verdicts
    assert v.label == "partially_supported"
    assert v.quotes[0].status == "absent"
    assert "every single month" in v.reason


def test_quote_in_translation_stands_or_falls_with_the_reading() -> None:
    """An English quote of a Swedish report cannot be found word for word: where the
    verifier reads the source as saying it, it is a translation (shown beside the source's
    own words); where nothing supports the claim, the source has no wording for it."""
    text = _article('The report says the bridges are inspected "every third year" (page 1).')
    (v,) = _check(text, {"inspected": "vart tredje år"}).verdicts
    assert v.label == "supported"
    assert v.quotes[0].status == "translated"
    assert v.quotes[0].source_text and v.quotes[0].source_text in SOURCE.text
    assert "in translation" in v.reason
    # (another wording: the process-wide score cache keeps the first call's scores)
    text = _article('The bridges are said to be inspected "every third year" (page 1).')
    (v,) = _check(text, {"said": "no such marker"}).verdicts
    assert v.label == "not_found"
    assert v.quotes[0].status == "absent"
    assert "every third year" in v.reason


def test_report_records_options_and_models() -> None:
    report = _check(_article("The bridges are inspected every three years."), {})
    assert report.schema == "sourcecheck/report/v1"
    assert report.models["scorer"]["name"] == "test.scripted.v1"  # type: ignore[index]
    assert report.options["top_k"] == Options().top_k
    assert set(report.timings) >= {"claims", "index", "score", "checks"}


_SV = st.sampled_from(
    [
        "Kommunen har {n} broar i dåligt skick.",
        "Inspektionen kostade {n} miljoner kronor.",
        "Bron vid Storån byggdes {y}.",
        "Trafiken ökade med {n} procent under året.",
        "Ingen bro har stängts helt.",
        "Arbetet ”pågår” enligt planen.",
    ]
)
_EN = st.sampled_from(
    [
        "The municipality has {n} bridges in poor condition (page {p}).",
        'The report calls the work "ongoing" (section 1).',
        "Inspections cost {n} million kronor, the report says.",
        "The bridge over the Storå was built in {y}.",
        "Traffic rose by {n} percent during the year.",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    n_paras = draw(st.integers(1, 4))
    paras = []
    for _ in range(n_paras):
        sents = draw(st.lists(_SV, min_size=1, max_size=3))
        paras.append(
            " ".join(
                s.format(n=draw(st.integers(1, 999)), y=draw(st.integers(1900, 2030)))
                for s in sents
            )
        )
    claims = draw(st.lists(_EN, min_size=1, max_size=3))
    article = "\n\n".join(
        c.format(
            n=draw(st.integers(1, 999)), y=draw(st.integers(1900, 2030)), p=draw(st.integers(1, 3))
        )
        for c in claims
    )
    return "\n\n".join(paras) + "\n", article + "\n"


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_offsets_round_trip_on_generated_documents(docs: tuple[str, str]) -> None:
    source_text, article_text = docs
    source = load_text(source_text, name="källa.txt")
    article = load_text(article_text, name="artikel.txt")
    report = check_documents(article, [source], options=Options(model="lexical"))
    assert report.verdicts
    for v in report.verdicts:
        assert article.text[v.claim.start : v.claim.end] == v.claim.text
        assert 0.0 <= v.score <= 1.0
        for ev in v.evidence:
            assert source.text[ev.start : ev.end] == ev.text
        for q in v.quotes:
            if q.start is not None:
                assert source.text[q.start : q.end] == q.source_text
        for n in v.numbers:
            if n.start is not None:
                assert source.text[n.start : n.end] == n.source_text
        if v.label == "supported":
            assert v.evidence, "no evidence, no supported"


def test_a_passage_joining_statements_is_read_again_statement_by_statement() -> None:
    """The verifier reads a negation in the second half of "A, men B" as contradicting a
    claim that states A: the passage is read again statement by statement, and the
    statement that supports the claim is the evidence, with its own offsets."""
    source = make_document(
        "rapport",
        [["Ekbron har varit avstängd för tung trafik sedan mars, men Storåbron är inte "
          "avstängd för någon trafik alls."]],
    )  # fmt: skip
    article = load_text(_article("The Ek bridge has been closed to heavy traffic since March."),
                        name="article.txt")  # fmt: skip
    scorer = ScriptedScorer({"Ek bridge": "Ekbron"})
    report = check_documents(article, [source], options=Options(), scorer=scorer)
    (v,) = report.verdicts
    assert v.label == "supported"
    ev = v.evidence[0]
    assert ev.text == "Ekbron har varit avstängd för tung trafik sedan mars"
    assert source.text[ev.start : ev.end] == ev.text
    # a statement that does not support the claim leaves the contradiction standing
    article = load_text(_article("The Storå bridge has been closed to all traffic."),
                        name="article.txt")  # fmt: skip
    report = check_documents(
        article, [source], options=Options(), scorer=ScriptedScorer({"Storå": "Storåbron"})
    )
    assert report.verdicts[0].label == "contradicted"


def test_a_statement_the_rest_of_the_passage_contradicts_does_not_stand_alone() -> None:
    """A passage "the costs cannot be put at a figure yet, but a first estimate is 180 000":
    the estimate alone would read as support for "the outbreak cost 180,000 kronor", but
    the passage's other statement contradicts the claim, so the passage is read whole."""
    source = make_document(
        "rapport",
        [["Kostnaderna går inte att beräkna ännu, men en första uppskattning av kostnaderna "
          "landar på 180 000 kronor."]],
    )  # fmt: skip
    article = load_text(_article("The outbreak cost the district 180,000 kronor."),
                        name="article.txt")  # fmt: skip
    scorer = ScriptedScorer({"outbreak cost": "ostnader"})
    (v,) = check_documents(article, [source], options=Options(), scorer=scorer).verdicts
    assert v.label == "contradicted"
    assert v.evidence[0].text == source.text


def test_a_change_stated_the_other_way_round_is_contradicted() -> None:
    """The same two figures, from and to swapped: "fell from 6.8 to 4.1 percent" against
    "steg från 4,1 procent till 6,8 procent" is a contradiction even where the verifier
    reads the sentences as alike; the change as the source states it is supported."""
    source = make_document(
        "rapport",
        [["Andelen försenade resor steg från 4,1 procent 2023 till 6,8 procent 2024."]],
    )
    scorer = ScriptedScorer({"late trips": "försenade"})
    wrong = load_text(_article("The share of late trips fell from 6.8 percent in 2023 to "
                               "4.1 percent in 2024."), name="article.txt")  # fmt: skip
    (v,) = check_documents(wrong, [source], options=Options(), scorer=scorer).verdicts
    assert v.label == "contradicted"
    assert "other way round" in v.reason
    right = load_text(_article("The share of late trips rose from 4.1 percent in 2023 to "
                               "6.8 percent in 2024."), name="article.txt")  # fmt: skip
    (v,) = check_documents(right, [source], options=Options(), scorer=scorer).verdicts
    assert v.label == "supported"
