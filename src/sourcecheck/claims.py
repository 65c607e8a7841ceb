"""Claims: the check-worthy sentences of an article and of its comments, each with the
citations, quotations and numbers it carries.

Where the sentences come from: the paragraph, list item, quote and caption blocks of the
article (headings are skipped with reason "heading", tables with "table"); the whole
text when the article has no blocks; and every comment in ``article.comments`` (origin
= the comment's id, offsets into the comment's own text). Sentences that a quotation
runs across are joined, so that a quotation is checked whole. A sentence's language is
its document's or comment's ``language`` (detected once when missing, never per
sentence).

Which sentences are claims — the first rule that applies decides:

1. no letters at all                                -> skipped, "no letters"
2. ends with a question mark                        -> skipped, "question"
3. has a citation, a quotation or a number          -> claim
4. a greeting or thanks of at most eight words      -> skipped, "greeting"
   ("Great article, thanks!", "Tack för en bra artikel!")
5. fewer than four words                            -> skipped, "too short"
6. opinion with no named fact: a first-person opinion phrase ("I think", "in my
   opinion", "jag tycker", "jag anser") or, in at most ten words, an evaluative word
   ("terrible", "fantastiskt"), and no proper name or acronym after the first word
                                                    -> skipped, "opinion"
7. anything else                                    -> claim

Citations: one ``Citation`` per group of references joined by commas, "and"/"och" or
"of"/"in"/"i" ("page 12, section 3.4.3"; "tredje stycket i avsnitt 3.4.3"), its fields
merged and its kind that of its first element; a reference whose field the group already
has starts a new group. When a group fills a parenthesis (optionally after "see",
"se", "cf.", "jfr"), the parenthesis is part of the citation's raw text. Footnote
markers ("[12]", "[^12]") and links are citations of their own. A link counts only
when its anchor starts inside the sentence and its target names one of ``sources``
(its path, file name or id, case-insensitively; for URLs also their last path segment).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from sourcecheck.lang import detect_language
from sourcecheck.model import (
    Block,
    Citation,
    CitationKind,
    Claim,
    Document,
    Link,
    NumberMention,
    Quote,
    Skipped,
)
from sourcecheck.numbers import find_numbers
from sourcecheck.segment import split_sentences

__all__ = ["ClaimSet", "extract_claims", "scoring_text"]


@dataclass(frozen=True)
class ClaimSet:
    """The claims of an article and its comments, and the sentences left out (and why)."""

    claims: tuple[Claim, ...] = ()
    skipped: tuple[Skipped, ...] = ()


# --------------------------------------------------------------------------------------
# Citation patterns
# --------------------------------------------------------------------------------------

_ROMAN = r"[ivxlcdm]{1,7}"
_LABEL = rf"(?:\d+[a-z]?|{_ROMAN})"
_ORDINAL_WORDS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
    "första": 1, "andra": 2, "tredje": 3, "fjärde": 4, "femte": 5, "sjätte": 6,
    "sjunde": 7, "åttonde": 8, "nionde": 9, "tionde": 10,
}  # fmt: skip
_ORDINAL_ALT = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
_SWEDISH_PAGE_WORDS = frozenset({"s.", "sid.", "sida", "sidan", "sidor", "sidorna"})

# One alternation, one named group per kind of reference; all case-insensitive.
_REFERENCE_RE = re.compile(
    rf"""(?ix)
    (?<![\w.])
    (?:
        # page 12, p. 12, pp. 12–13, pages 12-13, s. 12, sid. 12, sidan 12, page iv, s. 12 f.,
        # Seite 12, página 12, pág. 12, siden 12, sivu 12
        (?P<page_kw>pages?|pp?\.|sidorna|sidor|sidan|sida|sid\.|s\.|seiten?|páginas?|pág\.
                    |siderne|siden|side|sivulla|sivu)\s*
        (?P<page>{_LABEL})
        (?:\s*(?:[-–—]|to|till)\s*(?P<page_end>{_LABEL}))?
        (?:\s+ff?\.)?
      |
        # section 3.4.3, § 3.4.3, avsnitt 3.4.3, chapter 2, kapitel 2, kap. 2, Abschnitt 4.1,
        # chapitre 2, sección 3, apartado 3, capítulo 2, afsnit 3, kapittel 2, luku 2
        (?P<section_kw>sections?|sect?\.|§§?|avsnitt(?:et|en)?|avsn\.|chapters?|chap\.|ch\.
                       |kapitlet|kapitel|kap\.|abschnitte?|abschn\.|chapitre|secci[oó]n
                       |secciones|apartado|cap[ií]tulo|afsnit(?:tet)?|kapittel|luvussa|luku)\s*
        (?P<section>\d+(?:\.\d+)*[a-z]?)
        (?:\s*(?:[-–—]|to|till)\s*\d+(?:\.\d+)*)?
      |
        # the third paragraph, tredje stycket, 3rd paragraph, 3:e stycket
        (?:(?P<para_word>{_ORDINAL_ALT})|(?P<para_digit>\d{{1,2}})(?:st|nd|rd|th|:e|:a))\s+
        (?:paragraphs?|stycket|stycke)
      |
        # paragraph 3, para. 3, ¶ 3, stycke 3, Absatz 3, paragraphe 3, párrafo 3
        (?:paragraph|para\.|¶|stycket|stycke|absatz|paragraphe|p[aá]rrafo)\s*(?P<para_num>\d{{1,3}})
    )
    (?![\w])
    """
)
# A bare dotted number that fills a parenthesis (or starts a list in one): "(3.4.3)".
_BARE_SECTION_RE = re.compile(r"(?<=\()\s*(?P<section>\d{1,3}(?:\.\d{1,2}){1,5})(?=\s*[),;])")
# Footnote markers: "[12]", "[^12]", "[1, 2]".
_FOOTNOTE_RE = re.compile(r"\[\^?(?P<notes>\d{1,4}(?:\s*,\s*\d{1,4})*)\]")
# What may sit between two references of one group.
_JOINER_RE = re.compile(
    r"(?i)\s*(?:[,;]\s*)?(?:(?:and|och|&|of|in|i|on|på|under)\s+)?(?:(?:the|den|det)\s+)?"
)
# What may sit between "(" and a group that fills the parenthesis.
_OPEN_BEFORE_RE = re.compile(
    r"(?i)[(\[]\s*(?:(?:see also|se även|see|se|cf\.|jfr\.?|compare|e\.g\.|t\.ex\.)\s+)?$"
)
_CLOSE_AFTER_RE = re.compile(r"\s*[)\]]")
_WORD_AFTER_RE = re.compile(r"\s+(?!of\b|and\b|in\b|och\b)[a-zåäö]")

# --------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------

# Opening mark -> the marks that may close it.
_QUOTE_PAIRS: dict[str, str] = {
    '"': '"', "“": "”", "„": "“”", "”": "”", "«": "»", "»": "«»",
    "‘": "’", "‚": "‘’", "'": "'", "’": "’",
}  # fmt: skip
_APOSTROPHES = frozenset("'’")
_OPEN_CONTEXT = frozenset("([{–—-/:;,")  # what may come right before an opening mark

# --------------------------------------------------------------------------------------
# Check-worthiness
# --------------------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_QUESTION_RE = re.compile(r"\?[\"”’»)\]]*\s*$")
_GREETING_RE = re.compile(
    r"""(?ix)^\W*(?:
        hi|hello|hey|thanks(?!\s+to\b)|thank\s+you|thx|cheers|congrat\w*|kudos|
        (?:great|nice|good|excellent|interesting|fantastic|wonderful|brilliant)\s+
            (?:article|post|piece|read|work|job|writing|story)|
        well\s+(?:written|done|said)|
        tack(?!\s+vare\b)|tusen\s+tack|stort\s+tack|hej|hejsan|tjena|grattis|mvh|
        (?:bra|fin|intressant|utmärkt|grym|härlig)\s+(?:artikel|text|läsning|skrivet|jobbat)|
        bra\s+(?:skrivet|jobbat)|snyggt
    )\b"""
)
_OPINION_PHRASE_RE = re.compile(
    r"""(?ix)\b(?:
        i\s+(?:think|believe|feel|guess|suppose|reckon|love|hate|like|dislike|agree|disagree
            |doubt|hope|wish)|
        i'm\s+(?:sure|not\s+sure|convinced)|in\s+my\s+(?:opinion|view|experience)|imo|imho|
        personally|
        jag\s+(?:tycker|tror|anser|känner|gillar|hatar|håller\s+med|hoppas|önskar|tvivlar)|
        enligt\s+min\s+(?:mening|åsikt|uppfattning)|min\s+åsikt|personligen
    )\b"""
)
_EVALUATIVE_RE = re.compile(
    r"""(?ix)\b(?:
        terrible|awful|horrible|great|amazing|awesome|excellent|fantastic|wonderful|brilliant
        |ridiculous|stupid|silly|disgraceful|shameful|outrageous|sad|bad|good|nice|wrong
        |fantastisk\w*|hemsk\w*|fruktansvär\w*|underbar\w*|dålig\w*|bra|skandal\w*|löjlig\w*
        |dum\w*|pinsam\w*|tråkig\w*|sorglig\w*|fel|konstig\w*
    )\b"""
)
_NOT_NAMES = frozenset({"I", "OK", "Ok", "TV", "Jag"})

# Sentences joined because a quotation runs across them: longest quotation considered.
_LONGEST_QUOTE = 600

_TEXT_BLOCKS = frozenset({"paragraph", "list_item", "quote", "caption"})

# --------------------------------------------------------------------------------------
# Scoring text
# --------------------------------------------------------------------------------------

# A preposition (and article) left dangling before a removed citation: "on page 12".
_DANGLING_RE = re.compile(
    r"(?i)(?:\b(?:on|at|in|see|cf\.|from|according\s+to|i|på|se|jfr\.?|under|enligt)\s+)?"
    r"(?:\b(?:the|den|det)\s+)?$"
)
_EMPTY_BRACKETS_RE = re.compile(r"[(\[]\s*[,;]?\s*[)\]]")
_SPACE_BEFORE_PUNCT_RE = re.compile(r"\s+([,.;:!?)\]])")
_DOUBLE_PUNCT_RE = re.compile(r"([,;])\s*([,.;:!?])")
_DOUBLE_STOP_RE = re.compile(r"(?<!\.)\.\.(?!\.)")  # "t.ex.." but not an ellipsis
_LEADING_PUNCT_RE = re.compile(r"^[\s,;:]+")


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def extract_claims(article: Document, sources: Sequence[Document] = ()) -> ClaimSet:
    """The claims of ``article`` (and its comments), and the sentences skipped."""
    builder = _Builder(sources)
    language = article.language or detect_language(article.text)
    if article.blocks:
        for block in article.blocks:
            builder.add_block(article, block, language)
    else:
        builder.add_text(article.text, 0, len(article.text), "article", language, article.links)
    for comment in article.comments:
        comment_language = comment.language or detect_language(comment.text)
        builder.add_text(comment.text, 0, len(comment.text), comment.id, comment_language, ())
    return ClaimSet(claims=tuple(builder.claims), skipped=tuple(builder.skipped))


def scoring_text(claim: Claim) -> str:
    """The claim as a verifier model should read it: citations (page, section, paragraph,
    footnote; not link anchors, which are words of the sentence) removed along with a
    preposition left dangling before them, and whitespace and punctuation tidied."""
    text = claim.text
    spans: list[tuple[int, int]] = []
    for c in sorted(claim.citations, key=lambda c: c.start):
        if c.kind == "link":
            continue
        start, end = max(c.start - claim.start, 0), min(c.end - claim.start, len(text))
        # "§ 3.4.3 and pp. 12–13": the words between two removed citations go too.
        if spans and (start <= spans[-1][1] or _JOINER_RE.fullmatch(text[spans[-1][1] : start])):
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    kept: list[str] = []
    cursor = 0
    for start, end in spans:
        if end <= cursor:
            continue
        start = max(start, cursor)
        before = text[cursor:start]
        if text[start : start + 1] not in ("(", "["):
            dangling = _DANGLING_RE.search(before)
            if dangling is not None:
                before = before[: dangling.start()]
        kept.append(before)
        kept.append(" ")
        cursor = end
    kept.append(text[cursor:])
    out = "".join(kept)
    out = _EMPTY_BRACKETS_RE.sub(" ", out)
    out = " ".join(out.split())
    out = _SPACE_BEFORE_PUNCT_RE.sub(r"\1", out)
    out = _DOUBLE_PUNCT_RE.sub(r"\2", out)
    out = _DOUBLE_STOP_RE.sub(".", out)
    out = _LEADING_PUNCT_RE.sub("", out)
    return out.strip()


# --------------------------------------------------------------------------------------
# Building claims
# --------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, sources: Sequence[Document]) -> None:
        self.sources = sources
        self.claims: list[Claim] = []
        self.skipped: list[Skipped] = []

    def add_block(self, article: Document, block: Block, language: str | None) -> None:
        start, end = _strip(article.text, block.start, block.end)
        if start >= end:
            return
        if block.kind not in _TEXT_BLOCKS:
            reason = "heading" if block.kind == "heading" else block.kind
            self.skip(article.text, start, end, "article", reason)
            return
        self.add_text(article.text, start, end, "article", language, article.links)

    def add_text(
        self,
        text: str,
        start: int,
        end: int,
        origin: str,
        language: str | None,
        links: Sequence[Link],
    ) -> None:
        spans = [(start + s, start + e) for s, e in split_sentences(text[start:end], language)]
        quotes = [q for q in _find_quotes(text, start, end) if q.end - q.start <= _LONGEST_QUOTE]
        spans = _join_across_quotes(spans, quotes)
        for s, e in spans:
            self.add_sentence(text, s, e, origin, language, links)

    def add_sentence(
        self,
        text: str,
        start: int,
        end: int,
        origin: str,
        language: str | None,
        links: Sequence[Link],
    ) -> None:
        sentence = text[start:end]
        citations = _find_citations(text, start, end)
        citations += _link_citations(text, start, end, links, self.sources)
        citations.sort(key=lambda c: (c.start, c.end))
        quotes = _find_quotes(text, start, end)
        cited = [(c.start, c.end) for c in citations if c.kind != "link"]
        numbers = [
            _shift(m, start)
            for m in find_numbers(sentence, language)
            if not any(s < start + m.end and start + m.start < e for s, e in cited)
        ]
        reason = _skip_reason(sentence, bool(citations or quotes or numbers))
        if reason is not None:
            self.skip(text, start, end, origin, reason)
            return
        self.claims.append(
            Claim(
                id=f"c{len(self.claims) + 1}",
                text=sentence,
                start=start,
                end=end,
                origin=origin,
                language=language,
                citations=tuple(citations),
                quotes=tuple(quotes),
                numbers=tuple(numbers),
            )
        )

    def skip(self, text: str, start: int, end: int, origin: str, reason: str) -> None:
        self.skipped.append(Skipped(text[start:end], start, end, origin, reason))


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _shift(m: NumberMention, offset: int) -> NumberMention:
    return replace(m, start=m.start + offset, end=m.end + offset)


def _join_across_quotes(
    spans: list[tuple[int, int]], quotes: list[Quote], limit: int = 1500
) -> list[tuple[int, int]]:
    """Join the sentences a quotation runs across ("”Bron är farlig. Den måste stängas.”")."""
    if not quotes:
        return spans
    joined: list[tuple[int, int]] = []
    for span in spans:
        if joined and any(
            q.start < joined[-1][1] <= q.end
            and span[0] < q.end
            and span[1] - joined[-1][0] <= limit
            for q in quotes
        ):
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    return joined


def _skip_reason(sentence: str, has_fact: bool) -> str | None:
    if not any(ch.isalpha() for ch in sentence):
        return "no letters"
    if _QUESTION_RE.search(sentence):
        return "question"
    if has_fact:
        return None
    words = _WORD_RE.findall(sentence)
    if _GREETING_RE.search(sentence) and len(words) <= 8:
        return "greeting"
    if len(words) < 4:
        return "too short"
    names = [w for w in words[1:] if w[0].isupper() and w not in _NOT_NAMES]
    opinion = _OPINION_PHRASE_RE.search(sentence) is not None or (
        len(words) <= 10 and _EVALUATIVE_RE.search(sentence) is not None
    )
    if opinion and not names:
        return "opinion"
    return None


# --------------------------------------------------------------------------------------
# Citations
# --------------------------------------------------------------------------------------


@dataclass
class _Ref:
    """One reference inside a sentence (offsets relative to the sentence)."""

    kind: CitationKind
    start: int
    end: int
    page: str | None = None
    page_end: str | None = None
    section: str | None = None
    paragraph: int | None = None


def _find_citations(text: str, start: int, end: int) -> list[Citation]:
    sentence = text[start:end]
    refs = _references(sentence)
    citations: list[Citation] = []
    for group in _group(sentence, refs):
        first = group[0]
        g_start, g_end = first.start, group[-1].end
        before = _OPEN_BEFORE_RE.search(sentence, 0, g_start)
        after = _CLOSE_AFTER_RE.match(sentence, g_end)
        if before is not None and after is not None:
            g_start, g_end = before.start(), after.end()
        citations.append(
            Citation(
                raw=sentence[g_start:g_end],
                start=start + g_start,
                end=start + g_end,
                kind=first.kind,
                page=next((r.page for r in group if r.page), None),
                page_end=next((r.page_end for r in group if r.page_end), None),
                section=next((r.section for r in group if r.section), None),
                paragraph=next((r.paragraph for r in group if r.paragraph), None),
            )
        )
    for m in _FOOTNOTE_RE.finditer(sentence):
        for note in re.findall(r"\d+", m.group("notes")):
            citations.append(
                Citation(
                    raw=m.group(),
                    start=start + m.start(),
                    end=start + m.end(),
                    kind="footnote",
                    footnote=note,
                )
            )
    return citations


def _references(sentence: str) -> list[_Ref]:
    refs: list[_Ref] = []
    for m in _REFERENCE_RE.finditer(sentence):
        if m.group("page"):
            page, page_end = m.group("page"), m.group("page_end")
            if not _page_label_ok(sentence, m, page, page_end):
                continue
            refs.append(_Ref("page", m.start(), m.end(), page=page, page_end=page_end))
        elif m.group("section"):
            refs.append(_Ref("section", m.start(), m.end(), section=m.group("section")))
        else:
            word, digit, num = m.group("para_word"), m.group("para_digit"), m.group("para_num")
            paragraph = _ORDINAL_WORDS[word.lower()] if word else int(digit or num)
            refs.append(_Ref("paragraph", m.start(), m.end(), paragraph=paragraph))
    for m in _BARE_SECTION_RE.finditer(sentence):
        if not any(r.start < m.end() and m.start() < r.end for r in refs):
            refs.append(_Ref("section", m.start("section"), m.end("section"), section=m["section"]))
    refs.sort(key=lambda r: r.start)
    return refs


def _page_label_ok(sentence: str, m: re.Match[str], page: str, page_end: str | None) -> bool:
    """Roman page labels only after English page words ("on page iv"), and a one-letter
    one not before an ordinary word ("page i think" is no reference)."""
    for label in (page, page_end):
        if label is None or label[0].isdigit():
            continue
        if m.group("page_kw").lower() in _SWEDISH_PAGE_WORDS:
            return False
        if len(label) == 1 and _WORD_AFTER_RE.match(sentence, m.end()):
            return False
    return True


def _group(sentence: str, refs: list[_Ref]) -> list[list[_Ref]]:
    groups: list[list[_Ref]] = []
    for ref in refs:
        if groups:
            group = groups[-1]
            gap = sentence[group[-1].end : ref.start]
            if _JOINER_RE.fullmatch(gap) and not _collides(group, ref):
                group.append(ref)
                continue
        groups.append([ref])
    return groups


def _collides(group: list[_Ref], ref: _Ref) -> bool:
    return any(
        (ref.page and r.page) or (ref.section and r.section) or (ref.paragraph and r.paragraph)
        for r in group
    )


def _link_citations(
    text: str, start: int, end: int, links: Sequence[Link], sources: Sequence[Document]
) -> list[Citation]:
    citations: list[Citation] = []
    if not sources:
        return citations
    for link in links:
        if not start <= link.start < end:
            continue
        source = _source_for(link.target, sources)
        if source is not None:
            citations.append(
                Citation(
                    raw=text[link.start : link.end],
                    start=link.start,
                    end=link.end,
                    kind="link",
                    target=source.id,
                )
            )
    return citations


def _source_for(target: str, sources: Sequence[Document]) -> Document | None:
    """The source a link target names: by full path, URL or id first, then by file name."""
    full, last = _names(target)
    if not full:
        return None
    by_name: Document | None = None
    for source in sources:
        s_full, s_last = _names(source.path)
        if full in (s_full, source.id.lower()):
            return source
        if by_name is None and last and last in (s_last, source.id.lower()):
            by_name = source
    return by_name


def _names(target: str) -> tuple[str, str]:
    """(the whole target, its last path segment), lower-cased and URL-decoded."""
    t = unquote(target.strip()).replace("\\", "/")
    parts = urlsplit(t)
    if parts.scheme and parts.netloc:
        path = parts.path.rstrip("/")
        full = f"{parts.netloc}{path}".lower()
    else:
        path = parts.path if parts.scheme in ("", "file") else t
        full = t.removeprefix("file://").removeprefix("./").rstrip("/").lower()
    return full, os.path.basename(path.rstrip("/")).lower()


# --------------------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------------------


def _find_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Top-level quotations in ``text[start:end]``; unbalanced marks are ignored."""
    quotes: list[Quote] = []
    i = start
    while i < end:
        mark = text[i]
        if mark in _QUOTE_PAIRS and _can_open(text, i, start, end):
            j = _closer(text, i, end)
            if j is not None:
                quotes.append(Quote(text[i + 1 : j], i + 1, j))
                i = j + 1
                continue
        i += 1
    return quotes


def _can_open(text: str, i: int, start: int, end: int) -> bool:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    if after.isspace():
        return False
    return before.isspace() or before in _OPEN_CONTEXT or before in _QUOTE_PAIRS


def _can_close(text: str, j: int, end: int) -> bool:
    before = text[j - 1]
    after = text[j + 1] if j + 1 < end else " "
    return not before.isspace() and not after.isalnum()


def _closer(text: str, i: int, end: int) -> int | None:
    """The closing mark for the opening mark at ``i``. An apostrophe-like closer right
    after an "s" and before a word ("the bridges' state") is taken only when no better
    closer follows."""
    closers = _QUOTE_PAIRS[text[i]]
    fallback: int | None = None
    for j in range(i + 2, end):
        if text[j] in closers and _can_close(text, j, end):
            possessive = (
                text[j] in _APOSTROPHES
                and text[j - 1] in "sS"
                and re.match(r"\s+\w", text[j + 1 : j + 3]) is not None
            )
            if not possessive:
                return j
            if fallback is None:
                fallback = j
    return fallback


# "The report says that X", "According to the report, X", "X, the report says",
# "Rapporten säger att X" (not Swedish "Enligt rapporten": its verb-second order would
# leave X inverted),
# "That's wrong, ...": the frame names who says it; what is checked is X. Verifiers and the
# polarity check read X alone (a frame's words add no evidence, and "That's not true,"
# would flip a polarity check).
_SOURCE_NOUN = (
    r"(?:the|this|that|a|its|their)\s+(?:\w+\s+)?"
    r"(?:report|study|document|source|survey|inspection|review|audit|paper|article|analysis)"
)
# Assertive reporting verbs only: they commit the source to X ("admits that X", "is clear
# that X"). Verbs that do not ("denies", "recommends", "hopes", "doubts") keep their frame:
# stripping theirs would check the opposite or a wish.
_SAYS = (
    r"(?:(?:also|even|still|\w+ly)\s+)?(?:says|said|states|stated|shows|showed|found|finds|"
    r"notes|noted|writes|wrote|claims|claimed|reports|reported|concludes|concluded|"
    r"confirms|confirmed|describes|described|admits|admitted|acknowledges|acknowledged|"
    r"concedes|conceded|estimates|estimated|explains|explained|establishes|established|"
    r"points\s+out|pointed\s+out|makes\s+(?:it\s+)?clear|made\s+(?:it\s+)?clear|"
    r"(?:is|was)\s+(?:\w+ly\s+)?(?:clear|explicit))"
    # where it says so: "admits on page 20 that", "says in its summary that"
    r"(?:\s+(?:on\s+page\s+\d+|in\s+(?:section|§)\s*\d+(?:\.\d+)*|in\s+its\s+\w+))?"
)
_LEAD_RE = re.compile(
    r"^\s*(?:(?:that's|that is|this is|it's|it is)\s+(?:wrong|not true|false|right|correct|"
    r"true)\s*[,.;:!-]\s*)?"
    r"(?:(?:actually|in fact|indeed|however|but|and|so|yes|no|well)\s*,?\s+)?"
    r"(?:(?:according to\s+" + _SOURCE_NOUN + r"\s*,?\s*)|"
    r"(?:" + _SOURCE_NOUN + r"\s+" + _SAYS + r"\s+(?:that\s+)?)|"
    r"(?:(?:rapporten|utredningen|granskningen|studien)\s+(?:säger|visar|konstaterar|"
    r"skriver|anger|beskriver|medger|erkänner|bekräftar|framhåller|slår\s+fast)"
    r"\s+(?:att\s+)?))?",
    re.IGNORECASE,
)
_TRAIL_RE = re.compile(
    r",\s*(?:" + _SOURCE_NOUN + r"\s+" + _SAYS + r"|according to " + _SOURCE_NOUN + r")"
    r"\s*(?=[.!]?\s*$)",
    re.IGNORECASE,
)


def strip_attribution(text: str) -> str:
    """``text`` without a leading or trailing attribution frame ("The report says that",
    "According to the report,", ", the report says", "That's wrong,", "Rapporten säger
    att"); unchanged when there is none, or when nothing would be left."""
    lead = _LEAD_RE.match(text)
    core = text[lead.end() :] if lead and lead.end() else text
    core = _TRAIL_RE.sub("", core)
    if len(core.split()) < 3:
        return text
    return core[:1].upper() + core[1:]


#: Where a sentence joins two statements: a semicolon, or a comma followed by a
#: coordinating or contrasting conjunction of the claim's language.
_PART_JOINERS = {
    "en": ("and", "but", "while", "whereas", "although", "yet"),
    "sv": ("och", "men", "medan", "fast", "samtidigt som"),
    "da": ("og", "men", "mens"),
    "nb": ("og", "men", "mens"),
    "de": ("und", "aber", "während", "doch", "jedoch"),
    "fr": ("et", "mais", "tandis que", "alors que"),
    "es": ("y", "pero", "mientras que"),
    "fi": ("ja", "mutta", "kun taas"),
    "nl": ("en", "maar", "terwijl"),
}
_MIN_PART_WORDS = 4


def statement_spans(text: str, language: str | None) -> list[tuple[int, int]]:
    """Where the statements of ``text`` stand, when it joins several: cut at a semicolon
    or at a comma before a conjunction ("..., but ..."), each part at least four words;
    ``[(0, len(text))]`` when it states one thing. Spans exclude the joiner and the
    surrounding spaces and commas."""
    joiners = _PART_JOINERS.get(language or "en", _PART_JOINERS["en"])
    alternation = "|".join(re.escape(j) for j in sorted(joiners, key=len, reverse=True))
    cut = re.compile(rf";\s+|,\s+(?:{alternation})\s+", re.IGNORECASE)
    cuts: list[tuple[int, int]] = []
    last = 0
    for m in cut.finditer(text):
        left = text[last : m.start()]
        right = text[m.end() :]
        if len(left.split()) >= _MIN_PART_WORDS and len(right.split()) >= _MIN_PART_WORDS:
            cuts.append((last, m.start()))
            last = m.end()
    if not cuts:
        return [(0, len(text))]
    cuts.append((last, len(text)))
    spans = []
    for s, e in cuts:
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;"):
            e -= 1
        spans.append((s, e))
    return spans


def split_statements(text: str, language: str | None) -> list[str]:
    """The statements a claim packs, when it joins several (:func:`statement_spans`),
    each ending as a sentence. One part (the whole text) when it states one thing."""
    spans = statement_spans(text, language)
    if len(spans) == 1:
        return [text]
    out = []
    for s, e in spans:
        p = text[s:e].rstrip(" ,;")
        if p and p[-1] not in ".!?":
            p += "."
        out.append(p[:1].upper() + p[1:])
    return out
