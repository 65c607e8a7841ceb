"""PDF loading: page labels, running heads, mending, sections, errors, speed.

PDFs are built in the test with fpdf2, line by line (``cell`` per line), so each test
controls exactly where lines break, which words are hyphenated and what the footer says.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter
from pypdf.constants import PageLabelStyle

from sourcecheck.errors import InputError
from sourcecheck.load import load_bytes, load_document
from sourcecheck.load.assemble import offset_problems
from sourcecheck.load.pdf import _join, _Line, _make_line, _page_drafts, _Stats

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass
class Para:
    """One paragraph as explicit lines; ``style`` "h" is a bold 14 pt heading."""

    lines: Sequence[str]
    style: str = "p"
    gap: bool = True  # vertical space after it


@dataclass
class Spec:
    pages: list[list[Para]]
    header: str | Callable[[int], str] | None = None
    footer: Callable[[int], str | None] | None = None
    font_path: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


def build_pdf(spec: Spec) -> bytes:
    class Doc(FPDF):
        def header(self) -> None:
            if spec.header:
                text = spec.header if isinstance(spec.header, str) else spec.header(self.page_no())
                self.set_font(family, size=8)
                self.cell(0, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(6)

        def footer(self) -> None:
            text = spec.footer(self.page_no()) if spec.footer else None
            if text:
                self.set_y(-15)
                self.set_font(family, size=8)
                self.cell(0, 10, text, align="C")

    pdf = Doc()
    pdf.set_auto_page_break(False)
    family = "Helvetica"
    if spec.font_path is not None:
        pdf.add_font("DejaVu", "", str(spec.font_path))
        pdf.add_font("DejaVu", "B", str(spec.font_path))
        family = "DejaVu"
    for paras in spec.pages:
        pdf.add_page()
        for para in paras:
            if para.style == "h":
                pdf.set_font(family, "B", 14)
                height = 8.0
            else:
                pdf.set_font(family, size=11)
                height = 6.0
            for line in para.lines:
                pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")
            if para.gap:
                pdf.ln(4)
    return bytes(pdf.output())


# Varied Swedish body text: running-head detection must not mistake repeated body lines
# for headers, so no two pages share a line.
WORDS = [
    "broar", "vägar", "järnvägar", "underhåll", "kostnader", "inspektion", "betong", "tjäle",
    "saltning", "myndigheten", "rapporten", "åtgärder", "klass", "skick", "län", "kommuner",
    "trafik", "säkerhet", "år",
]  # fmt: skip


def body_lines(seed: int, count: int, *, last: str = "Slut på stycket.") -> list[str]:
    lines = []
    for i in range(count - 1):
        words = [WORDS[(seed * 7 + i * 3 + k) % len(WORDS)] for k in range(14)]
        lines.append(f"Rad {seed}-{i}: " + " ".join(words))
    lines.append(last)
    return lines


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def block_texts(doc, kind: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[b.start : b.end] for b in doc.blocks if kind is None or b.kind == kind]


# --- running heads, labels, sections --------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf() -> bytes:
    """A cover without footer, then pages numbered "Sida 1".. from the second page on."""
    pages = [
        [Para(["Rapport om broarnas skick"], style="h"), Para(["Trafikverket, mars 2024."])],
        [
            Para(["3.4 Metod"], style="h"),
            Para(body_lines(1, 4, last="Metoden beskrivs nedan.")),
            Para(["3.4.3 Tillfälliga begränsningar"], style="h"),
            Para(body_lines(2, 3, last="Första stycket i avsnittet.")),
            Para(body_lines(3, 3, last="Andra stycket i avsnittet."), gap=False),
            Para(
                [
                    "Den svenska infra-",
                    "strukturen granskas av EU-",
                    "kommissionen och av vatten-",
                    "och avloppsverken varje år, och detta stycket fortsätter",
                ],
                gap=False,
            ),
        ],
        [
            Para(["på nästa sida där det slutar med en punkt."]),
            Para(body_lines(4, 3, last="Tredje stycket i avsnittet.")),
            Para(["4 Resultat"], style="h"),
            Para(body_lines(5, 3, last="Resultatet är tydligt.")),
        ],
        [Para(body_lines(6, 4, last="Sista stycket i rapporten."))],
    ]
    spec = Spec(
        pages=pages,
        header="Trafikverket Rapport 2024:12",
        footer=lambda n: f"Sida {n - 1}" if n > 1 else None,
    )
    return build_pdf(spec)


def test_pdf_running_heads_removed_and_printed_labels_used(
    tmp_path: Path, report_pdf: bytes
) -> None:
    doc = load_document(write(tmp_path, "rapport.pdf", report_pdf))
    assert offset_problems(doc) == []
    assert doc.id == "rapport"
    assert doc.title == "Rapport om broarnas skick"  # no metadata: the first heading
    assert doc.media_type == "application/pdf"
    assert doc.language == "sv"
    assert "Trafikverket Rapport 2024:12" not in doc.text
    assert "Sida" not in doc.text
    # The cover has no printed number; "1" is printed on the second page, so the cover's
    # index is bracketed rather than clashing with it.
    assert [p.label for p in doc.pages] == ["[1]", "1", "2", "3"]
    page = doc.page_by_label("2")
    assert page is not None and page.index == 3
    assert "4 Resultat" in doc.text[page.start : page.end]


def test_pdf_pages_are_exact_spans(tmp_path: Path, report_pdf: bytes) -> None:
    doc = load_document(write(tmp_path, "rapport.pdf", report_pdf))
    assert [p.index for p in doc.pages] == [1, 2, 3, 4]
    first = doc.pages[0]
    assert doc.text[first.start : first.end] == (
        "Rapport om broarnas skick\n\nTrafikverket, mars 2024."
    )
    for block in doc.blocks:
        page = doc.page_at(block.start)
        assert page is not None and page.index == block.page


def test_pdf_hyphenation_mended_but_real_hyphens_kept(tmp_path: Path, report_pdf: bytes) -> None:
    doc = load_document(write(tmp_path, "rapport.pdf", report_pdf))
    assert "Den svenska infrastrukturen granskas av EU-kommissionen" in doc.text
    assert "och av vatten- och avloppsverken" in doc.text
    assert "infra-" not in doc.text


def test_pdf_headings_sections_and_paragraph_numbers(tmp_path: Path, report_pdf: bytes) -> None:
    doc = load_document(write(tmp_path, "rapport.pdf", report_pdf))
    headings = [b for b in doc.blocks if b.kind == "heading"]
    numbered = [(b.section, b.section_title, b.heading_level) for b in headings if b.section]
    assert numbered == [
        ("3.4", "Metod", 2),
        ("3.4.3", "Tillfälliga begränsningar", 3),
        ("4", "Resultat", 1),
    ]
    first = doc.locate(doc.text.index("Första stycket i avsnittet"))
    assert (first.section, first.section_title, first.section_paragraph) == (
        "3.4.3",
        "Tillfälliga begränsningar",
        1,
    )
    assert (first.page, first.page_index, first.paragraph) == ("1", 2, 2)
    # Paragraph breaks without a vertical gap: a short line ending in a full stop.
    second = doc.locate(doc.text.index("Rad 3-0"))
    assert second.section_paragraph == 2
    # The paragraph split by the page break counts once in its section and starts the
    # count of its new page.
    split = doc.locate(doc.text.index("på nästa sida"))
    assert (split.page_index, split.paragraph, split.section) == (3, 1, "3.4.3")
    before = doc.locate(doc.text.index("Den svenska infrastrukturen"))
    assert before.section_paragraph == 3
    assert split.section_paragraph == 3
    third = doc.locate(doc.text.index("Rad 4-0"))
    assert (third.section, third.section_paragraph, third.paragraph) == ("3.4.3", 4, 2)
    # Sections carry across pages until the next heading.
    last = doc.locate(doc.text.index("Sista stycket i rapporten"))
    assert (last.section, last.section_title, last.page) == ("4", "Resultat", "3")


def test_pdf_lines_joined_into_paragraphs(tmp_path: Path, report_pdf: bytes) -> None:
    doc = load_document(write(tmp_path, "rapport.pdf", report_pdf))
    paragraph = next(t for t in block_texts(doc, "paragraph") if t.startswith("Rad 1-0"))
    assert "\n" not in paragraph
    assert paragraph.endswith("Metoden beskrivs nedan.")
    assert paragraph.count("Rad 1-") == 3


def test_pdf_real_page_labels_roman_front_matter(tmp_path: Path) -> None:
    endings = ["Förord.", "Innehåll.", "Inledning.", "Bakgrund med text.", "Analys."]
    pages = [[Para(body_lines(i, 3, last=ending))] for i, ending in enumerate(endings)]
    writer = PdfWriter(clone_from=io.BytesIO(build_pdf(Spec(pages=pages))))
    writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(2, 4, style=PageLabelStyle.DECIMAL, start=1)
    out = io.BytesIO()
    writer.write(out)
    doc = load_document(write(tmp_path, "labels.pdf", out.getvalue()))
    assert [p.label for p in doc.pages] == ["i", "ii", "1", "2", "3"]
    page = doc.page_by_label("II")
    assert page is not None and page.index == 2
    assert doc.locate(doc.text.index("Bakgrund med text")).page == "2"


def test_pdf_without_labels_or_footers_uses_index(tmp_path: Path) -> None:
    pages = [[Para(body_lines(i, 3))] for i in range(3)]
    doc = load_bytes(build_pdf(Spec(pages=pages)), name="plain.pdf")
    assert [p.label for p in doc.pages] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("footer", "expected"),
    [
        (lambda n: f"- {n + 6} -", ["7", "8", "9", "10"]),
        (lambda n: f"{n + 6}", ["7", "8", "9", "10"]),
        (lambda n: f"Page {n} of 4", ["1", "2", "3", "4"]),
    ],
)
def test_pdf_printed_footer_numbers(footer: Callable[[int], str], expected: list[str]) -> None:
    pages = [[Para(body_lines(i, 3))] for i in range(4)]
    doc = load_bytes(build_pdf(Spec(pages=pages, footer=footer)), name="f.pdf")
    assert [p.label for p in doc.pages] == expected
    assert not any(t.strip().isdigit() for t in block_texts(doc))
    assert "Page" not in doc.text


def test_pdf_running_head_with_changing_chapter_title_and_page_number() -> None:
    # texinfo style: "Kapitel 2: Metod 13" - the title changes by chapter, the number by
    # page; neither repeats on most pages, but the number runs in step with the page.
    titles = ["Inledning", "Metod", "Metod", "Resultat", "Resultat", "Diskussion"]
    pages = [[Para(body_lines(i, 3))] for i in range(len(titles))]
    doc = load_bytes(
        build_pdf(
            Spec(pages=pages, header=lambda n: f"Kapitel {n // 2 + 1}: {titles[n - 1]} {n + 10}")
        ),
        name="texinfo.pdf",
    )
    assert "Kapitel" not in doc.text
    assert [p.label for p in doc.pages] == ["11", "12", "13", "14", "15", "16"]


def test_pdf_chapter_headings_at_same_spot_are_not_running_heads() -> None:
    pages = [[Para([f"Kapitel {n}"], style="h"), Para(body_lines(n, 3))] for n in (2, 3, 5, 8)]
    doc = load_bytes(build_pdf(Spec(pages=pages)), name="kapitel.pdf")
    assert [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"] == [
        "Kapitel 2",
        "Kapitel 3",
        "Kapitel 5",
        "Kapitel 8",
    ]
    assert doc.locate(doc.text.index("Rad 5-0")).section == "5"


# --- mending ----------------------------------------------------------------------------


def test_pdf_ligatures_and_soft_hyphens_in_a_real_pdf() -> None:
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans is not installed")
    pages = [
        [Para(["Den ofﬁciella ﬂödesrapporten för", "ﬀ och ﬃ och ﬄ gäller kom\u00admun."])]
        for _ in range(1)
    ]
    doc = load_bytes(build_pdf(Spec(pages=pages, font_path=DEJAVU)), name="lig.pdf")
    assert "Den officiella flödesrapporten för ff och ffi och ffl gäller kommun." in doc.text


def test_line_mending_rules() -> None:
    stats = _Stats(None, [], hyphenated={"e-post"}, words=set())
    assert _join("infra-", "struktur", False, stats) == "infrastruktur"
    assert _join("EU-", "kommissionen", False, stats) == "EU-kommissionen"
    assert _join("Stockholms-", "Regionen", False, stats) == "Stockholms-Regionen"
    assert _join("år 2019-", "2023", False, stats) == "år 2019-2023"
    assert _join("vatten-", "och avlopp", False, stats) == "vatten- och avlopp"
    # A compound the document writes with a hyphen elsewhere keeps it.
    assert _join("skicka e-", "post", False, stats) == "skicka e-post"
    assert _join("kom", "mun", True, stats) == "kommun"
    line = _make_line("  ﬁnns\u00a0i  ﬂera  o\u0308ar kom\u00ad", [])
    assert line.text == "finns i flera öar kom"
    assert line.soft_break


def test_paragraphs_from_text_alone_when_pypdf_gives_no_layout() -> None:
    # If pypdf's visitor and its text disagree, lines come without positions or fonts;
    # headings and paragraph breaks then rest on the text alone.
    lines = [
        _Line("3.4 Metod"),
        _Line("Inspektionerna gjordes av certifierade besiktningsmän under fem"),
        _Line("år i hela landet, från Skåne i söder till Norrbotten i norr, och"),
        _Line("resultaten samlades in."),
        _Line("Varje bro bedömdes på en skala från ett till fyra av två personer"),
        _Line("oberoende av varandra, och skillnader mellan bedömningarna togs"),
        _Line("upp till diskussion."),
        _Line("- en punkt i en lista"),
    ]
    drafts = _page_drafts(lines, 1, _Stats(None, [], set(), set()), set())
    assert [(d.kind, d.number, d.text[:20]) for d in drafts] == [
        ("heading", "3.4", "3.4 Metod"),
        ("paragraph", None, "Inspektionerna gjord"),
        ("paragraph", None, "Varje bro bedömdes p"),
        ("list_item", None, "- en punkt i en list"),
    ]


# --- errors -------------------------------------------------------------------------------


def test_pdf_named_but_html(tmp_path: Path) -> None:
    path = write(tmp_path, "rapport.pdf", b"<!DOCTYPE html><html><body>404</body></html>")
    with pytest.raises(
        InputError,
        match=r"rapport\.pdf: is named \.pdf but is not a PDF "
        r"\(looks like HTML\)",
    ):
        load_document(path)


def test_pdf_truncated(tmp_path: Path, report_pdf: bytes) -> None:
    path = write(tmp_path, "halv.pdf", report_pdf[: len(report_pdf) // 2])
    with pytest.raises(InputError, match=r"halv\.pdf: is truncated or damaged"):
        load_document(path)


def test_pdf_damaged(tmp_path: Path) -> None:
    path = write(tmp_path, "trasig.pdf", b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n")
    with pytest.raises(InputError, match=r"trasig\.pdf: (is damaged|has no pages)"):
        load_document(path)


def _encrypted(user_password: str, owner_password: str) -> bytes:
    pages = [[Para(body_lines(1, 3))]]
    writer = PdfWriter(clone_from=io.BytesIO(build_pdf(Spec(pages=pages))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_encrypted_with_password(tmp_path: Path) -> None:
    path = write(tmp_path, "hemlig.pdf", _encrypted("hemligt", "ägare"))
    with pytest.raises(
        InputError,
        match=r"hemlig\.pdf: is encrypted; sourcecheck cannot read "
        "password-protected PDFs",
    ):
        load_document(path)


def test_pdf_encrypted_only_against_copying_opens(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "skyddad.pdf", _encrypted("", "ägare")))
    assert "Rad 1-0" in doc.text


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 100, 150, style="F")
    path = write(tmp_path, "skannad.pdf", bytes(pdf.output()))
    with pytest.raises(
        InputError,
        match=r"skannad\.pdf: has no text layer \(scanned\?\); "
        "run OCR first, e.g. ocrmypdf",
    ):
        load_document(path)


# --- size ---------------------------------------------------------------------------------


def _long_pdf(pages: int) -> bytes:
    spec = Spec(
        pages=[
            [
                Para([f"{n}.1 Avsnitt {n}"], style="h"),
                Para(body_lines(n, 12)),
                Para(body_lines(n + 1, 12)),
                Para(body_lines(n + 2, 12)),
            ]
            for n in range(1, pages + 1)
        ],
        header="Statens offentliga utredningar",
        footer=lambda n: f"Sida {n}",
    )
    return build_pdf(spec)


def test_pdf_fifty_pages() -> None:
    data = _long_pdf(50)
    doc = load_bytes(data, name="femtio.pdf")
    assert len(doc.pages) == 50
    assert offset_problems(doc) == []
    assert "Statens offentliga" not in doc.text
    page = doc.pages[39]
    located = doc.locate(doc.text.index("Rad 41-0", page.start))
    assert (located.page, located.section, located.paragraph, located.section_paragraph) == (
        "40",
        "40.1",
        2,
        2,
    )


@pytest.mark.slow
def test_pdf_thousand_pages() -> None:
    data = _long_pdf(1000)
    doc = load_bytes(data, name="tusen.pdf")
    assert len(doc.pages) == 1000
    assert [p.label for p in doc.pages[-2:]] == ["999", "1000"]
    assert offset_problems(doc) == []


def test_one_line_per_page_is_content_not_a_running_head(tmp_path: Path) -> None:
    """Lines alike up to their numbers on every page are running heads only while the
    pages keep other text; a list with one entry per page must survive."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(1, 31):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Avsnitt {n}. Bro nummer {n} inspekterades under året.")
    path = tmp_path / "lista.pdf"
    path.write_bytes(bytes(pdf.output()))
    doc = load_document(path)
    assert len(doc.pages) == 30
    assert "Bro nummer 17 inspekterades" in doc.text
