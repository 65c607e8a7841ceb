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

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import train_verifier as tv  # noqa: E402

from sourcecheck.score.torch_runtime import dequantized_bert  # noqa: E402


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
    model = dequantized_bert(args.model_dir / "model.onnx")
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
