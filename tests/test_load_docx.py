"""DOCX loading: body order, heading styles, Word numbering rendered, tables, errors."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from sourcecheck.errors import InputError
from sourcecheck.load import load_bytes, load_document
from sourcecheck.load.assemble import offset_problems


def _numbered(paragraph: object, ilvl: int, num_id: int = 90) -> None:
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    p_pr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )


def build_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Rapport om broarnas skick", level=0)
    # Heading numbering as Word stores it: the number is not in the text, only a
    # reference to a numbering definition ("%1", "%1.%2").
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
            '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
        )
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    _numbered(document.add_heading("Inledning", level=1), 0)
    document.add_paragraph("Broarna i Sverige är gamla. Många byggdes på 1960-talet.")
    _numbered(document.add_heading("Bakgrund", level=1), 0)
    _numbered(document.add_heading("Metod", level=2), 1)
    intro = document.add_paragraph("Vi inspekterade ")
    intro.add_run("20 000").bold = True
    intro.add_run(" broar, se ")
    intro._p.append(  # a hyperlink as Word writes it
        parse_xml(
            f'<w:hyperlink {nsdecls("w", "r")} r:id="'
            + document.part.relate_to(
                "https://www.trafikverket.se/",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
                is_external=True,
            )
            + '"><w:r><w:t>Trafikverkets webbplats</w:t></w:r></w:hyperlink>'
        )
    )
    intro.add_run(".")
    document.add_paragraph("Andra stycket i metodavsnittet.")
    document.add_paragraph("Punkt om tjäle", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("År", "Antal"), ("2022", "345"), ("2023", "410")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_heading("3.1 Resultat med egen numrering", level=2)
    document.add_paragraph("Sista stycket.", style="Quote")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_blocks_sections_and_numbering(tmp_path: Path) -> None:
    path = tmp_path / "rapport.docx"
    path.write_bytes(build_docx())
    doc = load_document(path)
    assert offset_problems(doc) == []
    assert doc.id == "rapport"
    assert doc.language == "sv"
    assert doc.title == "Rapport om broarnas skick"
    headings = [
        (doc.text[b.start : b.end], b.section, b.heading_level)
        for b in doc.blocks
        if b.kind == "heading"
    ]
    assert headings == [
        ("Rapport om broarnas skick", None, 0),
        ("1 Inledning", "1", 1),
        ("2 Bakgrund", "2", 1),
        ("2.1 Metod", "2.1", 2),
        ("3.1 Resultat med egen numrering", "3.1", 2),
    ]
    located = doc.locate(doc.text.index("Andra stycket i metodavsnittet"))
    assert (located.section, located.section_title, located.section_paragraph) == (
        "2.1",
        "Metod",
        2,
    )
    assert "Vi inspekterade 20 000 broar, se Trafikverkets webbplats." in doc.text
    [link] = doc.links
    assert doc.text[link.start : link.end] == "Trafikverkets webbplats"
    assert link.target == "https://www.trafikverket.se/"
    kinds = {doc.text[b.start : b.end]: b.kind for b in doc.blocks}
    assert kinds["Punkt om tjäle"] == "list_item"
    assert kinds["År | Antal\n2022 | 345\n2023 | 410"] == "table"
    assert kinds["Sista stycket."] == "quote"


def test_docx_damaged(tmp_path: Path) -> None:
    data = build_docx()
    path = tmp_path / "trasig.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"trasig\.docx: is not a readable Word document"):
        load_document(path)


def test_docx_zip_without_document_part(tmp_path: Path) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    path = tmp_path / "fel.docx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(
        InputError,
        match=r"fel\.docx: is named \.docx but is not a Word "
        r"document \(looks like a ZIP archive\)",
    ):
        load_document(path)


def test_docx_with_only_empty_paragraphs() -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(InputError, match=r"tom\.docx: contains no text"):
        load_bytes(out.getvalue(), name="tom.docx")
