"""The report as one self-contained HTML page: inline CSS and a little inline JS, nothing
fetched from anywhere, readable offline and on paper.

Every string from the article, the sources, the comments or the options is untrusted. The
template autoescapes everything; highlighting builds its markup here from pieces that are
each passed through :func:`markupsafe.escape`, and :class:`markupsafe.Markup` wraps only
tags written in this module. The page also carries a Content-Security-Policy that allows
no network access and only the one inline script, by hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol, TypeVar

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from sourcecheck.model import (
    CITATION_PROBLEMS,
    VERDICTS,
    Comment,
    Evidence,
    Report,
    SourceInfo,
    Verdict,
)
from sourcecheck.report.jsonreport import citation_counts, jsonable, verdict_counts
from sourcecheck.report.text import (
    CITATION_ICONS,
    STATUS_OK,
    VERDICT_ICONS,
    citation_check_text,
    fmt_score,
    number_status_text,
    origin_text,
    quote_status_text,
    stance_text,
    status_icon,
    verdict_words,
)
from sourcecheck.thread import ClaimDiscussion, discussion, thread_rows

# -- highlighting ----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)"
    r"|(?P<word>[^\W\d_]+)"
)
_GROUP_SPACE = re.compile(r"[\u00a0\u202f ]")
MIN_STEM = 4
# Frequent English and Swedish words of four letters or more: sharing them says nothing.
_STOPWORD_TEXT = """
    about after also been before being both could does each from have here into just like
    more most much must only other over same should some such than that their them then
    there these they this those through under very were what when where which while will
    with would your
    alla allt andra annat bara blev dessa detta efter eftersom eller enligt från genom hade
    hans hela henne inom inte kunde mellan mest också sedan sina sitt skall
    skulle till under utan vara varit vilka vilken vilket ännu även
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def _number_values(token: str) -> frozenset[float]:
    """The values a written number may have: ``"3,8"`` -> {3.8, 38.0}, ``"1 240"`` -> {1240}.
    Decimal commas and thousands points are both tried, since the article and the source
    may write numbers the English and the Swedish way."""
    t = _GROUP_SPACE.sub("", token)
    values: set[float] = set()
    for candidate in (t.replace(",", ""), t.replace(".", "").replace(",", ".")):
        try:
            values.add(float(candidate))
        except ValueError:
            continue
    return frozenset(values)


def _stems_share(a: str, b: str) -> bool:
    """Two lowercased words share a stem: a common prefix of at least four characters that
    leaves at most three characters of the shorter word over (Riksbank/Riksbanken,
    population/populations, pris/priset)."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n >= MIN_STEM and n >= min(len(a), len(b)) - 3


@dataclass(frozen=True)
class _Terms:
    """The words and numbers of a claim, indexed for matching passages against it."""

    by_prefix: dict[str, tuple[str, ...]]
    numbers: frozenset[float]

    @classmethod
    def of(cls, text: str) -> _Terms:
        by_prefix: dict[str, set[str]] = {}
        numbers: set[float] = set()
        for m in _TOKEN.finditer(text):
            if m.group("num"):
                numbers |= _number_values(m.group("num"))
                continue
            word = m.group("word").lower()
            if len(word) >= MIN_STEM and word not in _STOPWORDS:
                by_prefix.setdefault(word[:MIN_STEM], set()).add(word)
        return cls({k: tuple(v) for k, v in by_prefix.items()}, frozenset(numbers))

    def matches(self, m: re.Match[str]) -> bool:
        if m.group("num"):
            return bool(_number_values(m.group("num")) & self.numbers)
        word = m.group("word").lower()
        if len(word) < MIN_STEM or word in _STOPWORDS:
            return False
        return any(_stems_share(word, w) for w in self.by_prefix.get(word[:MIN_STEM], ()))


Span = tuple[int, int, str, str]
R = TypeVar("R", bound="_Result")
"""start, end, CSS class, title (tooltip; empty for none) of a highlighted stretch."""


def mark_spans(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` with each span wrapped in ``<mark>``; overlapping spans after the first are
    dropped. Every piece of ``text`` is escaped; only the tags are trusted markup."""
    out: list[Markup] = []
    pos = 0
    for start, end, css, title in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos or start >= end or end > len(text):
            continue
        out.append(escape(text[pos:start]))
        if title:
            tag = Markup('<mark class="{}" title="{}">{}</mark>')
            out.append(tag.format(css, title, text[start:end]))
        else:
            out.append(Markup('<mark class="{}">{}</mark>').format(css, text[start:end]))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def highlight_shared(passage: str, claim_text: str, keep: Iterable[Span] = ()) -> Markup:
    """The passage with the words and numbers it shares with the claim marked, plus the
    spans in ``keep`` (which win where they overlap a shared word)."""
    kept = list(keep)
    terms = _Terms.of(claim_text)
    merged: list[Span] = []
    for m in _TOKEN.finditer(passage):
        if not terms.matches(m) or any(s < m.end() and m.start() < e for s, e, _, _ in kept):
            continue
        # neighbouring shared words separated by one space become one mark
        if merged and passage[merged[-1][1] : m.start()] == " ":
            merged[-1] = (merged[-1][0], m.end(), "shared", "")
        else:
            merged.append((m.start(), m.end(), "shared", ""))
    return mark_spans(passage, kept + merged)


def highlight_evidence(evidence: Evidence, verdict: Verdict) -> Markup:
    """An evidence passage with the words it shares with the claim marked, and the very
    stretches the quote and number checks point at marked by their outcome."""
    checks: list[Span] = []
    results: list[tuple[str | None, int | None, int | None, str | None, str, str]] = [
        (
            q.source,
            q.start,
            q.end,
            q.source_text,
            q.status,
            f"the quotation “{q.text}”: {quote_status_text(q)}",
        )
        for q in verdict.quotes
    ]
    results += [
        (n.source, n.start, n.end, n.source_text, n.status, f"{n.text}: {number_status_text(n)}")
        for n in verdict.numbers
    ]
    for source, start, end, text, status, title in results:
        if source != evidence.source or start is None or end is None:
            continue
        s, e = start - evidence.start, end - evidence.start
        if not 0 <= s < e <= len(evidence.text):
            continue
        if text is not None and evidence.text[s:e] != text:
            continue
        checks.append((s, e, f"check {_status_class(status)}", title))
    return highlight_shared(evidence.text, verdict.claim.text, checks)


def _claim_span(
    verdict: Verdict, text: str, start: int | None, end: int | None
) -> tuple[int, int] | None:
    """Where ``text`` sits in the claim's text: by its offsets (which index the claim's
    origin text, or failing that the claim itself), else by searching for it."""
    claim = verdict.claim
    if not text:
        return None
    if start is not None and end is not None:
        for base in (claim.start, 0):
            s, e = start - base, end - base
            if 0 <= s < e <= len(claim.text) and claim.text[s:e] == text:
                return s, e
    i = claim.text.find(text)
    return (i, i + len(text)) if i >= 0 else None


class _Mention(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


class _Result(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def status(self) -> str: ...


def _mention_spans(
    verdict: Verdict,
    mentions: Sequence[_Mention],
    results: Sequence[R],
    css: str,
    label: str,
    describe: Callable[[R], str],
) -> list[Span]:
    """Spans for the claim's quotes (or numbers), coloured by their check results; a
    result whose mention the claim does not carry is placed by searching for its text."""
    by_text = {r.text: r for r in results}
    spans: list[Span] = []
    for mention in mentions:
        found = _claim_span(verdict, mention.text, mention.start, mention.end)
        result = by_text.get(mention.text)
        if found:
            klass = f"{css} {_status_class(result.status) if result else ''}".strip()
            title = f"{label}: {describe(result)}" if result else label
            spans.append((*found, klass, title))
    seen = {m.text for m in mentions}
    for result in results:
        if result.text not in seen and (found := _claim_span(verdict, result.text, None, None)):
            spans.append(
                (*found, f"{css} {_status_class(result.status)}", f"{label}: {describe(result)}")
            )
    return spans


def highlight_claim(verdict: Verdict) -> Markup:
    """The claim text with its quotes, numbers and citations marked, coloured by what the
    checks found."""
    claim = verdict.claim
    spans: list[Span] = []
    spans += _mention_spans(
        verdict, claim.quotes, verdict.quotes, "quote", "quotation", quote_status_text
    )
    spans += _mention_spans(
        verdict, claim.numbers, verdict.numbers, "num", "number", number_status_text
    )
    for citation in claim.citations:
        if found := _claim_span(verdict, citation.raw, citation.start, citation.end):
            spans.append((*found, "cite", "citation"))
    return mark_spans(claim.text, spans)


def _status_class(status: str) -> str:
    if status in STATUS_OK:
        return "ok"
    return "near" if status in ("near", "translated") else "bad"


# -- the view --------------------------------------------------------------------------------

_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_HTTP_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)


def _lang(code: str | None) -> str:
    """A language code fit for a ``lang`` attribute, or empty."""
    return code if code and _LANG.fullmatch(code) else ""


def safe_url(url: str | None) -> str:
    """``url`` when it is an http(s) URL, else empty: no ``javascript:`` or ``data:`` link
    is ever made from report data."""
    if not url:
        return ""
    u = url.strip()
    return u if _HTTP_URL.fullmatch(u) else ""


@dataclass(frozen=True)
class EvidenceView:
    source: str
    source_title: str
    where: list[str]
    where_detail: str
    score: str
    retrieval: str
    lang: str
    text: Markup
    #: "Swedish original" where the passage's language is not the claim's, else empty.
    original: str = ""


LANGUAGE_NAMES = {
    "en": "English", "sv": "Swedish", "da": "Danish", "nb": "Norwegian", "no": "Norwegian",
    "nn": "Norwegian", "fi": "Finnish", "de": "German", "fr": "French", "es": "Spanish",
    "it": "Italian", "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "ru": "Russian",
    "uk": "Ukrainian", "et": "Estonian", "is": "Icelandic",
}  # fmt: skip


def original_note(evidence_language: str | None, claim_language: str | None) -> str:
    """``"Swedish original"`` for a passage in another language than its claim."""
    if not evidence_language or not claim_language or evidence_language == claim_language:
        return ""
    name = LANGUAGE_NAMES.get(evidence_language, evidence_language)
    return f"{name} original"


@dataclass(frozen=True)
class CheckView:
    icon: str
    css: str
    text: str
    detail: str


@dataclass(frozen=True)
class ClaimView:
    anchor: str
    id: str
    verdict: str
    verdict_words: str
    icon: str
    score: str
    confidence: str | None
    citation: str
    citation_icon: str
    citation_css: str
    citation_problem: bool
    from_comment: bool
    origin: str
    lang: str
    text: Markup
    reason: str
    evidence_label: str
    evidence: list[EvidenceView]
    quotes: list[CheckView]
    numbers: list[CheckView]
    links: list[tuple[str, str]] = field(default_factory=list)
    #: What the comment thread says of the claim ("c6 is disputed by comment c7 ...").
    thread: str | None = None
    disputed: bool = False


@dataclass
class CommentView:
    id: str
    author: str
    time: str
    lang: str
    text: str
    stance: str
    stance_css: str
    #: The claim card the stance points at ("#claim-3"), or a comment ("#comment-c2").
    target_href: str | None
    own: list[tuple[str, str, str, str]]  # (claim id, verdict css, words, "#claim-N")
    children: list[CommentView] = field(default_factory=list)


def _thread_views(report: Report, anchors: dict[str, str]) -> list[CommentView]:
    """The comments as a tree of views, in page order."""
    roots: list[CommentView] = []
    views: dict[str, CommentView] = {}
    for row in thread_rows(report.comments, report.stances, report.verdicts):
        c, st = row.comment, row.stance
        href = None
        if st is not None and st.target:
            href = anchors.get(st.target) if st.target_kind == "claim" else f"#comment-{st.target}"
        view = CommentView(
            id=c.id,
            author=c.author or "",
            time=c.time or "",
            lang=_lang(c.language),
            text=c.text,
            stance=stance_text(st),
            stance_css=st.stance if st else "none",
            target_href=href,
            own=[
                (v.claim.id, v.label, verdict_words(v.label), anchors.get(v.claim.id, ""))
                for v in row.verdicts
            ],
        )
        views[c.id] = view
        parent = views.get(c.parent or "") if row.depth else None
        (parent.children if parent is not None else roots).append(view)
    return roots


EVIDENCE_LABELS = {
    "contradicted": "What the source says instead",
    "not_found": "Closest passage (it does not support the claim)",
}


def _evidence_view(e: Evidence, verdict: Verdict, sources: dict[str, SourceInfo]) -> EvidenceView:
    info = sources.get(e.source)
    loc = e.locator
    where = loc.parts(title=True)
    language = e.language or (info.language if info else None)
    return EvidenceView(
        source=e.source,
        source_title=(info.title or info.path) if info else "",
        where=where,
        where_detail="; ".join(loc.details()),
        score=fmt_score(e.score),
        retrieval="cited place" if e.retrieval == "cited" else "found by search",
        lang=_lang(language),
        text=highlight_evidence(e, verdict),
        original=original_note(language, verdict.claim.language),
    )


def _claim_view(
    i: int,
    v: Verdict,
    sources: dict[str, SourceInfo],
    comments: Sequence[Comment] = (),
    talk: ClaimDiscussion | None = None,
) -> ClaimView:
    claim = v.claim
    verdict = v.label if v.label in VERDICTS else "unknown"
    check = v.citation_check
    return ClaimView(
        anchor=f"claim-{i}",
        id=claim.id,
        verdict=verdict,
        verdict_words=verdict_words(v.label),
        icon=VERDICT_ICONS.get(v.label, "•"),
        score=fmt_score(v.score),
        confidence=None if v.confidence is None else fmt_score(v.confidence),
        citation=citation_check_text(v),
        citation_icon=CITATION_ICONS.get(check, "•"),
        citation_css={"confirmed": "ok", "none": "none"}.get(check, "bad"),
        citation_problem=check in CITATION_PROBLEMS,
        from_comment=claim.origin != "article",
        origin=origin_text(claim.origin, comments),
        lang=_lang(claim.language),
        text=highlight_claim(v),
        reason=v.reason,
        evidence_label=EVIDENCE_LABELS.get(v.label, "What the source says"),
        evidence=[_evidence_view(e, v, sources) for e in v.evidence],
        quotes=[
            CheckView(status_icon(q.status), _status_class(q.status), q.text, quote_status_text(q))
            for q in v.quotes
        ],
        numbers=[
            CheckView(status_icon(n.status), _status_class(n.status), n.text, number_status_text(n))
            for n in v.numbers
        ],
        links=[(c.raw, url) for c in claim.citations if (url := safe_url(c.target))],
        thread=talk.sentence({c.id: c.author for c in comments}) if talk else None,
        disputed=bool(talk and talk.disputed_by),
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("sourcecheck.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _pretty(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), ensure_ascii=False, sort_keys=True)


def report_to_html(report: Report) -> str:
    """The report as a complete, self-contained HTML page."""
    sources = {s.id: s for s in report.sources}
    talk = discussion(report.verdicts, report.stances)
    claims = [
        _claim_view(i, v, sources, report.comments, talk.get(v.claim.id))
        for i, v in enumerate(report.verdicts, 1)
    ]
    anchors = {v.claim.id: f"#claim-{i}" for i, v in enumerate(report.verdicts, 1)}
    env = _environment()
    script = env.get_template("_script.html").render()
    counts = verdict_counts(report)
    article = report.article
    return env.get_template("report.html").render(
        title=article.title or article.path,
        article=article,
        article_url=safe_url(article.path),
        created=report.created,
        version=report.tool_version,
        sources=[(s, safe_url(s.path)) for s in report.sources],
        chips=[(v, VERDICT_ICONS[v], verdict_words(v), counts[v]) for v in VERDICTS],
        citations=citation_counts(report),
        citation_problems=sum(c.citation_problem for c in claims),
        from_comments=sum(c.from_comment for c in claims),
        disputed=sum(c.disputed for c in claims),
        thread=_thread_views(report, anchors),
        analysed=bool(report.stances),
        claims=claims,
        skipped=[(s, origin_text(s.origin, report.comments)) for s in report.skipped],
        options=[(str(k), _pretty(v)) for k, v in report.options.items()],
        models=[(str(k), _pretty(v)) for k, v in report.models.items()],
        timings=[(str(k), f"{v:.2f} s") for k, v in report.timings.items()],
        script=Markup(script),
        csp_script=_script_hash(script),
        article_lang=_lang(article.language),
    )
