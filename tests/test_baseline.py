"""The baseline and lexical scorers, and the features under them.

These embed a few dozen short texts with the bundled e5 model (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sourcecheck.errors import ModelError
from sourcecheck.score import Pair, get_scorer
from sourcecheck.score.baseline import BaselineScorer, default_weights_path, load_weights
from sourcecheck.score.features import (
    FEATURE_NAMES,
    LEXICAL_FEATURES,
    DiskCachedEmbedder,
    as_cross_language,
    pair_features,
)
from sourcecheck.score.lexical import LexicalScorer

CLAIM = "The municipality spent 3.8 million kronor on the new library in 2021."
PARAPHRASE = (
    "In 2021 the municipality spent 3.8 million kronor on building its new library, "
    "the annual report shows."
)
WRONG_NUMBER = (
    "In 2021 the municipality spent 6.2 million kronor on building its new library, "
    "the annual report shows."
)
UNRELATED = "The football club signed two new players from Norway before the summer season."
SWEDISH = (
    "År 2021 lade kommunen 3,8 miljoner kronor på det nya biblioteket, visar årsredovisningen."
)
SWEDISH_UNRELATED = (
    "Vargstammen i Värmland har ökat kraftigt under de senaste tio åren, enligt forskarna."
)

NEG_CLAIM = "The new vaccine was not effective against the virus in older patients."
NEG_PASSAGE = "The new vaccine was highly effective against the virus in older patients."
POS_PASSAGE = (
    "The new vaccine was not effective against the virus in older patients, the trial found."
)


def _en(claim: str, passage: str) -> Pair:
    return Pair(claim, passage, "en", "en")


@pytest.fixture(scope="module")
def baseline() -> BaselineScorer:
    return BaselineScorer()


def test_shipped_weights_load_and_describe_training() -> None:
    weights = load_weights()
    assert weights.feature_names == FEATURE_NAMES
    assert default_weights_path().is_file()
    sets = weights.raw["training"]["sets"]
    assert {"frank_valid", "snli", "factcheck_gpt"} <= set(sets)
    # never trained on the evaluation splits
    assert not {"wice", "wice_dev", "frank_test", "swenli"} & set(sets)
    for info in sets.values():
        assert len(info["sha256"]) == 64 and info["rows"] > 0


def test_registry_builds_both_scorers() -> None:
    assert isinstance(get_scorer("baseline"), BaselineScorer)
    assert isinstance(get_scorer("lexical"), LexicalScorer)
    assert get_scorer("baseline").name == "sourcecheck.baseline.v1"
    assert get_scorer("lexical").name == "sourcecheck.lexical.v1"


def test_scores_are_probabilities(baseline: BaselineScorer) -> None:
    pairs = [_en(CLAIM, p) for p in (PARAPHRASE, WRONG_NUMBER, UNRELATED, "")]
    scores = baseline.score_batch(pairs)
    assert len(scores) == 4
    for s in scores:
        assert 0.0 <= s.support <= 1.0
        assert s.contradiction is not None and 0.0 <= s.contradiction <= 1.0
        assert not s.truncated
    assert baseline.score_batch([]) == []
    assert baseline.score_batch([_en(CLAIM, "x " * 1500)])[0].truncated


def test_paraphrase_beats_unrelated(baseline: BaselineScorer) -> None:
    para, other = baseline.score_batch([_en(CLAIM, PARAPHRASE), _en(CLAIM, UNRELATED)])
    assert para.support > other.support + 0.3


def test_unrelated_passage_is_not_a_contradiction(baseline: BaselineScorer) -> None:
    (other,) = baseline.score_batch([_en(CLAIM, UNRELATED)])
    assert other.contradiction is not None and other.contradiction < 0.3


def test_cross_language_translation_beats_unrelated(baseline: BaselineScorer) -> None:
    translated, other = baseline.score_batch(
        [Pair(CLAIM, SWEDISH, "en", "sv"), Pair(CLAIM, SWEDISH_UNRELATED, "en", "sv")]
    )
    # Across languages only dense, name, number and negation features speak, so the
    # support is less confident than within one language, but far above unrelated text.
    assert translated.support > 5 * other.support
    assert translated.support > other.support + 0.15


def test_languages_are_detected_when_not_given(baseline: BaselineScorer) -> None:
    x, names = pair_features([Pair(CLAIM, SWEDISH)])
    assert x[0, names.index("same_language")] == 0.0
    assert x[0, names.index("coverage")] == 0.0
    detected, given = baseline.score_batch([Pair(CLAIM, SWEDISH), Pair(CLAIM, SWEDISH, "en", "sv")])
    assert detected.support == pytest.approx(given.support)


def test_number_mismatch_lowers_support(baseline: BaselineScorer) -> None:
    right, wrong = baseline.score_batch([_en(CLAIM, PARAPHRASE), _en(CLAIM, WRONG_NUMBER)])
    assert wrong.support < right.support
    x, names = pair_features([_en(CLAIM, PARAPHRASE), _en(CLAIM, WRONG_NUMBER)])
    assert x[0, names.index("numbers_missing")] == 0.0
    assert x[1, names.index("number_conflict")] == 1.0
    # numbers count across languages too
    x, names = pair_features([Pair(CLAIM, SWEDISH, "en", "sv")])
    assert x[0, names.index("numbers_missing")] == 0.0


def test_negation_mismatch_raises_contradiction(baseline: BaselineScorer) -> None:
    same, flipped = baseline.score_batch([_en(NEG_CLAIM, POS_PASSAGE), _en(NEG_CLAIM, NEG_PASSAGE)])
    assert flipped.contradiction is not None and same.contradiction is not None
    assert flipped.contradiction > same.contradiction
    x, names = pair_features([_en(NEG_CLAIM, NEG_PASSAGE)])
    assert x[0, names.index("negation_mismatch")] == 1.0
    x, names = pair_features([Pair("Han kom inte hem.", "Han kom hem igen.", "sv", "sv")])
    assert x[0, names.index("negation_mismatch")] == 1.0


def test_lexical_features_only_count_within_one_language() -> None:
    x, names = pair_features([_en(CLAIM, CLAIM), Pair(CLAIM, CLAIM, "en", "sv")])
    lexical = [names.index(n) for n in LEXICAL_FEATURES]
    assert np.all(x[0, lexical] == 1.0)
    assert np.all(x[1, lexical] == 0.0)
    crossed = as_cross_language(x[:1], names)
    assert np.all(crossed[0, lexical] == 0.0)
    assert crossed[0, names.index("same_language")] == 0.0
    assert crossed[0, names.index("dense_cosine")] == x[0, names.index("dense_cosine")]


def test_features_shape_and_empty() -> None:
    x, names = pair_features([])
    assert x.shape == (0, len(FEATURE_NAMES)) and names == list(FEATURE_NAMES)
    x, _ = pair_features([_en(CLAIM, PARAPHRASE), _en(CLAIM, UNRELATED)])
    assert x.shape == (2, len(FEATURE_NAMES))
    assert np.all(np.isfinite(x))


def test_names_are_matched_as_prefixes() -> None:
    x, names = pair_features(
        [
            Pair(
                "The report was written in Uppsala by Vattenfall.",
                "Vattenfalls rapport skrevs i Uppsala.",
                "en",
                "sv",
            )
        ]
    )
    assert x[0, names.index("names_missing")] == 0.0


def test_lexical_scorer() -> None:
    scorer = LexicalScorer()
    same, other, half = scorer.score_batch(
        [
            _en(CLAIM, CLAIM),
            _en(CLAIM, UNRELATED),
            _en("Cats chase mice and birds.", "Cats are known to chase mice."),
        ]
    )
    assert same.support == 1.0 and other.support < 0.2  # shares only "new"
    assert 0.0 < half.support < 1.0 and half.contradiction is None


def test_disk_cache_round_trip(tmp_path: Path) -> None:
    first = DiskCachedEmbedder(tmp_path / "cache", shard_size=1)
    vec = first.passages(["a passage"])
    assert first.computed == 1
    first.flush()
    second = DiskCachedEmbedder(tmp_path / "cache")
    assert len(second) == 1
    np.testing.assert_array_equal(second.passages(["a passage"]), vec)
    assert second.computed == 0


def test_bad_weights_are_refused(tmp_path: Path) -> None:
    raw = json.loads(default_weights_path().read_text(encoding="utf-8"))
    path = tmp_path / "w.json"
    path.write_text(json.dumps({**raw, "format": "other"}), encoding="utf-8")
    with pytest.raises(ModelError, match="not a"):
        load_weights(path)
    path.write_text(json.dumps({**raw, "feature_names": ["x"]}), encoding="utf-8")
    with pytest.raises(ModelError, match="retrain"):
        load_weights(path)
    with pytest.raises(ModelError, match="cannot read"):
        load_weights(tmp_path / "missing.json")
