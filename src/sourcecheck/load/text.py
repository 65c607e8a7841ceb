"""Plain text: decoding bytes safely, and paragraphs and headings found by layout.

The canonical text of a plain-text document is the decoded text itself (line endings
made ``\\n``, NFC), so an offset into the document is an offset into the file's text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from sourcecheck.errors import InputError
from sourcecheck.load.assemble import Draft, Parsed, heading, number_blocks
from sourcecheck.load.headings import looks_like_toc_entry, parse_heading
from sourcecheck.model import BlockKind

# The languages sourcecheck serves (en, sv, da, nb, de, fr, es, fi, nl) are all written
# in Windows-1252. charset-normalizer, left to itself, reads short Swedish Latin-1 text
# as cp1250 ("dåligt" -> "dĺligt") or hp_roman8, so among single-byte Latin guesses
# Windows-1252 wins whenever it decodes the bytes.
_LATIN_GUESSES = re.compile(
    r"^(?:cp125\d|windows-125\d|latin_1|iso8859_\d+|hp_roman8|mac_\w+|cp437|cp850|cp858|ascii)$"
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAX_BAD_SHARE = 0.02

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v]*\n")
_BULLET = re.compile(r"^[ \t]*(?:[-*•◦▪–·]|\d{1,3}[.)]|[a-z][.)])[ \t]+\S")
_MAX_HEADING_LINE = 60


def decode(data: bytes, name: str) -> str:
    """Bytes to text: BOM first, then UTF-8, then a (Western-leaning) guess.

    Raises InputError for binary data or bytes no known encoding reads cleanly.
    """
    text = _decode(data, name)
    if text.startswith("\ufeff"):
        text = text[1:]
    if looks_binary(text):
        raise InputError(name, "looks like binary data, not text")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _decode(data: bytes, name: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise InputError(
                    name, f"starts with a {encoding.upper()} byte-order mark but is not valid"
                ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    has_nul = b"\x00" in data
    if best is None:
        if has_nul:
            raise InputError(name, "looks like binary data, not text")
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(name, "is not valid text in any known encoding") from None
    encoding = best.encoding.lower()
    if has_nul and not encoding.startswith(("utf_16", "utf_32")):
        # NUL bytes outside UTF-16/32 mean a binary file, whatever a guesser says.
        raise InputError(name, "looks like binary data, not text")
    if _LATIN_GUESSES.match(encoding):
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def looks_binary(text: str) -> bool:
    """Whether more than a trace of ``text`` is control characters or U+FFFD."""
    if not text:
        return False
    bad = sum(
        1
        for ch in text
        if ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS)
    )
    return bad > len(text) * _MAX_BAD_SHARE


def load_plain_text(data: bytes, name: str) -> Parsed:
    text = decode(data, name)
    return parse_plain_text(text)


def parse_plain_text(text: str) -> Parsed:
    """Blocks of an already decoded text; the text itself is the canonical text."""
    spans: list[tuple[Draft, int, int]] = []
    pos = 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        spans.extend(_paragraph_blocks(text, pos, end))
        if m:
            pos = m.end()
    return Parsed(text=text, blocks=number_blocks(spans))


def _paragraph_blocks(text: str, start: int, end: int) -> list[tuple[Draft, int, int]]:
    """The blocks of one blank-line-separated paragraph ``text[start:end]``.

    A one-line paragraph like "3.4.3 Tillfälliga begränsningar" is a heading, and so is
    a short numbered first line directly above its text; a paragraph whose lines start
    with bullets is a list, one item per bullet.
    """
    lines = _lines(text, start, end)
    if not lines:
        return []
    out: list[tuple[Draft, int, int]] = []
    first_start, first_end = lines[0]
    first = text[first_start:first_end]
    is_list = len(lines) > 1 and all(_BULLET.match(text[s:e]) for s, e in lines[:2])
    if (
        not is_list
        and parse_heading(first, strict=True)
        and not looks_like_toc_entry(first)
        and (len(lines) == 1 or len(first) <= _MAX_HEADING_LINE)
    ):
        out.append((heading(first.strip(), None), first_start, first_end))
        lines = lines[1:]
    if not lines:
        return out
    if _BULLET.match(text[lines[0][0] : lines[0][1]]):
        item_start, item_end = lines[0]
        for line_start, line_end in lines[1:]:
            if _BULLET.match(text[line_start:line_end]):
                out.append(_span("list_item", text, item_start, item_end))
                item_start = line_start
            item_end = line_end
        out.append(_span("list_item", text, item_start, item_end))
    else:
        out.append(_span("paragraph", text, lines[0][0], lines[-1][1]))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Stripped (start, end) spans of the non-blank lines of ``text[start:end]``."""
    spans: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        s, e = pos, line_end
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((s, e))
        pos = line_end + 1
    return spans


def _span(kind: BlockKind, text: str, start: int, end: int) -> tuple[Draft, int, int]:
    return Draft(kind, text[start:end]), start, end
