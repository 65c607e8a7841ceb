"""``verifier-bf16``: a verifier directory's int8 weights read back into PyTorch and run in
bfloat16, on a tiny BERT exported here the way ``train_verifier.py export`` exports the
shipped model (fused graph, int8 per channel). No download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("sklearn")  # imported by the training script's helpers

from sourcecheck.errors import ModelError  # noqa: E402
from sourcecheck.score import (  # noqa: E402
    Pair,
    get_scorer,
    torch_runtime,
)
from sourcecheck.score.torch_runtime import (  # noqa: E402
    TorchSession,
    cpu_flags,
    cpu_has_bf16,
    dequantized_bert,
)
from sourcecheck.score.verifier import VerifierScorer  # noqa: E402
from tests.test_train_verifier import _script, _tiny_bert  # noqa: E402
from tests.test_verifier_scorer import WORDS, _tokenizer  # noqa: E402

PAIRS = [
    Pair(claim=" ".join(WORDS[i : i + 4]), passage=" ".join(WORDS[i + 3 : i + 3 + n]))
    for i, n in ((0, 3), (5, 9), (10, 20), (2, 14), (7, 5), (12, 11))
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """A model directory holding a tiny trained-looking BERT as a fused int8 graph, and that
    BERT in float32."""
    tv = _script()
    root = tmp_path_factory.mktemp("bf16")
    model = _tiny_bert(2)
    with torch.no_grad():  # distinct weights, as a trained model's are
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    fused = tv.fused_onnx(model, root / "plain.onnx", root / "fused.onnx")
    directory = root / "model"
    directory.mkdir()
    tv.quantize_int8(fused, directory / "model.onnx")
    _tokenizer().save(str(directory / "tokenizer.json"))
    platt = {"method": "platt", "a": 1.0, "b": 0.0}
    config = {
        "name": "sourcecheck.verifier",
        "version": "1",
        "model_id": "tiny-bert",
        "labels": ["supported", "neutral", "contradicted"],
        "max_length": 32,
        "pair_order": ["passage", "claim"],
        "calibration": {"support": platt, "contradiction": platt},
        "thresholds": {"support": 0.6, "partial": 0.4, "contradiction": 0.55},
        "stack": None,
    }
    (directory / "verifier.json").write_text(json.dumps(config), encoding="utf-8")
    return directory, model.eval()


def test_the_int8_weights_come_back_within_one_step(exported: tuple[Path, Any]) -> None:
    directory, model = exported
    back = dequantized_bert(directory / "model.onnx")
    assert back.config.num_hidden_layers == 2 and back.config.num_labels == 3
    recovered = back.state_dict()
    for name, value in model.state_dict().items():
        if name.endswith("position_ids"):
            continue
        step = float(value.abs().max()) / 127 + 1e-6  # int8 per channel: at most one step
        assert float((recovered[name] - value).abs().max()) <= step, name


def test_bf16_scores_follow_the_same_model(exported: tuple[Path, Any]) -> None:
    """The bf16 runtime scores the pairs as the float32 model does, within bfloat16's
    rounding; the int8 onnxruntime path scores them too, within int8's."""
    directory, model = exported
    bf16 = VerifierScorer(directory, runtime="torch-bf16")
    onnx_scorer = VerifierScorer(directory)
    windows, _ = bf16.windows(PAIRS)
    reference = TorchSession(model, torch.float32, torch.get_num_threads())
    ids = [w.ids for w in windows]
    width = max(map(len, ids))
    feeds = {
        "input_ids": np.array([r + [1] * (width - len(r)) for r in ids], dtype=np.int64),
        "attention_mask": np.array([[1] * len(r) + [0] * (width - len(r)) for r in ids]),
    }
    want = reference.run(["logits"], feeds)[0]
    got = bf16.logits(windows)
    spread = float(np.abs(want).max())
    assert spread > 0.1  # the logits are not all zero: the comparison means something
    assert np.abs(got - want).max() <= 0.05 * max(spread, 1.0)
    assert np.abs(onnx_scorer.logits(windows) - want).max() <= 0.1 * max(spread, 1.0)
    # batched by 16 (the default) or one by one: the same scores within rounding
    one = VerifierScorer(directory, runtime="torch-bf16", batch_size=1)
    assert bf16.batch_size == 16 and onnx_scorer.batch_size == 1
    for a, b in zip(bf16.score_batch(PAIRS), one.score_batch(PAIRS), strict=True):
        assert a.support == pytest.approx(b.support, abs=0.02)


def test_bf16_is_its_own_backend(exported: tuple[Path, Any]) -> None:
    directory, _ = exported
    scorer = get_scorer(f"verifier-bf16:{directory}")
    plain = get_scorer(f"verifier:{directory}")
    assert scorer.name == "sourcecheck.verifier-bf16.v1" and plain.name == "sourcecheck.verifier.v1"
    # cached scores of one runtime are never served for the other
    assert scorer.model_id == plain.model_id + "+torch-bf16"
    info = scorer.describe()
    assert info["runtime"] == "torch-bf16" and info["batch_size"] == 16
    assert plain.describe()["runtime"] == "onnx" and plain.describe()["native_bf16"] is None
    assert info["native_bf16"] in (True, False, None)
    assert len(scorer.score_batch(PAIRS)) == len(PAIRS)


AMD_AVX2 = "processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 avx avx2 fma\n"
XEON_AMX = "processor\t: 0\nflags\t\t: avx2 avx512f avx512_vnni avx512_bf16 amx_bf16 amx_tile\n"
ARM_BF16 = "processor\t: 0\nFeatures\t: fp asimd sve i8mm bf16\n"


def test_bfloat16_units_are_read_from_the_cpu_flags() -> None:
    assert cpu_has_bf16(XEON_AMX) is True
    assert cpu_has_bf16(ARM_BF16) is True
    assert cpu_has_bf16(AMD_AVX2) is False
    assert cpu_has_bf16("processor\t: 0\n") is None  # no flags line: unknown, not "no"
    assert cpu_has_bf16() in (True, False, None)  # this machine's own /proc/cpuinfo
    assert cpu_flags(ARM_BF16) == {"fp", "asimd", "sve", "i8mm", "bf16"}
    assert cpu_flags(AMD_AVX2) == {"fpu", "sse2", "avx", "avx2", "fma"}
    assert cpu_flags("processor\t: 0\n") is None


def test_bf16_on_a_cpu_without_bfloat16_units_says_so(
    exported: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    directory, _ = exported
    monkeypatch.setattr(torch_runtime, "cpu_has_bf16", lambda cpuinfo=None: False)
    with caplog.at_level("WARNING", logger="sourcecheck"):
        torch_runtime.torch_session(directory / "model.onnx", "torch-bf16", 1)
    assert "without bfloat16 units" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING", logger="sourcecheck"):  # float32 needs no such units
        torch_runtime.torch_session(directory / "model.onnx", "torch-fp32", 1)
    assert caplog.text == ""


def test_a_graph_sourcecheck_did_not_export_is_refused(
    exported: tuple[Path, Any], tmp_path: Path
) -> None:
    directory, _ = exported
    other = tmp_path / "other"
    other.mkdir()
    for name in ("tokenizer.json", "verifier.json"):
        (other / name).write_bytes((directory / name).read_bytes())
    fused = directory.parent / "fused.onnx"  # float32: no int8 weights to read
    (other / "model.onnx").write_bytes(fused.read_bytes())
    with pytest.raises(ModelError, match=r"model\.onnx: .*int8 matrix products"):
        VerifierScorer(other, runtime="torch-bf16")
    with pytest.raises(Exception, match="unknown verifier runtime 'tpu'"):
        VerifierScorer(directory, runtime="tpu")
