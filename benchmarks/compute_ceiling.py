"""How fast could any model of the verifier's shape run on this CPU? The arithmetic ceiling.

    OMP_NUM_THREADS=2 python benchmarks/compute_ceiling.py [--threads 2] [--batch 16]
        [--seconds 5] [--layers 12,6,4,3] [--model DIR]

The shipped verifier is a BERT encoder (hidden 384, feed-forward 1536, 12 layers). Almost
all of its work is matrix products: per layer and token the four projections and the two
feed-forward matrices (int8 in the shipped graph, ``MatMulInteger``), and per layer the
attention products, which grow with the square of the sequence (float32 inside
``QAttention``). This script times onnxruntime's own kernels on exactly those shapes (one
batch of ``--batch`` inputs of 256 tokens: activations uint8 × weights uint8, the shipped
kernel; uint8 × int8, the kernel VNNI CPUs use; float32 for comparison and for attention)
and divides: the pairs per second a model of L layers would reach at 128 and 256 tokens if
it did nothing but those products at the measured rate. Layer norms, GELU, softmax,
quantizing the activations and tokenizing are left out, so the real model is slower than
its ceiling; the last rows time the shipped model itself on random token ids for comparison.

Reads nothing from ``../shared``; needs ``onnx`` (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np
import numpy.typing as npt

HIDDEN = 384
FFN = 1536
HEADS = 12
#: (rows of the weight, columns) of each int8 product of one layer: fused QKV, output
#: projection, the two feed-forward matrices.
LINEAR = ((HIDDEN, 3 * HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, FFN), (FFN, HIDDEN))


def linear_ops(tokens: int) -> float:
    """Multiply-adds × 2 of one layer's projections for ``tokens`` tokens."""
    return 2.0 * tokens * sum(k * n for k, n in LINEAR)


def attention_ops(batch: int, seq: int) -> float:
    """Multiply-adds × 2 of one layer's two attention products (scores, weighted sum)."""
    return 2.0 * 2 * batch * seq * seq * HIDDEN


def _graph_session(
    nodes: list[Any],
    inputs: list[Any],
    outputs: list[Any],
    threads: int,
    initializer: Sequence[Any] = (),
) -> Any:
    """An onnxruntime session, set up as the verifier's (:func:`onnx_session`), for a graph
    of ``nodes``."""
    from onnx import helper

    from sourcecheck.onnxrt import onnx_session

    graph = helper.make_graph(nodes, "probe", inputs, outputs, initializer=list(initializer))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    return onnx_session(model.SerializeToString(), threads)


def _timed(run: Callable[[], object], seconds: float) -> float:
    """Seconds per call: one warm-up call, then calls for at least ``seconds`` (3 or more)."""
    run()
    calls, started = 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - started < seconds:
        run()
        calls += 1
    return (time.perf_counter() - started) / calls


def layer_seconds(tokens: int, weight: str, threads: int, seconds: float) -> float:
    """Seconds for one layer's four products on ``tokens`` rows, in one onnxruntime graph:
    ``weight`` 'uint8' or 'int8' (int8 products of uint8 activations, ``MatMulInteger``)
    or 'float32' (``MatMul``)."""
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    floating = weight == "float32"
    nodes, inits, inputs, outputs = [], [], [], []
    for i, (k, n) in enumerate(LINEAR):
        a, w, y = f"a{i}", f"w{i}", f"y{i}"
        if floating:
            inits.append(numpy_helper.from_array(rng.standard_normal((k, n)).astype(np.float32), w))
            nodes.append(helper.make_node("MatMul", [a, w], [y]))
        else:
            low, high, kind = (0, 256, np.uint8) if weight == "uint8" else (-127, 128, np.int8)
            inits += [
                numpy_helper.from_array(rng.integers(low, high, size=(k, n), dtype=kind), w),
                numpy_helper.from_array(np.array(128 if kind is np.uint8 else 0, kind), f"wz{i}"),
                numpy_helper.from_array(np.array(128, dtype=np.uint8), f"az{i}"),
            ]
            nodes.append(helper.make_node("MatMulInteger", [a, w, f"az{i}", f"wz{i}"], [y]))
        in_type = TensorProto.FLOAT if floating else TensorProto.UINT8
        out_type = TensorProto.FLOAT if floating else TensorProto.INT32
        inputs.append(helper.make_tensor_value_info(a, in_type, [tokens, k]))
        outputs.append(helper.make_tensor_value_info(y, out_type, [tokens, n]))
    session = _graph_session(nodes, inputs, outputs, threads, inits)
    feed = {
        f"a{i}": rng.standard_normal((tokens, k)).astype(np.float32)
        if floating
        else rng.integers(0, 256, size=(tokens, k), dtype=np.uint8)
        for i, (k, _) in enumerate(LINEAR)
    }
    return _timed(lambda: session.run(None, feed), seconds)


def attention_seconds(batch: int, seq: int, threads: int, seconds: float) -> float:
    """Seconds for one layer's attention products (float32, per head) for ``batch``
    inputs of ``seq`` tokens."""
    from onnx import TensorProto, helper

    head = HIDDEN // HEADS
    shape = [batch, HEADS, seq, head]
    nodes = [
        helper.make_node("Transpose", ["k"], ["kt"], perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["s"]),
        helper.make_node("MatMul", ["s", "v"], ["o"]),
    ]
    session = _graph_session(
        nodes,
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, shape) for x in ("q", "k", "v")],
        [helper.make_tensor_value_info("o", TensorProto.FLOAT, shape)],
        threads,
    )
    rng = np.random.default_rng(0)
    feed = {x: rng.standard_normal(shape).astype(np.float32) for x in ("q", "k", "v")}
    return _timed(lambda: session.run(None, feed), seconds)


def model_pairs_per_second(
    model_dir: Path, batch: int, seq: int, threads: int, seconds: float
) -> tuple[float, int]:
    """Pairs/s of the model in ``model_dir`` on random token ids of its vocabulary, exactly
    ``seq`` tokens each, and its number of layers."""
    import onnx

    from sourcecheck.onnxrt import onnx_session

    path = model_dir / "model.onnx"
    layers = sum(1 for n in onnx.load(str(path)).graph.node if n.op_type == "QAttention")
    session = onnx_session(path, threads)
    names = {i.name for i in session.get_inputs()}
    from tokenizers import Tokenizer

    vocab = Tokenizer.from_file(str(model_dir / "tokenizer.json")).get_vocab_size()
    rng = np.random.default_rng(0)
    ids: npt.NDArray[np.int64] = rng.integers(
        min(1000, vocab // 2), vocab, size=(batch, seq), dtype=np.int64
    )
    ids[:, 0] = 0
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
    if "token_type_ids" in names:
        feed["token_type_ids"] = np.zeros_like(ids)
    return batch / _timed(lambda: session.run(None, feed), seconds), layers


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--threads", type=int, default=int(os.environ["OMP_NUM_THREADS"]))
    parser.add_argument("--batch", type=int, default=16, help="inputs per call")
    parser.add_argument("--seconds", type=float, default=5.0, help="time each kernel this long")
    parser.add_argument("--layers", default="12,6,4,3", help="depths to show the ceiling for")
    parser.add_argument("--model", type=Path, default=None, help="model directory to time")
    args = parser.parse_args(argv)

    from sourcecheck.score.verifier import default_model_dir

    model_dir = args.model or default_model_dir()
    from sourcecheck.score.torch_runtime import cpu_flags, cpu_name

    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    flags = ", ".join(f for f in wanted if f in (cpu_flags() or ()))
    print(
        f"CPU: {cpu_name()} ({flags or 'flags unknown'}); "
        f"{args.threads} thread(s), batch {args.batch}\n"
    )

    rates: dict[str, dict[int, float]] = {"uint8 × uint8": {}, "uint8 × int8": {}, "float32": {}}
    attention: dict[int, float] = {}
    for seq in (128, 256):
        tokens = args.batch * seq
        ops = linear_ops(tokens)
        for weight in ("uint8", "int8", "float32"):
            secs = layer_seconds(tokens, weight, args.threads, args.seconds)
            rates[weight if weight == "float32" else f"uint8 × {weight}"][seq] = ops / secs / 1e9
        secs = attention_seconds(args.batch, seq, args.threads, args.seconds)
        attention[seq] = attention_ops(args.batch, seq) / secs / 1e9

    print("| kernel (one layer's products) | GOP/s at 128 tokens | GOP/s at 256 tokens |")
    print("|---|---|---|")
    for name, by_seq in rates.items():
        print(f"| projections, {name} | {by_seq[128]:.1f} | {by_seq[256]:.1f} |")
    print(f"| attention, float32 | {attention[128]:.1f} | {attention[256]:.1f} |")

    def ceiling(layers: int, seq: int, kernel: str) -> float:
        per_pair = linear_ops(seq) / (rates[kernel][seq] * 1e9) + attention_ops(1, seq) / (
            attention[seq] * 1e9
        )
        return 1.0 / (layers * per_pair)

    print("\nCeiling: pairs/s if the model did nothing but these products at these rates")
    print("| layers | kernel | at 128 tokens | at 256 tokens |")
    print("|---|---|---|---|")
    for layers in (int(x) for x in args.layers.split(",")):
        for kernel in ("uint8 × uint8", "uint8 × int8"):
            print(
                f"| {layers} | {kernel} | {ceiling(layers, 128, kernel):.1f} "
                f"| {ceiling(layers, 256, kernel):.1f} |"
            )

    print(f"\nThe model in {model_dir}, random token ids, same threads and batch:")
    print("| model | layers | pairs/s at 128 tokens | pairs/s at 256 tokens |")
    print("|---|---|---|---|")
    measured = {
        seq: model_pairs_per_second(model_dir, args.batch, seq, args.threads, args.seconds)
        for seq in (128, 256)
    }
    layers = measured[256][1]
    print(
        f"| {model_dir.name}/model.onnx | {layers} | {measured[128][0]:.1f} "
        f"| {measured[256][0]:.1f} |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
