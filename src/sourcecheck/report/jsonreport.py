"""The report as JSON: one versioned schema, ``sourcecheck/report/v1``, read back losslessly.

Field names are API: extend, never rename. Scores are rounded to 4 decimals. Beyond the
fields every consumer reads, each claim carries ``mentions`` (the quotes and numbers found in
the claim, with offsets into its origin text), so that ``report_from_dict`` rebuilds the
:class:`~sourcecheck.model.Report` exactly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, is_dataclass
from pathlib import PurePath
from typing import Any, Literal, TypeVar, cast, get_args

from sourcecheck.errors import InputError
from sourcecheck.model import (
    REPORT_SCHEMA,
    VERDICTS,
    Citation,
    CitationCheck,
    CitationKind,
    Claim,
    Comment,
    Evidence,
    LinkKind,
    Locator,
    NumberMention,
    NumberQualifier,
    NumberResult,
    NumberStatus,
    PartResult,
    Quote,
    QuoteResult,
    QuoteStatus,
    Report,
    Skipped,
    SourceInfo,
    Stance,
    StanceLabel,
    Verdict,
    VerdictLabel,
)
from sourcecheck.thread import discussion

TOOL_NAME = "sourcecheck"
SCORE_DIGITS = 4
CITATION_CHECKS: tuple[CitationCheck, ...] = get_args(CitationCheck)
NumberKind = Literal["number", "percent", "date", "year", "ordinal", "money"]
_NUMBER_KINDS: tuple[NumberKind, ...] = get_args(NumberKind)
_QUALIFIERS: tuple[NumberQualifier, ...] = get_args(NumberQualifier)
_RETRIEVALS = ("cited", "search")

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


# -- writing ---------------------------------------------------------------------------------


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return round(float(value), SCORE_DIGITS)


def jsonable(value: object) -> Any:
    """``value`` as plain JSON data: dataclasses and mappings to objects, tuples and sets to
    lists, paths to strings, non-finite floats to None, anything else unknown to ``str``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if is_dataclass(value) and not isinstance(value, type):
        return jsonable(asdict(value))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, PurePath):
        return str(value)
    return str(value)


def _source_to_dict(info: SourceInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "path": info.path,
        "media_type": info.media_type,
        "language": info.language,
        "pages": info.pages,
        "sha256": info.sha256,
        "title": info.title,
        "characters": info.characters,
        "warnings": list(info.warnings),
    }


def _citation_to_dict(c: Citation) -> dict[str, Any]:
    return {
        "raw": c.raw,
        "start": c.start,
        "end": c.end,
        "kind": c.kind,
        "page": c.page,
        "page_end": c.page_end,
        "section": c.section,
        "paragraph": c.paragraph,
        "footnote": c.footnote,
        "target": c.target,
    }


def _evidence_to_dict(e: Evidence) -> dict[str, Any]:
    return {
        "source": e.source,
        "page": e.locator.page,
        "page_index": e.locator.page_index,
        "section": e.locator.section,
        "section_title": e.locator.section_title,
        "paragraph": e.locator.paragraph,
        "section_paragraph": e.locator.section_paragraph,
        "start": e.start,
        "end": e.end,
        "text": e.text,
        "score": _round(e.score),
        "retrieval": e.retrieval,
        "language": e.language,
    }


def _quote_to_dict(q: QuoteResult) -> dict[str, Any]:
    return {
        "text": q.text,
        "status": q.status,
        "source": q.source,
        "page": q.page,
        "start": q.start,
        "end": q.end,
        "source_text": q.source_text,
        "similarity": _round(q.similarity),
    }


def _number_to_dict(n: NumberResult) -> dict[str, Any]:
    return {
        "text": n.text,
        "value": n.value,
        "unit": n.unit,
        "status": n.status,
        "source_value": n.source_value,
        "source_text": n.source_text,
        "source": n.source,
        "page": n.page,
        "start": n.start,
        "end": n.end,
    }


def _part_to_dict(p: PartResult) -> dict[str, Any]:
    return {
        "text": p.text,
        "verdict": p.label,
        "confidence": _round(p.confidence),
        "evidence": None if p.evidence is None else _evidence_to_dict(p.evidence),
    }


def verdict_to_dict(v: Verdict) -> dict[str, Any]:
    """One claim's entry of the report's ``claims`` list."""
    claim = v.claim
    return {
        "id": claim.id,
        "text": claim.text,
        "origin": claim.origin,
        "start": claim.start,
        "end": claim.end,
        "language": claim.language,
        "verdict": v.label,
        "score": _round(v.score),
        "confidence": None if v.confidence is None else _round(v.confidence),
        **({} if v.coverage is None else {"coverage": _round(v.coverage)}),
        "citation_check": v.citation_check,
        "citation_note": v.citation_note,
        "reason": v.reason,
        "citations": [_citation_to_dict(c) for c in claim.citations],
        "evidence": [_evidence_to_dict(e) for e in v.evidence],
        "quotes": [_quote_to_dict(q) for q in v.quotes],
        "numbers": [_number_to_dict(n) for n in v.numbers],
        "parts": [_part_to_dict(p) for p in v.parts],
        "mentions": {
            "quotes": [{"text": q.text, "start": q.start, "end": q.end} for q in claim.quotes],
            "numbers": [
                {
                    "text": n.text,
                    "start": n.start,
                    "end": n.end,
                    "value": n.value,
                    "unit": n.unit,
                    "kind": n.kind,
                    **({"qualifier": n.qualifier} if n.qualifier else {}),
                }
                for n in claim.numbers
            ],
        },
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as the plain data of schema ``sourcecheck/report/v1``."""
    return {
        "schema": REPORT_SCHEMA,
        "created": report.created,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "article": _source_to_dict(report.article),
        "sources": [_source_to_dict(s) for s in report.sources],
        "summary": summarize(report),
        "claims": [verdict_to_dict(v) for v in report.verdicts],
        "skipped": [
            {"text": s.text, "start": s.start, "end": s.end, "origin": s.origin, "reason": s.reason}
            for s in report.skipped
        ],
        "options": jsonable(report.options),
        "models": jsonable(report.models),
        "timings": {str(k): _round(v) for k, v in report.timings.items()},
        "comments": [
            {
                "id": c.id,
                "author": c.author,
                "time": c.time,
                "parent": c.parent,
                "language": c.language,
                "text": c.text,
            }
            for c in report.comments
        ],
        # Each comment's stance toward what it answers, and per article claim who
        # disputes or backs it and which side the sources take (sourcecheck.thread).
        "stances": [
            {
                "comment": st.comment,
                "stance": st.stance,
                "target": st.target,
                "target_kind": st.target_kind,
                "confidence": st.confidence,
                "link": st.link,
                "link_score": _round(st.link_score),
            }
            for st in report.stances
        ],
        "discussion": [
            {
                "claim": d.claim,
                "disputed_by": list(d.disputed_by),
                "backed_by": list(d.backed_by),
                "asked_by": list(d.asked_by),
                "sources_side": d.sources_side,
                "text": d.sentence({c.id: c.author for c in report.comments}),
            }
            for d in discussion(report.verdicts, report.stances).values()
        ],
    }


def report_to_json(report: Report) -> str:
    """The report as indented JSON text, non-ASCII characters kept as they are."""
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n"


# -- reading ---------------------------------------------------------------------------------

_T = TypeVar("_T")


class _BadField(Exception):
    """A field of the report data is missing or has the wrong type (internal)."""


def _field(d: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T:
    if key not in d:
        raise _BadField(f"{where}.{key} is missing")
    value = d[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return cast(_T, float(value))
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _BadField(f"{where}.{key} should be {kind.__name__}, not {type(value).__name__}")
    return value


def _opt(d: Mapping[str, Any], key: str, kind: type[_T], where: str) -> _T | None:
    if d.get(key) is None:
        return None
    return _field(d, key, kind, where)


def _choice(d: Mapping[str, Any], key: str, allowed: Sequence[str], where: str) -> str:
    value = _field(d, key, str, where)
    if value not in allowed:
        raise _BadField(f"{where}.{key} is {value!r}; expected one of {', '.join(allowed)}")
    return value


def _object(
    d: Mapping[str, Any], key: str, where: str, *, required: bool = True
) -> Mapping[str, Any]:
    value = d.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, Mapping):
        raise _BadField(f"{where}.{key} should be an object")
    return value


def _objects(d: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    items = d.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise _BadField(f"{where}.{key} should be a list of objects")
    return items


def _stance_from_dict(d: Mapping[str, Any], where: str) -> Stance:
    kind = _opt(d, "target_kind", str, where)
    if kind not in (None, "claim", "comment"):
        raise _BadField(f"{where}.target_kind is {kind!r}; expected claim or comment")
    confidence = d.get("confidence")
    if confidence is not None and not isinstance(confidence, int | float):
        raise _BadField(f"{where}.confidence should be a number")
    score = d.get("link_score", 0.0)
    if not isinstance(score, int | float):
        raise _BadField(f"{where}.link_score should be a number")
    return Stance(
        comment=_field(d, "comment", str, where),
        stance=cast(StanceLabel, _choice(d, "stance", get_args(StanceLabel), where)),
        target=_opt(d, "target", str, where),
        target_kind=cast(Literal["claim", "comment"] | None, kind),
        confidence=None if confidence is None else float(confidence),
        link=cast(LinkKind, _choice(d, "link", get_args(LinkKind), where)),
        link_score=float(score),
    )


def _source_from_dict(d: Mapping[str, Any], where: str) -> SourceInfo:
    warnings = d.get("warnings") or []
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise _BadField(f"{where}.warnings should be a list of strings")
    return SourceInfo(
        id=_field(d, "id", str, where),
        path=_field(d, "path", str, where),
        media_type=_field(d, "media_type", str, where),
        language=_opt(d, "language", str, where),
        pages=_field(d, "pages", int, where),
        sha256=_field(d, "sha256", str, where),
        title=_opt(d, "title", str, where),
        characters=_opt(d, "characters", int, where) or 0,
        warnings=tuple(warnings),
    )


def _citation_from_dict(d: Mapping[str, Any], where: str) -> Citation:
    return Citation(
        raw=_field(d, "raw", str, where),
        start=_field(d, "start", int, where),
        end=_field(d, "end", int, where),
        kind=cast(CitationKind, _choice(d, "kind", get_args(CitationKind), where)),
        page=_opt(d, "page", str, where),
        page_end=_opt(d, "page_end", str, where),
        section=_opt(d, "section", str, where),
        paragraph=_opt(d, "paragraph", int, where),
        footnote=_opt(d, "footnote", str, where),
        target=_opt(d, "target", str, where),
    )


def _evidence_from_dict(d: Mapping[str, Any], where: str) -> Evidence:
    return Evidence(
        source=_field(d, "source", str, where),
        start=_field(d, "start", int, where),
        end=_field(d, "end", int, where),
        text=_field(d, "text", str, where),
        score=_field(d, "score", float, where),
        locator=Locator(
            page=_opt(d, "page", str, where),
            page_index=_opt(d, "page_index", int, where),
            section=_opt(d, "section", str, where),
            section_title=_opt(d, "section_title", str, where),
            paragraph=_opt(d, "paragraph", int, where),
            section_paragraph=_opt(d, "section_paragraph", int, where),
        ),
        retrieval=cast(Literal["cited", "search"], _choice(d, "retrieval", _RETRIEVALS, where)),
        language=_opt(d, "language", str, where),
    )


def _quote_from_dict(d: Mapping[str, Any], where: str) -> QuoteResult:
    return QuoteResult(
        text=_field(d, "text", str, where),
        status=cast(QuoteStatus, _choice(d, "status", get_args(QuoteStatus), where)),
        source=_opt(d, "source", str, where),
        page=_opt(d, "page", str, where),
        start=_opt(d, "start", int, where),
        end=_opt(d, "end", int, where),
        source_text=_opt(d, "source_text", str, where),
        similarity=_opt(d, "similarity", float, where),
    )


def _number_from_dict(d: Mapping[str, Any], where: str) -> NumberResult:
    return NumberResult(
        text=_field(d, "text", str, where),
        value=_field(d, "value", float, where),
        status=cast(NumberStatus, _choice(d, "status", get_args(NumberStatus), where)),
        unit=_opt(d, "unit", str, where),
        source_value=_opt(d, "source_value", float, where),
        source_text=_opt(d, "source_text", str, where),
        source=_opt(d, "source", str, where),
        page=_opt(d, "page", str, where),
        start=_opt(d, "start", int, where),
        end=_opt(d, "end", int, where),
    )


def _claim_from_dict(d: Mapping[str, Any], where: str) -> Verdict:
    mentions = _object(d, "mentions", where, required=False)
    quotes = tuple(
        Quote(
            text=_field(q, "text", str, f"{where}.mentions.quotes[{i}]"),
            start=_field(q, "start", int, f"{where}.mentions.quotes[{i}]"),
            end=_field(q, "end", int, f"{where}.mentions.quotes[{i}]"),
        )
        for i, q in enumerate(_objects(mentions, "quotes", f"{where}.mentions"))
    )
    numbers = tuple(
        NumberMention(
            text=_field(n, "text", str, w),
            start=_field(n, "start", int, w),
            end=_field(n, "end", int, w),
            value=_field(n, "value", float, w),
            unit=_opt(n, "unit", str, w),
            kind=cast(NumberKind, _choice(n, "kind", _NUMBER_KINDS, w)),
            qualifier=cast(
                NumberQualifier | None,
                None if n.get("qualifier") is None else _choice(n, "qualifier", _QUALIFIERS, w),
            ),
        )
        for i, n in enumerate(_objects(mentions, "numbers", f"{where}.mentions"))
        for w in (f"{where}.mentions.numbers[{i}]",)
    )
    claim = Claim(
        id=_field(d, "id", str, where),
        text=_field(d, "text", str, where),
        start=_field(d, "start", int, where),
        end=_field(d, "end", int, where),
        origin=_field(d, "origin", str, where),
        language=_opt(d, "language", str, where),
        citations=tuple(
            _citation_from_dict(c, f"{where}.citations[{i}]")
            for i, c in enumerate(_objects(d, "citations", where))
        ),
        quotes=quotes,
        numbers=numbers,
    )
    return Verdict(
        claim=claim,
        label=cast(VerdictLabel, _choice(d, "verdict", VERDICTS, where)),
        score=_field(d, "score", float, where),
        citation_check=cast(CitationCheck, _choice(d, "citation_check", CITATION_CHECKS, where)),
        reason=_field(d, "reason", str, where),
        evidence=tuple(
            _evidence_from_dict(e, f"{where}.evidence[{i}]")
            for i, e in enumerate(_objects(d, "evidence", where))
        ),
        quotes=tuple(
            _quote_from_dict(q, f"{where}.quotes[{i}]")
            for i, q in enumerate(_objects(d, "quotes", where))
        ),
        numbers=tuple(
            _number_from_dict(n, f"{where}.numbers[{i}]")
            for i, n in enumerate(_objects(d, "numbers", where))
        ),
        citation_note=_opt(d, "citation_note", str, where),
        confidence=_opt(d, "confidence", float, where),
        parts=tuple(
            _part_from_dict(p, f"{where}.parts[{i}]")
            for i, p in enumerate(_objects(d, "parts", where))
        ),
        coverage=_opt(d, "coverage", float, where),
    )


def _part_from_dict(d: Mapping[str, Any], where: str) -> PartResult:
    ev = d.get("evidence")
    return PartResult(
        text=_field(d, "text", str, where),
        label=cast(VerdictLabel, _choice(d, "verdict", VERDICTS, where)),
        confidence=_field(d, "confidence", float, where),
        evidence=None if ev is None else _evidence_from_dict(ev, f"{where}.evidence"),
    )


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
        tool = _object(data, "tool", "report")
        options = _object(data, "options", "report", required=False)
        models = _object(data, "models", "report", required=False)
        timings = _object(data, "timings", "report", required=False)
        return Report(
            schema=REPORT_SCHEMA,
            created=_field(data, "created", str, "report"),
            tool_version=_field(tool, "version", str, "report.tool"),
            article=_source_from_dict(_object(data, "article", "report"), "report.article"),
            sources=tuple(
                _source_from_dict(s, f"report.sources[{i}]")
                for i, s in enumerate(_objects(data, "sources", "report"))
            ),
            verdicts=tuple(
                _claim_from_dict(c, f"report.claims[{i}]")
                for i, c in enumerate(_objects(data, "claims", "report"))
            ),
            skipped=tuple(
                Skipped(
                    text=_field(s, "text", str, f"report.skipped[{i}]"),
                    start=_field(s, "start", int, f"report.skipped[{i}]"),
                    end=_field(s, "end", int, f"report.skipped[{i}]"),
                    origin=_field(s, "origin", str, f"report.skipped[{i}]"),
                    reason=_field(s, "reason", str, f"report.skipped[{i}]"),
                )
                for i, s in enumerate(_objects(data, "skipped", "report"))
            ),
            options=dict(options),
            models=dict(models),
            timings={str(k): _field(timings, k, float, "report.timings") for k in timings},
            comments=tuple(
                Comment(
                    id=_field(c, "id", str, f"report.comments[{i}]"),
                    text=_field(c, "text", str, f"report.comments[{i}]"),
                    author=c.get("author"),
                    time=c.get("time"),
                    parent=c.get("parent"),
                    language=c.get("language"),
                )
                for i, c in enumerate(_objects(data, "comments", "report"))
            ),
            stances=tuple(
                _stance_from_dict(st, f"report.stances[{i}]")
                for i, st in enumerate(_objects(data, "stances", "report"))
            ),
        )
    except _BadField as exc:
        raise InputError(path, f"not a valid sourcecheck report: {exc}") from None


def report_from_json(text: str, *, path: str = "<report>") -> Report:
    """Read back a report from the text written by :func:`report_to_json`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not JSON ({exc.msg} at line {exc.lineno})") from None
    return report_from_dict(data, path=path)
