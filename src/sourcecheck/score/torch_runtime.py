"""``verifier-bf16``: the verifier's own int8 weights, read out of ``model.onnx``, run by
PyTorch in bfloat16.

Why: on CPUs with bfloat16 matrix units (Intel AMX, Sapphire Rapids and later; ARM with
BF16) PyTorch runs the 12-layer verifier in bfloat16 about twice as fast as onnxruntime runs
the int8 graph, once pairs are batched (measured on a 2-core Intel machine with AMX,
256-token pairs, batch 16: 68.5 vs 32.2 pairs/s; ``benchmarks/verifier_speed.py --bf16``). Without
such units PyTorch emulates bfloat16 and is slow (on a 2-core AMD EPYC with AVX2 only: 1.6
pairs/s against onnxruntime's 14.3): keep the default ``verifier`` there. Loading this
runtime on such a CPU logs a warning, and the scorer's description records
``native_bf16`` (:func:`cpu_has_bf16`).

What runs is the same model: each int8 weight is dequantized (``(q - zero point) × scale``,
per channel) into a ``transformers`` ``BertForSequenceClassification``, then cast to
bfloat16. Activations are not quantized, so scores differ a little from the onnxruntime path
(on the shipped model's 2,498 held-out pairs: mean |Δ support| 0.032, support AUC 0.924 vs
0.922), and, unlike the int8 graph, a pair's score does not depend on the pairs batched with
it beyond float rounding: this runtime batches 16 windows by default.

Needs ``torch`` and ``transformers`` (``pip install 'sourcecheck[hf]'``) and ``onnx`` to
read the weights. The graph must be one that ``training/train_verifier.py export`` writes
(fused or unfused, int8 per channel); any other is refused with the tensor it lacks.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.errors import ConfigError, ModelError

log = logging.getLogger("sourcecheck")

#: Runtimes a verifier directory can be run with (``onnx`` is the default one;
#: ``torch-fp32``, the same weights in plain float32 PyTorch, is the reference the other two
#: are measured against).
RUNTIMES = ("onnx", "torch-bf16", "torch-fp32")
INSTALL_HINT = "verifier-bf16 needs torch, transformers and onnx: pip install 'sourcecheck[hf]'"


#: CPU flags (``/proc/cpuinfo``) of bfloat16 arithmetic in hardware: Intel AMX and
#: AVX512-BF16 on x86; the BF16 extension on 64-bit ARM.
BF16_FLAGS = frozenset({"amx_bf16", "avx512_bf16", "bf16"})


def _cpuinfo() -> str | None:
    try:
        return Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:  # not Linux
        return None


def _field(cpuinfo: str, *keys: str) -> str | None:
    """The value of the first line of ``cpuinfo`` whose key is one of ``keys``."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() in keys:
            return value.strip()
    return None


def cpu_flags(cpuinfo: str | None = None) -> frozenset[str] | None:
    """This CPU's feature flags, from the ``flags`` (x86) or ``Features`` (ARM) line of
    ``cpuinfo`` (default: ``/proc/cpuinfo``); ``None`` where that cannot be read."""
    text = _cpuinfo() if cpuinfo is None else cpuinfo
    flags = None if text is None else _field(text, "flags", "features")
    return None if flags is None else frozenset(flags.split())


def cpu_has_bf16(cpuinfo: str | None = None) -> bool | None:
    """Whether this CPU does bfloat16 arithmetic in hardware (:func:`cpu_flags`); ``None``
    where the flags cannot be read (macOS, Windows): Apple's M2 and later have it, most
    others not."""
    flags = cpu_flags(cpuinfo)
    return None if flags is None else not BF16_FLAGS.isdisjoint(flags)


def cpu_name() -> str:
    """This CPU's model name (``/proc/cpuinfo``), or the machine type where that is not
    readable."""
    text = _cpuinfo()
    name = None if text is None else _field(text, "model name")
    return name or platform.processor() or platform.machine()


def _arrays(path: Path) -> tuple[dict[str, npt.NDArray[Any]], list[Any]]:
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    try:
        graph = onnx.load(str(path)).graph
    except Exception as exc:  # onnx raises DecodeError and others with no common base
        raise ModelError(f"{path}: not an ONNX file ({exc})") from exc
    return {i.name: numpy_helper.to_array(i) for i in graph.initializer}, list(graph.node)


def dequantized_bert(path: Path) -> Any:
    """The ``BertForSequenceClassification`` (float32) whose weights the int8 ONNX file
    ``path`` holds: the unfused export or the fused one; sizes and layers are read from the
    graph. Biases and LayerNorms are found by their parameter names, which the exporter
    keeps unless two tensors are equal (an untrained model's)."""
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc

    arrays, nodes = _arrays(path)

    def need(name: str) -> npt.NDArray[Any]:
        if name not in arrays:
            raise ModelError(f"{path}: no tensor {name!r}; not a graph that sourcecheck exported")
        return arrays[name]

    def weight(base: str) -> npt.NDArray[np.float32]:
        q = need(base + "_quantized").astype(np.float32)
        zero = need(base + "_zero_point").astype(np.float32)
        out: npt.NDArray[np.float32] = (q - zero) * need(base + "_scale")
        return out

    # MatMulInteger weights in graph order: per layer query, key, value, attention output,
    # intermediate, output; then the pooler and the classifier. In the fused graph the
    # query, key and value are one QAttention weight per layer (Attention_k_qkv_weight,
    # their columns side by side) and the other four stay MatMulInteger.
    matmuls = [n.input[1].removesuffix("_quantized") for n in nodes if n.op_type == "MatMulInteger"]
    fused = any(n.op_type == "QAttention" for n in nodes)
    per_layer = 3 if fused else 6
    if len(matmuls) < 2 + per_layer or (len(matmuls) - 2) % per_layer:
        raise ModelError(f"{path}: {len(matmuls)} int8 matrix products fit no BERT classifier")
    layers = (len(matmuls) - 2) // per_layer
    vocab = need("inner.bert.embeddings.word_embeddings.weight_quantized").shape[0]
    positions, hidden = need("inner.bert.embeddings.position_embeddings.weight_quantized").shape
    heads = [  # the fused graph says; the unfused one is multilingual-e5-small's 12
        a.i for n in nodes if n.op_type == "QAttention" for a in n.attribute
        if a.name == "num_heads"
    ] or [12]  # fmt: skip
    labels = need(matmuls[-1] + "_quantized").shape[1]
    config: Any = transformers.BertConfig(  # type: ignore[call-arg]
        vocab_size=vocab,
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads[0],
        intermediate_size=need(matmuls[1 if fused else 4] + "_quantized").shape[1],
        max_position_embeddings=positions,
        type_vocab_size=2,
        layer_norm_eps=1e-12,
        pad_token_id=1,
        num_labels=labels,
        hidden_act="gelu",
    )
    model: Any = transformers.BertForSequenceClassification(config)
    model.eval()
    wanted = model.state_dict()
    state: dict[str, npt.NDArray[Any]] = {}
    for kind in ("word", "position", "token_type"):
        name = f"bert.embeddings.{kind}_embeddings.weight"
        state[name] = weight("inner." + name)
    if fused:  # QEmbedLayerNormalization holds the embeddings' LayerNorm quantized as well
        for part in ("weight", "bias"):
            name = f"bert.embeddings.LayerNorm.{part}"
            state[name] = weight("inner." + name)
        for k in range(layers):
            qkv = weight(f"Attention_{k}_qkv_weight").T  # (3 * hidden, hidden): q, k, v
            bias = need(f"Attention_{k}_qkv_bias")
            for at, part in enumerate(("query", "key", "value")):
                name = f"bert.encoder.layer.{k}.attention.self.{part}"
                state[name + ".weight"] = qkv[at * hidden : (at + 1) * hidden]
                state[name + ".bias"] = bias[at * hidden : (at + 1) * hidden]
    for name, array in arrays.items():
        plain = name.removeprefix("inner.")
        if plain in wanted and not name.endswith(("_quantized", "_scale", "_zero_point")):
            state[plain] = array
    parts: tuple[str, ...] = ("attention.output.dense", "intermediate.dense", "output.dense")
    if not fused:
        parts = ("attention.self.query", "attention.self.key", "attention.self.value", *parts)
    names = [f"bert.encoder.layer.{k}.{part}" for k in range(layers) for part in parts] + [
        "bert.pooler.dense",
        "classifier",
    ]
    for name, base in zip(names, matmuls, strict=True):
        state[name + ".weight"] = weight(base).T
    missing = sorted(k for k in wanted if k not in state and not k.endswith("position_ids"))
    if missing:
        raise ModelError(f"{path}: no weights for {', '.join(missing[:5])}")
    for name, array in state.items():
        if tuple(wanted[name].shape) != array.shape:
            want = tuple(wanted[name].shape)
            raise ModelError(f"{path}: {name} has shape {array.shape}, expected {want}")
    model.load_state_dict(
        {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()},
        strict=False,
    )
    return model


class TorchSession:
    """The part of onnxruntime's ``InferenceSession`` that the verifier uses (``run`` with
    ``["logits"]``), for a PyTorch classifier in ``dtype``; logits come back as float32."""

    input_names = ("input_ids", "attention_mask")

    def __init__(self, model: Any, dtype: Any, threads: int) -> None:
        import torch

        self._torch = torch
        # torch's thread count is the process's: the verifier's setting applies to it all.
        torch.set_num_threads(threads)
        self.model = model.to(dtype).eval()

    def run(self, outputs: Sequence[str], feeds: dict[str, npt.NDArray[Any]]) -> list[Any]:
        if list(outputs) != ["logits"]:
            raise ValueError(f"only 'logits' is an output here, not {list(outputs)}")
        torch = self._torch
        with torch.inference_mode():
            logits = self.model(
                input_ids=torch.from_numpy(feeds["input_ids"]),
                attention_mask=torch.from_numpy(feeds["attention_mask"]),
            ).logits
        return [logits.float().numpy()]


def torch_session(path: Path, runtime: str, threads: int) -> TorchSession:
    """A :class:`TorchSession` of the weights in ``path`` for ``runtime`` (``torch-bf16``
    or ``torch-fp32``)."""
    if runtime not in RUNTIMES[1:]:
        raise ConfigError(f"unknown verifier runtime {runtime!r}; known: {', '.join(RUNTIMES)}")
    try:
        import torch
    except ImportError as exc:
        raise ConfigError(INSTALL_HINT) from exc
    dtype = torch.bfloat16 if runtime == "torch-bf16" else torch.float32
    if runtime == "torch-bf16" and cpu_has_bf16() is False:
        log.warning(
            "sourcecheck: verifier-bf16 on a CPU without bfloat16 units (%s): PyTorch emulates "
            "bfloat16 here, several times slower than the default verifier",
            cpu_name(),
        )
    return TorchSession(dequantized_bert(path), dtype, threads)
