"""The report as Markdown, for pasting into an issue, a chat or an editor's notes.

Also the words every human-readable report uses (verdict labels, citation-check phrases,
locators), so that Markdown and HTML say the same thing the same way.

Article and source text is untrusted: :func:`md_escape` turns ``& < >`` into entities (no raw
HTML passes through a Markdown renderer) and backslash-escapes the characters that would
start emphasis, links, code or table cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sourcecheck.model import (
    VERDICTS,
    Comment,
    Evidence,
    Locator,
    NumberResult,
    QuoteResult,
    Report,
    Stance,
    Verdict,
)
from sourcecheck.report.jsonreport import citation_counts, verdict_counts
from sourcecheck.thread import ClaimDiscussion, discussion, thread_rows

# -- shared words ----------------------------------------------------------------------------

VERDICT_WORDS: dict[str, str] = {
    "supported": "supported",
    "partially_supported": "partially supported",
    "contradicted": "contradicted",
    "not_found": "not found",
}
VERDICT_ICONS: dict[str, str] = {
    "supported": "✓",
    "partially_supported": "◐",
    "contradicted": "✗",
    "not_found": "?",
}
CITATION_WORDS: dict[str, str] = {
    "confirmed": "cited place confirmed",
    "wrong_location": "support is not at the cited place",
    "unresolved": "cited place not found in the source",
    "none": "no citation",
}
CITATION_COUNT_WORDS: dict[str, str] = {
    "confirmed": "confirmed",
    "wrong_location": "with support elsewhere",
    "unresolved": "not found in the source",
    "none": "without citation",
}
CITATION_ICONS: dict[str, str] = {
    "confirmed": "✓",
    "wrong_location": "⚠",
    "unresolved": "⚠",
    "none": "–",
}


def verdict_words(label: str) -> str:
    """``"partially_supported"`` -> ``"partially supported"``; unknown labels as they are."""
    return VERDICT_WORDS.get(label, label.replace("_", " "))


def verdict_label(label: str) -> str:
    """The badge text: icon and words (``"✓ supported"``)."""
    return f"{VERDICT_ICONS.get(label, '•')} {verdict_words(label)}"


def citation_check_text(verdict: Verdict) -> str:
    """What the citation check found, in words; the checker's note where it has one
    (``"support is on p. 7, not p. 5"``)."""
    words = CITATION_WORDS.get(verdict.citation_check, verdict.citation_check)
    note = (verdict.citation_note or "").strip()
    if not note or note == words:
        return words
    if verdict.citation_check == "confirmed":
        return note
    if verdict.citation_check == "none":
        return f"{words} ({note})"
    return note


def origin_text(origin: str, comments: Sequence[Comment] = ()) -> str:
    """``"article"``, ``"comment c-3"``, or ``"comment c-3 by Karin L."`` where the
    report has the comment's author."""
    if origin == "article":
        return "article"
    author = next((c.author for c in comments if c.id == origin and c.author), None)
    return f"comment {origin}" + (f" by {author}" if author else "")


def locator_parts(locator: Locator) -> list[str]:
    """``["p. 14", "§ 3.2", "¶ 1"]``: the printed page label (the physical page only where
    there is no label), section number, and the paragraph: within the section where there
    is one, else within the page."""
    parts: list[str] = []
    if locator.page:
        parts.append(f"p. {locator.page}")
    elif locator.page_index is not None:
        parts.append(f"file page {locator.page_index}")
    if locator.section:
        parts.append(f"§ {locator.section}")
    paragraph = locator.section_paragraph if locator.section else None
    if paragraph is None:
        paragraph = locator.paragraph
    if paragraph is not None:
        parts.append(f"¶ {paragraph}")
    return parts


def evidence_where(evidence: Evidence) -> str:
    """``"s1, p. 14, § 3.2, ¶ 1"``."""
    return ", ".join([evidence.source, *locator_parts(evidence.locator)])


def result_where(source: str | None, page: str | None) -> str:
    """``"s1, p. 14"`` for a quote or number result (empty when neither is known)."""
    parts = [p for p in (source, f"p. {page}" if page else None) if p]
    return ", ".join(parts)


def fmt_score(score: float) -> str:
    return f"{score:.2f}"


def quote_status_text(q: QuoteResult) -> str:
    """``verbatim in s1, p. 13`` / ``not in the source; the source says: “…” (s1, p. 14)``."""
    where = result_where(q.source, q.page)
    at = f" in {where}" if where else ""
    if q.status == "verbatim":
        return f"verbatim{at}"
    if q.status == "normalised":
        return f"found{at} (after normalising quote marks and spacing)"
    said = f"; the source says: “{q.source_text}”" if q.source_text else ""
    if q.status == "near":
        sim = f", similarity {q.similarity:.2f}" if q.similarity is not None else ""
        return f"close but not exact{at}{sim}{said}"
    if q.status == "translated":
        return f"quoted in translation; the source's own wording{at}: “{q.source_text}”"
    return f"not in the source{said}" + (f" ({where})" if said and where else "")


def number_status_text(n: NumberResult) -> str:
    """``matches s1, p. 14 (“1 240”)`` / ``differs: source says 3,8 miljoner (s1, p. 14)``."""
    where = result_where(n.source, n.page)
    if n.status == "matches":
        shown = f" (“{n.source_text}”)" if n.source_text else ""
        return f"matches{' ' + where if where else ''}{shown}"
    if n.status == "differs":
        said = n.source_text or (f"{n.source_value:g}" if n.source_value is not None else "")
        return f"differs: source says {said}" + (f" ({where})" if where else "")
    return "not in the source"


STATUS_OK = frozenset({"verbatim", "normalised", "matches"})


def status_icon(status: str) -> str:
    if status in STATUS_OK:
        return "✓"
    if status == "near":
        return "≈"
    if status == "translated":
        return "⇄"
    return "✗"


def ranked_evidence(verdict: Verdict) -> list[Evidence]:
    """The evidence in showing order: first the passage the verdict rests on (the
    pipeline puts it first: for ``contradicted`` the passage that says otherwise, which
    need not be the one with the highest support score), then the others, best first
    (stable for equal scores)."""
    if not verdict.evidence:
        return []
    first, *rest = verdict.evidence
    return [first, *sorted(rest, key=lambda e: -e.score)]


# -- escaping --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^([#+\-=]|\d+[.)])")
_SPACE = re.compile(r"\s+")


def md_escape(text: str, *, line_start: bool = False) -> str:
    """Untrusted text as one line of Markdown that renders as that text: whitespace runs
    collapsed, HTML characters as entities, Markdown syntax backslash-escaped. With
    ``line_start``, also what would start a heading, quote or list at the start of a line."""
    text = _SPACE.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    if line_start:
        text = _LINE_START.sub(_escape_line_start, text)
    return text


def _escape_line_start(m: re.Match[str]) -> str:
    marker = m.group(1)
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


# -- rendering -------------------------------------------------------------------------------


def _sources_table(report: Report) -> list[str]:
    lines = [
        "| Source | Title | File | Language | Pages |",
        "|---|---|---|---|---:|",
    ]
    for s in report.sources:
        lines.append(
            f"| {md_escape(s.id)} | {md_escape(s.title or '')} | {md_escape(s.path)} "
            f"| {md_escape(s.language or '?')} | {s.pages or ''} |"
        )
    return lines


def _summary(report: Report) -> list[str]:
    counts = verdict_counts(report)
    parts = [f"{VERDICT_ICONS[v]} {counts[v]} {VERDICT_WORDS[v]}" for v in VERDICTS]
    n = len(report.verdicts)
    line = f"**{n} claim{'s' if n != 1 else ''} checked:** " + " · ".join(parts)
    if report.skipped:
        line += f" · {len(report.skipped)} skipped"
    cites = citation_counts(report)
    cite_line = "**Citations:** " + " · ".join(
        f"{n} {CITATION_COUNT_WORDS[c]}" for c, n in cites.items()
    )
    return [line, "", cite_line]


def _bullets(title: str, items: Iterable[str]) -> list[str]:
    rows = [f"- {item}" for item in items]
    return [f"**{title}:**", "", *rows, ""] if rows else []


def _claim(
    index: int,
    verdict: Verdict,
    comments: Sequence[Comment] = (),
    talk: ClaimDiscussion | None = None,
) -> list[str]:
    claim = verdict.claim
    out = [
        f"### {index}. {verdict_label(verdict.label)} · score {fmt_score(verdict.score)}"
        + (
            f" · confidence {fmt_score(verdict.confidence)}"
            if verdict.confidence is not None
            else ""
        ),
        "",
    ]
    origin = (
        ""
        if claim.origin == "article"
        else f" (from {md_escape(origin_text(claim.origin, comments))})"
    )
    out += [f"**Claim {md_escape(claim.id)}**{origin}: {md_escape(claim.text)}", ""]
    cite = f"{CITATION_ICONS.get(verdict.citation_check, '')} {citation_check_text(verdict)}"
    out += [f"**Citation:** {md_escape(cite.strip())}", ""]
    if verdict.reason:
        out += [f"**Why:** {md_escape(verdict.reason)}", ""]
    if talk is not None:
        authors = {c.id: c.author for c in comments}
        out += [f"**Thread:** {md_escape(talk.sentence(authors))}", ""]
    evidence = ranked_evidence(verdict)
    if evidence:
        top = evidence[0]
        heading = "Closest passage" if verdict.label == "not_found" else "Evidence"
        out += [
            f"**{heading}** ({md_escape(evidence_where(top))}, score {fmt_score(top.score)}, "
            f"{'at the cited place' if top.retrieval == 'cited' else 'found by search'}):",
            "",
            f"> {md_escape(top.text, line_start=True)}",
            "",
        ]
        if len(evidence) > 1:
            out += _bullets(
                "More evidence",
                (
                    f"{md_escape(evidence_where(e))} ({fmt_score(e.score)}): "
                    f"{md_escape(_shorten(e.text, 160))}"
                    for e in evidence[1:]
                ),
            )
    out += _bullets(
        "Quotes",
        (
            f"{status_icon(q.status)} “{md_escape(q.text)}”: {md_escape(quote_status_text(q))}"
            for q in verdict.quotes
        ),
    )
    out += _bullets(
        "Numbers",
        (
            f"{status_icon(n.status)} {md_escape(n.text)}: {md_escape(number_status_text(n))}"
            for n in verdict.numbers
        ),
    )
    return out


STANCE_TEXT = {
    "agrees": "agrees with",
    "disputes": "disputes",
    "asks": "asks about",
    "comments": "comments on",
}


def stance_text(stance: Stance | None) -> str:
    """``"disputes claim c3"``, ``"agrees with comment c2"``, ``"comments"``."""
    if stance is None:
        return "not analysed"
    if stance.target is None:
        return "asks" if stance.stance == "asks" else "comments"
    return f"{STANCE_TEXT[stance.stance]} {stance.target_kind} {stance.target}"


def _thread(report: Report) -> list[str]:
    """The comments nested as on the page, each with its stance and its own verdicts."""
    out = []
    for row in thread_rows(report.comments, report.stances, report.verdicts):
        c = row.comment
        who = f" ({md_escape(c.author)})" if c.author else ""
        own = "; ".join(f"{md_escape(v.claim.id)} {verdict_label(v.label)}" for v in row.verdicts)
        out.append(
            "  " * row.depth
            + f"- **{md_escape(c.id)}**{who} · {md_escape(stance_text(row.stance))}"
            + (f" · its claims: {own}" if own else "")
            + f": {md_escape(_shorten(c.text, 200))}"
        )
    return out


def _shorten(text: str, limit: int) -> str:
    text = _SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def report_to_markdown(report: Report) -> str:
    """The report as a Markdown document."""
    article = report.article
    title = article.title or article.path
    out = [
        f"# Source check: {md_escape(title)}",
        "",
        f"Article: {md_escape(article.path)} ({md_escape(article.language or 'language unknown')}"
        f", {article.characters} characters). "
        f"Checked {md_escape(report.created)} with sourcecheck {md_escape(report.tool_version)}.",
        "",
        "## Sources",
        "",
        *_sources_table(report),
        "",
        "## Summary",
        "",
        *_summary(report),
        "",
        "## Claims",
        "",
    ]
    if not report.verdicts:
        out += ["No checkable claims were found.", ""]
    talk = discussion(report.verdicts, report.stances)
    for i, verdict in enumerate(report.verdicts, 1):
        out += _claim(i, verdict, report.comments, talk.get(verdict.claim.id))
    if report.comments:
        out += ["## Thread", "", *_thread(report), ""]
    if report.skipped:
        out += ["## Skipped sentences", ""]
        for s in report.skipped:
            origin = (
                ""
                if s.origin == "article"
                else f" (from {md_escape(origin_text(s.origin, report.comments))})"
            )
            out.append(f"- “{md_escape(s.text)}”{origin}: {md_escape(s.reason)}")
        out.append("")
    warnings = [(s.id, w) for s in (report.article, *report.sources) for w in s.warnings]
    if warnings:
        out += ["## Warnings", ""]
        out += [f"- {md_escape(sid)}: {md_escape(w)}" for sid, w in warnings]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
