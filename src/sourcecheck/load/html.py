"""Web pages: main text by trafilatura, comment threads by :mod:`.comments`.

trafilatura removes navigation, ads and boilerplate and returns the main content as a small
XML tree (``head``, ``p``, ``list/item``, ``quote``, ``table/row/cell``, ``ref`` for
links); that tree becomes the blocks here. Comments are taken out of the page *before*
trafilatura sees it, so none of their text can end up in the main text.
"""

from __future__ import annotations

import contextlib
import copy
import logging
from typing import Any

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html as parse_html

from sourcecheck.errors import InputError
from sourcecheck.load.assemble import Draft, InlineText, Parsed, assemble
from sourcecheck.load.comments import extract_comments
from sourcecheck.load.sniff import BINARY, sniff_content
from sourcecheck.load.text import decode, looks_binary
from sourcecheck.model import BlockKind, Comment

# trafilatura logs every page it finds too short or unusual; that is not our user's news.
logging.getLogger("trafilatura").setLevel(logging.ERROR)

_INLINE = frozenset({"ref", "hi", "lb", "del", "span", "sub", "sup", "code", "a", "em", "b"})


def load_html(data: bytes, name: str) -> Parsed:
    if sniff_content(data) == BINARY:
        raise InputError(name, "looks like binary data, not HTML")
    tree = _parse(data, name)
    # Relative links are resolved against <base href> where the page has one, as a browser
    # would; without one they are kept as written (we do not know the page's address).
    with contextlib.suppress(ValueError, TypeError):
        tree.resolve_base_href()
    title = _title(tree)
    comments = extract_comments(tree)
    body, flat_comments = _extract(tree)
    drafts = _drafts(body) if body is not None else []
    text, _, blocks, links = assemble(drafts)
    if not comments:
        comments = [c for c in flat_comments if c.text not in text]
    if looks_binary(text):
        raise InputError(name, "looks like binary data, not HTML")
    return Parsed(text=text, blocks=blocks, links=links, comments=tuple(comments), title=title)


def _parse(data: bytes, name: str) -> Any:
    # trafilatura's loader honours <meta charset> and guesses encodings, but refuses
    # fragments it does not take for a page ("<p>Hej"); lxml parses those.
    tree = parse_html(data)
    if isinstance(tree, lxml_html.HtmlElement):
        return tree
    try:
        return lxml_html.document_fromstring(decode(data, name))
    except (etree.ParserError, ValueError) as exc:
        raise InputError(name, f"is not readable HTML ({exc})") from None


def _title(tree: Any) -> str | None:
    try:
        metadata = extract_metadata(copy.deepcopy(tree))
    except (ValueError, TypeError, AttributeError, etree.LxmlError):
        metadata = None
    title = getattr(metadata, "title", None) if metadata is not None else None
    return " ".join(str(title).split()) or None if title else None


def _extract(tree: Any) -> tuple[Any, list[Comment]]:
    """trafilatura's main body, and the comments it found where our markup rules found
    none (flattened: one comment per paragraph, no author, no thread)."""
    result = trafilatura.bare_extraction(
        tree,
        include_comments=True,
        include_links=True,
        include_tables=True,
        include_formatting=False,
        with_metadata=False,
    )
    body = getattr(result, "body", None) if result is not None else None
    found = getattr(result, "commentsbody", None) if result is not None else None
    comments: list[Comment] = []
    for paragraph in found if found is not None else []:
        text = " ".join("".join(paragraph.itertext()).split())
        if text:
            comments.append(Comment(id=f"comment-{len(comments) + 1}", text=text))
    if body is not None and len(body) and "".join(body.itertext()).strip():
        return body, comments
    # trafilatura gives up on very short pages (or took the page for a comment section,
    # then its comments are not to be trusted); its baseline still finds the text.
    baseline_body, _, _ = trafilatura.baseline(tree)
    return baseline_body, []


def _drafts(body: Any) -> list[Draft]:
    drafts: list[Draft] = []
    _container(body, "paragraph", drafts)
    return drafts


def _container(element: Any, kind: BlockKind, out: list[Draft]) -> None:
    """Blocks of a container: block children become blocks of their own; loose inline
    content between them becomes a block of ``kind`` (a list item's text, a quote's)."""
    inline = InlineText()

    def flush() -> None:
        nonlocal inline
        draft = inline.draft(kind)
        if draft is not None:
            out.append(draft)
        inline = InlineText()

    inline.add(element.text or "")
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None:
            pass  # an XML comment or processing instruction
        elif tag in _INLINE and not (tag == "code" and element.tag in ("body", "doc", "main")):
            _inline(child, inline)
        else:
            flush()
            _block(child, tag, kind, out)
        inline.add(child.tail or "")
    flush()


def _block(child: Any, tag: str, kind: BlockKind, out: list[Draft]) -> None:
    if tag == "head":
        rend = str(child.get("rend") or "h2")
        level = int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1].isdigit() else 2
        inline = InlineText()
        _inline(child, inline)
        draft = inline.draft("heading", heading_level=level)
        if draft is not None:
            out.append(draft)
    elif tag == "p":
        inline = InlineText()
        _inline(child, inline)
        draft = inline.draft(kind)
        if draft is not None:
            out.append(draft)
    elif tag == "list":
        for item in child:
            if isinstance(item.tag, str):
                _container(item, "list_item", out)
    elif tag == "quote":
        _container(child, "quote", out)
    elif tag == "table":
        draft = _table(child)
        if draft is not None:
            out.append(draft)
    elif tag == "code":
        code = "".join(child.itertext()).strip("\n")
        if code.strip():
            out.append(Draft("paragraph", code))
    elif tag == "graphic":
        pass
    else:
        _container(child, kind, out)


def _inline(element: Any, inline: InlineText) -> None:
    """Inline content of ``element`` (its text, inline children, their tails)."""
    inline.add(element.text or "")
    for child in element:
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "ref":
            target = child.get("target")
            if target:
                inline.begin_link(str(target))
            _inline(child, inline)
            if target:
                inline.end_link()
        elif child.tag == "lb":
            inline.add(" ")
        elif child.tag != "graphic":
            _inline(child, inline)
        inline.add(child.tail or "")


def _table(table: Any) -> Draft | None:
    rows: list[str] = []
    for row in table.iter("row"):
        cells = []
        for cell in row:
            if cell.tag != "cell":
                continue
            inline = InlineText()
            _inline(cell, inline)
            draft = inline.draft("paragraph")
            cells.append(draft.text if draft else "")
        if any(cells):
            rows.append(" | ".join(cells))
    return Draft("table", "\n".join(rows)) if rows else None
