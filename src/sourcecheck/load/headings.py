"""Recognising section numbers in heading text: "3.4.3 Tillfälliga begränsningar",
"Kapitel 2 Metod", "Bilaga 1".

Two strictnesses: a block a format already marks as a heading (HTML <h2>, Word
"Heading 2", Markdown "##") only needs its number split off; a bare line of a PDF or
a plain-text file must also *look* like a heading before it is taken for one, because
"12 Kommuner har ..." at the start of a wrapped line is body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class HeadingParts:
    """A heading's section number (None when unnumbered), its title, and its depth."""

    number: str | None
    title: str
    level: int


# At most two digits in the first component: "2019 Stockholm" is a year, not chapter 2019.
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,3}){0,5})\.?[ \t\u00a0]+(?P<title>\S.*)$")
_NUMBER_ONLY = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,3}){0,5})\.?$")
# Chapters are part of the numeric outline ("Kapitel 2" contains 2.1, 2.2), so their
# number is the bare digit; appendices are not, so they keep their word ("Bilaga 1").
_CHAPTER = re.compile(
    r"^(?:kapitel|kap\.|chapter|avsnitt|section)[ \t\u00a0]+(?P<num>\d{1,3})\b[.:]?"
    r"[ \t\u00a0]*[-–—:]?[ \t\u00a0]*(?P<title>.*)$",
    re.IGNORECASE,
)
_APPENDIX = re.compile(
    r"^(?P<word>bilaga|appendix|annex|bilag|anhang|annexe)[ \t\u00a0]+"
    r"(?P<num>\d{1,3}|[A-Z]|[IVX]{1,5})\b[.:]?[ \t\u00a0]*[-–—:]?[ \t\u00a0]*(?P<title>.*)$",
    re.IGNORECASE,
)
# Table-of-contents lines: "3.4 Metod ........ 12" must not become headings.
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}")
# Without dot leaders a TOC line only has its page number: "3.4 Metod 12". Up to three
# digits after a word, so "Budget 2024" is not one; "Bilaga 1" is, when nothing else
# (a larger or bold font) says it is a heading.
_TRAILING_PAGE = re.compile(r"[^\W\d]\s+\d{1,3}$")
_TRAILING_PUNCT = (".", ",", ";", ":", "!")
_MAX_STRICT_CHARS = 120
_MAX_STRICT_WORDS = 16


def parse_heading(text: str, *, strict: bool = False) -> HeadingParts | None:
    """Split a heading into number and title.

    With ``strict=False`` (the block is known to be a heading) this always returns
    parts; the number is None for an unnumbered heading. With ``strict=True`` it returns
    None unless the line has a section number *and* looks like a heading: short, a
    capitalised title that is mostly letters, no sentence punctuation at the end, no
    table-of-contents dot leader.
    """
    line = " ".join(text.split())
    if not line:
        return None
    parts = _split_number(line)
    if not strict:
        return parts or HeadingParts(None, line, 1)
    if parts is None or parts.number is None:
        return None
    if len(line) > _MAX_STRICT_CHARS or len(line.split()) > _MAX_STRICT_WORDS:
        return None
    if _DOT_LEADER.search(line):
        return None
    title = parts.title
    if not title:
        # "Kapitel 2" or "Bilaga 1" alone on a line is a heading; a bare "2" is not.
        return parts if not _NUMBER_ONLY.match(line) else None
    if title.endswith(_TRAILING_PUNCT):
        return None
    first = title[0]
    if not (first.isupper() or (first in "\"'“”«" and len(title) > 1 and title[1].isupper())):
        return None
    letters = sum(ch.isalpha() for ch in title)
    visible = sum(not ch.isspace() for ch in title)
    if letters * 2 < visible:
        return None
    return parts


def looks_like_toc_entry(line: str) -> bool:
    """Whether a line ends like a table-of-contents entry (leader dots or a page number)."""
    line = line.strip()
    return bool(_DOT_LEADER.search(line) or _TRAILING_PAGE.search(line))


def _split_number(line: str) -> HeadingParts | None:
    m = _CHAPTER.match(line)
    if m:
        return HeadingParts(m["num"], m["title"].strip() or line, 1)
    m = _APPENDIX.match(line)
    if m:
        number = f"{m['word'].capitalize()} {m['num']}"
        return HeadingParts(number, m["title"].strip() or number, 1)
    m = _NUMBERED.match(line)
    if m:
        number = m["num"]
        return HeadingParts(number, m["title"].strip(), number.count(".") + 1)
    m = _NUMBER_ONLY.match(line)
    if m:
        number = m["num"]
        return HeadingParts(number, "", number.count(".") + 1)
    return None
