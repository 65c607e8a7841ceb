"""Building one canonical text from blocks, with every offset computed in one place.

Loaders describe what they found as :class:`Draft` blocks (kind, text, page, heading
number); :func:`assemble` lays them out as ``block + "\\n\\n" + block + ...`` and hands back
the text together with pages, blocks and links whose ``start``/``end`` slice it exactly.
Loaders whose canonical text is the input itself (plain text) compute spans themselves and
only use :func:`number_blocks` for sections and paragraph counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sourcecheck.load.headings import parse_heading
from sourcecheck.model import Block, BlockKind, Comment, Document, Link, Page

SEPARATOR = "\n\n"

_WS = re.compile(r"\s+")


@dataclass
class DraftLink:
    """A link whose anchor is ``Draft.text[start:end]``."""

    target: str
    start: int
    end: int


@dataclass
class Draft:
    """A block before it has a place in the canonical text.

    ``number``/``title`` are a heading's own section number and title;
    ``continues`` marks a paragraph that goes on from the previous block (a paragraph
    split by a page break), so it does not count as a new paragraph of its section.
    """

    kind: BlockKind
    text: str
    page: int | None = None
    heading_level: int | None = None
    number: str | None = None
    title: str | None = None
    links: list[DraftLink] = field(default_factory=list)
    continues: bool = False


@dataclass(frozen=True)
class Parsed:
    """What a format loader returns; :mod:`sourcecheck.load` adds id, hash and language."""

    text: str
    pages: tuple[Page, ...] = ()
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    comments: tuple[Comment, ...] = ()
    title: str | None = None
    warnings: tuple[str, ...] = ()


def heading(text: str, level: int | None, *, page: int | None = None) -> Draft:
    """A heading draft whose section number is read from its text.

    ``level`` is the level the format gives (h2, "Heading 2"); None means "use the depth of
    the section number".
    """
    parts = parse_heading(text)
    number = parts.number if parts else None
    title = parts.title if parts and parts.title else None
    depth = parts.level if parts else 1
    return Draft(
        "heading",
        text,
        page=page,
        heading_level=level if level is not None else depth,
        number=number,
        title=title,
    )


class InlineText:
    """Accumulates inline text with whitespace collapsed, tracking link anchors.

    Collapsing happens while appending, so link offsets recorded on the way stay right.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._len = 0
        self._ends_with_space = True  # nothing yet: a leading space would be dropped
        self._links: list[DraftLink] = []
        self._open: list[tuple[str, int]] = []

    def add(self, s: str) -> None:
        if not s:
            return
        s = _WS.sub(" ", s)
        if s.startswith(" ") and self._ends_with_space:
            s = s[1:]
        if not s:
            return
        self._parts.append(s)
        self._len += len(s)
        self._ends_with_space = s.endswith(" ")

    def begin_link(self, target: str) -> None:
        self._open.append((target, self._len))

    def end_link(self) -> None:
        if self._open:
            target, start = self._open.pop()
            self._links.append(DraftLink(target, start, self._len))

    def draft(self, kind: BlockKind, *, heading_level: int | None = None) -> Draft | None:
        """The collected text as a stripped draft (a heading draft for ``"heading"``),
        or None if it is blank."""
        raw = "".join(self._parts)
        text = raw.strip()
        if not text:
            return None
        lead = len(raw) - len(raw.lstrip())
        links: list[DraftLink] = []
        for link in self._links:
            start = max(link.start - lead, 0)
            end = min(link.end - lead, len(text))
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end and link.target:
                links.append(DraftLink(link.target, start, end))
        draft = heading(text, heading_level) if kind == "heading" else Draft(kind, text)
        draft.links = links
        return draft


def assemble(
    drafts: Sequence[Draft], *, page_labels: Sequence[str] | None = None
) -> tuple[str, tuple[Page, ...], tuple[Block, ...], tuple[Link, ...]]:
    """Lay drafts out as one text (blocks separated by a blank line).

    With ``page_labels`` the document is paged: drafts must come in page order with
    ``page`` set (1-based), and one :class:`Page` is made per label, including empty
    pages (a zero-length span where the text would be).
    """
    parts: list[str] = []
    length = 0
    spans: list[tuple[Draft, int, int]] = []
    links: list[Link] = []
    page_spans: dict[int, tuple[int, int]] = {}
    for draft in drafts:
        text = draft.text.strip()
        if not text:
            continue
        lead = len(draft.text) - len(draft.text.lstrip())
        if parts:
            parts.append(SEPARATOR)
            length += len(SEPARATOR)
        start = length
        parts.append(text)
        length += len(text)
        spans.append((draft, start, length))
        for link in draft.links:
            s = max(link.start - lead, 0)
            e = min(link.end - lead, len(text))
            if s < e:
                links.append(Link(link.target, start + s, start + e))
        if draft.page is not None:
            first = page_spans.get(draft.page, (start, length))[0]
            page_spans[draft.page] = (first, length)
    canonical = "".join(parts)
    pages: list[Page] = []
    if page_labels is not None:
        cursor = 0
        for index, label in enumerate(page_labels, start=1):
            if index in page_spans:
                start, end = page_spans[index]
            else:
                start = end = cursor
            pages.append(Page(index, label, start, end))
            cursor = end
    return (
        canonical,
        tuple(pages),
        number_blocks(spans, paged=page_labels is not None),
        tuple(links),
    )


@dataclass
class _Open:
    level: int
    number: str | None
    title: str | None
    key: int


def number_blocks(
    spans: Sequence[tuple[Draft, int, int]], *, paged: bool = False
) -> tuple[Block, ...]:
    """Blocks with section, section title and paragraph counts.

    A block's section is the number of the innermost *numbered* heading above it (headings
    close at the next heading of the same or a higher level, across pages). Its
    section title is that heading's title, or, in a document without numbers, the innermost
    heading's text. Paragraphs (every non-heading block) count from 1 per page and per
    section; an unpaged document counts per page as if it were one page.
    """
    stack: list[_Open] = []
    blocks: list[Block] = []
    per_page: dict[int | None, int] = {}
    section_key: int | None = None
    in_section = 0
    for i, (draft, start, end) in enumerate(spans):
        page = draft.page if paged else None
        if draft.kind == "heading":
            level = draft.heading_level if draft.heading_level is not None else 1
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(_Open(level, draft.number, draft.title or draft.text.strip(), i))
        numbered = next((o for o in reversed(stack) if o.number is not None), None)
        current = numbered or (stack[-1] if stack else None)
        section = numbered.number if numbered else None
        title = current.title if current else None
        key = current.key if current else None
        if draft.kind == "heading":
            blocks.append(
                Block(
                    "heading",
                    start,
                    end,
                    page=page,
                    section=section,
                    section_title=title,
                    heading_level=draft.heading_level,
                )
            )
            continue
        if draft.kind == "toc":
            # A contents entry names a section; it is not in it, and counts as no paragraph.
            blocks.append(Block("toc", start, end, page=page))
            continue
        if key != section_key:
            section_key = key
            in_section = 0
        if not draft.continues or in_section == 0:
            in_section += 1
        per_page[page] = per_page.get(page, 0) + 1
        blocks.append(
            Block(
                draft.kind,
                start,
                end,
                page=page,
                section=section,
                section_title=title,
                paragraph_in_page=per_page[page],
                paragraph_in_section=in_section,
            )
        )
    return tuple(blocks)


def offset_problems(doc: Document) -> list[str]:
    """Every way ``doc`` breaks the offset invariant; empty when it holds.

    Pages and blocks are sorted, do not overlap, lie inside the text and slice it without
    surrounding whitespace; every block lies inside the page it names; every link anchor
    is a non-empty slice inside a block.
    """
    text = doc.text
    problems: list[str] = []

    def check(what: str, start: int, end: int, *, empty_ok: bool = False) -> bool:
        if not 0 <= start <= end <= len(text):
            problems.append(f"{what}: {start}:{end} is outside the text (length {len(text)})")
            return False
        piece = text[start:end]
        if not piece and not empty_ok:
            problems.append(f"{what}: empty span at {start}")
            return False
        if piece != piece.strip():
            problems.append(f"{what}: {piece[:40]!r} has surrounding whitespace")
        return True

    for i, page in enumerate(doc.pages):
        check(f"page {page.index}", page.start, page.end, empty_ok=True)
        if page.index != i + 1:
            problems.append(f"page {page.index} is at position {i + 1}")
        if i and page.start < doc.pages[i - 1].end:
            problems.append(f"page {page.index} overlaps page {doc.pages[i - 1].index}")
    for i, block in enumerate(doc.blocks):
        check(f"block {i}", block.start, block.end)
        if i and block.start < doc.blocks[i - 1].end:
            problems.append(f"block {i} overlaps or precedes block {i - 1}")
        if doc.pages:
            if block.page is None or not 1 <= block.page <= len(doc.pages):
                problems.append(f"block {i} names no page of the document ({block.page})")
            else:
                page = doc.pages[block.page - 1]
                if not page.start <= block.start <= block.end <= page.end:
                    problems.append(f"block {i} is not inside page {page.index}")
    for i, link in enumerate(doc.links):
        if check(f"link {i}", link.start, link.end) and doc.blocks:
            inside = doc.block_at(link.start)
            if inside is None or link.end > inside.end:
                problems.append(f"link {i} is not inside a block")
    return problems
