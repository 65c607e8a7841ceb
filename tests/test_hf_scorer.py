"""HFScorer against tiny BERT classifiers built here: no download, no hub, offline."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.hf

_MISSING = "the hf extra is not installed: pip install 'sourcecheck[hf]'"
transformers = pytest.importorskip("transformers", reason=_MISSING)
torch = pytest.importorskip("torch", reason=_MISSING)

from sourcecheck.errors import ConfigError, ModelError  # noqa: E402
from sourcecheck.score.base import Pair  # noqa: E402
from sourcecheck.score.hf import HFScorer, make_hf_scorer, parse_hf_arg  # noqa: E402

# The tiny tokenizer's whole vocabulary (besides the special tokens).
_VOCABULARY = (
    "the a cat dog sat on mat is was red blue not big small and of in to it "
    "bird flew over house river tree green old new city park"
)
WORDS = _VOCABULARY.split()
WINDOW = 64
NLI = {0: "entailment", 1: "neutral", 2: "contradiction"}
NLI_REVERSED = {0: "contradiction", 1: "neutral", 2: "entailment"}


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")


def _text(n: int, start: int = 0) -> str:
    return " ".join(WORDS[(start + 7 * i) % len(WORDS)] for i in range(n))


class TinyModels:
    """Tiny BERT classifiers saved to disk, each in its own directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        vocab_dir = root / "vocab"
        vocab_dir.mkdir()
        specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        (vocab_dir / "vocab.txt").write_text("\n".join(specials + WORDS) + "\n", encoding="utf-8")
        self.tokenizer = transformers.BertTokenizerFast.from_pretrained(
            str(vocab_dir), local_files_only=True
        )

    def build(
        self,
        name: str,
        num_labels: int,
        id2label: dict[int, str] | None = None,
        bias: list[float] | None = None,
        weight_std: float | None = None,
        init_range: float = 0.02,
        seed: int = 0,
        pad_token: bool = True,
    ) -> str:
        torch.manual_seed(seed)
        kwargs: dict[str, Any] = {}
        if id2label is not None:
            kwargs = {"id2label": id2label, "label2id": {v: k for k, v in id2label.items()}}
        config = transformers.BertConfig(
            vocab_size=len(self.tokenizer),
            hidden_size=32,
            num_hidden_layers=2,
            num_attention_heads=2,
            intermediate_size=37,
            max_position_embeddings=WINDOW,
            num_labels=num_labels,
            initializer_range=init_range,
            **kwargs,
        )
        model = transformers.BertForSequenceClassification(config).eval()
        with torch.no_grad():
            if weight_std is not None:
                model.classifier.weight.normal_(0.0, weight_std)
            if bias is not None:
                model.classifier.bias.copy_(torch.tensor(bias))
        path = self.root / name
        model.save_pretrained(path)
        self.tokenizer.save_pretrained(path)
        if not pad_token:  # like many decoder-only classifiers
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
            tokenizer.pad_token = None
            tokenizer.save_pretrained(path)
        return str(path)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        models = TinyModels(tmp_path_factory.mktemp("tiny-models"))
        yield {
            "tokenizer": models.tokenizer,
            # Same weights, labels named in opposite orders; the bias favours index 0.
            "nli": models.build("nli", 3, NLI, bias=[6.0, 0.0, -6.0]),
            "nli_reversed": models.build("nli-reversed", 3, NLI_REVERSED, bias=[6.0, 0.0, -6.0]),
            # Outputs that really depend on the input, for chunking and batching.
            "varied": models.build(
                "varied", 3, NLI, bias=[0.0, 0.0, 0.0], weight_std=3.0, init_range=0.5, seed=1
            ),
            "varied_nopad": models.build(
                "varied-nopad",
                3,
                NLI,
                bias=[0.0, 0.0, 0.0],
                weight_std=3.0,
                init_range=0.5,
                seed=1,
                pad_token=False,
            ),
            "binary": models.build("binary", 2, None, bias=[-4.0, 4.0]),
            "generic3": models.build("generic3", 3, None),
            "single": models.build("single", 1, None, bias=[2.0]),
            "unnamed": models.build("unnamed", 2, {0: "apple", 1: "pear"}),
        }


PAIRS = [
    Pair(claim="the cat sat on the mat", passage="the cat sat on the mat in the house"),
    Pair(claim="the dog is red", passage=_text(150, 3)),
    Pair(claim="a bird flew over the river", passage="the bird flew over the old river"),
    Pair(claim="the park is green", passage=_text(90, 5)),
    Pair(claim="it is not big", passage=""),
]


def test_loads_local_path_offline_and_describes(tiny: dict[str, Any]) -> None:
    scorer = HFScorer(tiny["nli"])
    assert scorer.local_files_only is True
    assert scorer.name == "sourcecheck.hf.v1"
    assert scorer.model_id == tiny["nli"]
    assert scorer.max_length == WINDOW  # tokenizer has no limit; capped by the positions
    info = scorer.describe()
    assert info["model_id"] == tiny["nli"]
    assert info["revision"] is None
    assert info["max_length"] == WINDOW
    assert info["labels"] == {
        "entailment": "support",
        "neutral": "other",
        "contradiction": "contradiction",
    }
    assert info["label_assumption"] is None
    assert info["trust_remote_code"] is False
    [score] = scorer.score_batch(PAIRS[:1])
    assert score.support > 0.99
    assert score.contradiction is not None and score.contradiction < 0.01
    assert score.truncated is False


def test_label_order_comes_from_config(tiny: dict[str, Any]) -> None:
    straight = HFScorer(tiny["nli"]).score_batch(PAIRS)
    swapped = HFScorer(tiny["nli_reversed"]).score_batch(PAIRS)
    for a, b in zip(straight, swapped, strict=True):
        assert a.support > 0.99
        assert b.contradiction is not None and b.contradiction > 0.99
        assert b.support == pytest.approx(a.contradiction, abs=1e-6)
        assert b.contradiction == pytest.approx(a.support, abs=1e-6)


def test_generic_binary_labels_assume_index_1_supported(tiny: dict[str, Any]) -> None:
    scorer = HFScorer(tiny["binary"])
    info = scorer.describe()
    assert info["labels"] == {"LABEL_0": "other", "LABEL_1": "support"}
    assert "index 1 = supported" in str(info["label_assumption"])
    [score] = scorer.score_batch(PAIRS[:1])
    assert score.support > 0.99
    assert score.contradiction is None  # a binary checker cannot tell contradiction apart


def test_three_generic_labels_are_refused(tiny: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="names its labels"):
        HFScorer(tiny["generic3"])


def test_labels_with_no_supported_meaning_are_refused(tiny: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="apple, pear"):
        HFScorer(tiny["unnamed"])


def test_single_logit_is_a_sigmoid(tiny: dict[str, Any]) -> None:
    scorer = HFScorer(tiny["single"])
    tok = tiny["tokenizer"]
    pair = PAIRS[0]
    model = transformers.AutoModelForSequenceClassification.from_pretrained(tiny["single"]).eval()
    with torch.inference_mode():
        logit = model(**tok(pair.passage, pair.claim, return_tensors="pt")).logits[0, 0]
    [score] = scorer.score_batch([pair])
    assert score.support == pytest.approx(float(torch.sigmoid(logit)), abs=1e-6)
    assert score.contradiction is None


def _by_hand(path: str, tok: Any, pair: Pair, overlap: float = 0.25) -> list[tuple[float, float]]:
    """(support, contradiction) of every window, built from token ids without the scorer."""
    model = transformers.AutoModelForSequenceClassification.from_pretrained(path).eval()
    passage = tok(pair.passage, add_special_tokens=False)["input_ids"]
    claim = tok(pair.claim, add_special_tokens=False)["input_ids"]
    budget = WINDOW - 3 - len(claim)  # [CLS] passage [SEP] claim [SEP]
    step = budget - int(budget * overlap)
    windows, start = [], 0
    while True:
        windows.append(passage[start : start + budget])
        if start + budget >= len(passage):
            break
        start += step
    results = []
    with torch.inference_mode():
        for w in windows:
            ids = [tok.cls_token_id, *w, tok.sep_token_id, *claim, tok.sep_token_id]
            types = [0] * (len(w) + 2) + [1] * (len(claim) + 1)
            assert len(ids) <= WINDOW
            probs = model(
                input_ids=torch.tensor([ids]),
                token_type_ids=torch.tensor([types]),
                attention_mask=torch.ones(1, len(ids), dtype=torch.long),
            ).logits.softmax(-1)[0]
            results.append((float(probs[0]), float(probs[2])))
    return results


def test_long_passage_is_chunked_and_max_aggregated(tiny: dict[str, Any]) -> None:
    tok = tiny["tokenizer"]
    pair = PAIRS[1]
    assert len(tok(pair.passage)["input_ids"]) > 2 * WINDOW
    windows = _by_hand(tiny["varied"], tok, pair)
    supports = [s for s, _ in windows]
    contradictions = [c for _, c in windows]
    assert len(windows) >= 3
    # The test means something only if the windows disagree and the first is not the best.
    assert max(supports) - min(supports) > 0.01
    assert supports.index(max(supports)) != 0
    [score] = HFScorer(tiny["varied"]).score_batch([pair])
    assert score.support == pytest.approx(max(supports), abs=1e-5)
    assert score.contradiction == pytest.approx(max(contradictions), abs=1e-5)
    assert score.truncated is False  # every token was scored in some window


def test_overlap_is_an_option(tiny: dict[str, Any]) -> None:
    pair = PAIRS[1]
    expected = _by_hand(tiny["varied"], tiny["tokenizer"], pair, overlap=0.0)
    [score] = HFScorer(tiny["varied"], overlap=0.0).score_batch([pair])
    assert score.support == pytest.approx(max(s for s, _ in expected), abs=1e-5)
    with pytest.raises(ConfigError, match="overlap"):
        HFScorer(tiny["varied"], overlap=1.0)


def test_truncated_only_when_something_is_dropped(tiny: dict[str, Any]) -> None:
    scorer = HFScorer(tiny["varied"])
    long_claim = _text(45, 2)
    # Claim and passage fit together: nothing dropped, however long the claim.
    fits = Pair(claim=long_claim, passage="the cat sat")
    # The claim would leave less than half the window for a long passage: it is cut.
    cut = Pair(claim=long_claim, passage=_text(100))
    short_claim = Pair(claim="the cat", passage=_text(100))
    results = scorer.score_batch([fits, cut, short_claim])
    assert [r.truncated for r in results] == [False, True, False]


def test_batching_matches_one_by_one(tiny: dict[str, Any]) -> None:
    batched = HFScorer(tiny["varied"], batch_size=4).score_batch(PAIRS)
    single = HFScorer(tiny["varied"], batch_size=1)
    one_by_one = [single.score_batch([p])[0] for p in PAIRS]
    assert len(batched) == len(PAIRS)
    for a, b in zip(batched, one_by_one, strict=True):
        assert a.support == pytest.approx(b.support, abs=1e-5)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-5)
        assert a.truncated == b.truncated
    assert single.score_batch([]) == []


def test_tokenizer_without_pad_token_scores_one_window_at_a_time(tiny: dict[str, Any]) -> None:
    scorer = HFScorer(tiny["varied_nopad"], batch_size=8)
    assert scorer._tokenizer.pad_token_id is None
    expected = HFScorer(tiny["varied"]).score_batch(PAIRS)
    for a, b in zip(scorer.score_batch(PAIRS), expected, strict=True):
        assert a.support == pytest.approx(b.support, abs=1e-5)
        assert a.contradiction == pytest.approx(b.contradiction, abs=1e-5)


def test_window_skips_roberta_style_position_offset(tmp_path: Path, tiny: dict[str, Any]) -> None:
    # RoBERTa numbers positions after its padding index: 66 embeddings hold 64 tokens. The
    # offset is read from the model's embeddings, not from a list of architectures.
    config = transformers.RobertaConfig(
        vocab_size=len(tiny["tokenizer"]),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=37,
        max_position_embeddings=WINDOW + 2,
        id2label=NLI,
        label2id={v: k for k, v in NLI.items()},
    )
    transformers.RobertaForSequenceClassification(config).save_pretrained(tmp_path)
    tiny["tokenizer"].save_pretrained(tmp_path)
    scorer = HFScorer(str(tmp_path))
    assert scorer.max_length == WINDOW
    [score] = scorer.score_batch([PAIRS[1]])  # long: every window must fit the embeddings
    assert 0.0 <= score.support <= 1.0


def test_missing_model_offline_is_a_quick_one_line_model_error() -> None:
    start = time.monotonic()
    with pytest.raises(ModelError) as info:
        make_hf_scorer("sourcecheck-tests/no-such-model")
    assert time.monotonic() - start < 10
    message = str(info.value)
    assert "\n" not in message
    assert "sourcecheck-tests/no-such-model" in message
    assert "local directory" in message


def test_missing_local_directory_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no such directory"):
        HFScorer(str(tmp_path / "nowhere"))


def test_revision_parsing(tiny: dict[str, Any]) -> None:
    assert parse_hf_arg("org/model@main") == ("org/model", "main")
    assert parse_hf_arg("org/model") == ("org/model", None)
    assert parse_hf_arg(tiny["nli"]) == (tiny["nli"], None)
    with pytest.raises(ConfigError):
        parse_hf_arg("@main")
    with pytest.raises(ConfigError):
        parse_hf_arg("")
    with pytest.raises(ConfigError, match="local directory"):
        make_hf_scorer(tiny["nli"] + "@v1")
    scorer = make_hf_scorer(tiny["nli"])
    assert scorer.revision is None


def test_get_scorer_builds_it(tiny: dict[str, Any]) -> None:
    from sourcecheck.score import get_scorer

    scorer = get_scorer(f"hf:{tiny['nli']}")
    assert isinstance(scorer, HFScorer)
    assert scorer.model_id == tiny["nli"]


def test_missing_extra_names_the_install_command(
    tiny: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ConfigError, match=r"pip install 'sourcecheck\[hf\]'"):
        HFScorer(tiny["nli"])
