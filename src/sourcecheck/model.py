"""The nouns of sourcecheck: frozen, typed, and carrying their offsets.

Every piece of text that a later stage shows to a user is a slice ``text[start:end]`` of
the one canonical string of the document (or comment) it came from. Nothing here rebuilds
text by joining pieces.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table", "caption", "quote", "toc"]
VerdictLabel = Literal["supported", "partially_supported", "contradicted", "not_found"]
CitationCheck = Literal["none", "confirmed", "wrong_location", "unresolved"]
#: ``translated``: the source is in another language than the quote, so the quotation
#: cannot be checked word for word; the result shows the source's own wording.
QuoteStatus = Literal["verbatim", "normalised", "near", "translated", "absent"]
NumberStatus = Literal["matches", "differs", "absent"]
CitationKind = Literal["page", "section", "paragraph", "footnote", "link"]

VERDICTS: tuple[VerdictLabel, ...] = (
    "supported",
    "partially_supported",
    "contradicted",
    "not_found",
)
#: The citation checks that mean the cited place does not hold the claim's support.
CITATION_PROBLEMS: tuple[CitationCheck, ...] = ("wrong_location", "unresolved")


@dataclass(frozen=True)
class Page:
    """One physical page: ``index`` is 1-based; ``label`` is the printed page label
    (from the PDF's /PageLabels where it has them, else ``str(index)``)."""

    index: int
    label: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A heading or paragraph-like block of a document's canonical text.

    ``section`` is the number of the innermost numbered heading the block is under
    ("3.4.3"), or of the heading itself for a heading. ``paragraph_in_page`` and
    ``paragraph_in_section`` count paragraphs (not headings) from 1.
    ``page`` is the 1-based index of the page where the block starts, if paged.
    """

    kind: BlockKind
    start: int
    end: int
    page: int | None = None
    section: str | None = None
    section_title: str | None = None
    heading_level: int | None = None
    paragraph_in_page: int | None = None
    paragraph_in_section: int | None = None


@dataclass(frozen=True)
class Link:
    """A hyperlink: its anchor text is ``text[start:end]`` of the document."""

    target: str
    start: int
    end: int


@dataclass(frozen=True)
class Comment:
    """One comment of a web page's thread. Its text is its own canonical string;
    claims found in it carry offsets into ``Comment.text``."""

    id: str
    text: str
    author: str | None = None
    time: str | None = None
    parent: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Locator:
    """Where a span sits in a document, for people: printed page label, 1-based page
    index, section number and title, paragraph within page and within section."""

    page: str | None = None
    page_index: int | None = None
    section: str | None = None
    section_title: str | None = None
    paragraph: int | None = None
    section_paragraph: int | None = None

    def parts(
        self, *, paragraph: bool = True, title: bool = False, file_page: bool = True
    ) -> list[str]:
        """``["p. 14", "§ 3.2", "¶ 1"]``: the printed page label (with ``file_page``, the
        physical page where there is no label), the section number (with ``title``, its
        title after it), and with ``paragraph`` the paragraph: within the section where
        there is one, else within the page. The one place a locator becomes text."""
        out: list[str] = []
        if self.page:
            out.append(f"p. {self.page}")
        elif file_page and self.page_index is not None:
            out.append(f"file page {self.page_index}")
        if self.section:
            named = f" {self.section_title}" if title and self.section_title else ""
            out.append(f"§ {self.section}{named}")
        if paragraph:
            number = self.section_paragraph if self.section else None
            if number is None:
                number = self.paragraph
            if number is not None:
                out.append(f"¶ {number}")
        return out

    def describe(self, **options: bool) -> str:
        """:meth:`parts` joined: ``"p. 14, § 3.2, ¶ 1"``."""
        return ", ".join(self.parts(**options))

    def details(self) -> list[str]:
        """Everything the locator knows, in words, for a reader who wants it spelled out:
        ``["printed page 14", "page 16 of the file", "section 3.2 “Method”", ...]``."""
        out = []
        if self.page:
            out.append(f"printed page {self.page}")
        if self.page_index is not None:
            out.append(f"page {self.page_index} of the file")
        if self.section:
            title = f" “{self.section_title}”" if self.section_title else ""
            out.append(f"section {self.section}{title}")
        if self.paragraph is not None:
            out.append(f"paragraph {self.paragraph} on the page")
        if self.section_paragraph is not None and self.section:
            out.append(f"paragraph {self.section_paragraph} of section {self.section}")
        return out


@dataclass(frozen=True)
class Document:
    """A loaded document: one canonical ``text`` plus locators into it."""

    id: str
    path: str
    media_type: str
    text: str
    sha256: str
    language: str | None = None
    title: str | None = None
    pages: tuple[Page, ...] = ()
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    comments: tuple[Comment, ...] = ()
    warnings: tuple[str, ...] = ()
    _page_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)
    _block_starts: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_page_starts", tuple(p.start for p in self.pages))
        object.__setattr__(self, "_block_starts", tuple(b.start for b in self.blocks))

    def page_at(self, offset: int) -> Page | None:
        """The page containing character ``offset`` (None for unpaged documents)."""
        if not self.pages:
            return None
        i = bisect.bisect_right(self._page_starts, offset) - 1
        return self.pages[max(i, 0)]

    def block_at(self, offset: int) -> Block | None:
        """The block containing ``offset``, or the nearest block before it."""
        if not self.blocks:
            return None
        i = bisect.bisect_right(self._block_starts, offset) - 1
        if i < 0:
            return None
        return self.blocks[i]

    def locate(self, start: int) -> Locator:
        """The locator of the span starting at ``start``."""
        page = self.page_at(start)
        block = self.block_at(start)
        return Locator(
            page=page.label if page else None,
            page_index=page.index if page else None,
            section=block.section if block else None,
            section_title=block.section_title if block else None,
            paragraph=block.paragraph_in_page if block else None,
            section_paragraph=block.paragraph_in_section if block else None,
        )

    def page_by_label(self, label: str) -> Page | None:
        """The page whose printed label is ``label`` (case-insensitive)."""
        wanted = label.strip().lower()
        for page in self.pages:
            if page.label.lower() == wanted:
                return page
        return None


@dataclass(frozen=True)
class Passage:
    """A retrievable span of a source: ``text == document.text[start:end]``."""

    doc_id: str
    start: int
    end: int
    text: str
    locator: Locator


@dataclass(frozen=True)
class Citation:
    """A reference in a claim to a place in a source. ``start``/``end`` index the raw
    citation text in the claim's origin text (article or comment)."""

    raw: str
    start: int
    end: int
    kind: CitationKind
    page: str | None = None
    page_end: str | None = None
    section: str | None = None
    paragraph: int | None = None
    footnote: str | None = None
    target: str | None = None

    def describe(self) -> str:
        """``"p. 12–13, § 3.4, ¶ 2"``, or the citation as written when it names no place."""
        parts = []
        if self.page:
            parts.append(f"p. {self.page}" + (f"–{self.page_end}" if self.page_end else ""))
        if self.section:
            parts.append(f"§ {self.section}")
        if self.paragraph:
            parts.append(f"¶ {self.paragraph}")
        return ", ".join(parts) or self.raw


@dataclass(frozen=True)
class Quote:
    """A quotation in a claim: ``text`` is what is between the quote marks."""

    text: str
    start: int
    end: int


#: The bound words put on a figure: "more than 40" is over 40, "nearly 40" under it.
NumberQualifier = Literal["over", "under", "about"]


@dataclass(frozen=True)
class NumberMention:
    """A number in a claim with its normalised value (dates as YYYYMMDD or YYYY)."""

    text: str
    start: int
    end: int
    value: float
    unit: str | None = None
    kind: Literal["number", "percent", "date", "year", "ordinal", "money"] = "number"
    #: The bound the words before it put on the value: ``"over"`` ("more than", "drygt",
    #: "über"), ``"under"`` ("less than", "nearly", "knappt", "près de"), ``"about"``
    #: ("around", "cirka", "rund"), or None.
    qualifier: NumberQualifier | None = None


@dataclass(frozen=True)
class Claim:
    """A checkable sentence. ``start``/``end`` index the origin's text: the article's
    canonical text when ``origin == "article"``, else the comment's text."""

    id: str
    text: str
    start: int
    end: int
    origin: str = "article"
    language: str | None = None
    citations: tuple[Citation, ...] = ()
    quotes: tuple[Quote, ...] = ()
    numbers: tuple[NumberMention, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A sentence not checked, and why (question, opinion, too short, ...)."""

    text: str
    start: int
    end: int
    origin: str
    reason: str


@dataclass(frozen=True)
class Evidence:
    """A passage of a source with the verifier's score for one claim."""

    source: str
    start: int
    end: int
    text: str
    score: float
    locator: Locator
    retrieval: Literal["cited", "search"] = "search"
    language: str | None = None


@dataclass(frozen=True)
class QuoteResult:
    text: str
    status: QuoteStatus
    source: str | None = None
    page: str | None = None
    start: int | None = None
    end: int | None = None
    source_text: str | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class NumberResult:
    text: str
    value: float
    status: NumberStatus
    unit: str | None = None
    source_value: float | None = None
    source_text: str | None = None
    source: str | None = None
    page: str | None = None
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class PartResult:
    """One statement of a claim that packs several, and what the sources say of it."""

    text: str
    label: VerdictLabel
    confidence: float
    #: The passage that decided the part (None when nothing did).
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    label: VerdictLabel
    score: float
    citation_check: CitationCheck
    reason: str
    #: The passage the verdict rests on first (the contradicting one for ``contradicted``),
    #: then other candidates.
    evidence: tuple[Evidence, ...] = ()
    quotes: tuple[QuoteResult, ...] = ()
    numbers: tuple[NumberResult, ...] = ()
    citation_note: str | None = None
    #: The calibrated probability of ``label`` (None where the rule set gives none).
    confidence: float | None = None
    #: A claim that packs several statements: each one's result (empty otherwise).
    parts: tuple[PartResult, ...] = ()
    #: How far the sources speak to the claim at all: the highest probability, over the
    #: passages read, that a passage supports or contradicts it (1 - P(neither)). Below
    #: the unsure level the sources do not discuss it: the claim is not checkable here.
    coverage: float | None = None


StanceLabel = Literal["agrees", "disputes", "asks", "comments"]
LinkKind = Literal["quote", "numbers", "text", "reply", "none"]


@dataclass(frozen=True)
class Stance:
    """What one comment of the thread answers, and how (:mod:`sourcecheck.thread`)."""

    comment: str
    stance: StanceLabel
    #: The article claim (``target_kind == "claim"``) or the comment it answers; None
    #: where it answers nothing in particular.
    target: str | None = None
    target_kind: Literal["claim", "comment"] | None = None
    #: How strongly the reading that decided gives this stance: the verifier's calibrated
    #: probability (support for ``agrees``, contradiction for ``disputes``) or the wording
    #: cue's share (:func:`sourcecheck.thread.stance_cues`, not calibrated), the larger.
    confidence: float | None = None
    #: How the target was found: ``quote``, ``numbers``, ``text``, ``reply`` or ``none``.
    link: LinkKind = "none"
    link_score: float = 0.0


@dataclass(frozen=True)
class SourceInfo:
    id: str
    path: str
    media_type: str
    language: str | None
    pages: int
    sha256: str
    title: str | None = None
    characters: int = 0
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    schema: str
    created: str
    tool_version: str
    article: SourceInfo
    sources: tuple[SourceInfo, ...]
    verdicts: tuple[Verdict, ...]
    skipped: tuple[Skipped, ...]
    options: dict[str, object]
    models: dict[str, object]
    timings: dict[str, float] = field(default_factory=dict)
    #: The article's comment thread, so a reader sees who made each comment's claims.
    comments: tuple[Comment, ...] = ()
    #: Each comment's stance toward the claim or comment it answers.
    stances: tuple[Stance, ...] = ()


REPORT_SCHEMA = "sourcecheck/report/v1"
