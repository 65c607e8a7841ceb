"""A realistic sample Report, built by hand from the nouns of ``sourcecheck.model``.

An English article cites a Swedish municipal report (a paged PDF) and a Swedish news page.
Every offset is computed from the texts here, so ``evidence.text == source_text[start:end]``
and ``claim.text == article_text[start:end]`` hold, as they do for real reports.

``sample_report()`` has claims of all four verdicts, a claim from a comment, a verbatim and
an absent quote, numbers that match and that differ, and every citation-check outcome.
``hostile_report()`` is the same report with markup, template syntax and ``javascript:``
payloads in every free-text field, for escaping tests.

Reuse from other tests with ``from tests.report_fixtures import sample_report``.
"""

from __future__ import annotations

from dataclasses import replace

from sourcecheck.model import (
    REPORT_SCHEMA,
    Citation,
    CitationCheck,
    Claim,
    Comment,
    Evidence,
    Locator,
    NumberMention,
    NumberResult,
    Page,
    Quote,
    QuoteResult,
    Report,
    Skipped,
    SourceInfo,
    Stance,
    Verdict,
    VerdictLabel,
)

# -- the Swedish source: a PDF whose first physical page is printed as page 12 ------------

SOURCE_PAGES: tuple[str, ...] = (
    "2 Befolkning\n"
    "Befolkningen i Exempelstad ökade med 1,8 procent under 2023 och uppgick vid årets slut "
    "till 152 300 invånare.\n"
    "Ökningen förklaras främst av inflyttning från andra kommuner.\n",
    "3 Bostadsbyggande\n"
    "3.1 Färdigställda bostäder\n"
    "Under 2023 färdigställdes 1 240 nya bostäder, vilket är 12 procent färre än året innan.\n"
    "Kommunstyrelsens ordförande Anna Lind säger: ”Vi bygger fler hyresrätter än någonsin "
    "tidigare.”\n",
    "3.2 Kostnader\n"
    "Den genomsnittliga byggkostnaden var 3,8 miljoner kronor per lägenhet.\n"
    "Kostnaderna steg med 9 procent jämfört med 2022.\n",
)
SOURCE_TEXT = "".join(SOURCE_PAGES)
PAGE_LABELS = ("12", "13", "14")


def _pages() -> tuple[Page, ...]:
    pages: list[Page] = []
    offset = 0
    for index, (label, text) in enumerate(zip(PAGE_LABELS, SOURCE_PAGES, strict=True), 1):
        pages.append(Page(index=index, label=label, start=offset, end=offset + len(text)))
        offset += len(text)
    return tuple(pages)


SOURCE_PAGE_OBJECTS = _pages()

# -- the second source: a Swedish news page, unpaged ----------------------------------------

NEWS_TEXT = (
    "Exempelstad växer så det knakar\n"
    "Befolkningen passerade 150 000 invånare under 2023, enligt kommunens egen statistik.\n"
)

# -- the English article and one comment ------------------------------------------------------

ARTICLE_TEXT = (
    "Exempelstad keeps growing\n\n"
    "The population of Exempelstad grew by 1.8 percent in 2023 (p. 12). "
    "Most of the growth came from people moving in from other municipalities (p. 12). "
    "In 2023 the city completed 1,240 new homes, 20 percent fewer than the year before (p. 13). "
    "The average construction cost was 4 million kronor per apartment (p. 12). "
    "Council chair Anna Lind said: \"Vi bygger fler hyresrätter än någonsin tidigare\" (p. 13). "
    "The report warns that housing costs are \"helt ohållbara\" (p. 40). "
    "The city plans to build a new tram line by 2030. "
    "Is that realistic?\n"
)

COMMENT_ID = "c-3"
COMMENT_TEXT = "Great article! The population reached 152,300 residents at the end of 2023."

CREATED = "2024-05-02T09:30:00+00:00"


def span(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    """The offsets of the one occurrence of ``needle`` in ``text`` at or after ``after``."""
    start = text.find(needle, after)
    if start < 0:
        raise ValueError(f"{needle!r} not in text")
    if text.find(needle, start + 1) >= 0 and after == 0:
        raise ValueError(f"{needle!r} occurs more than once; pass after=")
    return start, start + len(needle)


def _locate(start: int) -> Locator:
    """The locator of an offset of SOURCE_TEXT, as ``Document.locate`` would give it."""
    page = next(p for p in SOURCE_PAGE_OBJECTS if p.start <= start < p.end)
    sections = {
        0: ("2", "Befolkning"),
        1: ("3.1", "Färdigställda bostäder"),
        2: ("3.2", "Kostnader"),
    }
    section, title = sections[page.index - 1]
    page_text = SOURCE_PAGES[page.index - 1]
    # paragraphs (lines after the headings) counted from 1 on the page and in the section
    lines_before = page_text[: start - page.start].count("\n")
    headings = 2 if page.index == 2 else 1
    paragraph = max(lines_before - headings + 1, 1)
    return Locator(
        page=page.label,
        page_index=page.index,
        section=section,
        section_title=title,
        paragraph=paragraph,
        section_paragraph=paragraph,
    )


def evidence(
    needle: str,
    score: float,
    retrieval: str = "search",
    source: str = "s1",
) -> Evidence:
    """An Evidence item whose text is the slice of the source it claims to be."""
    if source == "s1":
        start, end = span(SOURCE_TEXT, needle)
        locator = _locate(start)
        text = SOURCE_TEXT[start:end]
    else:
        start, end = span(NEWS_TEXT, needle)
        locator = Locator(paragraph=2)
        text = NEWS_TEXT[start:end]
    assert retrieval in ("cited", "search")
    return Evidence(
        source=source,
        start=start,
        end=end,
        text=text,
        score=score,
        locator=locator,
        retrieval="cited" if retrieval == "cited" else "search",
        language="sv",
    )


def _claim(
    claim_id: str,
    sentence: str,
    *,
    origin: str = "article",
    cite: str | None = None,
    quotes: tuple[str, ...] = (),
    numbers: tuple[tuple[str, float, str | None], ...] = (),
) -> Claim:
    text_of_origin = ARTICLE_TEXT if origin == "article" else COMMENT_TEXT
    start, end = span(text_of_origin, sentence)
    citations: tuple[Citation, ...] = ()
    if cite is not None:
        c_start, c_end = span(text_of_origin, cite, after=start)
        label = cite.strip("()").removeprefix("p. ")
        citations = (Citation(raw=cite, start=c_start, end=c_end, kind="page", page=label),)
    quote_objs = tuple(Quote(q, *span(text_of_origin, q, after=start)) for q in quotes)
    number_objs = tuple(
        NumberMention(
            text=raw,
            start=span(text_of_origin, raw, after=start)[0],
            end=span(text_of_origin, raw, after=start)[1],
            value=value,
            unit=unit,
            kind=(
                "percent" if unit == "%" else "money" if unit == "SEK"
                else "year" if raw.isdigit() else "number"
            ),
        )
        for raw, value, unit in numbers
    )
    return Claim(
        id=claim_id,
        text=text_of_origin[start:end],
        start=start,
        end=end,
        origin=origin,
        language="en",
        citations=citations,
        quotes=quote_objs,
        numbers=number_objs,
    )


def _source_number(
    raw: str, value: float, source_text: str, status: str, source_value: float,
    unit: str | None = None,
) -> NumberResult:
    """A number result pointing at ``source_text``, a slice of SOURCE_TEXT."""
    start, end = span(SOURCE_TEXT, source_text)
    return NumberResult(
        text=raw,
        value=value,
        status="matches" if status == "matches" else "differs",
        unit=unit,
        source_value=source_value,
        source_text=SOURCE_TEXT[start:end],
        source="s1",
        page=_locate(start).page,
        start=start,
        end=end,
    )


def _verdict(
    claim: Claim,
    label: VerdictLabel,
    score: float,
    check: CitationCheck,
    reason: str,
    *,
    note: str | None = None,
    evidence_items: tuple[Evidence, ...] = (),
    quotes: tuple[QuoteResult, ...] = (),
    numbers: tuple[NumberResult, ...] = (),
) -> Verdict:
    return Verdict(
        claim=claim,
        label=label,
        score=score,
        citation_check=check,
        reason=reason,
        evidence=evidence_items,
        quotes=quotes,
        numbers=numbers,
        citation_note=note,
    )


def sample_verdicts() -> tuple[Verdict, ...]:
    c1 = _claim(
        "c1",
        "The population of Exempelstad grew by 1.8 percent in 2023 (p. 12).",
        cite="(p. 12)",
        numbers=(("1.8 percent", 1.8, "%"), ("2023", 2023.0, None)),
    )
    c2 = _claim(
        "c2",
        "In 2023 the city completed 1,240 new homes, 20 percent fewer than the year before "
        "(p. 13).",
        cite="(p. 13)",
        numbers=(("1,240", 1240.0, None), ("20 percent", 20.0, "%")),
    )
    c3 = _claim(
        "c3",
        "The average construction cost was 4 million kronor per apartment (p. 12).",
        cite="(p. 12)",
        numbers=(("4 million kronor", 4_000_000.0, "SEK"),),
    )
    c4 = _claim(
        "c4",
        "Council chair Anna Lind said: \"Vi bygger fler hyresrätter än någonsin tidigare\" "
        "(p. 13).",
        cite="(p. 13)",
        quotes=("Vi bygger fler hyresrätter än någonsin tidigare",),
    )
    c5 = _claim(
        "c5",
        "The report warns that housing costs are \"helt ohållbara\" (p. 40).",
        cite="(p. 40)",
        quotes=("helt ohållbara",),
    )
    c6 = _claim("c6", "The city plans to build a new tram line by 2030.")
    c7 = _claim(
        "c7",
        "The population reached 152,300 residents at the end of 2023.",
        origin=COMMENT_ID,
        numbers=(("152,300", 152_300.0, None), ("2023", 2023.0, None)),
    )
    c8 = _claim(
        "c8",
        "Most of the growth came from people moving in from other municipalities (p. 12).",
        cite="(p. 12)",
    )
    population = "Befolkningen i Exempelstad ökade med 1,8 procent under 2023"
    homes = (
        "Under 2023 färdigställdes 1 240 nya bostäder, vilket är 12 procent färre än året innan."
    )
    quote_line = "Vi bygger fler hyresrätter än någonsin tidigare."
    return (
        _verdict(
            c1, "supported", 0.9412, "confirmed",
            "The cited page states the same growth rate for the same year.",
            note="cited place confirmed",
            evidence_items=(
                evidence(population + " och uppgick vid årets slut till 152 300 invånare.",
                         0.9412, "cited"),
                evidence("Befolkningen passerade 150 000 invånare under 2023", 0.4127,
                         source="s2"),
            ),
            numbers=(
                _source_number("1.8 percent", 1.8, "1,8 procent", "matches", 1.8, "%"),
            ),
        ),
        _verdict(
            c8, "supported", 0.8833, "confirmed",
            "The cited page attributes the growth mainly to people moving in.",
            evidence_items=(
                evidence("Ökningen förklaras främst av inflyttning från andra kommuner.",
                         0.8833, "cited"),
            ),
        ),
        _verdict(
            c2, "partially_supported", 0.6021, "confirmed",
            "The source confirms 1 240 completed homes but gives the decline as 12 percent, "
            "not 20 percent.",
            evidence_items=(evidence(homes, 0.6021, "cited"),),
            numbers=(
                _source_number("1,240", 1240.0, "1 240", "matches", 1240.0),
                _source_number("20 percent", 20.0, "12 procent", "differs", 12.0, "%"),
            ),
        ),
        _verdict(
            c3, "contradicted", 0.8710, "wrong_location",
            "The source gives the average cost as 3.8 million kronor, not 4 million.",
            note="support is on p. 14, not p. 12",
            evidence_items=(
                evidence("Den genomsnittliga byggkostnaden var 3,8 miljoner kronor per lägenhet.",
                         0.871),
                evidence("Kostnaderna steg med 9 procent jämfört med 2022.", 0.3305),
            ),
            numbers=(
                _source_number("4 million kronor", 4_000_000.0, "3,8 miljoner kronor", "differs",
                               3_800_000.0, "SEK"),
            ),
        ),
        _verdict(
            c4, "supported", 0.9705, "confirmed",
            "The quotation appears verbatim on the cited page.",
            evidence_items=(evidence("Kommunstyrelsens ordförande Anna Lind säger: "
                                     "”Vi bygger fler hyresrätter än någonsin tidigare.”",
                                     0.9705, "cited"),),
            quotes=(
                QuoteResult(
                    text="Vi bygger fler hyresrätter än någonsin tidigare",
                    status="verbatim",
                    source="s1",
                    page="13",
                    start=span(SOURCE_TEXT, quote_line)[0],
                    end=span(SOURCE_TEXT, quote_line)[1] - 1,
                    source_text=quote_line[:-1],
                    similarity=1.0,
                ),
            ),
        ),
        _verdict(
            c5, "not_found", 0.1204, "unresolved",
            "No passage in the sources says that housing costs are unsustainable.",
            note="the source has no page 40 (its pages are 12–14)",
            evidence_items=(evidence("Kostnaderna steg med 9 procent jämfört med 2022.", 0.1204),),
            quotes=(
                QuoteResult(
                    text="helt ohållbara",
                    status="absent",
                    source="s1",
                    page="14",
                    start=span(SOURCE_TEXT, "Kostnaderna steg med 9 procent")[0],
                    end=span(SOURCE_TEXT, "Kostnaderna steg med 9 procent")[1],
                    source_text="Kostnaderna steg med 9 procent",
                    similarity=0.2143,
                ),
            ),
        ),
        _verdict(
            c6, "not_found", 0.0518, "none",
            "Neither source mentions a tram line.",
        ),
        _verdict(
            c7, "supported", 0.9127, "none",
            "The report gives 152 300 residents at the end of 2023.",
            evidence_items=(
                evidence(population + " och uppgick vid årets slut till 152 300 invånare.",
                         0.9127),
            ),
            numbers=(
                _source_number("152,300", 152_300.0, "152 300", "matches", 152_300.0),
            ),
        ),
    )


def sample_skipped() -> tuple[Skipped, ...]:
    q_start, q_end = span(ARTICLE_TEXT, "Is that realistic?")
    g_start, g_end = span(COMMENT_TEXT, "Great article!")
    return (
        Skipped(text=ARTICLE_TEXT[q_start:q_end], start=q_start, end=q_end, origin="article",
                reason="question"),
        Skipped(text=COMMENT_TEXT[g_start:g_end], start=g_start, end=g_end, origin=COMMENT_ID,
                reason="opinion"),
    )


def sample_report() -> Report:
    """The sample report: 8 claims (4 supported, 1 partly, 1 contradicted, 2 not found)."""
    article = SourceInfo(
        id="article",
        path="articles/exempelstad-growth.html",
        media_type="text/html",
        language="en",
        pages=0,
        sha256="a" * 64,
        title="Exempelstad keeps growing",
        characters=len(ARTICLE_TEXT),
    )
    report_pdf = SourceInfo(
        id="s1",
        path="sources/bostadsrapport-2023.pdf",
        media_type="application/pdf",
        language="sv",
        pages=len(SOURCE_PAGES),
        sha256="b" * 64,
        title="Bostadsrapport 2023 – Exempelstad kommun",
        characters=len(SOURCE_TEXT),
        warnings=("page 3 has no text layer for its table; skipped",),
    )
    news = SourceInfo(
        id="s2",
        path="https://news.example.org/exempelstad-vaxer",
        media_type="text/html",
        language="sv",
        pages=0,
        sha256="c" * 64,
        title="Exempelstad växer så det knakar",
        characters=len(NEWS_TEXT),
    )
    return Report(
        schema=REPORT_SCHEMA,
        created=CREATED,
        tool_version="0.1.0",
        article=article,
        sources=(report_pdf, news),
        verdicts=sample_verdicts(),
        skipped=sample_skipped(),
        options={"scorer": "sourcecheck.baseline.v1", "top_k": 5, "language": None,
                 "thresholds": {"supported": 0.7, "contradicted": 0.6}},
        models={"scorer": {"name": "sourcecheck.baseline.v1", "model_id": "bm25+e5",
                           "max_length": None},
                "embedder": "intfloat/multilingual-e5-small"},
        timings={"load": 0.4213, "retrieve": 0.0871, "score": 1.2507},
        comments=(
            Comment(id=COMMENT_ID, text=COMMENT_TEXT, author="Karin L.", language="en"),
        ),
    )


# -- hostile payloads ----------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ATTR = "\"><img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"
TEXTAREA = "</textarea>"
TEMPLATE = "{{ 7*7 }}"
SINGLE = "' onmouseover='alert(1)"
PAYLOADS: tuple[str, ...] = (SCRIPT, ATTR, TEXTAREA, SINGLE)
"""Payloads that must never appear unescaped in HTML or Markdown output."""

_ALL = f"{SCRIPT} {ATTR} {TEXTAREA} {TEMPLATE} {SINGLE} {JS_URL}"


def hostile(text: str) -> str:
    return f"{text} {_ALL}"


def hostile_report() -> Report:
    """The sample report with every payload in every free-text field a user controls."""
    base = sample_report()

    def source(info: SourceInfo) -> SourceInfo:
        return replace(
            info,
            path=JS_URL if info.id == "s2" else hostile(info.path),
            title=hostile(info.title or ""),
            language=ATTR,
            media_type=hostile(info.media_type),
            warnings=(*info.warnings, _ALL),
        )

    def loc(locator: Locator) -> Locator:
        return replace(locator, page=ATTR, section=SCRIPT, section_title=_ALL)

    verdicts: list[Verdict] = []
    for v in base.verdicts:
        claim = replace(
            v.claim,
            id=ATTR,
            text=hostile(v.claim.text),
            origin=ATTR if v.claim.origin != "article" else "article",
            language=ATTR,
            citations=tuple(
                replace(c, raw=hostile(c.raw), target=JS_URL, kind="link")
                for c in v.claim.citations
            ),
            quotes=(*v.claim.quotes, Quote(text=SCRIPT, start=0, end=len(SCRIPT))),
        )
        verdicts.append(
            replace(
                v,
                claim=claim,
                reason=hostile(v.reason),
                citation_note=_ALL,
                evidence=tuple(
                    replace(e, text=hostile(e.text), source=ATTR, locator=loc(e.locator),
                            language=ATTR)
                    for e in v.evidence
                ),
                quotes=(
                    *v.quotes,
                    QuoteResult(text=SCRIPT, status="absent", source=ATTR, page=ATTR,
                                source_text=_ALL),
                ),
                numbers=tuple(
                    replace(n, text=hostile(n.text), source_text=_ALL, source=ATTR, page=ATTR)
                    for n in v.numbers
                ),
            )
        )
    return replace(
        base,
        created=_ALL,
        tool_version=_ALL,
        article=source(base.article),
        sources=tuple(source(s) for s in base.sources),
        verdicts=tuple(verdicts),
        skipped=tuple(
            replace(s, text=hostile(s.text), reason=hostile(s.reason), origin=ATTR)
            for s in base.skipped
        ),
        options={"title": _ALL, ATTR: SCRIPT},
        models={"scorer": _ALL},
        comments=(Comment(id=ATTR, text=_ALL, author=_ALL, time=_ALL, parent=ATTR),),
        stances=(
            Stance(ATTR, "disputes", verdicts[0].claim.id, "claim", 0.5, "text", 0.9),
            Stance(ATTR, "asks", ATTR, "comment", 0.4, "reply", 0.1),
        ),
    )
