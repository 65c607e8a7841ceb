"""The words every human-readable report uses (verdict labels, citation-check phrases,
quote and number results, stances, places), so that the Markdown, HTML and ClaimReview
renderers say the same thing the same way. A locator becomes text in one place only,
:meth:`sourcecheck.model.Locator.parts`."""

from __future__ import annotations

from collections.abc import Sequence

from sourcecheck.model import Comment, Evidence, NumberResult, QuoteResult, Stance, Verdict

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


def evidence_where(evidence: Evidence) -> str:
    """``"s1, p. 14, § 3.2, ¶ 1"``."""
    return ", ".join([evidence.source, *evidence.locator.parts()])


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
