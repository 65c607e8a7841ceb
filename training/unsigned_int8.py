"""Store a verifier's int8 matrix weights unsigned, in place, without retraining.

    python training/unsigned_int8.py src/sourcecheck/data/verifier

``train_verifier.py export`` now writes them this way (:func:`train_verifier.unsigned_weights`
says why: onnxruntime's int8 × int8 kernel saturates on CPUs without VNNI). This script
brings a model exported before that change into the same form: each weight ``q`` with zero
point 0 becomes ``q + 128`` with zero point 128 and the same scale, so the dequantized
weights, and the results on a CPU whose kernel does not saturate, are exactly as before; it
checks that, then records the old and new file hashes in ``verifier.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import train_verifier as tv  # noqa: E402


def dequantized(path: Path) -> dict[str, np.ndarray]:
    """Every MatMulInteger / QAttention weight of ``path`` as float32 (q - zero) × scale."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    out = {}
    for w, z in tv.matrix_weights(graph):
        scale = arrays[w.removesuffix("_quantized") + "_scale"]
        out[w] = (arrays[w].astype(np.float32) - arrays[z].astype(np.float32)) * scale
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dir", type=Path)
    args = parser.parse_args(argv)
    model = args.model_dir / "model.onnx"
    before = dequantized(model)
    old_sha = tv._sha256(model)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "model.onnx"
        shutil.copy2(model, work)
        rewritten = tv.unsigned_weights(work)
        after = dequantized(work)
        if before.keys() != after.keys() or any(
            not np.array_equal(before[k], after[k]) for k in before
        ):
            print(f"{model}: the unsigned weights differ; nothing written", file=sys.stderr)
            return 1
        shutil.copy2(work, model)
    meta_path = args.model_dir / "verifier.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["training"]["unsigned_int8"] = {
        "by": "training/unsigned_int8.py (q + 128, zero point 128: the same weights)",
        "why": "onnxruntime's U8S8 kernel saturates on x86 CPUs without VNNI; U8U8 does not",
        "weights_rewritten": rewritten,
        "from_model_onnx_sha256": old_sha,
    }
    meta["training"]["model_onnx_sha256"] = tv._sha256(model)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"{model}: {rewritten} weights stored unsigned, dequantized values identical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
