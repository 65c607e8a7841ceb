"""VerifierScorer on tiny model directories built here: an ONNX graph made with the
``onnx`` helper API and a word-level tokenizer with the XLM-R pair template, in the
format of ``sourcecheck/data/verifier/``. No torch, no download.

The graph sums one learned vector per token (padding masked out) and adds a bias, so
every logit can be worked out by hand: the word ``yes`` adds YES to the "supported"
logit, ``no`` adds NO to the "contradicted" one, every other word adds nothing, and the
padding token carries a huge vector that would wreck any score if the mask were ignored.
"""

from __future__ import annotations

import hashlib
import json
import math
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

onnx = pytest.importorskip("onnx", reason="onnx is in the dev extra: pip install -e '.[dev]'")
pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402
from tokenizers.models import WordLevel  # noqa: E402
from tokenizers.pre_tokenizers import Whitespace  # noqa: E402
from tokenizers.processors import TemplateProcessing  # noqa: E402

from sourcecheck.errors import ConfigError, ModelError  # noqa: E402
from sourcecheck.onnxrt import THREADS_ENV, onnx_session, resolve_threads  # noqa: E402
from sourcecheck.score import Pair, get_scorer  # noqa: E402
from sourcecheck.score.features import DIM, pair_features  # noqa: E402
from sourcecheck.score.verifier import (  # noqa: E402
    VerifierScorer,
    default_model_dir,
    load_verifier,
)

SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
_VOCABULARY = (
    "yes no the a cat dog sat on mat is was red blue big small and of in to it bird "
    "flew over house river tree green old new city park 1964 1990 bridge built"
)
WORDS = _VOCABULARY.split()
VOCAB = {t: i for i, t in enumerate(SPECIALS + WORDS)}
LABELS = ["supported", "neutral", "contradicted"]
YES, NO, NEUTRAL_BIAS = 3.0, 2.5, 1.0
WINDOW = 32


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _lse(*xs: float) -> float:
    top = max(xs)
    return top + math.log(sum(math.exp(x - top) for x in xs))


def _tokenizer() -> Tokenizer:
    tok = Tokenizer(WordLevel(VOCAB, unk_token="<unk>"))
    tok.pre_tokenizer = Whitespace()  # type: ignore[assignment]
    tok.post_processor = TemplateProcessing(  # type: ignore[assignment]
        single="<s> $A </s>",
        pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", VOCAB["<s>"]), ("</s>", VOCAB["</s>"])],
    )
    return tok


def _graph(table: np.ndarray, bias: np.ndarray) -> Any:
    """logits[b] = sum_t mask[b, t] * table[ids[b, t]] + bias."""
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["emb"], axis=0),
        helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["maskf", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["emb", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["pooled"], keepdims=0),
        helper.make_node("Add", ["pooled", "bias"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-verifier",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", table.shape[1]])],
        initializer=[
            numpy_helper.from_array(table.astype(np.float32), "table"),
            numpy_helper.from_array(bias.astype(np.float32), "bias"),
            numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def build_model(
    path: Path,
    *,
    labels: Sequence[str] = LABELS,
    support_platt: tuple[float, float] = (1.0, 0.0),
    contradiction_platt: tuple[float, float] = (1.0, 0.0),
    stack: dict[str, Any] | None = None,
    pair_order: Sequence[str] = ("passage", "claim"),
    random_seed: int | None = None,
    max_length: int = WINDOW,
    model_id: str = "tiny",
) -> Path:
    """Write a model directory. The logit of a label is placed by its *name*, so a
    reordered ``labels`` list gives the same meaning in other positions."""
    path.mkdir(parents=True)
    n = len(labels)
    table = np.zeros((len(VOCAB), n))
    bias = np.zeros(n)
    if random_seed is not None:
        rng = np.random.default_rng(random_seed)
        table = rng.normal(0.0, 0.7, size=table.shape)
        bias = rng.normal(0.0, 0.5, size=n)
    else:
        table[VOCAB["yes"], list(labels).index("supported")] = YES
        if "contradicted" in labels:
            table[VOCAB["no"], list(labels).index("contradicted")] = NO
        if "neutral" in labels:
            bias[list(labels).index("neutral")] = NEUTRAL_BIAS
    table[VOCAB["<pad>"]] = 1000.0 * (np.arange(n) - 1)  # fatal if the mask were ignored
    onnx.save(_graph(table, bias), str(path / "model.onnx"))
    _tokenizer().save(str(path / "tokenizer.json"))
    config = {
        "name": "sourcecheck.verifier",
        "version": "1",
        "model_id": model_id,
        "labels": list(labels),
        "max_length": max_length,
        "pair_order": list(pair_order),
        "calibration": {
            "support": {"method": "platt", "a": support_platt[0], "b": support_platt[1]},
            "contradiction": {
                "method": "platt",
                "a": contradiction_platt[0],
                "b": contradiction_platt[1],
            },
        },
        "thresholds": {"support": 0.6, "partial": 0.4, "contradiction": 0.55},
        "stack": stack,
        "training": {"sets": {"tiny": 0}},
    }
    (path / "verifier.json").write_text(json.dumps(config), encoding="utf-8")
    (path / "verifier-card.md").write_text("# tiny\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("verifiers")
    return {
        "plain": build_model(root / "plain"),
        "reversed": build_model(root / "reversed", labels=list(reversed(LABELS))),
        "platt": build_model(
            root / "platt", support_platt=(2.0, -0.5), contradiction_platt=(0.7, 0.3)
        ),
        "random": build_model(root / "random", random_seed=3, max_length=24),
        "claim_first": build_model(root / "claim-first", pair_order=("claim", "passage")),
    }


def _filler(n: int, start: int = 0) -> str:
    plain = [w for w in WORDS if w not in ("yes", "no")]
    return " ".join(plain[(start + 5 * i) % len(plain)] for i in range(n))


# -- what the scores mean ---------------------------------------------------------------


def test_platt_calibration_of_both_margins(models: dict[str, Path]) -> None:
    scorer = VerifierScorer(models["platt"])
    (score,) = scorer.score_batch([Pair("the cat sat", "yes the cat sat on the mat no")])
    supported, neutral, contradicted = YES, NEUTRAL_BIAS, NO
    m_support = supported - _lse(neutral, contradicted)
    m_contra = contradicted - _lse(supported, neutral)
    assert score.support == pytest.approx(_sigmoid(2.0 * m_support - 0.5), abs=1e-6)
    assert score.contradiction == pytest.approx(_sigmoid(0.7 * m_contra + 0.3), abs=1e-6)
    assert score.truncated is False


def test_identity_calibration_is_the_softmax(models: dict[str, Path]) -> None:
    (score,) = VerifierScorer(models["plain"]).score_batch([Pair("the cat", "yes the cat")])
    probs = np.exp([YES, NEUTRAL_BIAS, 0.0]) / np.exp([YES, NEUTRAL_BIAS, 0.0]).sum()
    assert score.support == pytest.approx(probs[0], abs=1e-6)
    assert score.contradiction == pytest.approx(probs[2], abs=1e-6)


def test_label_order_is_read_from_verifier_json(models: dict[str, Path]) -> None:
    pairs = [
        Pair("the cat", "yes the cat sat"),
        Pair("the dog", "no the dog"),
        Pair("a bird", "the river"),
    ]
    plain = VerifierScorer(models["plain"]).score_batch(pairs)
    flipped = VerifierScorer(models["reversed"]).score_batch(pairs)
    for a, b in zip(plain, flipped, strict=True):
        assert a.support == pytest.approx(b.support, abs=1e-6)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-6)
    assert plain[0].support > 0.5 > plain[1].support
    assert plain[1].contradiction is not None and plain[1].contradiction > 0.5


def test_two_label_model_has_no_contradiction(tmp_path: Path) -> None:
    path = build_model(tmp_path / "binary", labels=["not_supported", "supported"])
    (score,) = VerifierScorer(path).score_batch([Pair("the cat", "yes the cat")])
    assert score.contradiction is None
    assert score.support == pytest.approx(_sigmoid(YES), abs=1e-6)


# -- inputs, windows, truncation --------------------------------------------------------


@pytest.mark.parametrize(("model", "order"), [("plain", "pc"), ("claim_first", "cp")])
def test_short_pair_is_the_tokenizers_own_pair_encoding(
    models: dict[str, Path], model: str, order: str
) -> None:
    scorer = VerifierScorer(models[model])
    claim, passage = "the cat sat", "a dog sat on the mat"
    windows, truncated = scorer.windows([Pair(claim, passage)])
    tok = Tokenizer.from_file(str(models[model] / "tokenizer.json"))
    first, second = (passage, claim) if order == "pc" else (claim, passage)
    assert [w.ids for w in windows] == [tok.encode(first, second).ids]
    assert windows[0].ids[:1] == [VOCAB["<s>"]] and truncated == [False]


def test_supporting_sentence_at_the_end_of_a_long_passage_is_found(
    models: dict[str, Path],
) -> None:
    scorer = VerifierScorer(models["plain"])
    passage = _filler(200) + " yes the bridge was built"
    windows, truncated = scorer.windows([Pair("the bridge was built", passage)])
    assert len(windows) > 5
    assert all(len(w.ids) <= WINDOW for w in windows)
    assert truncated == [False]  # the passage is windowed, nothing dropped
    (found,) = scorer.score_batch([Pair("the bridge was built", passage)])
    (nothing,) = scorer.score_batch([Pair("the bridge was built", _filler(200))])
    expected = _sigmoid(YES - _lse(NEUTRAL_BIAS, 0.0))
    assert found.support == pytest.approx(expected, abs=1e-6)
    assert nothing.support == pytest.approx(_sigmoid(-_lse(NEUTRAL_BIAS, 0.0)), abs=1e-6)
    assert found.truncated is False


def test_windows_cover_every_passage_token(models: dict[str, Path]) -> None:
    scorer = VerifierScorer(models["plain"])
    passage = _filler(97)
    windows, _ = scorer.windows([Pair("the cat", passage)])
    claim_len = 2
    seen: list[int] = []
    for w in windows:
        body = w.ids[1 : len(w.ids) - claim_len - 3]  # <s> passage </s></s> claim </s>
        seen.extend(body)
    passage_ids = Tokenizer.from_file(str(models["plain"] / "tokenizer.json")).encode(
        passage, add_special_tokens=False
    )
    assert set(passage_ids.ids) <= set(seen)
    assert seen[-1] == passage_ids.ids[-1]


def test_contradiction_anywhere_in_the_passage_is_kept(models: dict[str, Path]) -> None:
    scorer = VerifierScorer(models["plain"])
    passage = "yes " + _filler(120) + " no"
    (score,) = scorer.score_batch([Pair("the cat", passage)])
    assert score.support > 0.5
    assert score.contradiction == pytest.approx(_sigmoid(NO - _lse(0.0, NEUTRAL_BIAS)), abs=1e-6)


def test_truncated_only_when_the_claim_is_cut(models: dict[str, Path]) -> None:
    scorer = VerifierScorer(models["plain"])
    long_claim = _filler(40)
    scores = scorer.score_batch(
        [
            Pair(long_claim, "the cat"),  # claim alone exceeds the window
            Pair("the cat", _filler(300)),  # long passage: windowed, not cut
            Pair("the cat", "a dog"),
        ]
    )
    assert [s.truncated for s in scores] == [True, False, False]
    windows, _ = scorer.windows([Pair(long_claim, "the cat")])
    assert all(len(w.ids) <= WINDOW for w in windows)


def test_batching_gives_the_same_scores_as_one_by_one(models: dict[str, Path]) -> None:
    pairs = [
        Pair(_filler(k % 7 + 1, k), _filler(3 * k + 1, 2 * k) + (" yes" if k % 3 == 0 else ""))
        for k in range(17)
    ]
    batched = VerifierScorer(models["random"], batch_size=5).score_batch(pairs)
    one_by_one = [VerifierScorer(models["random"], batch_size=1).score_batch([p])[0] for p in pairs]
    assert len({round(s.support, 4) for s in batched}) > 5  # the scores really vary
    for a, b in zip(batched, one_by_one, strict=True):
        assert a.support == pytest.approx(b.support, abs=1e-5)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-5)
        assert a.truncated == b.truncated


def test_empty_batch(models: dict[str, Path]) -> None:
    assert VerifierScorer(models["plain"]).score_batch([]) == []


# -- stack --------------------------------------------------------------------------------


class _FixedEmbedder:
    """Every text at the same unit vector: dense_cosine is 1 for every pair."""

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._unit(len(texts))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._unit(len(texts))

    @staticmethod
    def _unit(n: int) -> np.ndarray:
        out = np.zeros((n, DIM), dtype=np.float32)
        out[:, 0] = 1.0
        return out


def test_stack_combines_margin_and_baseline_features(tmp_path: Path) -> None:
    stack = {
        "features": ["coverage", "has_numbers", "numbers_missing"],
        "coef_margin": 0.8,
        "coef": [1.5, -0.7, -2.0],
        "intercept": -0.2,
    }
    path = build_model(tmp_path / "stacked", stack=stack, contradiction_platt=(0.9, 0.1))
    embedder = _FixedEmbedder()
    scorer = VerifierScorer(path, embedder=embedder)
    pairs = [
        Pair("the bridge was built in 1964", "yes the bridge was built in 1964", "en", "en"),
        Pair("the bridge was built in 1990", "the bridge was built in 1964", "en", "en"),
        Pair("the cat sat", "a dog flew over the river", "en", "en"),
    ]
    from sourcecheck.score.baseline import load_weights

    features, names = pair_features(pairs, embedder, load_weights().cross_map)
    cols = [names.index(n) for n in stack["features"]]  # type: ignore[union-attr]
    scores = scorer.score_batch(pairs)
    for k, (pair, score) in enumerate(zip(pairs, scores, strict=True)):
        supported = YES if "yes" in pair.passage.split() else 0.0
        margin = supported - _lse(NEUTRAL_BIAS, 0.0)
        z = 0.8 * margin + float(features[k, cols] @ np.array(stack["coef"])) - 0.2
        assert score.support == pytest.approx(_sigmoid(z), abs=1e-6)
        contra_margin = 0.0 - _lse(supported, NEUTRAL_BIAS)
        assert score.contradiction == pytest.approx(_sigmoid(0.9 * contra_margin + 0.1), abs=1e-6)
    assert scores[0].support > scores[1].support  # the number feature counts
    assert scorer.describe()["stack"] == stack["features"]


def test_stack_with_an_unknown_feature_is_refused(tmp_path: Path) -> None:
    stack = {"features": ["vibes"], "coef_margin": 1.0, "coef": [1.0], "intercept": 0.0}
    path = build_model(tmp_path / "bad-stack", stack=stack)
    with pytest.raises(ModelError, match="vibes"):
        VerifierScorer(path)


# -- loading, registry, errors ------------------------------------------------------------


def test_verifier_path_through_shared_scorer(models: dict[str, Path]) -> None:
    from sourcecheck.score.registry import shared_scorer

    scorer = shared_scorer(f"verifier:{models['plain']}")
    assert isinstance(scorer, VerifierScorer)
    assert scorer is shared_scorer(f"verifier:{models['plain']}")
    (score,) = scorer.score_batch([Pair("the cat", "yes the cat")])
    assert score.support > 0.5
    assert scorer.support_threshold == 0.6
    assert scorer.partial_threshold == 0.4
    assert scorer.contradiction_threshold == 0.55


def test_model_loaded_once_per_directory(models: dict[str, Path]) -> None:
    a = VerifierScorer(models["plain"], threads=1)
    b = VerifierScorer(str(models["plain"]) + "/", threads=1)
    assert a.loaded is b.loaded
    assert VerifierScorer(models["reversed"], threads=1).loaded is not a.loaded


def test_model_id_changes_with_calibration_not_only_weights(tmp_path: Path) -> None:
    """Scores are cached under model_id: a recalibrated or restacked model with the same
    weights must not be served the old model's cached scores."""
    a = build_model(tmp_path / "a", support_platt=(1.0, 0.0))
    b = build_model(tmp_path / "b", support_platt=(1.5, 0.0))
    c = build_model(tmp_path / "c", support_platt=(1.0, 0.0))
    assert (a / "model.onnx").read_bytes() == (b / "model.onnx").read_bytes()
    id_a, id_b, id_c = (VerifierScorer(d, threads=1).model_id for d in (a, b, c))
    assert id_a != id_b
    assert id_a == id_c  # same files, same id, wherever they lie


def test_describe_records_the_model(models: dict[str, Path]) -> None:
    info = VerifierScorer(models["platt"]).describe()
    digest = hashlib.sha256((models["platt"] / "model.onnx").read_bytes()).hexdigest()
    assert info["model_sha256"] == digest
    assert info["name"] == "sourcecheck.verifier.v1" and info["version"] == "1"
    assert str(info["model_id"]).startswith("tiny@")
    assert info["support_threshold"] == 0.6 and info["contradiction_threshold"] == 0.55
    assert info["max_length"] == WINDOW
    assert info["batch_size"] == 1  # one window per call unless asked (see the module doc)
    assert info["labels"] == {
        "supported": "support",
        "neutral": "other",
        "contradicted": "contradiction",
    }
    json.dumps(info)  # the report stores it


def test_session_from_a_file_or_from_bytes_is_the_same_model(models: dict[str, Path]) -> None:
    """``onnx_session`` takes a path or a serialized model (benchmarks/compute_ceiling.py
    builds its probe graphs in memory), set up the same way."""
    path = models["random"] / "model.onnx"
    ids = np.array([[0, 7, 9, 2, 11, 5, 2]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    from_file = onnx_session(path, 1)
    from_bytes = onnx_session(path.read_bytes(), 1)
    names = [i.name for i in from_file.get_inputs()]
    assert names == [i.name for i in from_bytes.get_inputs()]
    assert "input_ids" in names
    feed = {k: v for k, v in feed.items() if k in names}
    np.testing.assert_array_equal(from_file.run(None, feed)[0], from_bytes.run(None, feed)[0])
    assert from_file.get_session_options().intra_op_num_threads == 1
    assert from_bytes.get_session_options().intra_op_num_threads == 1


def test_threads_from_the_environment(
    models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THREADS_ENV, "1")
    assert resolve_threads() == 1
    assert VerifierScorer(models["plain"]).loaded.threads == 1
    assert resolve_threads(3) == 3
    monkeypatch.setenv(THREADS_ENV, "many")
    with pytest.raises(ConfigError, match=THREADS_ENV):
        resolve_threads()
    monkeypatch.delenv(THREADS_ENV)
    assert resolve_threads() >= 1


def _one_line_error(kind: type[Exception], call: Any, match: str) -> None:
    with pytest.raises(kind, match=match) as info:
        call()
    assert "\n" not in str(info.value)


def test_missing_directory(tmp_path: Path) -> None:
    _one_line_error(
        ModelError, lambda: get_scorer(f"verifier:{tmp_path / 'nope'}"), "no such directory"
    )


def test_directory_without_model_files(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _one_line_error(
        ModelError,
        lambda: VerifierScorer(tmp_path / "empty"),
        "missing model.onnx, tokenizer.json, verifier.json",
    )


def test_corrupt_model_file(tmp_path: Path) -> None:
    path = build_model(tmp_path / "corrupt")
    (path / "model.onnx").write_bytes(b"\x00not an onnx graph" * 20)
    _one_line_error(ModelError, lambda: VerifierScorer(path), "model.onnx: cannot be loaded")


def test_corrupt_tokenizer(tmp_path: Path) -> None:
    path = build_model(tmp_path / "bad-tok")
    (path / "tokenizer.json").write_text("{", encoding="utf-8")
    _one_line_error(ModelError, lambda: VerifierScorer(path), "tokenizer.json: not a tokenizer")


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda c: "{not json", "not a readable JSON"),
        (lambda c: {**c, "name": "something.else"}, "not a sourcecheck.verifier file"),
        (lambda c: {**c, "version": "9"}, "format version '9'"),
        (lambda c: {**c, "labels": ["a", "b", "c"]}, "means 'supported'"),
        (lambda c: {**c, "max_length": "long"}, "max_length"),
        (lambda c: {**c, "pair_order": ["claim", "claim"]}, "pair_order"),
        (lambda c: {**c, "calibration": {"support": {"method": "isotonic"}}}, "isotonic"),
        (
            lambda c: {**c, "thresholds": {"support": 2, "partial": 0, "contradiction": 0}},
            "0 and 1",
        ),
    ],
)
def test_bad_verifier_json(tmp_path: Path, change: Any, match: str) -> None:
    path = build_model(tmp_path / "bad-json")
    config = json.loads((path / "verifier.json").read_text(encoding="utf-8"))
    changed = change(config)
    text = changed if isinstance(changed, str) else json.dumps(changed)
    (path / "verifier.json").write_text(text, encoding="utf-8")
    _one_line_error(ModelError, lambda: VerifierScorer(path), match)


def test_the_packaged_model_or_a_clear_error() -> None:
    if (default_model_dir() / "verifier.json").is_file():
        scorer = get_scorer("verifier")
        assert isinstance(scorer, VerifierScorer)
        assert scorer.loaded.directory == default_model_dir().resolve()
    else:
        _one_line_error(ModelError, lambda: load_verifier(), "packaged verifier")


def test_no_torch_on_this_path(models: dict[str, Path]) -> None:
    code = (
        "import sys\n"
        "from sourcecheck.score import Pair, get_scorer\n"
        f"s = get_scorer('verifier:' + {str(models['plain'])!r})\n"
        "s.score_batch([Pair('the cat', 'yes the cat')])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "assert 'transformers' not in sys.modules, 'transformers was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
