"""The report as schema.org ClaimReview JSON-LD, one object per checked claim, the way
fact-checkers publish them (https://schema.org/ClaimReview).

Rating scale, higher = better supported by the sources (``bestRating`` 4, ``worstRating`` 1):

====  ======================  ===================================
4     supported               Supported by its sources
3     partially_supported     Partly supported by its sources
2     not_found               Not found in its sources
1     contradicted            Contradicted by its sources
====  ======================  ===================================

"Not found" sits above "contradicted": the sources are silent, which is weaker than
support but is not evidence against the claim. The rating describes what the cited
sources say, not whether the claim is true; ``alternateName`` says so in words.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sourcecheck.model import Evidence, Report, SourceInfo, Verdict
from sourcecheck.report.text import citation_check_text

CONTEXT = "https://schema.org"
BEST_RATING = 4
WORST_RATING = 1
RATINGS: dict[str, tuple[int, str]] = {
    "supported": (4, "Supported by its sources"),
    "partially_supported": (3, "Partly supported by its sources"),
    "not_found": (2, "Not found in its sources"),
    "contradicted": (1, "Contradicted by its sources"),
}
MAX_CITATIONS = 3
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _work(info: SourceInfo) -> dict[str, Any]:
    """A source or the article as a schema.org CreativeWork."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": info.title or info.path}
    if _URL.match(info.path):
        work["url"] = info.path
    if info.language:
        work["inLanguage"] = info.language
    return work


def _evidence_work(e: Evidence, sources: dict[str, SourceInfo]) -> dict[str, Any]:
    info = sources.get(e.source)
    base = _work(info) if info else {"@type": "CreativeWork", "name": e.source}
    where = e.locator.describe()
    work: dict[str, Any] = {
        "@type": "CreativeWork",
        "name": f"{base['name']}, {where}" if where else base["name"],
        "isPartOf": base,
        "text": e.text,
    }
    if e.language:
        work["inLanguage"] = e.language
    return work


def _date(created: str) -> str:
    m = _DATE.match(created)
    return m.group(0) if m else created


def claim_review(report: Report, verdict: Verdict) -> dict[str, Any]:
    """One ClaimReview object for one verdict of ``report``."""
    sources = {s.id: s for s in report.sources}
    value, words = RATINGS.get(verdict.label, (WORST_RATING, verdict.label))
    article = _work(report.article)
    claim = verdict.claim
    if claim.origin == "article":
        appearance: dict[str, Any] = article
    else:
        appearance = {"@type": "Comment", "identifier": claim.origin, "isPartOf": article}
    evidence = list(verdict.evidence)  # in the order the decision gave it
    cited_sources = []
    for e in evidence:
        work = _work(sources[e.source]) if e.source in sources else None
        if work is not None and work not in cited_sources:
            cited_sources.append(work)
    body = verdict.reason
    if verdict.citation_check != "none":
        body = f"{body} Citation: {citation_check_text(verdict)}.".strip()
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim.text,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": value,
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": words,
        },
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [appearance],
            "firstAppearance": appearance,
        },
        "author": {"@type": "Organization", "name": "sourcecheck"},
        "datePublished": _date(report.created),
        "reviewBody": body,
        "citation": [_evidence_work(e, sources) for e in evidence[:MAX_CITATIONS]],
        "isBasedOn": cited_sources or [_work(s) for s in report.sources],
    }
    if claim.language:
        review["itemReviewed"]["inLanguage"] = claim.language
    return review


def report_to_claimreview(report: Report) -> list[dict[str, Any]]:
    """One ClaimReview JSON-LD object per checked claim (skipped sentences have none)."""
    return [claim_review(report, v) for v in report.verdicts]


def report_to_claimreview_json(report: Report) -> str:
    """The ClaimReview objects as JSON-LD text: a JSON array, one object per claim, ready
    for a ``<script type="application/ld+json">`` element."""
    return json.dumps(report_to_claimreview(report), ensure_ascii=False, indent=2) + "\n"
