"""The embedding cache: in memory, and on disk across processes (by content hash)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sourcecheck.embed import Embedder, default_vector_store
from sourcecheck.store import DEFAULT_FILE, Store, default_store

TEXTS = ["Bron byggdes 1964.", "The bridge was built in 1964.", "Bron byggdes 1964."]


def test_disk_cache_serves_a_new_process(tmp_path: Path) -> None:
    store = Store(tmp_path / "e.sqlite").embeddings
    first = Embedder(store=store)
    vecs = first.passages(TEXTS)
    assert np.allclose(vecs[0], vecs[2])
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    # A fresh embedder (as in a new process) reads the vectors back without the model.
    again = Embedder(store=Store(tmp_path / "e.sqlite").embeddings)
    assert np.array_equal(again.passages(TEXTS), vecs)
    assert again._model is None
    # Queries and passages of the same text are different vectors, cached apart.
    q = again.queries(TEXTS[:1])
    assert again._model is not None
    assert not np.allclose(q[0], vecs[0])


def test_cache_dir_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCECHECK_CACHE_DIR", str(tmp_path / "c"))
    store = default_store()
    assert store is not None and store.path == tmp_path / "c" / DEFAULT_FILE
    assert default_store() is store  # one per process and file
    assert default_vector_store() is not None
    monkeypatch.setenv("SOURCECHECK_CACHE_DIR", "none")
    assert default_store() is None
    assert default_vector_store() is None


def test_unwritable_cache_warns_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("SOURCECHECK_CACHE_DIR", str(blocker / "sub"))
    assert default_store() is None
    assert "unusable" in caplog.text
