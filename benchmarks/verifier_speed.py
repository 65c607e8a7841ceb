"""Verifier speed: pairs per second at exactly 128 and 256 tokens, through onnxruntime
(the shipped ``model.onnx``, and any other ONNX file given) and through plain PyTorch.

    OMP_NUM_THREADS=1 python benchmarks/verifier_speed.py [--model DIR] [--threads 1,2]
        [--torch HF_DIR] [--onnx OTHER.onnx ...] [--batch 16] [--seconds 10] [--bf16]

The pairs are real SweNLI dev and SNLI dev premises and hypotheses, tokenized by the
model's own tokenizer; the premise is lengthened with the next premises and cut so that
every input is exactly L tokens (no padding, so every engine does the same work).

What is timed is the model call on ready-made input ids, batch after batch, for at least
``--seconds`` and 3 batches after one warm-up batch. ``scorer`` rows time
``VerifierScorer.score_batch`` on the same pairs as text (tokenization, windows and
calibration included). A stacked model also needs e5 embeddings of claim and passage: the
"first pass" row times one pass over the distinct pairs with nothing cached (the first
call also loads e5 and the language detector); the "features cached" row times the same
pairs after it, as in a check, where retrieval has embedded claims and passages already.

``--torch`` is a Hugging Face directory that ``AutoModelForSequenceClassification`` loads
(the PyTorch form of the model). A model directory's ONNX cannot run in PyTorch, so when
no PyTorch form of the shipped model exists, pass a model of the same architecture (e.g.
the converted multilingual-e5-small with a fresh head): speed depends on the architecture,
not on the weights, and the output says which model each row ran.

``--bf16`` adds the ``verifier-bf16`` runtime (:mod:`sourcecheck.score.torch_runtime`): the
model's own int8 weights dequantized into PyTorch and run in bfloat16, raw and through the
scorer, and beside it the same dequantized model in plain PyTorch float32.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
# A fresh embedding cache, so that no earlier run's embeddings make the scorer rows faster.
os.environ["SOURCECHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="sourcecheck-vspeed-")

import numpy as np
import numpy.typing as npt

from sourcecheck.evaluate import datasets as ds
from sourcecheck.onnxrt import onnx_session
from sourcecheck.score.base import Pair
from sourcecheck.score.verifier import VerifierScorer, default_model_dir

Ids = npt.NDArray[np.int64]


def texts(n: int) -> list[tuple[str, str]]:
    """(premise, hypothesis) pairs: SweNLI dev and SNLI dev, alternating."""
    sv = [(e.passages[0], e.claim) for e in islice(ds.swenli_dev(), n)]
    en = [(e.passages[0], e.claim) for e in islice(ds.snli("dev"), n)]
    out = [p for pair in zip(sv, en, strict=False) for p in pair]
    return out[:n]


def exact_inputs(scorer: VerifierScorer, length: int, n: int) -> tuple[Ids, list[Pair]]:
    """``n`` inputs of exactly ``length`` tokens, and the same pairs as text."""
    tok = scorer.loaded.tokenizer
    specials = scorer.loaded.specials
    rows: list[list[int]] = []
    pairs: list[Pair] = []
    pool = texts(4 * n)
    for k in range(n):
        premise, hypothesis = pool[k % len(pool)]
        claim = tok.encode(hypothesis, add_special_tokens=False)
        room = length - specials - len(claim.ids)
        text = premise
        j = k + 1
        while len(tok.encode(text, add_special_tokens=False).ids) < room:
            text += " " + pool[j % len(pool)][0]
            j += 1
        passage = tok.encode(text, add_special_tokens=False)
        passage.truncate(room)
        first, second = (
            (claim, passage) if scorer.loaded.config.pair_order[0] == "claim" else (passage, claim)
        )
        ids = tok.post_process(first, second, add_special_tokens=True).ids
        if len(ids) != length:
            raise RuntimeError(f"built {len(ids)} tokens, wanted {length}")
        rows.append(list(ids))
        cut = passage.offsets[-1][1] if passage.offsets else 0
        pairs.append(Pair(hypothesis, text[:cut]))
    return np.asarray(rows, dtype=np.int64), pairs


def rate(run: Callable[[Ids], Any], ids: Ids, batch: int, seconds: float) -> float:
    """Pairs per second of ``run`` over batches of ``ids``."""
    run(ids[:batch])  # warm-up
    done = 0
    started = time.perf_counter()
    k = 0
    while True:
        chunk = ids[(k * batch) % len(ids) :][:batch]
        run(chunk)
        done += len(chunk)
        k += 1
        elapsed = time.perf_counter() - started
        if k >= 3 and elapsed >= seconds:
            return done / elapsed


def ort_runner(path: Path, threads: int) -> tuple[Callable[[Ids], Any], str]:
    session = onnx_session(path, threads)  # the verifier's own session settings
    names = {i.name for i in session.get_inputs()}

    def run(ids: Ids) -> Any:
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        if "token_type_ids" in names:
            feeds["token_type_ids"] = np.zeros_like(ids)
        return session.run(["logits"], {k: v for k, v in feeds.items() if k in names})

    size = path.stat().st_size / 1e6
    return run, f"onnxruntime {path} ({size:.0f} MB)"


def torch_runner(path: Path, threads: int) -> tuple[Callable[[Ids], Any], str]:
    import torch
    from transformers import AutoModelForSequenceClassification

    torch.set_num_threads(threads)
    model = AutoModelForSequenceClassification.from_pretrained(
        str(path), local_files_only=True
    ).eval()
    vocab = int(model.config.vocab_size)
    params = sum(p.numel() for p in model.parameters())

    def run(ids: Ids) -> Any:
        with torch.inference_mode():
            x = torch.from_numpy(np.minimum(ids, vocab - 1))
            return model(input_ids=x, attention_mask=torch.ones_like(x)).logits

    return run, f"PyTorch {torch.__version__} fp32 {path} ({params / 1e6:.1f}M parameters)"


def dequantized_runner(path: Path, threads: int, bf16: bool) -> tuple[Callable[[Ids], Any], str]:
    """``path``'s int8 weights in PyTorch, as ``verifier-bf16`` runs them (or in float32)."""
    import torch

    from sourcecheck.score.torch_runtime import TorchSession, dequantized_bert

    dtype = torch.bfloat16 if bf16 else torch.float32
    session = TorchSession(dequantized_bert(path), dtype, threads)

    def run(ids: Ids) -> Any:
        return session.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})

    what = "bfloat16 (the verifier-bf16 runtime)" if bf16 else "float32 (plain PyTorch)"
    return run, f"PyTorch {torch.__version__} {what}: {path}'s weights, dequantized"


def scorer_runner(scorer: VerifierScorer, pairs: Sequence[Pair]) -> Callable[[Ids], Any]:
    """``score_batch`` on the pairs whose positions are in the first column of ``ids``."""
    return lambda ids: scorer.score_batch([pairs[int(i)] for i in ids[:, 0]])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--model", type=Path, default=None, help="verifier model directory")
    parser.add_argument("--threads", default="1,2", help="thread counts to measure")
    parser.add_argument("--torch", type=Path, default=None, help="PyTorch (HF) model directory")
    parser.add_argument("--onnx", type=Path, nargs="*", default=[], help="other ONNX files")
    parser.add_argument("--lengths", default="128,256")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pairs", type=int, default=64, help="distinct inputs per length")
    parser.add_argument(
        "--bf16", action="store_true", help="add the verifier-bf16 runtime and its fp32 twin"
    )
    args = parser.parse_args(argv)
    threads = [int(t) for t in args.threads.split(",")]
    lengths = [int(n) for n in args.lengths.split(",")]
    directory = args.model or default_model_dir()

    print(f"model directory: {directory}")
    print("| engine | threads | tokens | pairs/s |")
    print("|---|---|---|---|")
    for n_threads in threads:
        scorer = VerifierScorer(directory, threads=n_threads, batch_size=args.batch)
        inputs = {n: exact_inputs(scorer, n, args.pairs) for n in lengths}
        engines = [ort_runner(scorer.loaded.directory / "model.onnx", n_threads)]
        engines += [ort_runner(p, n_threads) for p in args.onnx]
        if args.torch is not None:
            engines.append(torch_runner(args.torch, n_threads))
        if args.bf16:
            shipped = scorer.loaded.directory / "model.onnx"
            engines.append(dequantized_runner(shipped, n_threads, bf16=True))
            engines.append(dequantized_runner(shipped, n_threads, bf16=False))
        for run, label in engines:
            for n in lengths:
                value = rate(run, inputs[n][0], args.batch, args.seconds)
                print(f"| {label} | {n_threads} | {n} | {value:.1f} |", flush=True)
        scorers = [("onnx", scorer)]
        if args.bf16:
            scorers.append(
                (
                    "torch-bf16",
                    VerifierScorer(
                        directory, threads=n_threads, runtime="torch-bf16", batch_size=args.batch
                    ),
                )
            )
        for runtime, one in scorers:
            for n in lengths:
                run = scorer_runner(one, inputs[n][1])
                positions = np.arange(len(inputs[n][1]), dtype=np.int64)[:, None]
                started = time.perf_counter()
                for s in range(0, len(positions), args.batch):  # first pass: nothing cached
                    run(positions[s : s + args.batch])
                first = len(positions) / (time.perf_counter() - started)
                value = rate(run, positions, args.batch, args.seconds)
                for what, v in (("first pass", first), ("features cached", value)):
                    print(
                        f"| scorer (VerifierScorer.score_batch, runtime {runtime}, text in; "
                        f"{what}) | {n_threads} | ~{n} | {v:.1f} |",
                        flush=True,
                    )
    load = os.getloadavg()
    print(
        f"\nbatch {args.batch}, ≥{args.seconds:.0f} s per row after a warm-up batch; "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} at the end; "
        f"python {sys.version.split()[0]}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
