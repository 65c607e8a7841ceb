"""PDF with pypdf: text per page, mended into paragraphs, with printed page labels.

pypdf gives each page's text as lines. Through its visitor hook it also tells where each
line sits and in what font, which is what tells a paragraph break (a wider gap, an
indent, a short last line after a full stop) from a wrapped line, and a heading (larger
or bold, numbered, or listed in the PDF's outline) from body text.

The canonical text is mended: ligatures spelled out, soft hyphens dropped, words
hyphenated at line ends joined ("infra-\\nstruktur" -> "infrastruktur", but
"EU-\\nkommissionen" -> "EU-kommissionen"), lines joined into paragraphs, and running
headers and footers (lines repeated at the page edges of most pages) removed. Mending
never crosses a page boundary, so pages stay exact spans of the text.
"""

from __future__ import annotations

import io
import itertools
import logging
import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

from sourcecheck.errors import InputError
from sourcecheck.load.assemble import Draft, Parsed, assemble
from sourcecheck.load.headings import HeadingParts, looks_like_toc_entry, parse_heading
from sourcecheck.load.sniff import DESCRIPTIONS, sniff_content
from sourcecheck.model import BlockKind

# pypdf warns through logging about every repaired cross-reference table; a damaged file
# that still reads is not worth a line on the user's terminal.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# What pypdf raises on malformed files goes well beyond its own error classes: damaged
# content streams surface as the built-in errors below.
_PDF_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    AssertionError,
    ZeroDivisionError,
    RecursionError,
    UnicodeError,
    OSError,
)

_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_SOFT_HYPHEN = "\u00ad"
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\x00-\x08\x0b-\x1f\x7f]")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’»)\]]*$")
_BULLET = re.compile(
    r"^(?:[•◦▪▫●○■□‣⁃∙·\-–*\uf0b7\uf0a7\uf0d8\uf076]\s|\(?\d{1,2}[).]\s|[a-z]\)\s)"
)
_HYPHEN_END = re.compile(r"(\w)[-\u2010]$")
_HYPHENATED_WORD = re.compile(r"\b\w+(?:-\w+)+\b")
_WORD = re.compile(r"\b\w+\b")
# "vatten- och avloppsfrågor": a hyphen before a conjunction is a real one.
_CONJUNCTIONS = frozenset(
    {"och", "eller", "samt", "respektive", "resp", "som", "till", "and", "or", "to", "und",
     "oder", "og", "en", "of", "et", "ou", "y", "o"}
)  # fmt: skip
_ROMAN = re.compile(
    r"^(?=[ivxlcdm]+$)m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$"
)
_PAGE_WORDS = r"(?:sida|sid\.?|s\.|page|pg\.?|p\.|seite|side|pagina|página|sivu)"
_PAGE_NUMBER_LINE = re.compile(
    rf"^(?:{_PAGE_WORDS}\s*)?[-–—(\[]?\s*(?P<n>\d{{1,4}}|[ivxlcdm]{{1,7}})\s*[-–—)\]]?"
    r"\s*(?:(?:av|of|/|von|de|af|\()\s*\d{1,4}\s*\)?)?$",
    re.IGNORECASE,
)
_PAGE_NUMBER_EDGE = re.compile(r"^(?P<a>\d{1,4})\s+\S.*$|^.*\S\s+(?P<b>\d{1,4})$")
_DIGITS = re.compile(r"\d+")
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|odt|rtf|indd|pptx?|xlsx?|tex|dvi)$", re.IGNORECASE)
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}")

_EDGE_LINES = 3  # lines at the top and at the bottom of a page where running heads live
_MIN_REPEATS = 3
_TYPICAL_QUANTILE = 0.8
_MIN_LINES_FOR_WIDTH = 8
_SHORT_LINE = 0.85  # a line this much shorter than typical can end a paragraph
_HEADING_SHORT = 0.7
_GAP_FACTOR = 1.45
_LARGER = 1.12
_MAX_HEADING = 160


@dataclass
class _Line:
    text: str
    x: float | None = None
    y: float | None = None
    size: float | None = None
    bold: bool = False
    soft_break: bool = False  # ended with a soft hyphen: join to the next without a space
    after_blank: bool = False  # pypdf put a blank line before it: a paragraph break


@dataclass
class _Block:
    kind: str  # "paragraph", "list_item" or "heading"
    lines: list[_Line] = field(default_factory=list)
    heading: HeadingParts | None = None


@dataclass
class _Stats:
    body_size: float | None
    heading_sizes: list[float]
    hyphenated: set[str]
    words: set[str]
    typical_length: int = 0


def load_pdf(data: bytes, name: str) -> Parsed:
    reader = _open(data, name)
    warnings: list[str] = []
    pages: list[list[_Line]] = []
    for index, page in enumerate(reader.pages, start=1):
        try:
            pages.append(_page_lines(page))
        except _PDF_ERRORS as exc:
            warnings.append(f"page {index} could not be read ({type(exc).__name__})")
            pages.append([])
    if not any(line.text for lines in pages for line in lines):
        raise InputError(name, "has no text layer (scanned?); run OCR first, e.g. ocrmypdf")
    drops = _running_heads(pages)
    bodies: list[list[_Line]] = []
    printed: list[list[str]] = []
    for lines, drop in zip(pages, drops, strict=True):
        bodies.append([line for i, line in enumerate(lines) if i not in drop])
        printed.append([line.text for i, line in enumerate(lines) if i in drop])
    if not any(line.text for lines in bodies for line in lines):
        raise InputError(name, "has no text layer (scanned?); run OCR first, e.g. ocrmypdf")
    empty = sum(1 for lines in bodies if not any(line.text for line in lines))
    if empty * 4 > len(bodies):
        warnings.append(
            f"{empty} of {len(bodies)} pages have no text layer (scanned?); their text is missing"
        )
    labels = _page_labels(reader, printed)
    outline = _outline_titles(reader)
    stats = _stats(bodies)
    drafts: list[Draft] = []
    for index, lines in enumerate(bodies, start=1):
        page_drafts = _page_drafts(lines, index, stats, outline.get(index, set()))
        if page_drafts and drafts:
            _mark_continuation(drafts[-1], page_drafts[0])
        drafts.extend(page_drafts)
    text, page_spans, blocks, _ = assemble(drafts, page_labels=labels)
    first_heading = next((d.text for d in drafts if d.kind == "heading" and d.page == 1), None)
    return Parsed(
        text=text,
        pages=page_spans,
        blocks=blocks,
        title=_title(reader) or first_heading,
        warnings=tuple(warnings),
    )


# --- opening -----------------------------------------------------------------------


def _open(data: bytes, name: str) -> PdfReader:
    kind = sniff_content(data)
    if kind != "application/pdf":
        looks = DESCRIPTIONS.get(kind or "", "plain text" if kind is None else kind)
        raise InputError(name, f"is not a PDF (looks like {looks})")
    if b"%%EOF" not in data[-1024:]:
        raise InputError(name, "is truncated or damaged (no end-of-file marker); download it again")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            _decrypt(reader, name)
        count = len(reader.pages)
    except InputError:
        raise
    except DependencyError:
        raise InputError(
            name, "is encrypted with AES; install the 'cryptography' package to read it"
        ) from None
    except FileNotDecryptedError:
        raise _encrypted(name) from None
    except _PDF_ERRORS as exc:
        raise InputError(name, f"is damaged and cannot be read ({_reason(exc)})") from None
    if count == 0:
        raise InputError(name, "has no pages")
    return reader


def _decrypt(reader: PdfReader, name: str) -> None:
    # Many PDFs are encrypted only to restrict printing or copying: their user password is
    # empty and they open without asking. Only a real user password stops us.
    try:
        result = reader.decrypt("")
    except NotImplementedError:
        raise InputError(name, "uses an encryption pypdf cannot read") from None
    if not result:
        raise _encrypted(name)


def _encrypted(name: str) -> InputError:
    return InputError(name, "is encrypted; sourcecheck cannot read password-protected PDFs")


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:120] if text else type(exc).__name__


def _title(reader: PdfReader) -> str | None:
    """The title in the PDF's metadata, unless it is only a file name (Word writes
    "Microsoft Word - rapport.docx" there)."""
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except _PDF_ERRORS:
        return None
    text = " ".join(str(title or "").split())
    text = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", text)
    if not text or _FILE_NAME.search(text):
        return None
    return text


# --- lines -------------------------------------------------------------------------


def _page_lines(page: Any) -> list[_Line]:
    """The page's lines with position and font where pypdf reports them.

    The visitor sees the same text pypdf returns, in the same order; if the two ever
    disagree, the text wins and the lines go without layout.
    """
    lines: list[_Line] = []
    parts: list[str] = []
    meta: list[tuple[float, float, float, bool, int]] = []

    def end_line() -> None:
        lines.append(_make_line("".join(parts), meta))
        parts.clear()
        meta.clear()

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if k:
                end_line()
            if piece:
                parts.append(piece)
                if piece.strip():
                    meta.append((*_geometry(cm, tm, font, size), len(piece.strip())))

    text = page.extract_text(visitor_text=visit)
    end_line()
    if "\n".join(line.text for line in lines) != text:
        lines = [_make_line(raw, []) for raw in text.split("\n")]
    kept: list[_Line] = []
    blank = False
    for line in lines:
        if not line.text:
            blank = True
            continue
        line.after_blank = blank
        blank = False
        kept.append(line)
    return kept


def _geometry(
    cm: Sequence[float], tm: Sequence[float], font: Any, size: float
) -> tuple[float, float, float, bool]:
    """x, y, effective font size and boldness of a text fragment (text matrix x CTM)."""
    _, _, c, d, e, f = (float(v) for v in tm[:6]) if len(tm) >= 6 else (1, 0, 0, 1, 0, 0)
    ca, cb, cc, cd, ce, cf = (float(v) for v in cm[:6]) if len(cm) >= 6 else (1, 0, 0, 1, 0, 0)
    x = e * ca + f * cc + ce
    y = e * cb + f * cd + cf
    vertical = math.hypot(c * ca + d * cc, c * cb + d * cd)
    effective = float(size) * (vertical or 1.0)
    bold = False
    if font is not None:
        try:
            base = str(font.get("/BaseFont", ""))
        except (AttributeError, TypeError):
            base = ""
        bold = bool(re.search(r"bold|black|heavy|semibold|demi", base, re.IGNORECASE))
    return x, y, effective, bold


def _make_line(raw: str, meta: list[tuple[float, float, float, bool, int]]) -> _Line:
    """A cleaned line. Its position is its first fragment's; its font size and boldness
    are those of most of its characters (a bullet glyph is often set in another font)."""
    text = unicodedata.normalize("NFC", raw.translate(_LIGATURES))
    stripped = _SPACES.sub(" ", text).strip()
    soft_break = stripped.endswith(_SOFT_HYPHEN)
    text = _INVISIBLE.sub("", stripped.replace(_SOFT_HYPHEN, ""))
    text = _SPACES.sub(" ", text).strip()
    if not meta:
        return _Line(text, soft_break=soft_break)
    x, y = meta[0][0], meta[0][1]
    chars: Counter[float] = Counter()
    for m in meta:
        chars[round(m[2], 1)] += m[4]
    bold = sum(m[4] for m in meta if m[3]) >= 0.9 * sum(m[4] for m in meta)
    return _Line(text, x, y, chars.most_common(1)[0][0], bold, soft_break)


# --- running headers and footers ---------------------------------------------------


def _edge_key(line: _Line) -> tuple[str, int | None]:
    """Digits (and a lone roman numeral) normalised, so "Sida 7" matches "Sida 8"; the
    vertical position, where known, so that a table cell "345" at the bottom of one page
    does not match a page number "7" in the footer of others."""
    text = line.text.lower()
    bare = text.strip("-–—[]() ")
    text = "#" if _ROMAN.match(bare) else _DIGITS.sub("#", text)
    y = round(line.y / 6) if line.y is not None else None
    return text, y


def _edge_lines(lines: Sequence[_Line]) -> list[int]:
    n = len(lines)
    return sorted({*range(min(_EDGE_LINES, n)), *range(max(n - _EDGE_LINES, 0), n)})


def _body_size(pages: Sequence[Sequence[_Line]]) -> float | None:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for lines in pages:
        for line in lines:
            if line.size is not None:
                sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _larger(line: _Line, body_size: float | None) -> bool:
    """Set larger than the body text: a heading, never a running head."""
    return line.size is not None and body_size is not None and line.size >= body_size * _LARGER


def _repeated_edge_keys(
    pages: Sequence[Sequence[_Line]], body_size: float | None
) -> set[tuple[str, int | None]]:
    """Keys of lines found at the page edges of most pages.

    "Most" is half of the pages; with positions known (a much stronger signal) a fifth
    will do, so that a chapter's running head is caught too.
    """
    n = len(pages)
    if n < _MIN_REPEATS:
        return set()
    seen: dict[tuple[str, int | None], dict[int, _Line]] = {}
    for index, lines in enumerate(pages, start=1):
        for i in _edge_lines(lines):
            seen.setdefault(_edge_key(lines[i]), {}).setdefault(index, lines[i])
    repeated = set()
    for key, found in seen.items():
        needed = n / 5 if key[1] is not None else n / 2
        if len(found) >= _MIN_REPEATS and len(found) >= needed and _running(found, body_size):
            repeated.add(key)
    return repeated


def _running(found: dict[int, _Line], body_size: float | None) -> bool:
    """Whether lines alike up to their digits are a running head: the same text on every
    page, or a number that advances with the page ("Sida 7", "Sida 8") in a font no larger
    than the body's. Chapter headings at the same spot ("Kapitel 2", "Kapitel 5") are alike
    but are neither."""
    texts = {index: line.text for index, line in found.items()}
    if len(set(texts.values())) == 1:
        return True
    if any(_larger(line, body_size) for line in found.values()):
        return False
    offsets: Counter[int] = Counter()
    for index, text in texts.items():
        values = {int(d) for d in _DIGITS.findall(text)}
        bare = text.strip("-–—[]() ").lower()
        if _ROMAN.match(bare):
            values.add(_roman_value(bare))
        offsets.update({v - index for v in values})
    return bool(offsets) and offsets.most_common(1)[0][1] * 5 >= len(texts) * 3


def _running_heads(pages: Sequence[Sequence[_Line]]) -> list[set[int]]:
    """Per page, the indexes of its running-head and footer lines.

    Two kinds: lines repeated at the page edges (see :func:`_repeated_edge_keys`), and
    lines whose page number runs in step with the page index at a position shared by
    several pages, where the rest of the line changes (texinfo's "Chapter 2: Title 3").
    """
    drops = _running_head_lines(pages)
    # Lines that would empty most pages are the document's content (a one-line-per-page
    # list, say), not a running head: keep them all then. A few emptied pages are fine
    # (a blank page with only its footer).
    emptied = sum(
        1 for lines, d in zip(pages, drops, strict=True) if lines and len(d) >= len(lines)
    )
    if emptied * 2 > sum(1 for lines in pages if lines):
        return [set() for _ in pages]
    return drops


def _running_head_lines(pages: Sequence[Sequence[_Line]]) -> list[set[int]]:
    body = _body_size(pages)
    repeated = _repeated_edge_keys(pages, body)
    drops = [{i for i in _edge_lines(lines) if _edge_key(lines[i]) in repeated} for lines in pages]
    found: list[tuple[int, int, int, int | None]] = []  # page, line, offset, y bucket
    for index, lines in enumerate(pages, start=1):
        for i in _edge_lines(lines):
            if i in drops[index - 1] or _larger(lines[i], body):
                continue
            for system, value, _ in _page_number_candidates(lines[i].text):
                if system == "arabic":
                    found.append((index, i, value - index, _edge_key(lines[i])[1]))
    offsets = Counter(o for _, o in {(page, o) for page, _, o, _ in found})
    if not offsets:
        return drops
    offset, support = offsets.most_common(1)[0]
    if support < _MIN_REPEATS or support * 10 < len(pages) * 3:
        return drops
    matching = [f for f in found if f[2] == offset]
    places = Counter(y for _, y in {(page, y) for page, _, _, y in matching})
    for page, i, _, y in matching:
        lines = pages[page - 1]
        at_edge = i in (0, len(lines) - 1)
        if (y is not None and places[y] >= _MIN_REPEATS) or (y is None and at_edge):
            drops[page - 1].add(i)
    return drops


# --- page labels -------------------------------------------------------------------


def _page_labels(reader: PdfReader, printed: Sequence[Sequence[str]]) -> list[str]:
    """Printed page labels: the PDF's /PageLabels where it has them (pypdf invents
    "1", "2", ... otherwise), else the page numbers printed in running heads and footers,
    else the page index."""
    n = len(printed)
    try:
        root: Any = reader.trailer["/Root"]
        if "/PageLabels" in root:
            labels = [str(label) for label in reader.page_labels]
            if len(labels) == n:
                return labels
    except _PDF_ERRORS:
        pass
    return _printed_labels(printed) or [str(i) for i in range(1, n + 1)]


def _printed_labels(printed: Sequence[Sequence[str]]) -> list[str] | None:
    """Labels from page numbers printed in removed headers/footers, if they run in step
    with the page index (arabic and roman numbering each by a constant offset)."""
    candidates: list[list[tuple[str, int, str]]] = []  # (system, value, as printed)
    offsets: dict[str, Counter[int]] = {"arabic": Counter(), "roman": Counter()}
    for index, texts in enumerate(printed, start=1):
        found = [c for text in texts for c in _page_number_candidates(text)]
        candidates.append(found)
        for system, value in {(s, v) for s, v, _ in found}:
            offsets[system][value - index] += 1
    best: dict[str, int] = {}
    for system, counter in offsets.items():
        if not counter:
            continue
        offset, support = counter.most_common(1)[0]
        total = sum(1 for found in candidates if any(s == system for s, _, _ in found))
        if support >= 2 and support * 2 >= total:
            best[system] = offset
    if "arabic" not in best:
        return None
    labels: list[str | None] = []
    for index, found in enumerate(candidates, start=1):
        label = next(
            (shown for system, value, shown in found if best.get(system) == value - index),
            None,
        )
        if label is None and index + best["arabic"] >= 1:
            label = str(index + best["arabic"])
        labels.append(label)
    used = {label for label in labels if label is not None}
    # An unnumbered page (a cover) gets its index, in brackets where a printed page
    # already has that number, the way a bibliography marks a supplied page number.
    return [
        label if label is not None else (str(i) if str(i) not in used else f"[{i}]")
        for i, label in enumerate(labels, start=1)
    ]


def _page_number_candidates(text: str) -> Iterable[tuple[str, int, str]]:
    m = _PAGE_NUMBER_LINE.match(text.strip())
    if m:
        shown = m["n"]
        if shown.isdigit():
            yield "arabic", int(shown), str(int(shown))
        elif _ROMAN.match(shown.lower()):
            yield "roman", _roman_value(shown.lower()), shown
        return
    m = _PAGE_NUMBER_EDGE.match(text.strip())
    if m:
        shown = m["a"] or m["b"]
        yield "arabic", int(shown), str(int(shown))


def _roman_value(numeral: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for ch, nxt in zip(numeral, [*numeral[1:], ""], strict=True):
        value = values[ch]
        total += -value if nxt and values[nxt] > value else value
    return total


# --- outline (bookmarks) -----------------------------------------------------------


def _outline_titles(reader: PdfReader) -> dict[int, set[str]]:
    """Normalised bookmark titles per 1-based page: a line that matches one is a heading."""
    found: dict[int, set[str]] = {}

    def walk(items: Any, depth: int) -> None:
        if depth > 12:
            return
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                number = reader.get_destination_page_number(item)
                title = _norm(str(item.title))
            except _PDF_ERRORS:
                continue
            page = number + 1 if number is not None else 0
            if page > 0 and title:
                found.setdefault(page, set()).add(title)

    try:
        walk(reader.outline, 0)
    except _PDF_ERRORS:
        return {}
    return found


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text.translate(_LIGATURES)).split()).casefold()


# --- paragraphs and headings -------------------------------------------------------


def _stats(pages: Sequence[Sequence[_Line]]) -> _Stats:
    hyphenated: set[str] = set()
    words: set[str] = set()
    sizes: set[float] = set()
    for lines in pages:
        for line in lines:
            if line.size is not None:
                sizes.add(line.size)
            # Words inside lines (not at their ends) tell real compounds ("e-post") from
            # words hyphenated only to fit the line.
            inner = line.text[:-1] if line.text.endswith(("-", "\u2010")) else line.text
            hyphenated.update(w.casefold() for w in _HYPHENATED_WORD.findall(inner))
            words.update(w.casefold() for w in _WORD.findall(inner))
    lengths = sorted(len(line.text) for lines in pages for line in lines)
    typical = lengths[int(len(lengths) * _TYPICAL_QUANTILE)] if lengths else 0
    body = _body_size(pages)
    heading_sizes = sorted(
        {s for s in sizes if body is not None and s >= body * _LARGER}, reverse=True
    )
    return _Stats(body, heading_sizes, hyphenated, words, typical)


# On a page already known to be a contents page, any line ending in a page number is an
# entry, even when the title itself ends in a number ("3.2 Reparationer under 2026 5").
_TOC_PAGE_NUMBER = re.compile(r"\S\s+\d{1,3}$")


def _page_drafts(lines: list[_Line], page: int, stats: _Stats, outline: set[str]) -> list[Draft]:
    toc_lines = [ln for ln in lines if looks_like_toc_entry(ln.text)]
    if len(toc_lines) >= max(3, len(lines) // 2):
        # A contents page: its entries ("3.4.3 Tillfälliga begränsningar 7") look like
        # numbered headings but must neither open sections nor be cited as evidence.
        return [
            Draft("toc", ln.text, page=page)
            if looks_like_toc_entry(ln.text) or _TOC_PAGE_NUMBER.search(ln.text)
            else Draft("heading", ln.text, page=page, heading_level=1, title=ln.text)
            for ln in lines
            if ln.text.strip()
        ]
    blocks = _page_blocks(lines, stats, outline)
    drafts: list[Draft] = []
    for block in blocks:
        text = _join_lines(block.lines, stats)
        if not text:
            continue
        if block.kind == "heading" and block.heading is not None:
            # Parsed again: a wrapped heading's number and title span all its lines.
            parts = parse_heading(text) or block.heading
            level = parts.level if parts.number is not None else block.heading.level
            drafts.append(
                Draft(
                    "heading",
                    text,
                    page=page,
                    heading_level=level,
                    number=parts.number,
                    title=parts.title or None,
                )
            )
        else:
            kind: BlockKind = "list_item" if block.kind == "list_item" else "paragraph"
            drafts.append(Draft(kind, text, page=page))
    return drafts


def _page_blocks(lines: list[_Line], stats: _Stats, outline: set[str]) -> list[_Block]:
    # The typical line width (in characters) of the page, or of the document where the
    # page has too few lines to tell (a cover, a chapter opening).
    lengths = sorted(len(line.text) for line in lines if line.text)
    typical = (
        lengths[int(len(lengths) * _TYPICAL_QUANTILE)]
        if len(lengths) >= _MIN_LINES_FOR_WIDTH
        else stats.typical_length
    )
    gaps = [
        a.y - b.y
        for a, b in itertools.pairwise(lines)
        if a.y is not None and b.y is not None and a.size == b.size and a.y > b.y
    ]
    line_gap = statistics.median(gaps) if gaps else None
    xs = Counter(round(line.x) for line in lines if line.x is not None)
    left = xs.most_common(1)[0][0] if xs else None

    blocks: list[_Block] = []
    current: _Block | None = None
    prev: _Line | None = None
    for line in lines:
        heading = _heading(line, prev, current, typical, stats, outline)
        if (
            current is not None
            and current.kind == "heading"
            and heading is None
            and _continues_heading(current, line, stats, outline)
        ):
            current.lines.append(line)
            prev = line
            continue
        if heading is not None:
            level = heading.level
            if heading.number is None and line.size in stats.heading_sizes:
                level = stats.heading_sizes.index(line.size) + 1
            current = _Block("heading", [line], HeadingParts(heading.number, heading.title, level))
            blocks.append(current)
        elif (
            current is None
            or current.kind == "heading"
            or _breaks(prev, line, typical, line_gap, left)
        ):
            current = _Block("list_item" if _BULLET.match(line.text) else "paragraph", [line])
            blocks.append(current)
        else:
            current.lines.append(line)
        prev = line
    return blocks


def _ends_paragraph(prev: _Line | None, typical: int) -> bool:
    return prev is None or (
        bool(_SENTENCE_END.search(prev.text)) and len(prev.text) < typical * _SHORT_LINE
    )


def _heading(
    line: _Line,
    prev: _Line | None,
    current: _Block | None,
    typical: int,
    stats: _Stats,
    outline: set[str],
) -> HeadingParts | None:
    text = line.text
    if len(text) > _MAX_HEADING:
        return None
    emphasised = line.bold or _larger(line, stats.body_size)
    standalone = (
        prev is None
        or line.after_blank
        or current is None
        or current.kind == "heading"
        or _ends_paragraph(prev, typical)
        or (prev.size is not None and line.size is not None and prev.size != line.size)
        or prev.bold != line.bold
    )
    norm = _norm(text)
    if norm in outline or any(t.startswith(norm) and len(norm) >= 8 for t in outline):
        return parse_heading(text) or HeadingParts(None, text, 1)
    if not standalone:
        return None
    numbered = parse_heading(text, strict=True)
    if numbered is not None and (
        emphasised or (len(text) < typical * _HEADING_SHORT and not looks_like_toc_entry(text))
    ):
        return numbered
    if (
        emphasised
        and len(text) < max(typical * _HEADING_SHORT, 20)
        and text[:1].isupper()
        and not _SENTENCE_END.search(text)
        and not text.endswith(",")
        and sum(ch.isalpha() for ch in text) * 2 >= len(text.replace(" ", ""))
        and not _BULLET.match(text)
        and not _DOT_LEADER.search(text)
    ):
        return HeadingParts(None, text, 1)
    return None


def _continues_heading(current: _Block, line: _Line, stats: _Stats, outline: set[str]) -> bool:
    """A heading wrapped onto a further line: still a prefix of a bookmark title, or the
    same emphasised font right below it."""
    if len(current.lines) >= 3:
        return False
    joined = _norm(" ".join(x.text for x in [*current.lines, line]))
    if any(t.startswith(joined) for t in outline):
        return True
    first, last = current.lines[0], current.lines[-1]
    if first.size is None or line.size != first.size or line.bold != first.bold:
        return False
    emphasised = first.bold or _larger(first, stats.body_size)
    close = last.y is not None and line.y is not None and 0 < last.y - line.y <= first.size * 1.6
    return (
        emphasised
        and close
        and parse_heading(line.text, strict=True) is None
        and not _SENTENCE_END.search(last.text)
        and len(joined) <= _MAX_HEADING
    )


def _breaks(
    prev: _Line | None, line: _Line, typical: int, line_gap: float | None, left: int | None
) -> bool:
    """Whether ``line`` starts a new paragraph rather than continuing ``prev``'s."""
    if prev is None or line.after_blank or _BULLET.match(line.text):
        return True
    if (
        prev.size is not None
        and line.size is not None
        and abs(prev.size - line.size) > 0.15 * max(prev.size, line.size)
    ):
        return True
    if prev.y is not None and line.y is not None:
        gap = prev.y - line.y
        if gap < -1:  # the next column, or text placed out of order
            return True
        if line_gap and gap > line_gap * _GAP_FACTOR:
            return True
    ended = bool(_SENTENCE_END.search(prev.text))
    if ended and len(prev.text) < typical * _SHORT_LINE:
        return True
    indented = (
        left is not None
        and line.x is not None
        and prev.x is not None
        and line.x - left > 6
        and abs(prev.x - left) <= 2
    )
    return ended and indented


def _join_lines(lines: Sequence[_Line], stats: _Stats) -> str:
    if not lines:
        return ""
    out = lines[0].text
    soft = lines[0].soft_break
    for line in lines[1:]:
        out = _join(out, line.text, soft, stats)
        soft = line.soft_break
    return out.strip()


def _join(left: str, right: str, soft: bool, stats: _Stats) -> str:
    """Join two lines of one paragraph, mending a word hyphenated across them."""
    if not right:
        return left
    if soft:
        return left + right
    m = _HYPHEN_END.search(left)
    if m is None or not right[0].isalnum():
        return f"{left} {right}"
    before = m[1]
    first_word = _WORD.match(right)
    nxt = first_word[0] if first_word else right.split()[0]
    if before.isalpha() and before.islower() and right[0].islower():
        if nxt.casefold() in _CONJUNCTIONS:
            return f"{left} {right}"  # "vatten- och avlopp"
        tail = re.search(r"(\w+)[-\u2010]$", left)
        stem = tail[1] if tail else ""
        joined = f"{stem}-{nxt}".casefold()
        if joined in stats.hyphenated and f"{stem}{nxt}".casefold() not in stats.words:
            return left + right  # a real compound like "e-post", broken at its hyphen
        return left[:-1] + right
    # "EU-\nkommissionen", "2019-\n2023": the hyphen belongs to the text.
    return left + right


def _mark_continuation(previous: Draft, first: Draft) -> None:
    """A paragraph running on from the previous page is not a new paragraph of its
    section (it still starts a new block: page boundaries stay exact)."""
    if (
        previous.kind == "paragraph"
        and first.kind == "paragraph"
        and not _SENTENCE_END.search(previous.text)
        and first.text[:1].islower()
    ):
        first.continues = True
