"""Number checks: does each number of the claim appear in the evidence?

``matches``: the same value (and a compatible unit) is in one of the evidence passages.
``differs``: the best evidence passage states a number that can be the same quantity with
another value: the same kind and unit, not the counterpart of another of the claim's
numbers, and (for plain counts) of the same order of magnitude (the report shows the
source's number). ``absent``: neither.
Values are compared after normalisation, so "4.2 million kronor" meets "3,8 miljoner
kronor" across languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sourcecheck.model import Document, NumberMention, NumberResult, Passage
from sourcecheck.numbers import find_numbers, numbers_consistent, numbers_equal


@dataclass(frozen=True)
class _SourceNumber:
    mention: NumberMention  # offsets into the document text
    doc: Document


def _comparable(a: NumberMention, b: NumberMention) -> bool:
    if a.kind in ("date", "year") or b.kind in ("date", "year"):
        return a.kind == b.kind
    if a.kind == "ordinal" or b.kind == "ordinal":
        return False
    if a.unit or b.unit:
        return a.unit == b.unit
    return a.kind == b.kind


#: Plain counts more than this factor apart are no rivals: "61 closures" is not the
#: "1 086 beds" of the same passage misstated.
MAGNITUDE = 10.0


def _same_magnitude(a: NumberMention, b: NumberMention) -> bool:
    """Whether two plain counts (no unit, kind ``"number"``) are within ``MAGNITUDE`` of
    each other; numbers with a unit, percentages, money and dates always are."""
    if a.kind != "number" or b.kind != "number" or a.unit or b.unit:
        return True
    lo, hi = sorted((abs(a.value), abs(b.value)))
    return hi <= MAGNITUDE * lo if lo > 0 else hi == 0


def passage_numbers(passage: Passage, doc: Document) -> list[_SourceNumber]:
    out = []
    for m in find_numbers(passage.text, doc.language):
        shifted = replace(m, start=passage.start + m.start, end=passage.start + m.end)
        out.append(_SourceNumber(shifted, doc))
    return out


def check_numbers(
    numbers: Sequence[NumberMention],
    evidence: Sequence[Passage],
    documents: dict[str, Document],
) -> list[NumberResult]:
    """Check every claim number against ``evidence`` (best passage first)."""
    if not numbers:
        return []
    per_passage = [passage_numbers(p, documents[p.doc_id]) for p in evidence]
    pool = [n for ns in per_passage for n in ns]
    best = per_passage[0] if per_passage else []
    results = []
    # A passage number that equals one of the claim's numbers is that number's
    # counterpart: it is no rival of the claim's other numbers ("1,012 beds, 74 fewer,
    # 61 of them closed" against "1 012 ... 1 086 ... 74": 61 does not differ from 74).
    counterparts = {id(s) for s in best if any(numbers_equal(n, s.mention) for n in numbers)}
    for num in numbers:
        match = next((s for s in pool if numbers_consistent(num, s.mention)), None)
        if match is not None:
            results.append(_result(num, "matches", match))
            continue
        rivals = [
            s
            for s in best
            if id(s) not in counterparts
            and _comparable(num, s.mention)
            and _same_magnitude(num, s.mention)
        ]
        if rivals:
            closest = min(rivals, key=lambda s: abs(s.mention.value - num.value))
            results.append(_result(num, "differs", closest))
        else:
            results.append(
                NumberResult(text=num.text, value=num.value, unit=num.unit, status="absent")
            )
    return results


def _result(num: NumberMention, status: str, src: _SourceNumber) -> NumberResult:
    page = src.doc.page_at(src.mention.start)
    return NumberResult(
        text=num.text,
        value=num.value,
        unit=num.unit,
        status=status,  # type: ignore[arg-type]
        source_value=src.mention.value,
        source_text=src.mention.text,
        source=src.doc.id,
        page=page.label if page else None,
        start=src.mention.start,
        end=src.mention.end,
    )
