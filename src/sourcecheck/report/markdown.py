"""The report as Markdown, for pasting into an issue, a chat or an editor's notes (the
words it shares with the other renderers are in :mod:`.text`).

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
    Report,
    Verdict,
)
from sourcecheck.report.jsonreport import citation_counts, verdict_counts
from sourcecheck.report.text import (
    CITATION_COUNT_WORDS,
    CITATION_ICONS,
    VERDICT_ICONS,
    VERDICT_WORDS,
    citation_check_text,
    evidence_where,
    fmt_score,
    number_status_text,
    origin_text,
    quote_status_text,
    stance_text,
    status_icon,
    verdict_label,
)
from sourcecheck.thread import ClaimDiscussion, discussion, thread_rows

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
    evidence = verdict.evidence  # in the order the decision gave it
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
