"""Sentence spans with exact offsets, for English, Swedish and their neighbours.

sentencex does the splitting; its English rules are good ("Dr.", "p. 12", "e.g.",
"U.S."). Its Swedish (and fallback) rules split after "t.ex.", "dvs.", "kap." and
"kl.", and miss some real boundaries ("Han sa det. Se det." stays one sentence). Two
repairs run after it, in every language:

* merge: a span that ends with an abbreviation that never ends a sentence ("t.ex.",
  "dvs.", "bl.a.", "s.k.", "ca.", "jfr.", "e.g.", ...) is joined with the next; so is one
  that ends with a reference abbreviation ("p.", "pp.", "s.", "sid.", "nr.", "kap.",
  "§", ...) when the next starts with a number; a next span that starts in lower case or
  with closing punctuation, or that closes a parenthesis left open, is joined too;
* split: ". " between an ordinary lower-case word of two letters or more and a capital
  letter or a digit is a boundary sentencex missed; so is a line break before a list bullet.

Spans never cross a blank line (a paragraph break) or a form feed (a page break).
sentencex returns strings; they are mapped back to offsets by counting their
non-whitespace characters from a cursor, so the spans always partition the text's
non-whitespace characters exactly, whatever sentencex does to whitespace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sentencex import segment as _sentencex_segment

__all__ = ["split_sentences"]

# A blank line (possibly holding spaces) or a form feed separates paragraphs.
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n|\f")

# Abbreviations that never end a sentence (compared lower-case, with their dots).
_NEVER_FINAL = frozenset(
    """t.ex. t.ex dvs. d.v.s. bl.a. s.k. ca. c:a jfr. jfr cf. e.g. i.e. approx. vs. resp.
    inkl. exkl. enl. ang. p.g.a. pga. fr.o.m. t.o.m. f.d. o.d. e.d. a.k.a. viz. dr. mr. mrs.
    ms. prof. ev. ex.""".split()  # noqa: SIM905
)
# Reference abbreviations: no sentence end when a number (or § or a roman numeral) follows.
_BEFORE_NUMBER = frozenset(
    """p. pp. s. sid. nr. no. kap. ch. chap. sec. sect. art. para. vol. fig. tab. bil. avsn.
    kl. § §§ nos. ex. app. eq. ekv. ref. tabell. figur.""".split()  # noqa: SIM905
)
# The word before a "." that sentencex did not split on, when it is an abbreviation.
_ABBREVIATION_WORDS = frozenset(
    w.rstrip(".") for w in _NEVER_FINAL | _BEFORE_NUMBER if "." not in w.rstrip(".")
) | frozenset(("al", "ibid", "op", "cit", "tel", "inc", "ltd"))

_LAST_TOKEN_RE = re.compile(r"[^\s(\[\"“”„«»]+$")
_STARTS_WITH_NUMBER_RE = re.compile(r"[\d§]|[ivxlcdm]+\b|[IVXLCDM]{2,}\b")
_STARTS_CLOSING_RE = re.compile(r"[)\]},;:]")

# ". " + capital letter or digit: a candidate boundary that sentencex may have missed. The word
# before the mark is checked in code (lower case, two letters or more, no abbreviation).
_MISSED_BOUNDARY_RE = re.compile(
    r"(?P<word>[^\W\d_]{2,})(?P<mark>[.!?]+[\"”’»)]*)\s+(?=[\"“”„«»(]?[A-ZÅÄÖ0-9])"
)
# A line break before a list bullet ("- ", "* ", "• ", "1. ", "2) ") inside a block.
_BULLET_LINE_RE = re.compile(r"\n[^\S\n]*(?=(?:[-*•–]|\d{1,2}[.)])[^\S\n])")


def split_sentences(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text``: ``(start, end)`` with ``text[start:end]`` a sentence
    stripped of surrounding whitespace; in order, non-empty, non-overlapping, never
    crossing a paragraph break, and covering every non-whitespace character once."""
    sx_language = (language or "en").lower()[:2] or "en"
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        chunk = text[para_start:para_end]
        if not chunk.strip():
            continue
        pieces = _sentencex_segment(sx_language, chunk)
        raw = _align(chunk, para_start, pieces)
        split = [part for s, e in raw for part in _split_missed(text, s, e)]
        spans.extend(_merge(text, split))
    return spans


def _paragraphs(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for m in _PARAGRAPH_BREAK_RE.finditer(text):
        yield start, m.start()
        start = m.end()
    yield start, len(text)


def _align(chunk: str, offset: int, pieces: Iterable[str]) -> list[tuple[int, int]]:
    """Map sentencex's strings onto ``chunk``: each piece takes as many non-whitespace
    characters as it has, from the cursor on. Whatever is left becomes a last span."""
    spans: list[tuple[int, int]] = []
    n = len(chunk)
    pos = 0
    for piece in pieces:
        stripped = piece.strip()
        if not stripped:
            continue
        while pos < n and chunk[pos].isspace():
            pos += 1
        if pos >= n:
            break
        start = pos
        if chunk.startswith(stripped, start):
            end = start + len(stripped)
        else:  # sentencex changed something: count non-whitespace characters instead
            wanted = sum(1 for ch in stripped if not ch.isspace())
            end, seen = start, 0
            while end < n and seen < wanted:
                if not chunk[end].isspace():
                    seen += 1
                end += 1
        spans.append((offset + start, offset + end))
        pos = end
    rest = chunk[pos:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((offset + pos + lead, offset + pos + len(rest.rstrip())))
    return spans


def _split_missed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span where sentencex missed a boundary or a list bullet starts a line."""
    cuts: list[tuple[int, int]] = []  # (end of the left part, start of the right part)
    for m in _MISSED_BOUNDARY_RE.finditer(text, start, end):
        word = m.group("word")
        before = text[m.start() - 1] if m.start() > start else " "
        if not word.islower() or word.lower() in _ABBREVIATION_WORDS or before in ".:":
            continue
        cuts.append((m.end("mark"), m.end()))
    for m in _BULLET_LINE_RE.finditer(text, start, end):
        cuts.append((m.start(), m.end()))
    if not cuts:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    cursor = start
    for left_end, right_start in sorted(cuts):
        if left_end <= cursor:
            continue
        piece = _strip_span(text, cursor, left_end)
        if piece is not None:
            parts.append(piece)
        cursor = max(cursor, right_start)
    piece = _strip_span(text, cursor, end)
    if piece is not None:
        parts.append(piece)
    return parts


def _strip_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged and _joins(text[merged[-1][0] : merged[-1][1]], text[span[0] : span[1]]):
            merged[-1] = (merged[-1][0], span[1])
        else:
            merged.append(span)
    return merged


def _joins(prev: str, nxt: str) -> bool:
    """Whether the boundary between two spans is a false one."""
    last = _LAST_TOKEN_RE.search(prev)
    token = last.group().lower() if last else ""
    if token in _NEVER_FINAL:
        return True
    if (token in _BEFORE_NUMBER or prev.endswith("§")) and _STARTS_WITH_NUMBER_RE.match(nxt):
        return True
    if prev.endswith(".") and nxt[:1].islower():
        return True  # "... osv. och sedan", and any abbreviation nobody listed
    if _STARTS_CLOSING_RE.match(nxt):
        return True
    # A parenthesis left open and closed in the next span: "(se s. 12. Sedan ...)".
    return prev.count("(") > prev.count(")") and ")" in nxt
