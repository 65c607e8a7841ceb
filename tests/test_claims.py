"""extract_claims and scoring_text: sentences, check-worthiness, citations, quotes, numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcecheck.claims import ClaimSet, extract_claims, scoring_text, split_statements
from sourcecheck.model import Block, Citation, Claim, Comment, Document, Link


def make_doc(
    text: str,
    language: str | None = "en",
    *,
    blocks: Sequence[Block] = (),
    links: Sequence[Link] = (),
    comments: Sequence[Comment] = (),
    doc_id: str = "article",
    path: str = "article.md",
) -> Document:
    return Document(
        id=doc_id,
        path=path,
        media_type="text/markdown",
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        language=language,
        blocks=tuple(blocks),
        links=tuple(links),
        comments=tuple(comments),
    )


def source(doc_id: str, path: str) -> Document:
    return make_doc("Källtext.", "sv", doc_id=doc_id, path=path)


def check_offsets(article: Document, result: ClaimSet) -> None:
    """Every offset of every claim indexes its origin's text."""
    texts = {"article": article.text, **{c.id: c.text for c in article.comments}}
    for claim in result.claims:
        origin = texts[claim.origin]
        assert origin[claim.start : claim.end] == claim.text
        for citation in claim.citations:
            assert origin[citation.start : citation.end] == citation.raw
        for quote in claim.quotes:
            assert origin[quote.start : quote.end] == quote.text
            assert claim.start <= quote.start <= quote.end <= claim.end
        for number in claim.numbers:
            assert origin[number.start : number.end] == number.text
    for skipped in result.skipped:
        assert texts[skipped.origin][skipped.start : skipped.end] == skipped.text


def claims(text: str, language: str | None = "en") -> list[Claim]:
    article = make_doc(text, language)
    result = extract_claims(article)
    check_offsets(article, result)
    return list(result.claims)


def only_claim(sentence: str, language: str = "en") -> Claim:
    found = claims(sentence, language)
    assert len(found) == 1, found
    return found[0]


def citation_of(sentence: str, language: str = "en") -> Citation:
    citations = only_claim(sentence, language).citations
    assert len(citations) == 1, citations
    return citations[0]


# --- sentences, ids, blocks, comments ------------------------------------------------------


def test_claims_are_sentences_with_ids_in_order() -> None:
    text = (
        "The bridge in Lund was built in 1962. It carries 12 000 cars a day. "
        "Inspections found cracks in the deck."
    )
    found = claims(text)
    assert [c.id for c in found] == ["c1", "c2", "c3"]
    assert [c.text for c in found] == [
        "The bridge in Lund was built in 1962.",
        "It carries 12 000 cars a day.",
        "Inspections found cracks in the deck.",
    ]
    assert all(c.origin == "article" and c.language == "en" for c in found)


def test_blocks_headings_and_tables() -> None:
    text = (
        "Broar i Sverige\n\nTrafikverket inspekterade 40 broar under 2023.\n\n"
        "Bro | Kostnad\n\n- Bron i Lund är från 1962."
    )
    heading_end = text.index("\n")
    para = text.index("Trafikverket")
    table = text.index("Bro |")
    item = text.index("- Bron")
    blocks = [
        Block("heading", 0, heading_end, heading_level=1),
        Block("paragraph", para, table - 2),
        Block("table", table, item - 2),
        Block("list_item", item, len(text)),
    ]
    article = make_doc(text, "sv", blocks=blocks)
    result = extract_claims(article)
    check_offsets(article, result)
    assert [c.text for c in result.claims] == [
        "Trafikverket inspekterade 40 broar under 2023.",
        "- Bron i Lund är från 1962.",
    ]
    assert [(s.text, s.reason) for s in result.skipped] == [
        ("Broar i Sverige", "heading"),
        ("Bro | Kostnad", "table"),
    ]


def test_comments_have_their_own_origin_and_offsets() -> None:
    comments = [
        Comment(
            "k1", "Tack för en bra artikel! Men bron kostade 3,8 miljoner kronor.", language="sv"
        ),
        Comment("k2", "Great read. The report says the deck was replaced in 2019.", language="en"),
    ]
    article = make_doc("The bridge cost 4.2 million kronor.", "en", comments=comments)
    result = extract_claims(article)
    check_offsets(article, result)
    assert [(c.id, c.origin, c.language) for c in result.claims] == [
        ("c1", "article", "en"),
        ("c2", "k1", "sv"),
        ("c3", "k2", "en"),
    ]
    c2 = result.claims[1]
    assert c2.text == "Men bron kostade 3,8 miljoner kronor."
    assert c2.start == comments[0].text.index("Men")
    assert c2.numbers[0].value == 3_800_000 and c2.numbers[0].start == comments[0].text.index("3,8")
    assert ("Tack för en bra artikel!", "k1", "greeting") in [
        (s.text, s.origin, s.reason) for s in result.skipped
    ]


def test_missing_language_is_detected_per_document_and_comment() -> None:
    comment = Comment("k1", "Rapporten säger att bron byggdes år 1962 och renoverades 2019.")
    article = make_doc(
        "The report says that the bridge was built in 1962 and renovated in 2019.",
        None,
        comments=[comment],
    )
    result = extract_claims(article)
    assert [c.language for c in result.claims] == ["en", "sv"]


def test_no_blocks_means_the_whole_text() -> None:
    found = claims("Första stycket har 2 broar.\n\nAndra stycket har 3 broar.", "sv")
    assert [c.text for c in found] == ["Första stycket har 2 broar.", "Andra stycket har 3 broar."]


# --- check-worthiness ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "reason"),
    [
        ("Is the bridge safe?", "en", "question"),
        ("Did it really cost 12 million?", "en", "question"),
        ("Är bron säker (s. 12)?", "sv", "question"),
        ("Vad säger ”rapporten” egentligen?", "sv", "question"),
        ("Great article, thanks!", "en", "greeting"),
        ("Thank you for writing this.", "en", "greeting"),
        ("Hello everyone.", "en", "greeting"),
        ("Tack för en bra artikel!", "sv", "greeting"),
        ("Hej allihopa.", "sv", "greeting"),
        ("Bra skrivet!", "sv", "greeting"),
        ("I think this is terrible.", "en", "opinion"),
        ("In my opinion the plan is wrong.", "en", "opinion"),
        ("This is so bad.", "en", "opinion"),
        ("Jag tycker att det här är fel.", "sv", "opinion"),
        ("Jag anser att planen är dålig.", "sv", "opinion"),
        ("Det är helt fruktansvärt.", "sv", "opinion"),
        ("Absolutely right.", "en", "too short"),
        ("Helt rätt.", "sv", "too short"),
        ("— … —", "en", "no letters"),
    ],
)
def test_skip_reasons(sentence: str, language: str, reason: str) -> None:
    article = make_doc(f"The bridge was built in 1962. {sentence}", language)
    result = extract_claims(article)
    check_offsets(article, result)
    assert [c.text for c in result.claims] == ["The bridge was built in 1962."]
    assert [(s.text, s.reason, s.origin) for s in result.skipped] == [(sentence, reason, "article")]


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Costs rose 12%.", "en"),  # short, but has a number
        ("Kostnaden steg 12 procent.", "sv"),
        ("I think it cost 4.2 million.", "en"),  # opinion phrase, but a number
        ("Jag tycker att rapporten säger ”bron är farlig”.", "sv"),  # a quotation
        ("See page 12.", "en"),  # a citation
        ("I think Trafikverket is wrong.", "en"),  # a named fact
        ("Jag tror att Trafikverket har fel.", "sv"),
        ("The deck was replaced last spring.", "en"),
        ("Bron byggdes om förra våren.", "sv"),
        ("Thanks to the repairs, the bridge reopened in 2020.", "en"),
        ("Thanks to the repairs, the bridge reopened quickly.", "en"),
        ("Tack vare reparationerna öppnade bron snabbt igen.", "sv"),
    ],
)
def test_kept_claims(sentence: str, language: str) -> None:
    assert only_claim(sentence, language).text == sentence


# --- citations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "raw", "expected"),
    [
        ("The bridge is unsafe (page 12).", "en", "(page 12)", {"kind": "page", "page": "12"}),
        ("The bridge is unsafe, see p. 12 of the report.", "en", "p. 12", {"page": "12"}),
        (
            "The bridge is unsafe (pp. 12–13).",
            "en",
            "(pp. 12–13)",
            {"page": "12", "page_end": "13"},
        ),
        (
            "The bridge is unsafe, pages 12-13.",
            "en",
            "pages 12-13",
            {"page": "12", "page_end": "13"},
        ),
        ("The bridge is unsafe on page iv of the report.", "en", "page iv", {"page": "iv"}),
        ("Bron är farlig (s. 12).", "sv", "(s. 12)", {"page": "12"}),
        ("Bron är farlig, se sid. 12 i rapporten.", "sv", "sid. 12", {"page": "12"}),
        ("Bron är farlig enligt sidan 12 i rapporten.", "sv", "sidan 12", {"page": "12"}),
        (
            "Bron är farlig (sidorna 12–14).",
            "sv",
            "(sidorna 12–14)",
            {"page": "12", "page_end": "14"},
        ),
        (
            "The bridge is unsafe according to section 3.4.3.",
            "en",
            "section 3.4.3",
            {"kind": "section", "section": "3.4.3"},
        ),
        ("The bridge is unsafe (3.4.3).", "en", "(3.4.3)", {"kind": "section", "section": "3.4.3"}),
        (
            "The bridge is unsafe under § 3.4.3.",
            "en",
            "§ 3.4.3",
            {"kind": "section", "section": "3.4.3"},
        ),
        (
            "Bron är farlig enligt avsnitt 3.4.3.",
            "sv",
            "avsnitt 3.4.3",
            {"kind": "section", "section": "3.4.3"},
        ),
        (
            "The bridge is unsafe, as chapter 2 explains.",
            "en",
            "chapter 2",
            {"kind": "section", "section": "2"},
        ),
        (
            "Bron är farlig enligt kapitel 2.",
            "sv",
            "kapitel 2",
            {"kind": "section", "section": "2"},
        ),
        (
            "The third paragraph says the bridge is unsafe.",
            "en",
            "third paragraph",
            {"kind": "paragraph", "paragraph": 3},
        ),
        (
            "The bridge is unsafe, says paragraph 3.",
            "en",
            "paragraph 3",
            {"kind": "paragraph", "paragraph": 3},
        ),
        (
            "The bridge is unsafe, says the 2nd paragraph.",
            "en",
            "2nd paragraph",
            {"kind": "paragraph", "paragraph": 2},
        ),
        (
            "Bron är farlig enligt tredje stycket.",
            "sv",
            "tredje stycket",
            {"kind": "paragraph", "paragraph": 3},
        ),
        (
            "Bron är farlig enligt andra stycket.",
            "sv",
            "andra stycket",
            {"kind": "paragraph", "paragraph": 2},
        ),
        (
            "Bron är farlig enligt stycke 3.",
            "sv",
            "stycke 3",
            {"kind": "paragraph", "paragraph": 3},
        ),
        (
            "Bron är farlig enligt 3:e stycket.",
            "sv",
            "3:e stycket",
            {"kind": "paragraph", "paragraph": 3},
        ),
        ("The bridge is unsafe.[12]", "en", "[12]", {"kind": "footnote", "footnote": "12"}),
        ("The bridge is unsafe[^7] and old.", "en", "[^7]", {"kind": "footnote", "footnote": "7"}),
        (
            "The bridge is unsafe (page 12, section 3.4.3).",
            "en",
            "(page 12, section 3.4.3)",
            {"kind": "page", "page": "12", "section": "3.4.3"},
        ),
        (
            "The bridge is unsafe (section 3.4.3, p. 12).",
            "en",
            "(section 3.4.3, p. 12)",
            {"kind": "section", "page": "12", "section": "3.4.3"},
        ),
        (
            "The third paragraph of section 3.4.3 says the bridge is unsafe.",
            "en",
            "third paragraph of section 3.4.3",
            {"kind": "paragraph", "paragraph": 3, "section": "3.4.3"},
        ),
        (
            "Bron är farlig enligt tredje stycket i avsnitt 3.4.3.",
            "sv",
            "tredje stycket i avsnitt 3.4.3",
            {"kind": "paragraph", "paragraph": 3, "section": "3.4.3"},
        ),
        (
            "Bron är farlig (se s. 12 och avsnitt 3.4).",
            "sv",
            "(se s. 12 och avsnitt 3.4)",
            {"kind": "page", "page": "12", "section": "3.4"},
        ),
    ],
)
def test_citation_forms(
    sentence: str, language: str, raw: str, expected: dict[str, object]
) -> None:
    citation = citation_of(sentence, language)
    assert citation.raw == raw
    for field, value in expected.items():
        assert getattr(citation, field) == value, field
    defaults = {
        "page": None,
        "page_end": None,
        "section": None,
        "paragraph": None,
        "footnote": None,
    }
    for field, value in defaults.items():
        if field not in expected:
            assert getattr(citation, field) == value, field


def test_citation_offsets_index_the_origin_text() -> None:
    text = "Intro here is fine. The bridge is unsafe (page 12, section 3.4.3)."
    claim = claims(text)[1]
    citation = claim.citations[0]
    assert text[citation.start : citation.end] == "(page 12, section 3.4.3)"


def test_colliding_references_make_separate_citations() -> None:
    citations = only_claim("The figures are on page 12 and page 14 of the report.").citations
    assert [(c.raw, c.page) for c in citations] == [("page 12", "12"), ("page 14", "14")]


def test_footnote_list() -> None:
    citations = only_claim("The bridge is unsafe [1, 2].").citations
    assert [(c.kind, c.footnote, c.raw) for c in citations] == [
        ("footnote", "1", "[1, 2]"),
        ("footnote", "2", "[1, 2]"),
    ]


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("Sidan i rapporten visar att bron är farlig.", "sv"),  # "i" is a preposition here
        ("A section of the bridge is unsafe.", "en"),
        ("The paragraph about the bridge mentions Lund.", "en"),
        ("Den andra bron är farlig enligt rapporten.", "sv"),
        ("The U.S. 12 bridges are unsafe.", "en"),
    ],
)
def test_not_citations(sentence: str, language: str) -> None:
    assert only_claim(sentence, language).citations == ()


def test_link_citations_match_sources() -> None:
    text = (
        "The report found 12 unsafe bridges. Another study disagrees with that. A third one agrees."
    )
    anchors = ["The report", "Another study", "A third one"]
    starts = [text.index(a) for a in anchors]
    links = [
        Link("https://example.com/files/Rapport%202023.pdf?download=1", starts[0], starts[0] + 10),
        Link("https://elsewhere.org/other.pdf", starts[1], starts[1] + 13),
        Link("STUDY-B", starts[2], starts[2] + 11),
    ]
    sources = [source("rapport", "/data/Rapport 2023.pdf"), source("study-b", "b.pdf")]
    article = make_doc(text, links=links)
    result = extract_claims(article, sources)
    check_offsets(article, result)
    first, second, third = result.claims
    assert [(c.kind, c.target, c.raw) for c in first.citations] == [
        ("link", "rapport", "The report")
    ]
    assert second.citations == ()
    assert [(c.kind, c.target) for c in third.citations] == [("link", "study-b")]
    # Without sources no link is a citation.
    assert extract_claims(article).claims[0].citations == ()


@pytest.mark.parametrize(
    "target",
    [
        "report.pdf",
        "./report.pdf",
        "REPORT.PDF",
        "https://x.se/a/b/report.pdf",
        "/abs/path/report.pdf",
        "rep-1",
    ],
)
def test_link_target_forms(target: str) -> None:
    text = "The report says 12 bridges are unsafe."
    article = make_doc(text, links=[Link(target, 0, 10)])
    result = extract_claims(article, [source("rep-1", "sources/report.pdf")])
    assert [c.target for c in result.claims[0].citations] == ["rep-1"]


# --- quotes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "inner"),
    [
        ('He said "the bridge is unsafe" yesterday.', "en", "the bridge is unsafe"),
        ("He said “the bridge is unsafe” yesterday.", "en", "the bridge is unsafe"),
        ("Han sa „bron är farlig“ i går.", "sv", "bron är farlig"),
        ("Han sa „bron är farlig” i går.", "sv", "bron är farlig"),
        ("Han sa ”bron är farlig” i går.", "sv", "bron är farlig"),
        ("Han sa «bron är farlig» i går.", "sv", "bron är farlig"),
        ("Han sa »bron är farlig« i går.", "sv", "bron är farlig"),
        ("Han sa »bron är farlig» i går.", "sv", "bron är farlig"),
        ("He said ‘the bridge is unsafe’ yesterday.", "en", "the bridge is unsafe"),
        ("He said 'the bridge is unsafe' yesterday.", "en", "the bridge is unsafe"),
        ("Han sa ’bron är farlig’ i går.", "sv", "bron är farlig"),
        ("He said 'the bridges' state is poor' yesterday.", "en", "the bridges' state is poor"),
        ("He said “it’s unsafe, don’t cross” yesterday.", "en", "it’s unsafe, don’t cross"),
        ("He said “the ‘old’ bridge is unsafe” yesterday.", "en", "the ‘old’ bridge is unsafe"),
    ],
)
def test_quote_forms(sentence: str, language: str, inner: str) -> None:
    claim = only_claim(sentence, language)
    assert [q.text for q in claim.quotes] == [inner]
    quote = claim.quotes[0]
    assert sentence[quote.start : quote.end] == inner


@pytest.mark.parametrize(
    "sentence",
    [
        "Sweden's bridges don't meet the standard.",
        "The bridges' state is poor and the roads' too.",
        "It's the engineers' view that they're unsafe.",
        "The bridge is 12\" too low and 3' too narrow.",
        "He said “the bridge is unsafe and left.",
        "He said the bridge is unsafe” and left.",
        "Unbalanced ' quote and \" marks « everywhere.",
    ],
)
def test_no_quotes(sentence: str) -> None:
    assert claims(sentence)[0].quotes == ()


def test_two_quotes() -> None:
    claim = only_claim('He said "unsafe" and she said "safe" later.')
    assert [q.text for q in claim.quotes] == ["unsafe", "safe"]


def test_quote_across_sentences_keeps_them_together() -> None:
    text = "Han sa: ”Bron är farlig. Den måste stängas.” Sedan gick han hem till Lund."
    found = claims(text, "sv")
    assert [c.text for c in found] == [
        "Han sa: ”Bron är farlig. Den måste stängas.”",
        "Sedan gick han hem till Lund.",
    ]
    assert [q.text for q in found[0].quotes] == ["Bron är farlig. Den måste stängas."]


# --- numbers ------------------------------------------------------------------------------


def test_numbers_without_citation_numbers() -> None:
    claim = only_claim(
        "The report says 12 bridges cost 4.2 million kronor (page 14, section 3.4.3) [5]."
    )
    assert [(n.text, n.value, n.unit) for n in claim.numbers] == [
        ("12", 12.0, None),
        ("4.2 million kronor", 4_200_000.0, "SEK"),
    ]
    claim = only_claim(
        "Enligt tredje stycket på s. 7 kostade tolv broar 3,8 miljoner kronor.", "sv"
    )
    assert [(n.text, n.value) for n in claim.numbers] == [
        ("tolv", 12.0),
        ("3,8 miljoner kronor", 3_800_000.0),
    ]


def test_number_offsets_index_the_origin_text() -> None:
    text = "Intro without numbers is here. In 2023 the cost rose 12%."
    claim = claims(text)[1]
    assert [(text[n.start : n.end], n.kind) for n in claim.numbers] == [
        ("2023", "year"),
        ("12%", "percent"),
    ]


# --- scoring_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language", "expected"),
    [
        (
            "The report says 12 bridges are unsafe (page 12, section 3.4.3).",
            "en",
            "The report says 12 bridges are unsafe.",
        ),
        ("The bridge is unsafe.[12]", "en", "The bridge is unsafe."),
        ("The bridge[^3] is unsafe [4].", "en", "The bridge is unsafe."),
        (
            "The report says on page 12 that the bridge is unsafe.",
            "en",
            "The report says that the bridge is unsafe.",
        ),
        (
            "Enligt rapporten (s. 12) kostar det 3,8 miljoner kronor.",
            "sv",
            "Enligt rapporten kostar det 3,8 miljoner kronor.",
        ),
        ("Bron är farlig, se s. 12 och avsnitt 3.4.", "sv", "Bron är farlig."),
        (
            "In the third paragraph, the report calls it unsafe.",
            "en",
            "the report calls it unsafe.",
        ),
        ("  The   bridge is   unsafe.  ", "en", "The bridge is unsafe."),
    ],
)
def test_scoring_text(sentence: str, language: str, expected: str) -> None:
    assert scoring_text(only_claim(sentence, language)) == expected


def test_scoring_text_keeps_link_anchors() -> None:
    text = "The report says 12 bridges are unsafe."
    article = make_doc(text, links=[Link("r.pdf", 0, 10)])
    claim = extract_claims(article, [source("r", "r.pdf")]).claims[0]
    assert claim.citations[0].kind == "link"
    assert scoring_text(claim) == text


# --- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    ["The bridge", " is", " unsafe", ".", "?", "!", " (page 12)", " (3.4.3)", " § 3.4.3", " [12]",
     " [^3]", " pp. 12–13", " s. 12", " tredje stycket", " “quoted”", ' "q"', " 'q'", " don't",
     " bridges'", " ”citat”", " «x»", " 4.2 million", " 3,8 miljoner kronor", " 12%", " I think",
     " Thanks", " Tack", " twenty-one", "\n\n", "\n", " ", "(", ")", "[", "]", "'", "\"", "”",
     "“", "„", "«", "»", "’", "‘", " 2024", " 12 mars 2024", " t.ex.", " p. 12", " sidan iv"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(_PIECES, max_size=30).map("".join),
    st.lists(_PIECES, max_size=10).map("".join),
    st.sampled_from(["en", "sv"]),
)
def test_offsets_property(text: str, comment_text: str, language: str) -> None:
    links = [Link("r.pdf", 0, min(5, len(text)))] if text else []
    article = make_doc(
        text, language, links=links, comments=[Comment("k", comment_text, language=language)]
    )
    result = extract_claims(article, [source("r", "r.pdf")])
    check_offsets(article, result)
    assert [c.id for c in result.claims] == [f"c{i}" for i in range(1, len(result.claims) + 1)]
    for claim in result.claims:
        scoring_text(claim)


# --- the statements a compound claim packs -------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "parts"),
    [
        (
            "The report counts 55 areas, but it does not say the police surrendered control.",
            "en",
            ["The report counts 55 areas.", "It does not say the police surrendered control."],
        ),
        (
            "Costs rose by 14 per cent in two years; staff costs stayed about the same.",
            "en",
            ["Costs rose by 14 per cent in two years.", "Staff costs stayed about the same."],
        ),
        (
            "Antalet elever ökade med en fjärdedel, men två skolor stängdes under hösten.",
            "sv",
            ["Antalet elever ökade med en fjärdedel.", "Två skolor stängdes under hösten."],
        ),
        (
            "Die Zahl der Fälle stieg auf 312, während die Kliniken keine Engpässe meldeten.",
            "de",
            ["Die Zahl der Fälle stieg auf 312.", "Die Kliniken keine Engpässe meldeten."],
        ),
        # One statement: "and" inside a phrase, a short side, no joiner.
        ("Between 2022 and 2024 costs rose by 14 per cent.", "en", None),
        ("Rödmyra and Nybodarna each have fewer than 60 pupils.", "en", None),
        ("The bridge was closed, and reopened.", "en", None),
        ("Prices fell sharply in the third quarter of the year.", "en", None),
    ],
)
def test_split_statements(text: str, language: str, parts: list[str] | None) -> None:
    assert split_statements(text, language) == (parts or [text])


def test_citations_in_the_other_served_languages() -> None:
    """Page and section words of German, French, Spanish, Danish and Finnish are
    citations, and the numbers in them are not the claim's numbers."""
    from sourcecheck.load import load_text

    text = (
        "Umwandlungen treiben die Mieten derzeit nicht, so das Institut (S. 3, Abschnitt 4.1)."
        "\n\nLe préfet a fermé douze écoles en 2024 (page 4, chapitre 2).\n\n"
        "El ayuntamiento cerró tres escuelas en 2023 (pág. 7, apartado 3.2).\n"
    )
    claims = extract_claims(load_text(text, name="a.txt"), []).claims
    cites = [(c.citations[0].page, c.citations[0].section) for c in claims]
    assert cites == [("3", "4.1"), ("4", "2"), ("7", "3.2")]
    assert [n.text for n in claims[0].numbers] == []
