"""Re-export a shipped verifier whose ``model.onnx`` predates the fused export, from that file
alone (the training checkpoint is not needed).

    python training/refuse_int8.py src/sourcecheck/data/verifier /tmp/refused \\
        --heldout /tmp/vbuild/data/heldout.jsonl

The int8 weights are dequantized (weight = (q - zero point) × scale, per channel) into a
``BertForSequenceClassification``; that model is exported the way ``train_verifier.py
export`` does now (onnxruntime's BERT fusion, checked against PyTorch on padded batches)
and quantized again, per channel. Re-quantizing dequantized per-channel weights gives back
the same integers, so the weights are unchanged; what changes is the graph (fused
attention, LayerNorms, GELU: about 1.45× faster at 256 tokens on two cores) and, slightly,
the int8 rounding of activations. ``verifier.json`` keeps its calibration, thresholds and
stack; the held-out metrics of both files, under that calibration, are recorded beside
them, so that the change is measured, not assumed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import train_verifier as tv  # noqa: E402


def dequantized_model(path: Path) -> Any:
    """The classifier whose weights the int8 ONNX file holds: the unfused export or the
    fused one; sizes and layers are read from the graph. Biases and LayerNorms are found by
    their parameter names, which the exporter keeps unless two tensors are equal (an
    untrained model's): then this stops, naming the missing ones."""
    import onnx
    import torch
    import transformers
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}

    def weight(base: str) -> np.ndarray:
        q = arrays[base + "_quantized"].astype(np.float32)
        zero = arrays[base + "_zero_point"].astype(np.float32)
        return (q - zero) * arrays[base + "_scale"]  # type: ignore[no-any-return]

    # MatMulInteger weights in graph order: per layer query, key, value, attention output,
    # intermediate, output; then the pooler and the classifier. In the fused graph the
    # query, key and value are one QAttention weight per layer (Attention_k_qkv_weight,
    # their columns side by side) and the other four stay MatMulInteger.
    matmuls = [
        n.input[1].removesuffix("_quantized") for n in graph.node if n.op_type == "MatMulInteger"
    ]
    fused = any(n.op_type == "QAttention" for n in graph.node)
    layers = (len(matmuls) - 2) // (3 if fused else 6)
    vocab = arrays["inner.bert.embeddings.word_embeddings.weight_quantized"].shape[0]
    positions, hidden = arrays["inner.bert.embeddings.position_embeddings.weight_quantized"].shape
    heads = [  # the fused graph says; the unfused one is multilingual-e5-small's 12
        a.i for n in graph.node if n.op_type == "QAttention" for a in n.attribute
        if a.name == "num_heads"
    ] or [12]  # fmt: skip
    config = transformers.BertConfig(
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads[0],
        intermediate_size=arrays[matmuls[1 if fused else 4] + "_quantized"].shape[1],
        max_position_embeddings=positions,
        type_vocab_size=2,
        layer_norm_eps=1e-12,
        pad_token_id=1,
        num_labels=3,
        hidden_act="gelu",
    )
    model = transformers.BertForSequenceClassification(config).eval()
    wanted = model.state_dict()
    state: dict[str, np.ndarray] = {}
    for kind in ("word", "position", "token_type"):
        name = f"bert.embeddings.{kind}_embeddings.weight"
        state[name] = weight("inner." + name)
    if fused:  # QEmbedLayerNormalization holds the embeddings' LayerNorm quantized as well
        for part in ("weight", "bias"):
            name = f"bert.embeddings.LayerNorm.{part}"
            state[name] = weight("inner." + name)
        for k in range(layers):
            qkv = weight(f"Attention_{k}_qkv_weight").T  # (3 * hidden, hidden): q, k, v
            bias = arrays[f"Attention_{k}_qkv_bias"]
            for at, part in enumerate(("query", "key", "value")):
                name = f"bert.encoder.layer.{k}.attention.self.{part}"
                state[name + ".weight"] = qkv[at * hidden : (at + 1) * hidden]
                state[name + ".bias"] = bias[at * hidden : (at + 1) * hidden]
    for name, array in arrays.items():
        plain = name.removeprefix("inner.")
        if plain in wanted and not name.endswith(("_quantized", "_scale", "_zero_point")):
            state[plain] = array
    parts = ("attention.output.dense", "intermediate.dense", "output.dense")
    if not fused:
        parts = ("attention.self.query", "attention.self.key", "attention.self.value", *parts)
    names = [f"bert.encoder.layer.{k}.{part}" for k in range(layers) for part in parts] + [
        "bert.pooler.dense",
        "classifier",
    ]
    for name, base in zip(names, matmuls, strict=True):
        state[name + ".weight"] = weight(base).T
    missing = {k for k in wanted if k not in state and not k.endswith("position_ids")}
    if missing:
        raise SystemExit(f"{path}: no weights for {sorted(missing)[:5]}")
    for name, array in state.items():
        if tuple(wanted[name].shape) != array.shape:
            want = tuple(wanted[name].shape)
            raise SystemExit(f"{path}: {name} has shape {array.shape}, expected {want}")
    model.load_state_dict(
        {k: torch.from_numpy(np.array(v)) for k, v in state.items()}, strict=False
    )
    return model


def main(argv: list[str] | None = None) -> int:
    from tokenizers import Tokenizer

    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("model_dir", type=Path, help="the verifier directory to re-export")
    ap.add_argument("out_dir", type=Path, help="written: a copy with the fused model.onnx")
    ap.add_argument("--heldout", type=Path, required=True, help="the model's heldout.jsonl")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    work = args.out_dir / "work"
    work.mkdir(parents=True, exist_ok=True)
    model = dequantized_model(args.model_dir / "model.onnx")
    tok = Tokenizer.from_file(str(args.model_dir / "tokenizer.json"))
    held = tv.read_jsonl(args.heldout)
    fused = tv.fused_onnx(model, work / "plain.onnx", work / "fused.onnx")
    tv.check_onnx(model, tok, fused, held[:96], args.threads)
    for name in ("tokenizer.json", "verifier.json", "verifier-card.md"):
        if (args.model_dir / name).is_file():
            shutil.copy2(args.model_dir / name, args.out_dir / name)
    tv.quantize_int8(fused, args.out_dir / "model.onnx")
    shutil.rmtree(work)

    meta = json.loads((args.model_dir / "verifier.json").read_text(encoding="utf-8"))
    passages = [r["passage"] for r in held]
    claims = [r["claim"] for r in held]
    before = tv.onnx_logits(args.model_dir / "model.onnx", tok, passages, claims, args.threads)
    after = tv.onnx_logits(args.out_dir / "model.onnx", tok, passages, claims, args.threads)
    labels, y_s, known, y_c = tv.binary_targets(held)

    def metrics(logits: np.ndarray) -> dict[str, float]:
        from sourcecheck.evaluate.metrics import expected_calibration_error, roc_auc

        p_s, p_c = tv.calibrated(logits, meta["calibration"], known)
        return {
            "support_auc": roc_auc(y_s, p_s),
            "support_ece": expected_calibration_error(y_s, p_s),
            "contradiction_auc": roc_auc(y_c, p_c),
            "contradiction_ece": expected_calibration_error(y_c, p_c),
            "accuracy_3way": float(np.mean(np.argmax(logits[known], 1) == labels[known])),
        }

    meta["training"]["export"] = {
        "graph": "fused (onnxruntime BERT optimiser), re-exported by training/refuse_int8.py",
        "from_model_onnx_sha256": tv._sha256(args.model_dir / "model.onnx"),
        "heldout_before": metrics(before),
        "heldout_after": metrics(after),
        "argmax_agreement": float(np.mean(before.argmax(1) == after.argmax(1))),
    }
    meta["training"]["model_onnx_sha256"] = tv._sha256(args.out_dir / "model.onnx")
    (args.out_dir / "verifier.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta["training"]["export"], indent=2), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
