"""The loading API, format sniffing, plain text and Markdown, and the offset invariant."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sourcecheck.errors import InputError
from sourcecheck.load import (
    load_bytes,
    load_document,
    load_text,
    media_types,
    register,
    sniff_media_type,
)
from sourcecheck.load.assemble import Parsed, offset_problems
from sourcecheck.load.headings import parse_heading
from sourcecheck.load.registry import _registered
from sourcecheck.load.sniff import DOCX, HTML, MARKDOWN, PDF, TEXT, ZIP

SWEDISH = (
    "Trafikverket har inspekterat över 20 000 broar. Var femte bro är i dåligt skick, "
    "och åtgärderna kostar 12 miljarder kronor enligt myndighetens rapport."
)


def texts(doc, kind: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[b.start : b.end] for b in doc.blocks if kind is None or b.kind == kind]


# --- the API ---------------------------------------------------------------------------


def test_load_document_basics(tmp_path: Path) -> None:
    path = tmp_path / "källa.txt"
    data = SWEDISH.encode("utf-8")
    path.write_bytes(data)
    doc = load_document(path)
    assert doc.id == "källa"
    assert doc.path == str(path)
    assert doc.media_type == TEXT
    assert doc.text == SWEDISH
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.language == "sv"
    assert load_document(str(path), doc_id="k1").id == "k1"


def test_missing_file_directory_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"finns-inte\.pdf: no such file"):
        load_document(tmp_path / "finns-inte.pdf")
    with pytest.raises(InputError, match=r"is a directory"):
        load_document(tmp_path)
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match=r"tom\.txt: is empty"):
        load_document(empty)
    with pytest.raises(InputError, match=r"blank\.txt: contains no text"):
        load_bytes(b" \n\n \t\n", name="blank.txt")


def test_load_bytes_and_text_for_stdin() -> None:
    doc = load_bytes(SWEDISH.encode("utf-8"), name="<stdin>")
    assert doc.path == "<stdin>"
    assert doc.text == SWEDISH
    assert load_text(SWEDISH).text == SWEDISH
    md = load_text("# Rubrik\n\nText med **fetstil**.", name="<stdin>", media_type="text/markdown")
    assert md.text == "Rubrik\n\nText med fetstil."
    html = load_text("<p>Hej <b>där</b></p>", media_type="text/html; charset=utf-8")
    assert html.media_type == HTML and html.text == "Hej där"


def test_unsupported_type_and_custom_loader() -> None:
    with pytest.raises(
        InputError,
        match=r"x\.bin: is application/x-foo, which sourcecheck "
        "cannot read",
    ):
        load_bytes(b"data", name="x.bin", media_type="application/x-foo")

    def upper(data: bytes, name: str) -> Parsed:
        return Parsed(text=data.decode().upper())

    register("application/x-foo", upper)
    try:
        assert "application/x-foo" in media_types()
        assert load_bytes(b"abc", name="x.foo", media_type="application/x-foo").text == "ABC"
    finally:
        _registered.pop("application/x-foo")


# --- sniffing ----------------------------------------------------------------------------


def _zip_with(names: list[str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n...", "rapport.txt", PDF),
        (b"\xef\xbb\xbf  <!DOCTYPE html><html></html>", "sida", HTML),
        (b"<html><body>hej</body></html>", "sida.txt", HTML),
        (b"<p align=center>logo</p>\n# Rubrik", "README.md", MARKDOWN),
        (b"# Rubrik\n\ntext", "anteckning.md", MARKDOWN),
        (b"# Rubrik\n\ntext", "anteckning", TEXT),
        (b"vanlig text", "x.html", HTML),
        (b"vanlig text", "utan-suffix", TEXT),
        (b"\x00\x01\x02binary", "data.txt", "application/octet-stream"),
    ],
)
def test_sniff_media_type(data: bytes, name: str, expected: str) -> None:
    assert sniff_media_type(data, name) == expected


def test_sniff_zip_kinds() -> None:
    assert sniff_media_type(_zip_with(["word/document.xml"]), "x.zip") == DOCX
    assert sniff_media_type(_zip_with(["content.xml"]), "x.docx") == ZIP


def test_wrong_suffix_for_pdf_names_what_it_is(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(SWEDISH.encode())
    with pytest.raises(
        InputError,
        match=r"rapport\.pdf: is named \.pdf but is not a PDF "
        r"\(looks like plain text\)",
    ):
        load_document(path)


# --- plain text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + SWEDISH.encode("utf-8"),
        SWEDISH.encode("utf-16"),  # with its BOM
        SWEDISH.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]),
        SWEDISH.encode("latin-1"),
        SWEDISH.encode("cp1252"),
        "Hej på dig, åäö ÅÄÖ".encode("latin-1") + b" " + SWEDISH.encode("latin-1"),
    ],
)
def test_text_encodings(data: bytes) -> None:
    doc = load_bytes(data, name="x.txt")
    assert doc.text.endswith(SWEDISH)
    assert "\ufeff" not in doc.text


def test_text_normalises_line_ends_and_nfc() -> None:
    decomposed = "Fo\u0308rsta rad\r\nandra rad\r\n\r\nNytt stycke"
    doc = load_bytes(decomposed.encode(), name="x.txt")
    assert doc.text == "F\u00f6rsta rad\nandra rad\n\nNytt stycke"
    assert texts(doc) == ["F\u00f6rsta rad\nandra rad", "Nytt stycke"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (bytes(range(256)) * 4, "looks like binary data, not text"),
        (b"text\x00with\x00nul\x00bytes and more text", "looks like binary data, not text"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08" * 20, "looks like binary data, not text"),
    ],
)
def test_text_binary_is_refused(data: bytes, problem: str) -> None:
    with pytest.raises(InputError, match=rf"blob\.txt: {problem}"):
        load_bytes(data, name="blob.txt")


def test_text_headings_paragraphs_and_lists() -> None:
    source = (
        "Rapport om broar\n\n"
        "3.4 Metod\n\n"
        "Inspektionerna gjordes\nunder fem år.\n\n"
        "3.4.3 Tillfälliga begränsningar\n"
        "Broar i klass fyra stängs för tung trafik.\n\n"
        "- första punkten\n- andra punkten\n  som fortsätter\n\n"
        "1. Ett numrerat stycke.\n\n"
        "12 kommuner har svarat på enkäten och resten har inte hört av sig ännu alls.\n"
    )
    doc = load_text(source)
    assert offset_problems(doc) == []
    assert doc.text == source  # plain text is its own canonical text
    assert texts(doc, "heading") == ["3.4 Metod", "3.4.3 Tillfälliga begränsningar"]
    assert texts(doc, "list_item") == [
        "- första punkten",
        "- andra punkten\n  som fortsätter",
        "1. Ett numrerat stycke.",
    ]
    located = doc.locate(source.index("Broar i klass fyra"))
    assert (located.section, located.section_title, located.section_paragraph) == (
        "3.4.3",
        "Tillfälliga begränsningar",
        1,
    )
    assert located.paragraph == 3
    last = doc.locate(source.index("12 kommuner"))
    assert last.section == "3.4.3" and last.section_paragraph == 5


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("3.4.3 Tillfälliga begränsningar", ("3.4.3", "Tillfälliga begränsningar", 3)),
        ("2. Bakgrund", ("2", "Bakgrund", 1)),
        ("Kapitel 2 Metod", ("2", "Metod", 1)),
        ("Bilaga 1", ("Bilaga 1", "Bilaga 1", 1)),
        ("Appendix B: Data", ("Appendix B", "Data", 1)),
        ("2019 Stockholm", None),
        ("12 kommuner har svarat", None),
        ("1. Det finns många broar.", None),
        ("3.4 Metod ........ 12", None),
        ("1 000 kronor", None),
    ],
)
def test_strict_heading_parse(line: str, expected: tuple[str, str, int] | None) -> None:
    parts = parse_heading(line, strict=True)
    assert (None if parts is None else (parts.number, parts.title, parts.level)) == expected


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_rendered_text_blocks_and_links() -> None:
    source = (
        "---\ntitle: front matter\n---\n"
        "# Broar i **Sverige**\n\n"
        "Enligt [Trafikverkets rapport](https://trafikverket.se/r.pdf) är *20 procent* av\n"
        "`broarna` i dåligt skick.\n\n"
        "## 3.4 Metod\n\n"
        "- Första [punkten](a.html)\n- Andra\n\n"
        "> Citat ur rapporten.\n\n"
        "| År | Antal |\n|----|-------|\n| 2020 | 345 |\n"
    )
    doc = load_bytes(source.encode(), name="artikel.md")
    assert offset_problems(doc) == []
    assert doc.media_type == MARKDOWN
    assert doc.title == "Broar i Sverige"
    assert "front matter" not in doc.text
    assert texts(doc) == [
        "Broar i Sverige",
        "Enligt Trafikverkets rapport är 20 procent av broarna i dåligt skick.",
        "3.4 Metod",
        "Första punkten",
        "Andra",
        "Citat ur rapporten.",
        "År | Antal\n2020 | 345",
    ]
    assert [b.kind for b in doc.blocks] == [
        "heading", "paragraph", "heading", "list_item", "list_item", "quote", "table",
    ]  # fmt: skip
    assert [(doc.text[x.start : x.end], x.target) for x in doc.links] == [
        ("Trafikverkets rapport", "https://trafikverket.se/r.pdf"),
        ("punkten", "a.html"),
    ]
    assert doc.locate(doc.text.index("Andra")).section == "3.4"


# --- the offset invariant, by property ------------------------------------------------------

_words = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöÅÄÖ É0123456789.,-*_`#[]()!")),
    min_size=0,
    max_size=30,
)
_line = st.one_of(
    _words,
    st.builds(lambda n, t: f"{n} {t}", st.sampled_from(["1", "3.4", "3.4.3", "12"]), _words),
    st.builds(lambda t: f"- {t}", _words),
    st.builds(lambda t, u: f"[{t}]({u})", _words, st.sampled_from(["a.html", "http://x.se"])),
    st.builds(lambda t: f"## {t}", _words),
    st.just(""),
    st.just("   "),
    st.just("> citat"),
    st.just("| a | b |\n|---|---|\n| 1 | 2 |"),
)
_documents = st.lists(_line, min_size=1, max_size=25).map(
    lambda lines: "\n".join(lines)
) | st.lists(_line, min_size=1, max_size=12).map(lambda lines: "\r\n\r\n".join(lines))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents, st.sampled_from(["text/plain", "text/markdown"]))
def test_offsets_hold_for_generated_documents(source: str, media_type: str) -> None:
    try:
        doc = load_text(source, name="gen", media_type=media_type)
    except InputError as exc:
        assert exc.problem in ("contains no text", "is empty")
        return
    assert offset_problems(doc) == []
    for block in doc.blocks:
        piece = doc.text[block.start : block.end]
        assert piece and piece == piece.strip()
        assert block.paragraph_in_page is None or block.paragraph_in_page >= 1
    for link in doc.links:
        assert doc.text[link.start : link.end].strip()
