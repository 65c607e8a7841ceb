"""A source corpus indexed once and reused: many articles checked against the same sources.

A corpus is a folder of documents (every file sourcecheck reads, in any sub-folder) or a
JSONL file with one document per line::

    {"id": "4983", "text": "Alterations of the ...", "title": "...", "language": "en"}
    {"id": "report-2025", "path": "reports/report-2025.pdf"}

(``path`` is relative to the JSONL file; ``title`` and ``language`` are optional).

:func:`open_corpus` loads and indexes it (passages, BM25, dense vectors) and stores the
index on disk under the cache directory, keyed by the corpus's bytes, the tool version and
the embedding model, so the second run loads it in seconds instead of embedding every
passage again. The index files are a cache written and read by this module only (a pickle
of the loaded documents and passages, the vectors as ``.npy``); nothing else should read
them, and a file that fails to load is rebuilt, never trusted half-way."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from sourcecheck import __version__
from sourcecheck.config import cache_dir
from sourcecheck.embed import EMBEDDER_ID, Embedder, default_embedder
from sourcecheck.errors import InputError
from sourcecheck.load import load_document, load_text
from sourcecheck.load.sniff import SUFFIXES
from sourcecheck.model import Document
from sourcecheck.retrieve import SourceIndex, build_index

log = logging.getLogger("sourcecheck")

#: Bumped whenever passages or the stored layout change: an older index is rebuilt.
INDEX_FORMAT = 4  # 3: passages searched with their document's title; 4: by BM25 only
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Corpus:
    """An indexed corpus: the index the pipeline searches, where it is stored, and whether
    this call built it (``built``) or loaded it."""

    index: SourceIndex
    key: str
    path: Path | None
    built: bool
    seconds: float
    #: How long building the index took (this call's, or the stored one's, where known).
    build_seconds: float | None = None

    @property
    def documents(self) -> int:
        return len(self.index.documents)


def corpus_files(root: Path) -> list[Path]:
    """The documents of a corpus folder, in a stable order (hidden files skipped)."""
    out = []
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not p.is_file():
            continue
        if p.suffix.lower() in SUFFIXES:
            out.append(p)
    return out


def corpus_key(source: str | os.PathLike[str]) -> str:
    """A hash of everything the index depends on: the corpus's bytes (each file's, for a
    folder), the tool version, the embedding model and the index format."""
    root = Path(source)
    h = hashlib.sha256(f"{__version__}|{EMBEDDER_ID}|{INDEX_FORMAT}|".encode())
    if root.is_dir():
        for p in corpus_files(root):
            h.update(str(p.relative_to(root)).encode("utf-8") + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    elif root.is_file():
        h.update(root.read_bytes())
        # A JSONL line may point at a file: its bytes count too.
        for _, _, target in _jsonl_entries(root):
            if target is not None and target.is_file():
                h.update(hashlib.sha256(target.read_bytes()).digest())
    else:
        raise InputError(str(source), "no such corpus (give a folder or a JSONL file)")
    return h.hexdigest()[:32]


def _jsonl_entries(path: Path) -> Iterator[tuple[int, dict[str, object], Path | None]]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}", f"is not JSON ({exc.msg})") from None
            if not isinstance(entry, dict):
                raise InputError(f"{path}:{n}", "is not a JSON object")
            target = entry.get("path")
            yield n, entry, (path.parent / str(target)) if target else None


def load_corpus(source: str | os.PathLike[str], progress: Progress | None = None) -> list[Document]:
    """Every document of a corpus folder or JSONL file, with unique ids (a clash is an
    error naming both places: a corpus with two documents called the same is ambiguous
    for citations and reports alike)."""
    root = Path(source)
    docs: list[Document] = []
    where: dict[str, str] = {}

    def add(doc: Document, place: str) -> None:
        if doc.id in where:
            raise InputError(place, f"document id {doc.id!r} is already used by {where[doc.id]}")
        where[doc.id] = place
        docs.append(doc)

    if root.is_dir():
        files = corpus_files(root)
        if not files:
            raise InputError(str(root), "holds no document sourcecheck reads")
        for i, p in enumerate(files):
            rel = p.relative_to(root)
            doc_id = str(rel.with_suffix("")).replace(os.sep, "/")
            add(load_document(p, doc_id=doc_id), str(p))
            if progress:
                progress("load", i + 1, len(files))
        return docs
    if not root.is_file():
        raise InputError(str(root), "no such corpus (give a folder or a JSONL file)")
    for n, entry, target in _jsonl_entries(root):
        place = f"{root}:{n}"
        raw_id = entry.get("id")
        if target is not None:
            doc = load_document(target, doc_id=str(raw_id) if raw_id is not None else None)
        else:
            text = entry.get("text")
            if not isinstance(text, str) or not text.strip():
                raise InputError(place, 'needs "text" (the document) or "path" (a file)')
            if raw_id is None:
                raise InputError(place, 'needs an "id"')
            doc = replace(load_text(text, name=f"{root.name}#{raw_id}"), id=str(raw_id))
        title, language = entry.get("title"), entry.get("language")
        if isinstance(title, str) and title:
            doc = replace(doc, title=title)
        if isinstance(language, str) and language:
            doc = replace(doc, language=language)
        add(doc, place)
        if progress:
            progress("load", len(docs), 0)
    if not docs:
        raise InputError(str(root), "holds no document")
    return docs


def default_index_dir() -> Path | None:
    """Where corpus indexes live: ``corpora/`` in the cache directory
    (:func:`sourcecheck.config.cache_dir`); None when the cache is turned off."""
    base = cache_dir()
    return None if base is None else base / "corpora"


def open_corpus(
    source: str | os.PathLike[str],
    *,
    embedder: Embedder | None = None,
    index_dir: str | os.PathLike[str] | None = None,
    store: bool = True,
    progress: Progress | None = None,
) -> Corpus:
    """The index of the corpus at ``source``: loaded from ``index_dir`` (default: the cache
    directory) when this corpus was indexed before, built and stored there otherwise.
    ``store=False`` neither reads nor writes the disk."""
    import time

    t0 = time.perf_counter()
    key = corpus_key(source)
    base = Path(index_dir) if index_dir is not None else default_index_dir()
    target = base / key if (store and base is not None) else None
    if target is not None and (target / "manifest.json").is_file():
        stored = _read_index(target)
        if stored is not None:
            index, manifest = stored
            built_in = manifest.get("build_seconds")
            return Corpus(
                index,
                key,
                target,
                False,
                time.perf_counter() - t0,
                float(built_in) if built_in is not None else None,
            )
    docs = load_corpus(source, progress)
    embedder = embedder or default_embedder()
    index = build_index(
        docs,
        embedder,
        (lambda d, t: progress("index", d, t)) if progress else None,
        title_context=True,
    )
    seconds = time.perf_counter() - t0
    if target is not None:
        _write_index(index, target, source, seconds)
    return Corpus(index, key, target, True, seconds, seconds)


def _write_index(
    index: SourceIndex, target: Path, source: str | os.PathLike[str], seconds: float
) -> None:
    """Write into a temporary folder beside ``target`` and rename it into place, so a
    killed run leaves no half-written index."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
        np.save(tmp / "vectors.npy", index.vectors)
        with (tmp / "index.pkl").open("wb") as fh:
            pickle.dump(replace(index, vectors=np.zeros((0, 0), np.float32)), fh, protocol=5)
        manifest = {
            "format": INDEX_FORMAT,
            "tool_version": __version__,
            "embedder": EMBEDDER_ID,
            "source": os.fspath(source),
            "documents": len(index.documents),
            "passages": len(index.passages),
            "build_seconds": round(seconds, 1),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except OSError as exc:
        log.warning("sourcecheck: cannot store the corpus index at %s (%s)", target, exc)


def _read_index(target: Path) -> tuple[SourceIndex, dict[str, Any]] | None:
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != INDEX_FORMAT:
            return None
        with (target / "index.pkl").open("rb") as fh:
            index = pickle.load(fh)
        vectors = np.load(target / "vectors.npy")
    except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError) as exc:
        log.warning("sourcecheck: corpus index at %s unreadable (%s); rebuilding", target, exc)
        return None
    if not isinstance(index, SourceIndex) or len(vectors) != len(index.passages):
        return None
    return replace(index, vectors=vectors), manifest
