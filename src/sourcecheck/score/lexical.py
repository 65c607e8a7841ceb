"""The simplest reference verifier: how much of the claim's wording the passage has.

Support is the share of the claim's distinct content words (stopwords dropped, stemmed
per language with :mod:`sourcecheck.tokens`) that occur in the passage. It knows nothing
of meaning, negation or other languages: it is the floor other scorers must beat.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from sourcecheck.lang import detect_language
from sourcecheck.score.base import Pair, PairScore, Scorer
from sourcecheck.tokens import content_tokens


@lru_cache(maxsize=65_536)
def _stems(text: str, language: str | None) -> frozenset[str]:
    return frozenset(content_tokens(text, language))


@lru_cache(maxsize=65_536)
def _language(text: str) -> str | None:
    return detect_language(text)


def clear_caches() -> None:
    """Forget the per-text analyses (for timing runs that must start cold)."""
    _stems.cache_clear()
    _language.cache_clear()


def coverage(
    claim: str, passage: str, claim_language: str | None, passage_language: str | None
) -> float:
    """Share of the claim's distinct stemmed content words found in the passage."""
    wanted = _stems(claim, claim_language)
    if not wanted:
        return 0.0
    return len(wanted & _stems(passage, passage_language)) / len(wanted)


class LexicalScorer(Scorer):
    """Content-word coverage of the claim by the passage, as the support score."""

    name = "sourcecheck.lexical.v1"
    model_id = "lexical-coverage (PyStemmer)"
    max_length = None

    def score_batch(self, pairs: Sequence[Pair]) -> list[PairScore]:
        scores: list[PairScore] = []
        for pair in pairs:
            claim_lang = pair.claim_language or _language(pair.claim)
            passage_lang = pair.passage_language or _language(pair.passage)
            support = coverage(
                pair.claim, pair.passage, claim_lang or passage_lang, passage_lang or claim_lang
            )
            scores.append(PairScore(support=support, contradiction=None))
        return scores
