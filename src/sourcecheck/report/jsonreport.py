"""The report as JSON: one versioned schema, ``sourcecheck/report/v1``, read back losslessly.

Field names are API: extend, never rename. Scores are rounded to 4 decimals. Beyond the
fields every consumer reads, each claim carries ``mentions`` (the quotes and numbers found in
the claim, with offsets into its origin text), so that ``report_from_dict`` rebuilds the
:class:`~sourcecheck.model.Report` exactly.

The conversion is :mod:`.convert`'s, over the nouns' type hints; what this module says is
only where the JSON's shape differs from the nouns' (:data:`LAYOUTS`), and the two parts of
the report computed from the rest (``summary``, ``discussion``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sourcecheck.errors import InputError
from sourcecheck.model import (
    REPORT_SCHEMA,
    VERDICTS,
    Comment,
    Evidence,
    NumberMention,
    NumberResult,
    PartResult,
    QuoteResult,
    Report,
    Stance,
    Verdict,
)
from sourcecheck.report.convert import (
    SCORE_DIGITS,
    BadField,
    Key,
    from_data,
    jsonable,
    keys,
    to_data,
)
from sourcecheck.thread import discussion

TOOL_NAME = "sourcecheck"

# -- summary ---------------------------------------------------------------------------------


def verdict_counts(report: Report) -> dict[str, int]:
    """How many claims got each verdict, every verdict present, in ``VERDICTS`` order."""
    counts: dict[str, int] = dict.fromkeys(VERDICTS, 0)
    for verdict in report.verdicts:
        counts[verdict.label] = counts.get(verdict.label, 0) + 1
    return counts


def citation_counts(report: Report) -> dict[str, int]:
    """How many claims got each citation-check outcome, every outcome present."""
    counts = dict.fromkeys(("confirmed", "wrong_location", "unresolved", "none"), 0)
    for verdict in report.verdicts:
        counts[verdict.citation_check] = counts.get(verdict.citation_check, 0) + 1
    return counts


def summarize(report: Report) -> dict[str, Any]:
    """The ``summary`` object of the JSON report."""
    return {
        "claims": len(report.verdicts),
        **verdict_counts(report),
        "skipped": len(report.skipped),
        "citation_check": citation_counts(report),
    }


# -- the schema's shapes ----------------------------------------------------------------------


def _discussion(report: Report) -> list[dict[str, Any]]:
    """Per article claim who disputes or backs it and which side the sources take
    (:mod:`sourcecheck.thread`), with the sentence the reports show."""
    authors = {c.id: c.author for c in report.comments}
    return [
        {
            "claim": d.claim,
            "disputed_by": list(d.disputed_by),
            "backed_by": list(d.backed_by),
            "asked_by": list(d.asked_by),
            "sources_side": d.sources_side,
            "text": d.sentence(authors),
        }
        for d in discussion(report.verdicts, report.stances).values()
    ]


_LOCATOR = keys(
    Key("page", "locator.page"),
    Key("page_index", "locator.page_index"),
    Key("section", "locator.section"),
    Key("section_title", "locator.section_title"),
    Key("paragraph", "locator.paragraph"),
    Key("section_paragraph", "locator.section_paragraph"),
)

#: Where the JSON differs from a noun's fields in order; every other noun is written as
#: its fields (SourceInfo, Citation, Skipped, Quote).
LAYOUTS: dict[type, tuple[Key, ...]] = {
    # The locator is flat: a consumer reads evidence["page"].
    Evidence: keys(
        "source", *_LOCATOR, "start", "end", "text", Key("score", score=True), "retrieval",
        "language",
    ),
    QuoteResult: keys(
        "text", "status", "source", "page", "start", "end", "source_text",
        Key("similarity", score=True),
    ),
    NumberResult: keys(
        "text", "value", "unit", "status", "source_value", "source_text", "source", "page",
        "start", "end",
    ),
    PartResult: keys("text", Key("verdict", "label"), Key("confidence", score=True), "evidence"),
    NumberMention: keys("text", "start", "end", "value", "unit", "kind",
                        Key("qualifier", omit_none=True)),
    # A claim's entry: the claim's fields, then its verdict's; the quotes and numbers
    # found in the claim under "mentions".
    Verdict: keys(
        Key("id", "claim.id"), Key("text", "claim.text"), Key("origin", "claim.origin"),
        Key("start", "claim.start"), Key("end", "claim.end"),
        Key("language", "claim.language"), Key("verdict", "label"), Key("score", score=True),
        Key("confidence", score=True), Key("coverage", score=True, omit_none=True),
        "citation_check", "citation_note", "reason", Key("citations", "claim.citations"),
        "evidence", "quotes", "numbers", "parts",
        Key("mentions", group=keys(Key("quotes", "claim.quotes"),
                                   Key("numbers", "claim.numbers"))),
    ),
    Comment: keys("id", "author", "time", "parent", "language", "text"),
    Stance: keys(
        "comment", "stance", "target", "target_kind", "confidence", "link",
        Key("link_score", score=True),
    ),
    Report: keys(
        "schema", "created",
        Key("tool", group=keys(Key("name", write=lambda r: TOOL_NAME),
                               Key("version", "tool_version"))),
        "article", "sources", Key("summary", write=summarize), Key("claims", "verdicts"),
        "skipped", Key("options", free=True, missing={}),
        Key("models", free=True, missing={}),
        Key("timings", score=True, missing={}), "comments", "stances",
        Key("discussion", write=_discussion),
    ),
}  # fmt: skip


# -- writing and reading -------------------------------------------------------------------


def verdict_to_dict(v: Verdict) -> dict[str, Any]:
    """One claim's entry of the report's ``claims`` list."""
    data: dict[str, Any] = to_data(v, LAYOUTS)
    return data


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as the plain data of schema ``sourcecheck/report/v1``."""
    data: dict[str, Any] = to_data(report, LAYOUTS)
    return data


def report_to_json(report: Report) -> str:
    """The report as indented JSON text, non-ASCII characters kept as they are."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


def report_from_dict(data: Mapping[str, Any], *, path: str = "<report>") -> Report:
    """Read back a report written by :func:`report_to_dict`.

    Raises :class:`~sourcecheck.errors.InputError` naming ``path`` and the first bad field
    when ``data`` is not a ``sourcecheck/report/v1`` report.
    """
    if not isinstance(data, Mapping):
        raise InputError(path, "not a sourcecheck report (expected a JSON object)")
    schema = data.get("schema")
    if schema != REPORT_SCHEMA:
        raise InputError(
            path, f"unsupported report schema {schema!r}; this sourcecheck reads {REPORT_SCHEMA}"
        )
    try:
        report: Report = from_data(Report, data, LAYOUTS, "report")
    except BadField as exc:
        raise InputError(path, f"not a valid sourcecheck report: {exc}") from None
    return report


def report_from_json(text: str, *, path: str = "<report>") -> Report:
    """Read back a report from the text written by :func:`report_to_json`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON ({exc.msg} at line {exc.lineno})") from None
    return report_from_dict(data, path=path)


__all__ = [
    "LAYOUTS",
    "SCORE_DIGITS",
    "TOOL_NAME",
    "citation_counts",
    "jsonable",
    "report_from_dict",
    "report_from_json",
    "report_to_dict",
    "report_to_json",
    "summarize",
    "verdict_counts",
    "verdict_to_dict",
]
