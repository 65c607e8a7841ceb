"""Word documents (DOCX) with python-docx: paragraphs and tables in body order.

Heading styles (and custom styles based on them, or with an outline level) become heading
blocks. Word's automatic numbering is rendered into the text ("3.4 Metod"), because that
number is what a reader sees and what an article cites, even though the XML only stores
the bare heading text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from lxml import etree

from sourcecheck.errors import InputError
from sourcecheck.load.assemble import Draft, InlineText, Parsed, assemble
from sourcecheck.model import BlockKind

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_TITLE_LEVEL = 0  # the "Title" style sits above "Heading 1"
_DAMAGED = (
    PackageNotFoundError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    AttributeError,
    etree.XMLSyntaxError,
    OSError,
)


def load_docx(data: bytes, name: str) -> Parsed:
    try:
        document = docx.Document(io.BytesIO(data))
        return _parse(document)
    except _DAMAGED as exc:
        # python-docx fails in many ways on a damaged package (missing parts, bad XML,
        # truncated ZIP); for the user they all mean the same thing.
        detail = type(exc).__name__
        raise InputError(
            name, f"is not a readable Word document (damaged or not DOCX: {detail})"
        ) from None


def _parse(document: Any) -> Parsed:
    numbering = _Numbering(document)
    drafts: list[Draft] = []
    for element in _body_elements(document.element.body):
        if element.tag == qn("w:p"):
            draft = _paragraph(Paragraph(element, document), numbering)
        else:
            draft = _table(Table(element, document))
        if draft is not None:
            drafts.append(draft)
    text, _, blocks, links = assemble(drafts)
    title = (document.core_properties.title or "").strip() or next(
        (d.text for d in drafts if d.kind == "heading" and d.heading_level in (_TITLE_LEVEL, 1)),
        None,
    )
    return Parsed(text=text, blocks=blocks, links=links, title=title)


def _body_elements(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, looking inside content controls (a table
    of contents or a form field wraps its paragraphs in ``w:sdt``)."""
    for child in parent.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_elements(content)


def _paragraph(paragraph: Paragraph, numbering: _Numbering) -> Draft | None:
    styles = list(_style_chain(paragraph))
    level = _heading_level(paragraph, styles)
    label = numbering.label(paragraph, styles)
    inline = InlineText()
    if label:
        inline.add(label + " ")
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            # Internal links (table of contents, cross-references) have no address.
            if item.address:
                inline.begin_link(item.url)
                inline.add(item.text)
                inline.end_link()
            else:
                inline.add(item.text)
        else:
            inline.add(item.text)
    kind: BlockKind
    names = [str(s.name or "").lower() for s in styles]
    if level is not None:
        kind = "heading"
    elif numbering.has_numbering(paragraph, styles) or any(n.startswith("list") for n in names):
        kind = "list_item"
    elif any("quote" in n for n in names):
        kind = "quote"
    elif "caption" in names:
        kind = "caption"
    else:
        kind = "paragraph"
    return inline.draft(kind, heading_level=level)


def _style_chain(paragraph: Paragraph) -> Iterator[Any]:
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:  # base_style loops exist in the wild
        yield style
        style = style.base_style
        seen += 1


def _heading_level(paragraph: Paragraph, styles: list[Any]) -> int | None:
    for style in styles:
        name = str(style.name or "")
        m = _HEADING_STYLE.match(name)
        if m:
            return int(m[1])
        if name.lower() == "title":
            return _TITLE_LEVEL
    # Custom heading styles often carry no "Heading" name, only an outline level.
    for element in [paragraph._p, *(s.element for s in styles)]:
        outline = element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if outline is not None:
            value = _int(outline.get(qn("w:val")))
            # Level 9 means "body text".
            if value is not None and value < 9:
                return value + 1
    return None


def _table(table: Table) -> Draft | None:
    rows: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(" ".join(p.text.split()) for p in cell.paragraphs).strip())
        if any(cells):
            rows.append(" | ".join(cells))
    if not rows:
        return None
    return Draft("table", "\n".join(rows))


@dataclass
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


class _Numbering:
    """Renders Word's list and heading numbers ("3.4", "Bilaga 2", "iv)").

    Counters are kept per abstract numbering definition and advance in document order,
    as Word does; deeper levels restart when a shallower one advances.
    """

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._style_levels: dict[tuple[str, str], int] = {}
        self._abstract_of: dict[str, str] = {}
        self._counters: dict[str, list[int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return
        for abstract in root.iterchildren(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"))
            levels: dict[int, _Level] = {}
            for lvl in abstract.iterchildren(qn("w:lvl")):
                ilvl = _int(lvl.get(qn("w:ilvl"))) or 0
                start = _int(_val(lvl, "w:start"))
                levels[ilvl] = _Level(
                    start=1 if start is None else start,
                    fmt=_val(lvl, "w:numFmt") or "decimal",
                    text=_val(lvl, "w:lvlText") or "",
                    legal=lvl.find(qn("w:isLgl")) is not None,
                )
                style_id = _val(lvl, "w:pStyle")
                if style_id:
                    self._style_levels[(abstract_id, style_id)] = ilvl
            self._levels[abstract_id] = levels
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self._abstract_of[num.get(qn("w:numId"))] = ref.get(qn("w:val"))

    def _num_pr(self, paragraph: Paragraph, styles: list[Any]) -> tuple[str, int] | None:
        """(abstract numbering id, level) of a numbered paragraph, else None."""
        for element in [paragraph._p, *(s.element for s in styles)]:
            num_pr = element.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is None:
                continue
            num_id = _val(num_pr, "w:numId")
            if num_id is None:
                continue
            abstract_id = self._abstract_of.get(num_id)
            if num_id == "0" or abstract_id is None:
                return None  # numbering explicitly switched off
            ilvl = _int(_val(num_pr, "w:ilvl"))
            if ilvl is None:
                style_id = styles[0].style_id if styles else None
                ilvl = self._style_levels.get((abstract_id, style_id or ""), 0)
            return abstract_id, ilvl
        return None

    def has_numbering(self, paragraph: Paragraph, styles: list[Any]) -> bool:
        return self._num_pr(paragraph, styles) is not None

    def label(self, paragraph: Paragraph, styles: list[Any]) -> str | None:
        """The rendered number of a numbered paragraph (advancing the counters), or None
        for an unnumbered or bulleted one."""
        found = self._num_pr(paragraph, styles)
        if found is None:
            return None
        abstract_id, ilvl = found
        levels = self._levels.get(abstract_id, {})
        if ilvl not in levels:
            return None
        counters = self._counters.setdefault(abstract_id, [None] * 10)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        for shallower in range(ilvl):
            if counters[shallower] is None and shallower in levels:
                counters[shallower] = levels[shallower].start
        level = levels[ilvl]
        if level.fmt in ("bullet", "none") or not level.text:
            return None

        def render(m: re.Match[str]) -> str:
            k = int(m[1]) - 1
            value = counters[k] if 0 <= k < len(counters) else None
            if value is None or k not in levels:
                return ""
            fmt = "decimal" if level.legal else levels[k].fmt
            return _format_number(value, fmt)

        return re.sub(r"%(\d)", render, level.text).strip() or None


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman"):
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        letters = ""
        n = value
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(ord("A") + rem) + letters
        return letters if fmt == "upperLetter" else letters.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out = ""
    for number, letters in numerals:
        while value >= number:
            out += letters
            value -= number
    return out


def _val(element: Any, tag: str) -> str | None:
    child = element.find(qn(tag))
    if child is None:
        return None
    value = child.get(qn("w:val"))
    return str(value) if value is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
