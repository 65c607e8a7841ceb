"""Golden outputs of the shipped default scorer on fixed pairs: a change to the features,
the weights or the embedder that moves any of them must be deliberate (retrain, then
update these numbers)."""

from __future__ import annotations

import pytest

from sourcecheck.score import Pair, get_scorer

GOLDEN = [
    # claim, passage, claim language, passage language, support, contradiction
    ("The bridge was built in 1964.",
     "The bridge was built in 1964 and has been repaired several times since.", "en", "en",
     0.7259, 0.4915),
    ("The bridge was built in 1964.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "en", "sv",
     0.1160, 0.5573),
    ("Bron byggdes 1964.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "sv", "sv",
     0.8978, 0.1946),
    ("The bridge was built in 1990.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "en", "sv",
     0.0294, 0.2518),
    ("The road has been closed to all traffic.",
     "Vägen har inte stängts för trafik.", "en", "sv",
     0.2007, 0.2524),
    ("The council plans a new tunnel.",
     "The library opens at eight in the evening.", "en", "en",
     0.0192, 0.1009),
]  # fmt: skip


def test_baseline_golden_scores() -> None:
    scorer = get_scorer("baseline")
    pairs = [Pair(c, p, cl, pl) for c, p, cl, pl, _, _ in GOLDEN]
    for row, score in zip(GOLDEN, scorer.score_batch(pairs), strict=True):
        assert score.support == pytest.approx(row[4], abs=2e-3), row[0]
        assert score.contradiction == pytest.approx(row[5], abs=2e-3), row[0]
