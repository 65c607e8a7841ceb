"""Markdown: the canonical text is the rendered plain text, not the source.

``**bold**``, ``_em_``, backticks and ``[anchor](url)`` syntax are dropped, so a quote in
an article matches what a reader of the rendered page sees; headings, paragraphs, list
items, block quotes, code blocks and tables become blocks, and links keep their anchor
offsets and targets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from sourcecheck.load.assemble import Draft, InlineText, Parsed, assemble
from sourcecheck.load.text import decode
from sourcecheck.model import BlockKind

# YAML front matter (Jekyll, Hugo, Obsidian) is metadata, not text.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def load_markdown(data: bytes, name: str) -> Parsed:
    return parse_markdown(decode(data, name))


def parse_markdown(source: str) -> Parsed:
    source = _FRONT_MATTER.sub("", source, count=1)
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    drafts = _drafts(md.parse(source))
    text, _, blocks, links = assemble(drafts)
    title = next((d.text for d in drafts if d.kind == "heading" and d.heading_level == 1), None)
    return Parsed(text=text, blocks=blocks, links=links, title=title)


def _drafts(tokens: Sequence[Token]) -> list[Draft]:
    drafts: list[Draft] = []
    heading_level: int | None = None
    in_item = 0
    in_quote = 0
    in_cell = False
    row: list[str] = []
    rows: list[str] = []
    for token in tokens:
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            heading_level = None
        elif kind == "list_item_open":
            in_item += 1
        elif kind == "list_item_close":
            in_item -= 1
        elif kind == "blockquote_open":
            in_quote += 1
        elif kind == "blockquote_close":
            in_quote -= 1
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                drafts.append(Draft("paragraph", code))
        elif kind in ("th_open", "td_open"):
            in_cell = True
        elif kind in ("th_close", "td_close"):
            in_cell = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if any(row):
                rows.append(" | ".join(row))
        elif kind == "table_close":
            if rows:
                drafts.append(Draft("table", "\n".join(rows)))
            rows = []
        elif kind == "inline":
            inline = _inline(token.children or [])
            if in_cell:
                draft = inline.draft("paragraph")
                row.append(draft.text if draft else "")
                continue
            block: BlockKind
            if heading_level is not None:
                block = "heading"
            elif in_item:
                block = "list_item"
            elif in_quote:
                block = "quote"
            else:
                block = "paragraph"
            draft = inline.draft(block, heading_level=heading_level)
            if draft is not None:
                drafts.append(draft)
    return drafts


def _inline(children: Sequence[Token]) -> InlineText:
    out = InlineText()
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            out.add(child.content)
        elif kind in ("softbreak", "hardbreak"):
            out.add(" ")
        elif kind == "link_open":
            out.begin_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            out.end_link()
        # Images, raw inline HTML and emphasis markers render no text of their own.
    return out
