"""Reports: the one :class:`~sourcecheck.model.Report` rendered as JSON (the versioned
schema ``sourcecheck/report/v1``, readable back), Markdown, a self-contained HTML page, and
schema.org ClaimReview JSON-LD."""

from __future__ import annotations

from sourcecheck.report.claimreview import report_to_claimreview, report_to_claimreview_json
from sourcecheck.report.html import report_to_html
from sourcecheck.report.jsonreport import (
    citation_counts,
    report_from_dict,
    report_from_json,
    report_to_dict,
    report_to_json,
    verdict_counts,
)
from sourcecheck.report.markdown import report_to_markdown

__all__ = [
    "citation_counts",
    "report_from_dict",
    "report_from_json",
    "report_to_claimreview",
    "report_to_claimreview_json",
    "report_to_dict",
    "report_to_html",
    "report_to_json",
    "report_to_markdown",
    "verdict_counts",
]
