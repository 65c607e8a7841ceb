"""The bundled example's written expectations (examples/expected.json), end to end with
the default model: verdicts, citation checks, evidence places, quotes, numbers, skips."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sourcecheck.model import Report, Verdict
from tests.conftest import EXAMPLES

EXPECTED: dict[str, Any] = json.loads((EXAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report() -> Report:
    import sourcecheck

    return sourcecheck.check(
        EXAMPLES / EXPECTED["article"], [EXAMPLES / s for s in EXPECTED["sources"]]
    )


def _verdict(report: Report, match: str, origin: str) -> Verdict:
    found = [v for v in report.verdicts if match in v.claim.text and v.claim.origin == origin]
    assert len(found) == 1, f"expected one claim containing {match!r} from {origin}"
    return found[0]


@pytest.mark.parametrize("exp", EXPECTED["claims"], ids=[c["id"] for c in EXPECTED["claims"]])
def test_claim_outcome(report: Report, exp: dict[str, Any]) -> None:
    v = _verdict(report, exp["match"], exp["origin"])
    assert v.label == exp["verdict"], v.reason
    assert v.citation_check == exp["citation_check"], v.citation_note
    if exp["evidence_page"] is not None and v.label != "not_found":
        top = v.evidence[0]
        assert top.locator.page == exp["evidence_page"], top.text
        assert top.locator.section == exp["evidence_section"], top.text
    quotes = {q.text: q.status for q in v.quotes}
    assert quotes == {q["text"]: q["status"] for q in exp["quotes"]}
    for text, status in exp["numbers"].items():
        hits = [n for n in v.numbers if text in n.text]
        assert hits, f"number {text!r} not found in {[n.text for n in v.numbers]}"
        assert hits[0].status == status, hits[0]


@pytest.mark.parametrize("exp", EXPECTED["skipped"], ids=[s["match"] for s in EXPECTED["skipped"]])
def test_skipped_with_reason(report: Report, exp: dict[str, Any]) -> None:
    found = [s for s in report.skipped if exp["match"] in s.text and s.origin == exp["origin"]]
    assert len(found) == 1
    assert found[0].reason == exp["reason"]


def test_no_unexpected_claims(report: Report) -> None:
    expected = {(c["match"], c["origin"]) for c in EXPECTED["claims"]}
    for v in report.verdicts:
        assert any(m in v.claim.text and o == v.claim.origin for m, o in expected), v.claim.text


def test_every_slice_round_trips(report: Report) -> None:
    from sourcecheck.load import load_document

    sources = {s: load_document(EXAMPLES / s) for s in EXPECTED["sources"]}
    by_id = {d.id: d for d in sources.values()}
    article = load_document(EXAMPLES / EXPECTED["article"])
    comments = {c.id: c.text for c in article.comments}
    for v in report.verdicts:
        origin_text = article.text if v.claim.origin == "article" else comments[v.claim.origin]
        assert origin_text[v.claim.start : v.claim.end] == v.claim.text
        for ev in v.evidence:
            assert by_id[ev.source].text[ev.start : ev.end] == ev.text
        for q in v.quotes:
            if q.start is not None and q.source:
                assert by_id[q.source].text[q.start : q.end] == q.source_text
        for n in v.numbers:
            if n.start is not None and n.source:
                assert by_id[n.source].text[n.start : n.end] == n.source_text


def test_example_pdf_structure() -> None:
    from sourcecheck.load import load_document

    doc = load_document(EXAMPLES / "lindas-broar-2025.pdf")
    assert [p.label for p in doc.pages] == EXPECTED["source"]["page_labels"]
    assert "Sida 4" not in doc.text and "infrastrukturen" in doc.text
    # The contents page lists sections but opens none of them.
    contents = [b for b in doc.blocks if b.page == 2 and b.kind != "heading"]
    assert contents and all(b.kind == "toc" and b.section is None for b in contents)
    headings = {
        b.section: doc.text[b.start : b.end]
        for b in doc.blocks
        if b.kind == "heading" and b.section
    }
    assert headings["3.4.3"] == "3.4.3 Tillfälliga begränsningar"
    for fact in EXPECTED["source"]["facts"]:
        at = doc.text.index(fact["text"])
        loc = doc.locate(at)
        assert (loc.page, loc.section) == (fact["page"], fact["section"]), fact
